"""The website widget in a real browser: Debian's chromium, driven by Playwright.

Everything is real: the page from `bot.tooling.web_server`, `rasa run` with the trained
model and the project's `credentials.yml` (our socket.io channel, session persistence
on), a real action server, the SQL tracker store on a temporary SQLite file. The tests
do what a person does: open the chat, type, tap buttons, reload, use a phone.

Needs `make test-deps` (Debian's chromium; Playwright never downloads a browser).
Screenshots: results/widget.png and results/widget-phone.png; they are copied to docs/
for the README when docs/ has none yet or UPDATE_DOCS_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, List

import pytest
import yaml
from playwright import sync_api as playwright_api
from playwright.sync_api import expect

from tests.helpers import (
    PROJECT_ROOT,
    RASA,
    free_port,
    start_action_server,
    start_process,
    stop_process,
    wait_until_healthy,
)

pytestmark = [pytest.mark.servers, pytest.mark.model]


MODEL = PROJECT_ROOT / "models" / "triage.tar.gz"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_SECONDS = 90
REPLY_MS = 20_000
RESULTS = PROJECT_ROOT / "results"
DOCS = PROJECT_ROOT / "docs"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

FIRST_MESSAGE = "day 3 off H and my glutes keep cramping"
RED_FLAG = "no but now i cant breathe"
HTML_MESSAGE = "<img src=x onerror=alert(1)>"

BOT = ".tcw-msg--bot"
USER = ".tcw-msg--user"
EMERGENCY = ".tcw-msg--emergency"


@dataclass
class Servers:
    """Where the running page and Rasa server are."""

    page_url: str
    rasa_url: str
    rasa_log: Path


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Action server, `rasa run` with the project's credentials.yml, and the page."""
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does).")
    folder = tmp_path_factory.mktemp("widget")
    actions_port, rasa_port, web_port = free_port(), free_port(), free_port()
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    page_url = f"http://127.0.0.1:{web_port}/"
    endpoints = {
        "action_endpoint": {"url": f"http://127.0.0.1:{actions_port}/webhook"},
        "tracker_store": {
            "type": "SQL",
            "dialect": "sqlite",
            "db": str(folder / "tracker.db"),
        },
    }
    (folder / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    processes = []
    try:
        actions = start_action_server(actions_port, folder / "actions.log")
        processes.append(actions)
        rasa = start_process(
            [RASA, "run", "--model", str(MODEL), "--enable-api"]
            + ["--interface", "127.0.0.1", "--port", str(rasa_port)]
            + ["--credentials", str(PROJECT_ROOT / "credentials.yml")]
            + ["--endpoints", str(folder / "endpoints.yml")]
            + ["--cors", f"http://127.0.0.1:{web_port}"],
            folder / "rasa.log",
        )
        processes.append(rasa)
        web = start_process(
            [sys.executable, "-m", "bot.tooling.web_server", "--port", str(web_port)]
            + ["--socket-url", rasa_url],
            folder / "web.log",
        )
        processes.append(web)
        wait_until_healthy(page_url, web, 20, folder / "web.log")
        wait_until_healthy(
            f"http://127.0.0.1:{actions_port}/health",
            actions,
            SERVER_START_SECONDS,
            folder / "actions.log",
        )
        wait_until_healthy(
            f"{rasa_url}/status", rasa, SERVER_START_SECONDS, folder / "rasa.log"
        )
        yield Servers(
            page_url=page_url, rasa_url=rasa_url, rasa_log=folder / "rasa.log"
        )
    finally:
        for process in reversed(processes):
            stop_process(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-deps` (make test does).")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            yield chromium
        finally:
            chromium.close()


class Visitor:
    """One person on the page, in their own browser profile."""

    def __init__(self, browser: Any, servers: Servers, **context_options: Any) -> None:
        self.context = browser.new_context(**context_options)
        self.context.set_default_timeout(REPLY_MS)
        self.page = self.context.new_page()
        self.errors: List[str] = []
        self.dialogs: List[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._on_dialog)
        self.page.goto(servers.page_url)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    @property
    def launcher(self) -> Any:
        return self.page.locator(".tcw-launcher")

    @property
    def panel(self) -> Any:
        return self.page.get_by_role("dialog", name="Withdrawal pain help")

    @property
    def box(self) -> Any:
        return self.page.get_by_label("Your message")

    def open_chat(self) -> None:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        expect(self.box).to_be_focused()
        expect(self.page.locator(BOT).first).to_contain_text("not a doctor")

    def type_and_send(self, text: str) -> None:
        """Types like a person and presses Enter; the typing indicator shows."""
        bot_messages = self.page.locator(BOT).count()
        self.box.fill(text)
        self.box.press("Enter")
        expect(self.page.locator(USER).last).to_have_text(f"You said: {text}")
        expect(self.page.locator(".tcw-typing")).to_be_visible()
        self.wait_for_reply(bot_messages)

    def wait_for_reply(self, bot_messages_before: int) -> None:
        expect(self.page.locator(BOT)).not_to_have_count(bot_messages_before)
        expect(self.page.locator(".tcw-typing")).to_be_hidden()

    def close(self) -> None:
        assert self.errors == [], f"JavaScript errors: {self.errors}"
        self.context.close()


def save_screenshot(page: Any, name: str) -> None:
    """results/<name>, copied to docs/ when docs has none yet or on request."""
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / name))
    docs_copy = DOCS / name
    if not docs_copy.exists() or os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        shutil.copyfile(RESULTS / name, docs_copy)


def test_conversation_with_a_button_a_red_flag_and_a_reload(
    browser: Any, servers: Servers
) -> None:
    person = Visitor(browser, servers, viewport=DESKTOP)
    page = person.page
    expect(person.panel).to_be_hidden()
    expect(person.launcher).to_have_attribute("aria-expanded", "false")
    person.open_chat()
    expect(person.launcher).to_have_attribute("aria-expanded", "true")
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")

    person.type_and_send(FIRST_MESSAGE)
    question = page.locator(BOT).last
    expect(question).to_contain_text("safety questions")
    no = question.get_by_role("button", name="No", exact=True)
    expect(no).to_be_visible()
    expect(question.get_by_role("button", name="Yes", exact=True)).to_be_visible()

    before = page.locator(BOT).count()
    no.click()
    expect(page.locator(USER).last).to_have_text("You said: No")  # the title, not /deny
    expect(page.locator(".tcw-quick").filter(has_text="Not sure")).to_have_count(1)
    person.wait_for_reply(before)
    next_question = page.locator(BOT).last
    expect(next_question).to_contain_text(re.compile(r"\?"))
    expect(next_question).not_to_contain_text("safety questions")
    expect(next_question.get_by_role("button", name="No", exact=True)).to_be_visible()
    expect(person.box).to_be_focused()

    person.type_and_send(RED_FLAG)
    emergency = page.locator(EMERGENCY).last
    expect(emergency).to_be_visible()
    expect(emergency).to_contain_text("Please call 911 now")
    expect(emergency).to_have_attribute("role", "alert")
    call = emergency.get_by_role("link", name="Call 911")
    expect(call).to_have_attribute("href", "tel:911")
    expect(call).to_be_in_viewport()  # the call button is what shows, not the end of it
    normal = page.locator(f"{BOT}:not({EMERGENCY}) .tcw-bubble").first
    assert _background(emergency.locator(".tcw-bubble")) != _background(normal)
    assert page.locator(".tcw-quick").count() == 0  # no tips offered after an emergency

    session_id = page.evaluate("localStorage.getItem('triage-chat:session')")
    shown_before = _texts(page)
    page.reload()
    expect(person.panel).to_be_visible()  # it was open: it opens again
    expect(page.locator(EMERGENCY)).to_have_count(1)
    expect(page.locator(EMERGENCY).get_by_role("link", name="Call 911")).to_be_visible()
    assert _texts(page) == shown_before  # the same conversation, greeting not repeated
    assert page.evaluate("localStorage.getItem('triage-chat:session')") == session_id
    page.wait_for_timeout(300)
    save_screenshot(page, "widget.png")
    person.close()


def test_html_is_shown_as_text_the_chat_reconnects_and_starts_over(
    browser: Any, servers: Servers
) -> None:
    person = Visitor(browser, servers, viewport=DESKTOP)
    page = person.page
    person.open_chat()
    person.type_and_send(HTML_MESSAGE)
    bubble = page.locator(USER).last
    expect(bubble).to_have_text(f"You said: {HTML_MESSAGE}")
    assert page.locator(".tcw img").count() == 0
    assert person.dialogs == []

    # A dropped connection: the widget says so, reconnects, and the chat goes on.
    page.evaluate("window.triageChat.socket.io.engine.close()")
    expect(page.locator(".tcw-status")).to_have_text(re.compile("Reconnecting"))
    expect(page.locator(".tcw-status")).to_be_empty()
    person.type_and_send("hi")
    expect(page.locator(USER)).to_have_count(2)
    assert person.dialogs == []

    # "New chat": a new session, the old messages gone from the screen and the device.
    old_session = page.evaluate("localStorage.getItem('triage-chat:session')")
    page.get_by_role("button", name=re.compile("Start a new conversation")).click()
    expect(page.locator(USER)).to_have_count(0)
    expect(page.locator(BOT).first).to_contain_text("not a doctor")
    new_session = page.evaluate("localStorage.getItem('triage-chat:session')")
    assert new_session and new_session != old_session
    person.close()


def test_phone_layout_keyboard_and_labels(browser: Any, servers: Servers) -> None:
    person = Visitor(browser, servers, viewport=PHONE, is_mobile=True, has_touch=True)
    page = person.page
    expect(person.launcher).to_have_accessible_name(re.compile("Open chat"))
    person.launcher.focus()
    page.keyboard.press("Enter")
    expect(person.panel).to_be_visible()
    expect(person.box).to_be_focused()
    panel_box = person.panel.bounding_box()
    assert panel_box is not None
    assert (panel_box["width"], panel_box["height"]) == (
        PHONE["width"],
        PHONE["height"],
    )
    expect(person.launcher).to_be_hidden()  # the panel has its own close button
    expect(page.get_by_role("button", name="Close chat")).to_be_visible()
    expect(page.get_by_role("button", name="Send message")).to_be_visible()
    expect(page.locator(BOT).first).to_contain_text("not a doctor")

    person.type_and_send(FIRST_MESSAGE)
    buttons = page.locator(BOT).last.get_by_role("button")
    expect(buttons).to_have_count(3)
    for index in range(3):
        box = buttons.nth(index).bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    page.wait_for_timeout(300)
    save_screenshot(page, "widget-phone.png")

    page.keyboard.press("Escape")
    expect(person.panel).to_be_hidden()
    expect(person.launcher).to_be_focused()
    person.close()


def _background(locator: Any) -> str:
    return str(locator.evaluate("node => getComputedStyle(node).backgroundColor"))


def _texts(page: Any) -> List[str]:
    return [text.strip() for text in page.locator(".tcw-msg").all_inner_texts()]

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
from typing import Any, List

import pytest
from playwright.sync_api import expect

from tests.web.conftest import (
    BOT,
    DESKTOP,
    DOCS,
    EMERGENCY,
    FIRST_MESSAGE,
    HTML_MESSAGE,
    PHONE,
    RED_FLAG,
    RESULTS,
    USER,
    Servers,
    Visitor,
)

pytestmark = [pytest.mark.servers, pytest.mark.model]


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

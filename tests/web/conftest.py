"""The widget's real servers and browser, shared by the widget tests.

Everything is real: the page from `bot.tooling.web_server`, `rasa run` with the trained
model and the project's `credentials.yml` (our socket.io channel, session persistence
on), a real action server writing check-in schedules to the same SQLite file as the SQL
tracker store, and Debian's chromium driven by Playwright (it never downloads a
browser). One set of servers serves every widget test in the session; the browser
is started once per module.
"""

from __future__ import annotations

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
    start_process,
    stop_process,
    wait_until_healthy,
)

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


API_TOKEN = "widget-test-token"


@dataclass
class Servers:
    """Where the running page, Rasa server and conversations' database are."""

    page_url: str
    rasa_url: str
    rasa_log: Path
    database: Path
    token: str = API_TOKEN

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL of the conversations (and check-in schedules)."""
        return f"sqlite:///{self.database}"


@pytest.fixture(scope="session")
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
        # The action server keeps check-in schedules where the conversations are.
        actions = start_process(
            [
                RASA,
                "run",
                "actions",
                "--actions",
                "actions",
                "--port",
                str(actions_port),
            ],
            folder / "actions.log",
            env={"SANIC_HOST": "127.0.0.1", "TRACKER_DB": str(folder / "tracker.db")},
        )
        processes.append(actions)
        rasa = start_process(
            [RASA, "run", "--model", str(MODEL), "--enable-api"]
            + ["--auth-token", API_TOKEN]
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
            f"{rasa_url}/status?token={API_TOKEN}",
            rasa,
            SERVER_START_SECONDS,
            folder / "rasa.log",
        )
        yield Servers(
            page_url=page_url,
            rasa_url=rasa_url,
            rasa_log=folder / "rasa.log",
            database=folder / "tracker.db",
        )
    finally:
        for process in reversed(processes):
            stop_process(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless; per module, because Playwright's sync API keeps an
    event loop running in this thread, which async tests after it could not start."""
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
        self.servers = servers
        self.page = self.context.new_page()
        self.errors: List[str] = []
        self.dialogs: List[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._on_dialog)
        self.page.goto(servers.page_url)

    def come_back(self) -> Any:
        """Closes the page and opens it again later in the same browser profile (its
        localStorage kept), as a person returning to the site does."""
        self.page.close()
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._on_dialog)
        self.page.goto(self.servers.page_url)
        return self.page

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

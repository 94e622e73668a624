"""`make chat` in a real terminal: tmux runs the chat script, we type and read the
screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from tests.helpers import PROJECT_ROOT, free_port

pytestmark = pytest.mark.servers
START_SECONDS = 120
REPLY_SECONDS = 30


class Terminal:
    """A tmux session running one command, read through capture-pane."""

    def __init__(self, session: str) -> None:
        self.session = session

    def screen(self) -> str:
        """Everything on the screen and in the scroll-back, lines joined."""
        result = subprocess.run(
            ["tmux", "capture-pane", "-p", "-J", "-t", self.session, "-S", "-300"],
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout

    def wait_for(self, text: str, seconds: float = REPLY_SECONDS, seen: int = 0) -> str:
        """Waits until `text` is on the screen more than `seen` times (new output)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            screen = self.screen()
            if screen.count(text) > seen:
                return screen
            time.sleep(0.5)
        raise AssertionError(
            f"{text!r} not on screen after {seconds}s:\n{self.screen()}"
        )

    def type(self, *keys: str) -> str:
        """Sends keys; returns the screen as it was before, to tell new output apart."""
        before = self.screen()
        subprocess.run(["tmux", "send-keys", "-t", self.session, *keys], check=True)
        return before


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """`bot/tooling/chat.sh` (what `make chat` runs) in a 160x50 tmux window."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: `make test-deps` installs it")
    session = f"chat-{uuid.uuid4().hex[:8]}"
    environment = {
        **os.environ,
        "ACTIONS_PORT": str(free_port()),
        "CHAT_PORT": str(free_port()),
        "TRACKER_DB": str(tmp_path / "tracker.db"),
        "SANIC_HOST": "127.0.0.1",
    }
    subprocess.run(
        [
            "tmux",
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "160",
            "-y",
            "50",
            str(PROJECT_ROOT / "bot/tooling/chat.sh"),
        ],
        cwd=PROJECT_ROOT,
        env=environment,
        check=True,
    )
    try:
        yield Terminal(session)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def test_a_whole_conversation_in_the_terminal_with_buttons(terminal: Terminal) -> None:
    terminal.wait_for("Your input", seconds=START_SECONDS)

    terminal.type("day 3 off H and my glutes keep cramping", "Enter")
    terminal.wait_for("safety questions")
    terminal.wait_for("Not sure (/unsure)")  # buttons are shown as a menu

    terminal.type("Down", "Enter")  # choose "No" with the arrow keys
    screen = terminal.wait_for("numbness between your legs")
    assert "No (/deny)" in screen

    # The last menu entry lets the person type freely: a red flag mid-screen.
    before = terminal.type("Down", "Down", "Down", "Enter")
    terminal.wait_for("Your input", seen=before.count("Your input"))
    terminal.type("no but now i cant breathe", "Enter")
    screen = terminal.wait_for("Please call 911 now")
    assert "You mentioned trouble breathing" in screen

    terminal.type("/stop", "Enter")

"""`make chat` in a real terminal: tmux runs the chat script, we type and read the
screen. The conversation lasts between starts, and a check-in that fell due while the
chat was closed is the first thing shown when it starts again (the clock is moved with
CHECKIN_NOW, as for the scheduler)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest

from bot import checkins
from tests.helpers import PROJECT_ROOT, free_port

pytestmark = pytest.mark.servers
START_SECONDS = 300
"""`make chat` loads the model before its prompt: 83 s for this file alone on a fresh
clone, and over 120 s once, at the end of a 28-minute CI run on a loaded machine."""
REPLY_SECONDS = 30


class Terminal:
    """A tmux session running one command, read through capture-pane.

    Each terminal has a tmux server of its own (`-L socket`): on the shared default
    socket, a session started just after the previous one closed could meet that server
    still shutting down ("server exited unexpectedly"), and two test runs on one machine
    would see each other's sessions."""

    def __init__(self, session: str) -> None:
        self.session = session
        self.socket = session

    def tmux(self, *arguments: str) -> list[str]:
        """A tmux command line on this terminal's own server."""
        return ["tmux", "-L", self.socket, *arguments]

    def screen(self) -> str:
        """Everything on the screen and in the scroll-back, lines joined."""
        result = subprocess.run(
            self.tmux("capture-pane", "-p", "-J", "-t", self.session, "-S", "-300"),
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
            # A line as wide as the window wraps mid-word ("(Use arrow k" / "eys)"):
            # the text is looked for with the line ends taken out, too.
            found = max(screen.count(text), screen.replace("\n", "").count(text))
            if found > seen:
                return screen
            time.sleep(0.5)
        raise AssertionError(
            f"{text!r} not on screen after {seconds}s:\n{self.screen()}"
        )

    def type(self, *keys: str) -> str:
        """Sends keys; returns the screen as it was before, to tell new output apart."""
        before = self.screen()
        subprocess.run(self.tmux("send-keys", "-t", self.session, *keys), check=True)
        return before


def start_chat(folder: Path, **environment: str) -> Terminal:
    """`bot/tooling/chat.sh` (what `make chat` runs) in a 160x50 tmux window, with its
    conversations and state (the conversation id it keeps) in `folder`."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: `make test-deps` installs it")
    terminal = Terminal(f"chat-{uuid.uuid4().hex[:8]}")
    settings = {
        **os.environ,
        "ACTIONS_PORT": str(free_port()),
        "CHAT_PORT": str(free_port()),
        "TRACKER_DB": str(folder / "tracker.db"),
        "XDG_STATE_HOME": str(folder / "state"),
        "SANIC_HOST": "127.0.0.1",
        **environment,
    }
    subprocess.run(
        terminal.tmux(
            "new-session",
            "-d",
            "-s",
            terminal.session,
            "-x",
            "160",
            "-y",
            "50",
            str(PROJECT_ROOT / "bot/tooling/chat.sh"),
        ),
        cwd=PROJECT_ROOT,
        env=settings,
        check=True,
    )
    return terminal


def close(terminal: Terminal) -> None:
    """Ends the session and its tmux server (a no-op once the chat has exited), and
    removes the server's socket file, which tmux leaves behind."""
    subprocess.run(terminal.tmux("kill-server"), capture_output=True, check=False)
    socket_folder = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
    (socket_folder / terminal.socket).unlink(missing_ok=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """A chat in a tmux window, closed after the test."""
    chat = start_chat(tmp_path)
    try:
        yield chat
    finally:
        close(chat)


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


OFFER = "check in with you tomorrow"
CHECK_IN = "it's your check-in"
MENU = "(Use arrow keys)"
NO = "2: No (/deny)"


def wait_until(terminal: Terminal, done: Callable[[str], bool], what: str) -> str:
    """Waits until the screen satisfies `done`; returns it."""
    deadline = time.monotonic() + REPLY_SECONDS
    while time.monotonic() < deadline:
        screen = terminal.screen()
        if done(screen) or done(screen.replace("\n", "")):  # see `wait_for`
            return screen
        time.sleep(0.5)
    raise AssertionError(f"no {what} after {REPLY_SECONDS}s:\n{terminal.screen()}")


def answer_no(terminal: Terminal) -> str:
    """Chooses "No" in the menu on screen; returns the screen with the next menu."""
    before = terminal.type("Down", "Enter").count(NO)
    return wait_until(
        terminal,
        lambda s: MENU in s and (s.count(NO) > before or OFFER in s),
        "next question",
    )


def wait_closed(terminal: Terminal, seconds: float = 30) -> None:
    """Waits until the chat has exited and tmux closed its window."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = subprocess.run(
            terminal.tmux("has-session", "-t", terminal.session), capture_output=True
        )
        if alive.returncode != 0:
            return
        time.sleep(0.5)
    raise AssertionError(f"the chat did not exit:\n{terminal.screen()}")


def test_the_conversation_lasts_between_starts_and_a_check_in_shows_on_the_next(
    tmp_path: Path,
) -> None:
    state_file = tmp_path / "state" / "withdrawal-triage" / "chat.json"
    database = f"sqlite:///{tmp_path / 'tracker.db'}"

    first = start_chat(tmp_path)
    try:
        first.wait_for("Your input", seconds=START_SECONDS)
        first.type("quit drinking yesterday, my legs keep cramping", "Enter")
        screen = first.wait_for(MENU)
        for _ in range(12):
            if OFFER in screen:
                break
            screen = answer_no(first)
        assert OFFER in screen, screen
        first.type("Enter")  # "Yes, check in tomorrow" is the first entry
        first.wait_for("Okay, I'll check in tomorrow")
        first.type("/stop", "Enter")
        wait_closed(first)
    finally:
        close(first)

    # The conversation's id is kept where only this person can read it.
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(state_file.parent.stat().st_mode) == 0o700
    conversation = json.loads(state_file.read_text(encoding="utf-8"))["conversation_id"]
    due = checkins.next_due(conversation, url=database)
    assert due is not None, "opting in in the terminal scheduled nothing"

    # The next start, the morning after: the check-in is the first thing on screen.
    later = (due + dt.timedelta(minutes=1)).isoformat()
    second = start_chat(tmp_path, CHECKIN_NOW=later)
    try:
        screen = second.wait_for(CHECK_IN, seconds=START_SECONDS)
        assert screen.count(CHECK_IN) == 1
        screen = second.wait_for(MENU)
        assert "Right now, do you have chest pain" in screen
        screen = answer_no(second)  # the check-in goes on in the same conversation
        # The next question of the screen (the answered one's line can wrap mid-word
        # at the window's edge, so it is not counted).
        assert "Any confusion" in screen, screen
    finally:
        close(second)
        wait_closed(second)
    assert (
        json.loads(state_file.read_text(encoding="utf-8"))["conversation_id"]
        == conversation
    )
    next_due = checkins.next_due(conversation, url=database)
    assert next_due is not None and next_due > due  # claimed: tomorrow's is next

    # Started again the same morning: nothing new, nothing twice.
    third = start_chat(tmp_path, CHECKIN_NOW=later)
    try:
        screen = third.wait_for("Your input", seconds=START_SECONDS)
        assert CHECK_IN not in screen and "While you were away" not in screen, screen
    finally:
        close(third)

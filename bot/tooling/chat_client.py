"""The terminal side of `make chat`: one conversation that lasts between starts, and a
check-in shown on the next start.

Why not `rasa shell`: it starts a new conversation id each time and prints only the
replies to what is typed, so a check-in (Rasa's external event, sent while the shell
was closed or by a `make serve` scheduler) would never be seen. This client keeps the
conversation id in the person's state directory (a file only they can read), and on
start shows:

1. the bot's messages the terminal has not shown yet (e.g. a check-in the `make serve`
   scheduler fired into this conversation), found by the server's timestamp of the
   last message shown, which the state file keeps;
2. a check-in that is due now: `make chat` runs no scheduler, so the client claims this
   conversation's due check-in (`bot.checkins.claim_due`, the same conditional UPDATE
   the schedulers use, so it fires once) and fires it through the Rasa server's
   `POST /conversations/{id}/trigger_intent`, printing what the bot says.

Then it is rasa's own console: the same prompt, button menus and colours (rasa 3.6's
`rasa.core.channels.console` helpers), talking to the REST webhook of the Rasa server
that chat.sh starts on loopback. Each message carries the terminal's UTC offset, so
check-ins come at the person's local time. "/stop" or Ctrl-C ends the chat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence
from urllib.parse import quote

import requests

from bot import checkins
from bot.tooling import checkin_scheduler

STATE_FILE_NAME = "chat.json"
APP_DIR = "withdrawal-triage"
EXIT_COMMAND = "/stop"
START_SECONDS = 180
REQUEST_SECONDS = 60
AWAY_NOTE = "(While you were away, the assistant wrote:)"


def state_path(environ: Dict[str, str] | None = None) -> Path:
    """$XDG_STATE_HOME/withdrawal-triage/chat.json (default ~/.local/state/...)."""
    environ = dict(os.environ if environ is None else environ)
    base = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / APP_DIR / STATE_FILE_NAME


@dataclass
class ChatState:
    """What the terminal remembers between starts: whose conversation, and the server's
    timestamp of the last bot message it has shown."""

    path: Path
    conversation_id: str
    seen: Optional[float] = None

    @classmethod
    def load(cls, path: Path) -> "ChatState":
        """The saved state, or a new conversation when there is none (or it is bad)."""
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            conversation_id = str(saved["conversation_id"])
            seen = saved.get("seen")
            if conversation_id and (seen is None or isinstance(seen, (int, float))):
                return cls(path, conversation_id, seen)
        except (OSError, ValueError, KeyError, TypeError):
            pass
        state = cls(path, uuid.uuid4().hex)
        state.save()
        return state

    def save(self) -> None:
        """Writes the state, readable by its owner only (it names the conversation)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as output:
            json.dump(
                {"conversation_id": self.conversation_id, "seen": self.seen}, output
            )
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)

    def mark_seen(self, timestamp: Optional[float]) -> None:
        """Remembers `timestamp` (the server's) as shown, if it is newer."""
        if timestamp is not None and (self.seen is None or timestamp > self.seen):
            self.seen = timestamp
            self.save()


class BotServer:
    """The Rasa server chat.sh started: its REST webhook and its HTTP API."""

    def __init__(self, url: str, token: str, conversation_id: str) -> None:
        """Where the server is, the API token and this terminal's conversation."""
        self.url = url.rstrip("/")
        self.token = token
        self.conversation_id = conversation_id

    def wait_until_ready(self, seconds: float = START_SECONDS) -> bool:
        """Polls `/status` until the model is loaded."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                answer = requests.get(
                    f"{self.url}/status", params={"token": self.token}, timeout=2
                )
                if answer.status_code == 200 and answer.json().get("model_file"):
                    return True
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.5)
        return False

    def events(self) -> List[Dict[str, Any]]:
        """The conversation's events so far (empty for a new one)."""
        answer = requests.get(
            f"{self.url}/conversations/{quote(self.conversation_id, safe='')}/tracker",
            params={"token": self.token},
            timeout=REQUEST_SECONDS,
        )
        answer.raise_for_status()
        return list(answer.json().get("events") or [])

    def say(self, text: str) -> List[Dict[str, Any]]:
        """Sends a message as the person; returns the bot's replies."""
        answer = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={
                "sender": self.conversation_id,
                "message": text,
                "metadata": {"utc_offset_minutes": utc_offset_minutes()},
            },
            timeout=REQUEST_SECONDS,
        )
        answer.raise_for_status()
        return list(answer.json())


def utc_offset_minutes() -> int:
    """This terminal's offset from UTC now, in minutes (east positive)."""
    return int((time.localtime().tm_gmtoff or 0) // 60)


def bot_messages(events: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The bot's messages among tracker events, in the shape the REST channel sends."""
    messages = []
    for event in events:
        if event.get("event") != "bot" or not (event.get("text") or event.get("data")):
            continue
        message: Dict[str, Any] = {"text": event.get("text") or ""}
        buttons = (event.get("data") or {}).get("buttons")
        if buttons:
            message["buttons"] = buttons
        messages.append(message)
    return messages


def unseen(
    events: Sequence[Dict[str, Any]], seen: Optional[float]
) -> List[Dict[str, Any]]:
    """Bot messages newer than the last one shown; none for a first start."""
    if seen is None:
        return []
    return bot_messages([e for e in events if float(e.get("timestamp") or 0.0) > seen])


def latest_timestamp(events: Sequence[Dict[str, Any]]) -> Optional[float]:
    """The server's time of the conversation's latest event."""
    stamps = [float(e["timestamp"]) for e in events if e.get("timestamp") is not None]
    return max(stamps) if stamps else None


def fire_due_check_in(server: BotServer) -> List[Dict[str, Any]]:
    """This conversation's due check-in, claimed and fired; its messages, if any."""
    now = checkin_scheduler.clock()
    if not checkins.claim_due(now, sender_id=server.conversation_id):
        return []
    answer = checkin_scheduler.trigger(
        server.url, server.token, server.conversation_id, now, output_channel=None
    )
    return list(answer.get("messages") or [])


def show(messages: Sequence[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """Prints all but the last message; returns the last, which the prompt shows (with
    its buttons as a menu), as rasa's console does."""
    from rasa.core.channels.console import _print_bot_output

    for message in messages[:-1]:
        _print_bot_output(message)
    return messages[-1] if messages else None


def print_all(messages: Sequence[Dict[str, Any]]) -> None:
    """Prints messages, buttons as a list (not a menu: they are not the latest)."""
    from rasa.core.channels.console import _print_bot_output

    for message in messages:
        _print_bot_output(message)


async def converse(server: BotServer, state: ChatState) -> None:
    """What came while away, a due check-in, then the conversation until "/stop"."""
    from rasa.core.channels.console import _get_user_input
    from rasa.shared.utils.cli import print_info, print_success

    print_success(
        f"Bot loaded. Type a message and press enter (use '{EXIT_COMMAND}' to exit): "
    )
    events = server.events()
    shown = unseen(events, state.seen)
    if shown:
        print_info(AWAY_NOTE)
    check_in = fire_due_check_in(server)
    if check_in:
        events = server.events()
    state.mark_seen(latest_timestamp(events))
    previous = show(shown + check_in)
    while True:
        text = await _get_user_input(previous)
        if text is None or text == EXIT_COMMAND:
            return
        # What the bot wrote meanwhile from elsewhere (a scheduler), before the reply.
        meanwhile = unseen(server.events(), state.seen)
        if meanwhile:
            print_info(AWAY_NOTE)
            print_all(meanwhile)
        replies = server.say(text)
        state.mark_seen(latest_timestamp(server.events()))
        previous = show(replies)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Waits for the Rasa server, then chats in this terminal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the Rasa server chat.sh started")
    parser.add_argument(
        "--state", type=Path, default=None, help=f"default: {state_path()}"
    )
    args = parser.parse_args(argv)
    token = os.environ.get("RASA_AUTH_TOKEN", "")
    state = ChatState.load(args.state or state_path())
    server = BotServer(args.url, token, state.conversation_id)
    if not server.wait_until_ready():
        print("error: the bot did not start; see .rasa/chat.log", file=sys.stderr)
        return 1
    try:
        asyncio.run(converse(server, state))
    except KeyboardInterrupt:
        pass
    except requests.RequestException as error:
        print(
            f"error: the bot stopped answering ({type(error).__name__}); "
            "see .rasa/chat.log",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

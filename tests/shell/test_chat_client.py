"""The terminal chat's memory between starts (bot/tooling/chat_client.py): which
conversation is its own, and which of the bot's messages it has not shown yet."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any, Dict, List

from bot.tooling.chat_client import ChatState, state_path, unseen

QUESTION = {"title": "No", "payload": "/deny"}


def event(kind: str, timestamp: float, text: str = "", **data: Any) -> Dict[str, Any]:
    return {"event": kind, "timestamp": timestamp, "text": text, "data": data}


CONVERSATION: List[Dict[str, Any]] = [
    event("user", 1.0, "my legs cramp"),
    event("bot", 2.0, "Any chest pain?", buttons=[QUESTION]),
    event("action", 2.5),
    event("user", 3.0, "/opt_in_check_in"),
    event("bot", 4.0, "Okay, I'll check in tomorrow morning."),
    # The scheduler fired the check-in while the terminal was closed.
    event("user", 90_000.0),
    event("bot", 90_001.0, "Good morning, it's your check-in: day 2."),
    event("bot", 90_002.0, "Right now, do you have chest pain?", buttons=[QUESTION]),
]


def test_what_came_after_the_last_message_shown_is_new() -> None:
    assert unseen(CONVERSATION, seen=4.0) == [
        {"text": "Good morning, it's your check-in: day 2."},
        {"text": "Right now, do you have chest pain?", "buttons": [QUESTION]},
    ]


def test_nothing_is_new_once_shown_or_on_a_first_start() -> None:
    assert unseen(CONVERSATION, seen=90_002.0) == []
    assert unseen(CONVERSATION, seen=None) == []


def test_the_state_is_kept_for_its_owner_only(tmp_path: Path) -> None:
    path = state_path({"XDG_STATE_HOME": str(tmp_path)})
    assert path == tmp_path / "withdrawal-triage" / "chat.json"
    first = ChatState.load(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    first.mark_seen(4.0)
    first.mark_seen(3.0)  # an older time never moves the marker back
    again = ChatState.load(path)
    assert (again.conversation_id, again.seen) == (first.conversation_id, 4.0)


def test_a_damaged_state_file_starts_a_new_conversation(tmp_path: Path) -> None:
    path = tmp_path / "chat.json"
    path.write_text("{not json", encoding="utf-8")
    state = ChatState.load(path)
    assert len(state.conversation_id) == 32 and state.seen is None
    assert json.loads(path.read_text(encoding="utf-8"))["conversation_id"] == (
        state.conversation_id
    )

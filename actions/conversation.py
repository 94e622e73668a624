"""Reading the conversation so far: which red flags the person has reported."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional

from actions.slots import RED_FLAG_ENTITY

if TYPE_CHECKING:
    from rasa_sdk import Tracker

RESET_EVENTS = {"restart", "session_started"}


def _events_since_restart(events: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    since: List[Dict[str, Any]] = []
    for event in events:
        if event.get("event") == "restart":
            since = []
        else:
            since.append(event)
    return since


def reported_flags(tracker: "Tracker", disposition: Optional[str] = None) -> List[str]:
    """Red-flag ids the person reported in this conversation, oldest first, no repeats.

    Args:
        tracker: the conversation.
        disposition: keep only flags of this disposition (`emergency` or `urgent`).
    """
    flags: Dict[str, None] = {}
    for event in _events_since_restart(tracker.events):
        if event.get("event") != "user":
            continue
        for entity in (event.get("parse_data") or {}).get("entities", []):
            if entity.get("entity") != RED_FLAG_ENTITY:
                continue
            if disposition is None or entity.get("role") == disposition:
                flags[str(entity.get("value"))] = None
    return list(flags)


def latest_flags(tracker: "Tracker", disposition: str) -> List[str]:
    """Red-flag ids of the given disposition in the latest message."""
    return [
        str(entity.get("value"))
        for entity in tracker.latest_message.get("entities", [])
        if entity.get("entity") == RED_FLAG_ENTITY and entity.get("role") == disposition
    ]


def emergency_reply_sent(tracker: "Tracker", action_name: str) -> bool:
    """Whether the full emergency reply has already been given in this conversation."""
    return any(
        event.get("event") == "action" and event.get("name") == action_name
        for event in _events_since_restart(tracker.events)
    )

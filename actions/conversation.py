"""Reading the conversation so far: which red flags the person has reported, and which
questions are still waiting for an answer."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, Iterable, List, Optional, Tuple

import yaml

from actions.answers import normalise
from actions.paths import data_dir
from actions.slots import CORRECTED_FLAGS, RED_FLAG_ENTITY

POSSIBLE_RED_FLAG_ENTITY = "possible_red_flag"

if TYPE_CHECKING:
    from rasa_sdk import Tracker

RESET_EVENTS = {"restart", "session_started"}


def _events_since_restart(
    events: Iterable[Dict[str, Any]], since_correction: bool = False
) -> List[Dict[str, Any]]:
    """Events since the last restart (and, if asked, since the last false alarm the
    person corrected: the signs before it no longer escalate)."""
    since: List[Dict[str, Any]] = []
    for event in events:
        if event.get("event") == "restart":
            since = []
        elif (
            since_correction
            and event.get("event") == "slot"
            and event.get("name") == CORRECTED_FLAGS
        ):
            since = [event]
        else:
            since.append(event)
    return since


def reported_flags(
    tracker: "Tracker",
    disposition: Optional[str] = None,
    since_correction: bool = False,
) -> List[str]:
    """Red-flag ids the person reported in this conversation, oldest first, no repeats.

    Args:
        tracker: the conversation.
        disposition: keep only flags of this disposition (`emergency` or `urgent`).
        since_correction: only since the last false alarm the person corrected.
    """
    flags: Dict[str, None] = {}
    for event in _events_since_restart(tracker.events, since_correction):
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


def latest_possible_flag(tracker: "Tracker") -> Optional[str]:
    """The sign the semantic layer was unsure of in the latest message, if any."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == POSSIBLE_RED_FLAG_ENTITY:
            return str(entity.get("value"))
    return None


def emergency_reply_sent(tracker: "Tracker", action_name: str) -> bool:
    """Whether the full emergency reply has already been given in this conversation
    (since the last corrected false alarm)."""
    return any(
        event.get("event") == "action" and event.get("name") == action_name
        for event in _events_since_restart(tracker.events, since_correction=True)
    )


@lru_cache(maxsize=1)
def _topic_words() -> Tuple[Dict[str, Tuple[str, ...]], Dict[str, str], FrozenSet[str]]:
    """(topic -> question phrases, intent -> topic, question words) from
    `data/dialogue/topics.yml`."""
    document = yaml.safe_load(
        (data_dir() / "dialogue" / "topics.yml").read_text(encoding="utf-8")
    )
    words: Dict[str, Tuple[str, ...]] = {}
    by_intent: Dict[str, str] = {}
    for topic, entry in document["topics"].items():
        words[str(topic)] = tuple(normalise(str(w)) for w in entry.get("words") or ())
        if entry.get("intent"):
            by_intent[str(entry["intent"])] = str(topic)
    return words, by_intent, frozenset(map(str, document["question_words"]))


def _question_sentences(text: str, question_words: FrozenSet[str]) -> List[str]:
    """The sentences of `text` that are questions, normalised."""
    sentences = re.split(r"(?<=[?.!\n])|\s+(?:and|also|plus)\s+(?=\w+ )", text)
    questions = []
    for sentence in sentences:
        words = normalise(sentence).split()
        if words and ("?" in sentence or words[0] in question_words):
            questions.append(" ".join(words))
    return questions


def questions_in(message: Dict[str, Any]) -> List[str]:
    """The guidance topics a message asks about, in the order asked.

    The intent gives one; every question sentence is also read for the phrases of
    each topic, so three questions in one message are three topics.
    """
    words, by_intent, question_words = _topic_words()
    found: Dict[str, None] = {}
    intent = (message.get("intent") or {}).get("name")
    if intent in by_intent:
        found[by_intent[intent]] = None
    for sentence in _question_sentences(message.get("text") or "", question_words):
        padded = f" {sentence} "
        for topic, phrases in words.items():
            if any(f" {phrase} " in padded for phrase in phrases):
                found[topic] = None
    return list(found)


def pending_questions(tracker: "Tracker", *answered_by: str) -> List[str]:
    """Topics asked since one of the actions `answered_by` last answered, oldest first.

    Why from the history and not a slot: a slot holds one value, and the last question
    asked used to overwrite the others.
    """
    topics: Dict[str, None] = {}
    for event in _events_since_restart(tracker.events):
        if event.get("event") == "action" and event.get("name") in answered_by:
            topics = {}
        elif event.get("event") == "user":
            message = {
                "text": event.get("text"),
                "intent": (event.get("parse_data") or {}).get("intent"),
            }
            for topic in questions_in(message):
                topics[topic] = None
    return list(topics)

"""What the bot says when it did not understand: never a dead end.

Why an action and not a fixed response: a fallback should fit the person. A message
in Spanish gets an answer in Spanish (data/dialogue/languages.yml); a message that is
out of scope is told so kindly; anything else gets a short hint and buttons that fit
where the person is (before the screen: what hurts; after advice: the topics).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Text, Tuple

import yaml
from rasa_sdk import Action
from rasa_sdk.events import EventType

from actions.answers import normalise
from actions.catalogue import region
from actions.guidance import follow_up_buttons
from actions.paths import data_dir
from actions.slots import EMERGENCY, REGION, SUBSTANCE_CLASS, TRIAGE_LEVEL

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

ENGLISH = "en"
MIXED_SUFFIX = "+en"
START_BUTTONS = [
    {"title": "Buttock pain", "payload": "/describe_symptoms"},
    {"title": "Cramps in my legs", "payload": "/describe_symptoms"},
    {"title": "Talk to a person", "payload": "/ask_human"},
]


@dataclass(frozen=True)
class Languages:
    """The word lists and replies of `languages.yml`."""

    min_words: int
    english: frozenset
    words: Dict[str, frozenset]
    replies: Dict[str, str]
    mixed: Dict[str, str]
    other_reply: str


@lru_cache(maxsize=1)
def languages() -> Languages:
    """Loaded once."""
    path = data_dir() / "dialogue" / "languages.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    english = frozenset(normalise(w) for w in document["english"])
    words = {
        code: frozenset(normalise(w) for w in entry["words"]) - english
        for code, entry in document["languages"].items()
    }
    return Languages(
        min_words=int(document["min_words"]),
        english=english - frozenset().union(*words.values()),
        words=words,
        replies={c: e["reply"] for c, e in document["languages"].items()},
        mixed={c: e["mixed"] for c, e in document["languages"].items()},
        other_reply=str(document["other_reply"]),
    )


def language_of(text: str) -> str:
    """`en`, a language code (`es`), or a mixed one (`es+en`)."""
    table = languages()
    tokens = normalise(text).split()
    english = sum(token in table.english for token in tokens)
    best: Tuple[int, Optional[str]] = (0, None)
    for code, words in table.words.items():
        count = sum(token in words for token in tokens)
        if count > best[0]:
            best = (count, code)
    count, code = best
    if code is None or count < table.min_words:
        return ENGLISH
    if english >= table.min_words:
        return code + MIXED_SUFFIX if count >= english / 2 else ENGLISH
    return code if count > english else ENGLISH


def other_language_reply(code: str, emergency: str) -> Optional[str]:
    """The reply for a message in another language, or None for English."""
    table = languages()
    if code == ENGLISH:
        return None
    if code.endswith(MIXED_SUFFIX):
        return table.mixed[code[: -len(MIXED_SUFFIX)]].format(emergency=emergency)
    return table.replies.get(code, table.other_reply).format(emergency=emergency)


class ActionFallback(Action):
    """The kind answer to a message the bot did not understand."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_fallback"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Another language, out of scope, or a hint with buttons that fit."""
        message = tracker.latest_message
        place = region(tracker.get_slot(REGION))
        foreign = other_language_reply(
            language_of(message.get("text") or ""), place.emergency
        )
        if foreign:
            dispatcher.utter_message(text=foreign)
            return []
        intent = (message.get("intent") or {}).get("name")
        level = tracker.get_slot(TRIAGE_LEVEL)
        if intent == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(response="utter_default")
        if level and level != EMERGENCY:
            buttons = follow_up_buttons((), tracker.get_slot(SUBSTANCE_CLASS))
        else:
            buttons = START_BUTTONS
        dispatcher.utter_message(text="You can also tap one of these:", buttons=buttons)
        return []

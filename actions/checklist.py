"""The screen's checklist: the questions that fit this person, in one message.

Why: a person in pain was asked up to eight yes/no questions in a row before any help
(a review: 98 of 384 replies were the fourth or later question in a row). After the
chest and breathing question, the others that fit go in one list; a No
answers them all, and a "yes" or "not sure" goes through them one at a time, so each
answer is still filed under its own question (`actions.screening`) and every sign is
still asked about before any tip. The words are data (`data/dialogue/checklist.yml`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Text

import yaml
from rasa_sdk import Action
from rasa_sdk.events import EventType

from actions.answers import answer_words, read_answer
from actions.paths import data_dir
from actions.screen_questions import SCREEN_SLOTS, profile_of, questions_for
from actions.slots import NO, SUBSTANCE, UNSURE
from bot.language import normalise

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

CHECKLIST = "screen_checklist"
FIRST = "screen_breathing"
LAST = "screen_mood"
ANSWER_SLOTS = (*SCREEN_SLOTS, CHECKLIST)
"""Every slot of the screen's answers: emptied together when the screen runs again."""
MIN_MEMBERS = 2
"""One question left is simply asked; a list of one is no shortcut."""
ASKING_FOR = "asking_for"
SOMEONE_ELSE = "someone_else"


@lru_cache(maxsize=1)
def checklist_text() -> Dict[str, Any]:
    """`data/dialogue/checklist.yml`, loaded once."""
    path = data_dir() / "dialogue" / "checklist.yml"
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def _in_list(slot: str) -> bool:
    return slot in checklist_text()["lines"]


def members(tracker: "Tracker") -> List[str]:
    """The questions the checklist stands for: those that fit this person, other than
    the first and the last, not answered yet."""
    return [
        slot
        for slot in questions_for(profile_of(tracker))
        if _in_list(slot) and tracker.get_slot(slot) is None
    ]


def screen_order(tracker: "Tracker") -> List[str]:
    """The screen's questions in order, with the checklist before the questions it
    stands for when it saves asking them one by one (or was already answered)."""
    questions = questions_for(profile_of(tracker))
    listed = [slot for slot in questions if _in_list(slot)]
    use_checklist = tracker.get_slot(CHECKLIST) is not None or (
        len(members(tracker)) >= MIN_MEMBERS
    )
    if not use_checklist or not listed:
        return questions
    at = questions.index(listed[0])
    return [*questions[:at], CHECKLIST, *questions[at:]]


def questions_seen_if_all_no(tracker: "Tracker") -> int:
    """How many questions a person answering "no" to everything will be asked: not
    those already answered (a first-reply "no" to the suicide question answers the
    screen's; review 13: told "3 quick safety questions", then asked two)."""
    order = [slot for slot in screen_order(tracker) if tracker.get_slot(slot) is None]
    if CHECKLIST in order and tracker.get_slot(CHECKLIST) is None:
        return len([slot for slot in order if not _in_list(slot)])
    return len(order)


def read_checklist_answer(
    text: str, intent: Optional[str], confidence: float, listed: List[str]
) -> Optional[str]:
    """yes / no / not sure to the whole list. A typed "no" that also speaks of one
    of the listed signs ("not really but my leg is a bit puffy") is read as not sure,
    so the questions are asked one at a time rather than all answered no."""
    answer = read_answer(text, CHECKLIST, intent, confidence)
    if answer != NO or text.startswith("/"):
        return answer
    vocab = answer_words()
    ignored = set(checklist_text().get("not_sign_words") or [])
    sign_words = set().union(*(vocab.topics.get(slot, frozenset()) for slot in listed))
    said = set(normalise(text).split())
    return UNSURE if said & (sign_words - ignored) else NO


def checklist_message(tracker: "Tracker") -> Dict[str, Any]:
    """The list's text and buttons, for this person or for the one they care for."""
    text = checklist_text()
    who = "they" if tracker.get_slot(ASKING_FOR) == SOMEONE_ELSE else "you"
    injects = tracker.get_slot(SUBSTANCE) in set(text.get("inject_substances") or [])
    inject = text["inject"] if injects else ""
    lines = [
        "• " + str(text["lines"][slot][who]).format(inject=inject)
        for slot in members(tracker)
    ]
    buttons = text["buttons"]
    return {
        "text": "\n".join(
            [str(text["intro"][who]), *lines, str(text["question"][who])]
        ),
        "buttons": [
            {"title": buttons["some"], "payload": "/affirm"},
            {"title": buttons["none"], "payload": "/deny"},
            {"title": buttons["unsure"], "payload": "/unsure"},
        ],
    }


class ActionAskScreenChecklist(Action):
    """Asks the checklist (the form asks `action_ask_<slot>`)."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_ask_screen_checklist"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """The list of the questions still to answer, with its three buttons."""
        dispatcher.utter_message(**checklist_message(tracker))
        return []

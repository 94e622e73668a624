"""The screen's checklist: the physical questions that fit this person, in one message.

Why: a person in pain was asked up to eight yes/no questions in a row before any help
(a review: 98 of 384 replies were the fourth or later question in a row), and with the
chest question on its own before the list, still three (review 13: 31 of 36 people).
The chest and breathing question and the others that fit go in one list; a No
answers them all, and a "yes" or "not sure" goes through them one at a time, so each
answer is still filed under its own question (`actions.screening`) and every sign is
still asked about before any tip. The suicide question stays on its own, asked
directly. The words are data (`data/dialogue/checklist.yml`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set

import yaml

from actions.answers import answer_words, read_answer, retracts_a_yes
from actions.paths import data_dir
from actions.screen_questions import SCREEN_SLOTS, profile_of, questions_for
from actions.slots import (
    ASKING_FOR,
    NO,
    SCREEN_CHECKLIST,
    SOMEONE_ELSE,
    SUBSTANCE,
    UNSURE,
    YES,
)
from bot.language import normalise

if TYPE_CHECKING:
    from rasa_sdk import Tracker

CHECKLIST = SCREEN_CHECKLIST
HEAVY_USE = "screen_heavy_use"
"""Daily use then a sudden stop: a risk to ask about, not a sign that is happening."""
FIRST = "screen_breathing"
LAST = "screen_mood"
ANSWER_SLOTS = (*SCREEN_SLOTS, CHECKLIST)
"""Every slot of the screen's answers: emptied together when the screen runs again."""
MIN_MEMBERS = 2
"""One question left is simply asked; a list of one is no shortcut."""


@lru_cache(maxsize=1)
def checklist_text() -> Dict[str, Any]:
    """`data/dialogue/checklist.yml`, loaded once."""
    path = data_dir() / "dialogue" / "checklist.yml"
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def _in_list(slot: str) -> bool:
    return slot in checklist_text()["lines"]


def members(tracker: "Tracker") -> List[str]:
    """The questions the checklist stands for: those that fit this person and have a
    line in the list (all but the suicide question), not answered yet."""
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
    spoken = _spoken_of_in_answer(tracker, listed)
    if spoken:
        # "yes, my leg is a bit swollen": the leg questions first, not the chest.
        reordered = iter([*spoken, *(slot for slot in listed if slot not in spoken)])
        questions = [next(reordered) if _in_list(q) else q for q in questions]
    at = questions.index(next(q for q in questions if _in_list(q)))
    return [*questions[:at], CHECKLIST, *questions[at:]]


def _spoken_of_in_answer(tracker: "Tracker", listed: List[str]) -> List[str]:
    """The listed questions whose signs the checklist's "yes" spoke of, in order.

    Why: "yes, my leg is a bit swollen" was followed by the chest question, and the
    leg came fourth (review 18).
    """
    answer_text = ""
    text = ""
    for event in tracker.events:
        if event.get("event") == "user":
            text = str(event.get("text") or "")
        elif event.get("event") == "slot" and event.get("name") == CHECKLIST:
            answer_text = text if event.get("value") not in (None, NO) else ""
    if not answer_text or answer_text.startswith("/"):
        return []
    return signs_named_in(answer_text, listed)


def rest_as_a_list(tracker: "Tracker", slot: str) -> bool:
    """Whether, once `slot` is answered, the signs the checklist's answer did not
    speak of are asked again as a list rather than one at a time: the answer spoke of
    signs ("my left calf is kinda swollen and warm. no chest stuff"), this is the last
    of them, and enough are left to list.

    Why: review 32: after that answer the calf was asked about, then the chest, the
    nerves and the fluids one at a time, and an MS patient waited ten turns for help.
    A plain "yes" or "not sure", which says nothing of which, still goes one by one.
    """
    if tracker.get_slot(CHECKLIST) not in (YES, UNSURE):
        return False
    listed = [q for q in questions_for(profile_of(tracker)) if _in_list(q)]
    spoken = _spoken_of_in_answer(tracker, listed)
    if slot not in spoken:
        return False
    others_answered = all(
        tracker.get_slot(other) is not None for other in spoken if other != slot
    )
    left = [other for other in members(tracker) if other != slot]
    return others_answered and len(left) >= MIN_MEMBERS


def signs_named_in(text: str, listed: List[str]) -> List[str]:
    """The listed questions whose signs `text` speaks of (not denies), in order."""
    if text.startswith("/"):
        return []
    words = _signs_spoken_of(text, listed)
    topics = answer_words().topics
    return [slot for slot in listed if words & topics.get(slot, frozenset())]


def questions_seen_if_all_no(tracker: "Tracker") -> int:
    """How many questions a person answering "no" to everything will be asked: not
    those already answered (a first-reply "no" to the suicide question answers the
    screen's; review 13: told "3 quick safety questions", then asked two)."""
    order = [slot for slot in screen_order(tracker) if tracker.get_slot(slot) is None]
    if CHECKLIST in order and tracker.get_slot(CHECKLIST) is None:
        return len([slot for slot in order if not _in_list(slot)])
    return len(order)


_CLAUSE_BREAK = re.compile(r"[.,;:!?\n]+|\b(?:but|and|though|tho|except|just)\b", re.I)


def _signs_spoken_of(text: str, listed: List[str]) -> Set[str]:
    """The listed signs' words the text speaks of, leaving out those in a clause that
    denies or reassures ("no chest pain", "breathing is fine"): those are the No."""
    vocab = answer_words()
    ignored = set(checklist_text().get("not_sign_words") or [])
    sign_words = set().union(*(vocab.topics.get(slot, frozenset()) for slot in listed))
    sign_words -= ignored
    spoken: Set[str] = set()
    for clause in _CLAUSE_BREAK.split(text):
        words = normalise(clause or "").split()
        # Denied when the clause opens with the negation ("no chest pain", "not
        # numb"): "i havent peed much" describes a sign.
        padded = " " + " ".join(words) + " "
        described = [
            phrase
            for slot in listed
            for phrase in vocab.described.get(slot, ())
            if " " + phrase + " " in padded
        ]
        if described:
            # "none of those, just cant keep water down": the words of a sign described
            # with a negative in it ("cant keep", "havent peed") speak of it, even the
            # everyday ones the list leaves out ("keep", "water").
            topic_words = set().union(*(vocab.topics.get(slot, ()) for slot in listed))
            spoken |= {w for phrase in described for w in phrase.split()} & topic_words
            continue
        denied = (
            bool(words[:1] and words[0] in vocab.negations)
            or any(" " + phrase + " " in padded for phrase in vocab.fine_words)
            # "Peeing normally", "he's keeping water down I think": a question's own
            # reassurance (review 55: the list went one question at a time).
            or any(
                " " + phrase + " " in padded
                for slot in listed
                for phrase in vocab.reassuring.get(slot, ())
            )
            or _denied_before_its_sign(words, sign_words)
        )
        if not denied:
            spoken |= set(words) & sign_words
    return spoken


DENYING = frozenset({"isnt", "arent", "wasnt", "werent", "not", "no", "never", "nor"})
"""Words that deny what follows them in a clause ("my calf isnt swollen or red or
warm", review 24: read as speaking of the swelling). Not "havent" or "cant": "i havent
peed much" and "i cant keep water down" describe a sign."""


def _denied_before_its_sign(words: List[str], sign_words: Set[str]) -> bool:
    """Whether a denying word comes before the clause's first sign word."""
    for word in words:
        if word in sign_words:
            return False
        if word in DENYING:
            return True
    return False


def read_checklist_answer(
    text: str, intent: Optional[str], confidence: float, listed: List[str]
) -> Optional[str]:
    """yes / no / not sure to the whole list. A typed "no" that also speaks of one
    of the listed signs ("not really but my leg is a bit puffy") is read as not sure,
    so the questions are asked one at a time rather than all answered no; a sign
    denied in so many words ("no chest pain, breathing fine") is part of the No."""
    answer = read_answer(text, CHECKLIST, intent, confidence)
    if answer is None and says_none_of_the_list(text):
        # "To be clear, this is about me, not a patient. No to all of those." (review
        # 54: the list came again, "I couldn't tell if that was a yes or a no").
        answer = NO
    if answer != NO or text.startswith("/"):
        return answer
    return UNSURE if _signs_spoken_of(text, listed) else NO


def retracts_the_list(tracker: "Tracker") -> bool:
    """Whether the latest message takes back the "yes" (or "not sure") that the
    person's message before it gave the list ("oops wrong button, i meant no").

    Why: the retraction was read as a No to the first sign only, and the other signs
    were then asked one at a time (session 14). A retraction that names one of the
    signs ("meant no, but my calf is a bit puffy") is not taken as a No to all.
    """
    text = str(tracker.latest_message.get("text") or "")
    if not retracts_a_yes(text) or _signs_spoken_of(text, members(tracker)):
        return False
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest:
                return False
            seen_latest = True
        elif seen_latest and event.get("event") == "slot":
            if event.get("name") == CHECKLIST:
                return event.get("value") not in (None, NO)
    return False


def says_none_of_the_list(text: str) -> bool:
    """Whether the text answers the whole list, not one sign ("I already said none of
    those"; `none_of_the_list` in `data/dialogue/checklist.yml`)."""
    plain = f" {normalise(text)} "
    return any(
        f" {normalise(str(phrase))} " in plain
        for phrase in checklist_text().get("none_of_the_list") or ()
    )


def comes_first(tracker: "Tracker") -> bool:
    """Whether the list is the screen's first question (it holds the chest and
    breathing one), so it comes with the count of questions and how to answer; not
    when it comes again for the signs left after those an answer spoke of."""
    return (
        FIRST in members(tracker)
        and tracker.get_slot(CHECKLIST) is None
        and not any(
            tracker.get_slot(slot) is not None
            for slot in questions_for(profile_of(tracker))
            if _in_list(slot)
        )
    )


def checklist_message(tracker: "Tracker", someone_else: bool = False) -> Dict[str, Any]:
    """The list's text and buttons, for this person or for the one they care for."""
    text = checklist_text()
    carer = someone_else or tracker.get_slot(ASKING_FOR) == SOMEONE_ELSE
    who = "they" if carer else "you"
    intro = text["first_intro"] if comes_first(tracker) else text["intro"]
    injects = tracker.get_slot(SUBSTANCE) in set(text.get("inject_substances") or [])
    inject = text["inject"] if injects else ""
    lines = [
        "• " + str(text["lines"][slot][who]).format(inject=inject)
        for slot in members(tracker)
    ]
    buttons = text["buttons"]
    return {
        "text": "\n".join([str(intro[who]), *lines, str(text["question"][who])]),
        "buttons": [
            {"title": buttons["some"], "payload": "/affirm"},
            {"title": buttons["none"], "payload": "/deny"},
            {"title": buttons["unsure"], "payload": "/unsure"},
        ],
    }

"""The first screen question, with what the person said heard back first.

Why: a person in pain who writes "day 3 off kratom and my butt is cramping" and gets
"Before any tips, a few quick safety questions" feels unheard (a review: 14 of 32
first replies). One line that names their pain and their drug, then the questions.
The line never says it is not dangerous: the screen that follows checks that.
The first question is the checklist when more than one physical question fits
(`actions.checklist`), else the chest and breathing question alone.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, List, Optional, Sequence, Text

import yaml
from rasa_sdk import Action
from rasa_sdk.events import EventType, SlotSet

from actions import checkin_scores
from actions.answers import normalise
from actions.checklist import (
    CHECKLIST,
    checklist_message,
    comes_first,
    questions_seen_if_all_no,
)
from actions.conversation import (
    DOCTOR_TAPER_CONTEXT,
    PREGNANCY_FLAG,
    answered_a_direct_question,
    answered_during_screen,
    mentioned,
    message_asked,
    said_since_restart,
    same_day_flags,
)
from actions.guidance import (
    CARER,
    STILL_TAKING,
    answers_to_latest,
    bot_said,
    contexts_of,
)
from actions.paths import data_dir
from actions.screen_questions import QUESTIONS_BY_SLOT
from actions.slots import (
    ASKING_FOR,
    BODY_LOCATION,
    CORRECTED_FLAGS,
    NO_SUBSTANCE,
    SCREEN_FLAG,
    SOMEONE_ELSE,
    SUBSTANCE,
    SUBSTANCE_CLASS,
    SYMPTOM,
    URGENT,
)
from bot.safety.catalogue import RedFlag, red_flag

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

FIRST_QUESTION = "utter_ask_screen_breathing"
FIRST_CHECKLIST = "utter_ask_screen_checklist_first"
AGAIN = "_again"
ACTION_NAME = "action_ask_screen_breathing"
PREGNANT = "pregnant"
TAPERING = "tapering"  # data/knowledge/contexts.yml


@lru_cache(maxsize=1)
def _document() -> Dict[str, Any]:
    """data/dialogue/acknowledgements.yml, read once."""
    path = data_dir() / "dialogue" / "acknowledgements.yml"
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _phrases() -> Dict[str, Dict[str, str]]:
    return {
        key: {str(k): str(v) for k, v in value.items()}
        for key, value in _document().items()
        if isinstance(value, dict)
    }


def feelings_line(tracker: "Tracker") -> Optional[str]:
    """One line for a feeling said since the restart (acknowledgements.yml
    `feelings`: grief, loneliness, shame, fear), the first that fits, unless the bot
    has said it already. Why: a widow's "my husband died last month" went unheard
    (review 84); a line of plain sympathy is what a person would say first."""
    said = [f" {normalise(text)} " for text in said_since_restart(tracker)]
    for feeling in _document().get("feelings") or ():
        line = str(feeling["line"])
        phrases = [normalise(str(p)) for p in feeling["phrases"]]
        if any(f" {p} " in text for text in said for p in phrases):
            return None if bot_said(tracker, line) else line
    return None


CRAMP_SYMPTOMS = frozenset({"cramp", "spasm"})
"""Symptoms the places' phrases ("Foot cramps", "Thigh cramps") speak of."""


def felt_all_over() -> FrozenSet[str]:
    """Symptoms that, named with no place, are felt all over (acknowledgements.yml)."""
    return frozenset(map(str, _document().get("felt_all_over") or ()))


def _several_places() -> str:
    return str(_document()["several_places"])


def pain_phrase(
    body_locations: Sequence[str], symptoms: Sequence[str] = ()
) -> Optional[str]:
    """The pain heard back: the place's own phrase, or for several places all of
    them ("Pain and cramps in your buttocks and thighs"); a symptom that is no pain,
    with its places ("Shaking in your hands": review 19 heard "hands shaking" back as
    "Hand cramps")."""
    places = _phrases()["places"]
    named = [places[b] for b in dict.fromkeys(body_locations) if b in places]
    own: Dict[str, Dict[str, str]] = _document().get("symptoms") or {}
    symptom = next((s for s in reversed(symptoms) if s in own), None)
    if symptom and named:
        listed = (
            ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
        )
        return str(own[symptom]["with_places"]).format(places=listed)
    if symptom and not body_locations:
        return str(own[symptom]["alone"])
    if len(named) >= 2:
        listed = ", ".join(named[:-1]) + " and " + named[-1]
        return _several_places().format(places=listed)
    if body_locations:
        return _phrases()["pain"].get(body_locations[-1])
    return None


def acknowledgement(
    body_location: Optional[str],
    substance: Optional[str],
    substance_class: Optional[str],
    someone_else: bool = False,
    at_risk: Optional[RedFlag] = None,
    body_locations: Sequence[str] = (),
    symptoms: Sequence[str] = (),
    still_taking: bool = False,
    tapering: bool = False,
) -> Optional[str]:
    """One line that hears back the pain and the drug, or None when nothing was said;
    for someone asking about another person, a line for the one watching it; for
    someone with a same-day sign (`at_risk`), that sign's reason and first step, and
    no "that's really common"; for someone `still_taking` the drug, no "after
    stopping"; for someone `tapering` with a doctor, "while tapering"."""
    phrases = _phrases()
    if someone_else:
        return phrases["templates"]["someone_else"]
    if at_risk is not None:
        # A same-day sign's place is often hurt, not cramping: "then I'll help with
        # foot cramps" after a foot that slaps down (review 87), so the place's cramp
        # phrase only when cramps or spasms were said.
        said_cramps = bool(CRAMP_SYMPTOMS.intersection(symptoms))
        what = phrases["pain"].get(body_location or "") if said_cramps else None
        return phrases["templates"]["at_risk"].format(
            why=at_risk.why,
            do_now=at_risk.do_now[0] if at_risk.do_now else "",
            what=what.lower() if what else phrases["templates"]["at_risk_what"],
        )
    pain = pain_phrase(
        body_locations or ([body_location] if body_location else []), symptoms
    )
    stopped_nothing = substance_class == NO_SUBSTANCE
    drug = None
    if not stopped_nothing:
        drug = substance if substance and substance != substance_class else None
        drug = drug or phrases["substance"].get(substance_class or "")
    templates = phrases["templates"]
    if pain and drug:
        template = (
            "pain_while_taking"
            if still_taking
            else "pain_while_tapering"
            if tapering
            else "pain_and_substance"
        )
        return templates[template].format(pain=pain, substance=drug)
    if pain and stopped_nothing:
        return templates["nothing_stopped"].format(pain=pain)
    if pain:
        return templates["pain_only"].format(pain=pain)
    if drug:
        return templates["substance_only"].format(substance=drug)
    return None


class ActionAskScreenBreathing(Action):
    """Asks the screen's first question, after one line that hears the person."""

    def name(self) -> Text:
        """The action's name in the domain (the form asks `action_ask_<slot>`)."""
        return ACTION_NAME

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """The acknowledgement once per conversation (not in a check-in, not when the
        question is asked again), then the question with its buttons."""
        someone_else = CARER in contexts_of(tracker)
        # After the checklist's "yes", its questions come one at a time: this one
        # without the introduction, said once already with the list.
        asked_before = _asked_before(tracker) or tracker.get_slot(CHECKLIST) is not None
        if not checkin_scores.in_progress(tracker) and not asked_before:
            _hear_back(dispatcher, tracker, someone_else)
        elif not checkin_scores.in_progress(tracker):
            _same_day_sign_heard(dispatcher, tracker)
        # Asked again: the question alone (review 4: the whole introduction and the
        # acknowledgement came back after "i didnt stop subs, i STARTED them").
        again = AGAIN if asked_before else ""
        # How many questions: a person told "a few" and then asked six feels misled.
        count = questions_ahead(tracker)
        if someone_else:
            # The later questions follow the slot (their "they" variants).
            dispatcher.utter_message(
                response=f"{FIRST_QUESTION}_{SOMEONE_ELSE}{again}",
                how_many=how_many(count),
            )
            return [SlotSet(ASKING_FOR, SOMEONE_ELSE)]
        dispatcher.utter_message(
            response=f"{FIRST_QUESTION}{again}", how_many=how_many(count)
        )
        return []


class ActionAskScreenChecklist(Action):
    """Asks the checklist (the form asks `action_ask_<slot>`); as the screen's first
    question, after the line that hears the person and with the count of questions."""

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
        someone_else = CARER in contexts_of(tracker)
        message = checklist_message(tracker, someone_else)
        events: List[EventType] = (
            [SlotSet(ASKING_FOR, SOMEONE_ELSE)] if someone_else else []
        )
        if not comes_first(tracker) or _asked_before(tracker, FIRST_CHECKLIST):
            _same_day_sign_heard(dispatcher, tracker)
            dispatcher.utter_message(**message)
            return events
        _hear_back(dispatcher, tracker, someone_else)
        suffix = f"_{SOMEONE_ELSE}" if someone_else else ""
        dispatcher.utter_message(
            response=f"{FIRST_CHECKLIST}{suffix}",
            how_many=how_many(questions_ahead(tracker)),
            checklist=message["text"],
        )
        return events


def _hear_back(
    dispatcher: "CollectingDispatcher",
    tracker: "Tracker",
    someone_else: bool,
    at_risk: Optional[RedFlag] = None,
) -> None:
    """The line that hears back the pain and the drug, when there is one; none when a
    same-day sign's reason was said already (before "where does it hurt?").
    `at_risk`: the same-day sign, when the caller has found it already."""
    at_risk = at_risk or same_day_sign(tracker)
    if at_risk is not None and bot_said(tracker, at_risk.why):
        # Said already, and "that's really common" would take it back.
        return
    line = acknowledgement(
        tracker.get_slot(BODY_LOCATION),
        tracker.get_slot(SUBSTANCE),
        tracker.get_slot(SUBSTANCE_CLASS),
        someone_else,
        at_risk=at_risk,
        body_locations=mentioned(tracker, BODY_LOCATION),
        symptoms=mentioned(tracker, SYMPTOM),
        still_taking=STILL_TAKING in contexts_of(tracker),
        tapering=bool({DOCTOR_TAPER_CONTEXT, TAPERING} & set(contexts_of(tracker))),
    )
    feeling = feelings_line(tracker)
    if feeling:
        dispatcher.utter_message(text=feeling)
    if line and not bot_said(tracker, line):
        dispatcher.utter_message(text=line)
    _answer_what_need_not_wait(dispatcher, tracker)


def _answer_what_need_not_wait(
    dispatcher: "CollectingDispatcher", tracker: "Tracker"
) -> None:
    """The answers to the questions of the message that starts the screen that need
    not wait for it (topics.yml `answered_during_screen`: how long it lasts, why it
    hurts, how to use more safely), before its first question. Review 76: "how long
    does this last, and does imodium help" got the suicide question, then a checklist,
    and "how long" was answered four turns later; reviews 76 and 77 counted 59 turns of
    questions parked behind the screen. Tips for the muscles still wait for it."""
    # The message that raised the question about a sign a "No" just answered (a
    # suicide question asked first, session 29); any other "No" (to "what did you
    # stop?") asks nothing.
    asked = (
        message_asked(tracker)
        if answered_a_direct_question(tracker)
        else tracker.latest_message
    )
    for text in answers_to_latest(tracker, answered_during_screen(), message=asked):
        # Its first line said already is the same answer: the harm-reduction reply
        # before it in this turn ends with a region line this one lacks, and "Please
        # try not to use alone" came twice in one reply (session 30).
        if not bot_said(tracker, text.split("\n")[0]):
            dispatcher.utter_message(text=text)


def _same_day_sign_heard(
    dispatcher: "CollectingDispatcher", tracker: "Tracker"
) -> None:
    """A same-day sign reported and not yet answered: its reason and first step, before
    whichever screen question comes next (review 63: a one-sided swollen, warm, red
    calf after a long bus ride, said three times, got "Next, a few signs to check"
    because a seizure question had come first and the line that hears back is only
    said before the screen's first question)."""
    at_risk = same_day_sign(tracker)
    if at_risk is not None:
        _hear_back(dispatcher, tracker, CARER in contexts_of(tracker), at_risk)


def how_many(count: int) -> str:
    """ "1 quick safety question", "2 quick safety questions" (review 15: "1 quick
    safety questions" to 9 of 36 people)."""
    return f"{count} quick safety question{'' if count == 1 else 's'}"


def questions_ahead(tracker: "Tracker") -> int:
    """How many screen questions this person will be asked, the first one included
    (answering no to all): the check-in's when one is running, else those that fit
    what they told us, with the checklist (`actions.checklist`)."""
    during_check_in = checkin_scores.required_slots(tracker)
    if during_check_in is not None:
        return len([slot for slot in during_check_in if slot in QUESTIONS_BY_SLOT])
    return questions_seen_if_all_no(tracker)


def same_day_sign(tracker: "Tracker") -> Optional[RedFlag]:
    """The first same-day (urgent) sign the person reported, pregnancy included when
    it was said in words the lexicon does not flag ("24 weeks along")."""
    urgent = same_day_flags(tracker)
    if urgent:
        return red_flag(urgent[0])
    confirmed = tracker.get_slot(SCREEN_FLAG)
    if (
        confirmed
        and red_flag(str(confirmed)).disposition == URGENT
        and confirmed not in (tracker.get_slot(CORRECTED_FLAGS) or [])
    ):
        # A Yes to the direct question about it ("YES I SAID YES", about sudden worse
        # withdrawal after Suboxone) got "that's a really common part of withdrawal"
        # (review 54).
        return red_flag(str(confirmed))
    stopped_something = tracker.get_slot(SUBSTANCE_CLASS) != NO_SUBSTANCE
    if PREGNANT in contexts_of(tracker) and stopped_something:
        return red_flag(PREGNANCY_FLAG)
    return None


def _asked_before(tracker: "Tracker", response: str = FIRST_QUESTION) -> bool:
    """Whether this conversation (since the last restart) has already been asked the
    first question (or the checklist as the first). The form runs this action inside
    its own, so the tracker holds the question's bot message (its `utter_action`),
    not this action's name."""
    asked = False
    for event in tracker.events:
        if event.get("event") == "restart":
            asked = False
        elif (event.get("event") == "action" and event.get("name") == ACTION_NAME) or (
            event.get("event") == "bot"
            and str((event.get("metadata") or {}).get("utter_action") or "").startswith(
                response
            )
        ):
            asked = True
    return asked


class ActionAskSubstanceClass(Action):
    """Asks what was stopped (the form asks `action_ask_<slot>`): of "them" when the
    person writes for someone else. Dev set 13: "im asking for my son, hes detoxing"
    got "Have you recently stopped ...?"."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_ask_substance_class"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """The question, and the slot that makes the later questions theirs."""
        feeling = feelings_line(tracker)
        if feeling:
            dispatcher.utter_message(text=feeling)
        _same_day_sign_heard(dispatcher, tracker)
        if CARER in contexts_of(tracker):
            dispatcher.utter_message(
                response=f"utter_ask_substance_class_{SOMEONE_ELSE}"
            )
            return [SlotSet(ASKING_FOR, SOMEONE_ELSE)]
        dispatcher.utter_message(response="utter_ask_substance_class")
        return []


class ActionAskBodyLocation(Action):
    """Asks where it hurts (the form asks `action_ask_<slot>`); a same-day sign said
    before it is answered first. Review 58: "I ran out of my baclofen 2 days ago ...
    does it matter?" got "Where is the pain or spasm mostly?", and the warning that it
    does matter only after a body part was tapped."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_ask_body_location"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """The same-day sign's reason and first step, once, then the question."""
        _same_day_sign_heard(dispatcher, tracker)
        dispatcher.utter_message(response="utter_ask_body_location")
        return []

"""The screen before tips: which yes/no questions to ask, and reading the answers.

Why the answers are read here and not by slot mappings: slot mappings run on every
message before any policy, so a red-flag message ("no... but now I can't breathe") would
be stored as a screen answer. Here they are read only when the form itself runs, which
the safety policy prevents in any turn that carries a red flag.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Text, Tuple

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.forms import FormValidationAction

from actions import checkin_scores
from actions.acknowledgement import felt_all_over
from actions.answers import (
    answer_words,
    denies_suicide,
    normalise,
    read_answer,
    wants_the_tips,
)
from actions.checklist import (
    CHECKLIST,
    HEAVY_USE,
    MIN_MEMBERS,
    checklist_text,
    members,
    read_checklist_answer,
    rest_as_a_list,
    retracts_the_list,
    says_none_of_the_list,
    screen_order,
    signs_named_in,
)
from actions.conversation import (
    answered_a_direct_question,
    answered_during_screen,
    latest_flags,
    mentioned,
    names_a_region,
    questions_in,
    said_since_restart,
)
from actions.disposition import settle_disposition
from actions.guidance import answers_to_latest, bot_said, takes_back_someone_else
from actions.screen_questions import (
    QUESTIONS_BY_SLOT,
    URGENT_QUESTIONS,
)
from actions.slots import (
    ASKING_FOR,
    BODY_LOCATION,
    CHECKIN_ANSWER,
    EMERGENCY,
    NO,
    NO_SUBSTANCE,
    REGION,
    REQUESTED_SLOT,
    SCREEN_FLAG,
    SCREEN_REASKS,
    SOMEONE_ELSE,
    SUBSTANCE,
    SUBSTANCE_CLASS,
    SYMPTOM,
    TRIAGE_LEVEL,
    UNSURE,
    WHOLE_BODY,
    YES,
)
from bot.language import language_of, other_language_reply
from bot.safety.catalogue import red_flag, region
from bot.safety.names import POSSIBLE_RED_FLAG_ENTITY, RED_FLAG_ENTITY

# What a yes to the chest, heart and breath question was about
# (`validate_screen_breathing`).
BREATH_WORDS = ("breath", "breathe", "breathing", "breathin", "air", "lungs", "gasp")
HEART_WORDS = ("heart", "racing", "pounding", "pulse", "chest", "palpitat")
DENIAL_WORDS = frozenset({"no", "not", "fine", "ok", "okay", "normal", "nope", "nah"})
CHEST_PAIN_FLAG = "chest_pain"


RISKIEST_FIRST = ("benzodiazepine", "alcohol", "baclofen", "opioid")
"""Drug classes by how dangerous stopping them all at once is: seizures after daily
benzodiazepines or heavy drinking (FDA boxed warning; ASAM), then baclofen (FDA
label), then opioids (miserable, rarely dangerous in itself)."""
CHECKIN_INTENTS = frozenset({"stop_check_ins", "skip_check_in"})
"""Intents the classifier gives impatience with the questions ("skip the 20
questions"): let through to the check-in rules only when no impatience is said."""
CORRECTS_THE_BOT = "correct_misunderstanding"
"""The intent of a person telling the bot it got them wrong."""
_STOP_TIME_AFTER = re.compile(
    r"^\s*((for|since|anymore|any more|today|\d)\b"
    r"|in\s+(\d|a|an|the last|over|two|three|four|five|six|several|few|days|weeks)\b)"
)
"""A time after "no drugs" that makes it a stop ("no drugs for 3 days", "no drugs in a
week"); not "never used drugs in my life" (review 84)."""


def says_nothing_taken(text: str) -> bool:
    """Whether the (normalised) text says no drug, medicine or alcohol is involved;
    not "no drugs for 3 days", which is a stop."""
    padded = f" {text} "
    for phrase in answer_words().nothing_taken:
        at = padded.find(f" {phrase} ")
        if at >= 0 and not _STOP_TIME_AFTER.match(padded[at + len(phrase) + 1 :]):
            return True
    return False


def _messages_since_restart(tracker: "Tracker") -> Iterator[Tuple[str, bool]]:
    """The person's messages since the last restart, newest first: each one's
    normalised text, and whether its parse named a drug class."""
    for event in reversed(tracker.events):
        if event.get("event") == "restart":
            return
        if event.get("event") != "user":
            continue
        entities = (event.get("parse_data") or {}).get("entities") or []
        yield (
            normalise(str(event.get("text") or "")),
            any(e.get("entity") == SUBSTANCE_CLASS for e in entities),
        )


def _said_nothing_taken(tracker: "Tracker") -> bool:
    """Whether a message of this conversation (since a restart) said that no drug,
    medicine or alcohol is involved, naming none."""
    return any(
        not named and says_nothing_taken(text)
        for text, named in _messages_since_restart(tracker)
    )


def _other_medicine_said(tracker: "Tracker") -> Optional[str]:
    """The generic name of a medicine outside the screen's four classes ("stopped my
    lyrica") named in this conversation (since a restart), while no class was."""
    for text, named in _messages_since_restart(tracker):
        if named:
            return None
        padded = f" {text} "
        for name, words in answer_words().other_medicines.items():
            if any(f" {word} " in padded for word in words):
                return name
    return None


NOTHING_WORDS = frozenset(
    {
        "nothing",
        "nothing stopped",
        "none",
        "nope nothing",
        "no pain",
        "nowhere",
        "no pain just a question",
        "nothing hurts",
        "just a question",
        "i didnt stop anything",
        "i havent stopped anything",
    }
)
LET_THROUGH_INTENTS = frozenset(
    {
        "request_summary",
        "restart",
        "delete_conversation",
        "confirm_delete",
        "stop_check_ins",
        "skip_check_in",
        "ask_human",
    }
)
FACT_ENTITIES = frozenset(
    {"substance", "substance_class", "body_location", "region", "hours_since_stop"}
)

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher
    from rasa_sdk.types import DomainDict


SUICIDE_QUESTION = "screen_mood"
"""Its "not sure" has its own reply (the crisis line), not the line below."""


def _not_sent_before(tracker: "Tracker", answers: List[str]) -> List[str]:
    """The answers the bot has not sent in this conversation already."""
    return [text for text in answers if not bot_said(tracker, text)]


class ValidateTriageForm(checkin_scores.CheckInScoreSlots, FormValidationAction):
    """Chooses the screen's questions, reads yes / no / not sure answers and, once the
    last one is in, settles the disposition (`triage_level`)."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "validate_triage_form"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: "DomainDict",
    ) -> List[EventType]:
        """Validates; when nothing is left to ask, adds the disposition.

        Why here and not in an action after the form: the disposition needs only the
        answers, and deciding it in the same call spares the person's last screen
        answer a round trip to the action server and a policy pass (that message was
        the slowest under load). `triage_level` is still set before any tip.
        """
        events = await super().run(dispatcher, tracker, domain)
        if tracker.get_slot(ASKING_FOR) == SOMEONE_ELSE and takes_back_someone_else(
            tracker
        ):
            # "why do you keep talking like its someone else. its ME" (review 33):
            # the questions from here on are asked of them.
            events.insert(0, SlotSet(ASKING_FOR, None))
        events.extend(self._not_an_answer(dispatcher, tracker, events))
        screen_done = any(
            event.get("event") == "slot"
            and event.get("name") == REQUESTED_SLOT
            and event.get("value") is None
            for event in events
        )
        if screen_done:
            # A check-in's score is recorded first: its trend can raise the level.
            events.extend(checkin_scores.finish(dispatcher, tracker))
            events.extend(settle_disposition(dispatcher, tracker))
        return events

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: "DomainDict",
    ) -> List[Text]:
        """What is missing, then the questions for this person; none once escalated."""
        if tracker.get_slot(TRIAGE_LEVEL) == EMERGENCY:
            return []
        during_check_in = checkin_scores.required_slots(tracker)
        if during_check_in is not None:
            return during_check_in
        return [SUBSTANCE_CLASS, BODY_LOCATION, *screen_order(tracker)]

    async def extract_substance_class(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: "DomainDict",
    ) -> Dict[Text, Any]:
        """A typed "nothing" / "none" / "no" to the substance question: nothing stopped
        (the button says the same). Two drug classes stopped at once ("stopped my
        benzos and kratom 3 days ago"): the one whose withdrawal is riskiest, so its
        screen question and warnings come (review 28: "kratom withdrawal is usually
        not dangerous", and no word on seizures)."""
        said = list(
            dict.fromkeys(
                str(e.get("value"))
                for e in tracker.latest_message.get("entities") or []
                if e.get("entity") == SUBSTANCE_CLASS and e.get("value")
            )
        )
        if len(said) > 1:
            ranked = sorted(
                said,
                key=lambda c: (
                    RISKIEST_FIRST.index(c)
                    if c in RISKIEST_FIRST
                    else len(RISKIEST_FIRST)
                ),
            )
            return {SUBSTANCE_CLASS: ranked[0]}
        return self._nothing_for(SUBSTANCE_CLASS, tracker)

    async def extract_body_location(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: "DomainDict",
    ) -> Dict[Text, Any]:
        """A typed "no" / "nowhere" / "no pain" to the body question: no pain, just a
        question (the button says the same). The shakes with no place named are felt
        all over: not asked where the pain is."""
        if not tracker.get_slot(BODY_LOCATION) and felt_all_over() & set(
            mentioned(tracker, SYMPTOM)
        ):
            return {BODY_LOCATION: WHOLE_BODY}
        return self._nothing_for(BODY_LOCATION, tracker)

    @staticmethod
    def _nothing_for(slot: str, tracker: "Tracker") -> Dict[Text, Any]:
        if tracker.get_slot(slot):
            return {}
        text = normalise(tracker.latest_message.get("text") or "")
        other = _other_medicine_said(tracker) if slot == SUBSTANCE_CLASS else None
        if other:
            # Gabapentin or pregabalin: none of the four classes, so the screen goes
            # on as for nothing of them stopped, and the name is kept for the summary.
            return {slot: NO_SUBSTANCE, SUBSTANCE: other}
        if slot == SUBSTANCE_CLASS and _said_nothing_taken(tracker):
            # Said before it was asked, in this message or an earlier one: "I take
            # nothing, no drugs. What I do?" (review 19) and "pain down my leg ... no
            # drugs or anything", then a direct question, then the form (review 22)
            # were asked what was stopped.
            return {slot: NO_SUBSTANCE}
        if tracker.get_slot(REQUESTED_SLOT) != slot:
            return {}
        if (
            text in NOTHING_WORDS
            or read_answer(text) == NO
            or (slot == SUBSTANCE_CLASS and says_nothing_taken(text))
        ):
            return {slot: NO_SUBSTANCE}
        if slot == SUBSTANCE_CLASS and read_answer(text) == UNSURE:
            # "idk" to what was stopped, four times, got the same question four times
            # (review 33): nothing named is what we go on, and the screen moves on.
            return {slot: NO_SUBSTANCE}
        return {}

    async def extract_screen_checklist(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: "DomainDict",
    ) -> Dict[Text, Any]:
        """Reads the answer to the checklist (`actions.checklist`)."""
        if (
            tracker.get_slot(REQUESTED_SLOT) != CHECKLIST
            or latest_flags(tracker, EMERGENCY)
            or answered_a_direct_question(tracker)
        ):
            return {}
        message = tracker.latest_message
        intent = message.get("intent") or {}
        answer = read_checklist_answer(
            message.get("text") or "",
            intent.get("name"),
            float(intent.get("confidence") or 0.0),
            members(tracker),
        )
        return {CHECKLIST: answer} if answer else {}

    async def validate_screen_checklist(
        self,
        value: Any,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: "DomainDict",
    ) -> Dict[Text, Any]:
        """A No to the list answers every listed question no; "yes" or "not sure"
        leaves them to be asked one at a time; None asks the list again (see
        `rest_as_a_list`)."""
        if value is None:
            return {CHECKLIST: None}
        if value == NO:
            return {CHECKLIST: NO, **{slot: NO for slot in members(tracker)}}
        listed = members(tracker)
        text = str(tracker.latest_message.get("text") or "")
        named = signs_named_in(text, listed)
        if value == UNSURE and named and read_answer(text, CHECKLIST) == NO:
            # "no none of that, just the jerking and pain and he keeps throwing up": a
            # No to every sign but the ones it speaks of, which are asked about (review
            # 23: all seven were asked one at a time).
            dispatcher.utter_message(text=str(checklist_text()["one_at_a_time"]))
            return {
                CHECKLIST: value,
                **{slot: NO for slot in listed if slot not in named},
            }
        if named == [HEAVY_USE] and len(listed) > MIN_MEMBERS:
            # "YES i was on klonopin every day for 2 years and just stopped" answers
            # the daily-use line only; the signs that may be happening now are asked
            # again as a list, not one at a time from the chest (review 22).
            dispatcher.utter_message(text=str(checklist_text()["heavy_use_only"]))
            return {HEAVY_USE: YES, CHECKLIST: None}
        dispatcher.utter_message(text=str(checklist_text()["one_at_a_time"]))
        return {CHECKLIST: value}

    async def extract_screen_breathing(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the breathing / chest question."""
        return self._answer("screen_breathing", *args)

    async def extract_screen_mind(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the confusion / seizure question."""
        return self._answer("screen_mind", *args)

    async def extract_screen_nerves(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the bladder / numbness / leg weakness question."""
        return self._answer("screen_nerves", *args)

    async def extract_screen_swelling(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the swelling / hot lump question."""
        return self._answer("screen_swelling", *args)

    async def extract_screen_leg(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the swollen leg question."""
        return self._answer("screen_leg", *args)

    async def extract_screen_mood(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: "DomainDict",
    ) -> Dict[Text, Any]:
        """Reads the answer to the question about thoughts of ending one's life; an
        explicit "I'm not suicidal" answers it whichever question is open (review 6:
        "NO IM NOT SUICIDAL IM IN PAIN" at the breathing question)."""
        message = tracker.latest_message
        if (
            tracker.get_slot(REQUESTED_SLOT) != "screen_mood"
            and tracker.get_slot("screen_mood") is None
            and denies_suicide(message.get("text") or "")
            and not any(
                e.get("entity") in (RED_FLAG_ENTITY, POSSIBLE_RED_FLAG_ENTITY)
                for e in message.get("entities", [])
            )
            and not latest_flags(tracker, EMERGENCY)
        ):
            return {"screen_mood": NO}
        return self._answer("screen_mood", dispatcher, tracker, domain)

    async def extract_screen_fluids(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the fluids question."""
        return self._answer("screen_fluids", *args)

    async def extract_screen_urine(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the dark urine question."""
        return self._answer("screen_urine", *args)

    async def extract_screen_pregnancy(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the pregnancy warning signs question."""
        return self._answer("screen_pregnancy", *args)

    async def validate_screen_pregnancy(
        self, value: Any, *args: Any
    ) -> Dict[Text, Any]:
        """A "yes" escalates."""
        return self._escalate_on_yes("screen_pregnancy", value)

    async def extract_screen_baclofen(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the baclofen question."""
        return self._answer("screen_baclofen", *args)

    async def extract_screen_heavy_use(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the heavy daily use question."""
        return self._answer("screen_heavy_use", *args)

    @staticmethod
    def _answer(
        slot: str,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: "DomainDict",
    ) -> Dict[Text, Any]:
        """yes / no / unsure for the question being asked; nothing for anything else
        (see `actions.answers` for how a typed answer is read)."""
        if (
            tracker.get_slot(REQUESTED_SLOT) != slot
            or latest_flags(tracker, EMERGENCY)
            or answered_a_direct_question(tracker)
        ):
            return {}
        if slot in members(tracker) and retracts_the_list(tracker):
            dispatcher.utter_message(text=str(checklist_text()["retracted"]))
            return {CHECKLIST: NO, **{listed: NO for listed in members(tracker)}}
        message = tracker.latest_message
        intent = message.get("intent") or {}
        answer = read_answer(
            message.get("text") or "",
            slot,
            intent.get("name"),
            float(intent.get("confidence") or 0.0),
        )
        if (
            answer == NO
            and slot in members(tracker)
            and says_none_of_the_list(str(message.get("text") or ""))
        ):
            # "NO. I already said none of those", asked the list's signs one at a
            # time: a No to every one left (review 23: asked the next one).
            return {listed: NO for listed in members(tracker)}
        if (
            answer == UNSURE
            and slot in QUESTIONS_BY_SLOT
            and slot != SUICIDE_QUESTION
            and red_flag(QUESTIONS_BY_SLOT[slot].flag).disposition == EMERGENCY
        ):
            dispatcher.utter_message(
                text=str(checklist_text()["unsure_noted"]).format(
                    emergency=region(tracker.get_slot(REGION)).emergency
                )
            )
        if answer and rest_as_a_list(tracker, slot):
            return {slot: answer, CHECKLIST: None}
        return {slot: answer} if answer else {}

    @staticmethod
    def _not_an_answer(
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        events: List[EventType],
    ) -> List[EventType]:
        """When a screen question got no answer: say why it is asked again.

        The form asks the same question again (with its buttons) after this. A
        question the person asked is kept for after the screen; a fact they gave (a
        drug, a body part, a region) is taken; anything else gets a one-line hint.
        Setting `screen_reasks` also keeps Rasa from rejecting the form, which would
        have handed the turn to the generic fallback.
        """
        asked = tracker.get_slot(REQUESTED_SLOT)
        if asked not in (
            *QUESTIONS_BY_SLOT,
            CHECKLIST,
            SUBSTANCE_CLASS,
            BODY_LOCATION,
            CHECKIN_ANSWER,
        ):
            return []
        intent = str((tracker.latest_message.get("intent") or {}).get("name"))
        impatient = wants_the_tips(str(tracker.latest_message.get("text") or ""))
        if intent in LET_THROUGH_INTENTS and not (
            intent in CHECKIN_INTENTS and impatient
        ):
            # The form steps aside (Rasa rejects it) and the rules answer: a summary,
            # a restart, a deletion; the screen resumes after.
            return []
        if any(e.get("event") == "slot" and e.get("name") == asked for e in events):
            # An answer that also asks what cannot wait ("he hasnt stopped anything,
            # hes drunk ... SHOULD I STAY WITH HIM": review 21 got "Where is the
            # pain?"): the answer, then the next question.
            for text in _not_sent_before(
                tracker, answers_to_latest(tracker, answered_during_screen())
            ):
                dispatcher.utter_message(text=text)
            return []
        if answered_a_direct_question(tracker):
            # The form asks its question again; no hint, the message was an answer.
            return [SlotSet(SCREEN_REASKS, tracker.get_slot(SCREEN_REASKS))]
        message = tracker.latest_message
        foreign = other_language_reply(
            language_of(message.get("text") or ""),
            region(tracker.get_slot(REGION)).emergency,
            said_since_restart(tracker, "bot"),
            region_known=tracker.get_slot(REGION) is not None,
        )
        if foreign:
            dispatcher.utter_message(text=foreign)
        elif denies_suicide(message.get("text") or ""):
            dispatcher.utter_message(response="utter_screen_heard_not_suicidal")
        elif answers := answers_to_latest(tracker, answered_during_screen()):
            # How to use more safely, the law, privacy, treatment: answered at once
            # (topics.yml `answered_during_screen`); the muscles wait for the screen.
            # An answer already given is not sent again, whole, each turn (review 68:
            # the abscess, free-care and treatment paragraphs three times over).
            fresh = _not_sent_before(tracker, answers)
            for text in fresh:
                dispatcher.utter_message(text=text)
            dispatcher.utter_message(
                response="utter_screen_back_to_question"
                if fresh
                else "utter_screen_answered_above"
            )
        elif questions_in(tracker.latest_message):
            dispatcher.utter_message(response="utter_screen_first")
        elif impatient:
            # "can we skip the 20 questions" was read as stopping check-ins, and the
            # screen ended with "There are no check-ins planned" (review 84).
            dispatcher.utter_message(response="utter_screen_impatient")
        elif intent == CORRECTS_THE_BOT:
            # "I did NOT hit my head, why are you talking about head injuries" got "I
            # couldn't tell if that was a yes or a no" (review 84): an apology first.
            dispatcher.utter_message(response="utter_screen_sorry")
        elif intent == "bot_challenge":
            dispatcher.utter_message(response="utter_iamabot")
        elif names_a_region(message):
            # "im in dublin, is it 999?": the answer is the number (review 6).
            place = region(tracker.get_slot(REGION))
            dispatcher.utter_message(
                response="utter_screen_noted_region",
                place=place.name,
                emergency=place.emergency,
            )
        elif any(e.get("entity") in FACT_ENTITIES for e in message.get("entities", [])):
            dispatcher.utter_message(response="utter_screen_noted")
        elif asked == CHECKIN_ANSWER:
            dispatcher.utter_message(response="utter_checkin_answer_hint")
        elif asked in (SUBSTANCE_CLASS, BODY_LOCATION):
            dispatcher.utter_message(response=f"utter_hint_{asked}")
        else:
            dispatcher.utter_message(response="utter_screen_hint")
        reasks = int(tracker.get_slot(SCREEN_REASKS) or 0) + 1
        return [SlotSet(SCREEN_REASKS, float(reasks))]

    async def validate_screen_breathing(
        self,
        value: Any,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> Dict[Text, Any]:
        """A "yes" escalates (see `_escalate_on_yes`), named for what was said: the
        question holds the chest, the heart and the breath, and "racing yes, chest
        pain no, breathing fine" was told "You mentioned trouble breathing" (review
        18). A yes about the heart or chest alone is the chest-pain entry."""
        events = self._escalate_on_yes("screen_breathing", value)
        said = str(tracker.latest_message.get("text") or "")
        # The clauses that report something: "chest pain no", "breathing fine" do not.
        reported = " ".join(
            f" {clause} "
            for clause in (normalise(part) for part in re.split(r"[,.;!?]", said))
            if not DENIAL_WORDS.intersection(clause.split())
        )
        if (
            events.get(SCREEN_FLAG)
            and not any(f" {word}" in reported for word in BREATH_WORDS)
            and any(f" {word}" in reported for word in HEART_WORDS)
        ):
            events[SCREEN_FLAG] = CHEST_PAIN_FLAG
        return events

    async def validate_screen_mind(self, value: Any, *args: Any) -> Dict[Text, Any]:
        """A "yes" escalates."""
        return self._escalate_on_yes("screen_mind", value)

    async def validate_screen_nerves(self, value: Any, *args: Any) -> Dict[Text, Any]:
        """A "yes" escalates."""
        return self._escalate_on_yes("screen_nerves", value)

    async def validate_screen_swelling(self, value: Any, *args: Any) -> Dict[Text, Any]:
        """A "yes" escalates."""
        return self._escalate_on_yes("screen_swelling", value)

    async def validate_screen_mood(self, value: Any, *args: Any) -> Dict[Text, Any]:
        """A "yes", or "not sure", leads to the crisis line (ASQ: a question not
        answered clearly counts as a positive screen)."""
        if value == UNSURE:
            return {
                **self._escalate_on_yes("screen_mood", YES),
                "screen_mood": UNSURE,
            }
        return self._escalate_on_yes("screen_mood", value)

    async def validate_screen_fluids(self, value: Any, *args: Any) -> Dict[Text, Any]:
        """A "yes" escalates."""
        return self._escalate_on_yes("screen_fluids", value)

    async def validate_screen_urine(self, value: Any, *args: Any) -> Dict[Text, Any]:
        """A "yes" escalates."""
        return self._escalate_on_yes("screen_urine", value)

    async def validate_screen_baclofen(self, value: Any, *args: Any) -> Dict[Text, Any]:
        """A "yes" escalates."""
        return self._escalate_on_yes("screen_baclofen", value)

    @staticmethod
    def _escalate_on_yes(slot: str, value: Any) -> Dict[Text, Any]:
        """Stores the answer; a "yes" to an emergency question sets `triage_level`.

        The form then has nothing left to ask (see `required_slots`), ends, and the
        safety policy sends the emergency reply.
        """
        if value == YES and slot not in URGENT_QUESTIONS:
            return {
                slot: value,
                TRIAGE_LEVEL: EMERGENCY,
                SCREEN_FLAG: QUESTIONS_BY_SLOT[slot].flag,
            }
        return {slot: value}

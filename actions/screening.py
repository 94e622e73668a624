"""The screen before tips: which yes/no questions to ask, and reading the answers.

Why the answers are read here and not by slot mappings: slot mappings run on every
message before any policy, so a red-flag message ("no... but now I can't breathe") would
be stored as a screen answer. Here they are read only when the form itself runs, which
the safety policy prevents in any turn that carries a red flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, List, Optional, Text

from rasa_sdk.forms import FormValidationAction

from actions.conversation import latest_flags
from actions.slots import (
    ANSWER_BY_INTENT,
    BODY_LOCATION,
    EMERGENCY,
    REQUESTED_SLOT,
    SCREEN_FLAG,
    SEVERITY,
    SUBSTANCE_CLASS,
    SYMPTOM,
    TRIAGE_LEVEL,
    YES,
)

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher
    from rasa_sdk.types import DomainDict

LOWER_BODY: FrozenSet[str] = frozenset(
    {"buttock", "lower_back", "back", "hip", "groin", "leg", "thigh"}
)
LIMBS_AND_BUTTOCK: FrozenSet[str] = frozenset(
    {"buttock", "hip", "leg", "thigh", "calf", "foot", "arm", "whole_body"}
)
SEVERE_PAIN = 7


@dataclass(frozen=True)
class Profile:
    """What the screen knows about the person so far."""

    substance_class: Optional[str]
    body_location: Optional[str]
    symptom: Optional[str]
    severity: Optional[float]


@dataclass(frozen=True)
class ScreenQuestion:
    """One yes/no question: its slot, the red flag a "yes" means, and when to ask it."""

    slot: str
    flag: str
    applies: Callable[[Profile], bool]


SCREEN_QUESTIONS = (
    ScreenQuestion("screen_breathing", "breathing", lambda p: True),
    ScreenQuestion(
        "screen_mind",
        "delirium",
        lambda p: p.substance_class in {"benzodiazepine", "alcohol", "baclofen"},
    ),
    ScreenQuestion(
        "screen_nerves", "cauda_equina", lambda p: p.body_location in LOWER_BODY
    ),
    ScreenQuestion(
        "screen_swelling",
        "dvt",
        lambda p: p.body_location in LIMBS_AND_BUTTOCK or p.substance_class == "opioid",
    ),
    ScreenQuestion(
        "screen_fluids",
        "dehydration",
        lambda p: p.substance_class in {"opioid", "alcohol"},
    ),
    ScreenQuestion(
        "screen_urine",
        "rhabdomyolysis",
        lambda p: (
            p.symptom in {"cramp", "spasm"}
            and ((p.severity or 0) >= SEVERE_PAIN or p.body_location == "whole_body")
        ),
    ),
    ScreenQuestion(
        "screen_baclofen", "baclofen_severe", lambda p: p.substance_class == "baclofen"
    ),
    # A "yes" here is urgent (same day), not an emergency: see `URGENT_QUESTIONS`.
    ScreenQuestion(
        "screen_heavy_use",
        "abrupt_stop",
        lambda p: p.substance_class in {"benzodiazepine", "alcohol"},
    ),
)
QUESTIONS_BY_SLOT = {question.slot: question for question in SCREEN_QUESTIONS}
URGENT_QUESTIONS: FrozenSet[str] = frozenset({"screen_heavy_use"})
SCREEN_SLOTS = tuple(QUESTIONS_BY_SLOT)


def profile_of(tracker: "Tracker") -> Profile:
    """The person's profile from the slots."""
    return Profile(
        substance_class=tracker.get_slot(SUBSTANCE_CLASS),
        body_location=tracker.get_slot(BODY_LOCATION),
        symptom=tracker.get_slot(SYMPTOM),
        severity=tracker.get_slot(SEVERITY),
    )


def questions_for(profile: Profile) -> List[str]:
    """Screen slots to ask this person, in order."""
    return [q.slot for q in SCREEN_QUESTIONS if q.applies(profile)]


class ValidateTriageForm(FormValidationAction):
    """Chooses the screen's questions and reads yes / no / not sure answers."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "validate_triage_form"

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
        return [SUBSTANCE_CLASS, BODY_LOCATION, *questions_for(profile_of(tracker))]

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

    async def extract_screen_fluids(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the fluids question."""
        return self._answer("screen_fluids", *args)

    async def extract_screen_urine(self, *args: Any) -> Dict[Text, Any]:
        """Reads the answer to the dark urine question."""
        return self._answer("screen_urine", *args)

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
        """yes / no / unsure for the question being asked; nothing for anything else."""
        if tracker.get_slot(REQUESTED_SLOT) != slot or latest_flags(tracker, EMERGENCY):
            return {}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        answer = ANSWER_BY_INTENT.get(str(intent))
        return {slot: answer} if answer else {}

    async def validate_screen_breathing(
        self, value: Any, *args: Any
    ) -> Dict[Text, Any]:
        """A "yes" escalates (see `_escalate_on_yes`)."""
        return self._escalate_on_yes("screen_breathing", value)

    async def validate_screen_mind(self, value: Any, *args: Any) -> Dict[Text, Any]:
        """A "yes" escalates."""
        return self._escalate_on_yes("screen_mind", value)

    async def validate_screen_nerves(self, value: Any, *args: Any) -> Dict[Text, Any]:
        """A "yes" escalates."""
        return self._escalate_on_yes("screen_nerves", value)

    async def validate_screen_swelling(self, value: Any, *args: Any) -> Dict[Text, Any]:
        """A "yes" escalates."""
        return self._escalate_on_yes("screen_swelling", value)

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

"""The screen before tips: which yes/no questions to ask, and reading the answers.

Why the answers are read here and not by slot mappings: slot mappings run on every
message before any policy, so a red-flag message ("no... but now I can't breathe") would
be stored as a screen answer. Here they are read only when the form itself runs, which
the safety policy prevents in any turn that carries a red flag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Text

from rasa_sdk.events import EventType
from rasa_sdk.forms import FormValidationAction

from actions.conversation import latest_flags
from actions.disposition import settle_disposition
from actions.screen_questions import (
    QUESTIONS_BY_SLOT,
    URGENT_QUESTIONS,
    profile_of,
    questions_for,
)
from actions.slots import (
    ANSWER_BY_INTENT,
    BODY_LOCATION,
    EMERGENCY,
    REQUESTED_SLOT,
    SCREEN_FLAG,
    SUBSTANCE_CLASS,
    TRIAGE_LEVEL,
    YES,
)

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher
    from rasa_sdk.types import DomainDict


class ValidateTriageForm(FormValidationAction):
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
        screen_done = any(
            event.get("event") == "slot"
            and event.get("name") == REQUESTED_SLOT
            and event.get("value") is None
            for event in events
        )
        if screen_done:
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

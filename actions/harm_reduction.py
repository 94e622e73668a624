"""Harm reduction: straight answers to the questions people who use drugs ask.

Why its own action, answering at once: these are not self-care tips for a muscle, and
some cannot wait for a screen ("if I use tonight is it ok if I'm alone?"). An escalated
conversation never gets here (the safety policy answers every message there). Answers,
sources and refusals (a dose, a conversion, a prescribing decision) live in
data/knowledge/harm_reduction.yml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType

from actions.conversation import message_asked, questions_in
from actions.guidance import person_of, render
from actions.knowledge_base import knowledge_base
from actions.slots import REGION, TRIAGE_LEVEL

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

HARM_REDUCTION_TOPICS = (
    "using_alone",
    "naloxone",
    "tolerance",
    "test_strips",
    "mixing",
    "precipitated",
    "loperamide",
    "gabapentin",
    "methadone_clinic",
    "pregnancy",
    "conversion",
    "kratom",
    "moud",
    "taper",
    "thiamine",
    "withdrawal_medicines",
    "local_help",
)
GENERAL = "harm_reduction"
MAX_ANSWERS = 2


class ActionHarmReduction(Action):
    """Answers the harm-reduction question(s) in the latest message."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_harm_reduction"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """The matching answers with their sources; then, before any screen, an
        invitation to say what hurts."""
        # The intent says it is a question: every sentence counts ("been on gabapentin
        # a year, can i just quit cold").
        asked = [
            t
            for t in questions_in(message_asked(tracker), whole_message=True)
            if t in HARM_REDUCTION_TOPICS
        ]
        topics = asked[:MAX_ANSWERS] or [GENERAL]
        person = person_of(tracker)
        region_known = tracker.get_slot(REGION) is not None
        for topic in topics:
            items = knowledge_base().lookup(topic, person)
            if items:
                dispatcher.utter_message(text=render(items, region_known))
        if tracker.get_slot(TRIAGE_LEVEL) is None:
            dispatcher.utter_message(
                text=(
                    "If you also have pain, cramps or spasms, tell me where and what "
                    "you stopped, and I'll check a few safety questions and help."
                )
            )
        return []

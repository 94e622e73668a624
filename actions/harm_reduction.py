"""Harm reduction: straight answers to the questions people who use drugs ask.

Why its own action, answering at once: these are not self-care tips for a muscle, and
some cannot wait for a screen ("if I use tonight is it ok if I'm alone?"). An escalated
conversation never gets here (the safety policy answers every message there). Answers,
sources and refusals (a dose, a conversion, a prescribing decision) live in
data/knowledge/harm_reduction.yml, questions.yml and questions_rev2.yml; the items'
own `not_for` and `contexts` decide who each answer fits, so nothing here knows about
substances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType

from actions.conversation import message_asked, questions_in
from actions.guidance import person_of, render, without_replaced
from actions.knowledge_base import knowledge_base
from actions.slots import REGION, TRIAGE_LEVEL

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

# The entities that say what hurts: with one, the screen follows this answer at once.
PAIN_ENTITIES = ("body_location", "symptom")

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
    # From the rev1 review: questions that cannot wait for a screen, and are no
    # self-care tip (data/knowledge/questions.yml).
    "police",
    "helpline_privacy",
    "ran_out",
    "after_naloxone",
    "watch_for",
    # From the rev2 review: "who can see what I type?" is asked before anything else is
    # said; low mood and someone else's diazepam are no self-care tip for a muscle
    # (data/knowledge/questions_rev2.yml).
    "privacy",
    "low_mood",
    "others_medicine",
)
GENERAL = "harm_reduction"
MAX_ANSWERS = 2
NOTHING_FITS = (
    "I don't have trusted advice on that for your situation. A pharmacist or doctor "
    "can help, and it's always fine to tell them what you recently stopped or cut down."
)


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
            for t in without_replaced(
                questions_in(message_asked(tracker), whole_message=True)
            )
            if t in HARM_REDUCTION_TOPICS
        ]
        person = person_of(tracker)
        region_known = tracker.get_slot(REGION) is not None
        # What fits this person: an MS patient asking where to get baclofen tonight
        # never gets the general "if you use again" note in place of an answer.
        answers = [
            items
            for topic in asked
            if (items := knowledge_base().lookup(topic, person))
        ][:MAX_ANSWERS] or [knowledge_base().lookup(GENERAL, person)]
        for items in answers:
            text = render(items, region_known) if items else NOTHING_FITS
            dispatcher.utter_message(text=text)
        said_pain = any(
            entity.get("entity") in PAIN_ENTITIES
            for entity in tracker.latest_message.get("entities", [])
        )
        if tracker.get_slot(TRIAGE_LEVEL) is None and not said_pain:
            # A message that already said what hurts goes straight on to the screen
            # (bot/policies/screen_policy.py): no invitation to say it again.
            dispatcher.utter_message(
                text=(
                    "If you also have pain, cramps or spasms, tell me where and what "
                    "you stopped, and I'll check a few safety questions and help."
                )
            )
        return []

"""Helplines for someone who wants a person to talk to.

Why it also answers a helpline question in the same message: "if i use alone whats that
hotline number again" wants the Never Use Alone line, not the general list alone, and
"is the samhsa line confidential?" wants a yes or no (rev1 review).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType

from actions.conversation import message_asked, questions_in
from actions.guidance import person_of, render, without_replaced
from actions.knowledge_base import knowledge_base
from actions.slots import REGION, SUBSTANCE_CLASS
from bot.safety.catalogue import region

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher


HELPLINE_TOPICS = ("using_alone", "helpline_privacy")
"""Questions about a line itself, answered beside the list when asked."""
TREATMENT_TOPIC = {"opioid": "moud"}
"""Someone coming off this drug class who asks who can help also hears where its
treatment is, in their region (buprenorphine and methadone for opioids)."""


class ActionHelplines(Action):
    """Lists the person's regional helplines, crisis line and emergency number."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_helplines"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Sends the numbers for the person's region."""
        place = region(tracker.get_slot(REGION))
        lines = [f"People you can talk to in {place.name}:"]
        if place.helpline:
            lines.append(f"• {place.helpline}")
        if place.urgent:
            lines.append(f"• {place.urgent}")
        lines.append(f"• Crisis support: {place.crisis}")
        lines.append(f"• Emergency: {place.emergency}")
        lines.append(
            "Not where you are? Tell me your country and I'll update the numbers."
        )
        dispatcher.utter_message(text="\n".join(lines))
        person = person_of(tracker)
        asked = [
            t
            for t in without_replaced(
                questions_in(message_asked(tracker), whole_message=True)
            )
            if t in HELPLINE_TOPICS
        ]
        treatment = TREATMENT_TOPIC.get(tracker.get_slot(SUBSTANCE_CLASS) or "")
        for topic in asked or ([treatment] if treatment else []):
            items = knowledge_base().lookup(topic, person)
            if items:
                dispatcher.utter_message(text=render(items))
        return []

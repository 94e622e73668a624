"""Helplines for someone who wants a person to talk to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType

from actions.slots import REGION
from bot.safety.catalogue import region

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher


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
        return []

"""Deleting a conversation at the person's request.

The events themselves are deleted by the tracker store when it saves the turn in which
this action ran (`bot.serving.tracker_store.deletion_confirmed`): the Rasa server writes
the whole tracker after every message, so deleting rows from here would be undone a
moment later. Here the person is told, and the check-in schedule is removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType

from actions.checkins import forget_schedule

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher


class ActionDeleteConversation(Action):
    """Confirms the deletion; the store deletes the events when it saves this turn."""

    def name(self) -> Text:
        """The action's name in the domain (and `DELETE_ACTION` in the store)."""
        return "action_delete_conversation"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Says what happens; removes the check-in schedule."""
        forget_schedule(tracker.sender_id)
        dispatcher.utter_message(
            text=(
                "Done. I've deleted this conversation and everything stored from it, "
                "and there will be no check-ins. If you write again, we start fresh."
            )
        )
        return []

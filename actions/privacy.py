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
from actions.conversation import topics_document
from bot.language import says_any

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher


def asks_to_delete(text: str) -> bool:
    """Whether `text` asks for this conversation to be deleted (topics.yml
    `delete_asks`), whatever else it says: "thanks. ok now pls delete this convo" was
    read as thanks and got "You're welcome" (review 69)."""
    return says_any(text, topics_document().get("delete_asks") or ())


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

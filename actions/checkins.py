"""Opt-in check-ins: offered after advice, stopped at any time, and the check-in itself.

A check-in runs the same safety screen again (through the same safety policy), so a sign
that appears on day two or three escalates exactly as in a first message.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Dict, List, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType, FollowupAction, SlotSet

from actions.screen_questions import SCREEN_SLOTS
from actions.slots import CHECK_INS, EMERGENCY, SCREEN_FLAG, TRIAGE_LEVEL
from bot import checkins

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

ACTIVE = "active"
STOPPED = "stopped"
OFFERED = "offered"
OFFER_BUTTONS = [
    {"title": "Yes, check in tomorrow", "payload": "/opt_in_check_in"},
    {"title": "No thanks", "payload": "/stop_check_ins"},
]


def forget_schedule(sender_id: str) -> None:
    """Removes any check-in schedule of the conversation."""
    checkins.forget(sender_id)


def offer_check_in(
    dispatcher: "CollectingDispatcher", tracker: "Tracker"
) -> List[EventType]:
    """Offers check-ins once, to someone who has not decided yet; a typed yes or no
    then answers the offer (bot/policies/screen_policy.py)."""
    if tracker.get_slot(CHECK_INS) is not None:
        return []
    dispatcher.utter_message(
        text=(
            "Withdrawal changes over the days. Would you like me to check in with "
            "you tomorrow morning? You can stop check-ins any time."
        ),
        buttons=OFFER_BUTTONS,
    )
    return [SlotSet(CHECK_INS, OFFERED)]


def _now() -> dt.datetime:
    return dt.datetime.utcnow()


class ActionOptInCheckIn(Action):
    """Schedules daily morning check-ins (they end after two weeks)."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_opt_in_check_in"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Stores the schedule in the conversations' database."""
        offset = int(
            (tracker.latest_message.get("metadata") or {}).get("utc_offset_minutes")
            or 0
        )
        checkins.opt_in(tracker.sender_id, _now(), offset)
        dispatcher.utter_message(
            text=(
                "Okay, I'll check in tomorrow morning, and each morning for up to two "
                'weeks. Say "stop check-ins" any time. If anything gets worse before '
                "then, tell me straight away."
            )
        )
        return [SlotSet(CHECK_INS, ACTIVE)]


class ActionStopCheckIns(Action):
    """Stops check-ins, in any phrasing ("stop", "pause", "not today")."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_stop_check_ins"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Removes the schedule."""
        checkins.forget(tracker.sender_id)
        dispatcher.utter_message(
            text="Okay, no check-ins. I'm here whenever you want to talk, day or night."
        )
        return [SlotSet(CHECK_INS, STOPPED)]


class ActionCheckIn(Action):
    """The check-in itself (Rasa's external event `EXTERNAL_check_in`)."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_check_in"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Nothing unless the person opted in; else the screen again, from the top."""
        if (
            tracker.get_slot(CHECK_INS) != ACTIVE
            or tracker.get_slot(TRIAGE_LEVEL) == EMERGENCY
        ):
            return []
        dispatcher.utter_message(
            text=(
                "Good morning, it's your check-in. How are you doing today? First the "
                "quick safety questions again, because some signs only show up after a "
                "few days."
            )
        )
        return [
            SlotSet(TRIAGE_LEVEL, None),
            SlotSet(SCREEN_FLAG, None),
            *(SlotSet(slot, None) for slot in SCREEN_SLOTS),
            FollowupAction("triage_form"),
        ]

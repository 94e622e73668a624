"""Helplines for someone who wants a person to talk to.

Why it also answers a helpline question in the same message: "if i use alone whats that
hotline number again" wants the Never Use Alone line, not the general list alone, and
"is the samhsa line confidential?" wants a yes or no (rev1 review).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType, FollowupAction

from actions.checkins import zone_now_known
from actions.conversation import message_asked, questions_in
from actions.guidance import person_of, render, without_replaced
from actions.knowledge_base import knowledge_base
from actions.slots import REGION, SUBSTANCE_CLASS, TRIAGE_FORM
from bot.safety.catalogue import region

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher


ASK_HUMAN_INTENT = "ask_human"
OPT_IN_ACTION = "action_opt_in_check_in"
ACTION_LISTEN = "action_listen"
JUST_TALK = "just_talk"
"""A wish to keep talking, answered by staying (data/knowledge/questions_rev4.yml)."""
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
        if zone_now_known(tracker):
            # The place answers the check-in's time zone: the check-ins move to
            # that time there (review 27: helplines, treatment and "I didn't quite
            # get that" instead).
            return [FollowupAction(OPT_IN_ACTION)]
        person = person_of(tracker)
        wants_help = (message_asked(tracker).get("intent") or {}).get("name") == (
            ASK_HUMAN_INTENT
        )
        in_screen = (tracker.active_loop or {}).get("name") == TRIAGE_FORM
        talk = (
            knowledge_base().lookup(JUST_TALK, person)
            if JUST_TALK in questions_in(message_asked(tracker))
            else []
        )
        if talk:
            # "can we just talk for a bit", 2 days off, low and alone, got the list
            # of helplines and the buprenorphine paragraph (session 30): the answer
            # that stays and talks, with its real-person lines, instead.
            dispatcher.utter_message(text=render(talk))
            return [] if wants_help and in_screen else [FollowupAction(ACTION_LISTEN)]
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
        asked = [
            t
            for t in without_replaced(
                questions_in(message_asked(tracker), whole_message=True)
            )
            if t in HELPLINE_TOPICS
        ]
        # Treatment only for someone asking who can help, not for a place named
        # ("im in california" got the buprenorphine paragraph: review 27).
        treatment = TREATMENT_TOPIC.get(tracker.get_slot(SUBSTANCE_CLASS) or "")
        for topic in asked or ([treatment] if treatment and wants_help else []):
            items = knowledge_base().lookup(topic, person)
            if items:
                dispatcher.utter_message(text=render(items))
        if wants_help and in_screen:
            # Asked during the screen: the screen's question comes again next
            # (data/rules/triage.yml; review 35: it was left unasked).
            return []
        # Run as a follow-up of another action (a place named in a message the NLU
        # called out of scope), nothing comes next: without this, the policies'
        # low confidence added "Sorry, I didn't quite get that" (review 27).
        return [FollowupAction(ACTION_LISTEN)]

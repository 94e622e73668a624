"""The emergency reply: the number to call and why first, then what to do while
waiting."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, List, Text, Tuple

import yaml
from rasa_sdk import Action
from rasa_sdk.events import ActiveLoop, EventType, SlotSet

from actions.answers import normalise
from actions.conversation import (
    emergency_replies_sent,
    emergency_reply_sent,
    latest_flags,
    questions_in,
    reported_flags,
)
from actions.guidance import person_of, render
from actions.knowledge_base import knowledge_base
from actions.paths import data_dir
from actions.slots import (
    EMERGENCY,
    REGION,
    REQUESTED_SLOT,
    SCREEN_FLAG,
    SUBSTANCE_CLASS,
    TRIAGE_LEVEL,
)
from bot.safety.catalogue import (
    GENERIC_FLAG,
    RedFlag,
    Region,
    red_flag,
    region,
    steps_for,
)
from bot.safety.context_signs import signs_in_context

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

SUICIDAL = "suicidal"
OVERDOSE = "overdose"
KIND_CLOSINGS = {
    "thank": "You're welcome, and well done for reaching out.",
    "goodbye": "Please don't stay alone with this.",
}


def call_line(flag: RedFlag, place: Region) -> str:
    """The first line: whom to call now, and that it is because of what they said."""
    if flag.flag_id == SUICIDAL:
        return (
            f"Please reach out right now: {place.crisis}. If you might act on these "
            f"thoughts or are in danger, call {place.emergency} now."
        )
    line = f"🚨 Please call {place.emergency} now (emergency services)."
    if flag.flag_id == OVERDOSE and place.poison:
        line += f" {place.poison} can also advise."
    return line


@lru_cache(maxsize=1)
def _suicide_texts() -> Dict[str, Any]:
    path = data_dir() / "safety" / "suicide.yml"
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def about_someone_else(text: str) -> bool:
    """Whether the person writes about someone else ("my son said goodbye...") rather
    than themselves: more words of the first kind than of the second."""
    texts = _suicide_texts()
    padded = f" {normalise(text)} "

    def count(words: List[str]) -> int:
        return sum(padded.count(f" {normalise(w)} ") for w in words)

    return count(texts["others"]) > count(texts["self"])


def suicide_message(place: Region, for_helper: bool) -> str:
    """The reply to suicide warning signs: the crisis line first, the emergency number
    for danger now, a few safety steps (data/safety/suicide.yml)."""
    texts = _suicide_texts()["for_helper" if for_helper else "for_self"]
    fill = {"crisis": place.crisis, "emergency": place.emergency, "place": place.name}
    lines = [texts["call"].format(**fill), texts["lead"].format(**fill)]
    if texts.get("danger"):
        lines.append(texts["danger"].format(**fill))
    lines.extend(f"• {step.format(**fill)}" for step in texts["steps"])
    lines.append(texts["close"].format(**fill))
    return "\n".join(lines)


def emergency_message(flags: List[RedFlag], place: Region, text: str = "") -> str:
    """The full emergency reply for one or more red flags."""
    lead = flags[0]
    if lead.flag_id == SUICIDAL:
        return suicide_message(place, about_someone_else(text))
    names = " and ".join(flag.name for flag in flags)
    lines = [
        call_line(lead, place),
        f"You mentioned {names}. {lead.why}",
        "While you wait:",
    ]
    steps = steps_for(flags)
    steps.append(
        "Unlock the door, keep your phone on, and have someone stay with you "
        "if possible."
    )
    lines.extend(f"• {step}" for step in dict.fromkeys(steps))
    lines.append(
        "I can't give self-care tips for this: it needs a medical team now. "
        f"Not in {place.name}? Tell me where you are and I'll give the right number."
    )
    return "\n".join(lines)


# Questions answered even while a conversation is escalated: each helps the person
# call for help or keep someone safe until it comes (data/knowledge/questions.yml).
EMERGENCY_TOPICS = ("police", "after_naloxone", "helpline_privacy", "naloxone")


@lru_cache(maxsize=1)
def _help_arrived_document() -> Dict[str, Any]:
    path = data_dir() / "dialogue" / "help_arrived.yml"
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def refuses_help(text: str) -> bool:
    """Whether the person says they will not call or go ("im not calling 911")."""
    normalised = normalise(text)
    return any(
        re.search(str(pattern), normalised)
        for pattern in _help_arrived_document().get("refusals") or []
    )


def refusal_message(place: Region) -> str:
    """The next-safest way to a medical team, for someone who won't call."""
    urgent = (
        f"If you're not sure where to go, {place.urgent} can tell you. "
        if (place.urgent)
        else ""
    )
    return str(_help_arrived_document()["refusal_reply"]).format(
        urgent=urgent, emergency=place.emergency
    )


@lru_cache(maxsize=1)
def _help_arrived_words() -> Tuple[List[str], List["re.Pattern[str]"]]:
    """The phrases and patterns of data/dialogue/help_arrived.yml."""
    document = _help_arrived_document()
    phrases = [normalise(str(p)) for p in document["phrases"]]
    patterns = [re.compile(str(p)) for p in document.get("patterns") or []]
    return phrases, patterns


def help_is_coming(text: str) -> bool:
    """Whether the person says help was called, is coming or is there ("the ambulance
    is here", "help is on the way", "i rang 111", "my wife is driving me to the ER")."""
    normalised = normalise(text)
    padded = f" {normalised} "
    phrases, patterns = _help_arrived_words()
    return any(f" {phrase} " in padded for phrase in phrases) or any(
        pattern.search(normalised) for pattern in patterns
    )


def emergency_answers(tracker: "Tracker") -> List[str]:
    """Answers, fitted to the person, to the questions of the latest message that are
    safe and useful while help is on its way (`EMERGENCY_TOPICS`)."""
    asked = [
        topic
        for topic in questions_in(tracker.latest_message, whole_message=True)
        if topic in EMERGENCY_TOPICS
    ]
    person = person_of(tracker)
    region_known = tracker.get_slot(REGION) is not None
    return [
        render(items, region_known)
        for topic in asked
        if (items := knowledge_base().lookup(topic, person))
    ]


def handover_message(flags: List[RedFlag], place: Region) -> str:
    """For someone who has called for help: well done, and what to tell the team."""
    names = " and ".join(flag.name for flag in flags)
    return (
        "You did the right thing getting help. Until they take over, stay with the "
        "person and keep following the steps above. Tell the team about "
        f"{names}, what was taken or stopped and when; you can ask me for a summary "
        "to show them. If anything gets worse before they arrive, call "
        f"{place.emergency} again."
    )


def reminder_message(
    flags: List[RedFlag], place: Region, intent: str, text: str = "", turn: int = 0
) -> str:
    """A shorter reply for later turns: the conversation stays escalated, and what to
    do while waiting is repeated (a bystander asks "we have no narcan, what now?").
    Thoughts of suicide get a warm reply of their own (data/safety/suicide.yml), its
    wordings in turn (`turn`: how many later replies came before this one)."""
    if flags[0].flag_id == SUICIDAL:
        who = "for_helper" if about_someone_else(text) else "for_self"
        wordings = _suicide_texts()[who]["reminder"]
        if isinstance(wordings, str):
            wordings = [wordings]
        return str(wordings[turn % len(wordings)]).format(
            crisis=place.crisis, emergency=place.emergency, place=place.name
        )
    opening = KIND_CLOSINGS.get(intent, "")
    names = " and ".join(flag.name for flag in flags)
    lines = [
        (
            f"{opening} I'm still worried about {names}. {call_line(flags[0], place)}"
        ).strip()
    ]
    if flags[0].flag_id != SUICIDAL:
        steps = steps_for(flags)
        lines += ["While you wait:", *(f"• {step}" for step in steps)]
    lines.append(
        "This needs a medical team to check, so I won't give home tips until then. "
        "If help is on the way, tell me and I'll help you get ready for them."
    )
    return "\n".join(lines)


class ActionEmergency(Action):
    """Sends the emergency reply and keeps the conversation escalated."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_emergency"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Leads with the number to call; ends any form; sets `triage_level`."""
        place = region(tracker.get_slot(REGION))
        new_ids = latest_flags(tracker, EMERGENCY) or signs_in_context(
            tracker.latest_message.get("text") or "",
            tracker.get_slot(SUBSTANCE_CLASS),
        )
        already_escalated = emergency_reply_sent(tracker, self.name())
        region_changed = any(
            e.get("entity") == REGION
            for e in tracker.latest_message.get("entities", [])
        )
        known_ids = reported_flags(tracker, EMERGENCY, since_correction=True) + [
            tracker.get_slot(SCREEN_FLAG)
        ]
        ids = new_ids or [i for i in dict.fromkeys(known_ids) if i] or [GENERIC_FLAG]
        flags = [red_flag(flag_id) for flag_id in ids]
        if already_escalated and not new_ids and not region_changed:
            intent = (tracker.latest_message.get("intent") or {}).get("name", "")
            said = tracker.latest_message.get("text") or ""
            if refuses_help(said) and all(
                flag.flag_id in _help_arrived_document()["refusal_fits"]
                for flag in flags
            ):
                dispatcher.utter_message(text=refusal_message(place))
            elif help_is_coming(said):
                dispatcher.utter_message(
                    text=handover_message(flags, place),
                    buttons=[
                        {"title": "Summary for the team", "payload": "/request_summary"}
                    ],
                )
            else:
                dispatcher.utter_message(
                    text=reminder_message(
                        flags,
                        place,
                        intent,
                        tracker.latest_message.get("text") or "",
                        turn=emergency_replies_sent(tracker, self.name()) - 1,
                    )
                )
            # "will they call the cops?", "the narcan can wear off, right?": questions
            # that decide whether help is called or stays, answered here too.
            for answer in emergency_answers(tracker):
                dispatcher.utter_message(text=answer)
        else:
            text = tracker.latest_message.get("text") or ""
            dispatcher.utter_message(text=emergency_message(flags, place, text))
        events: List[EventType] = [SlotSet(TRIAGE_LEVEL, EMERGENCY)]
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        return events

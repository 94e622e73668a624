"""A concise summary of the conversation to show a clinician or paramedic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType

from actions.checkin_chart import chart_message
from actions.checkin_scores import state_of, summary_line
from actions.confirmation import topic_slot_for
from actions.conversation import (
    first_alarm_text,
    mentioned,
    places_taken_back,
    reported_flags,
    standing_flags,
    topics_document,
)
from actions.screen_questions import QUESTIONS_BY_SLOT
from actions.slots import (
    BODY_LOCATION,
    CORRECTED_FLAGS,
    EMERGENCY,
    HOURS_SINCE_STOP,
    NO,
    SCREEN_FLAG,
    SEVERITY,
    SUBSTANCE,
    SUBSTANCE_CLASS,
    SYMPTOM,
    TRIAGE_LEVEL,
)
from bot.language import normalise
from bot.safety.catalogue import red_flag
from bot.safety.names import OVERDOSE

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

TRIAGE_WORDS = {
    "emergency": "EMERGENCY: advised to call the emergency number now",
    "urgent": "urgent: advised to get medical care today",
    "routine": "routine: advised to see a doctor in the coming days",
    "self_care": "self-care: no warning signs reported",
}
SCREEN_WORDS = {
    "screen_breathing": "chest pain, palpitations or trouble breathing",
    "screen_mind": "confusion, hallucinations or seizure",
    "screen_nerves": "saddle numbness, bladder/bowel control, sudden leg weakness",
    "screen_swelling": (
        "hard swollen limb after lying still, or hot spreading lump with fever"
    ),
    "screen_leg": (
        "one leg or calf (one side only) swollen, warm or red, or sore to touch "
        "even when not cramping"
    ),
    "screen_mood": "thoughts of ending their life in the past few weeks",
    "screen_fluids": "unable to keep fluids down / barely peeing",
    "screen_urine": "dark (cola/tea) urine after cramps",
    "screen_baclofen": "baclofen pump problem, or fever/confusion/rigidity",
    "screen_heavy_use": "daily heavy use stopped abruptly",
    "screen_pregnancy": "bleeding, contractions, leaking fluid or fewer baby movements",
}


ANSWER_WORDS = {"safe_now": "yes, no plan, safe now"}
"""Screen answers that are not a plain yes, no or not sure, in words."""


def _time_since(hours: Optional[float]) -> str:
    if hours is None:
        return "not stated"
    if hours < 48:
        return f"about {hours:.0f} hours ago"
    return f"about {hours / 24:.0f} days ago"


def _listed(values: List[str], current: Optional[str]) -> str:
    """The values, the slot's current one included, as readable words."""
    if current and str(current) not in values:
        values = [*values, str(current)]
    # "none": the button "No pain, just a question".
    return ", ".join(v.replace("_", " ") for v in values if v != "none")


def summary_lines(tracker: "Tracker") -> List[str]:
    """The summary, one fact a line, only what the person reported."""
    substance = tracker.get_slot(SUBSTANCE) or tracker.get_slot(SUBSTANCE_CLASS)
    if tracker.get_slot(SUBSTANCE_CLASS) == "none":
        stopped = "nothing reported"
    elif substance:
        stopped = (
            f"{substance}; last use {_time_since(tracker.get_slot(HOURS_SINCE_STOP))}"
        )
    else:
        stopped = "not asked yet"
    if stopped.startswith(f"{substance};") and state_of(tracker).get("day"):
        # Days later, at a check-in: the hours are what was said on the first day.
        stopped += " (as first reported)"
    severity = tracker.get_slot(SEVERITY)
    # Everything the person named, not only the last value of each slot ("my butt",
    # later "and my legs"); a symptom and a place side by side, not "nausea in
    # buttock" (a review).
    taken_back = places_taken_back(tracker)
    sites = _listed(
        [
            place
            for place in mentioned(tracker, BODY_LOCATION)
            if place not in taken_back
        ],
        tracker.get_slot(BODY_LOCATION),
    )
    symptoms = _listed(mentioned(tracker, SYMPTOM), tracker.get_slot(SYMPTOM))
    # Review 33: an overdose reported by a girlfriend went to the team as "Symptoms:
    # pain; where: not stated"; nobody had said pain.
    said_symptoms = symptoms or ("pain" if sites else "not stated")
    # Review 70: after an overdose, the crew's summary said she had "stopped"
    # the alprazolam she had taken with drink.
    flags = reported_flags(tracker) + [tracker.get_slot(SCREEN_FLAG)]
    taken = OVERDOSE in flags
    lines = [
        f"{SUMMARY_HEADING} (from what you typed; not a diagnosis):",
        (
            f"• Taken (as reported): {stopped}"
            if taken and substance
            else f"• Recently stopped or reduced: {stopped}"
        ),
        f"• Symptoms: {said_symptoms}; where: {sites or 'not stated'}"
        + (f"; severity {severity:.0f}/10" if severity is not None else ""),
    ]
    alarm = first_alarm_text(tracker)
    if alarm:
        # What was seen, as the person put it: the team reads it before the labels.
        lines.append(f'• In their words: "{_clipped(alarm)}"')
    given = {
        slot: str(tracker.get_slot(slot))
        for slot in QUESTIONS_BY_SLOT
        if tracker.get_slot(slot) is not None
    }
    # Review 38: "confusion, hallucinations or seizure: no" beside "Warning signs
    # reported: seeing and hearing things" for a man on his way to the ER. A sign
    # said after its screen question was answered No is what the team must read.
    later = {
        topic_slot_for(flag)
        for flag in [*standing_flags(tracker), tracker.get_slot(SCREEN_FLAG)]
        if flag and red_flag(flag).disposition == EMERGENCY
    }
    answers = [
        f"{SCREEN_WORDS[slot]}: "
        + (
            "no at first, then reported (below)"
            if value == NO and slot in later
            else ANSWER_WORDS.get(value, value)
        )
        for slot, value in given.items()
    ]
    lines.append(
        "• Safety screen: " + ("; ".join(answers) if answers else "not completed")
    )
    names = [red_flag(flag).name for flag in dict.fromkeys(f for f in flags if f)]
    lines.append("• Warning signs reported: " + ("; ".join(names) if names else "none"))
    corrected = tracker.get_slot(CORRECTED_FLAGS) or []
    if corrected:
        lines.append(
            "• Said to be a misunderstanding (an explicit No to a direct question): "
            + "; ".join(red_flag(flag).name for flag in dict.fromkeys(corrected))
        )
    for words in added_by_the_person(tracker):
        lines.append(f'• Added in their own words: "{words}"')
    trend = summary_line(tracker)
    if trend:
        # The daily check-ins' scores, with an arrow from each day to the next.
        lines.append(trend)
    level = tracker.get_slot(TRIAGE_LEVEL)
    lines.append("• Triage: " + TRIAGE_WORDS.get(level or "", "not yet decided"))
    return lines


SUMMARY_HEADING = "Summary for your doctor"
MAX_ADDED_CHARS = 300
"""A note added to the summary is quoted up to this long: a summary, no transcript."""


def asks_to_add(text: str) -> bool:
    """Whether `text` asks for something to go into the summary (topics.yml
    `summary_additions`)."""
    padded = f" {normalise(text)} "
    return any(
        f" {normalise(str(p))} " in padded
        for p in topics_document().get("summary_additions") or ()
    )


def _clipped(text: str) -> str:
    """One line of at most `MAX_ADDED_CHARS`, cut between words."""
    flat = " ".join(text.split())
    if len(flat) <= MAX_ADDED_CHARS:
        return flat
    return flat[:MAX_ADDED_CHARS].rsplit(" ", 1)[0] + "…"


def added_by_the_person(tracker: "Tracker") -> List[str]:
    """What the person asked to add after a summary was sent, in their words, oldest
    first: the summary is for their doctor, and these are facts they want there."""
    summary_sent = False
    added: List[str] = []
    for event in tracker.events:
        if event.get("event") == "restart":
            summary_sent, added = False, []
        elif event.get("event") == "bot" and str(event.get("text") or "").startswith(
            SUMMARY_HEADING
        ):
            summary_sent = True
        elif (
            event.get("event") == "user"
            and summary_sent
            and asks_to_add(str(event.get("text") or ""))
        ):
            text = " ".join(str(event.get("text")).split())
            added.append(text[:MAX_ADDED_CHARS])
    return added


class ActionClinicianSummary(Action):
    """Sends the summary; it gives no tips, so it is allowed in an escalated
    conversation."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_clinician_summary"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Builds the summary from slots and reported red flags; on a channel that
        shows images, the check-in scores as a chart under it."""
        dispatcher.utter_message(text="\n".join(summary_lines(tracker)))
        chart = chart_message(tracker)
        if chart is not None:
            dispatcher.utter_message(image=chart["image"])
        return []

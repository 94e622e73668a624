"""The triage disposition after the screen: emergency, urgent, routine or self-care."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Tuple

from rasa_sdk.events import EventType, SlotSet

from actions.checkin_scores import worsening
from actions.conversation import (
    DOCTOR_TAPER_CONTEXT,
    said_since_restart,
    same_day_flags,
)
from actions.guidance import contexts_of
from actions.screen_questions import QUESTIONS_BY_SLOT, SCREEN_SLOTS, URGENT_QUESTIONS
from actions.slots import (
    EMERGENCY,
    HOURS_SINCE_STOP,
    MOOD_SLOT,
    REGION,
    ROUTINE,
    SAFE_NOW,
    SELF_CARE,
    SEVERITY,
    SUBSTANCE_CLASS,
    SYMPTOM,
    TRIAGE_LEVEL,
    TRIAGE_ORDER,
    UNSURE,
    URGENT,
    YES,
)
from bot.safety.catalogue import Region, hinted_regions, red_flag, region

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

SEVERE_PAIN = 8
DOCTOR_TAPER = DOCTOR_TAPER_CONTEXT
"""The context (data/knowledge/contexts.yml) of a taper the prescriber leads."""
# Longer than the usual course (002: opioids resolve within 7-14 days; benzodiazepines'
# full syndrome lasts 10-14 days) means a doctor should take a look.
EXPECTED_COURSE_HOURS = {
    "opioid": 14 * 24,
    "benzodiazepine": 14 * 24,
    "alcohol": 7 * 24,
}
SYMPTOMS_FOR_A_DOCTOR = {"numbness", "weakness"}
LIMB_FELL_ASLEEP = "limb_fell_asleep"
"""The context (data/knowledge/contexts.yml) of numbness that was a limb gone to sleep
from sitting ("from the toilet seat, its fine now"): no reason to see a doctor."""


def disposition(tracker: "Tracker") -> Tuple[str, List[str]]:
    """The triage level and the plain-words reasons for it."""
    if tracker.get_slot(TRIAGE_LEVEL) == EMERGENCY:
        return EMERGENCY, []
    urgent_reasons = [red_flag(flag).name for flag in same_day_flags(tracker)]
    unsure = [slot for slot in SCREEN_SLOTS if tracker.get_slot(slot) == UNSURE]
    if unsure:
        urgent_reasons.append(
            "you weren't sure about one of the warning signs, "
            "so it's safest to be checked"
        )
    if tracker.get_slot(MOOD_SLOT) == SAFE_NOW:
        urgent_reasons.append(
            "you've had thoughts of ending your life: they deserve support soon, "
            f"from {region(tracker.get_slot(REGION)).crisis} or a doctor"
        )
    for slot in sorted(URGENT_QUESTIONS):
        if tracker.get_slot(slot) == YES:
            urgent_reasons.append(red_flag(QUESTIONS_BY_SLOT[slot].flag).name)
    if tracker.get_slot(
        SUBSTANCE_CLASS
    ) == "baclofen" and DOCTOR_TAPER not in contexts_of(tracker):
        # A taper the prescriber leads is no sudden stop (review 5).
        urgent_reasons.append(red_flag("baclofen_oral_stop").name)
    # A check-in's score that rose after falling, or a new severe symptom.
    worse_level, worse_reasons = worsening(tracker)
    if worse_level == URGENT:
        urgent_reasons.extend(worse_reasons)
    if urgent_reasons:
        return URGENT, list(dict.fromkeys(urgent_reasons))
    routine_reasons = list(worse_reasons) if worse_level == ROUTINE else []
    if (tracker.get_slot(SEVERITY) or 0) >= SEVERE_PAIN:
        routine_reasons.append("the pain is severe")
    course = EXPECTED_COURSE_HOURS.get(tracker.get_slot(SUBSTANCE_CLASS) or "")
    # Not for a taper: "tapering klonopin 2mg -> 1mg over 3 weeks" has not stopped
    # (review 32: "gone on longer than withdrawal usually lasts" scared him).
    if (
        course
        and (tracker.get_slot(HOURS_SINCE_STOP) or 0) > course
        and DOCTOR_TAPER not in contexts_of(tracker)
    ):
        routine_reasons.append("it has gone on longer than withdrawal usually lasts")
    if tracker.get_slot(
        SYMPTOM
    ) in SYMPTOMS_FOR_A_DOCTOR and LIMB_FELL_ASLEEP not in contexts_of(tracker):
        routine_reasons.append("numbness or weakness should be checked by a doctor")
    if routine_reasons:
        return ROUTINE, routine_reasons
    return SELF_CARE, []


def disposition_message(
    level: str,
    reasons: List[str],
    emergency_number: str,
    urgent_line: Optional[str] = None,
) -> str:
    """What the person reads about the disposition, before any tip; with the region's
    same-day advice line (NHS 111, 811, healthdirect, …) where it has one."""
    because = "; ".join(reasons)
    watch = (
        f"If anything changes (chest pain, trouble breathing, confusion, a seizure, "
        f"losing control of your bladder or bowels), call {emergency_number} "
        f"straight away."
    )
    advice_line = f" For advice today: {urgent_line}." if urgent_line else ""
    if level == URGENT:
        return (
            f"Thank you. Please get medical care today (your doctor, prescriber, an "
            f"urgent care clinic or an addiction service). Why: {because}."
            f"{advice_line} Here is what can help in the meantime. {watch}"
        )
    if level == ROUTINE:
        return (
            f"Thank you. Nothing you told me is an emergency, but please see a doctor "
            f"in the next few days, because {because}.{advice_line} Meanwhile, this "
            f"can help. {watch}"
        )
    return f"Thank you. Nothing you told me sounds like an emergency. {watch}"


def emergency_numbers(tracker: "Tracker", place: Region) -> str:
    """The emergency number to call if things change, with the numbers of the regions
    the person's words hint at until they say where they are ("911 (999 in the UK)").

    Why: "my GP took me off co-codamol" was told "call 911 straight away" after the
    screen (session 18); the emergency reply already adds hinted numbers the same way.
    """
    if tracker.get_slot(REGION) is not None:
        return place.emergency
    others = [
        other
        for other in hinted_regions(" ".join(said_since_restart(tracker)))
        if other.emergency != place.emergency
    ]
    if not others:
        return place.emergency
    beside = ", ".join(f"{other.emergency} in {other.name}" for other in others)
    return f"{place.emergency} ({beside})"


def settle_disposition(
    dispatcher: "CollectingDispatcher", tracker: "Tracker"
) -> List[EventType]:
    """Sets `triage_level` once the screen is answered, and says it when it changes.

    Never lowers a level already given in this conversation. Called by the screen's
    validation (`actions.screening`) with its last answer applied.
    """
    level, reasons = disposition(tracker)
    previous: Optional[str] = tracker.get_slot(TRIAGE_LEVEL)
    if previous in TRIAGE_ORDER and TRIAGE_ORDER.index(previous) > TRIAGE_ORDER.index(
        level
    ):
        level = previous
    if level != previous:
        place = region(tracker.get_slot(REGION))
        dispatcher.utter_message(
            text=disposition_message(
                level, reasons, emergency_numbers(tracker, place), place.urgent
            )
        )
    return [SlotSet(TRIAGE_LEVEL, level)]

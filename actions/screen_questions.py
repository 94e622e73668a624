"""The screen's yes/no questions: which red flag each one asks about, and for whom.

Why a module of its own: the form that asks them (`actions.screening`), the disposition
that weighs the answers (`actions.disposition`) and the clinician summary all read the
same catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, FrozenSet, List, Optional

from actions.conversation import mentioned, reported_flags
from actions.slots import (
    BODY_LOCATION,
    NO_SUBSTANCE,
    SEVERITY,
    SUBSTANCE_CLASS,
    SYMPTOM,
    URGENT,
)

if TYPE_CHECKING:
    from rasa_sdk import Tracker

LOWER_BODY: FrozenSet[str] = frozenset(
    {"buttock", "lower_back", "back", "hip", "groin", "leg", "thigh"}
)
LIMBS_AND_BUTTOCK: FrozenSet[str] = frozenset(
    {"buttock", "hip", "leg", "thigh", "calf", "foot", "arm", "whole_body"}
)
SEVERE_PAIN = 7
PREGNANCY = "pregnancy"  # the same-day sign of data/safety/red_flags.yml


@dataclass(frozen=True)
class Profile:
    """What the screen knows about the person so far."""

    substance_class: Optional[str]
    body_location: Optional[str]
    symptom: Optional[str]
    severity: Optional[float]
    pregnant: bool = False
    # Same-day signs already reported ("quit my xanax cold turkey"): their question is
    # not asked (a review: "did you stop all at once?" after "cold turkey").
    already_reported: FrozenSet[str] = frozenset()
    # A taper the prescriber leads ("tapering off clonazepam with my doctor"): no
    # sudden stop to ask about (review 24: asked "did you stop all at once?", then
    # "No. I'm on a slow taper, not stopped" was gone through one question at a time).
    doctor_taper: bool = False
    # Every place the person said hurts, not only the latest: "pain shoots from my
    # right buttock down to my foot" was screened for a foot, without the question
    # about numbness and bladder control (review 28).
    also_hurts: FrozenSet[str] = frozenset()

    def hurts_in(self, places: FrozenSet[str]) -> bool:
        """Whether the latest or any earlier place that hurts is one of `places`."""
        return self.body_location in places or bool(self.also_hurts & places)


@dataclass(frozen=True)
class ScreenQuestion:
    """One yes/no question: its slot, the red flag a "yes" means, and when to ask it."""

    slot: str
    flag: str
    applies: Callable[[Profile], bool]


SCREEN_QUESTIONS = (
    ScreenQuestion("screen_breathing", "breathing", lambda p: True),
    ScreenQuestion(
        "screen_mind",
        "delirium",
        lambda p: p.substance_class in {"benzodiazepine", "alcohol", "baclofen"},
    ),
    ScreenQuestion("screen_nerves", "cauda_equina", lambda p: p.hurts_in(LOWER_BODY)),
    ScreenQuestion(
        "screen_swelling",
        "hard_swelling_or_spreading_lump",
        lambda p: p.hurts_in(LIMBS_AND_BUTTOCK) or p.substance_class == "opioid",
    ),
    # Urgent (same day), not an emergency: NHS, DVT.
    ScreenQuestion(
        "screen_leg",
        "dvt",
        lambda p: p.hurts_in(LIMBS_AND_BUTTOCK) or p.substance_class == "opioid",
    ),
    ScreenQuestion(
        "screen_fluids",
        "dehydration",
        lambda p: p.substance_class in {"opioid", "alcohol"},
    ),
    ScreenQuestion(
        "screen_urine",
        "rhabdomyolysis",
        lambda p: (
            p.symptom in {"cramp", "spasm"}
            and ((p.severity or 0) >= SEVERE_PAIN or p.body_location == "whole_body")
        ),
    ),
    ScreenQuestion(
        "screen_baclofen", "baclofen_severe", lambda p: p.substance_class == "baclofen"
    ),
    # Pregnant: bleeding, contractions, waters, fewer movements (NHS; a review: a
    # woman 24 weeks pregnant was asked nothing about the pregnancy).
    ScreenQuestion("screen_pregnancy", "pregnancy_warning", lambda p: p.pregnant),
    # A "yes" here is urgent (same day), not an emergency: see `URGENT_QUESTIONS`.
    ScreenQuestion(
        "screen_heavy_use",
        "abrupt_stop",
        lambda p: (
            p.substance_class in {"benzodiazepine", "alcohol"} and not p.doctor_taper
        ),
    ),
    # Asked directly (NIMH ASQ: asking does not raise risk) of everyone who stopped or
    # cut down a drug, medicine or alcohol, and of anyone in severe pain: withdrawal
    # and pain that won't let up both raise the risk. Not of someone who stopped
    # nothing, with an ordinary ache (reviews 76 and 77: a desk worker's sore bottom, a
    # teenager's calf after football, a 71-year-old's sciatica, each asked about ending
    # their life before any help). A sign of it in any message is still asked about at
    # once (the safety policy), and the check-ins ask everyone (checkin_scores.yml
    # `always`).
    ScreenQuestion(
        "screen_mood",
        "suicidal",
        lambda p: p.substance_class != NO_SUBSTANCE or (p.severity or 0) >= SEVERE_PAIN,
    ),
)
QUESTIONS_BY_SLOT = {question.slot: question for question in SCREEN_QUESTIONS}
URGENT_QUESTIONS: FrozenSet[str] = frozenset({"screen_heavy_use", "screen_leg"})
SCREEN_SLOTS = tuple(QUESTIONS_BY_SLOT)


def profile_of(tracker: "Tracker") -> Profile:
    """The person's profile from the slots and the same-day signs reported (read from
    the conversation once: pregnancy is one of them)."""
    # Here, not at the top: the guidance module reads the screen's questions too.
    from actions.disposition import DOCTOR_TAPER
    from actions.guidance import contexts_of

    same_day = frozenset(reported_flags(tracker, URGENT))
    return Profile(
        substance_class=tracker.get_slot(SUBSTANCE_CLASS),
        body_location=tracker.get_slot(BODY_LOCATION),
        symptom=tracker.get_slot(SYMPTOM),
        severity=tracker.get_slot(SEVERITY),
        pregnant=PREGNANCY in same_day,
        already_reported=same_day,
        doctor_taper=DOCTOR_TAPER in contexts_of(tracker),
        also_hurts=frozenset(mentioned(tracker, BODY_LOCATION)),
    )


def questions_for(profile: Profile) -> List[str]:
    """Screen slots to ask this person, in order."""
    return [
        q.slot
        for q in SCREEN_QUESTIONS
        if q.applies(profile) and q.flag not in profile.already_reported
    ]

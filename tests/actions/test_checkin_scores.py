"""The check-in's score, its day of withdrawal and its trend, as a person would notice
them: the SOWS items asked with buttons, typed answers understood, the day counted
across sessions, a rebound read as a reason for a new triage, and the trend in the
clinician summary."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import checkin_scores
from actions.checkins import ActionCheckIn
from actions.disposition import disposition
from actions.screening import ValidateTriageForm
from actions.summary import summary_lines

DAY_ONE = dt.datetime(2026, 12, 1, 21, 0)
SOWS_ITEMS = [
    "Feeling sick",
    "Stomach cramps",
    "Muscle spasms or twitching",
    "Feeling of coldness",
    "Heart pounding",
    "Muscular tension",
    "Aches and pains",
    "Yawning",
    "Runny eyes",
    "Insomnia or problems sleeping",
]


def epoch(moment: dt.datetime) -> float:
    return moment.replace(tzinfo=dt.timezone.utc).timestamp()


def said_hours(hours: float, at: dt.datetime, user_said: Any) -> Dict[str, Any]:
    event = user_said(
        f"last drink {hours:.0f} hours ago",
        "describe_symptoms",
        [{"entity": "hours_since_stop", "value": hours}],
    )
    event["timestamp"] = epoch(at)
    return event


def score(day: int, total: int, scale: str = "sows", **items: int) -> Dict[str, Any]:
    maximum = 30 if scale == "sows" else 21
    return {
        "day": day,
        "date": f"2026-12-{day:02d}",
        "scale": scale,
        "total": total,
        "max": maximum,
        "items": items,
    }


def test_the_opioid_score_is_the_ten_sows_gossop_items_scored_0_to_30() -> None:
    sows = checkin_scores.scale_of("opioid")
    assert sows is not None
    assert [item.text for item in sows.items] == SOWS_ITEMS
    assert sows.maximum == 30
    assert "Gossop" in sows.source and "1990" in sows.source
    assert checkin_scores.scale_of("kratom") is None  # a substance, not a class
    assert checkin_scores.scale_of("none") is None


@pytest.mark.parametrize("substance_class", ["alcohol", "benzodiazepine", "baclofen"])
def test_other_withdrawals_get_a_checklist_that_says_it_is_not_ciwa(
    substance_class: str,
) -> None:
    checklist = checkin_scores.scale_of(substance_class)
    assert checklist is not None and checklist.key == "checklist"
    assert "not the CIWA" in checklist.source
    assert "not a medical score" in checklist.intro
    texts = " ".join(item.text.lower() for item in checklist.items)
    for symptom in (
        "shaking",
        "sweating",
        "anxious",
        "sleeping",
        "seeing",
        "confusion",
    ):
        assert symptom in texts


@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ("none", 0),
        ("No", 0),
        ("not at all", 0),
        ("0", 0),
        ("mild", 1),
        ("a bit", 1),
        ("Slightly!", 1),
        ("moderate", 2),
        ("pretty bad", 2),
        ("2", 2),
        ("severe", 3),
        ("really bad", 3),
        ("the worst, severe", 3),
        ("3", 3),
        ("yes", None),  # how much? asked again
        ("not too bad", None),  # negated: asked again, not guessed
        ("mild or maybe severe", None),
        ("what does this mean", None),
    ],
)
def test_typed_answers_are_read_or_asked_again(typed: str, level: int | None) -> None:
    assert checkin_scores.read_level(typed) == level


def test_score_buttons_fit_telegram_and_name_each_level() -> None:
    buttons = checkin_scores.answer_buttons()
    assert [b["title"] for b in buttons] == ["None", "Mild", "Moderate", "Severe"]
    assert all(len(b["payload"].encode("utf-8")) <= 64 for b in buttons)
    assert buttons[2]["payload"] == '/inform{"checkin_answer":"2"}'


def test_alcohol_days_3_and_4_ask_about_confusion_and_fits() -> None:
    questions, why = checkin_scores.questions_for_day("alcohol", 60)
    assert "screen_mind" in questions
    assert questions[0] == "screen_breathing" and questions[-1] == "screen_mood"
    assert why is not None and "confusion" in why and "fits" in why
    opioid, _ = checkin_scores.questions_for_day("opioid", 40)
    assert "screen_mind" not in opioid and "screen_fluids" in opioid


def test_the_day_is_counted_from_the_last_use_even_in_a_new_session(
    make_tracker: Any, user_said: Any
) -> None:
    first = make_tracker(events=[said_hours(12, DAY_ONE, user_said)])
    assert checkin_scores.day_of_withdrawal(first, DAY_ONE) == (1, True)
    next_morning = DAY_ONE + dt.timedelta(hours=13)
    assert checkin_scores.day_of_withdrawal(first, next_morning) == (2, True)
    # A new session keeps only the `checkin` slot: the same day.
    kept = checkin_scores.time_reference(first)
    later = make_tracker(slots={"checkin": kept})
    assert checkin_scores.day_of_withdrawal(later, next_morning) == (2, True)
    assert checkin_scores.day_of_withdrawal(
        later, next_morning + dt.timedelta(days=1)
    ) == (3, True)


async def test_a_check_in_runs_at_most_once_a_day(make_tracker: Any) -> None:
    slots = {"check_ins": "active", "substance_class": "alcohol"}
    checkin_time = [{"entity": "checkin_time", "value": "2026-12-02T10:00:00"}]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        intent="EXTERNAL_check_in", entities=checkin_time, slots=slots
    )
    events = await ActionCheckIn().run(dispatcher, tracker, {})
    state = next(e["value"] for e in events if e.get("name") == "checkin")
    assert state["date"] == "2026-12-02" and state["scale"] == "checklist"
    assert "check-in" in dispatcher.messages[0]["text"]

    again = make_tracker(
        intent="EXTERNAL_check_in",
        entities=checkin_time,
        slots={**slots, "checkin": state},
    )
    second = CollectingDispatcher()
    assert await ActionCheckIn().run(second, again, {}) == []
    assert second.messages == []


def in_check_in(make_tracker: Any, answers: List[int], text: str, **kwargs: Any) -> Any:
    state = {
        "date": "2026-12-03",
        "day": 3,
        "questions": ["screen_breathing"],
        "scale": "checklist",
        "answers": answers,
        "done": False,
    }
    return make_tracker(
        text=text,
        slots={
            "checkin": state,
            "requested_slot": "checkin_answer",
            "substance_class": "alcohol",
            "screen_breathing": "no",
            **kwargs.pop("slots", {}),
        },
        active_loop="triage_form",
        **kwargs,
    )


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_a_score_button_is_filed_and_the_next_item_asked(
    make_tracker: Any, domain: Dict[str, Any]
) -> None:
    tracker = in_check_in(
        make_tracker,
        [],
        '/inform{"checkin_answer":"2"}',
        intent="inform",
        entities=[{"entity": "checkin_answer", "value": "2"}],
    )
    events = await ValidateTriageForm().run(CollectingDispatcher(), tracker, domain)
    slots = slot_events(events)
    assert slots["checkin"]["answers"] == [2]
    assert slots["requested_slot"] == "checkin_answer"  # the next item


async def test_seeing_things_in_the_checklist_escalates_like_a_yes(
    make_tracker: Any, domain: Dict[str, Any]
) -> None:
    # Items 1-5 answered; item 6 is hallucinations.
    tracker = in_check_in(make_tracker, [1, 1, 2, 2, 1], "mild")
    events = await ValidateTriageForm().run(CollectingDispatcher(), tracker, domain)
    slots = slot_events(events)
    assert slots["triage_level"] == "emergency"
    assert slots["screen_flag"] == "delirium"
    assert slots["requested_slot"] is None  # the screen ends; the safety policy speaks


async def test_the_last_answer_records_the_day_and_tells_the_trend(
    make_tracker: Any, domain: Dict[str, Any]
) -> None:
    earlier = [score(2, 9, "checklist")]
    tracker = in_check_in(
        make_tracker, [2, 2, 2, 2, 2, 0], "none", slots={"checkin_scores": earlier}
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)
    recorded = slot_events(events)["checkin_scores"]
    assert [s["total"] for s in recorded] == [9, 10]
    said = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert "symptom checklist today: 10/21" in said
    assert "Day 2: 9/21, Day 3: 10/21 ↑" in said


def test_a_rise_after_a_fall_is_a_new_triage_and_says_why(make_tracker: Any) -> None:
    state = {"date": "2026-12-04", "scale": "sows", "done": True}
    scores = [score(2, 14), score(3, 11), score(4, 16)]
    tracker = make_tracker(
        slots={"checkin": state, "checkin_scores": scores, "substance_class": "opioid"}
    )
    level, reasons = disposition(tracker)
    assert level == "routine"
    assert "went up again after it had been falling" in reasons[0]
    assert "Day 2: 14/30, Day 3: 11/30 ↓, Day 4: 16/30 ↑" in reasons[0]


def test_a_rise_while_withdrawal_builds_up_is_not_a_new_triage(
    make_tracker: Any,
) -> None:
    state = {"date": "2026-12-03", "scale": "sows", "done": True}
    tracker = make_tracker(
        slots={
            "checkin": state,
            "checkin_scores": [score(2, 10), score(3, 16)],
            "substance_class": "opioid",
        }
    )
    assert disposition(tracker) == ("self_care", [])


def test_a_new_severe_symptom_after_alcohol_is_urgent(make_tracker: Any) -> None:
    state = {"date": "2026-12-03", "scale": "checklist", "done": True}
    scores = [
        score(2, 4, "checklist", tremor=1, sweating=0),
        score(3, 6, "checklist", tremor=1, sweating=3),
    ]
    tracker = make_tracker(
        slots={"checkin": state, "checkin_scores": scores, "substance_class": "alcohol"}
    )
    level, reasons = disposition(tracker)
    assert level == "urgent"
    assert any(
        "new since your earlier check-ins" in r and "sweating" in r for r in reasons
    )


def test_the_clinician_summary_shows_scores_by_day(make_tracker: Any) -> None:
    tracker = make_tracker(
        slots={
            "substance_class": "opioid",
            "checkin_scores": [score(2, 14), score(3, 18)],
        }
    )
    text = "\n".join(summary_lines(tracker))
    assert "SOWS-Gossop" in text
    assert "Day 2: 14/30, Day 3: 18/30 ↑" in text

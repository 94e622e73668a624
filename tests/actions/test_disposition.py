"""The triage disposition after the screen: what level the person is given, and why."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa_sdk.events import SlotSet

from actions.disposition import settle_disposition
from actions.screen_questions import SCREEN_SLOTS
from bot.safety.catalogue import red_flag as catalogue_entry

# An opioid user with buttock pain who answered "no" to every question they were asked.
CLEAR_SCREEN = {
    "substance": "oxycodone",
    "substance_class": "opioid",
    "body_location": "buttock",
    "symptom": "cramp",
    "screen_breathing": "no",
    "screen_nerves": "no",
    "screen_swelling": "no",
    "screen_fluids": "no",
}


def level_set(events: List[Dict[str, Any]]) -> Any:
    [level] = [
        e["value"]
        for e in events
        if e.get("event") == "slot" and e["name"] == "triage_level"
    ]
    return level


async def decide(
    dispatcher, make_tracker, domain, events=(), **slots: Any
) -> List[Dict]:
    tracker = make_tracker("no", "deny", slots={**CLEAR_SCREEN, **slots}, events=events)
    return settle_disposition(dispatcher, tracker)


async def test_all_no_is_self_care(dispatcher, make_tracker, domain) -> None:
    events = await decide(dispatcher, make_tracker, domain)

    assert level_set(events) == "self_care"
    [message] = dispatcher.messages
    assert "Nothing you told me sounds like an emergency" in message["text"]
    assert "911" in message["text"]  # what to do if anything changes


@pytest.mark.parametrize("slot", SCREEN_SLOTS)
async def test_any_unsure_answer_is_urgent(
    dispatcher, make_tracker, domain, slot: str
) -> None:
    events = await decide(dispatcher, make_tracker, domain, **{slot: "unsure"})

    assert level_set(events) == "urgent"
    assert "medical care today" in dispatcher.messages[0]["text"]
    assert "weren't sure" in dispatcher.messages[0]["text"]


async def test_an_urgent_red_flag_said_earlier_is_urgent(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    earlier = [
        user_said("i'm pregnant btw", "inform", [red_flag("pregnancy", "urgent")])
    ]
    events = await decide(dispatcher, make_tracker, domain, events=earlier)

    assert level_set(events) == "urgent"
    assert catalogue_entry("pregnancy").name in dispatcher.messages[0]["text"]


async def test_yes_to_heavy_use_is_urgent(dispatcher, make_tracker, domain) -> None:
    events = await decide(
        dispatcher,
        make_tracker,
        domain,
        substance="alcohol",
        substance_class="alcohol",
        screen_mind="no",
        screen_heavy_use="yes",
    )

    assert level_set(events) == "urgent"
    assert catalogue_entry("abrupt_stop").name in dispatcher.messages[0]["text"]


async def test_baclofen_is_urgent(dispatcher, make_tracker, domain) -> None:
    events = await decide(
        dispatcher,
        make_tracker,
        domain,
        substance="baclofen",
        substance_class="baclofen",
        screen_mind="no",
        screen_baclofen="no",
    )

    assert level_set(events) == "urgent"
    assert catalogue_entry("baclofen_oral_stop").name in dispatcher.messages[0]["text"]


async def test_severity_8_is_routine(dispatcher, make_tracker, domain) -> None:
    events = await decide(dispatcher, make_tracker, domain, severity=8.0)

    assert level_set(events) == "routine"
    text = dispatcher.messages[0]["text"]
    assert "see a doctor in the next few days" in text
    assert "the pain is severe" in text


async def test_severity_7_is_still_self_care(dispatcher, make_tracker, domain) -> None:
    assert (
        level_set(await decide(dispatcher, make_tracker, domain, severity=7.0))
        == "self_care"
    )


async def test_longer_than_the_usual_course_is_routine(
    dispatcher, make_tracker, domain
) -> None:
    events = await decide(dispatcher, make_tracker, domain, hours_since_stop=21 * 24.0)

    assert level_set(events) == "routine"
    assert "longer than withdrawal usually lasts" in dispatcher.messages[0]["text"]


async def test_a_taper_three_weeks_in_has_not_gone_on_too_long(
    dispatcher, make_tracker, domain, user_said
) -> None:
    """Review 32: "been tapering klonopin 2mg -> 1mg over 3 weeks" was told it had
    gone on longer than withdrawal usually lasts."""
    taper = [user_said("been tapering klonopin 2mg -> 1mg over 3 weeks, twitching")]
    events = await decide(
        dispatcher,
        make_tracker,
        domain,
        events=taper,
        hours_since_stop=21 * 24.0,
        substance_class="benzodiazepine",
    )
    assert "longer than withdrawal usually lasts" not in dispatcher.messages[0]["text"]
    assert level_set(events) != "routine"


@pytest.mark.parametrize(
    ("earlier_level", "kept"),
    [("urgent", "urgent"), ("routine", "routine"), ("emergency", "emergency")],
)
async def test_never_lowers_an_earlier_level(
    dispatcher, make_tracker, domain, earlier_level: str, kept: str
) -> None:
    events = await decide(dispatcher, make_tracker, domain, triage_level=earlier_level)

    assert events == [SlotSet("triage_level", kept)]
    assert (
        dispatcher.messages == []
    )  # nothing new to tell: no "nothing is an emergency"


async def test_raises_an_earlier_lower_level_and_says_so(
    dispatcher, make_tracker, domain
) -> None:
    events = await decide(
        dispatcher,
        make_tracker,
        domain,
        triage_level="self_care",
        screen_nerves="unsure",
    )

    assert level_set(events) == "urgent"
    assert "medical care today" in dispatcher.messages[0]["text"]


async def test_uk_person_is_told_to_call_999_if_things_change(
    dispatcher, make_tracker, domain
) -> None:
    await decide(dispatcher, make_tracker, domain, region="uk")

    text = dispatcher.messages[0]["text"]
    assert "999" in text and "911" not in text


async def test_words_that_hint_at_the_uk_add_999_until_the_region_is_said(
    dispatcher, make_tracker, domain, user_said
) -> None:
    """Session 18: "my GP took me off co-codamol" was told "call 911 straight away"."""
    hint = [user_said("my GP took me off co-codamol and my bum is killing me")]
    await decide(dispatcher, make_tracker, domain, events=hint)
    assert "call 911 (999 in the UK) straight away" in dispatcher.messages[0]["text"]
    dispatcher.messages.clear()
    await decide(dispatcher, make_tracker, domain, events=hint, region="us")
    assert "(999" not in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    "region, line",
    [("uk", "NHS 111"), ("ca", "811"), ("au", "1800 022 222"), ("nz", "0800 611 116")],
)
async def test_an_urgent_level_names_the_regions_advice_line(
    dispatcher, make_tracker, domain, region: str, line: str
) -> None:
    await decide(
        dispatcher, make_tracker, domain, region=region, screen_fluids="unsure"
    )

    [message] = [m["text"] for m in dispatcher.messages if m.get("text")]
    assert "medical care today" in message and line in message


async def test_a_taper_the_neurologist_leads_is_no_sudden_stop(
    dispatcher, make_tracker, domain, user_said
) -> None:
    """Review 5: "my neurologist is slowly reducing my baclofen" was told it had
    stopped baclofen suddenly and to get care today."""
    said = [user_said("my neurologist is slowly reducing my baclofen, calves spasm")]
    events = await decide(
        dispatcher,
        make_tracker,
        domain,
        events=said,
        substance="baclofen",
        substance_class="baclofen",
        screen_mind="no",
        screen_baclofen="no",
    )

    assert level_set(events) != "urgent"
    assert (
        catalogue_entry("baclofen_oral_stop").name not in dispatcher.messages[0]["text"]
    )


async def test_safe_now_after_thoughts_of_suicide_makes_the_day_urgent(
    dispatcher, make_tracker, domain
) -> None:
    events = await decide(dispatcher, make_tracker, domain, screen_mood="safe_now")

    assert level_set(events) == "urgent"
    assert "988" in dispatcher.messages[0]["text"]


async def test_pregnant_with_nothing_stopped_is_no_withdrawal_in_pregnancy(
    dispatcher, make_tracker, domain, user_said, red_flag
) -> None:
    """Review 15: a woman 28 weeks pregnant who takes nothing was told "Why: being
    pregnant while in withdrawal" and sent to an addiction service."""
    events = await decide(
        dispatcher,
        make_tracker,
        domain,
        events=[
            user_said("28 weeks pregnant", "inform", [red_flag("pregnancy", "urgent")])
        ],
        substance=None,
        substance_class="none",
    )
    assert level_set(events) != "urgent"
    assert catalogue_entry("pregnancy").name not in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("said", "level"),
    [
        # Review 34: pins and needles from the toilet seat, said to be fine now.
        ("it went numb from sitting on the toilet too long, its fine now", "self_care"),
        ("my leg keeps going numb for no reason", "routine"),
    ],
)
async def test_numbness_from_sitting_is_no_reason_to_see_a_doctor(
    dispatcher, make_tracker, domain, user_said, said: str, level: str
) -> None:
    events = await decide(
        dispatcher,
        make_tracker,
        domain,
        events=[user_said(said, "describe_symptoms")],
        symptom="numbness",
        body_location="leg",
    )

    assert level_set(events) == level


@pytest.mark.parametrize(
    ("said", "substance_class", "urgent"),
    [
        # Review 40: a slow taper with her doctor was told twice that stopping all at
        # once can lead to seizures.
        (
            "I'm tapering off diazepam very slowly with my doctor",
            "benzodiazepine",
            False,
        ),
        # Review 39: daily co-codamol, stopped: no benzos, no alcohol.
        (
            "been taking co-codamol every day for months, stopped 2 days ago",
            "opioid",
            False,
        ),
        ("stopped my xanax cold turkey yesterday, 4mg a day", "benzodiazepine", True),
    ],
)
async def test_a_sudden_stop_of_benzos_or_alcohol_is_said_only_of_one(
    dispatcher,
    make_tracker,
    domain,
    user_said,
    said: str,
    substance_class: str,
    urgent: bool,
) -> None:
    flag = {"entity": "red_flag", "value": "abrupt_stop", "role": "urgent"}
    events = await decide(
        dispatcher,
        make_tracker,
        domain,
        events=[user_said(said, "inform", [flag])],
        substance_class=substance_class,
    )
    reasons = dispatcher.messages[0]["text"]
    assert ("stopping benzodiazepines or alcohol suddenly" in reasons) is urgent
    assert (level_set(events) == "urgent") is urgent

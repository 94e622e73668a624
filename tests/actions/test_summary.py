"""The summary a person can show a clinician or paramedic."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActionExecuted

from actions.summary import ActionClinicianSummary
from bot.safety.catalogue import red_flag as catalogue_entry


async def test_summary_lists_what_the_person_reported(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    earlier = [
        user_said("day 3 off oxy, lower back cramps 6/10", "describe_symptoms"),
        ActionExecuted("action_listen"),
        user_said("i'm 10 weeks pregnant", "inform", [red_flag("pregnancy", "urgent")]),
        ActionExecuted("triage_form"),
    ]
    tracker = make_tracker(
        "can you summarise this for my doctor",
        "request_summary",
        slots={
            "substance": "oxycodone",
            "substance_class": "opioid",
            "hours_since_stop": 72.0,
            "body_location": "lower_back",
            "symptom": "cramp",
            "severity": 6.0,
            "screen_breathing": "no",
            "screen_nerves": "unsure",
            "screen_swelling": "no",
            "triage_level": "urgent",
        },
        events=earlier,
    )
    events = await ActionClinicianSummary().run(dispatcher, tracker, domain)

    assert events == []
    [message] = dispatcher.messages
    lines = message["text"].splitlines()
    stopped = _line(lines, "Recently stopped")
    assert "oxycodone" in stopped and "about 3 days ago" in stopped
    symptoms = _line(lines, "Symptoms")
    assert "cramp" in symptoms and "lower back" in symptoms and "6/10" in symptoms
    screen = _line(lines, "Safety screen")
    assert "trouble breathing: no" in screen
    assert "sudden leg weakness: unsure" in screen
    assert "screen_" not in screen  # slot names mean nothing to a doctor
    assert catalogue_entry("pregnancy").name in _line(lines, "Warning signs")
    assert "advised to get medical care today" in _line(lines, "Triage")


async def test_summary_after_an_emergency_names_the_sign(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    earlier = [
        user_said(
            "my calf is swollen red and hot", "report_emergency", [red_flag("dvt")]
        ),
        ActionExecuted("action_emergency"),
    ]
    tracker = make_tracker(
        "summary please",
        "request_summary",
        slots={
            "substance": "heroin",
            "substance_class": "opioid",
            "triage_level": "emergency",
        },
        events=earlier,
    )
    await ActionClinicianSummary().run(dispatcher, tracker, domain)

    lines = dispatcher.messages[0]["text"].splitlines()
    assert catalogue_entry("dvt").name in _line(lines, "Warning signs")
    assert "EMERGENCY" in _line(lines, "Triage")
    assert "not stated" in _line(lines, "Recently stopped")
    assert "not completed" in _line(lines, "Safety screen")


async def test_an_overdose_summary_quotes_what_was_seen_and_claims_no_pain(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    """Review 33: a girlfriend's report of an overdose went to the team as "Symptoms:
    pain; where: not stated"."""
    seen = "my boyfriend used an hour ago and now hes snoring weird, cant wake him"
    earlier = [
        user_said(seen, "report_emergency", [red_flag("overdose")]),
        ActionExecuted("action_emergency"),
    ]
    tracker = make_tracker(
        "Summary for the team",
        "request_summary",
        slots={
            "triage_level": "emergency",
            "substance": "heroin",
            "substance_class": "opioid",
        },
        events=earlier,
    )

    await ActionClinicianSummary().run(dispatcher, tracker, domain)

    lines = dispatcher.messages[0]["text"].splitlines()
    assert "pain" not in _line(lines, "Symptoms")
    assert _line(lines, "In their words") == f'• In their words: "{seen}"'
    # Review 70: taken, not "stopped", after an overdose.
    assert "heroin" in _line(lines, "Taken (as reported)")
    assert not any(line.startswith("• Recently stopped") for line in lines)


async def test_an_empty_conversation_claims_nothing(
    dispatcher, make_tracker, domain
) -> None:
    await ActionClinicianSummary().run(
        dispatcher, make_tracker("summary", "request_summary"), domain
    )

    lines = dispatcher.messages[0]["text"].splitlines()
    assert "not asked yet" in _line(lines, "Recently stopped")
    assert _line(lines, "Warning signs").endswith("none")
    assert "not yet decided" in _line(lines, "Triage")


async def test_nothing_stopped_is_said_plainly(
    dispatcher, make_tracker, domain
) -> None:
    await ActionClinicianSummary().run(
        dispatcher,
        make_tracker("summary", "request_summary", slots={"substance_class": "none"}),
        domain,
    )

    assert "nothing reported" in _line(
        dispatcher.messages[0]["text"].splitlines(), "Recently"
    )


def _line(lines: list, label: str) -> str:
    [found] = [line for line in lines if line.lstrip("• ").startswith(label)]
    return found


def test_every_screen_question_has_words_in_the_summary() -> None:
    from actions.screen_questions import QUESTIONS_BY_SLOT
    from actions.summary import SCREEN_WORDS

    assert set(QUESTIONS_BY_SLOT) <= set(SCREEN_WORDS)


def test_every_place_and_symptom_named_is_in_the_summary(
    make_tracker, user_said
) -> None:
    """A review: the buttocks, named first, were left out once the legs were named."""
    from actions.summary import summary_lines

    earlier = [
        user_said(
            "my butt cramps",
            "describe_symptoms",
            [
                {"entity": "body_location", "value": "buttock"},
                {"entity": "symptom", "value": "cramp"},
            ],
        ),
        user_said(
            "and i feel sick",
            "describe_symptoms",
            [{"entity": "symptom", "value": "nausea"}],
        ),
    ]
    tracker = make_tracker(
        "and my legs", "inform", slots={"body_location": "leg"}, events=earlier
    )

    [line] = [x for x in summary_lines(tracker) if x.startswith("• Symptoms")]

    assert "buttock" in line and "leg" in line
    assert "cramp" in line and "nausea" in line and "nausea in" not in line


async def test_what_the_person_asks_to_add_is_in_the_next_summary(
    dispatcher, make_tracker, user_said, domain
) -> None:
    """Review 32: "Can you add that I was on it for 2 years ... and that I stopped it
    myself all at once" got the overdose question, then the same summary."""
    from rasa_sdk.events import BotUttered

    addition = (
        "Can you add that I was on it for 2 years and that it's worse when sitting? "
        "And that I stopped it myself all at once"
    )
    earlier = [
        user_said("came off tramadol 6 days ago, buttocks ache", "describe_symptoms"),
        user_said("can you add that i hate this", "inform"),  # before any summary
        BotUttered("Summary for your doctor (from what you typed; not a diagnosis):"),
    ]
    tracker = make_tracker(
        addition, "inform", slots={"substance": "tramadol"}, events=earlier
    )
    await ActionClinicianSummary().run(dispatcher, tracker, domain)

    text = dispatcher.messages[0]["text"]
    assert f'Added in their own words: "{addition}"' in text
    assert "i hate this" not in text


@pytest.mark.parametrize(
    ("earlier", "earlier_place", "latest", "latest_place", "listed", "left_out"),
    [
        # Review 65: "its my lower back not my butt" went to the doctor as both.
        (
            "my butt is killing me",
            "buttock",
            "sorry its my lower back not my butt",
            "lower_back",
            ["lower back"],
            ["buttock"],
        ),
        # A place named again after it was taken back stands again.
        (
            "my hip not my butt",
            "hip",
            "ok now my butt hurts too",
            "buttock",
            ["hip", "buttock"],
            [],
        ),
    ],
)
def test_a_place_taken_back_leaves_the_summary(
    make_tracker,
    user_said,
    earlier: str,
    earlier_place: str,
    latest: str,
    latest_place: str,
    listed: list,
    left_out: list,
) -> None:
    from actions.summary import summary_lines

    tracker = make_tracker(
        latest,
        "inform",
        [{"entity": "body_location", "value": latest_place}],
        slots={"body_location": latest_place},
        events=[
            user_said(
                earlier,
                "describe_symptoms",
                [{"entity": "body_location", "value": earlier_place}],
            )
        ],
    )

    [line] = [x for x in summary_lines(tracker) if x.startswith("• Symptoms")]

    assert all(place in line for place in listed)
    assert not any(place in line for place in left_out)

"""Who is offered check-ins after the first advice."""

from __future__ import annotations

import pytest

from actions.checkins import asks_how_checkins_work


def test_no_check_ins_are_offered_when_nothing_was_stopped(
    dispatcher, make_tracker
) -> None:
    """Buttock pain from sitting has no days of withdrawal to follow (a review: the
    offer "Withdrawal changes over the days" to someone who takes nothing)."""
    from actions.checkins import offer_check_in

    nothing = make_tracker("thanks", "thank", slots={"substance_class": "none"})
    assert offer_check_in(dispatcher, nothing) == []
    assert not dispatcher.messages

    stopped = make_tracker("thanks", "thank", slots={"substance_class": "alcohol"})
    assert offer_check_in(dispatcher, stopped)
    assert "check in" in dispatcher.messages[0]["text"]


def test_someone_still_taking_it_is_not_told_of_withdrawal(
    dispatcher, make_tracker
) -> None:
    """Review 85: a man on a steady methadone dose for six years was offered
    check-ins because "Withdrawal changes over the days"."""
    from actions.checkins import offer_check_in

    steady = make_tracker(
        "on methadone, stable dose for 6 years, my back aches",
        "describe_symptoms",
        slots={"substance_class": "opioid", "substance": "methadone"},
    )
    assert offer_check_in(dispatcher, steady)
    text = dispatcher.messages[0]["text"]
    assert "Withdrawal" not in text and "check in" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Reviews 30 and 31: how check-ins reach the person, asked many ways.
        ("can you check in on me? how does that work", True),
        ("How do the check-ins work? Will you send me texts?", True),
        ("no I mean the check-in thing you offer. do you message me?", True),
        ("what are check-ins", True),
        # Requests, not questions about them.
        ("can you check in on me tomorrow at 8?", False),
        ("yes check in tomorrow", False),
        ("/opt_in_check_in", False),
    ],
)
def test_a_question_about_check_ins_is_no_opt_in(text: str, expected: bool) -> None:
    assert asks_how_checkins_work(text) is expected


async def test_a_typed_refusal_of_check_ins_is_no_opt_in(
    dispatcher, make_tracker, domain
) -> None:
    """Review 86: "nice that actually helps. no check ins needed, thanks for the help"
    was classed as opting in, and check-ins were set for two weeks."""
    from rasa_sdk.events import FollowupAction

    from actions.checkins import ActionOptInCheckIn

    tracker = make_tracker(
        "nice that actually helps. no check ins needed, thanks for the help",
        "opt_in_check_in",
        slots={"substance_class": "opioid", "check_ins": "offered"},
    )
    events = await ActionOptInCheckIn().run(dispatcher, tracker, domain)
    assert events == [FollowupAction("action_stop_check_ins")]
    assert not dispatcher.messages

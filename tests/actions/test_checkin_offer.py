"""Who is offered check-ins after the first advice."""

from __future__ import annotations


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

"""The note about questions left for the next reply promises a button only when there
is one (review 22: "tap it below" with no such button, three people)."""

from __future__ import annotations

from actions.guidance import also_asked_note


def test_each_question_left_gets_its_own_button() -> None:
    note = also_asked_note(["sleep", "duration"])
    assert [b["payload"] for b in note["buttons"]] == ["/ask_sleep", "/ask_duration"]
    assert "tap it below" in note["text"]


def test_a_question_with_no_button_is_not_promised_one() -> None:
    note = also_asked_note(["sleep", "using_alone"])
    assert [b["payload"] for b in note["buttons"]] == ["/ask_sleep"]
    assert "tap it below" not in note["text"]
    assert "using alone" in note["text"]

"""Emergency signs said over two messages (bot/safety/context_signs.py)."""

from __future__ import annotations

import pytest

from bot.safety.context_signs import signs_in_context


@pytest.mark.parametrize(
    "text",
    [
        "I told you I feel a bit feverish, and my legs are really stiff",
        "running a temperature now",
        "i feel confused and hot",
    ],
)
def test_fever_or_confusion_after_stopping_baclofen_is_the_emergency(text: str) -> None:
    assert signs_in_context(text, "baclofen") == ["baclofen_severe"]


@pytest.mark.parametrize(
    "text",
    [
        "my legs are stiff",  # why most people on baclofen write: not alone an alarm
        "no fever, legs a bit stiff",
        "thanks",
    ],
)
def test_stiffness_alone_or_a_denied_fever_is_not(text: str) -> None:
    assert signs_in_context(text, "baclofen") == []


def test_the_context_is_only_the_drug_that_was_stopped() -> None:
    assert signs_in_context("i feel feverish", "opioid") == []
    assert signs_in_context("i feel feverish", None) == []

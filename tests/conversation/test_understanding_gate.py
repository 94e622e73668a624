"""The understanding gate (issue 12) in `make test`, on the understanding sets written
blind to the training data (`tests/heldout/understanding_heldout*.yml`), through the
trained model and the real action server: no silent reply, dead ends at most 1% and
none where an entity was recognised, and screen answers read right with no "yes" ever
read as "no". `make understanding-report` prints the same numbers with every failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
import pytest_asyncio
import yaml

from bot.tooling.understanding_report import UnderstandingScore, score_set

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="session")]

SETS = sorted(
    (Path(__file__).resolve().parents[2] / "tests" / "heldout").glob(
        "understanding_heldout*.yml"
    )
)
MAX_DEAD_END_RATE = 0.01
MIN_SCREEN_ACCURACY = 0.90
MIN_INTENT_MACRO_F1 = 0.60


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def scores(agent: Any) -> Dict[str, UnderstandingScore]:
    """Every understanding set, scored once."""
    return {
        path.name: await score_set(agent, yaml.safe_load(path.read_text("utf-8")))
        for path in SETS
    }


def test_there_are_understanding_sets() -> None:
    assert SETS


async def test_no_message_goes_unanswered(
    scores: Dict[str, UnderstandingScore],
) -> None:
    for name, score in scores.items():
        assert not score.silent, f"{name}: silent replies to {score.silent}"


async def test_dead_ends_are_rare_and_never_when_something_was_understood(
    scores: Dict[str, UnderstandingScore],
) -> None:
    for name, score in scores.items():
        assert not score.dead_ends_with_entity, f"{name}: {score.dead_ends_with_entity}"
        assert score.dead_end_rate <= MAX_DEAD_END_RATE, f"{name}: {score.dead_ends}"


async def test_screen_answers_are_read_as_meant(
    scores: Dict[str, UnderstandingScore],
) -> None:
    for name, score in scores.items():
        assert not score.yes_read_as_no, f"{name}: {score.yes_read_as_no}"
        assert score.screen_accuracy >= MIN_SCREEN_ACCURACY, name


async def test_intents_are_recognised(scores: Dict[str, UnderstandingScore]) -> None:
    for name, score in scores.items():
        assert score.intent_macro_f1 >= MIN_INTENT_MACRO_F1, name

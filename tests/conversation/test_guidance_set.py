"""The guidance set (issue 13), written blind to the knowledge base: every reply
carries the advice families a good answer must have, and none has a dose, a file name
or words of judgement. `make guidance-report` prints the same with every failure.

The review set (tests/guidance/review_set.yml) holds the rev1 review's people whose
advice did not fit them (a kratom quitter, prescribed tramadol, pregnancy, a parent, an
MS patient out of baclofen) and its unanswered questions; it is not blind."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest
import pytest_asyncio

from bot.tooling.guidance_report import GuidanceSet, TurnResult, run_all

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="session")]
REVIEW_SET = Path("tests/guidance/review_set.yml")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def results(agent: Any) -> List[TurnResult]:
    return await run_all(agent, GuidanceSet.load())


def test_the_set_is_big_enough() -> None:
    assert len(GuidanceSet.load().conversations) >= 60


async def test_every_reply_has_the_advice_it_must_and_nothing_it_must_not(
    results: List[TurnResult],
) -> None:
    failed = [r for r in results if r.failures]
    assert not failed, "\n".join(
        f"[{r.conversation}] {r.said!r}: {r.failures}\n    {r.reply[:300]!r}"
        for r in failed
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def review_results(agent: Any) -> List[TurnResult]:
    return await run_all(agent, GuidanceSet.load(REVIEW_SET))


async def test_advice_fits_the_people_of_the_review(
    review_results: List[TurnResult],
) -> None:
    failed = [r for r in review_results if r.failures]
    assert not failed, "\n".join(
        f"[{r.conversation}] {r.said!r}: {r.failures}\n    {r.reply[:400]!r}"
        for r in failed
    )

"""The Redis lock store on real Redis: many Rasa processes (here: threads, each with its
own Redis connection and event loop) asking for one conversation's lock at once get
distinct tickets and hold the lock one at a time."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List, Tuple, TypeVar

import pytest

from bot.serving.lock_store import AtomicRedisLockStore
from tests.serving.conftest import REDIS_HOST, REDIS_PORT

pytestmark = [pytest.mark.servers]

CONTENDERS = 12
HOLD_SECONDS = 0.03
POLL_SECONDS = 0.01
WAIT_SECONDS = 10

Result = TypeVar("Result")


def store() -> AtomicRedisLockStore:
    """A lock store of its own, as each Rasa replica has."""
    return AtomicRedisLockStore(host=REDIS_HOST, port=REDIS_PORT, db=1)


def contend(work: Callable[[int], Result]) -> List[Result]:
    """Runs `work(index)` in CONTENDERS threads released at the same moment."""
    start = threading.Barrier(CONTENDERS)

    def run(index: int) -> Result:
        start.wait(timeout=WAIT_SECONDS)
        return work(index)

    with ThreadPoolExecutor(max_workers=CONTENDERS) as pool:
        return list(pool.map(run, range(CONTENDERS)))


def test_tickets_issued_at_the_same_moment_are_all_different(services: None) -> None:
    conversation = f"lock-test-{uuid.uuid4().hex}"
    stores = [store() for _ in range(CONTENDERS)]
    try:
        tickets = contend(lambda index: stores[index].issue_ticket(conversation))
        assert sorted(tickets) == list(range(CONTENDERS))
    finally:
        stores[0].delete_lock(conversation)


def test_one_holder_at_a_time_and_every_contender_gets_its_turn(
    services: None,
) -> None:
    conversation = f"lock-test-{uuid.uuid4().hex}"

    async def hold(lock_store: AtomicRedisLockStore) -> Tuple[float, float]:
        async with lock_store.lock(conversation, wait_time_in_seconds=POLL_SECONDS):
            entered = time.monotonic()
            await asyncio.sleep(HOLD_SECONDS)
            return entered, time.monotonic()

    def bounded(index: int) -> Tuple[float, float]:
        return asyncio.run(asyncio.wait_for(hold(store()), timeout=WAIT_SECONDS))

    spans = contend(bounded)
    assert len(spans) == CONTENDERS
    spans.sort()
    for (_, left_at), (entered_at, _) in zip(spans, spans[1:]):
        assert entered_at >= left_at, "two holders of one conversation's lock at once"
    assert store().get_lock(conversation) is None  # the last one cleaned up


def test_redis_down_is_an_outage_before_the_turn_and_silent_after_it() -> None:
    """No Redis: a new message gets the service-down reply (bot/serving/turns.py
    answers `LockStoreUnavailableError`), but a turn already answered and saved is not
    turned into an error by a failed release; its ticket expires by itself."""
    from bot.serving.lock_store import LockStoreUnavailableError
    from tests.helpers import free_port

    nowhere = AtomicRedisLockStore(host="127.0.0.1", port=free_port())

    with pytest.raises(LockStoreUnavailableError):
        nowhere.issue_ticket("person-1")
    nowhere.cleanup("person-1", 0)  # must not raise

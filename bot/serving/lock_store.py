"""A Redis lock store whose tickets are issued atomically, so several Rasa replicas
really do handle one conversation's messages one at a time.

Why: Rasa 3.6's `RedisLockStore` keeps a conversation's ticket lock as one JSON value
and changes it by GET, a change in Python, then SET. Two replicas that receive a
message from the same person at the same moment both read the lock, both issue ticket
N and both write it back: both then "hold" the lock and process in parallel, and the
tracker store keeps only one of the two turns. `tests/serving/test_lock_store.py`
shows the duplicate tickets (the stock store fails it every time) and
`tests/serving/test_replicas.py` the lost messages. Rasa Pro has another lock store
for this; Rasa Open Source 3.6 does not.

This subclass keeps Rasa's ticket algorithm and storage format, and wraps each
read-change-write of a conversation's lock (issuing a ticket, dropping expired
tickets, finishing and cleaning up) in a short per-conversation Redis mutex
(redis-py's `Lock`: `SET NX PX`, released by a Lua compare-and-delete). The mutex is
held for a few Redis round trips, never while a message is processed, and expires by
itself if a replica dies holding it.

endpoints.yml (bot/tooling/endpoints.py writes this when REDIS_HOST is set):

    lock_store:
      type: bot.serving.lock_store.AtomicRedisLockStore
      url: redis.example
      port: 6379
      db: 1
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any, Iterator, Optional, Text

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

if TYPE_CHECKING:
    from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

# A mutation is a few Redis round trips: these bounds are generous and still short.
MUTEX_EXPIRY_SECONDS = 5.0  # a crashed holder cannot block a conversation longer
MUTEX_WAIT_SECONDS = 10.0  # give up (LockError) rather than hang a request
MUTEX_POLL_SECONDS = 0.005
MUTEX_KEY_INFIX = "mutex:"


class LockStoreUnavailableError(LockError):
    """Redis can't be reached: the message is answered with the service-down reply
    (bot/serving/turns.py), not processed without a lock."""


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's `RedisLockStore`, safe with several Rasa processes on one Redis."""

    def __init__(
        self, endpoint_config: Optional["EndpointConfig"] = None, **kwargs: Any
    ) -> None:
        """Takes the `lock_store` section of endpoints.yml, as Rasa passes it to a
        lock store named by class path, or `RedisLockStore`'s own arguments."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
            kwargs = {key: value for key, value in kwargs.items() if value is not None}
        super().__init__(**kwargs)

    def _mutex_key(self, conversation_id: Text) -> Text:
        """`lock-mutex:<id>` beside the lock `lock:<id>`: every lock key has a colon
        where this has a dash, so no conversation id makes the two collide."""
        return f"{self.key_prefix[:-1]}-{MUTEX_KEY_INFIX}{conversation_id}"

    @contextlib.contextmanager
    def _mutation(self, conversation_id: Text) -> Iterator[None]:
        """Holds the conversation's mutex while its ticket lock is read and written."""
        import redis

        mutex = self.red.lock(
            self._mutex_key(conversation_id),
            timeout=MUTEX_EXPIRY_SECONDS,
            sleep=MUTEX_POLL_SECONDS,
            blocking_timeout=MUTEX_WAIT_SECONDS,
            thread_local=False,
        )
        try:
            acquired = mutex.acquire()
        except redis.RedisError as error:
            raise LockStoreUnavailableError(
                f"Redis lock store unavailable: {type(error).__name__}"
            ) from error
        if not acquired:
            raise LockError(
                f"Timed out after {MUTEX_WAIT_SECONDS}s waiting to update the lock of "
                f"conversation '{conversation_id}'."
            )
        try:
            yield
        finally:
            try:
                mutex.release()
            except redis.exceptions.LockError:
                # It expired and may be someone else's now: nothing of ours to free.
                logger.warning(
                    f"Lock store mutex of conversation '{conversation_id}' expired "
                    f"before it was released."
                )

    def issue_ticket(
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME
    ) -> int:
        """Issues the next ticket; no other process can issue the same number."""
        with self._mutation(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        """Drops expired tickets without overwriting a ticket issued meanwhile."""
        with self._mutation(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Finishes a ticket and deletes the lock if nobody waits, as one step: a
        ticket issued elsewhere in between is neither lost nor deleted.

        If Redis fails here the turn has already been answered and saved: the person
        is not shown an error for it, and the ticket expires by itself
        (`TICKET_LOCK_LIFETIME`, bot/serving/turns.py).
        """
        try:
            with self._mutation(conversation_id):
                super().cleanup(conversation_id, ticket_number)
        except LockStoreUnavailableError:
            logger.warning(
                "Could not release a conversation lock (Redis unavailable); it "
                "expires by itself."
            )

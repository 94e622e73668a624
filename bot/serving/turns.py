"""Each message is answered from the stored conversation, or with a plain reply.

Why: Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore`, which on any store
error quietly carries on with an in-memory store. With PostgreSQL cut, people got
normal-looking replies that were never saved, an escalated conversation was treated as
new, and an emergency said during the outage was followed by self-care tips once the
database came back. For a triage bot a reply that forgets what was said is worse than
no answer, so here the store's own errors reach the message handler, and the person
gets the service-down reply (every region's emergency number first) instead; nothing of
that message is kept anywhere, and the next message reads the store again, so the
service recovers by itself when the store is back.

The same handler bounds a turn: Rasa's ticket lock expires after `TICKET_LOCK_LIFETIME`
seconds, after which a person's next message would run alongside one still running and
one of the two turns would be lost. A turn is cut at `TURN_SECONDS` (nothing of it is
saved), the lock lives `LOCK_LIFETIME_SECONDS`, longer than any turn, and each action
call is cut at `ACTION_TIMEOUT_SECONDS` (Rasa's own limit is 5 minutes). A message that
can't get the lock (Rasa raises `LockError` when the lock it waited for expired) gets
the "still working on your previous message" reply.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Dict,
    List,
    Optional,
    Tuple,
    Type,
)

if TYPE_CHECKING:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain

logger = logging.getLogger(__name__)

# Our actions answer in milliseconds and a whole turn in well under a second under
# load (`make bench`); these bounds only catch hangs. The lock lifetime is also how
# long a lock left behind by a crashed server blocks that conversation, so it is kept
# short: above any turn, so two turns never overlap, and no longer.
ACTION_TIMEOUT_SECONDS = 10.0
TURN_SECONDS = 25.0
LOCK_LIFETIME_SECONDS = 30
LOCK_LIFETIME_ENV = "TICKET_LOCK_LIFETIME"  # Rasa reads it when its lock store loads

STORE_DOWN = "store_down"
BUSY = "busy"

Handler = Callable[["Agent", "UserMessage"], Awaitable[Optional[List[Dict[str, Any]]]]]


class StoreUnavailableError(RuntimeError):
    """The conversation store can't be read or written just now."""


def store_errors() -> Tuple[Type[BaseException], ...]:
    """The exception types that mean a store, not the conversation, failed."""
    import redis
    import sqlalchemy.exc

    from bot.serving.lock_store import LockStoreUnavailableError

    return (
        StoreUnavailableError,
        sqlalchemy.exc.SQLAlchemyError,
        redis.exceptions.RedisError,
        LockStoreUnavailableError,
    )


async def _reply(message: "UserMessage", name: str) -> None:
    """Sends one of the server's own replies on the message's channel."""
    from bot.safety.fallback_replies import server_reply

    try:
        await message.output_channel.send_text_message(
            message.sender_id, server_reply(name)
        )
    except Exception:  # noqa: BLE001 - the channel itself failed; nothing more to do
        logger.exception("Could not send the '%s' reply.", name)


def guarded(handle_message: Handler) -> Handler:
    """`Agent.handle_message`, answering store failures, busy locks and hung turns
    with a plain reply instead of an in-memory or overlapping turn."""
    from rasa.core.lock_store import LockError

    async def handle_message_guarded(
        agent: "Agent", message: "UserMessage"
    ) -> Optional[List[Dict[str, Any]]]:
        try:
            return await asyncio.wait_for(
                handle_message(agent, message), timeout=TURN_SECONDS
            )
        except store_errors() as error:
            logger.error(
                "Conversation store unavailable (%s); sent the service-down reply and "
                "kept nothing of this message.",
                type(error).__name__,
            )
            await _reply(message, STORE_DOWN)
        except LockError:
            logger.warning("A message arrived while the previous one still ran.")
            await _reply(message, BUSY)
        except asyncio.TimeoutError:
            logger.error(
                "A turn took longer than %s s and was stopped; nothing was saved.",
                TURN_SECONDS,
            )
            await _reply(message, STORE_DOWN)
        return None

    handle_message_guarded.__wrapped__ = handle_message  # type: ignore[attr-defined]
    return handle_message_guarded


def unwrapped_tracker_store(
    create: Callable[[Optional["TrackerStore"], "Domain"], "TrackerStore"],
) -> Callable[[Optional["TrackerStore"], "Domain"], "TrackerStore"]:
    """`Agent._create_tracker_store` without the `FailSafeTrackerStore` around the
    configured store (an unconfigured agent still gets Rasa's in-memory store)."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    def create_without_fail_safe(
        store: Optional["TrackerStore"], domain: "Domain"
    ) -> "TrackerStore":
        created = create(store, domain)
        if isinstance(created, FailSafeTrackerStore) and store is not None:
            return created._tracker_store
        return created

    create_without_fail_safe.__wrapped__ = create  # type: ignore[attr-defined]
    return create_without_fail_safe


def install() -> None:
    """Installs the guarded handler, the unwrapped store and the time limits into this
    process's Rasa (idempotent). Call before Rasa's lock store module is imported."""
    os.environ.setdefault(LOCK_LIFETIME_ENV, str(LOCK_LIFETIME_SECONDS))
    import rasa.core.actions.action
    from rasa.core.agent import Agent

    rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_SECONDS
    if not hasattr(Agent.handle_message, "__wrapped__"):
        Agent.handle_message = guarded(Agent.handle_message)  # type: ignore[assignment]
    create = Agent.__dict__["_create_tracker_store"].__func__
    if not hasattr(create, "__wrapped__"):
        Agent._create_tracker_store = staticmethod(  # type: ignore[assignment]
            unwrapped_tracker_store(create)
        )

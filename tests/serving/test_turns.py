"""A message is answered from the stored conversation or with a plain reply: never
from memory when the store fails, never alongside the person's previous message."""

from __future__ import annotations

import asyncio
import re
from typing import Any, List

import pytest
import sqlalchemy.exc
import yaml
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from bot.serving import turns
from bot.serving.lock_store import LockStoreUnavailableError
from tests.helpers import PROJECT_ROOT

REGIONS = yaml.safe_load(
    (PROJECT_ROOT / "data" / "safety" / "regions.yml").read_text(encoding="utf-8")
)


def message(channel: CollectingOutputChannel) -> UserMessage:
    return UserMessage("my chest hurts", channel, "person-1")


async def replies_when(failure: BaseException) -> List[str]:
    async def handle(agent: Any, user_message: UserMessage) -> None:
        raise failure

    channel = CollectingOutputChannel()
    result = await turns.guarded(handle)(object(), message(channel))
    assert result is None
    return [reply["text"] for reply in channel.messages]


@pytest.mark.parametrize(
    "failure",
    [
        sqlalchemy.exc.OperationalError("SELECT", {}, Exception("connection refused")),
        LockStoreUnavailableError("Redis lock store unavailable: ConnectionError"),
        turns.StoreUnavailableError("schema missing"),
    ],
)
async def test_a_store_failure_gets_the_service_down_reply_with_every_number(
    failure: BaseException,
) -> None:
    [reply] = await replies_when(failure)

    assert "can't read or save our conversation" in reply
    for place in REGIONS["regions"]:
        if place["id"] != "other":
            assert place["emergency"] in reply, place["id"]
            assert place["crisis"] in reply, place["id"]


async def test_a_message_whose_lock_expired_while_waiting_is_told_to_wait() -> None:
    [reply] = await replies_when(LockError("Could not acquire lock"))

    assert "still working on your previous message" in reply
    assert "911" in reply and "999" in reply


async def test_a_hung_turn_is_cut_and_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(turns, "TURN_SECONDS", 0.05)

    async def hang(agent: Any, user_message: UserMessage) -> None:
        await asyncio.sleep(10)

    channel = CollectingOutputChannel()
    await turns.guarded(hang)(object(), message(channel))

    assert "can't read or save our conversation" in channel.messages[0]["text"]


async def test_a_normal_turn_is_untouched() -> None:
    async def handle(agent: Any, user_message: UserMessage) -> List[str]:
        await user_message.output_channel.send_text_message("person-1", "hello")
        return ["done"]

    channel = CollectingOutputChannel()
    assert await turns.guarded(handle)(object(), message(channel)) == ["done"]
    assert [reply["text"] for reply in channel.messages] == ["hello"]


def test_limits_nest_action_inside_turn_inside_lock() -> None:
    assert turns.ACTION_TIMEOUT_SECONDS < turns.TURN_SECONDS
    assert turns.TURN_SECONDS < turns.LOCK_LIFETIME_SECONDS


def test_a_configured_store_is_not_wrapped_in_rasas_in_memory_fallback() -> None:
    def rasa_create(store: Any, domain: Domain) -> Any:
        return FailSafeTrackerStore(store or InMemoryTrackerStore(domain))

    configured = InMemoryTrackerStore(Domain.empty())
    create = turns.unwrapped_tracker_store(rasa_create)

    assert create(configured, Domain.empty()) is configured
    assert isinstance(create(None, Domain.empty()), FailSafeTrackerStore)


def test_the_served_rasa_has_the_guard_installed() -> None:
    from rasa.core.agent import Agent

    turns.install()
    turns.install()  # idempotent

    assert hasattr(Agent.handle_message, "__wrapped__")
    assert not hasattr(Agent.handle_message.__wrapped__, "__wrapped__")
    import rasa.core.actions.action as rasa_action

    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == turns.ACTION_TIMEOUT_SECONDS


def test_each_regions_fallback_reply_carries_its_own_numbers() -> None:
    """The replies sent while the action server is down, as the trained domain has
    them: one per region of regions.yml, with that region's numbers."""
    from bot.importer import LexiconImporter

    domain = LexiconImporter(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain"),
        [str(PROJECT_ROOT / "data")],
    ).get_domain()
    for name in ("utter_emergency_fallback", "utter_service_down"):
        variants = domain.responses[name]
        by_region = {
            variant["condition"][0]["value"]: variant["text"]
            for variant in variants
            if variant.get("condition")
        }
        unconditioned = [v["text"] for v in variants if not v.get("condition")]
        for place in REGIONS["regions"]:
            text = by_region.get(place["id"]) or unconditioned[0]
            assert re.search(rf"call {re.escape(place['emergency'])} now", text), (
                name,
                place["id"],
            )
            assert place["crisis"] in text, (name, place["id"])
        assert len(unconditioned) == 1

"""bot/serving/server.py changes how fast Rasa works, never what it accepts or keeps."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import rasa.core.run
import sqlalchemy as sa
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.serving.server import _freeze_after_loading, _tune_sqlite, install

VALID_RESPONSE: Dict[str, Any] = {
    "events": [{"event": "slot", "name": "triage_level", "value": "self_care"}],
    "responses": [{"text": "Thank you."}],
}


@pytest.fixture
def installed() -> Iterator[None]:
    """The fixes in this process for one test, then Rasa as it was: other tests in
    the session see stock Rasa."""
    stock_validation = RemoteAction._validate_action_result
    stock_loading = rasa.core.run.load_agent_on_start
    install()
    try:
        yield
    finally:
        RemoteAction._validate_action_result = stock_validation  # type: ignore[method-assign]
        rasa.core.run.load_agent_on_start = stock_loading
        if event.contains(Engine, "connect", _tune_sqlite):
            event.remove(Engine, "connect", _tune_sqlite)


@pytest.fixture
def action(installed: None) -> RemoteAction:
    return RemoteAction("action_self_care_guidance", EndpointConfig("http://unused"))


def test_a_valid_action_response_is_accepted(action: RemoteAction) -> None:
    assert action._validate_action_result(VALID_RESPONSE)


@pytest.mark.parametrize(
    "response",
    [
        {"events": [{"name": "no event type"}], "responses": []},
        {"events": "not a list", "responses": []},
        {"events": [], "responses": ["not an object"]},
    ],
)
def test_an_invalid_action_response_is_still_refused(
    action: RemoteAction, response: Dict[str, Any]
) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server"):
        action._validate_action_result(response)


def test_sqlite_tracker_databases_use_a_write_ahead_log(
    installed: None, tmp_path: Path
) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        connection.exec_driver_sql("CREATE TABLE kept (value TEXT)")
        connection.exec_driver_sql("INSERT INTO kept VALUES ('a turn')")
    engine.dispose()
    # A new process (a restart of the bot) reads what was committed.
    with sqlite3.connect(tmp_path / "tracker.db") as reopened:
        assert reopened.execute("SELECT value FROM kept").fetchall() == [("a turn",)]


async def test_loading_the_model_moves_what_is_alive_out_of_the_collector() -> None:
    async def load(*_: Any, **__: Any) -> str:
        return "agent"

    gc.unfreeze()
    try:
        assert await _freeze_after_loading(load)("app", "loop") == "agent"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_rasas_model_loading_is_wrapped_once(installed: None) -> None:
    wrapped = rasa.core.run.load_agent_on_start
    install()  # again: idempotent

    assert rasa.core.run.load_agent_on_start is wrapped
    assert not hasattr(wrapped.__wrapped__, "__wrapped__")

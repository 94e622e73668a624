"""The endpoints file from environment variables, read back the way Rasa reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest
from rasa.core.utils import read_endpoints_from_path

from bot.tooling.endpoints import (
    REDIS_LOCK_STORE,
    SQL_TRACKER_STORE,
    main,
    write_endpoints,
)

POSTGRES_AND_REDIS: Dict[str, str] = {
    "ACTIONS_PORT": "5099",
    "DB_HOST": "db.internal",
    "DB_NAME": "conversations",
    "DB_USER": "rasa",
    "DB_PASSWORD": r"s3cr\et$with{odd}chars",
    "REDIS_HOST": "redis.internal",
    "REDIS_PASSWORD": "redis-secret",
}


def test_by_default_conversations_go_to_the_sqlite_file(tmp_path: Path) -> None:
    out = tmp_path / "endpoints.yml"
    database = str(tmp_path / "tracker.db")
    write_endpoints(out, {"ACTIONS_PORT": "5077", "TRACKER_DB": database})

    endpoints = read_endpoints_from_path(out)
    assert endpoints.action.url == "http://127.0.0.1:5077/webhook"
    assert endpoints.tracker_store.type == SQL_TRACKER_STORE
    assert endpoints.tracker_store.kwargs == {"dialect": "sqlite", "db": database}
    assert endpoints.lock_store is None  # Rasa's in-memory lock store: one process


def test_db_host_and_redis_host_choose_postgresql_and_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "endpoints.yml"
    write_endpoints(out, POSTGRES_AND_REDIS)
    text = out.read_text(encoding="utf-8")
    assert "s3cr" not in text and "redis-secret" not in text  # secrets stay in env

    for name, value in POSTGRES_AND_REDIS.items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(out)
    tracker_store = endpoints.tracker_store
    assert tracker_store.type == SQL_TRACKER_STORE
    assert tracker_store.url == "db.internal"
    assert tracker_store.kwargs == {
        "dialect": "postgresql",
        "port": 5432,
        "db": "conversations",
        "username": "rasa",
        "password": r"s3cr\et$with{odd}chars",
    }
    assert endpoints.lock_store.type == REDIS_LOCK_STORE
    assert endpoints.lock_store.url == "redis.internal"
    assert endpoints.lock_store.kwargs == {
        "port": 6379,
        "db": 1,
        "password": "redis-secret",
    }
    assert endpoints.action.url == "http://127.0.0.1:5099/webhook"


def test_the_action_server_can_live_on_another_host(tmp_path: Path) -> None:
    out = tmp_path / "endpoints.yml"
    url = "http://actions:5055/webhook"
    write_endpoints(out, {"ACTION_ENDPOINT_URL": url, "ACTIONS_PORT": "1"})
    assert read_endpoints_from_path(out).action.url == url


@pytest.mark.parametrize(
    "variable, value",
    [
        ("DB_PORT", "five"),
        ("REDIS_PORT", "70000"),
        ("ACTIONS_PORT", "0"),
        ("REDIS_DB", "x"),
    ],
)
def test_a_bad_number_is_a_clear_error_naming_the_variable(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
) -> None:
    for name, setting in POSTGRES_AND_REDIS.items():
        monkeypatch.setenv(name, setting)
    monkeypatch.setenv(variable, value)
    out = tmp_path / "endpoints.yml"
    assert main(["--out", str(out)]) == 2
    assert variable in capsys.readouterr().err
    assert not out.exists()

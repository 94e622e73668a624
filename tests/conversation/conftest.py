"""Real parts for whole-conversation tests: the trained model, a real action server on
loopback, and the SQL tracker store on a temporary SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.helpers import (
    PROJECT_ROOT,
    free_port,
)

__all__ = ["PROJECT_ROOT", "free_port"]  # imported by other test packages

MODEL = PROJECT_ROOT / "models" / "triage.tar.gz"
SERVER_START_SECONDS = 90


@pytest.fixture(scope="session")
def tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite file of the SQL tracker store."""
    return tmp_path_factory.mktemp("trackers") / "tracker.db"


async def load_test_agent(action_url: str, tracker_db: Path) -> Any:
    """The trained model in-process with the given action endpoint and a SQL tracker
    store."""
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does).")
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    from bot.serving.server import install_speed_fixes

    install_speed_fixes()
    endpoints = AvailableEndpoints(
        action=EndpointConfig(url=action_url),
        tracker_store=EndpointConfig(type="SQL", dialect="sqlite", db=str(tracker_db)),
    )
    return await load_agent(model_path=str(MODEL), endpoints=endpoints)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def agent(action_server_url: str, tracker_db: Path) -> Any:
    """The trained model in-process, with the real action server and a SQL tracker
    store."""
    return await load_test_agent(action_server_url, tracker_db)

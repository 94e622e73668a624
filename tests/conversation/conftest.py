"""Real parts for whole-conversation tests: the trained model, a real action server on
loopback, and the SQL tracker store on a temporary SQLite file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import pytest_asyncio
import requests

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODEL = PROJECT_ROOT / "models" / "triage.tar.gz"
SERVER_START_SECONDS = 90


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float) -> None:
    """Polls `url` until it answers 200, or fails with the server's output."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{process.stdout.read() if process.stdout else ''}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not become healthy in {seconds}s")


@pytest.fixture(scope="session")
def action_server_url() -> Iterator[str]:
    """A real rasa-sdk action server serving `actions/`, stopped after the session."""
    port = free_port()
    environment = {**os.environ, "SANIC_HOST": "127.0.0.1", "PYTHONPATH": str(PROJECT_ROOT)}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "rasa"), "run", "actions", "--actions", "actions",
         "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/health", process, SERVER_START_SECONDS)
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite file of the SQL tracker store."""
    return tmp_path_factory.mktemp("trackers") / "tracker.db"


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def agent(action_server_url: str, tracker_db: Path):
    """The trained model in-process, with the real action server and a SQL tracker store."""
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does).")
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    endpoints = AvailableEndpoints(
        action=EndpointConfig(url=action_server_url),
        tracker_store=EndpointConfig(type="SQL", dialect="sqlite", db=str(tracker_db)),
    )
    return await load_agent(model_path=str(MODEL), endpoints=endpoints)

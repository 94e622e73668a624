"""The HTTP API always needs a token: a real Rasa server started as `make serve` starts
it, with RASA_AUTH_TOKEN in its environment and never on its command line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from tests.helpers import free_port, start_process, stop_process, wait_until_healthy
from tests.serving.conftest import MODEL, RASA_SERVER

pytestmark = [pytest.mark.model, pytest.mark.servers]

SECRET = "test-token-3f9a1c"


def test_the_http_api_answers_only_with_the_token(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "rasa.log"
    arguments = [*RASA_SERVER, "run", "--model", str(MODEL), "--enable-api"]
    arguments += ["--interface", "127.0.0.1", "--port", str(port)]
    process = start_process(arguments, log, env={"RASA_AUTH_TOKEN": SECRET})
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(f"{url}/", process, 180, log)
        # "/" answers before the model is loaded; until it is, the API answers 409
        # (seen on a loaded machine), so wait for the model first.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = requests.get(f"{url}/status", params={"token": SECRET}, timeout=10)
            if status.status_code != 409:
                break
            time.sleep(1)
        assert requests.get(f"{url}/status", timeout=10).status_code == 401
        assert requests.get(f"{url}/status?token=wrong", timeout=10).status_code == 401
        answer = requests.get(f"{url}/status", params={"token": SECRET}, timeout=10)
        assert answer.status_code == 200
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes()
        assert SECRET.encode() not in cmdline  # not readable by other local users
    finally:
        stop_process(process)

"""Helpers for tests that start real servers on loopback: ports, processes, health."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Mapping, Sequence

import requests

# One way to stop a server, shared with the tools.
from bot.tooling.bench import stop_process as stop_process

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")
LOG_TAIL_CHARS = 4000


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_process(
    arguments: Sequence[str], log: Path, env: Mapping[str, str] | None = None
) -> subprocess.Popen:
    """Starts a server in the project root, its output going to `log`.

    A file, not a pipe: a pipe nobody reads fills up and then stalls the server.
    """
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})}
    with log.open("w", encoding="utf-8") as output:
        return subprocess.Popen(
            list(arguments),
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )


def start_action_server(port: int, log: Path) -> subprocess.Popen:
    """A real rasa-sdk action server serving `actions/` on 127.0.0.1:`port`."""
    return start_process(
        [RASA, "run", "actions", "--actions", "actions", "--port", str(port)],
        log,
        env={"SANIC_HOST": "127.0.0.1"},
    )


def log_tail(log: Path | None) -> str:
    """The end of a server's log, for a failure message."""
    if log is None or not log.is_file():
        return ""
    return log.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL_CHARS:]


def wait_until_healthy(
    url: str, process: subprocess.Popen, seconds: float, log: Path | None = None
) -> None:
    """Polls `url` until it answers 200, or fails with the server's output."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_tail(log) or (process.stdout.read() if process.stdout else "")
            raise RuntimeError(f"server exited early:\n{output}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not become healthy in {seconds}s\n{log_tail(log)}")

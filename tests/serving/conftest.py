"""Two real Rasa replicas on loopback: the trained model, one real action server, a
fresh PostgreSQL database as the shared tracker store and Redis as the shared lock
store, configured the way production is (bot/tooling/endpoints.py from env vars)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List

import pytest
import requests

from bot.tooling.endpoints import write_endpoints
from tests.helpers import (
    PROJECT_ROOT,
    RASA,
    free_port,
    log_tail,
    start_process,
    stop_process,
    wait_until_healthy,
)

MODEL = PROJECT_ROOT / "models" / "triage.tar.gz"
# The Rasa server as `make serve` starts it: `rasa` with bot/serving/server.py's fixes.
RASA_SERVER = [sys.executable, "-m", "bot.serving.server"]
SERVICES_SCRIPT = PROJECT_ROOT / "bot" / "tooling" / "services.sh"
PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"
PG_LOGIN_DB = "postgres"  # always there; the test's own database is created beside it
REDIS_HOST = "127.0.0.1"
REDIS_PORT = 6379
REPLICA_COUNT = 2
# Two replicas load the model at once on a small CI machine: generous, but bounded.
SERVER_START_SECONDS = 150
SERVICES_START_SECONDS = 60


@dataclass
class Replica:
    """One `rasa run` process: its base URL and log."""

    name: str
    url: str
    log: Path
    process: subprocess.Popen


def _services_answer() -> bool:
    """True when PostgreSQL accepts a connection and Redis answers PING."""
    import psycopg2
    import redis

    try:
        psycopg2.connect(
            host=PG_HOST,
            port=PG_PORT,
            user=PG_USER,
            dbname=PG_LOGIN_DB,
            connect_timeout=2,
        ).close()
        return bool(
            redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=2).ping()
        )
    except (psycopg2.OperationalError, redis.RedisError):
        return False


@pytest.fixture(scope="session")
def services() -> None:
    """PostgreSQL and Redis on loopback, started by services.sh when needed."""
    if _services_answer():
        return
    result = subprocess.run(
        [str(SERVICES_SCRIPT)],
        capture_output=True,
        text=True,
        timeout=SERVICES_START_SECONDS,
        check=False,
    )
    if result.returncode != 0 or not _services_answer():
        pytest.fail(
            "PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are needed and "
            f"could not be started by {SERVICES_SCRIPT}:\n"
            f"{result.stdout}{result.stderr}"
        )


@pytest.fixture(scope="session")
def tracker_database(services: None) -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped at the end."""
    import psycopg2
    from psycopg2 import sql

    name = f"replica_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=PG_LOGIN_DB
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield name
        with admin.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
    finally:
        admin.close()


@pytest.fixture(scope="session")
def replicas(
    tmp_path_factory: pytest.TempPathFactory, tracker_database: str
) -> Iterator[List[Replica]]:
    """A real action server and two `rasa run --enable-api` replicas sharing the
    PostgreSQL tracker store and the Redis lock store; all stopped afterwards."""
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does).")
    folder = tmp_path_factory.mktemp("replicas")
    actions_port = free_port()
    endpoints = folder / "endpoints.yml"
    database = {
        "DB_HOST": PG_HOST,
        "DB_PORT": str(PG_PORT),
        "DB_NAME": tracker_database,
        "DB_USER": PG_USER,
    }
    write_endpoints(
        endpoints,
        {
            "ACTIONS_PORT": str(actions_port),
            **database,
            "REDIS_HOST": REDIS_HOST,
            "REDIS_PORT": str(REDIS_PORT),
        },
    )
    credentials = PROJECT_ROOT / "credentials.yml"  # the channels `make serve` opens

    processes: List[subprocess.Popen] = []
    try:
        action_log = folder / "actions.log"
        # The action server keeps check-in schedules in the conversations' database,
        # as in production (the same DB_* variables).
        action_server = start_process(
            [
                RASA,
                "run",
                "actions",
                "--actions",
                "actions",
                "--port",
                str(actions_port),
            ],
            action_log,
            env={"SANIC_HOST": "127.0.0.1", **database},
        )
        processes.append(action_server)
        started: List[Replica] = []
        for index in range(REPLICA_COUNT):
            port = free_port()
            log = folder / f"rasa-{index}.log"
            arguments = [*RASA_SERVER, "run", "--model", str(MODEL)]
            arguments += [
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(credentials),
            ]
            arguments += [
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--port",
                str(port),
            ]
            process = start_process(arguments, log)
            processes.append(process)
            started.append(
                Replica("AB"[index], f"http://127.0.0.1:{port}", log, process)
            )
        wait_until_healthy(
            f"http://127.0.0.1:{actions_port}/health", action_server, 60, action_log
        )
        for replica in started:
            wait_until_healthy(
                f"{replica.url}/status",
                replica.process,
                SERVER_START_SECONDS,
                replica.log,
            )
            status = requests.get(f"{replica.url}/status", timeout=5).json()
            assert status.get("model_file"), log_tail(replica.log)
        yield started
    finally:
        for process in reversed(processes):
            stop_process(process)

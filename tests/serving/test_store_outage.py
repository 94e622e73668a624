"""A PostgreSQL outage under a real Rasa server: the person gets the service-down reply,
nothing is run from memory or kept, an emergency said before the outage still holds
after it, and the service recovers by itself.

The database is cut by a proxy between the server and PostgreSQL (tests/serving/
tcp_proxy.py): established connections are dropped and new ones refused, as when the
database host goes away.
"""

from __future__ import annotations

import uuid
from typing import Iterator, List

import psycopg2
import pytest
import requests

from bot.tooling.endpoints import write_endpoints
from tests.helpers import (
    free_port,
    log_tail,
    start_action_server,
    start_process,
    stop_process,
    wait_until_healthy,
)
from tests.serving.conftest import (
    MODEL,
    PG_HOST,
    PG_PORT,
    PG_USER,
    RASA_SERVER,
    SERVER_START_SECONDS,
    Replica,
)
from tests.serving.tcp_proxy import CuttableProxy

REQUEST_SECONDS = 60
STORE_DOWN_WORDS = "can't read or save our conversation"


@pytest.fixture(scope="module")
def proxy() -> Iterator[CuttableProxy]:
    cuttable = CuttableProxy((PG_HOST, PG_PORT))
    yield cuttable
    cuttable.close()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    tracker_database: str,
    proxy: CuttableProxy,
) -> Iterator[Replica]:
    """One real Rasa server (and action server) whose PostgreSQL is behind `proxy`."""
    folder = tmp_path_factory.mktemp("outage")
    actions_port = free_port()
    endpoints = folder / "endpoints.yml"
    write_endpoints(
        endpoints,
        {
            "ACTIONS_PORT": str(actions_port),
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(proxy.port),
            "DB_NAME": tracker_database,
            "DB_USER": PG_USER,
        },
    )
    processes = []
    try:
        action_log = folder / "actions.log"
        actions = start_action_server(actions_port, action_log)
        processes.append(actions)
        port = free_port()
        log = folder / "rasa.log"
        process = start_process(
            [
                *RASA_SERVER,
                "run",
                "--model",
                str(MODEL),
                "--endpoints",
                str(endpoints),
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            log,
        )
        processes.append(process)
        wait_until_healthy(
            f"http://127.0.0.1:{actions_port}/health", actions, 60, action_log
        )
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(f"{url}/status", process, SERVER_START_SECONDS, log)
        yield Replica("outage", url, log, process)
    finally:
        for started in reversed(processes):
            stop_process(started)


def say(server: Replica, sender: str, text: str) -> str:
    answer = requests.post(
        f"{server.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=REQUEST_SECONDS,
    )
    assert answer.status_code == 200, f"{answer.status_code}\n{log_tail(server.log)}"
    return "\n".join(reply.get("text") or "" for reply in answer.json())


def stored_texts(database: str, sender: str) -> List[str]:
    """Every stored event's data of `sender`, read straight from PostgreSQL."""
    connection = psycopg2.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=database
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s", (sender,))
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


def test_an_outage_is_answered_plainly_and_forgets_nothing(
    server: Replica, proxy: CuttableProxy, tracker_database: str
) -> None:
    person = f"outage-{uuid.uuid4().hex[:8]}"
    newcomer = f"outage-new-{uuid.uuid4().hex[:8]}"
    before = say(server, person, "i cant breathe and my lips are going blue")
    assert "911" in before and STORE_DOWN_WORDS not in before

    proxy.cut()
    try:
        during = say(server, person, "ok its passed, what stretches help my cramps")
        first_time = say(server, newcomer, "day 2 off oxy and my butt cramps")
    finally:
        proxy.restore()

    for reply in (during, first_time):
        assert STORE_DOWN_WORDS in reply
        assert "911" in reply and "999" in reply  # emergency numbers first
        assert "stretch" not in reply.lower()
    assert server.process.poll() is None, "the server must survive the outage"
    texts = stored_texts(tracker_database, person)
    assert not any("what stretches help" in data for data in texts)
    assert stored_texts(tracker_database, newcomer) == []

    after = say(server, person, "what stretches help my cramps")
    assert STORE_DOWN_WORDS not in after
    assert "911" in after, f"the emergency must still hold after the outage:\n{after}"
    assert "stretch" not in after.lower()
    welcomed = say(server, newcomer, "day 2 off oxy and my butt cramps")
    assert STORE_DOWN_WORDS not in welcomed and welcomed.strip()

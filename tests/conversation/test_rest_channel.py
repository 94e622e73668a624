"""Through the REST channel of a real `rasa run`: five people get advice specific to
them, after the screen; bad requests get a clear 4xx or a kind reply; texts stay out of
the log."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests

from tests.conversation.conftest import MODEL
from tests.helpers import (
    RASA,
    free_port,
    start_process,
    stop_process,
    wait_until_healthy,
)

pytestmark = pytest.mark.servers
REPLY_TIMEOUT = 30
MAX_SCREEN_TURNS = 8


@pytest.fixture(scope="module")
def server(
    action_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dict[str, Any]]:
    """A real Rasa server with our REST channel, the real action server, SQL tracker
    store."""
    folder = tmp_path_factory.mktemp("rest")
    (folder / "credentials.yml").write_text(
        "bot.channels.rest.RestInput:\n  max_message_chars: 10000\n"
    )
    (folder / "endpoints.yml").write_text(
        f"action_endpoint:\n  url: {action_server_url}\n"
        "tracker_store:\n  type: SQL\n  dialect: sqlite\n"
        f"  db: {folder / 'tracker.db'}\n"
    )
    port = free_port()
    log = folder / "rasa.log"
    process = start_process(
        [
            RASA,
            "run",
            "--model",
            str(MODEL),
            "--endpoints",
            str(folder / "endpoints.yml"),
            "--credentials",
            str(folder / "credentials.yml"),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        log,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/", process, 120, log)
        yield {"url": f"http://127.0.0.1:{port}/webhooks/rest/webhook", "log": log}
    finally:
        stop_process(process)


def send(server: Dict[str, Any], sender: str, text: str) -> str:
    """The bot's replies as one text, button titles in brackets."""
    answer = requests.post(
        server["url"], json={"sender": sender, "message": text}, timeout=REPLY_TIMEOUT
    )
    assert answer.status_code == 200, answer.text
    messages: List[Dict[str, Any]] = answer.json()
    return "\n".join(
        (m.get("text") or "")
        + "".join(f" [{b['title']}]" for b in m.get("buttons", []))
        for m in messages
    )


def through_the_screen(server: Dict[str, Any], sender: str, first: str) -> List[str]:
    """Describes the problem, answers every screen question "no"; returns all
    replies."""
    replies = [send(server, sender, first)]
    for _ in range(MAX_SCREEN_TURNS):
        if "Source" in replies[-1]:
            break
        replies.append(send(server, sender, "no"))
    return replies


@pytest.mark.parametrize(
    ("first_message", "specific"),
    [
        (
            "day 3 off H and my glutes keep cramping",
            ["Buttock Pain During Opioid Withdrawal"],
        ),
        (
            "came off klonopin 5 days ago and my calves keep cramping",
            ["Can withdrawal cause muscle spasms?", "enzodiazepine"],
        ),
        (
            "quit drinking 2 days ago and my legs cramp at night",
            ["Can withdrawal cause muscle spasms?", "lcohol"],
        ),
        (
            "ran out of baclofen yesterday and my legs are spasming",
            ["Can withdrawal cause muscle spasms?", "prescriber"],
        ),
        (
            "my butt spasms after sitting at my desk all day",
            ["Symptoms Of Spasms In Buttocks"],
        ),
    ],
    ids=[
        "opioid-buttock",
        "benzo-calves",
        "alcohol-legs",
        "baclofen-ran-out",
        "sitting-buttock",
    ],
)
def test_five_people_get_advice_specific_to_them_after_the_screen(
    server: Dict[str, Any], first_message: str, specific: List[str]
) -> None:
    sender = f"rest-{abs(hash(first_message))}"
    replies = through_the_screen(server, sender, first_message)
    tips = replies[-1]
    assert "Source" in tips, replies
    assert "[Yes] [No] [Not sure]" in "\n".join(replies[:-1])  # the screen came first
    for word in specific:
        assert word in tips, tips
    assert ".txt" not in tips  # sources a person can read
    tracker = requests.get(
        server["url"].replace(
            "/webhooks/rest/webhook", f"/conversations/{sender}/tracker"
        ),
        timeout=5,
    )
    if tracker.status_code == 200:  # only with --enable-api
        assert tracker.json()["slots"]["triage_level"] != "emergency"


def test_a_red_flag_through_rest_leads_with_the_number(server: Dict[str, Any]) -> None:
    reply = send(
        server,
        "rest-red-flag",
        "off dope 2 days, now my pee is dark brown like cola after the cramps",
    )
    assert reply.startswith("🚨") and "911" in reply.splitlines()[0]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 400),
        (b"{not json", 400),
        (b"\xff\xfe\x00binary", 400),
        (b"[1, 2]", 400),
        (b'{"sender": "x"}', 400),
        (b'{"sender": "x", "message": 5}', 400),
        (b'{"message": "hi"}', 400),
        (('{"sender": "x", "message": "' + "a" * 10_001 + '"}').encode(), 413),
    ],
    ids=[
        "empty",
        "not-json",
        "binary",
        "not-an-object",
        "no-message",
        "number",
        "no-sender",
        "too-long",
    ],
)
def test_malformed_requests_get_a_clear_4xx(
    server: Dict[str, Any], body: bytes, status: int
) -> None:
    answer = requests.post(
        server["url"],
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=REPLY_TIMEOUT,
    )
    assert answer.status_code == status
    assert answer.json()["message"]


@pytest.mark.parametrize(
    "text", ["", "   ", "🙂🙂🙂", "¿dónde está el baño?", "my butt hurts " * 700]
)
def test_odd_messages_get_a_kind_reply(server: Dict[str, Any], text: str) -> None:
    reply = send(server, f"rest-odd-{len(text)}-{text[:3]}", text)
    assert reply.strip()
    assert "Traceback" not in reply


def test_message_texts_stay_out_of_the_log(server: Dict[str, Any]) -> None:
    secret = "zebra-quartz-marker my butt hurts"
    send(server, "rest-log", secret)
    assert "zebra-quartz-marker" not in Path(server["log"]).read_text(errors="replace")

"""Hostile input against a real running server: REST, the widget's socket.io and the
Telegram webhook of one `rasa run` with the trained model, the real action server and
the SQL tracker store (Telegram talks to the fake Bot API on loopback).

Hypothesis sends surrogates, NUL and control characters, huge strings, emoji floods,
nested JSON, wrong types and slash payloads. Every answer must be a 2xx with a kind
reply or a 4xx, never a 5xx, and the server must keep answering afterwards. Then: a
10,000-emoji message must not stall other conversations, and a typed "/deny ..." in the
middle of the screen on REST is read as words, so its red flag is found.
"""

from __future__ import annotations

import itertools
import json
import random
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests
import socketio
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.tooling.credentials import write_credentials
from tests.channels.fake_telegram import FakeTelegram
from tests.helpers import (
    PROJECT_ROOT,
    RASA,
    free_port,
    log_tail,
    start_process,
    stop_process,
    wait_until_healthy,
)

pytestmark = [pytest.mark.servers, pytest.mark.model]

MODEL = PROJECT_ROOT / "models" / "triage.tar.gz"
TOKEN = "123456789:AAfuzz-token_for_the_fake_api"
SECRET = "fuzz-secret_0123456789abcdef"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SERVER_START_SECONDS = 120
REQUEST_SECONDS = 30
REPLY_SECONDS = 20
EXAMPLES_PER_CHANNEL = 50
STALL_BOUND_SECONDS = 1.0
HYPOTHESIS = settings(
    max_examples=EXAMPLES_PER_CHANNEL,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
EMOJI = ["😣", "😭", "🙂", "👍🏽", "👨‍👩‍👧", "❤️", "🔥"]
SINGLE_EMOJI = [chr(code) for code in range(0x1F600, 0x1F650)]
SLASH_PAYLOADS = [
    "/deny",
    "/affirm",
    "//restart",
    " /deny",
    "/restart",
    '/inform{"triage_level": "self_care"}',
    "/greet i cant breathe",
    "/",
    "/\x00deny",
]
_chat_ids = itertools.count(8_100_000)
_update_ids = itertools.count(9_000_000)


@dataclass
class Server:
    """The running Rasa server: its base URL, API token and log."""

    url: str
    token: str
    log: Path

    def status(self) -> requests.Response:
        return requests.get(
            f"{self.url}/status", params={"token": self.token}, timeout=REQUEST_SECONDS
        )

    def rest(self, body: bytes) -> requests.Response:
        return requests.post(
            f"{self.url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=REQUEST_SECONDS,
        )

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        answer = self.rest(json.dumps({"sender": sender, "message": text}).encode())
        assert answer.status_code == 200, answer.text
        return answer.json()

    def telegram(self, body: bytes) -> requests.Response:
        return requests.post(
            f"{self.url}/webhooks/telegram/webhook",
            data=body,
            headers={"Content-Type": "application/json", SECRET_HEADER: SECRET},
            timeout=REQUEST_SECONDS,
        )


@pytest.fixture(scope="module")
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(TOKEN, "FuzzBot").start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def server(
    fake_telegram: FakeTelegram,
    action_server_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    """`rasa run` with the channels `make serve` opens (REST, socket.io, Telegram)."""
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does).")
    folder = tmp_path_factory.mktemp("fuzz")
    environment = {
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_BOT_USERNAME": "FuzzBot",
        "TELEGRAM_SECRET_TOKEN": SECRET,
        "TELEGRAM_API_BASE": fake_telegram.base_url,
    }
    credentials = folder / "credentials.yml"
    write_credentials(PROJECT_ROOT / "credentials.yml", credentials, environment)
    endpoints = {
        "action_endpoint": {"url": action_server_url},
        "tracker_store": {
            "type": "SQL",
            "dialect": "sqlite",
            "db": str(folder / "tracker.db"),
        },
    }
    (folder / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    port = free_port()
    token = secrets.token_hex(16)
    log = folder / "rasa.log"
    process = start_process(
        [RASA, "run", "--model", str(MODEL), "--enable-api", "--auth-token", token]
        + ["--interface", "127.0.0.1", "--port", str(port)]
        + ["--credentials", str(credentials)]
        + ["--endpoints", str(folder / "endpoints.yml")],
        log,
        env=environment,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(f"{url}/webhooks/rest/", process, SERVER_START_SECONDS, log)
        yield Server(url=url, token=token, log=log)
        assert process.poll() is None, f"the server died:\n{log_tail(log)}"
    finally:
        stop_process(process)


# What hostile clients send.

hostile_characters = st.characters(
    codec=None,
    categories=["Cc", "Cs", "Cf", "Zs", "Zl", "Po", "So", "Sm", "Ll", "Lu", "Nd"],
)
hostile_text = st.one_of(
    st.text(hostile_characters, max_size=300),
    st.sampled_from(SLASH_PAYLOADS),
    st.builds(
        lambda emoji, count: emoji * count,
        st.sampled_from(EMOJI),
        st.integers(500, 10_000),
    ),
    st.builds(
        lambda seed, count: "".join(random.Random(seed).choices(EMOJI, k=count)),
        st.integers(0, 1000),
        st.integers(500, 3_000),
    ),
    st.builds(lambda count: "my legs hurt. " * count, st.integers(50, 700)),
    st.sampled_from(["\ud800", "\udfff hi", "a\x00b", "\x00", "\r\n\r\n", "\u202e"]),
)
wrong_type = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
hostile_sender = st.one_of(
    st.text(hostile_characters, min_size=1, max_size=40),
    st.sampled_from(["\ud800", "a\x00b", "x" * 5_000, " ", ""]),
    wrong_type,
)


def nested_json(depth: int) -> bytes:
    return ('{"a":' * depth + "1" + "}" * depth).encode()


def as_body(value: Any) -> bytes:
    """JSON as a client library writes it: lone surrogates escaped, not encoded."""
    return json.dumps(value).encode("utf-8")


rest_bodies = st.one_of(
    st.builds(
        lambda sender, text: as_body({"sender": sender, "message": text}),
        st.builds(lambda n: f"fuzz-{n}", st.integers(0, 10**6)),
        hostile_text,
    ),
    st.builds(
        lambda sender, text: as_body({"sender": sender, "message": text}),
        hostile_sender,
        st.one_of(hostile_text, wrong_type),
    ),
    st.builds(nested_json, st.integers(21, 200_000)),
    st.builds(
        lambda depth: (
            as_body({"sender": "fuzz-nested", "message": "hi"})[:-1]
            + b', "x": '
            + nested_json(depth)
            + b"}"
        ),
        st.integers(21, 50_000),
    ),
    st.binary(max_size=200),
)


def _kind(messages: List[Dict[str, Any]]) -> bool:
    """A reply a person can read: some text, and no error dump."""
    texts = [m.get("text") or "" for m in messages]
    return any(t.strip() for t in texts) and not any("Traceback" in t for t in texts)


def test_rest_answers_every_hostile_request_with_a_reply_or_a_4xx(
    server: Server,
) -> None:
    @HYPOTHESIS
    @given(body=rest_bodies)
    def fuzz(body: bytes) -> None:
        answer = server.rest(body)
        assert answer.status_code < 500, answer.text
        if 200 <= answer.status_code < 300:
            assert _kind(answer.json()), answer.text
        else:
            assert 400 <= answer.status_code < 500 and answer.json()["message"]

    fuzz()
    assert server.status().status_code == 200
    assert _kind(server.say("fuzz-after-rest", "hi"))


def _update(chat_id: int, **message: Any) -> Dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            **message,
        },
    }


telegram_bodies = st.one_of(
    st.builds(
        lambda text: as_body(_update(next(_chat_ids), text=text)),
        st.one_of(hostile_text, wrong_type),
    ),
    st.builds(
        lambda data: as_body(
            {
                "update_id": next(_update_ids),
                "callback_query": {
                    "id": "cq",
                    "from": {"id": next(_chat_ids)},
                    "data": data,
                },
            }
        ),
        st.one_of(hostile_text, wrong_type),
    ),
    st.builds(
        lambda chat_id: as_body(_update(0, text="hi") | {"message": {"chat": chat_id}}),
        st.one_of(st.integers(min_value=10**200), wrong_type),
    ),
    st.builds(nested_json, st.integers(21, 200_000)),
    st.builds(
        lambda depth: (
            as_body(_update(next(_chat_ids), text="hi"))[:-1]
            + b', "x": '
            + nested_json(depth)
            + b"}"
        ),
        st.integers(21, 50_000),
    ),
    st.binary(max_size=200),
)


def test_the_telegram_webhook_never_fails_on_hostile_updates(
    server: Server, fake_telegram: FakeTelegram
) -> None:
    @HYPOTHESIS
    @given(body=telegram_bodies)
    def fuzz(body: bytes) -> None:
        answer = server.telegram(body)
        assert answer.status_code in (200, 400), answer.text

    fuzz()
    assert server.status().status_code == 200
    chat_id = next(_chat_ids)
    mark = fake_telegram.mark()
    assert server.telegram(as_body(_update(chat_id, text="hi"))).status_code == 200
    reply = fake_telegram.wait_for(
        "sendMessage", lambda c: c.body.get("chat_id") == str(chat_id), since=mark
    )
    assert reply.body["text"].strip()


class WidgetClient:
    """The widget's side of socket.io: one session, replies collected."""

    def __init__(self, url: str) -> None:
        self.replies: List[Dict[str, Any]] = []
        self.confirmed = threading.Event()
        self.arrived = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("session_confirm", lambda _id: self.confirmed.set())
        self.client.on("bot_uttered", self._collect)
        self.client.connect(url, transports=["polling"], wait_timeout=10)
        self.client.emit("session_request", {"session_id": secrets.token_hex(16)})
        assert self.confirmed.wait(10), "no session_confirm"

    def _collect(self, data: Dict[str, Any]) -> None:
        with self.arrived:
            self.replies.append(data)
            self.arrived.notify_all()

    def send(self, data: Any) -> None:
        self.client.emit("user_uttered", data)

    def wait_for_reply(self, after: int, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        with self.arrived:
            while len(self.replies) <= after:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
        return True


socketio_payloads = st.one_of(
    st.builds(lambda text: {"message": text}, hostile_text),
    st.builds(lambda value: {"message": value}, wrong_type),
    st.builds(
        lambda depth: {"message": "hi", "customData": json.loads(nested_json(depth))},
        st.integers(21, 200),
    ),
    st.builds(lambda text: {"message": "hi", "customData": {"x": text}}, hostile_text),
    hostile_text,
    wrong_type,
)


def test_the_widget_channel_survives_hostile_messages(server: Server) -> None:
    widget = WidgetClient(server.url)
    try:

        @HYPOTHESIS
        @given(data=socketio_payloads)
        def fuzz(data: Any) -> None:
            before = len(widget.replies)
            widget.send(data)
            readable = isinstance(data, dict) and isinstance(data.get("message"), str)
            if readable and data["message"].strip(" /\x00"):
                assert widget.wait_for_reply(before, REPLY_SECONDS), "no reply"
            assert widget.client.connected

        fuzz()
        before = len(widget.replies)
        widget.send({"message": "hi"})
        assert widget.wait_for_reply(before, REPLY_SECONDS)
        assert widget.replies[-1].get("text", "").strip()
    finally:
        widget.client.disconnect()
    assert server.status().status_code == 200


def _flood_and_bystander(server: Server, flood: str) -> Dict[str, float]:
    """Seconds to answer /status and another person's message while `flood` is being
    handled, and the flood's own."""
    timings: Dict[str, float] = {}

    def send_flood() -> None:
        started = time.monotonic()
        assert _kind(server.say(f"flood-{secrets.token_hex(4)}", flood))
        timings["flood"] = time.monotonic() - started

    sender = threading.Thread(target=send_flood)
    sender.start()
    time.sleep(0.05)  # the flood is being handled
    started = time.monotonic()
    assert server.status().status_code == 200
    timings["status"] = time.monotonic() - started
    started = time.monotonic()
    assert _kind(server.say(f"bystander-{secrets.token_hex(4)}", "are you a bot?"))
    timings["bystander"] = time.monotonic() - started
    sender.join(REQUEST_SECONDS)
    return timings


@pytest.mark.parametrize(
    "flood",
    ["😣" * 10_000, "".join(random.Random(14).choices(SINGLE_EMOJI, k=10_000))],
    ids=["same-emoji", "mixed-emoji"],
)
def test_an_emoji_flood_does_not_stall_other_conversations(
    server: Server, flood: str
) -> None:
    """Before the input policy, 10,000 emoji held every conversation for 14-17 s."""
    timings = _flood_and_bystander(server, flood)
    print(f"10,000 emoji: {timings}")  # noqa: T201 - the measurement, with -s
    assert timings["status"] < STALL_BOUND_SECONDS, timings
    assert timings["bystander"] < STALL_BOUND_SECONDS, timings
    assert timings["flood"] < STALL_BOUND_SECONDS, timings


def test_a_typed_slash_deny_mid_screen_on_rest_is_read_as_words(
    server: Server,
) -> None:
    sender = f"slash-{secrets.token_hex(4)}"
    question = server.say(sender, "day 3 off H and my glutes keep cramping")
    buttons = [b["payload"] for m in question for b in m.get("buttons", [])]
    assert "/deny" in buttons  # mid-screen: the No button is on offer
    reply = server.say(sender, "/deny i cant breathe and my chest hurts")
    first = reply[0]["text"]
    assert first.startswith("🚨") and "911" in first  # the red flag was found

    other = f"slots-{secrets.token_hex(4)}"
    server.say(other, '/inform{"triage_level": "self_care"}')
    tracker = requests.get(
        f"{server.url}/conversations/{other}/tracker",
        params={"token": server.token},
        timeout=REQUEST_SECONDS,
    ).json()
    assert tracker["slots"].get("triage_level") is None  # no slot set by typing

"""No conversation content in logs (bot/serving/log_privacy.py).

The redaction on its own (records, arguments, exception chains, structlog events,
warnings), then the real thing: the Rasa server as `make serve` starts it, the real
action server, the REST, Telegram and HTTP API doors, messages carrying a unique
marker down every path that used to log content (a screen start, text starting with
"/", an action server answering 500 with the whole conversation in its body, a
malformed action call), and every log line both servers wrote scanned for the marker.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import time
import uuid
import warnings
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests

from bot.serving import log_privacy
from bot.tooling.credentials import TELEGRAM_CHANNEL, write_credentials
from bot.tooling.endpoints import write_endpoints
from tests.channels.fake_telegram import FakeTelegram
from tests.helpers import (
    PROJECT_ROOT,
    free_port,
    log_tail,
    start_action_server,
    start_process,
    stop_process,
    wait_until_healthy,
)
from tests.serving.conftest import MODEL, RASA_SERVER

# A word nobody else writes: no separator, so it is redacted like a person's words.
MARKER = f"qzv{uuid.uuid4().hex[:12]}"
API_TOKEN = "log-privacy-test-token"
SERVER_START_SECONDS = 180
REQUEST_SECONDS = 60
TELEGRAM_TOKEN = "123456789:AAlog-privacy_test_token"
TELEGRAM_SECRET = "log-privacy-secret_0123456789"
# A conversation whose sender starts with this gets a 500 from the action endpoint.
FAILING_SENDER_PREFIX = "fail-"


# --- the redaction on its own -------------------------------------------------------


@pytest.fixture
def redacting() -> Iterator[io.StringIO]:
    """`install()` here, a handler formatting like Rasa's; all undone afterwards."""
    factory = logging.getLogRecordFactory()
    show_warning = warnings.showwarning
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s - %(message)s"))
    logger = logging.getLogger("privacy_test")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    log_privacy.install()
    try:
        yield output
    finally:
        logging.setLogRecordFactory(factory)
        warnings.showwarning = show_warning
        logger.removeHandler(handler)


@pytest.mark.parametrize(
    ("logged", "kept"),
    [
        (  # Rasa's warning for a "/" message that is not an intent
            f"Failed to parse arguments in line '/{MARKER} hello'. Expected the intent "
            f"to be one of [['affirm', 'deny']] but found {MARKER} hello.",
            "Failed to parse arguments in line [redacted]",
        ),
        (  # ClientResponseError: the action server's 500 body, i.e. the tracker
            "500, Internal Server Error, body='b'"
            + json.dumps({"request_body": {"tracker": {"text": f"I can't {MARKER}"}}})
            + "''",
            "500, Internal Server Error, body=[redacted]",
        ),
        (  # a dict of slots
            f"slots: {{'substance': '{MARKER}', 'body_location': 'buttock'}}",
            "slots: [redacted]",
        ),
        (  # a quoted slot value, then more text that may be content
            f"Slot `body_location` set to '{MARKER}' from 'text'",
            "Slot `body_location` set to [redacted]",
        ),
        (  # a name without a separator may be a person's word
            f"No registered action found for name '{MARKER}'.",
            "No registered action found for name [redacted]",
        ),
    ],
)
def test_content_is_cut_from_its_first_quote_or_dump(logged: str, kept: str) -> None:
    assert log_privacy.redact_text(logged) == kept


@pytest.mark.parametrize(
    "logged",
    [
        "Failed to run custom action 'validate_triage_form'. Couldn't connect to the "
        "server at 'http://127.0.0.1:5055/webhook'. Is the server running? Error: "
        "Cannot connect to host 127.0.0.1:5055 ssl:default [Connection refused]",
        "Skipping validation for `substance_class`: there is no validation method.",
        "Registered function for 'action_self_care_guidance'.",
        "Loading model /work/models/triage.tar.gz...",
    ],
)
def test_what_the_code_says_is_kept_whole(logged: str) -> None:
    assert log_privacy.redact_text(logged) == logged


def test_arguments_that_may_be_content_are_redacted(redacting: io.StringIO) -> None:
    logger = logging.getLogger("privacy_test")
    logger.warning(
        "Action %s got %s from %s after %d ms: %s",
        "action_emergency",
        f"my glutes {MARKER}",
        {"text": MARKER},
        12,
        f"/{MARKER}",
    )
    line = redacting.getvalue()
    assert MARKER not in line
    assert "Action action_emergency got [redacted] from [redacted] after 12 ms" in line


def test_an_exception_chain_keeps_types_and_frames_not_messages(
    redacting: io.StringIO,
) -> None:
    from rasa.shared.exceptions import RasaException
    from rasa.utils.endpoints import ClientResponseError

    body = json.dumps({"request_body": {"tracker": {"latest_message": MARKER}}})
    try:
        try:
            raise ClientResponseError(500, "Internal Server Error", body)
        except ClientResponseError as error:
            message = "Failed to execute custom action 'validate_triage_form'"
            raise RasaException(message) from error
    except RasaException:
        logging.getLogger("privacy_test").exception(
            "Encountered an exception while running action 'triage_form'."
        )
    logged = redacting.getvalue()
    assert MARKER not in logged
    assert "ERROR privacy_test - Encountered an exception while running action " in (
        logged
    )
    assert "rasa.utils.endpoints.ClientResponseError: 500, Internal Server Error, " in (
        logged
    )
    assert "The above exception was the direct cause of the following exception" in (
        logged
    )
    assert (
        "rasa.shared.exceptions.RasaException: Failed to execute custom action "
        "'validate_triage_form'" in logged
    )
    assert "test_log_privacy.py" in logged  # the frames: where it failed


def test_a_structlog_event_keeps_its_name_not_its_values(
    redacting: io.StringIO,
) -> None:
    event = {
        "event": "rest.message.received.failure",
        "text": f"i cant breathe {MARKER}",
        "slot_values": {"substance": MARKER},
        # Rasa's interpolator names a button payload's braces as the missing key.
        "placeholder_key": f'"substance": "{MARKER}"',
        "duration_ms": 41,
        "level": "error",
        "exception": [
            {
                "exc_type": "ValueError",
                "exc_value": f"bad message '{MARKER} now'",
                "frames": [
                    {"filename": "rest.py", "lineno": 7, "locals": {"t": MARKER}}
                ],
            }
        ],
    }
    logging.getLogger("privacy_test").error(json.dumps(event))
    logged = redacting.getvalue()
    assert MARKER not in logged
    data = json.loads(logged.split(" - ", 1)[1])
    assert data["event"] == "rest.message.received.failure"
    assert data["text"] == data["slot_values"] == data["placeholder_key"]
    assert data["text"] == "[redacted]"
    assert data["duration_ms"] == 41
    exception = data["exception"][0]
    assert exception["exc_type"] == "ValueError"
    assert exception["exc_value"] == "bad message [redacted]"
    assert exception["frames"][0]["filename"] == "rest.py"


def test_debug_records_are_left_whole_for_an_operator_who_asked(
    redacting: io.StringIO,
) -> None:
    logging.getLogger("privacy_test").debug("Received user message '%s'", MARKER)
    assert f"Received user message '{MARKER}'" in redacting.getvalue()


def test_a_library_logger_with_its_own_handler_made_later_is_covered(
    redacting: io.StringIO,
) -> None:
    """Like sanic's loggers: own handler, no propagation, configured after start-up."""
    output = io.StringIO()
    library = logging.getLogger(f"privacy_test_library_{uuid.uuid4().hex}")
    library.addHandler(logging.StreamHandler(output))
    library.propagate = False
    library.error(f"Exception occurred while handling uri: '/{MARKER}'")
    assert output.getvalue() == "Exception occurred while handling uri: [redacted]\n"


def test_warnings_are_shown_redacted() -> None:
    show_warning = warnings.showwarning
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            log_privacy.install()
            warnings.warn(
                f"Failed to parse arguments in line '/{MARKER}'.", UserWarning, 1
            )
    finally:
        warnings.showwarning = show_warning
    assert [str(warning.message) for warning in caught] == [
        "Failed to parse arguments in line [redacted]"
    ]


# --- the real servers ---------------------------------------------------------------


class FailingActionEndpoint:
    """The action endpoint Rasa calls: forwards to the real action server, except for
    conversations whose sender starts with `FAILING_SENDER_PREFIX`, which get a 500
    with the body rasa-sdk sends when an action raises (the whole action call)."""

    def __init__(self, action_server: str) -> None:
        self.action_server = action_server
        self.failed_bodies: List[str] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                call = json.loads(body)
                sender = str(call.get("tracker", {}).get("sender_id", ""))
                if sender.startswith(FAILING_SENDER_PREFIX):
                    status = 500
                    answer = json.dumps(
                        {"error": "'NoneType' object", "request_body": call}
                    ).encode("utf-8")
                    endpoint.failed_bodies.append(answer.decode("utf-8"))
                else:
                    forwarded = requests.post(
                        endpoint.action_server, data=body, timeout=REQUEST_SECONDS
                    )
                    status, answer = forwarded.status_code, forwarded.content
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                """Quiet: the test's own output is not under test."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/webhook"

    def __enter__(self) -> "FailingActionEndpoint":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Served:
    """What the servers were sent, what they answered and what they logged."""

    logs: List[Path]
    replies: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)
    failed_bodies: List[str] = field(default_factory=list)
    telegram_replies: int = 0
    malformed_call_status: int = 0


REST_MESSAGES = [  # (sender, text): each path that used to put text into the logs
    ("screen", f"day 3 off oxy and my glutes keep cramping {MARKER}"),  # screen start
    ("screen", f"no {MARKER}"),  # a screen answer
    ("slash-unknown", f"/{MARKER} hello"),  # Rasa warns, quoting the text
    ("slash-alone", f"/{MARKER}"),
    ("slash-rest", f"/greet@1.0 {MARKER}"),  # "Continuing without …"
    ("slash-entity", f'/deny{{"substance": "{MARKER}"}}'),  # sets a slot
    (f"{FAILING_SENDER_PREFIX}screen", f"quit heroin, my hip spasms {MARKER}"),
    (f"{FAILING_SENDER_PREFIX}quoted", f"i can't sleep, it's '{MARKER}' bad"),
]


def _rest(url: str, sender: str, text: str) -> List[Dict[str, Any]]:
    answer = requests.post(
        f"{url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=REQUEST_SECONDS,
    )
    assert answer.status_code == 200, answer.text
    replies = answer.json()
    assert isinstance(replies, list)
    return replies


def _telegram_update(chat_id: int, update_id: int, text: str) -> Dict[str, Any]:
    sam = {"id": chat_id, "is_bot": False, "first_name": "Sam", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": sam,
            "chat": {"id": chat_id, "first_name": "Sam", "type": "private"},
            "date": int(time.time()),
            "text": text,
        },
    }


def _converse(url: str, action_server: str, telegram: FakeTelegram) -> Served:
    """Sends the marker down every path; returns what came back."""
    served = Served(logs=[])
    for sender, text in REST_MESSAGES:
        served.replies.setdefault(sender, []).extend(_rest(url, sender, text))
    # The HTTP API parses text as Rasa does, "/" included, whatever the channels let
    # through.
    for text in [f"my butt cramps {MARKER}", f"/{MARKER} hello"]:
        parsed = requests.post(
            f"{url}/model/parse",
            params={"token": API_TOKEN},
            json={"text": text},
            timeout=REQUEST_SECONDS,
        )
        assert parsed.status_code == 200, parsed.text
    # Telegram: a message and a "/" message.
    for index, text in enumerate([f"cramps in my calf {MARKER}", f"/{MARKER} hi"]):
        chat_id = 4_300_000 + index
        since = telegram.mark()
        answer = requests.post(
            f"{url}/webhooks/telegram/webhook",
            json=_telegram_update(chat_id, 600_000 + index, text),
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
            timeout=REQUEST_SECONDS,
        )
        assert answer.status_code == 200, answer.text
        telegram.wait_for(
            "sendMessage",
            lambda call, chat=chat_id: call.body.get("chat_id") == str(chat),
            since=since,
            seconds=REQUEST_SECONDS,
        )
        served.telegram_replies += 1
    # The action server itself, called with an action it does not know: rasa-sdk
    # logs an ERROR quoting the name it was sent.
    malformed = requests.post(
        action_server,
        json={
            "next_action": MARKER,
            "sender_id": MARKER,
            "tracker": {"sender_id": MARKER, "latest_message": {"text": MARKER}},
            "domain": {},
            "version": "3.6.0",
        },
        timeout=REQUEST_SECONDS,
    )
    served.malformed_call_status = malformed.status_code
    return served


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The servers as `make serve` runs them, at their default log level, each
    message sent once; the servers are stopped (their logs complete) before the
    tests read them."""
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does).")
    folder = tmp_path_factory.mktemp("log-privacy")
    action_log, rasa_log = folder / "actions.log", folder / "rasa.log"
    actions_port, port = free_port(), free_port()
    action_server_url = f"http://127.0.0.1:{actions_port}/webhook"
    environment = {
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_BOT_USERNAME": "PrivacyTestBot",
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.test/webhooks/telegram/webhook",
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "RASA_AUTH_TOKEN": API_TOKEN,
    }
    telegram = FakeTelegram(TELEGRAM_TOKEN, "PrivacyTestBot").start()
    environment["TELEGRAM_API_BASE"] = telegram.base_url
    channels = write_credentials(
        PROJECT_ROOT / "credentials.yml", folder / "credentials.yml", environment
    )
    assert TELEGRAM_CHANNEL in channels
    action_server = start_action_server(actions_port, action_log)
    rasa = None
    try:
        with FailingActionEndpoint(action_server_url) as endpoint:
            write_endpoints(
                folder / "endpoints.yml",
                {
                    "ACTION_ENDPOINT_URL": endpoint.url,
                    "TRACKER_DB": str(folder / "tracker.db"),
                },
            )
            arguments = [*RASA_SERVER, "run", "--model", str(MODEL), "--enable-api"]
            arguments += ["--endpoints", str(folder / "endpoints.yml")]
            arguments += ["--credentials", str(folder / "credentials.yml")]
            arguments += ["--interface", "127.0.0.1", "--port", str(port)]
            rasa = start_process(arguments, rasa_log, env=environment)
            url = f"http://127.0.0.1:{port}"
            wait_until_healthy(
                f"http://127.0.0.1:{actions_port}/health", action_server, 60, action_log
            )
            wait_until_healthy(f"{url}/", rasa, SERVER_START_SECONDS, rasa_log)
            result = _converse(url, action_server_url, telegram)
            result.failed_bodies = list(endpoint.failed_bodies)
        stop_process(rasa)
        stop_process(action_server)
        result.logs = sorted(folder.glob("*.log"))
        yield result
    finally:
        if rasa is not None:
            stop_process(rasa)
        stop_process(action_server)
        telegram.stop()


@pytest.mark.model
@pytest.mark.servers
def test_no_log_line_holds_the_marker(served: Served) -> None:
    leaks = {
        log.name: [
            line
            for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
            if MARKER in line
        ]
        for log in served.logs
    }
    assert leaks == {"actions.log": [], "rasa.log": []}


@pytest.mark.model
@pytest.mark.servers
def test_the_marker_was_there_to_leak(served: Served) -> None:
    """Every message was answered, and the action endpoint's 500 bodies, which Rasa
    logs, held the marker: a clean log is the redaction's doing, not a quiet path."""
    unanswered = [sender for sender, _ in REST_MESSAGES if not served.replies[sender]]
    assert unanswered == []
    assert served.telegram_replies == 2
    assert served.failed_bodies, "the action endpoint never answered 500"
    assert [body for body in served.failed_bodies if MARKER not in body] == []
    assert served.malformed_call_status == 404


@pytest.mark.model
@pytest.mark.servers
def test_failures_are_still_logged_with_their_type_and_action(served: Served) -> None:
    rasa_log = next(log for log in served.logs if log.name == "rasa.log")
    text = rasa_log.read_text(encoding="utf-8", errors="replace")
    assert "ERROR" in text, log_tail(rasa_log)
    assert "Encountered an exception while running action 'triage_form'" in text
    assert "rasa.utils.endpoints.ClientResponseError: 500, " in text
    assert "Failed to execute custom action 'validate_triage_form'" in text
    assert "UserWarning: Failed to parse arguments in line [redacted]" in text
    action_log = next(log for log in served.logs if log.name == "actions.log")
    actions_text = action_log.read_text(encoding="utf-8", errors="replace")
    assert "Registered function for 'action_emergency'" in actions_text
    assert "No registered action found for name [redacted]" in actions_text

"""A fake Telegram Bot API: a real HTTP server on loopback that records every call.

It answers like Telegram (`{"ok": true, "result": ...}`, or `{"ok": false, ...}` with
Telegram's error codes) for the methods the channel uses, and refuses what Telegram
refuses (an empty or over-long message, `callback_data` over 64 bytes, a wrong token),
so a test fails where the real Bot API would.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Tuple

BOT_ID = 777000111
MAX_TEXT_CHARS = 4096
MAX_CALLBACK_DATA_BYTES = 64
POLL_SECONDS = 0.1
Answer = Tuple[int, Dict[str, Any]]


@dataclass(frozen=True)
class ApiCall:
    """One Bot API call the bot made: its order, method, JSON body and our result."""

    seq: int
    method: str
    body: Dict[str, Any]
    result: Any


class FakeTelegram:
    """The fake Bot API. `start()`, point TELEGRAM_API_BASE at `base_url`, `stop()`."""

    def __init__(self, token: str, username: str) -> None:
        self.token = token
        self.username = username
        self._calls: List[ApiCall] = []
        self._lock = threading.Lock()
        self._message_ids = itertools.count(1000)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE must be."""
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeTelegram":
        """Serves on a free loopback port in a background thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving and frees the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def calls(self, method: str | None = None) -> List[ApiCall]:
        """Calls so far, oldest first; only `method`'s when given."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def mark(self) -> int:
        """A point in the call history: `wait_for(..., since=mark)` looks after it."""
        with self._lock:
            return len(self._calls)

    def wait_for(
        self,
        method: str,
        where: Callable[[ApiCall], bool] = lambda call: True,
        since: int = 0,
        seconds: float = 20,
    ) -> ApiCall:
        """The first `method` call after `since` matching `where`, polling up to
        `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for call in self.calls(method):
                if call.seq >= since and where(call):
                    return call
            time.sleep(POLL_SECONDS)
        recorded = [(c.method, c.body) for c in self.calls()]
        raise AssertionError(
            f"no matching {method} within {seconds}s; calls: {recorded}"
        )

    def record(self, method: str, body: Dict[str, Any]) -> Answer:
        """Records a call and answers it as Telegram would."""
        answer = getattr(self, f"_{method}", None)
        status, reply = answer(body) if answer else _error(404, "Not Found")
        with self._lock:
            self._calls.append(
                ApiCall(len(self._calls), method, body, reply.get("result"))
            )
        return status, reply

    def _getMe(self, body: Dict[str, Any]) -> Answer:  # noqa: N802 - Bot API name
        return _ok(
            {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Triage",
                "username": self.username,
            }
        )

    def _setWebhook(self, body: Dict[str, Any]) -> Answer:  # noqa: N802
        if not str(body.get("url", "")).startswith("https://"):
            return _error(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided"
            )
        return _ok(True)

    def _sendMessage(self, body: Dict[str, Any]) -> Answer:  # noqa: N802
        text = body.get("text")
        if "chat_id" not in body:
            return _error(400, "Bad Request: chat_id is empty")
        if not isinstance(text, str) or not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > MAX_TEXT_CHARS:
            return _error(400, "Bad Request: message is too long")
        if not _callback_data_fits(body.get("reply_markup")):
            return _error(400, "Bad Request: BUTTON_DATA_INVALID")
        return _ok(self._message(body))

    def _answerCallbackQuery(self, body: Dict[str, Any]) -> Answer:  # noqa: N802
        if not body.get("callback_query_id"):
            return _error(400, "Bad Request: query is too old or query ID is invalid")
        return _ok(True)

    def _editMessageReplyMarkup(self, body: Dict[str, Any]) -> Answer:  # noqa: N802
        if "chat_id" not in body or "message_id" not in body:
            return _error(400, "Bad Request: message to edit not found")
        return _ok(self._message(body))

    def _sendChatAction(self, body: Dict[str, Any]) -> Answer:  # noqa: N802
        return _ok(True)

    def _message(self, body: Dict[str, Any]) -> Dict[str, Any]:
        """A Telegram Message object for what the bot sent."""
        message: Dict[str, Any] = {
            "message_id": body.get("message_id") or next(self._message_ids),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Triage"},
            "chat": {"id": int(body["chat_id"]), "type": "private"},
            "date": int(time.time()),
        }
        for key in ("text", "reply_markup"):
            if key in body:
                message[key] = body[key]
        return message


def _ok(result: Any) -> Answer:
    return 200, {"ok": True, "result": result}


def _error(code: int, description: str) -> Answer:
    return code, {"ok": False, "error_code": code, "description": description}


def _callback_data_fits(markup: Any) -> bool:
    rows = (markup or {}).get("inline_keyboard", []) if isinstance(markup, dict) else []
    return all(
        len(str(button.get("callback_data", "")).encode("utf-8"))
        <= MAX_CALLBACK_DATA_BYTES
        for row in rows
        for button in row
    )


def _handler_for(fake: FakeTelegram) -> type:
    """A request handler class bound to `fake`."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            self._answer(self._body())

        def do_GET(self) -> None:  # noqa: N802
            self._answer({})

        def _body(self) -> Dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {"_unparsed": raw.decode("utf-8", "replace")}
            return body if isinstance(body, dict) else {"_unparsed": body}

        def _answer(self, body: Dict[str, Any]) -> None:
            prefix = f"/bot{fake.token}/"
            if self.path.startswith(prefix):
                status, answer = fake.record(self.path[len(prefix) :], body)
            else:
                status, answer = _error(401, "Unauthorized")
            data = json.dumps(answer).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the test reads the recorded calls instead."""

    return Handler

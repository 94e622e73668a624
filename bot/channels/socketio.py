"""The website widget's socket.io channel: rasa 3.6's, with working session persistence.

Why a subclass: python-socketio 5.10 made `AsyncServer.enter_room` a coroutine. Rasa 3.6
calls it without `await`, so with `session_persistence: true` the connection never
joins its session's room, every reply goes to an empty room, and the widget waits
forever ("coroutine 'AsyncServer.enter_room' was never awaited" in the log). Pinning
python-socketio below 5.10 would hold back its fixes; awaiting is the real fix.

What this channel changes, and nothing else (events, JWT auth, `socketio_path`, the
output channel are rasa's):

- `session_request` awaits `enter_room`, accepts only a well-formed session id (else it
  hands out a new one) and remembers, per connection, which session it joined.
- A user message is answered for the session its connection joined, never for a
  `session_id` the message merely claims; it is dropped when no session was requested.
- Incoming text follows the input policy every channel shares
  (`bot.channels.input_policy`): it must be a string, is cleaned of control characters
  and lone surrogates, cut to `max_message_chars` (default 2000), and bounded for the
  model; metadata is kept only within the policy's limits.
- Text starting with "/" reaches Rasa as an intent only when it is the payload of a
  button the bot has just offered in this conversation, or one of `allowed_payloads`
  (default: the widget's silent `/greet`). Rasa reads "/intent{...}" as an intent with
  entities and skips NLU, which would also skip the red-flag check; so anything else
  typed with a leading "/" is passed on as the words after it.
- `history_request` (our widget's addition) answers `session_history` with the
  conversation so far, read from the tracker store, so a page reload shows it again.
  Knowing the session id already lets a client join the room and read every reply; the
  history gives it nothing more.
- Every bot message carries the server's `timestamp` (in the history: its event's; live:
  when it was sent, which is never before its event's). A check-in
  (`EXTERNAL_check_in`) fired while nobody is connected goes to an empty room, but its
  messages are in the tracker: the widget keeps the timestamp of the last bot message
  the person has seen, and on their next visit shows what came after it as new (the
  check-in greets them). The marker lives in the browser and the timestamps come from
  the server, so several replicas need nothing shared and no client clock is trusted.

`credentials.yml`:

    bot.channels.socketio.SocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      max_message_chars: 2000   # optional
      allowed_payloads: [/greet] # optional
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, List, Set

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.input_policy import (
    LONG_MESSAGE_NOTE,
    MAX_JSON_DEPTH,
    MAX_WIDGET_MESSAGE_CHARS,
    clean_text,
    json_depth,
    prepare_for_rasa,
    safe_metadata,
)
from bot.channels.input_policy import offered_payloads as offered_payloads
from bot.channels.input_policy import valid_session_id as valid_session_id

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker
    from sanic import Blueprint, Sanic
    from socketio import AsyncServer

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = MAX_WIDGET_MESSAGE_CHARS
ALLOWED_PAYLOADS = ("/greet",)
MAX_HISTORY_MESSAGES = 200
SESSION_ID = "session_id"
SESSION_REQUEST_EVT = "session_request"
SESSION_CONFIRM_EVT = "session_confirm"
HISTORY_REQUEST_EVT = "history_request"
HISTORY_EVT = "session_history"
QUICK_REPLIES = "quick_replies"
TIMESTAMP = "timestamp"
PARAGRAPH_BREAK = "\n\n"


def bounded_text(text: Any, limit: int) -> str | None:
    """The cleaned message text cut to `limit` characters, or None when it is not a
    string."""
    cleaned = clean_text(text)
    if cleaned is None:
        return None
    if len(cleaned) > limit:
        logger.warning(f"socket.io message of {len(cleaned)} characters cut to {limit}")
        return cleaned[:limit]
    return cleaned


def _quick_replies(buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Buttons in the shape `SocketIOOutput.send_text_with_buttons` sends them."""
    return [
        {"content_type": "text", "title": b.get("title"), "payload": b.get("payload")}
        for b in buttons
        if isinstance(b, dict) and b.get("title") and b.get("payload")
    ]


def _image(event: BotUttered) -> str | None:
    """The image URL a bot message carries, if any."""
    image = (event.data or {}).get("image")
    return image if isinstance(image, str) and image else None


def history_messages(
    events: "Iterable[Event]", limit: int = MAX_HISTORY_MESSAGES
) -> List[Dict[str, Any]]:
    """The conversation as the widget showed it, oldest first, at most `limit` messages.

    Bot texts are split into paragraphs with buttons on the last one, exactly as
    `SocketIOOutput` sent them live, each with its event's `timestamp` (the widget tells
    new messages from seen ones by it). A user message that is a button payload shows
    the button's title, as the widget did when it was clicked; any other `/intent`
    payload (the widget's silent greeting) was never shown, so it is left out.
    """
    messages: List[Dict[str, Any]] = []
    titles: Dict[str, str] = {}
    for event in events:
        if isinstance(event, UserUttered) and event.text:
            text = event.text
            if text in titles:
                messages.append({"sender": "user", "text": titles[text]})
            elif not text.startswith("/"):
                messages.append({"sender": "user", "text": text})
            titles = {}
        elif isinstance(event, BotUttered) and not event.text and _image(event):
            # An image alone (the summary's chart), as `send_image_url` sent it.
            messages.append(
                {
                    "sender": "bot",
                    "attachment": {"type": "image", "payload": {"src": _image(event)}},
                    TIMESTAMP: event.timestamp,
                }
            )
        elif isinstance(event, BotUttered) and event.text:
            buttons = _quick_replies((event.data or {}).get("buttons") or [])
            parts = event.text.strip().split(PARAGRAPH_BREAK) or [event.text]
            for part in parts[:-1]:
                messages.append(
                    {"sender": "bot", "text": part, TIMESTAMP: event.timestamp}
                )
            messages.append(
                {
                    "sender": "bot",
                    "text": parts[-1],
                    QUICK_REPLIES: buttons,
                    TIMESTAMP: event.timestamp,
                }
            )
            titles = {b["payload"]: b["title"] for b in buttons}
    return messages[-limit:]


class TimestampedSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, each message stamped with the server's time.

    Why: the widget marks what the person has seen by the server's clock, so a check-in
    sent while they were away shows as new on their next visit and a reply they read
    live does not (see the module docstring).
    """

    async def _send_message(self, socket_id: str, response: Any) -> None:
        """Emits `response` to the session's room with a `timestamp`."""
        stamped = {**response, TIMESTAMP: time.time()}
        await super()._send_message(socket_id, stamped)


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io input channel with working session persistence and history."""

    def __init__(
        self, *args: Any, max_message_chars: int = MAX_MESSAGE_CHARS, **kwargs: Any
    ):
        """Same options as rasa's channel, plus the longest message text accepted."""
        super().__init__(*args, **kwargs)
        self.max_message_chars = max_message_chars
        self.allowed_payloads: Set[str] = set(ALLOWED_PAYLOADS)
        self._app: "Sanic" | None = None

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> "SocketIOInput":
        """Rasa's options from `credentials.yml`, plus `max_message_chars`."""
        channel = super().from_credentials(credentials)
        assert isinstance(channel, cls)
        credentials = credentials or {}
        limit = credentials.get("max_message_chars", MAX_MESSAGE_CHARS)
        channel.max_message_chars = int(limit)
        allowed = credentials.get("allowed_payloads", ALLOWED_PAYLOADS)
        channel.allowed_payloads = {str(payload) for payload in allowed or ()}
        return channel

    def get_output_channel(self) -> "SocketIOOutput | None":
        """The output for external events (a due check-in, `output_channel=latest`):
        stamped like live replies."""
        if self.sio is None:
            return super().get_output_channel()  # type: ignore[return-value]
        return TimestampedSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> "Blueprint":
        """Rasa's blueprint, with our handlers for sessions, messages and history.

        `sio.on(event, handler=...)` replaces the handler rasa registered for the same
        event, so connect, disconnect and JWT auth stay exactly rasa's.
        """
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None

        async def remember_app(app: "Sanic", _loop: Any) -> None:
            self._app = app

        socketio_webhook.listener("before_server_start")(remember_app)

        async def session_request(sid: str, data: Any) -> None:
            await self._join_session(sio, sid, data)

        async def handle_message(sid: str, data: Any) -> None:
            await self._handle_message(sio, sid, data, on_new_message)

        async def history_request(sid: str, _data: Any = None) -> None:
            await self._send_history(sio, sid)

        sio.on(SESSION_REQUEST_EVT, handler=session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        sio.on(HISTORY_REQUEST_EVT, handler=history_request, namespace=self.namespace)
        return socketio_webhook

    async def _join_session(self, sio: "AsyncServer", sid: str, data: Any) -> None:
        """Confirms the client's session: its own if well-formed, else a new one."""
        proposed = data.get(SESSION_ID) if isinstance(data, dict) else None
        session_id = valid_session_id(proposed) or uuid.uuid4().hex
        previous = await self._session_of(sio, sid)
        if self.session_persistence:
            if previous and previous != session_id:  # "New chat" on an open connection
                await sio.leave_room(sid, previous, namespace=self.namespace)
            await sio.enter_room(sid, session_id, namespace=self.namespace)
        await sio.save_session(sid, {SESSION_ID: session_id}, namespace=self.namespace)
        await sio.emit(
            SESSION_CONFIRM_EVT, session_id, room=sid, namespace=self.namespace
        )
        logger.debug(f"socket.io connection {sid} joined session {session_id}.")

    async def _session_of(self, sio: "AsyncServer", sid: str) -> str | None:
        """The session this connection joined by `session_request`, if any."""
        session = await sio.get_session(sid, namespace=self.namespace)
        return session.get(SESSION_ID)

    async def _handle_message(
        self,
        sio: "AsyncServer",
        sid: str,
        data: Any,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        """Passes a checked, bounded text message to rasa, as the connection's
        session (`bot.channels.input_policy`)."""
        if not isinstance(data, dict) or json_depth(data) > MAX_JSON_DEPTH:
            logger.warning(f"socket.io message from {sid} ignored: not a flat object.")
            return
        text = bounded_text(data.get("message", ""), self.max_message_chars)
        if text is None:
            logger.warning(
                f"socket.io message from {sid} ignored: text is not a string."
            )
            return
        if self.session_persistence:
            sender_id = await self._session_of(sio, sid)
            if sender_id is None:
                logger.warning(
                    f"socket.io message from {sid} ignored: no "
                    f"`{SESSION_REQUEST_EVT}` came first."
                )
                return
        else:
            sender_id = sid
        for_rasa = await prepare_for_rasa(
            text, sender_id, self._tracker_store(), self.allowed_payloads
        )
        output = TimestampedSocketIOOutput(sio, self.bot_message_evt)
        message = UserMessage(
            for_rasa.text,
            output,
            sender_id,
            input_channel=self.name(),
            metadata=safe_metadata(data.get(self.metadata_key)),
        )
        await on_new_message(message)
        if for_rasa.left_out:
            await output.send_text_message(sender_id, LONG_MESSAGE_NOTE)

    def _tracker_store(self) -> "TrackerStore | None":
        """The Rasa server's tracker store, once the server runs."""
        agent = getattr(self._app.ctx, "agent", None) if self._app else None
        return getattr(agent, "tracker_store", None)

    async def _tracker(self, sender_id: str) -> DialogueStateTracker | None:
        """The stored conversation of `sender_id`, once the Rasa server runs."""
        tracker_store = self._tracker_store()
        if tracker_store is None:
            return None
        return await tracker_store.retrieve(sender_id)

    async def _send_history(self, sio: "AsyncServer", sid: str) -> None:
        """Emits the conversation so far of the connection's session to it alone."""
        session_id = await self._session_of(sio, sid)
        sender_id = session_id if self.session_persistence else sid
        messages: List[Dict[str, Any]] = []
        tracker = await self._tracker(sender_id) if sender_id else None
        if tracker is not None:
            messages = history_messages(tracker.events_after_latest_restart())
        await sio.emit(
            HISTORY_EVT,
            {SESSION_ID: session_id, "messages": messages},
            room=sid,
            namespace=self.namespace,
        )

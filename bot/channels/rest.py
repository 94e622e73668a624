"""The REST channel with its input checked: a clear 4xx or a kind reply, never a 5xx.

Why: rasa's stock REST channel answers an empty body with a 500, a missing message with
an empty 200, hands any length of text to the model and reads a typed "/intent{...}"
as an intent, skipping understanding and the red-flag check. People (and broken
clients) send all of these; each gets a plain answer here, by the input policy all
channels share (`bot.channels.input_policy`), and message texts are never logged.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as StockRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.input_policy import (
    LONG_MESSAGE_NOTE,
    MAX_REST_MESSAGE_CHARS,
    RejectedInputError,
    check_sender_id,
    clean_text,
    load_json,
    prepare_for_rasa,
)

if TYPE_CHECKING:
    from rasa.core.tracker_store import TrackerStore

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = MAX_REST_MESSAGE_CHARS
EMPTY_MESSAGE_REPLY = (
    "Your message came through empty. Tell me what's going on: where it hurts, what it "
    "feels like, and anything you've stopped or cut down recently. If it's an "
    "emergency, call your local emergency number now."
)

TROUBLE_REPLY = (
    "Sorry, I'm having a technical problem and can't answer right now. If this is an "
    "emergency, call your local emergency number now (911 in the US and Canada, 999 in "
    "the UK, 112 in the EU)."
)

NO_ANSWER_REPLY = (
    "Sorry, I didn't manage to answer that one. Could you say it again in other words? "
    "If this is an emergency, call your local emergency number now."
)
"""Said when the bot produced nothing for a message (review 7: a conversation looped to
Rasa's prediction limit, then answered nothing): never a silent reply."""

InvalidRequestError = RejectedInputError
"""The name this module used before the shared input policy."""


def parse_message_body(
    body: bytes, max_chars: int = MAX_MESSAGE_CHARS
) -> Tuple[str, str]:
    """The sender id and cleaned message text of a REST request body.

    Raises:
        RejectedInputError: not a JSON object within the policy's size and depth, a
            sender id the policy refuses, a message that is not a string (400), or
            one over `max_chars` (413).
    """
    payload = load_json(body)
    if not isinstance(payload, dict):
        raise RejectedInputError("The request body must be a JSON object.")
    sender = check_sender_id(payload.get("sender"), "sender")
    raw_text = payload.get("message")
    text = clean_text(raw_text)
    if text is None or not isinstance(raw_text, str):
        raise RejectedInputError("'message' must be a string.")
    if len(raw_text) > max_chars:
        raise RejectedInputError(
            f"'message' is longer than {max_chars} characters.", status=413
        )
    return sender, text


def _error(reason: RejectedInputError) -> HTTPResponse:
    return response.json(
        {"status": reason.status, "message": str(reason)}, status=reason.status
    )


def _tracker_store(request: Request) -> "TrackerStore | None":
    """The Rasa server's tracker store, to see which buttons were just offered."""
    agent = getattr(request.app.ctx, "agent", None)
    return getattr(agent, "tracker_store", None)


class RestInput(StockRestInput):
    """`POST /webhooks/rest/webhook` with checked input; same JSON in and out as
    rasa's."""

    def __init__(self, max_message_chars: int = MAX_MESSAGE_CHARS) -> None:
        self.max_message_chars = max_message_chars

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "RestInput":
        """Reads the optional `max_message_chars` from credentials.yml."""
        credentials = credentials or {}
        return cls(int(credentials.get("max_message_chars", MAX_MESSAGE_CHARS)))

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        """The health route and the checked webhook."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text = parse_message_body(request.body, self.max_message_chars)
            except RejectedInputError as reason:
                logger.info("REST request refused: %s", reason)
                return _error(reason)
            for_rasa = await prepare_for_rasa(text, sender, _tracker_store(request))
            if not for_rasa.text.strip():
                return response.json(
                    [{"recipient_id": sender, "text": EMPTY_MESSAGE_REPLY}]
                )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        for_rasa.text,
                        collector,
                        sender,
                        input_channel=self.name(),
                        metadata=self.get_metadata(request),
                    )
                )
            except Exception:  # noqa: BLE001 - the person still gets an answer
                logger.exception("REST message could not be handled (text not logged).")
                return response.json([{"recipient_id": sender, "text": TROUBLE_REPLY}])
            if not collector.messages:
                logger.error("No reply for a REST message (text not logged).")
                collector.messages.append(
                    {"recipient_id": sender, "text": NO_ANSWER_REPLY}
                )
            if for_rasa.left_out:
                collector.messages.append(
                    {"recipient_id": sender, "text": LONG_MESSAGE_NOTE}
                )
            return response.json(collector.messages)

        return webhook

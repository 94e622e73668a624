"""The REST channel with its input checked: a clear 4xx or a kind reply, never a 5xx.

Why: rasa's stock REST channel answers an empty body with a 500, a missing message with
an empty 200, and hands any length of text to the model. People (and broken clients)
send all of these; each gets a plain answer here, and message texts are never logged.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as StockRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 10_000
MAX_SENDER_CHARS = 128
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


class InvalidRequestError(ValueError):
    """The request can't be a message; the text says why, for the 4xx answer."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


def parse_message_body(
    body: bytes, max_chars: int = MAX_MESSAGE_CHARS
) -> Tuple[str, str]:
    """The sender id and message text of a REST request body, or
    `InvalidRequestError`."""
    if not body:
        raise InvalidRequestError(
            "The request body is empty; send JSON with 'sender' and 'message'."
        )
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidRequestError("The request body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise InvalidRequestError("The request body must be a JSON object.")
    sender = payload.get("sender")
    text = payload.get("message")
    if (
        not isinstance(sender, str)
        or not sender.strip()
        or len(sender) > MAX_SENDER_CHARS
    ):
        raise InvalidRequestError(
            f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} "
            "characters."
        )
    if not isinstance(text, str):
        raise InvalidRequestError("'message' must be a string.")
    if len(text) > max_chars:
        raise InvalidRequestError(
            f"'message' is longer than {max_chars} characters.", status=413
        )
    return sender, text


def _error(reason: InvalidRequestError) -> HTTPResponse:
    return response.json(
        {"status": reason.status, "message": str(reason)}, status=reason.status
    )


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
            except InvalidRequestError as reason:
                logger.info("REST request refused: %s", reason)
                return _error(reason)
            if not text.strip():
                return response.json(
                    [{"recipient_id": sender, "text": EMPTY_MESSAGE_REPLY}]
                )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender,
                        input_channel=self.name(),
                        metadata=self.get_metadata(request),
                    )
                )
            except Exception:  # noqa: BLE001 - the person still gets an answer
                logger.exception("REST message could not be handled (text not logged).")
                return response.json([{"recipient_id": sender, "text": TROUBLE_REPLY}])
            return response.json(collector.messages)

        return webhook

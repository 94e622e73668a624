"""Reading Telegram updates: what arrived, from which chat, and what Rasa should see.

Pure functions and plain data, so the webhook can answer 400 for anything malformed
(never 500) and the rules are testable without a server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Type, TypeVar

from bot.channels.input_policy import (
    MAX_TELEGRAM_MESSAGE_CHARS,
    JsonTooComplexError,
    RejectedInputError,
    check_sender_id,
    load_json,
    read_as_typed,
)

MAX_INCOMING_CHARS = MAX_TELEGRAM_MESSAGE_CHARS

# Telegram commands a person can type or tap in the menu, as the Rasa intent they mean.
# `/start` is what Telegram sends when someone opens the bot for the first time.
TELEGRAM_COMMANDS: Dict[str, str] = {
    "/start": "/greet",
    "/restart": "/restart",
}
# "/start@TriageBot" in group chats: the command, then the bot it is addressed to.
_ADDRESSED_COMMAND = re.compile(r"^(/\w+)@(\w+)\b")

T = TypeVar("T")


class MalformedUpdateError(ValueError):
    """The request body is not a Telegram update we can act on (answered with 400)."""


class IgnoredUpdateError(ValueError):
    """A body too large or nested too deeply to read (acknowledged with 200 and
    dropped: Telegram never sends one, and would re-send it after a 4xx)."""


@dataclass(frozen=True)
class IncomingUpdate:
    """One update reduced to what the channel acts on.

    Attributes:
        update_id: Telegram's id of the update (increasing; used to drop re-deliveries).
        chat_id: where to answer; also the Rasa conversation id.
        text: the typed text, a photo's caption, or a pressed button's `callback_data`;
            None when the person sent something without text (a sticker, a voice note).
        callback_query_id: set when a button was pressed; Telegram waits for an answer.
        message_id: the message whose button was pressed, to remove its keyboard.
    """

    update_id: int
    chat_id: int
    text: str | None
    callback_query_id: str | None = None
    message_id: int | None = None


def parse_update(body: bytes) -> IncomingUpdate | None:
    """Reads a webhook request body.

    Returns:
        The update, or None for kinds of update the bot does not handle (they are
        acknowledged and dropped so Telegram does not retry them).

    Raises:
        MalformedUpdateError: not JSON, or a field the bot needs is missing or of
            the wrong type, or a chat id the input policy refuses.
        IgnoredUpdateError: too large or nested too deeply (the input policy's limits).
    """
    try:
        update = load_json(body)
    except JsonTooComplexError as error:
        raise IgnoredUpdateError(str(error)) from None
    except RejectedInputError as error:
        raise MalformedUpdateError(str(error)) from None
    if not isinstance(update, dict):
        raise MalformedUpdateError("body is not a JSON object")
    update_id = _field(update, "update_id", int, "update")
    if "callback_query" in update:
        return _button_press(
            update_id, _field(update, "callback_query", dict, "update")
        )
    for kind in ("message", "edited_message"):
        if kind in update:
            return _message(update_id, _field(update, kind, dict, "update"))
    return None


def typed_text_for_rasa(text: str, bot_username: str | None) -> str:
    """What Rasa should see for text a person typed.

    Telegram commands become the intent they stand for. Any other leading "/" is
    dropped (the input policy's `read_as_typed`), because Rasa reads "/intent{...}" as
    an intent with entities and skips NLU, which would also skip the red-flag check:
    only the bot's own buttons may send intents, and on Telegram they arrive as button
    presses, never as typed text.
    """
    text = text.strip()
    addressed = _ADDRESSED_COMMAND.match(text)
    if addressed and _is_this_bot(addressed.group(2), bot_username):
        text = addressed.group(1) + text[addressed.end() :]
    command = TELEGRAM_COMMANDS.get(text.lower())
    if command is not None:
        return command
    return read_as_typed(text)


def is_too_long(text: str) -> bool:
    """More than Telegram lets a person send: not read, answered with a kind reply."""
    return len(text) > MAX_INCOMING_CHARS


def _is_this_bot(addressee: str, bot_username: str | None) -> bool:
    return bot_username is None or addressee.lower() == bot_username.lstrip("@").lower()


def _message(update_id: int, message: Mapping[str, Any]) -> IncomingUpdate:
    chat = _field(message, "chat", dict, "message")
    text = message.get("text", message.get("caption"))
    if text is not None and not isinstance(text, str):
        raise MalformedUpdateError("message.text is not a string")
    return IncomingUpdate(
        update_id=update_id,
        chat_id=_chat_id(_field(chat, "id", int, "message.chat")),
        text=text,
    )


def _button_press(update_id: int, query: Mapping[str, Any]) -> IncomingUpdate:
    """A pressed inline button; the chat is the message's, else the person's own."""
    query_id = _field(query, "id", str, "callback_query")
    data = query.get("data")
    if data is not None and not isinstance(data, str):
        raise MalformedUpdateError("callback_query.data is not a string")
    message = query.get("message")
    if isinstance(message, dict):
        chat = _field(message, "chat", dict, "callback_query.message")
        chat_id = _field(chat, "id", int, "callback_query.message.chat")
        message_id = message.get("message_id")
    else:
        sender = _field(query, "from", dict, "callback_query")
        chat_id = _field(sender, "id", int, "callback_query.from")
        message_id = None
    return IncomingUpdate(
        update_id=update_id,
        chat_id=_chat_id(chat_id),
        text=data,
        callback_query_id=query_id,
        message_id=message_id if isinstance(message_id, int) else None,
    )


def _chat_id(chat_id: int) -> int:
    """The chat id, which becomes the conversation id, within the input policy."""
    try:
        check_sender_id(str(chat_id), "chat.id")
    except RejectedInputError as error:
        raise MalformedUpdateError(str(error)) from None
    return chat_id


def _field(mapping: Mapping[str, Any], key: str, kind: Type[T], where: str) -> T:
    """`mapping[key]`, which must be a `kind` (a bool is not an int here)."""
    value = mapping.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise MalformedUpdateError(f"{where}.{key} is missing or not {kind.__name__}")
    return value

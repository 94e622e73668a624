"""Replies sized for a phone: no message bubble longer than about 600 characters.

Why here: the bot's replies come from many actions and responses, and what reads well on
a laptop is a wall of text on a phone at 3am. Rather than police every writer, the Rasa
server splits any text over `MAX_BUBBLE_CHARS` into several messages at the largest
break that fits (paragraph, then line, then word), on every channel, before the channel
sees it. Buttons and other parts go with the last piece, so they stay under the text
they answer. The conversation's record keeps the reply whole.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Text

from bot.channels.telegram_format import split_text

MAX_BUBBLE_CHARS = 600

SendResponse = Callable[[Any, Text, Dict[Text, Any]], Awaitable[None]]


def in_bubbles(send_response: SendResponse) -> SendResponse:
    """`OutputChannel.send_response`, with a long text sent as several messages."""

    async def send_in_bubbles(
        channel: Any, recipient_id: Text, message: Dict[Text, Any]
    ) -> None:
        text = message.get("text")
        if isinstance(text, str) and len(text) > MAX_BUBBLE_CHARS:
            pieces = split_text(text, MAX_BUBBLE_CHARS)
            for piece in pieces[:-1]:
                await channel.send_text_message(recipient_id, piece)
            message = {**message, "text": pieces[-1]}
        await send_response(channel, recipient_id, message)

    send_in_bubbles.__wrapped__ = send_response  # type: ignore[attr-defined]
    return send_in_bubbles


def install() -> None:
    """Splits long replies on every output channel of this process (idempotent)."""
    from rasa.core.channels.channel import OutputChannel

    if not hasattr(OutputChannel.send_response, "__wrapped__"):
        OutputChannel.send_response = in_bubbles(  # type: ignore[method-assign]
            OutputChannel.send_response
        )

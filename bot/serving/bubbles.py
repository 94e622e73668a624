"""Replies sized for a phone: no message bubble longer than about 600 characters.

Why here: the bot's replies come from many actions and responses, and what reads well on
a laptop is a wall of text on a phone at 3am. Rather than police every writer, the Rasa
server splits any text over `MAX_BUBBLE_CHARS` into several messages at the largest
break that fits (paragraph, then line, then word), on every channel, before the channel
sees it. Buttons and other parts go with the last piece, so they stay under the text
they answer. The conversation's record keeps the reply whole.

A short tail is not a bubble of its own: a "Source:" line, or a last piece under
`SHORT_TAIL_CHARS`, stays with the text before it. Review 86 counted walls of five to
nine bubbles, several of them a lone "Sources: ..." line cut off the answer it cites.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List, Text

from bot.channels.telegram_format import split_text

MAX_BUBBLE_CHARS = 600
SHORT_TAIL_CHARS = 250
"""A bubble may run to MAX_BUBBLE_CHARS + SHORT_TAIL_CHARS to keep a short tail."""
SOURCE_LINE_STARTS = ("Source:", "Sources:")

SendResponse = Callable[[Any, Text, Dict[Text, Any]], Awaitable[None]]


def in_bubbles(send_response: SendResponse) -> SendResponse:
    """`OutputChannel.send_response`, with a long text sent as several messages."""

    async def send_in_bubbles(
        channel: Any, recipient_id: Text, message: Dict[Text, Any]
    ) -> None:
        text = message.get("text")
        if isinstance(text, str) and len(text) > MAX_BUBBLE_CHARS:
            pieces = without_short_tails(split_text(text, MAX_BUBBLE_CHARS))
            for piece in pieces[:-1]:
                await channel.send_text_message(recipient_id, piece)
            message = {**message, "text": pieces[-1]}
        await send_response(channel, recipient_id, message)

    send_in_bubbles.__wrapped__ = send_response  # type: ignore[attr-defined]
    return send_in_bubbles


def without_short_tails(pieces: List[str]) -> List[str]:
    """`pieces` with a source line, or a short last piece, joined to the piece before
    it: a citation belongs under what it cites, and a two-line bubble after a full one
    reads as another message."""
    joined: List[str] = []
    for index, piece in enumerate(pieces):
        is_tail = piece.startswith(SOURCE_LINE_STARTS) or (
            index == len(pieces) - 1 and len(piece) < SHORT_TAIL_CHARS
        )
        if (
            joined
            and is_tail
            and len(piece) <= SHORT_TAIL_CHARS
            and len(joined[-1]) <= MAX_BUBBLE_CHARS
        ):
            joined[-1] = f"{joined[-1]}\n{piece}"
        else:
            joined.append(piece)
    return joined


def install() -> None:
    """Splits long replies on every output channel of this process (idempotent)."""
    from rasa.core.channels.channel import OutputChannel

    if not hasattr(OutputChannel.send_response, "__wrapped__"):
        OutputChannel.send_response = in_bubbles(  # type: ignore[method-assign]
            OutputChannel.send_response
        )

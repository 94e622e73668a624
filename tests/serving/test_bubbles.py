"""No reply bubble over about 600 characters, on any channel: long texts are split at
paragraph, line or word breaks, with the buttons under the last piece."""

from __future__ import annotations

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel

from bot.serving import bubbles


@pytest.fixture(autouse=True)
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """`bubbles.install()` for this test only (the class is shared by every test)."""
    monkeypatch.setattr(OutputChannel, "send_response", OutputChannel.send_response)
    bubbles.install()


LONG_REPLY = "\n\n".join(
    f"Step {n}: drink water with a pinch of salt or an oral rehydration drink, "
    "stretch the cramping muscle gently for thirty seconds, and rest with a warm "
    "pack on it for twenty minutes." * 2
    for n in range(1, 6)
)
BUTTONS = [{"title": "More tips", "payload": "/ask_more"}]


async def test_a_long_reply_arrives_in_bubbles_with_buttons_under_the_last() -> None:
    channel = CollectingOutputChannel()

    await channel.send_response("person", {"text": LONG_REPLY, "buttons": BUTTONS})

    texts = [m["text"] for m in channel.messages]
    assert len(texts) > 1
    assert all(len(text) <= bubbles.MAX_BUBBLE_CHARS for text in texts)
    assert " ".join(" ".join(t.split()) for t in texts) == " ".join(LONG_REPLY.split())
    assert [bool(m.get("buttons")) for m in channel.messages] == [False] * (
        len(texts) - 1
    ) + [True]


async def test_a_short_reply_is_one_bubble() -> None:
    bubbles.install()  # idempotent
    channel = CollectingOutputChannel()

    await channel.send_response("person", {"text": "Okay.", "buttons": BUTTONS})

    assert channel.messages == [
        {"recipient_id": "person", "text": "Okay.", "buttons": BUTTONS}
    ]

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
    assert all(
        len(text) <= bubbles.MAX_BUBBLE_CHARS + bubbles.SHORT_TAIL_CHARS + 1
        for text in texts
    )
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


ANSWER = (
    "Heat helps a cramping muscle relax: a warm bath or a wrapped hot-water bottle for "
    "up to twenty minutes at a time, never on numb skin and never while drowsy. " * 3
).strip()


async def test_a_source_line_stays_under_the_answer_it_cites() -> None:
    channel = CollectingOutputChannel()
    source = (
        "Sources: NHS: Leg cramps; NHS: Sprains and strains; Cleveland Clinic: Should "
        "you use ice or heat for pain?; StatPearls: Opioid Withdrawal"
    )

    await channel.send_response("person", {"text": f"{ANSWER}\n{source}"})

    texts = [m["text"] for m in channel.messages]
    assert len(ANSWER) > bubbles.MAX_BUBBLE_CHARS - len(source)
    assert not any(text.startswith("Source") for text in texts)
    assert texts[-1].endswith(source)


async def test_a_long_second_part_is_still_a_bubble_of_its_own() -> None:
    channel = CollectingOutputChannel()

    await channel.send_response("person", {"text": f"{ANSWER}\n\n{ANSWER}"})

    assert len(channel.messages) == 2

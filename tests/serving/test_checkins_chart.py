"""The clinician summary's chart of check-in scores (actions/checkin_chart.py): a PNG
on the widget, where it shows, the text trend alone elsewhere; and the widget's
history brings the chart back after a reload (bot/channels/socketio.py)."""

from __future__ import annotations

import base64
import struct
from typing import Any, Dict, List

import pytest
from rasa.shared.core.events import BotUttered
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.checkin_chart import DATA_URL_PREFIX, chart_message, chart_png
from actions.summary import ActionClinicianSummary
from bot.channels.socketio import history_messages

SCORES = [
    {"day": 2, "date": "2026-03-03", "scale": "sows", "total": 16, "max": 30},
    {"day": 3, "date": "2026-03-04", "scale": "sows", "total": 12, "max": 30},
    {"day": 4, "date": "2026-03-05", "scale": "sows", "total": 15, "max": 30},
]


def tracker(channel: str, scores: List[Dict[str, Any]]) -> Tracker:
    events = [{"event": "user", "text": "summary please", "input_channel": channel}]
    return Tracker(
        sender_id="chart-person",
        slots={"checkin_scores": scores},
        latest_message={"text": "summary please", "intent": {}, "entities": []},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def png_size(png: bytes) -> tuple:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_the_chart_is_a_small_png() -> None:
    png = chart_png([("SOWS-Gossop", 30, SCORES)])
    assert png_size(png) == (480, 260)
    assert len(png) < 60_000


async def test_the_widget_gets_the_chart_under_the_summary() -> None:
    dispatcher = CollectingDispatcher()
    await ActionClinicianSummary().run(dispatcher, tracker("socketio", SCORES), {})
    text, image = dispatcher.messages
    assert "Day 2: 16/30, Day 3: 12/30 ↓, Day 4: 15/30 ↑" in text["text"]
    assert image["image"].startswith(DATA_URL_PREFIX)
    png = base64.b64decode(image["image"][len(DATA_URL_PREFIX) :])
    assert png_size(png) == (480, 260)


@pytest.mark.parametrize("channel", ["rest", "telegram", "cmdline"])
async def test_other_channels_get_the_text_trend_only(channel: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionClinicianSummary().run(dispatcher, tracker(channel, SCORES), {})
    assert len(dispatcher.messages) == 1
    assert "Day 4: 15/30 ↑" in dispatcher.messages[0]["text"]


def test_no_scores_no_chart() -> None:
    assert chart_message(tracker("socketio", [])) is None


def test_the_history_brings_the_chart_back() -> None:
    image = DATA_URL_PREFIX + "iVBORw0KGgo="
    events = [
        BotUttered("Summary for your doctor", timestamp=1.0),
        BotUttered(None, data={"image": image}, timestamp=2.0),
    ]
    assert history_messages(events)[-1] == {
        "sender": "bot",
        "attachment": {"type": "image", "payload": {"src": image}},
        "timestamp": 2.0,
    }

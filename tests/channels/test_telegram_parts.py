"""The Telegram channel's parts, without Rasa: reading updates, shaping replies, the
configuration, the credentials file, and the Bot API client (against the fake API)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from rasa.shared.exceptions import RasaException

from bot.channels.telegram import TelegramInput, TelegramSettings
from bot.channels.telegram_api import TelegramApiError, TelegramBotApi
from bot.channels.telegram_format import (
    MAX_CALLBACK_DATA_BYTES,
    CallbackPayloads,
    inline_keyboard,
    split_text,
)
from bot.channels.telegram_updates import (
    MalformedUpdateError,
    parse_update,
    typed_text_for_rasa,
)
from bot.tooling.credentials import TELEGRAM_CHANNEL, write_credentials
from tests.channels.fake_telegram import FakeTelegram
from tests.helpers import free_port

TOKEN = "42:unit-test-token"
SECRET = "unit-test-secret"
CHAT = {"id": 7, "type": "private"}


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(TOKEN, "UnitBot").start()
    try:
        yield fake
    finally:
        fake.stop()


def body(update: Dict[str, Any]) -> bytes:
    return json.dumps(update).encode("utf-8")


# Reading updates


def test_a_text_message_is_read_with_its_chat() -> None:
    update = parse_update(
        body({"update_id": 1, "message": {"chat": CHAT, "text": "hi"}})
    )
    assert update is not None
    assert (update.chat_id, update.text, update.callback_query_id) == (7, "hi", None)


def test_an_edited_message_is_read_like_a_new_one() -> None:
    edited = {"update_id": 2, "edited_message": {"chat": CHAT, "text": "my calves"}}
    update = parse_update(body(edited))
    assert update is not None and update.text == "my calves"


def test_a_photo_caption_is_read_and_a_sticker_has_no_text() -> None:
    photo = {"chat": CHAT, "photo": [{"file_id": "x"}], "caption": "is this swollen"}
    sticker = {"chat": CHAT, "sticker": {"file_id": "y"}}
    captioned = parse_update(body({"update_id": 3, "message": photo}))
    plain = parse_update(body({"update_id": 4, "message": sticker}))
    assert captioned is not None and captioned.text == "is this swollen"
    assert plain is not None and plain.text is None


def test_a_button_press_carries_its_data_chat_and_message() -> None:
    press = {
        "id": "q1",
        "from": {"id": 7},
        "message": {"message_id": 55, "chat": CHAT},
        "data": "/deny",
    }
    update = parse_update(body({"update_id": 5, "callback_query": press}))
    assert update is not None
    assert (update.chat_id, update.text) == (7, "/deny")
    assert (update.callback_query_id, update.message_id) == ("q1", 55)


def test_update_kinds_the_bot_does_not_handle_are_ignored() -> None:
    assert parse_update(body({"update_id": 6, "my_chat_member": {}})) is None


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b'"text"',
        body({"update_id": "1", "message": {"chat": CHAT, "text": "hi"}}),
        body({"update_id": True, "message": {"chat": CHAT, "text": "hi"}}),
        body({"update_id": 1, "message": "hi"}),
        body({"update_id": 1, "message": {"chat": {"id": "7"}, "text": "hi"}}),
        body({"update_id": 1, "message": {"chat": CHAT, "text": ["hi"]}}),
        body({"update_id": 1, "callback_query": {"id": "q", "data": "/deny"}}),
        body({"update_id": 1, "callback_query": {"id": "q", "data": 5, "from": {}}}),
    ],
)
def test_malformed_updates_are_refused(raw: bytes) -> None:
    with pytest.raises(MalformedUpdateError):
        parse_update(raw)


@pytest.mark.parametrize(
    ("typed", "for_rasa"),
    [
        ("/start", "/greet"),
        ("/start@UnitBot", "/greet"),
        ("/restart", "/restart"),
        ("/deny", "no"),
        ('/inform{"substance_class": "none"}', "none"),
        ("  day 3 off oxy  ", "day 3 off oxy"),
    ],
)
def test_typed_text_cannot_send_intents_except_telegram_commands(
    typed: str, for_rasa: str
) -> None:
    assert typed_text_for_rasa(typed, "UnitBot") == for_rasa


# Shaping replies


def test_a_long_reply_is_split_at_paragraphs_within_telegrams_limit() -> None:
    paragraph = "Stretch gently and drink water. " * 40
    text = "\n\n".join([paragraph.strip()] * 8)
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(utf16_units(piece) <= 4096 for piece in pieces)
    assert "\n\n".join(pieces) == text


def test_emoji_count_twice_towards_the_limit() -> None:
    pieces = split_text("🚨" * 3000)
    assert all(utf16_units(piece) <= 4096 for piece in pieces)
    assert "".join(pieces) == "🚨" * 3000


def test_a_short_payload_is_the_callback_data_and_a_long_one_gets_a_key() -> None:
    payloads = CallbackPayloads()
    long_payload = '/inform{"body_location": "lower_back", "symptom": "spasm", "x": 1}'
    markup = inline_keyboard(
        [
            {"title": "No", "payload": "/deny"},
            {"title": "Lower back", "payload": long_payload},
        ],
        payloads,
    )
    short_key, long_key = (b["callback_data"] for b in markup["inline_keyboard"][0])
    assert short_key == "/deny"
    assert len(long_key.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES < len(long_payload)
    assert payloads.resolve(long_key) == long_payload
    assert payloads.resolve("/deny") == "/deny"
    assert CallbackPayloads().resolve(long_key) is None  # e.g. after a restart


def test_long_button_titles_get_wider_rows() -> None:
    titles = ["Stretches", "Heat or cold?", "Pain relief", "Sleep", "Cravings"]
    buttons = [{"title": t, "payload": f"/ask_{i}"} for i, t in enumerate(titles)]
    rows = inline_keyboard(buttons, CallbackPayloads())["inline_keyboard"]
    assert [len(row) for row in rows] == [2, 2, 1]


# Configuration


def test_settings_come_from_the_environment() -> None:
    settings = TelegramSettings.from_env(
        {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": SECRET}
    )
    assert settings.api_base == "https://api.telegram.org"
    assert settings.webhook_url is None


@pytest.mark.parametrize(
    "environment",
    [
        {"TELEGRAM_SECRET_TOKEN": SECRET},
        {"TELEGRAM_TOKEN": TOKEN},
        {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": "has spaces"},
    ],
)
def test_the_channel_refuses_to_start_without_token_or_valid_secret(
    environment: Dict[str, str],
) -> None:
    with pytest.raises(RasaException):
        TelegramSettings.from_env(environment)


def test_credentials_name_telegram_only_when_its_token_is_set(tmp_path: Path) -> None:
    base = tmp_path / "credentials.yml"
    base.write_text("rest:\n", encoding="utf-8")
    without = write_credentials(base, tmp_path / "a.yml", {})
    with_token = write_credentials(base, tmp_path / "b.yml", {"TELEGRAM_TOKEN": TOKEN})
    assert TELEGRAM_CHANNEL not in without
    assert with_token[TELEGRAM_CHANNEL] == {}
    assert TOKEN not in (tmp_path / "b.yml").read_text(encoding="utf-8")


# The Bot API client


def test_the_client_works_from_one_event_loop_after_another(
    fake_telegram: FakeTelegram,
) -> None:
    """The stock connector's bug: its session belonged to a loop that had ended."""
    api = TelegramBotApi(TOKEN, fake_telegram.base_url)

    async def get_me() -> Any:
        return await api.call("getMe", {})

    assert asyncio.run(get_me())["username"] == "UnitBot"
    assert asyncio.run(get_me())["username"] == "UnitBot"
    asyncio.run(api.close())


async def test_an_api_error_is_raised_without_the_token(
    fake_telegram: FakeTelegram,
) -> None:
    api = TelegramBotApi(TOKEN, fake_telegram.base_url)
    try:
        with pytest.raises(TelegramApiError) as error:
            await api.call("sendMessage", {"chat_id": 7, "text": ""})
        assert error.value.error_code == 400
        offline = TelegramBotApi(TOKEN, f"http://127.0.0.1:{free_port()}")
        with pytest.raises(TelegramApiError) as unreachable:
            await offline.call("getMe", {})
        await offline.close()
        assert TOKEN not in str(unreachable.value)
    finally:
        await api.close()


async def test_an_unreachable_api_at_start_up_is_only_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    channel = TelegramInput(
        TelegramSettings(
            token=TOKEN,
            secret_token=SECRET,
            webhook_url="https://bot.example.test/webhooks/telegram/webhook",
            api_base=f"http://127.0.0.1:{free_port()}",
        )
    )
    with caplog.at_level(logging.WARNING, logger="bot.channels.telegram"):
        await channel._register_webhook()
    await channel.api.close()
    assert "webhook not set" in caplog.text

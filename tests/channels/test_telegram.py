"""The Telegram channel for real: `rasa run` with the trained model, a real action
server and the SQL tracker store, talking to a fake Bot API on loopback. The tests post
the update JSON Telegram posts and check what a person would see in their chat."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests
import yaml

from bot.tooling.credentials import TELEGRAM_CHANNEL, write_credentials
from tests.channels.fake_telegram import ApiCall, FakeTelegram
from tests.helpers import (
    PROJECT_ROOT,
    RASA,
    free_port,
    start_process,
    stop_process,
    wait_until_healthy,
)

pytestmark = [pytest.mark.servers, pytest.mark.model]

MODEL = PROJECT_ROOT / "models" / "triage.tar.gz"
TOKEN = "123456789:AAtest-token_for_the_fake_api"
SECRET = "test-secret_0123456789abcdef"
USERNAME = "TriageTestBot"
WEBHOOK_URL = "https://bot.example.test/webhooks/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SERVER_START_SECONDS = 90
REQUEST_SECONDS = 10

_update_ids = itertools.count(500_000)
_chat_ids = itertools.count(4_200_000)
_message_ids = itertools.count(1)


@dataclass
class Bot:
    """The running Rasa server with the Telegram channel."""

    webhook: str
    log: Path

    def post(self, body: bytes, secret: str | None = SECRET) -> requests.Response:
        """Posts a raw body to the webhook, as Telegram does."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        return requests.post(
            self.webhook, data=body, headers=headers, timeout=REQUEST_SECONDS
        )

    def send(self, update: Dict[str, Any]) -> requests.Response:
        """Posts an update with the right secret; Telegram must get a 200."""
        answer = self.post(json.dumps(update).encode("utf-8"))
        assert answer.status_code == 200, answer.text
        return answer


def person(chat_id: int) -> Dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Sam", "language_code": "en"}


def message_update(chat_id: int, **content: Any) -> Dict[str, Any]:
    """An update with a message from a person in a private chat."""
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_message_ids),
            "from": person(chat_id),
            "chat": {"id": chat_id, "first_name": "Sam", "type": "private"},
            "date": int(time.time()),
            **content,
        },
    }


def button_update(chat_id: int, data: str, message: Dict[str, Any]) -> Dict[str, Any]:
    """An update for a press on an inline button under `message`."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": f"cq-{next(_update_ids)}",
            "from": person(chat_id),
            "message": message,
            "chat_instance": "-123456789",
            "data": data,
        },
    }


def new_chat() -> int:
    return next(_chat_ids)


def to_chat(chat_id: int) -> Any:
    return lambda call: call.body.get("chat_id") == str(chat_id)


def keyboard(call: ApiCall) -> List[Dict[str, str]]:
    """The inline buttons of a sendMessage, row by row, flattened."""
    rows = call.body.get("reply_markup", {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


def with_keyboard(chat_id: int) -> Any:
    return lambda call: to_chat(chat_id)(call) and bool(keyboard(call))


@pytest.fixture(scope="module")
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(TOKEN, USERNAME).start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def bot(
    fake_telegram: FakeTelegram,
    action_server_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Bot]:
    """`rasa run` with the REST and Telegram channels, as `make serve` starts it."""
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does).")
    folder = tmp_path_factory.mktemp("telegram-bot")
    environment = {
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_BOT_USERNAME": USERNAME,
        "TELEGRAM_WEBHOOK_URL": WEBHOOK_URL,
        "TELEGRAM_SECRET_TOKEN": SECRET,
        "TELEGRAM_API_BASE": fake_telegram.base_url,
    }
    (folder / "base.yml").write_text("rest:\n", encoding="utf-8")
    channels = write_credentials(
        folder / "base.yml", folder / "credentials.yml", environment
    )
    assert TELEGRAM_CHANNEL in channels
    endpoints = {
        "action_endpoint": {"url": action_server_url},
        "tracker_store": {
            "type": "SQL",
            "dialect": "sqlite",
            "db": str(folder / "tracker.db"),
        },
    }
    (folder / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    port = free_port()
    log = folder / "rasa.log"
    process = start_process(
        [RASA, "run", "--model", str(MODEL), "--enable-api"]
        + ["--interface", "127.0.0.1", "--port", str(port)]
        + ["--credentials", str(folder / "credentials.yml")]
        + ["--endpoints", str(folder / "endpoints.yml")],
        log,
        env=environment,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(f"{url}/status", process, SERVER_START_SECONDS, log)
        yield Bot(webhook=f"{url}/webhooks/telegram/webhook", log=log)
    finally:
        stop_process(process)


def test_webhook_is_registered_with_the_secret(
    bot: Bot, fake_telegram: FakeTelegram
) -> None:
    call = fake_telegram.wait_for("setWebhook")
    assert call.body["url"] == WEBHOOK_URL
    assert call.body["secret_token"] == SECRET
    assert set(call.body["allowed_updates"]) == {
        "message",
        "edited_message",
        "callback_query",
    }
    assert len(fake_telegram.calls("setWebhook")) == 1


@pytest.mark.parametrize("secret", [None, "wrong-secret", SECRET + "x", ""])
def test_an_update_without_the_secret_is_refused(
    bot: Bot, fake_telegram: FakeTelegram, secret: str | None
) -> None:
    chat_id = new_chat()
    update = message_update(chat_id, text="hi")
    answer = bot.post(json.dumps(update).encode("utf-8"), secret=secret)
    assert answer.status_code == 403
    # The same update with the secret is answered, and only once: the refused one was
    # never handled.
    mark = fake_telegram.mark()
    bot.send(message_update(chat_id, text="hi"))
    fake_telegram.wait_for("sendMessage", to_chat(chat_id), since=mark)
    time.sleep(0.5)
    greetings = [c for c in fake_telegram.calls("sendMessage") if to_chat(chat_id)(c)]
    assert len(greetings) == 1


def test_symptoms_get_a_screen_question_with_buttons_and_a_press_moves_on(
    bot: Bot, fake_telegram: FakeTelegram
) -> None:
    chat_id = new_chat()
    bot.send(message_update(chat_id, text="day 3 off H and my glutes keep cramping"))
    question = fake_telegram.wait_for("sendMessage", with_keyboard(chat_id))
    assert question.body["text"].rstrip().endswith("?")
    buttons = keyboard(question)
    assert [b["text"] for b in buttons] == ["Yes", "No", "Not sure"]
    assert [b["callback_data"] for b in buttons] == ["/affirm", "/deny", "/unsure"]

    mark = fake_telegram.mark()
    press = button_update(chat_id, "/deny", question.result)
    bot.send(press)
    answered = fake_telegram.wait_for("answerCallbackQuery", since=mark)
    assert answered.body["callback_query_id"] == press["callback_query"]["id"]
    cleared = fake_telegram.wait_for("editMessageReplyMarkup", since=mark)
    assert cleared.body["message_id"] == question.result["message_id"]
    assert cleared.body["reply_markup"] == {"inline_keyboard": []}
    following = fake_telegram.wait_for(
        "sendMessage", with_keyboard(chat_id), since=mark
    )
    assert following.body["text"] != question.body["text"]
    assert following.body["text"].rstrip().endswith("?")
    assert answered.seq < following.seq  # the spinner stops before the bot thinks


def test_a_red_flag_gets_the_emergency_number(
    bot: Bot, fake_telegram: FakeTelegram
) -> None:
    chat_id = new_chat()
    bot.send(message_update(chat_id, text="i think im having a seizure"))
    reply = fake_telegram.wait_for("sendMessage", to_chat(chat_id))
    assert "911" in reply.body["text"]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        json.dumps({"message": {"chat": {"id": 1}, "text": "no update_id"}}).encode(),
        json.dumps({"update_id": 1, "message": {"text": "no chat"}}).encode(),
        json.dumps({"update_id": 2, "callback_query": {"data": "/deny"}}).encode(),
    ],
    ids=["broken", "not-utf8", "not-object", "no-id", "no-chat", "no-query-id"],
)
def test_a_malformed_update_is_a_bad_request(bot: Bot, body: bytes) -> None:
    assert bot.post(body).status_code == 400


def test_a_huge_message_gets_a_kind_reply(
    bot: Bot, fake_telegram: FakeTelegram
) -> None:
    chat_id = new_chat()
    bot.send(message_update(chat_id, text="my legs hurt so much " * 5000))  # 105 kB
    reply = fake_telegram.wait_for("sendMessage", to_chat(chat_id))
    assert "too long" in reply.body["text"]


def test_a_sticker_gets_asked_for_text(bot: Bot, fake_telegram: FakeTelegram) -> None:
    chat_id = new_chat()
    sticker = {"file_id": "CAACAgIAAxk", "file_unique_id": "AgAD", "emoji": "😣"}
    bot.send(message_update(chat_id, sticker=sticker))
    reply = fake_telegram.wait_for("sendMessage", to_chat(chat_id))
    assert "text" in reply.body["text"] and "type" in reply.body["text"]


def test_updates_in_a_row_are_all_answered_in_order(
    bot: Bot, fake_telegram: FakeTelegram
) -> None:
    chat_id = new_chat()
    bot.send(message_update(chat_id, text="hi"))
    bot.send(message_update(chat_id, text="are you a bot?"))
    greeting = fake_telegram.wait_for(
        "sendMessage",
        lambda c: to_chat(chat_id)(c) and "not a doctor" in c.body["text"],
    )
    bot_answer = fake_telegram.wait_for(
        "sendMessage", lambda c: to_chat(chat_id)(c) and "I'm a bot" in c.body["text"]
    )
    assert greeting.seq < bot_answer.seq
    assert "Event loop is closed" not in bot.log.read_text(encoding="utf-8")

"""The Telegram channel: a webhook for updates, and replies through the Bot API.

Enable it in a credentials file with no values (`make serve` does this when
TELEGRAM_TOKEN is set, see `bot.tooling.credentials`):

    bot.channels.telegram.TelegramInput: {}

Configuration comes from the environment only, so no token is ever committed:
TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN (required; Telegram sends it in the
X-Telegram-Bot-Api-Secret-Token header of every update, anything else gets 403),
TELEGRAM_WEBHOOK_URL (the public HTTPS URL of /webhooks/telegram/webhook, registered
with setWebhook at start-up), TELEGRAM_BOT_USERNAME and TELEGRAM_API_BASE.

Why it is built this way:
- The webhook checks the secret, parses the update (400 when malformed, never 500; a
  body too large or nested too deeply for the input policy every channel shares,
  `bot.channels.input_policy`, is acknowledged and dropped),
  answers 200 at once and handles the update in the background: Telegram re-sends
  updates whose webhook is slow, and a person's messages must not wait on each other's
  HTTP round trip. Each chat's updates still run one after another, in order.
- One HTTP session, created in the server loop on first use and closed at shutdown
  (`telegram_api`); setWebhook runs once after start-up and a failure is only a warning,
  so the bot also starts offline.
- A failed Bot API call is logged, never raised into Rasa: an exception there would
  lose the turn that was just processed.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
from dataclasses import dataclass
from functools import partial
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Set

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.input_policy import (
    LONG_MESSAGE_NOTE,
    ModelText,
    bounded_for_model,
    clean_text,
    starts_as_intent,
)
from bot.channels.telegram_api import DEFAULT_API_BASE, TelegramApiError, TelegramBotApi
from bot.channels.telegram_format import CallbackPayloads, inline_keyboard, split_text
from bot.channels.telegram_updates import (
    IgnoredUpdateError,
    IncomingUpdate,
    MalformedUpdateError,
    is_too_long,
    parse_update,
    typed_text_for_rasa,
)

logger = logging.getLogger(__name__)

CHANNEL_NAME = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]

ENV_TOKEN = "TELEGRAM_TOKEN"
ENV_SECRET_TOKEN = "TELEGRAM_SECRET_TOKEN"
ENV_WEBHOOK_URL = "TELEGRAM_WEBHOOK_URL"
ENV_BOT_USERNAME = "TELEGRAM_BOT_USERNAME"
ENV_API_BASE = "TELEGRAM_API_BASE"
# What Telegram accepts as a webhook secret.
SECRET_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

NON_TEXT_REPLY = (
    "I can only read text messages. Could you type what is happening, "
    "in your own words?"
)
TOO_LONG_REPLY = (
    "That message is too long for me to read. Could you tell me in a few short "
    "sentences what is happening?"
)
# Telegram needs text above a keyboard; Rasa allows buttons without one.
BUTTONS_ONLY_TEXT = "Please choose:"
EXPIRED_BUTTON_REPLY = "That button has expired. Could you type your answer instead?"
TYPING_ACTION = "typing"
# At shutdown, updates still being handled get this long before they are cancelled.
SHUTDOWN_GRACE_SECONDS = 10.0
# Update ids remembered to drop re-deliveries of an update already accepted.
RECENT_UPDATES_KEPT = 1000


@dataclass(frozen=True)
class TelegramSettings:
    """The channel's configuration, read from the environment."""

    token: str
    secret_token: str
    webhook_url: str | None = None
    bot_username: str | None = None
    api_base: str = DEFAULT_API_BASE

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "TelegramSettings":
        """Reads TELEGRAM_* variables.

        Raises:
            RasaException: the token or the secret is missing, or the secret is not one
                Telegram accepts; without them the channel could not work safely.
        """
        token = environ.get(ENV_TOKEN, "").strip()
        secret = environ.get(ENV_SECRET_TOKEN, "").strip()
        if not token:
            raise RasaException(
                f"The Telegram channel needs {ENV_TOKEN} (from BotFather)."
            )
        if not SECRET_TOKEN_PATTERN.match(secret):
            raise RasaException(
                f"The Telegram channel needs {ENV_SECRET_TOKEN}: 1-256 characters, "
                "letters, digits, '_' or '-' (e.g. `openssl rand -hex 32`)."
            )
        return cls(
            token=token,
            secret_token=secret,
            webhook_url=environ.get(ENV_WEBHOOK_URL, "").strip() or None,
            bot_username=environ.get(ENV_BOT_USERNAME, "").strip().lstrip("@") or None,
            api_base=environ.get(ENV_API_BASE, "").strip() or DEFAULT_API_BASE,
        )


class TelegramOutput(OutputChannel):
    """Sends the bot's replies; buttons become inline keyboards."""

    @classmethod
    def name(cls) -> str:
        """The channel name Rasa records with each message."""
        return CHANNEL_NAME

    def __init__(self, api: TelegramBotApi, payloads: CallbackPayloads) -> None:
        self._api = api
        self._payloads = payloads

    async def send_text_message(
        self, recipient_id: str, text: str, **kwargs: Any
    ) -> None:
        """Sends `text`, in several messages when it is over Telegram's limit."""
        for piece in split_text(text):
            await self._send_message(recipient_id, piece)

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: List[Dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        """Sends `text` with an inline keyboard under its last piece."""
        pieces = split_text(text) or [BUTTONS_ONLY_TEXT]
        for piece in pieces[:-1]:
            await self._send_message(recipient_id, piece)
        keyboard = inline_keyboard(buttons, self._payloads)
        await self._send_message(recipient_id, pieces[-1], reply_markup=keyboard)

    async def send_custom_json(
        self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any
    ) -> None:
        """Sends a custom payload's `text`; raw JSON means nothing to a person."""
        text = json_message.get("text")
        if isinstance(text, str):
            await self.send_text_message(recipient_id, text)
        else:
            logger.debug("Telegram: custom payload without text not sent")

    async def send_typing(self, chat_id: str) -> None:
        """Shows "typing…" while the bot works out its answer."""
        await self._call(
            "sendChatAction", {"chat_id": chat_id, "action": TYPING_ACTION}
        )

    async def answer_button(self, callback_query_id: str) -> None:
        """Stops the button's spinner: Telegram expects an answer to each press."""
        await self._call(
            "answerCallbackQuery", {"callback_query_id": callback_query_id}
        )

    async def remove_keyboard(self, chat_id: str, message_id: int) -> None:
        """Removes the buttons of an answered question, so an old one cannot be pressed
        later as if it answered the current question."""
        await self._call(
            "editMessageReplyMarkup",
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "reply_markup": {"inline_keyboard": []},
            },
        )

    async def _send_message(
        self, chat_id: str, text: str, reply_markup: Dict[str, Any] | None = None
    ) -> None:
        payload: Dict[str, Any] = {"chat_id": chat_id, "text": text}
        if reply_markup is not None:
            payload["reply_markup"] = reply_markup
        await self._call("sendMessage", payload)

    async def _call(self, method: str, payload: Dict[str, Any]) -> None:
        try:
            await self._api.call(method, payload)
        except TelegramApiError as error:
            logger.warning("Telegram %s", error)


class ChatQueue:
    """Runs updates in the background; each chat's one after another, in order."""

    def __init__(self) -> None:
        self._latest: Dict[int, "asyncio.Task[None]"] = {}
        self._running: Set["asyncio.Task[None]"] = set()

    def submit(self, chat_id: int, work: Callable[[], Awaitable[None]]) -> None:
        """Starts `work` once the chat's previous update is done."""
        previous = self._latest.get(chat_id)
        task = asyncio.get_running_loop().create_task(self._after(previous, work))
        self._latest[chat_id] = task
        self._running.add(task)
        task.add_done_callback(partial(self._forget, chat_id))

    async def drain(self, seconds: float) -> None:
        """Waits up to `seconds` for running updates, then cancels the rest."""
        if not self._running:
            return
        _, pending = await asyncio.wait(set(self._running), timeout=seconds)
        for task in pending:
            task.cancel()
        if pending:
            logger.warning("Telegram: %d updates cancelled at shutdown", len(pending))

    @staticmethod
    async def _after(
        previous: "asyncio.Task[None]" | None, work: Callable[[], Awaitable[None]]
    ) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        await work()

    def _forget(self, chat_id: int, task: "asyncio.Task[None]") -> None:
        self._running.discard(task)
        if self._latest.get(chat_id) is task:
            del self._latest[chat_id]


class RecentUpdates:
    """The ids of the last updates accepted, to drop a re-delivered one."""

    def __init__(self, size: int = RECENT_UPDATES_KEPT) -> None:
        self._size = size
        self._ids: Dict[int, None] = {}

    def is_new(self, update_id: int) -> bool:
        """True the first time `update_id` is seen."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self._size:
            del self._ids[next(iter(self._ids))]
        return True


class TelegramInput(InputChannel):
    """The webhook Telegram posts updates to: /webhooks/telegram/webhook."""

    @classmethod
    def name(cls) -> str:
        """Also the URL prefix: /webhooks/telegram/."""
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        """Builds the channel from the environment; credentials values are ignored so a
        token never has to be written into a file."""
        if credentials:
            logger.warning(
                "Telegram: values in the credentials file are ignored (%s); "
                "set TELEGRAM_* environment variables instead",
                ", ".join(sorted(credentials)),
            )
        return cls(TelegramSettings.from_env(os.environ))

    def __init__(self, settings: TelegramSettings) -> None:
        self.settings = settings
        self.api = TelegramBotApi(settings.token, settings.api_base)
        self._payloads = CallbackPayloads()
        self._output = TelegramOutput(self.api, self._payloads)
        self._chats = ChatQueue()
        self._recent = RecentUpdates()
        self._startup: "asyncio.Task[None]" | None = None

    def get_output_channel(self) -> TelegramOutput:
        """The output channel sharing this channel's HTTP session."""
        return self._output

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """The webhook routes, and the start and stop hooks of the server."""
        telegram = Blueprint("telegram_webhook", __name__)

        @telegram.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            return self._receive(request, on_new_message)

        # Plain functions: sanic 21.12 blueprints silently drop bound-method listeners.
        @telegram.after_server_start
        async def register_webhook(_app: Any, _loop: Any) -> None:
            self._on_server_start()

        @telegram.before_server_stop
        async def finish_updates(_app: Any, _loop: Any) -> None:
            await self._on_server_stop()

        @telegram.after_server_stop
        async def close_session(_app: Any, _loop: Any) -> None:
            await self.api.close()

        return telegram

    def _receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """Checks and queues one update; Telegram gets its answer without waiting."""
        if not self._has_secret(request):
            logger.warning("Telegram: update refused, wrong or missing secret token")
            return response.json({"ok": False, "error": "forbidden"}, status=403)
        try:
            update = parse_update(request.body)
        except MalformedUpdateError as error:
            logger.info("Telegram: malformed update (%s)", error)
            return response.json({"ok": False, "error": str(error)}, status=400)
        except IgnoredUpdateError as error:
            logger.info("Telegram: update dropped (%s)", error)
            return response.json({"ok": True})
        if update is not None and self._recent.is_new(update.update_id):
            self._chats.submit(
                update.chat_id, partial(self._handle, update, on_new_message)
            )
        return response.json({"ok": True})

    def _has_secret(self, request: Request) -> bool:
        """Compared in constant time, so timing does not reveal the secret."""
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return False
        expected = self.settings.secret_token.encode("utf-8")
        return hmac.compare_digest(given.encode("utf-8"), expected)

    async def _handle(
        self,
        update: IncomingUpdate,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        """Hands the person's text to Rasa; runs in the background."""
        chat_id = str(update.chat_id)
        try:
            for_rasa = await self._text_for_rasa(update)
            if for_rasa is None:
                return
            await self._output.send_typing(chat_id)
            await on_new_message(
                UserMessage(
                    for_rasa.text,
                    self._output,
                    chat_id,
                    input_channel=CHANNEL_NAME,
                    message_id=str(update.update_id),
                )
            )
            if for_rasa.left_out:
                await self._output.send_text_message(chat_id, LONG_MESSAGE_NOTE)
        except Exception:  # one failed update must not stop the next ones
            logger.exception("Telegram: update %s failed", update.update_id)

    async def _text_for_rasa(self, update: IncomingUpdate) -> ModelText | None:
        """What Rasa should read, or None after the bot answered the person itself."""
        if update.callback_query_id is not None:
            payload = await self._pressed_button(update)
            return ModelText(payload) if payload else None
        chat_id = str(update.chat_id)
        text = clean_text(update.text)
        if text is None:
            await self._output.send_text_message(chat_id, NON_TEXT_REPLY)
            return None
        if is_too_long(text):
            await self._output.send_text_message(chat_id, TOO_LONG_REPLY)
            return None
        typed = typed_text_for_rasa(text, self.settings.bot_username)
        if not typed:
            return None
        if starts_as_intent(typed):  # a Telegram command, as the intent it stands for
            return ModelText(typed)
        return bounded_for_model(typed)

    async def _pressed_button(self, update: IncomingUpdate) -> str | None:
        """Answers the press, removes the answered keyboard, returns the payload."""
        chat_id = str(update.chat_id)
        await self._output.answer_button(str(update.callback_query_id))
        if update.message_id is not None:
            await self._output.remove_keyboard(chat_id, update.message_id)
        payload = self._payloads.resolve(update.text) if update.text else None
        if payload is None:
            await self._output.send_text_message(chat_id, EXPIRED_BUTTON_REPLY)
        return payload

    def _on_server_start(self) -> None:
        """Registers the webhook in the background, so an unreachable API never delays
        or stops the server."""
        self._startup = asyncio.get_running_loop().create_task(self._register_webhook())

    async def _register_webhook(self) -> None:
        await self._check_bot()
        url = self.settings.webhook_url
        if url is None:
            logger.warning(
                "Telegram: %s is not set, so setWebhook was not called; Telegram "
                "delivers updates only to a registered webhook",
                ENV_WEBHOOK_URL,
            )
            return
        try:
            await self.api.call(
                "setWebhook",
                {
                    "url": url,
                    "secret_token": self.settings.secret_token,
                    "allowed_updates": ALLOWED_UPDATES,
                },
            )
        except TelegramApiError as error:
            logger.warning("Telegram: webhook not set (%s); restart to retry", error)
            return
        logger.info("Telegram: webhook set to %s", url)

    async def _check_bot(self) -> None:
        """Logs which bot the token is for, and a mismatch with the configured name."""
        try:
            me = await self.api.call("getMe", {})
        except TelegramApiError as error:
            logger.warning(
                "Telegram: Bot API not reachable or token refused (%s)", error
            )
            return
        username = me.get("username") if isinstance(me, dict) else None
        expected = self.settings.bot_username
        if expected and username and username.lower() != expected.lower():
            logger.warning(
                "Telegram: the token belongs to @%s, not @%s (%s)",
                username,
                expected,
                ENV_BOT_USERNAME,
            )
        logger.info("Telegram: connected as @%s", username)

    async def _on_server_stop(self) -> None:
        """Lets updates being handled finish while Rasa's agent is still there."""
        if self._startup is not None and not self._startup.done():
            self._startup.cancel()
        await self._chats.drain(SHUTDOWN_GRACE_SECONDS)

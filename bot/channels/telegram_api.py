"""A small Telegram Bot API client that lives in the Rasa server's event loop.

Why not aiogram (Rasa's stock connector): it creates its aiohttp session inside a
temporary `asyncio.run` loop, so every later call from the server loop fails with
"Event loop is closed". Here the one `aiohttp.ClientSession` is created on first use,
inside the loop that uses it, and closed when the server stops.

The bot token is part of every Bot API URL, so it is kept out of every error message.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.telegram.org"
REQUEST_TIMEOUT_SECONDS = 10.0
# Telegram answers 429 with `retry_after`; wait and retry once when the wait is short,
# otherwise give up rather than hold a person's conversation for minutes.
MAX_RETRY_AFTER_SECONDS = 5
TOKEN_PLACEHOLDER = "<token>"


class TelegramApiError(Exception):
    """A Bot API call failed: network error, timeout, or `{"ok": false}`."""

    def __init__(
        self,
        method: str,
        description: str,
        error_code: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(f"{method}: {description}")
        self.method = method
        self.error_code = error_code
        self.retry_after = retry_after


class TelegramBotApi:
    """Calls Bot API methods (`sendMessage`, `setWebhook`, ...) with JSON bodies."""

    def __init__(self, token: str, api_base: str = DEFAULT_API_BASE) -> None:
        self._token = token
        self._method_url = f"{api_base.rstrip('/')}/bot{token}/"
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    async def call(self, method: str, payload: Dict[str, Any]) -> Any:
        """Calls `method` and returns its `result`.

        Raises:
            TelegramApiError: the call failed, also after one short wait on 429.
        """
        try:
            return await self._post(method, payload)
        except TelegramApiError as error:
            wait = error.retry_after
            if wait is None or wait > MAX_RETRY_AFTER_SECONDS:
                raise
            logger.info("Telegram asked to slow down; retrying %s in %ss", method, wait)
            await asyncio.sleep(wait)
            return await self._post(method, payload)

    async def close(self) -> None:
        """Closes the HTTP session; the next call opens a new one."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
        self._session_loop = None

    async def _post(self, method: str, payload: Dict[str, Any]) -> Any:
        session = self._current_session()
        try:
            async with session.post(
                self._method_url + method, json=payload
            ) as response:
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise TelegramApiError(method, self._redact(error)) from None
        return self._result(method, body)

    def _current_session(self) -> aiohttp.ClientSession:
        """The session of the running loop, created on first use.

        A session is bound to the loop it was created in; if a caller ever runs in
        another loop, a new session is made there instead of failing with "Event loop
        is closed".
        """
        loop = asyncio.get_running_loop()
        if (
            self._session is None
            or self._session.closed
            or self._session_loop is not loop
        ):
            if self._session is not None and not self._session.closed:
                logger.warning(
                    "Telegram client used from a new event loop; new session"
                )
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
            )
            self._session_loop = loop
        return self._session

    @staticmethod
    def _result(method: str, body: Any) -> Any:
        """The `result` of a Bot API answer, or the error it describes."""
        if not isinstance(body, dict):
            raise TelegramApiError(method, "answer is not a JSON object")
        if body.get("ok") is True:
            return body.get("result")
        parameters = body.get("parameters") or {}
        raise TelegramApiError(
            method,
            str(body.get("description", "no description")),
            error_code=body.get("error_code"),
            retry_after=parameters.get("retry_after"),
        )

    def _redact(self, error: BaseException) -> str:
        """An error as text without the token (URLs in aiohttp errors contain it)."""
        text = f"{type(error).__name__}: {error}"
        return text.replace(self._token, TOKEN_PLACEHOLDER)

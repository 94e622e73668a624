"""Shaping the bot's replies for Telegram: length, inline keyboards, button data.

Telegram refuses a message over 4096 characters (counted in UTF-16 code units, so an
emoji counts twice) and a button whose `callback_data` is over 64 bytes; both would lose
a reply, so long texts are split and long button payloads go behind short keys.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any, Dict, List, Mapping, Sequence

MAX_MESSAGE_UNITS = 4096
MAX_CALLBACK_DATA_BYTES = 64
# Split at the largest break that fits: paragraph, then line, then word.
SPLIT_SEPARATORS = ("\n\n", "\n", " ")
# Short titles ("Yes", "No", "Not sure") share a row; longer ones ("How long will it
# last?") get wider buttons so a phone does not cut them off.
SHORT_TITLE_CHARS = 12
SHORT_BUTTONS_PER_ROW = 3
LONG_BUTTONS_PER_ROW = 2
PAYLOAD_KEY_PREFIX = "k:"
PAYLOAD_KEY_HEX_CHARS = 24
MAX_REMEMBERED_PAYLOADS = 10_000


def split_text(text: str, limit: int = MAX_MESSAGE_UNITS) -> List[str]:
    """`text` in pieces Telegram accepts, split at paragraph, line or word breaks."""
    pieces: List[str] = []
    rest = text.strip()
    while rest:
        fits = _chars_within(rest, limit)
        if fits == len(rest):
            pieces.append(rest)
            break
        cut = _best_cut(rest, fits)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return pieces


def _chars_within(text: str, units: int) -> int:
    """How many characters of `text` fit in `units` UTF-16 code units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > units:
            return index
    return len(text)


def _best_cut(text: str, fits: int) -> int:
    for separator in SPLIT_SEPARATORS:
        position = text.rfind(separator, 0, fits + 1)
        if position > 0:
            return position
    return fits


class CallbackPayloads:
    """Button payloads too long for `callback_data`, kept in memory behind short keys.

    A key is a hash of its payload, so the same button always gets the same key and the
    map only grows with distinct payloads; the oldest are forgotten past a bound. After
    a restart an old long-payload button is unknown, and the person is asked to type.
    """

    def __init__(self, capacity: int = MAX_REMEMBERED_PAYLOADS) -> None:
        self._capacity = capacity
        self._payloads: "OrderedDict[str, str]" = OrderedDict()

    def key_for(self, payload: str) -> str:
        """The `callback_data` for `payload`: itself when it fits, else a short key."""
        if _fits_callback_data(payload) and not payload.startswith(PAYLOAD_KEY_PREFIX):
            return payload
        digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        key = PAYLOAD_KEY_PREFIX + digest[:PAYLOAD_KEY_HEX_CHARS]
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self._capacity:
            self._payloads.popitem(last=False)
        return key

    def resolve(self, data: str) -> str | None:
        """The payload behind `callback_data`, or None for a key no longer known."""
        if not data.startswith(PAYLOAD_KEY_PREFIX):
            return data
        return self._payloads.get(data)


def _fits_callback_data(payload: str) -> bool:
    return 0 < len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES


def inline_keyboard(
    buttons: Sequence[Mapping[str, Any]], payloads: CallbackPayloads
) -> Dict[str, Any]:
    """Rasa buttons as Telegram's `reply_markup` with an inline keyboard."""
    keys = [_inline_button(button, payloads) for button in buttons]
    short = all(len(key["text"]) <= SHORT_TITLE_CHARS for key in keys)
    width = SHORT_BUTTONS_PER_ROW if short else LONG_BUTTONS_PER_ROW
    rows = [keys[start : start + width] for start in range(0, len(keys), width)]
    return {"inline_keyboard": rows}


def _inline_button(
    button: Mapping[str, Any], payloads: CallbackPayloads
) -> Dict[str, str]:
    """A link button for a Rasa `url` button, otherwise a callback button."""
    payload = str(button.get("payload") or button.get("title") or "")
    title = str(button.get("title") or payload)
    url = button.get("url")
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return {"text": title, "url": url}
    return {"text": title, "callback_data": payloads.key_for(payload)}

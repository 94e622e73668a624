"""One input policy for every channel: what a webhook or socket accepts, and what of it
reaches the model.

Why one module: REST, the widget's socket.io and Telegram each used to check input
their own way, and each missed something another caught. A lone UTF-16 surrogate or a
NUL in an id made the SQL tracker store (and with it the whole Rasa process) fail;
deeply nested JSON answered 500; a typed "/intent{...}" on REST skipped understanding,
and with it the red-flag check; and a 10,000-emoji message held the single event loop,
and so every other conversation, for 15 s. Every channel now asks this module, and the
limits live here, once.

What it decides:

- **JSON bodies** (`load_json`): at most `MAX_BODY_BYTES`, nested at most
  `MAX_JSON_DEPTH` deep (Telegram's deepest real update is about 8), else
  `RejectedInputError` (a 4xx; Telegram acknowledges and drops such a body instead,
  so it is not re-sent).
- **Conversation ids** (`check_sender_id`): a non-blank string of at most
  `MAX_SENDER_ID_CHARS`, without control, format or separator characters or lone
  surrogates: the id is a database key, a room name and a log field.
- **Message text** (`clean_text`): a string; control characters other than newline and
  tab dropped (NUL cannot be stored in PostgreSQL), line ends made "\\n", lone
  surrogates (which cannot be encoded to UTF-8) replaced by U+FFFD.
- **Slash payloads** (`read_as_typed`): Rasa reads a text starting with "/" as an intent
  with entities and skips NLU, and so the red-flag check. Such a text reaches Rasa
  unchanged only when it is the payload of a button the bot offered since the person's
  last message (`offered_payloads`), or one the channel itself sends (the widget's
  silent "/greet", Telegram's /start). Anything else is read as the words after the
  slashes: a typed "/deny i cant breathe" is understood, and its red flag found.
- **Typed button titles** (`titled_payload`): a short message that is the title of a
  button just offered ("tapering" for "Tapering") is that button's payload.
- **Bounded work** (`bounded_for_model`): the model's cost grows with the number of
  symbol characters (each is a token for spaCy and a word piece for the sentence
  encoder, and spaCy's affix search is quadratic in a run of them without spaces), so
  runs of the same symbol, emoji or punctuation (up to 8 characters repeated) are cut
  to 3, and a message still over `MAX_MODEL_CHARS` characters or `MAX_MODEL_SYMBOLS`
  symbols keeps its beginning and its end. Why not split it into several turns: each
  part would get its own reply and move the screen on by itself. The beginning is
  where people say what is wrong, the end is what happened last ("...and now I can't
  breathe"); what is left out is said to the person (`LONG_MESSAGE_NOTE`), who is asked
  to send anything important from the middle again.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Collection, Dict, List, Set, Tuple

from rasa.shared.core.events import BotUttered, UserUttered

from bot.safety.semantic import message_units

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.events import Event

logger = logging.getLogger(__name__)

# Limits: the one place they are set.
MAX_BODY_BYTES = 256 * 1024
"""A body above this is refused unread (10,000 emoji as JSON escapes are 120 kB)."""
MAX_JSON_DEPTH = 20
"""Deeper nesting is refused: no real request comes close, a hostile one crashed us."""
MAX_SENDER_ID_CHARS = 128
MAX_REST_MESSAGE_CHARS = 10_000
"""REST answers 413 above this (credentials.yml `max_message_chars` can change it)."""
MAX_WIDGET_MESSAGE_CHARS = 2_000
"""The widget sends at most this (widget.js `MAX_CHARS`); longer text is cut."""
MAX_TELEGRAM_MESSAGE_CHARS = 4_096
"""Telegram's own limit for one message: a longer one cannot come from a person."""
MAX_METADATA_BYTES = 4_096
"""Message metadata a client may attach (stored with the event), as UTF-8 JSON."""
MAX_REPEATS = 3
"""A run of the same symbol, emoji or punctuation is kept this many times."""
MAX_REPEATED_UNIT_CHARS = 8
"""Longest repeated unit collapsed: an emoji with a skin tone, a ZWJ family, "?! "."""
MAX_MODEL_CHARS = 1200
"""Characters handed to the model at most: about 200 words of prose (a long message
from someone in distress is a few hundred characters; the sign is in what is kept)."""
MAX_MODEL_SYMBOLS = 120
"""Symbol characters (neither letter, digit nor space) handed to the model at most:
prose of `MAX_MODEL_CHARS` characters has about half as many."""
MAX_MODEL_UNITS = 10
"""Sentences and windows the semantic layer embeds at most (`message_units`): the
budget that bounds the work. It batches units by length, so a clause costs what its
own word pieces cost (a few ms), and the whole message, up to 128 pieces, the most."""
SHRINK = 0.75
"""Budgets shrink by this factor until a long message's units fit."""
HEAD_SHARE = 2 / 3
"""Share of a long message's budget kept from its beginning; the rest from its end."""
WORD_BACKOFF_CHARS = 30
"""A cut moves back this far at most to fall between words."""

INTENT_PREFIX = "/"
WIDGET_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
"""Session ids the widget channel hands out and accepts back (uuid4 hex)."""
REPLACEMENT_CHARACTER = "\ufffd"
GAP = "\n…\n"
"""Stands where the middle of a long message was left out; a line of its own, so the
end does not run on into the beginning's last sentence."""
LONG_MESSAGE_NOTE = (
    "Your message was long, so I read its beginning and its end. If there is something "
    "important in the middle, please send it again in a shorter message."
)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_REPEATED_RUN = re.compile(rf"(\W{{1,{MAX_REPEATED_UNIT_CHARS}}}?)\1{{{MAX_REPEATS},}}")
# Unicode categories never allowed in an id: controls, format characters (bidi
# overrides, zero-width), lone surrogates, line and paragraph separators.
_ID_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


class RejectedInputError(ValueError):
    """The input cannot be a message; the text says why, for the 4xx answer.

    It never contains the person's text, so it can be logged and returned.
    """

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


class JsonTooComplexError(RejectedInputError):
    """A body too large or nested too deeply to be read at all."""


@dataclass(frozen=True)
class ModelText:
    """What the model is given of a message.

    Attributes:
        text: the text handed to Rasa.
        left_out: True when part of the middle was not handed over (the person is told).
    """

    text: str
    left_out: bool = False


def load_json(
    body: bytes, max_bytes: int = MAX_BODY_BYTES, max_depth: int = MAX_JSON_DEPTH
) -> Any:
    """A request body parsed as JSON, or `RejectedInputError`.

    Raises:
        RejectedInputError: empty or not JSON (400).
        JsonTooComplexError: over `max_bytes` (413) or nested deeper than
            `max_depth` (400); Python's parser raises RecursionError, not
            ValueError, on deep nesting.
    """
    if not body:
        raise RejectedInputError("The request body is empty; send a JSON object.")
    if len(body) > max_bytes:
        raise JsonTooComplexError(
            f"The request body is larger than {max_bytes} bytes.", status=413
        )
    try:
        value = json.loads(body)
    except RecursionError:
        raise JsonTooComplexError("The request body is nested too deeply.") from None
    except (ValueError, UnicodeDecodeError):
        raise RejectedInputError("The request body is not valid JSON.") from None
    if json_depth(value, max_depth) > max_depth:
        raise JsonTooComplexError("The request body is nested too deeply.")
    return value


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0).

    Iterative, so any depth is measured without recursion; it stops early once past
    `limit`, which is all a caller needs to know.
    """
    deepest = 0
    stack: List[Tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, (dict, list)):
            continue
        if depth > limit:
            return depth
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)
    return deepest


def check_sender_id(value: Any, field: str = "sender") -> str:
    """`value` if it can be a conversation id, else `RejectedInputError`.

    Raises:
        RejectedInputError: not a string, blank, too long, or holding a control,
            format or separator character or a lone surrogate.
    """
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > MAX_SENDER_ID_CHARS
        or any(unicodedata.category(c) in _ID_FORBIDDEN_CATEGORIES for c in value)
    ):
        raise RejectedInputError(
            f"'{field}' must be a non-empty string of at most {MAX_SENDER_ID_CHARS} "
            "printable characters."
        )
    return value


def valid_session_id(candidate: Any) -> str | None:
    """The widget's proposed session id if it is one we could have issued, else None.

    The id becomes the tracker's sender id and a room name: a bounded, plain token keeps
    arbitrary client strings out of both.
    """
    if isinstance(candidate, str) and WIDGET_SESSION_ID.fullmatch(candidate):
        return candidate
    return None


def clean_text(value: Any) -> str | None:
    """Message text safe to store and log-free to process, or None if not a string.

    Control characters other than newline and tab are dropped ("\\r\\n" and "\\r" become
    "\\n"); lone surrogates become U+FFFD. Nothing else changes.
    """
    if not isinstance(value, str):
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATE.sub(REPLACEMENT_CHARACTER, _CONTROL.sub("", text))


def safe_metadata(value: Any) -> Dict[str, Any]:
    """Client metadata that can be stored with the message, else nothing.

    It is stored with the event, so it gets the limits of a body and may not hold what
    a database or UTF-8 cannot take (NUL, lone surrogates).
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return {}
    if not isinstance(value, dict) or json_depth(value) > MAX_JSON_DEPTH:
        return {}
    try:
        encoded = json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError, RecursionError):
        return {}
    if len(encoded) > MAX_METADATA_BYTES or b"\\u0000" in encoded:
        return {}
    return value


EARLIER_TURNS_KEPT = 20
"""A button from this many of the person's messages back still works when pressed: the
widget and Telegram keep older buttons on screen ("Yes, check in tomorrow" pressed
after one more question). Answers are the exception (`_answers_a_question`). Review 25:
"Yes, check in tomorrow" pressed after four topic buttons was read as the words "opt in
check in", which the classifier took for stopping check-ins."""


def _answers_a_question(payload: str) -> bool:
    """Yes / No / Not sure and slot-setting payloads answer the question just asked;
    from an older message they would answer a question no longer on the table."""
    return payload in {"/affirm", "/deny", "/unsure"} or "{" in payload


def offered_payloads(events: "Iterable[Event]") -> Set[str]:
    """Payloads of the buttons the bot sent since the person last said something, and
    of the non-answer buttons of the few turns before."""
    payloads: Set[str] = set()
    turns_back = 0
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            turns_back += 1
            if turns_back > EARLIER_TURNS_KEPT:
                break
        if isinstance(event, BotUttered):
            buttons = (event.data or {}).get("buttons") or []
            payloads.update(
                button["payload"]
                for button in buttons
                if isinstance(button, dict)
                and isinstance(button.get("payload"), str)
                and (turns_back == 0 or not _answers_a_question(button["payload"]))
            )
    return payloads


MAX_TITLE_CHARS = 40
"""A typed message longer than this is never taken for a button's title: the tracker
is only read for short messages."""


def _title_key(text: str) -> str:
    """A button title or a typed message as compared: case, spacing and the
    punctuation around words ignored ("tapering." is "Tapering")."""
    words = re.findall(r"[\w']+", text.casefold())
    return " ".join(words)


def titled_payload(text: str, events: "Iterable[Event]") -> str | None:
    """The payload of the button, offered since the person's last message, whose title
    they typed instead of tapping ("tapering" for the button "Tapering"), else None.

    Why: review 34's typed "Tapering", the title of a topic button, was read as a
    statement with nothing in it, and the screen took it for an answer. A typed title
    means what pressing the button means.
    """
    key = _title_key(text)
    if not key:
        return None
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return None
        if isinstance(event, BotUttered):
            for button in (event.data or {}).get("buttons") or []:
                if (
                    isinstance(button, dict)
                    and isinstance(button.get("payload"), str)
                    and isinstance(button.get("title"), str)
                    and _title_key(button["title"]) == key
                ):
                    return str(button["payload"])
    return None


async def payload_for_typed_title(
    tracker_store: "TrackerStore | None", sender_id: str, text: str
) -> str | None:
    """`titled_payload` of the stored conversation; None when the store cannot answer
    (the text is then read as words, as any message)."""
    if len(text.strip()) > MAX_TITLE_CHARS:
        return None
    events = await _stored_events(tracker_store, sender_id)
    return titled_payload(text, events) if events is not None else None


async def _stored_events(
    tracker_store: "TrackerStore | None", sender_id: str
) -> "List[Event] | None":
    """The stored conversation's events, or None when there is none or the store
    cannot answer: the text is then read as words, the safe side (the turn itself
    meets the store's failure as any other message does)."""
    if tracker_store is None:
        return None
    try:
        tracker = await tracker_store.retrieve(sender_id)
    except Exception:  # noqa: BLE001 - an outage must not make a payload an intent
        logger.warning("Offered buttons could not be read; the text is read as words.")
        return None
    return list(tracker.events) if tracker is not None else None


async def payloads_on_offer(
    tracker_store: "TrackerStore | None", sender_id: str
) -> Set[str]:
    """The button payloads the stored conversation of `sender_id` offers right now
    (none when the store cannot answer: `_stored_events`)."""
    events = await _stored_events(tracker_store, sender_id)
    return offered_payloads(events) if events is not None else set()


def starts_as_intent(text: str) -> bool:
    """True when Rasa would read `text` as an intent (it strips the text first)."""
    return text.strip().startswith(INTENT_PREFIX)


def read_as_typed(text: str, on_offer: Collection[str] = ()) -> str:
    """`text` as Rasa should get it: a payload on offer as is, else never an intent.

    Args:
        text: cleaned message text.
        on_offer: payloads of the buttons just offered, plus any the channel itself
            sends (the widget's "/greet").
    """
    if not starts_as_intent(text):
        return text
    stripped = text.strip()
    if stripped in on_offer:
        return stripped
    while stripped.startswith(INTENT_PREFIX):
        stripped = stripped.lstrip(INTENT_PREFIX).strip()
    logger.debug("A typed '/' message is read as text, not as an intent.")
    return _payload_as_words(stripped)


_PAYLOAD = re.compile(r"^([a-z_]+)\s*(\{.*\})\s*$", re.DOTALL)
STALE_PAYLOAD_WORDS: Dict[str, str] = {
    "deny": "no",
    "affirm": "yes",
    "unsure": "not sure",
    "opt_in_check_in": "yes please check in with me tomorrow",
    "stop_check_ins": "no check ins please",
}
"""A plain button no longer on offer, as a person would type it. Review 45: a person who
only taps buttons tapped an old "No" and "Yes, check in tomorrow" after the crisis reply
(which has none), and "deny" and "opt in check in" were both heard as stopping
check-ins."""


def _payload_as_words(text: str) -> str:
    """A button payload no longer on offer, as the words it stands for: its entity
    values ("/describe_symptoms{"body_location": "buttock"}" is "buttock"), or its
    intent's words ("ask harm reduction"). Review 20: a greeting button tapped in a
    new conversation was read as "describe_symptoms{...}" and answered with an empty
    summary for the doctor. Anything that is no payload stays as it is."""
    match = _PAYLOAD.match(text)
    if match is None:
        if text in STALE_PAYLOAD_WORDS:
            return STALE_PAYLOAD_WORDS[text]
        return text.replace("_", " ") if re.fullmatch(r"[a-z_]+", text) else text
    try:
        values = json.loads(match.group(2))
    except ValueError:
        return text
    if not isinstance(values, dict):
        return text
    words = [str(v).replace("_", " ") for v in values.values() if isinstance(v, str)]
    return " ".join(words) or match.group(1).replace("_", " ")


async def prepare_for_rasa(
    text: str,
    sender_id: str,
    tracker_store: "TrackerStore | None",
    allowed_payloads: Collection[str] = (),
) -> ModelText:
    """Cleaned text as Rasa should get it: slash rule, then bounded work.

    The tracker is read only for a text that starts like an intent or is short enough
    to be a button's title typed out (`titled_payload`), so a longer message costs
    nothing extra.
    """
    if starts_as_intent(text):
        on_offer = set(allowed_payloads)
        if text.strip() not in on_offer:
            on_offer |= await payloads_on_offer(tracker_store, sender_id)
        text = read_as_typed(text, on_offer)
        if starts_as_intent(text):  # a payload: short, and must stay exact
            return ModelText(text)
    else:
        titled = await payload_for_typed_title(tracker_store, sender_id, text)
        if titled is not None:
            return ModelText(titled)
    return bounded_for_model(text)


def collapse_repeats(text: str) -> str:
    """Runs of the same symbol, emoji or punctuation (a unit of up to
    `MAX_REPEATED_UNIT_CHARS`) cut to `MAX_REPEATS`: "!!!!!!" -> "!!!", 10,000 🙂 ->
    🙂🙂🙂. Letters and digits are left alone ("nooooo" is a word)."""
    return _REPEATED_RUN.sub(lambda run: run.group(1) * MAX_REPEATS, text)


def is_symbol(character: str) -> bool:
    """Neither a letter, a digit nor white space: punctuation, emoji, other symbols."""
    return not (character.isalnum() or character.isspace())


def bounded_for_model(
    text: str,
    max_chars: int = MAX_MODEL_CHARS,
    max_symbols: int = MAX_MODEL_SYMBOLS,
    max_units: int = MAX_MODEL_UNITS,
) -> ModelText:
    """The text with repeats collapsed, within `max_chars`, `max_symbols` and
    `max_units` of the semantic layer.

    A text still over any of them keeps its beginning (`HEAD_SHARE` of the budgets) and
    its end (the rest), cut between words where one is near, joined by `GAP`; the
    budgets shrink until the units fit.
    """
    collapsed = collapse_repeats(text)
    if _fits(collapsed, max_chars, max_symbols, max_units):
        return ModelText(collapsed)
    while True:  # ends: 12 words or fewer are a single unit
        shortened = _head_and_tail(collapsed, max_chars, max_symbols)
        if len(message_units(shortened)) <= max_units:
            return ModelText(shortened, left_out=True)
        max_chars = int(max_chars * SHRINK)
        max_symbols = int(max_symbols * SHRINK)


def _fits(text: str, max_chars: int, max_symbols: int, max_units: int) -> bool:
    return (
        len(text) <= max_chars
        and sum(1 for character in text if is_symbol(character)) <= max_symbols
        and len(message_units(text)) <= max_units
    )


def _head_and_tail(text: str, max_chars: int, max_symbols: int) -> str:
    """The beginning and the end of `text` within the budgets, joined by `GAP`."""
    chars_left = max(max_chars - len(GAP), 0)
    symbols_left = max(max_symbols - sum(1 for c in GAP if is_symbol(c)), 0)
    head_chars = int(chars_left * HEAD_SHARE)
    head_symbols = int(symbols_left * HEAD_SHARE)
    head_end = _prefix_end(text, head_chars, head_symbols)
    tail_length = _prefix_end(
        text[::-1], chars_left - head_chars, symbols_left - head_symbols
    )
    tail_start = max(len(text) - tail_length, head_end)
    return f"{text[:head_end].rstrip()}{GAP}{text[tail_start:].lstrip()}"


def _prefix_end(text: str, max_chars: int, max_symbols: int) -> int:
    """The end of the longest prefix of `text` within both budgets, between words
    if one is near.
    """
    end = 0
    symbols = 0
    limit = min(len(text), max_chars)
    while end < limit:
        if is_symbol(text[end]):
            if symbols == max_symbols:
                break
            symbols += 1
        end += 1
    if end == len(text):
        return end
    for candidate in range(end, max(end - WORD_BACKOFF_CHARS, 0), -1):
        if text[candidate].isspace():
            return candidate
    return end

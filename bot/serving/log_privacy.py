"""No conversation content in logs: message text, slot values, tracker dumps, payloads.

Why: what people tell this bot is drug-use health data (42 CFR Part 2, GDPR special
category), and logs are copied, shipped and kept far more loosely than the tracker
store. Rasa 3.6 and rasa-sdk put content into logs as a matter of course:

- a message starting with "/" that is not a known intent gets a `UserWarning` quoting
  the whole message (through `warnings`, not `logging`);
- an action server answering 500 makes Rasa log the exception chain, and rasa-sdk's
  500 body is the whole action call (`request_body`: the tracker with every message
  and slot), quoted in `ClientResponseError`'s message;
- Rasa's structlog events carry `text=`, `user_text=`, slot values, events.

Rather than chase each call site (and every future one in a library upgrade), every
log record above DEBUG is redacted where it is made, in both processes:

- `logging.setLogRecordFactory`: every record of every logger passes through it,
  whatever handler later writes it (sanic's and rasa-sdk's own handlers, coloredlogs
  on the root, a file handler added after start-up). A filter on the root logger
  would miss records of loggers with their own handlers that do not propagate, and a
  filter on handlers would miss handlers created after `install()` (Rasa configures
  logging only after its command line is parsed).
- `warnings.showwarning`: Rasa's warnings are shown by `warnings`, not `logging`.

What is kept: the message's own words, names the code uses (`action_emergency`,
`validate_triage_form`, `rasa.core.processor`, URLs, `host:port`), numbers, exception
types and tracebacks (file, line, function, source line). What goes:

- the rest of a message from the first quoted string that is not such a name
  (`'/zq hello'`, `body='{"tracker": …}'`), or the first `{…}`/`[…]` holding quotes or
  colons (a dict or JSON dump): everything after it may be content too (a tracker
  dump spans lines, and quotes inside it cannot be matched reliably);
- `%s` arguments that are not such a name or a number (a person's text passed as an
  argument has no quotes to give it away);
- in a structlog JSON message, every value except the event name, level and a few
  known-safe keys;
- in an exception's message, the same as in a log message.

DEBUG records are left whole: `--debug` is an operator's explicit choice on a machine
they control, and debugging a conversation needs its content. A person's words with
no quotes or brackets around them in a library's f-string at INFO or above would still
pass; none does in Rasa 3.6, rasa-sdk 3.6 or this project
(tests/serving/test_log_privacy.py scans real servers' logs for a marker).
"""

from __future__ import annotations

import json
import logging
import re
import traceback
import warnings
from types import TracebackType
from typing import Any, Callable, Dict, List, Mapping, Optional, TextIO, Tuple, Type

REDACTED = "[redacted]"
# Marks a record already redacted, so a record passing twice is not redacted twice.
REDACTED_FLAG = "content_redacted"
QUOTES = "'\"`"
# A string prefix before a quote: b'…' (bytes in an exception message), r'…', f'…'.
STRING_PREFIXES = "bBrRuUfF"
OPENING_BRACKETS = {"{": "}", "[": "]"}
# Inside a bracket these mean a dict, a JSON object or a list of strings: a dump.
DUMP_SIGNS = frozenset("'\":`")
# Names the code uses have a separator (`action_emergency`, `rasa.core.processor`,
# `127.0.0.1:5055`); a person's words rarely do, and never start with "/".
CODE_NAME = re.compile(r"[A-Za-z0-9]+(?:[_.:][A-Za-z0-9]+)+")
URL = re.compile(r"[a-z][a-z0-9+.\-]*://[^\s'\"`]+")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# structlog JSON messages (Rasa renders its structlog events to JSON when its output
# is not a terminal): keys whose values are kept as they are, and keys holding a
# message written by code, redacted like a log message. Every other value goes.
STRUCTLOG_SAFE_KEYS = frozenset(
    {
        "event",
        "event_key",
        "level",
        "logger",
        "timestamp",
        "exc_type",
        "filename",
        "lineno",
        "name",
        "line",
        "is_cause",
        "action_name",
        "policy_name",
        "model_file",
        "url",
    }
)
STRUCTLOG_TEXT_KEYS = frozenset({"event_info", "exc_value", "error"})
# Values nested under these are an exception as structlog's `dict_tracebacks` renders
# it: walked into, so the exception type and frames stay.
STRUCTLOG_TRACEBACK_KEYS = frozenset({"exception", "frames"})
# Numbers under these keys are timings and counts, not content.
STRUCTLOG_MEASURE_KEY = re.compile(
    r"(?:seconds|_ms|duration|elapsed|latency|took|count|status|port)$"
)

ShowWarning = Callable[..., None]
ExcInfo = Tuple[Type[BaseException], BaseException, Optional[TracebackType]]


def is_code_name(text: str) -> bool:
    """True for a name the code uses (an action, slot, module, URL), not a person's."""
    return bool(
        CODE_NAME.fullmatch(text) or URL.fullmatch(text) or NUMBER.fullmatch(text)
    )


def _opens_quote(text: str, index: int) -> bool:
    """True when the quote at `index` opens a quoted string rather than being an
    apostrophe ("couldn't", "the person's"): nothing word-like right before it, or
    only a string prefix such as the `b` of b'…'."""
    if index == 0 or not text[index - 1].isalnum():
        return True
    return text[index - 1] in STRING_PREFIXES and (
        index == 1 or not text[index - 2].isalnum()
    )


def _closing_bracket(text: str, start: int) -> int:
    """Index of the bracket closing the one at `start` on the same line, or -1."""
    opening, closing = text[start], OPENING_BRACKETS[text[start]]
    depth = 0
    for index in range(start, len(text)):
        character = text[index]
        if character == "\n":
            return -1
        if character == opening:
            depth += 1
        elif character == closing:
            depth -= 1
            if depth == 0:
                return index
    return -1


def redact_text(text: str) -> str:
    """`text` up to its first quoted string or bracketed dump that may be content.

    Why cut the rest rather than the quoted part alone: a dump's own quotes and
    brackets (a JSON body inside `body='…'`, a message with an apostrophe) cannot be
    matched reliably, and a tracker dump spans lines; what precedes it is the code's
    own wording, which says what went wrong.
    """
    index = 0
    while index < len(text):
        character = text[index]
        if character in QUOTES and _opens_quote(text, index):
            end = text.find(character, index + 1)
            quoted = text[index + 1 : end] if end != -1 else ""
            if end == -1 or not is_code_name(quoted):
                return text[:index] + REDACTED
            index = end + 1
            continue
        if character in OPENING_BRACKETS:
            end = _closing_bracket(text, index)
            if end == -1 or DUMP_SIGNS.intersection(text[index + 1 : end]):
                return text[:index] + REDACTED
        index += 1
    return text


def redact_value(value: Any) -> Any:
    """A `%s` argument of a log call, kept only when it cannot be content."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {redact_text(str(value))}"
    if isinstance(value, str) and is_code_name(value):
        return value
    return REDACTED


def redact_structured(data: Mapping[str, Any]) -> Dict[str, Any]:
    """A structlog event dict with only its name, level and known-safe values."""
    result: Dict[str, Any] = {}
    for key, value in data.items():
        if key in STRUCTLOG_TRACEBACK_KEYS and isinstance(value, list):
            result[key] = [
                redact_structured(item) if isinstance(item, dict) else REDACTED
                for item in value
            ]
        elif key in STRUCTLOG_SAFE_KEYS and not isinstance(value, (dict, list)):
            result[key] = value
        elif key in STRUCTLOG_TEXT_KEYS and isinstance(value, str):
            result[key] = redact_text(value)
        elif (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and STRUCTLOG_MEASURE_KEY.search(key)
        ):
            result[key] = value
        else:
            result[key] = REDACTED
    return result


def _redact_message(text: str) -> str:
    """A whole formatted log message: a structlog JSON event, or free text."""
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return json.dumps(redact_structured(data), ensure_ascii=False)
    return redact_text(text)


def format_exception(error: BaseException) -> str:
    """The exception chain as Python prints it, each exception's message redacted.

    Types, files, lines, functions and source lines stay: they say what failed and
    where. The messages are where content hides (`ClientResponseError` quotes the
    action server's whole 500 body, which rasa-sdk fills with the tracker).
    """
    parts: List[str] = []
    seen: set[int] = set()

    def add(current: BaseException) -> None:
        seen.add(id(current))
        cause, context = current.__cause__, current.__context__
        if cause is not None and id(cause) not in seen:
            add(cause)
            parts.append(
                "\nThe above exception was the direct cause of the following "
                "exception:\n\n"
            )
        elif (
            context is not None
            and not current.__suppress_context__
            and id(context) not in seen
        ):
            add(context)
            parts.append(
                "\nDuring handling of the above exception, another exception "
                "occurred:\n\n"
            )
        if current.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(current.__traceback__))
        kind = type(current)
        name = (
            kind.__qualname__
            if kind.__module__ == "builtins"
            else f"{kind.__module__}.{kind.__qualname__}"
        )
        message = redact_text(str(current))
        parts.append(f"{name}: {message}\n" if message else f"{name}\n")

    add(error)
    return "".join(parts).rstrip("\n")


def _exception_of(exc_info: Any) -> Optional[BaseException]:
    """The exception a record's `exc_info` names, if any."""
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple) and len(exc_info) == 3:
        error = exc_info[1]
        return error if isinstance(error, BaseException) else None
    return None


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redacts a record in place (above DEBUG only) and returns it."""
    if record.levelno <= logging.DEBUG or getattr(record, REDACTED_FLAG, False):
        return record
    args: Any = record.args
    if isinstance(args, Mapping):
        args = {key: redact_value(value) for key, value in args.items()}
    elif isinstance(args, tuple):
        args = tuple(redact_value(value) for value in args)
    try:
        text = str(record.msg) % args if args else str(record.msg)
    except (TypeError, ValueError, KeyError):
        text = str(record.msg)
    record.msg = _redact_message(text)
    record.args = ()
    error = _exception_of(record.exc_info)
    if error is not None:
        record.exc_text = format_exception(error)
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = redact_text(record.exc_text)
    setattr(record, REDACTED_FLAG, True)
    return record


class ContentRedactingFilter(logging.Filter):
    """The same redaction as a `logging.Filter`, for a handler configured by hand
    (a `--logging-config-file`); `install()` does not need it."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def _redacting_factory(
    make_record: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    """A record factory that redacts what `make_record` makes."""

    def make_redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(make_record(*args, **kwargs))

    make_redacted_record.__wrapped__ = make_record  # type: ignore[attr-defined]
    return make_redacted_record


def _redacting_showwarning(show: ShowWarning) -> ShowWarning:
    """`warnings.showwarning` that shows the warning's message redacted."""

    def show_redacted(
        message: Warning | str,
        category: Type[Warning],
        filename: str,
        lineno: int,
        file: Optional[TextIO] = None,
        line: Optional[str] = None,
    ) -> None:
        show(redact_text(str(message)), category, filename, lineno, file, line)

    show_redacted.__wrapped__ = show  # type: ignore[attr-defined]
    return show_redacted


def _installed(hook: Any) -> bool:
    """True when `hook` is one of ours (possibly wrapped by someone since)."""
    while hook is not None:
        if getattr(hook, "__name__", "") in {"make_redacted_record", "show_redacted"}:
            return True
        hook = getattr(hook, "__wrapped__", None)
    return False


def install() -> None:
    """Redacts every log record above DEBUG and every warning in this process
    (idempotent). Call it before the servers log anything about a conversation."""
    factory = logging.getLogRecordFactory()
    if not _installed(factory):
        logging.setLogRecordFactory(_redacting_factory(factory))
    if not _installed(warnings.showwarning):
        warnings.showwarning = _redacting_showwarning(warnings.showwarning)

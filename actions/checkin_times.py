"""The time of day a person picks for their check-ins ("check in at 8pm", "tomorrow at
7", "in the evening"), in their time zone, and never at night unless they say so.

Why a small reader of its own and not an entity from the NLU model: the times people
type take a handful of shapes (8pm, 8:30 p.m., 20:00, "at 7", "in the evening") that a
few patterns read exactly, and the model's entities are trained for symptoms. The
shapes are code; the words (named times, night hours, "today", what makes a night time
explicit) are data: `data/dialogue/checkin_times.yml`.

Why night needs an explicit yes: a check-in message at 2 am can wake a person who is
finally sleeping through withdrawal, so a time between 22:00 and 07:00 is asked about
first, with buttons whose payload carries the time (`checkin_at` entity), unless the
same message says night is fine ("at 11pm, I work nights").
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml

from actions.paths import data_dir
from bot.language import normalise

TIMES_FILE = ("dialogue", "checkin_times.yml")
CHECKIN_AT_ENTITY = "checkin_at"
"""The time a night-confirmation button carries: "HH:MM", optionally "HH:MM today"."""
OPT_IN_INTENT = "opt_in_check_in"
TODAY = "today"
TOMORROW = "tomorrow"
MINUTES_PER_DAY = 24 * 60
NOON = 12 * 60

# "8pm", "8 pm", "8:30 p.m.", "11.15am"
_TWELVE_HOUR = re.compile(
    r"(?<![\d:.])(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<m>[0-5]\d))?\s*"
    r"(?P<ap>a\.?\s?m\b\.?|p\.?\s?m\b\.?)"
)
# "20:00", "7:30", "20h30"
_CLOCK = re.compile(r"(?<![\d:.])(?P<h>[01]?\d|2[0-3])[:h](?P<m>[0-5]\d)(?![\d])")
# "at 7", "around 9 o'clock", "7 oclock"; not "at 2 days", "at 5mg"
_BARE = re.compile(
    r"(?:\b(?:at|around|about)\s+(?P<h>1[0-2]|0?[1-9])\b"
    r"(?!\s*(?:[:.]\d|days?\b|hours?\b|hrs?\b|weeks?\b|mg\b|ml\b|%|x\b|times\b|pills?\b))"
    r"(?:\s*o\s?'?\s?clock)?)"
    r"|(?:\b(?P<h2>1[0-2]|0?[1-9])\s*o\s?'?\s?clock\b)"
)


@dataclass(frozen=True)
class TimesData:
    """`checkin_times.yml`, checked."""

    default: int
    night_from: int
    night_until: int
    night_ok: Tuple[str, ...]
    today_words: Tuple[str, ...]
    tomorrow_words: Tuple[str, ...]
    min_minutes_ahead: int
    bare_hours_pm: Tuple[int, ...]
    named: Tuple[Tuple[str, int], ...]
    """Phrases, longest first, and their minute of the day."""
    greetings: Tuple[Tuple[int, str], ...]


@dataclass(frozen=True)
class PickedTime:
    """A time of day the person asked for, and the day they said, if any."""

    minute: int
    """Minutes after local midnight."""
    day: Optional[str] = None
    """TODAY, TOMORROW, or None (not said: the offer is for tomorrow)."""


def parse_hhmm(value: Any) -> Optional[int]:
    """Minutes after midnight of "HH:MM" (24-hour), or None."""
    match = re.fullmatch(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*", str(value))
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def _hhmm(value: Any, where: str) -> int:
    minute = parse_hhmm(value)
    if minute is None:
        raise ValueError(f"{where}: '{value}' is not a time like \"07:30\".")
    return minute


def _require(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(mapping, Mapping) or key not in mapping:
        raise ValueError(f"{where}: missing field '{key}'.")
    return mapping[key]


def _phrases(values: Iterable[Any]) -> Tuple[str, ...]:
    return tuple(normalise(str(value)) for value in values)


@lru_cache(maxsize=1)
def times_data() -> TimesData:
    """Loaded once; fails loudly with the file and the field at fault."""
    path = data_dir().joinpath(*TIMES_FILE)
    if not path.is_file():
        raise ValueError(f"File '{path}' does not exist.")
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    where = f"File '{path}'"
    night = _require(document, "night", where)
    named = {
        normalise(str(phrase)): _hhmm(value, f"{where}, named '{phrase}'")
        for phrase, value in _require(document, "named", where).items()
    }
    greetings = []
    for index, entry in enumerate(_require(document, "greetings", where)):
        at = f"{where}, greetings[{index}]"
        greetings.append(
            (int(_require(entry, "until", at)), str(_require(entry, "text", at)))
        )
    if not greetings or greetings[-1][0] < 24:
        raise ValueError(f"{where}, greetings: the last one must reach until: 24.")
    pm_hours = tuple(int(hour) for hour in document.get("bare_hours_pm") or ())
    if any(not 1 <= hour <= 11 for hour in pm_hours):
        raise ValueError(f"{where}, bare_hours_pm: hours must be 1 to 11.")
    return TimesData(
        default=_hhmm(_require(document, "default", where), f"{where}, default"),
        night_from=_hhmm(_require(night, "from", f"{where}, night"), f"{where}, night"),
        night_until=_hhmm(
            _require(night, "until", f"{where}, night"), f"{where}, night"
        ),
        night_ok=_phrases(_require(document, "night_ok", where)),
        today_words=_phrases(_require(document, "today_words", where)),
        tomorrow_words=_phrases(_require(document, "tomorrow_words", where)),
        min_minutes_ahead=int(document.get("min_minutes_ahead", 30)),
        bare_hours_pm=pm_hours,
        named=tuple(sorted(named.items(), key=lambda item: -len(item[0]))),
        greetings=tuple(greetings),
    )


@lru_cache(maxsize=1)
def _zones() -> Tuple[Tuple[str, str], ...]:
    """(phrase, IANA zone) of `checkin_times.yml` `zones`, longest phrase first; a
    zone this machine's tz database lacks fails loudly."""
    path = data_dir().joinpath(*TIMES_FILE)
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for zone, phrases in (document.get("zones") or {}).items():
        ZoneInfo(str(zone))  # raises for an unknown zone
        pairs += [(normalise(str(phrase)), str(zone)) for phrase in phrases]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def named_zone_offset(texts: Iterable[str], now: dt.datetime) -> Optional[int]:
    """The UTC offset (minutes, at `now`, UTC naive) of the first place or zone name
    found in `texts` (latest message first), or None."""
    for text in texts:
        words = normalise(text)
        for phrase, zone in _zones():
            if _has_phrase(words, (phrase,)):
                offset = ZoneInfo(zone).utcoffset(now)
                return int(offset.total_seconds() // 60) if offset is not None else None
    return None


def _has_phrase(words: str, phrases: Iterable[str]) -> bool:
    """Whether a phrase occurs as whole words in the normalised text."""
    padded = f" {words} "
    return any(f" {phrase} " in padded for phrase in phrases if phrase)


def _named_time(words: str) -> Optional[int]:
    padded = f" {words} "
    for phrase, minute in times_data().named:
        if f" {phrase} " in padded:
            return minute
    return None


def _bare_hour(hour: int, named: Optional[int]) -> int:
    """The minute of "at 7": evening words make it pm, morning words am, else the
    data's rule (1 to 6 are pm)."""
    if hour == 12:
        return NOON
    if named is not None:
        return (hour + 12) * 60 if named >= NOON else hour * 60
    return (hour + 12) * 60 if hour in times_data().bare_hours_pm else hour * 60


def names_a_clock_time(text: str) -> bool:
    """Whether the text names an hour ("9pm", "21:00", "at 9"), not only a part of
    the day ("tonight", "in the evening")."""
    lowered = text.lower().replace("’", "'")
    return bool(
        _TWELVE_HOUR.search(lowered) or _CLOCK.search(lowered) or _BARE.search(lowered)
    )


def picked_time(text: str) -> Optional[PickedTime]:
    """The time of day a message asks for, or None when it names none."""
    lowered = text.lower().replace("’", "'")
    words = normalise(text)
    named = _named_time(words)
    minute: Optional[int] = None
    twelve = _TWELVE_HOUR.search(lowered)
    clock = _CLOCK.search(lowered)
    bare = _BARE.search(lowered)
    if twelve:
        hour = int(twelve.group("h")) % 12
        if twelve.group("ap").startswith("p"):
            hour += 12
        minute = hour * 60 + int(twelve.group("m") or 0)
    elif clock:
        hour, extra = int(clock.group("h")), int(clock.group("m"))
        minute = (hour * 60 if hour > 12 else _bare_hour(hour, named)) + extra
    elif bare:
        minute = _bare_hour(int(bare.group("h") or bare.group("h2")), named)
    elif named is not None:
        minute = named
    if minute is None:
        return None
    data = times_data()
    day = None
    if _has_phrase(words, data.tomorrow_words) and not _has_phrase(
        words, [f"not {word}" for word in data.tomorrow_words]
    ):
        # Not "not tomorrow, TONIGHT" (review 35: read as tomorrow).
        day = TOMORROW
    elif _has_phrase(words, data.today_words):
        day = TODAY
    return PickedTime(minute % MINUTES_PER_DAY, day)


def from_button(entities: Iterable[Mapping[str, Any]]) -> Optional[PickedTime]:
    """The time a night-confirmation button carries ("23:00" or "23:00 today")."""
    for entity in entities:
        if entity.get("entity") != CHECKIN_AT_ENTITY:
            continue
        value = str(entity.get("value") or "")
        time_part, _, day = value.partition(" ")
        minute = parse_hhmm(time_part)
        if minute is not None:
            return PickedTime(minute, TODAY if day.strip() == TODAY else None)
    return None


def button_value(picked: PickedTime) -> str:
    """What `from_button` reads back."""
    value = f"{picked.minute // 60:02d}:{picked.minute % 60:02d}"
    return f"{value} {TODAY}" if picked.day == TODAY else value


def is_night(minute: int) -> bool:
    """Whether a local time falls in the night hours (22:00 to 07:00 by default)."""
    data = times_data()
    if data.night_from > data.night_until:
        return minute >= data.night_from or minute < data.night_until
    return data.night_from <= minute < data.night_until


def says_night_is_fine(text: str) -> bool:
    """Whether the message itself makes a night time explicit."""
    return _has_phrase(normalise(text), times_data().night_ok)


def first_due(
    now: dt.datetime, utc_offset_minutes: int, picked: Optional[PickedTime]
) -> dt.datetime:
    """The first check-in (UTC, naive): tomorrow at the picked (or default) local time,
    or today when the person said today and it is still far enough ahead."""
    data = times_data()
    minute = data.default if picked is None else picked.minute
    offset = dt.timedelta(minutes=utc_offset_minutes)
    local_now = now + offset
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = midnight + dt.timedelta(minutes=minute)
    ahead = dt.timedelta(minutes=data.min_minutes_ahead)
    if picked is not None and picked.day == TODAY and today - local_now >= ahead:
        return today - offset
    return today + dt.timedelta(days=1) - offset


def clock_text(minute: int) -> str:
    """ "8:00 pm", "12:30 pm", "7:00 am": how the bot says a time back."""
    hour, rest = divmod(minute % MINUTES_PER_DAY, 60)
    suffix = "am" if hour < 12 else "pm"
    return f"{(hour % 12) or 12}:{rest:02d} {suffix}"


def greeting(local_hour: int) -> str:
    """ "Good morning", "Good evening": by the check-in's local hour."""
    for until, text in times_data().greetings:
        if local_hour < until:
            return text
    return times_data().greetings[-1][1]


def night_question(picked: PickedTime) -> Tuple[str, List[Dict[str, str]]]:
    """The question and buttons for a night time: that time anyway, or the default."""
    data = times_data()
    said = clock_text(picked.minute)
    default = PickedTime(data.default, None)
    text = (
        f"{said} is at night. I don't send check-ins at night unless you ask, so I "
        "don't wake you if you've managed to fall asleep. Shall I check in at "
        f"{said} anyway?"
    )
    buttons = [
        {"title": f"Yes, at {said}", "payload": _payload(picked)},
        {
            "title": f"No, {clock_text(data.default)} instead",
            "payload": _payload(default),
        },
    ]
    return text, buttons


def _payload(picked: PickedTime) -> str:
    """The opt-in intent with the time as its `checkin_at` entity."""
    entities = json.dumps({CHECKIN_AT_ENTITY: button_value(picked)})
    return f"/{OPT_IN_INTENT}{entities}"

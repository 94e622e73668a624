"""When did the person stop, and how bad is it: wording -> hours since last use, 0-10
score.

"2 days ago", "day 3", "since monday", "36 hours", "last night" all become hours since
the last use, so actions can compare them with the time courses in the knowledge base.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterator, List, Optional

HOURS_PER_DAY = 24
HOURS_PER_WEEK = 7 * HOURS_PER_DAY
WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple": 2,
    "a couple": 2,
    "a couple of": 2,
    "few": 3,
    "a few": 3,
    "several": 4,
}
_NUMBER = (
    r"(\d{1,3}(?:\.\d)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|several)"
)
_UNIT_HOURS = {
    "h": 1,
    "hr": 1,
    "hrs": 1,
    "hour": 1,
    "hours": 1,
    "day": 24,
    "days": 24,
    "week": 168,
    "weeks": 168,
    "wk": 168,
    "wks": 168,
    "month": 720,
    "months": 720,
}
_DURATION = re.compile(
    rf"\b{_NUMBER}\s*(hours?|hrs?|h|days?|weeks?|wks?|months?)\b", re.IGNORECASE
)
_DAY_N = re.compile(r"\bday\s*(\d{1,3})\b", re.IGNORECASE)
_NOT_A_LAST_USE = re.compile(
    r"\s*(?:pregnant|preggo|along|gestation|into (?:my|the|her) pregnancy|postpartum"
    r"|old\b|of age"
    # "a 14 hour bus ride", "12 hours on a plane": the journey, not the last use
    # (review 33: the summary for the clinic said the last use was 14 hours ago).
    r"|(?:-\s*)?(?:long\s+)?(?:bus|coach|train|car|plane|flight|drive|ride|road trip"
    r"|trip|journey|shift|nap)\b"
    r"|(?:on|in) (?:a|the|my) (?:bus|coach|train|car|plane|flight)\b)",
    re.IGNORECASE,
)
# "pregnant 20 wks", "pregnancy at 28 weeks": the weeks are the pregnancy's.
_PREGNANT_BEFORE = re.compile(
    r"\b(?:pregnant|pregnancy|expecting)\s*(?:,|at|about|around|now|with)?\s*$",
    re.IGNORECASE,
)
# "the clinic wont take me back for 30 days", "have to wait 2 weeks", "appointment in
# 3 days": a time ahead, not the last use (review 19: "last use 30 days ago"). Not a
# bare "in" or "until": "havent used in 3 days", "until 2 days ago" are the last use.
_AHEAD_BEFORE = re.compile(
    r"\b(?:wont|won't|will not|not until|wait|waiting|another|next|appointment"
    r"|booked|take me back)\b[^.!?,]{0,20}?"
    r"(?:for\s+)?(?:another\s+|the next\s+)?$",
    re.IGNORECASE,
)
# How long the drug was taken, not how long ago it was stopped: "was prescribed for 6
# weeks. Day 3 now" was read as six weeks since stopping, and a day-3 patient was told
# withdrawal had gone on longer than usual (review 22).
_USE_FOR_BEFORE = re.compile(
    r"\b(?:prescribed|taking|taken|took|used|using|use|drinking|drank|been on|was on"
    r"|were on|on it|on them|on oxy|on methadone|on subs)\b(?:(?!\b(?:off|stopped|"
    r"stop|quit|clean|without|since|ago)\b)[^.!?,;]){0,25}?\bfor\s+"
    r"(?:about\s+|like\s+|over\s+|almost\s+|nearly\s+|around\s+)?$",
    re.IGNORECASE,
)
# How long the habit ran, told without a "for": "been on it 6 months", "after 6 months
# on subs i stopped", "6 month habit", "6 months on fent, day 2" (session 27's note: a
# duration of use was read as the time since stopping).
_ON_IT_BEFORE = re.compile(
    r"\b(?:been on|was on|were on|been using|been taking|been drinking)"
    r"(?:\s+(?:it|them|the \w+|my \w+|\w+))?\s+(?:about\s+|like\s+|nearly\s+"
    r"|almost\s+|around\s+|over\s+)?$",
    re.IGNORECASE,
)
_USE_AFTER = re.compile(
    r"\s*(?:-\s*)?(?:long\s+)?(?:habit|addiction|run|of (?:daily |heavy |steady )?"
    r"(?:use|using|taking|drinking|it)|on (?:it|them|(?!the\b|a\b|my\b|end\b)\w+)"
    r"|(?:of )?(?:daily|everyday|every day)\b)",
    re.IGNORECASE,
)
_NOT_USED_BEFORE = re.compile(
    r"\b(?:havent|haven't|hasnt|hasn't|have not|not|didnt|didn't|dont|don't|never)"
    r"\s+(?:\w+\s+)?(?:used|using|use|taken|took|drank|drinking|been on)\b",
    re.IGNORECASE,
)
"""... unless the use is denied: "haven't used for 5 days" is a stop."""
# How long they lay, sat or slept, not how long ago they stopped (review 32: "passed out
# on the floor for like 8 hours" went into the summary as the last use 8 hours ago).
_STILL_FOR_BEFORE = re.compile(
    r"\b(?:passed out|blacked out|knocked out|out cold|lay|laid|lying|laying|lie|lied"
    r"|on the floor|on the ground|in bed|asleep|slept|sleeping|sat|sitting|sit|stuck"
    r"|couldn'?t move|could not move|unconscious|in one position|driving|drove|flight"
    r"|on a plane|on the bus)\b[^.!?,;]{0,25}?\bfor\s+"
    r"(?:about\s+|like\s+|over\s+|almost\s+|nearly\s+|around\s+|a good\s+)?$",
    re.IGNORECASE,
)
# How long a taper runs, not how long ago they stopped (review 35: "tapering off
# klonopin, 2mg down to 0.5 over 3 months" went into the summary as the last use 90
# days ago, for someone still taking it every day). A decimal point ("0.5") is no
# sentence end.
_TAPER_OVER_BEFORE = re.compile(
    r"\b(?:taper|tapers|tapering|tapered|cutting down|cut down|coming down|come down"
    r"|step down|stepping down|down to|reducing|reduce|weaning|wean)\b"
    r"(?:[^.!?;]|\.(?=\d)){0,40}?\b(?:over|across|in)\s+"
    r"(?:about\s+|like\s+|around\s+|the\s+(?:next|last|past)\s+)?$",
    re.IGNORECASE,
)
# How long it was taken before it was stopped: "stopped my prescribed tramadol 5 days
# ago after 8 months" went into the summary as the last use 240 days ago (review 36).
_STOPPED_AFTER_BEFORE = re.compile(
    r"\b(?:stopped|stopping|quit|quitting|came off|come off|coming off|got off"
    r"|tapered off|weaned off)\b[^.!?;]{0,40}?\bafter\s+"
    r"(?:about\s+|like\s+|over\s+|almost\s+|nearly\s+|around\s+)?$",
    re.IGNORECASE,
)
_SINCE_WEEKDAY = re.compile(
    rf"\b(?:since|on|last|stopped|quit|ran out|came off)\s+({'|'.join(WEEKDAYS)})\b",
    re.IGNORECASE,
)
_FIXED = {
    "last night": 12,
    "yesterday": 24,
    "this morning": 6,
    "earlier today": 6,
    "day before yesterday": 48,
    "last week": HOURS_PER_WEEK,
}
_FIXED_PATTERN = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _FIXED), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_AGO = re.compile(r"\s+ago\b", re.IGNORECASE)
_TIME_LEAD_WORDS = {
    "for",
    "about",
    "over",
    "like",
    "past",
    "last",
    "almost",
    "nearly",
    "been",
    "after",
    "since",
    "only",
    "just",
    "around",
    "under",
    "maybe",
    "roughly",
}
_SEVERITY = re.compile(
    r"\b(10|[0-9])\s*(?:/|out\s+of|outta|of)\s*10\b|"
    r"\b(?:a|an|like a|about a)\s+(10|[0-9])\b(?=\s*(?:$|[,.!]|pain|today|now))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    """A value found in a message and the characters it came from."""

    value: int
    start: int
    end: int


def _number(word: str) -> Optional[float]:
    word = " ".join(word.lower().split())
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return None


def _is_rate(text: str, match: "re.Match[str]") -> bool:
    """ "a day" / "an hour" after an amount ("6 percs a day", "3x a day") is a rate.

    "a week ago", "for a day", "been a day" are times.
    """
    if match.group(1).lower() not in ("a", "an"):
        return False
    if _AGO.match(text, match.end()):
        return False
    previous_word = (text[: match.start()].split()[-1:] or [""])[0].lower()
    return previous_word not in _TIME_LEAD_WORDS


def _durations(text: str, today: dt.date) -> Iterator[Found]:
    for match in _DAY_N.finditer(text):
        # "day 3" of withdrawal: the third day, so two to three days in; we take the
        # top.
        yield Found(int(match.group(1)) * HOURS_PER_DAY, match.start(), match.end())
    for match in _DURATION.finditer(text):
        amount = _number(match.group(1))
        unit = match.group(2).lower()
        if amount is None or (unit == "h" and match.group(0)[-2:-1].isspace()):
            continue
        if _is_rate(text, match):  # "6 percs a day" is how much, not when
            continue
        if _NOT_A_LAST_USE.match(text, match.end()) or _PREGNANT_BEFORE.search(
            text[: match.start()]
        ):
            continue  # "20 weeks pregnant", "pregnant, 20 wks": not the last use
        if _AHEAD_BEFORE.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        before = text[max(0, match.start() - 50) : match.start()]
        if _USE_FOR_BEFORE.search(before) and not _NOT_USED_BEFORE.search(before):
            continue
        if not _AGO.match(text, match.end()) and (
            _ON_IT_BEFORE.search(before) or _USE_AFTER.match(text, match.end())
        ):
            continue
        if (
            _STILL_FOR_BEFORE.search(before)
            or _TAPER_OVER_BEFORE.search(before)
            or _STOPPED_AFTER_BEFORE.search(before)
        ):
            continue
        yield Found(round(amount * _UNIT_HOURS[unit]), match.start(), match.end())
    for match in _SINCE_WEEKDAY.finditer(text):
        days = (today.weekday() - WEEKDAYS.index(match.group(1).lower())) % 7 or 7
        yield Found(days * HOURS_PER_DAY, match.start(), match.end())
    for match in _FIXED_PATTERN.finditer(text):
        yield Found(_FIXED[match.group(1).lower()], match.start(), match.end())


def hours_since_stop(text: str, today: Optional[dt.date] = None) -> Optional[Found]:
    """The time expression in `text` that says when the person stopped, as hours
    since: the first one right after a word of stopping ("stopped on monday which is 4
    days ago"), else the first one. Review 32: "on percs after my knee surgery like 2
    years ago ... i stopped on monday which is 4 days ago" was taken as two years, and
    day 4 was told it had gone on longer than withdrawal usually lasts."""
    found: List[Found] = sorted(
        _durations(text, today or dt.date.today()), key=lambda f: f.start
    )
    accepted: List[Found] = []
    for item in found:
        if not any(
            item.start < other.end and other.start < item.end for other in accepted
        ):
            accepted.append(item)
    after_a_stop = [
        item for item in accepted if _STOP_WORD_BEFORE.search(text[: item.start])
    ]
    # "Earlier today he had a funny turn" tells when something happened, not when
    # anything was stopped (review 49: "last use about 6 hours ago" in the summary).
    untold = [item for item in accepted if not _EVENT_AFTER.match(text[item.end :])]
    return (after_a_stop or untold or [None])[0]


# Someone doing or having something right after a time: the time of an event.
_EVENT_AFTER = re.compile(
    r"\s*,?\s*(he|she|they|i|we|my \w+|his \w+|her \w+)\s+"
    r"(had|has|was|were|fell|collapsed|passed out|texted|called|saw|woke)\b",
    re.IGNORECASE,
)


# A word of stopping close before a time ("stopped on monday which is", "last dose").
_STOP_WORD_BEFORE = re.compile(
    r"\b(stop|stopped|stopping|quit|quitting|came off|come off|ran out|run out|"
    r"last (dose|use|used|hit|shot|drink|pill|one|time)|clean|sober|off it|off them)"
    r"\b[^.!?\n]{0,25}$",
    re.IGNORECASE,
)


def severity(text: str) -> Optional[Found]:
    """A 0-10 pain score ("8/10", "7 out of 10", "it's a 9")."""
    match = _SEVERITY.search(text)
    if not match:
        return None
    value = int(match.group(1) or match.group(2))
    return Found(value, match.start(), match.end())

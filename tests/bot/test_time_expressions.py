"""How long since the person stopped, and how bad it is, from the way they put it."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.nlu.time_expressions import hours_since_stop, severity

WEDNESDAY = dt.date(2024, 5, 15)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("2 days ago", 48),
        ("stopped 2 days ago", 48),
        ("day 3", 72),
        ("day 3 off oxy and my glutes are cramping", 72),
        ("it's been 36 hours", 36),
        ("36h since my last", 36),
        ("last night", 12),
        ("quit last night", 12),
        ("yesterday", 24),
        ("this morning", 6),
        ("a couple of days ago", 48),
        ("a few days", 72),
        ("two weeks ago", 336),
        ("a week ago", 168),
        ("last week", 168),
        ("since monday", 48),  # on a Wednesday
        ("on sunday", 72),
        ("since wednesday", 168),  # today is Wednesday: a week ago, not now
        ("stopped 3 days ago and the pain is 8/10", 72),
        ("i take it twice a day, stopped 4 days ago", 96),
        # review 22: how long it was taken is not how long ago it was stopped
        ("was prescribed for 6 weeks after surgery. Day 3 now", 72),
        ("i was on it for 3 years and quit 4 days ago", 96),
        ("haven't used for 5 days", 120),
        ("been off for 6 weeks", 1008),
        # review 32: day 4 was told it had gone on longer than withdrawal lasts
        (
            "on percs after my knee surgery like 2 years ago and then blues, i "
            "stopped on monday which is 4 days ago",
            48,  # monday, on a Wednesday
        ),
        ("surgery was 2 years ago. quit the pills 5 days ago", 120),
    ],
)
def test_time_since_stopping_in_hours(text: str, hours: int) -> None:
    found = hours_since_stop(text, today=WEDNESDAY)
    assert found is not None, text
    assert found.value == hours


@pytest.mark.parametrize(
    "text",
    [
        "twice a day",
        "3 times a day",
        "once a week",
        "i took 8 pills a day",
        "my butt hurts",
        "36 h",  # a lone "h" after a space is left for the heroin lexicon term
    ],
)
def test_rates_and_other_numbers_are_not_a_time(text: str) -> None:
    assert hours_since_stop(text, today=WEDNESDAY) is None


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("I was on 6 percs a day, stopped 3 days ago", 72),
        ("used 3 grams a day until 2 days ago", 48),
        ("took them 3x a day", None),
    ],
)
def test_a_usage_rate_is_not_a_time(text: str, hours: int | None) -> None:
    found = hours_since_stop(text, today=WEDNESDAY)
    assert (found.value if found else None) == hours


def test_the_span_points_at_the_words_used() -> None:
    text = "quit 3 days ago, it's bad"
    found = hours_since_stop(text, today=WEDNESDAY)
    assert found is not None
    assert text[found.start : found.end] == "3 days"


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("8/10", 8),
        ("pain is 7 out of 10", 7),
        ("like a 9 today", 9),
        ("it's a 10", 10),
        ("10/10 worst ever", 10),
        ("0/10 now", 0),
    ],
)
def test_severity_score(text: str, score: int) -> None:
    found = severity(text)
    assert found is not None, text
    assert found.value == score


@pytest.mark.parametrize(
    "text", ["day 3", "2 days ago", "i took 8 pills a day", "twice a day", "i'm 30"]
)
def test_other_numbers_are_not_a_severity(text: str) -> None:
    assert severity(text) is None


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("im 20 weeks pregnant and stopped oxy 3 days ago", 72),
        ("pregnant 20 wks, off the pills", None),
        ("pregnant, 20 weeks, stopped 2 days ago", 48),
        ("im expecting at 28 weeks", None),
    ],
)
def test_weeks_of_a_pregnancy_are_no_time_since_stopping(
    text: str, hours: object
) -> None:
    """A review: "20 weeks pregnant" became "last use about 140 days ago"."""
    found = hours_since_stop(text, WEDNESDAY)
    assert (found.value if found else None) == hours


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        # review 19: the summary said the last use was 30 days ago
        ("the clinic wont take me back for 30 days", None),
        ("my appointment is in 3 days", None),
        ("havent used in 3 days", 72),
    ],
)
def test_a_time_ahead_is_not_the_last_use(text: str, hours: int | None) -> None:
    found = hours_since_stop(text)
    assert (found.value if found else None) == hours


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        # review 32: the summary gave the long lie as the last use, 8 hours ago
        ("passed out on the floor for like 8 hours and now my butt is rock hard", None),
        ("sat in the car for 6 hours yesterday, stopped the oxys 3 days ago", 72),
        ("slept for 14 hours", None),
        ("been clean for 2 days", 48),
        # review 33: "the 14 hours was the bus ride"
        ("calf swollen after a 14 hour bus ride, last used 2 days ago", 48),
        ("12 hours on a plane and now my leg is puffy", None),
    ],
)
def test_how_long_they_lay_or_sat_is_not_the_last_use(
    text: str, hours: int | None
) -> None:
    found = hours_since_stop(text, WEDNESDAY)
    assert (found.value if found else None) == hours


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        # review 35: the summary gave a taper's length as the last use, 90 days ago
        ("tapering off klonopin, 2mg down to 0.5 over 3 months", None),
        ("cutting down over the next 6 weeks", None),
        ("cut down over 2 weeks, last dose 2 days ago", 48),
        ("stopped oxy over 3 days ago", 72),
        # review 36: "after 8 months" became the last use, 240 days ago
        ("I stopped my prescribed tramadol 5 days ago after 8 months", 120),
        ("quit after 2 years on it, last one was yesterday", 24),
        # session 27's note: how long the habit ran, told without a "for"
        ("been on it 6 months", None),
        ("6 month habit", None),
        ("6 months on fent, day 2", 48),
        ("after 6 months on subs i stopped", None),
        ("been on subs 2 yrs, quit 3 days ago", 72),
        ("used daily for 6 months, stopped sunday", 72),
        ("3 days off oxy", 72),
    ],
)
def test_how_long_a_taper_runs_is_not_the_last_use(
    text: str, hours: int | None
) -> None:
    found = hours_since_stop(text, WEDNESDAY)
    assert (found.value if found else None) == hours

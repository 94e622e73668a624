"""A time the person picks for their check-ins (actions/checkin_times.py and
data/dialogue/checkin_times.yml): read from what they type, kept in their time zone day
after day, and never at night unless they say so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import pytest

from actions import checkin_times
from actions.checkin_times import (
    TODAY,
    TOMORROW,
    PickedTime,
    names_a_clock_time,
    picked_time,
)
from bot import checkins

MONDAY_3PM = dt.datetime(2026, 3, 2, 15, 0)  # UTC


@pytest.mark.parametrize(
    "said, time, day",
    [
        ("yes, check in at 8pm", "8:00 pm", None),
        ("check in at 8 PM please", "8:00 pm", None),
        ("check in around 8:30 p.m.", "8:30 pm", None),
        ("tomorrow at 7", "7:00 am", "tomorrow"),
        ("check on me tomorrow at 6", "6:00 pm", "tomorrow"),
        ("at 7 in the evening", "7:00 pm", None),
        ("check on me tonight at 9", "9:00 pm", "today"),
        ("check in at 20:00", "8:00 pm", None),
        ("make it 7:30", "7:30 am", None),
        ("around 9 o'clock", "9:00 am", None),
        ("at noon", "12:00 pm", None),
        ("in the afternoon", "3:00 pm", None),
        ("yes check in tomorrow morning", "10:00 am", "tomorrow"),
        ("can we do lunchtime", "12:30 pm", None),
        ("at 11pm", "11:00 pm", None),
        ("2am is best", "2:00 am", None),
    ],
)
def test_a_time_said_in_the_usual_ways_is_read(
    said: str, time: str, day: Optional[str]
) -> None:
    picked = checkin_times.picked_time(said)
    assert picked is not None, said
    assert (checkin_times.clock_text(picked.minute), picked.day) == (time, day)


@pytest.mark.parametrize(
    "said",
    [
        "yes please",
        "/opt_in_check_in",
        "yes check in tomorrow",
        "i stopped at 5 days",
        "i took 2 pills at 3 hours ago",
        "i am ok",
        "it has been 12 hours",
    ],
)
def test_no_time_is_read_where_none_was_said(said: str) -> None:
    assert checkin_times.picked_time(said) is None


@pytest.mark.parametrize(
    "time, night",
    [
        ("21:59", False),
        ("22:00", True),
        ("23:30", True),
        ("03:00", True),
        ("06:59", True),
        ("07:00", False),
        ("10:00", False),
    ],
)
def test_night_is_22_to_7(time: str, night: bool) -> None:
    minute = checkin_times.parse_hhmm(time)
    assert minute is not None and checkin_times.is_night(minute) is night


def test_a_night_time_is_fine_only_when_the_message_says_so() -> None:
    assert checkin_times.says_night_is_fine("check in at 11pm, i work nights")
    assert checkin_times.says_night_is_fine("2am, I'm up at night anyway")
    assert not checkin_times.says_night_is_fine("check in at 11pm")


def test_the_night_question_offers_that_time_or_the_morning() -> None:
    text, buttons = checkin_times.night_question(PickedTime(23 * 60, "today"))
    assert "11:00 pm is at night" in text
    assert [b["title"] for b in buttons] == ["Yes, at 11:00 pm", "No, 10:00 am instead"]
    # The buttons carry the time back, and the action reads it.
    yes = buttons[0]["payload"]
    assert yes.startswith('/opt_in_check_in{"checkin_at": ')
    entity = {"entity": "checkin_at", "value": "23:00 today"}
    assert checkin_times.from_button([entity]) == PickedTime(23 * 60, "today")


def test_the_first_check_in_is_tomorrow_at_the_time_in_the_persons_zone() -> None:
    eight_pm = PickedTime(20 * 60)
    # New York in March (UTC-5): 3 pm UTC is 10 am there; tomorrow 8 pm = 01:00 UTC.
    due = checkin_times.first_due(MONDAY_3PM, -300, eight_pm)
    assert due == dt.datetime(2026, 3, 4, 1, 0)
    # "tonight at 8" is today when it is still ahead, else tomorrow.
    tonight = PickedTime(20 * 60, "today")
    assert checkin_times.first_due(MONDAY_3PM, 0, tonight) == dt.datetime(
        2026, 3, 2, 20, 0
    )
    late = dt.datetime(2026, 3, 2, 19, 45)
    assert checkin_times.first_due(late, 0, tonight) == dt.datetime(2026, 3, 3, 20, 0)
    # Nothing said: tomorrow at 10:00 local, as before.
    assert checkin_times.first_due(MONDAY_3PM, 60, None) == dt.datetime(
        2026, 3, 3, 9, 0
    )


def test_each_claim_keeps_the_time_of_day_and_downtime_sends_one(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'schedules.db'}"
    first = dt.datetime(2026, 3, 3, 20, 0)
    checkins.opt_in("evening-person", MONDAY_3PM, 0, url=url, first_due=first)
    assert checkins.claim_due(first + dt.timedelta(minutes=1), url=url) == [
        "evening-person"
    ]
    assert checkins.next_due("evening-person", url=url) == first + dt.timedelta(days=1)
    # Down for three days: one check-in on coming back, the next at 8 pm again.
    back = first + dt.timedelta(days=4, hours=2)
    assert checkins.claim_due(back, url=url) == ["evening-person"]
    assert checkins.claim_due(back, url=url) == []
    assert checkins.next_due("evening-person", url=url) == first + dt.timedelta(days=5)


def test_a_new_time_moves_the_schedule_but_not_its_end(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'schedules.db'}"
    checkins.opt_in("mover", MONDAY_3PM, 0, url=url)
    later = MONDAY_3PM + dt.timedelta(days=10)
    new_first = dt.datetime(2026, 3, 13, 19, 0)
    checkins.opt_in("mover", later, 0, url=url, first_due=new_first)
    assert checkins.next_due("mover", url=url) == new_first
    # The course still ends 14 days after the first opt-in.
    end = MONDAY_3PM + dt.timedelta(days=checkins.COURSE_DAYS, minutes=1)
    assert checkins.claim_due(end, url=url) == []
    assert not checkins.is_scheduled("mover", url=url)


def test_the_greeting_follows_the_local_hour() -> None:
    assert checkin_times.greeting(10) == "Good morning"
    assert checkin_times.greeting(15) == "Good afternoon"
    assert checkin_times.greeting(20) == "Good evening"


@pytest.mark.parametrize(
    "said, offset",
    [
        # Review 27: "what timezone is that? im in california" (March 2: standard time).
        (["what timezone is that? im in california"], -8 * 60),
        (["check in at 8pm", "i live in Toronto"], -5 * 60),
        (["im in leeds btw"], 0),
        (["melbourne, australia"], 11 * 60),  # daylight time in March
        (["im in texas", "actually i moved to phoenix"], -7 * 60),  # latest first
    ],
)
def test_a_place_named_in_the_conversation_gives_the_time_zone(
    said: list, offset: int
) -> None:
    assert checkin_times.named_zone_offset(reversed(said), MONDAY_3PM) == offset


def test_no_zone_where_no_place_was_named() -> None:
    said = ["check in at 8pm", "day 3 off fent, my legs ache", "no"]
    assert checkin_times.named_zone_offset(reversed(said), MONDAY_3PM) is None


def test_not_tomorrow_but_tonight_is_today() -> None:
    """Review 35: "not tomorrow, TONIGHT" was read as tomorrow."""
    picked = picked_time("not tomorrow, TONIGHT at 9pm")
    assert picked is not None and picked.day == TODAY
    tomorrow = picked_time("tomorrow at 9pm")
    assert tomorrow is not None and tomorrow.day == TOMORROW


def test_a_part_of_the_day_names_no_clock_time() -> None:
    assert names_a_clock_time("check in at 9pm")
    assert names_a_clock_time("21:00 please")
    assert not names_a_clock_time("not tomorrow, TONIGHT. im in chicago")

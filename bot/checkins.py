"""Check-in schedules: kept in the same database as the conversations.

One row per conversation that opted in: when the next check-in is due and when they end.
The action server writes it (opt in, stop, delete); the scheduler
(`python -m bot.tooling.checkin_scheduler`) claims due rows and fires Rasa's external
event `EXTERNAL_check_in` through `POST /conversations/{id}/trigger_intent`.

Why a claim by a conditional UPDATE and not APScheduler's job store: APScheduler 3 (the
one rasa 3.6 pins) does not coordinate several schedulers on one job store, so two
replicas would both fire. `UPDATE ... WHERE next_due = :seen` succeeds for exactly one
of them, in SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from typing import List, Mapping, Optional, Tuple

import sqlalchemy as sa

CHECK_IN_HOUR = 10
"""Local hour of a check-in unless the person picks another time (never at night
unless they ask: actions/checkin_times.py)."""
COURSE_DAYS = 14
"""Check-ins end by themselves after the usual course of withdrawal."""

metadata = sa.MetaData()
schedules = sa.Table(
    "checkin_schedules",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("next_due", sa.DateTime, nullable=False),
    sa.Column("ends", sa.DateTime, nullable=False),
    sa.Column("utc_offset_minutes", sa.Integer, nullable=False, default=0),
)


def database_url(environ: Mapping[str, str] = os.environ) -> str:
    """The conversations' database: PostgreSQL with DB_HOST, else TRACKER_DB."""
    host = environ.get("DB_HOST")
    if not host:
        path = environ.get("TRACKER_DB") or ".rasa/tracker.db"
        return f"sqlite:///{path}"
    user = environ.get("DB_USER", "")
    password = environ.get("DB_PASSWORD", "")
    auth = f"{user}:{password}@" if user and password else (f"{user}@" if user else "")
    port = environ.get("DB_PORT", "5432")
    name = environ.get("DB_NAME", "rasa")
    return f"postgresql://{auth}{host}:{port}/{name}"


_engines: dict = {}


def engine(url: Optional[str] = None) -> sa.engine.Engine:
    """One engine per database, with the table created."""
    url = url or database_url()
    if url not in _engines:
        created = sa.create_engine(url, future=True)
        metadata.create_all(created)
        _engines[url] = created
    return _engines[url]


def next_morning(now: dt.datetime, utc_offset_minutes: int) -> dt.datetime:
    """Tomorrow at CHECK_IN_HOUR local time, in UTC (naive)."""
    offset = dt.timedelta(minutes=utc_offset_minutes)
    local = now + offset
    due_local = (local + dt.timedelta(days=1)).replace(
        hour=CHECK_IN_HOUR, minute=0, second=0, microsecond=0
    )
    return due_local - offset


def following(due: dt.datetime, now: dt.datetime) -> dt.datetime:
    """The same time of day as `due`, on the first day after `now`'s moment: the
    person's chosen time is kept, and after downtime the next one is tomorrow's."""
    days = max(1, math.floor((now - due) / dt.timedelta(days=1)) + 1)
    return due + dt.timedelta(days=days)


def opt_in(
    sender_id: str,
    now: dt.datetime,
    utc_offset_minutes: int = 0,
    url: Optional[str] = None,
    first_due: Optional[dt.datetime] = None,
) -> dt.datetime:
    """Schedules daily check-ins from `first_due` (default: tomorrow morning), each
    day at that time; returns the first one.

    Opting in again (a new time: "check in at 8pm instead") moves the schedule but
    keeps when it ends, so changing the time never lengthens the course.
    """
    due = first_due or next_morning(now, utc_offset_minutes)
    with engine(url).begin() as connection:
        existing = connection.execute(
            sa.select(schedules.c.ends).where(schedules.c.sender_id == sender_id)
        ).first()
        row = {
            "sender_id": sender_id,
            "next_due": due,
            "ends": existing[0] if existing else now + dt.timedelta(days=COURSE_DAYS),
            "utc_offset_minutes": utc_offset_minutes,
        }
        connection.execute(schedules.delete().where(schedules.c.sender_id == sender_id))
        connection.execute(schedules.insert().values(**row))
    return due


def forget(sender_id: str, url: Optional[str] = None) -> None:
    """Stops check-ins (a stop request, or the conversation was deleted)."""
    with engine(url).begin() as connection:
        connection.execute(schedules.delete().where(schedules.c.sender_id == sender_id))


def claim_due(
    now: dt.datetime, url: Optional[str] = None, sender_id: Optional[str] = None
) -> List[str]:
    """Conversations whose check-in is due, each claimed by exactly one caller.

    A claim moves `next_due` to the same time of day on the next day after now, so a
    scheduler that was down for days fires one check-in, not a burst; past `ends`, the
    row is removed.
    With `sender_id`, only that conversation is claimed (the terminal chat, which has
    no scheduler of its own, fires its own check-in when it starts).
    """
    claimed: List[str] = []
    query = sa.select(
        schedules.c.sender_id, schedules.c.next_due, schedules.c.ends
    ).where(schedules.c.next_due <= now)
    if sender_id is not None:
        query = query.where(schedules.c.sender_id == sender_id)
    with engine(url).begin() as connection:
        due: List[Tuple[str, dt.datetime, dt.datetime]] = list(
            connection.execute(query)
        )
    for sender_id, seen, ends in due:
        with engine(url).begin() as connection:
            if now > ends:
                connection.execute(
                    schedules.delete().where(schedules.c.sender_id == sender_id)
                )
                continue
            won = connection.execute(
                schedules.update()
                .where(schedules.c.sender_id == sender_id)
                .where(schedules.c.next_due == seen)
                .values(next_due=following(seen, now))
            ).rowcount
        if won == 1:
            claimed.append(sender_id)
    return claimed


def is_scheduled(sender_id: str, url: Optional[str] = None) -> bool:
    """Whether the conversation has check-ins scheduled."""
    with engine(url).begin() as connection:
        return (
            connection.execute(
                sa.select(schedules.c.sender_id).where(
                    schedules.c.sender_id == sender_id
                )
            ).first()
            is not None
        )


def skip_next(sender_id: str, url: Optional[str] = None) -> Optional[dt.datetime]:
    """Skips the next check-in ("not today"): it moves a day later, inside the course.

    Returns the new due time (UTC, naive), or None when nothing is scheduled or the
    skipped one was the last.
    """
    with engine(url).begin() as connection:
        row = connection.execute(
            sa.select(schedules.c.next_due, schedules.c.ends).where(
                schedules.c.sender_id == sender_id
            )
        ).first()
        if row is None:
            return None
        due = row[0] + dt.timedelta(days=1)
        if due > row[1]:
            connection.execute(
                schedules.delete().where(schedules.c.sender_id == sender_id)
            )
            return None
        connection.execute(
            schedules.update()
            .where(schedules.c.sender_id == sender_id)
            .values(next_due=due)
        )
        return due


def next_due(sender_id: str, url: Optional[str] = None) -> Optional[dt.datetime]:
    """When the conversation's next check-in is due (UTC, naive), if any."""
    with engine(url).begin() as connection:
        row = connection.execute(
            sa.select(schedules.c.next_due).where(schedules.c.sender_id == sender_id)
        ).first()
    return None if row is None else row[0]

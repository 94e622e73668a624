"""The person's data: deleting a conversation leaves no row behind; check-in schedules
live in the same database, fire once however many schedulers run, catch up after
downtime without a burst, stop on request and go with the conversation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import checkins
from bot.serving.server import with_auth_token
from bot.serving.tracker_store import DELETE_ACTION, CachingSQLTrackerStore
from tests.serving.test_tracker_store import DOMAIN

SENDER = "person-to-forget"
MONDAY_NIGHT = dt.datetime(2026, 11, 30, 23, 30)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


def rows(database: Path, sender: str) -> int:
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :s"),
                {"s": sender},
            ).scalar()
        )


async def test_confirming_deletion_removes_every_stored_event(database: Path) -> None:
    store = CachingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(database))
    tracker = DialogueStateTracker.from_events(
        SENDER,
        [
            UserUttered(
                "off oxy 3 days, my butt cramps", {"name": "describe_symptoms"}
            ),
            SlotSet("substance", "oxycodone"),
        ],
    )
    await store.save(tracker)
    other = DialogueStateTracker.from_events("someone-else", [UserUttered("hi")])
    await store.save(other)
    assert rows(database, SENDER) > 0

    tracker = await store.retrieve(SENDER)
    assert tracker is not None
    tracker.update(UserUttered("/confirm_delete", {"name": "confirm_delete"}))
    tracker.update(ActionExecuted(DELETE_ACTION))
    await store.save(tracker)

    assert rows(database, SENDER) == 0
    assert await store.retrieve(SENDER) is None
    assert rows(database, "someone-else") > 0  # nobody else's


def test_a_check_in_is_due_the_next_morning_never_at_night(database: Path) -> None:
    url = f"sqlite:///{database}"
    due = checkins.opt_in(SENDER, MONDAY_NIGHT, utc_offset_minutes=0, url=url)
    assert due == dt.datetime(2026, 12, 1, checkins.CHECK_IN_HOUR)
    # Someone in New York (UTC-5) gets theirs at 10:00 their time.
    due = checkins.opt_in(SENDER, MONDAY_NIGHT, utc_offset_minutes=-300, url=url)
    assert due == dt.datetime(2026, 12, 1, checkins.CHECK_IN_HOUR + 5)


def test_two_schedulers_fire_a_check_in_once(database: Path) -> None:
    url = f"sqlite:///{database}"
    checkins.opt_in(SENDER, MONDAY_NIGHT, url=url)
    morning = dt.datetime(2026, 12, 1, 10, 1)
    first = checkins.claim_due(morning, url=url)
    second = checkins.claim_due(morning, url=url)
    assert first + second == [SENDER]


def test_downtime_is_caught_up_with_one_check_in_not_a_burst(database: Path) -> None:
    url = f"sqlite:///{database}"
    checkins.opt_in(SENDER, MONDAY_NIGHT, url=url)
    four_days_later = dt.datetime(2026, 12, 5, 12, 0)
    assert checkins.claim_due(four_days_later, url=url) == [SENDER]
    assert checkins.claim_due(four_days_later, url=url) == []
    assert checkins.claim_due(dt.datetime(2026, 12, 6, 10, 0), url=url) == [SENDER]


def test_check_ins_end_after_the_usual_course(database: Path) -> None:
    url = f"sqlite:///{database}"
    checkins.opt_in(SENDER, MONDAY_NIGHT, url=url)
    later = MONDAY_NIGHT + dt.timedelta(days=checkins.COURSE_DAYS + 1)
    assert checkins.claim_due(later, url=url) == []
    assert not checkins.is_scheduled(SENDER, url=url)


def test_stopping_removes_the_schedule(database: Path) -> None:
    url = f"sqlite:///{database}"
    checkins.opt_in(SENDER, MONDAY_NIGHT, url=url)
    checkins.forget(SENDER, url=url)
    assert checkins.claim_due(dt.datetime(2026, 12, 1, 11, 0), url=url) == []


def test_the_api_token_reaches_rasa_from_the_environment_only() -> None:
    arguments = ["run", "--enable-api", "--port", "5005"]
    assert with_auth_token(arguments, {"RASA_AUTH_TOKEN": "s3cret"})[-2:] == [
        "--auth-token",
        "s3cret",
    ]
    assert with_auth_token(arguments, {}) == arguments
    assert with_auth_token(["shell"], {"RASA_AUTH_TOKEN": "x"}) == ["shell"]


async def test_the_operator_command_deletes_by_id_and_by_age(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.tooling import delete_conversation

    monkeypatch.setenv("TRACKER_DB", str(database))
    monkeypatch.delenv("DB_HOST", raising=False)
    store = CachingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(database))
    for sender in ("old-one", "by-id", "recent"):
        await store.save(DialogueStateTracker.from_events(sender, [UserUttered("hi")]))
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE events SET timestamp = 0 WHERE sender_id = 'old-one'")
        )

    assert delete_conversation.main(["by-id"]) == 0
    assert delete_conversation.main(["--older-than-days", "30"]) == 0
    assert rows(database, "by-id") == 0
    assert rows(database, "old-one") == 0
    assert rows(database, "recent") > 0

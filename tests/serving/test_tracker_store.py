"""The caching SQL tracker store stores exactly what Rasa's store stores, and never
hands back a tracker that the database no longer matches."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, List, Tuple

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.serving.tracker_store import CachingSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [describe_symptoms]
slots:
  substance:
    type: text
    mappings: [{type: custom}]
responses:
  utter_ok: [{text: ok}]
"""
)
SENDER = "person-1"

StoreFactory = Callable[..., CachingSQLTrackerStore]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def make_store(database: Path) -> StoreFactory:
    """A caching store on the test's SQLite file (call again: another replica)."""

    def make(**options: Any) -> CachingSQLTrackerStore:
        return CachingSQLTrackerStore(
            domain=DOMAIN, dialect="sqlite", db=str(database), **options
        )

    return make


def turn(text: str, substance: str) -> List[Event]:
    """One exchange: the person's message, a slot, the bot's reply."""
    return [
        UserUttered(text, {"name": "describe_symptoms", "confidence": 0.9}),
        SlotSet("substance", substance),
        ActionExecuted("utter_ok"),
        BotUttered("ok"),
        ActionExecuted("action_listen"),
    ]


def session_start() -> List[Event]:
    return [ActionExecuted("action_session_start"), SessionStarted()]


async def converse(store: Any, texts: List[Tuple[str, str]]) -> DialogueStateTracker:
    """The processor's cycle, one message at a time: retrieve, update, save."""
    tracker = await store.get_or_create_tracker(SENDER)
    for text, substance in texts:
        tracker = await store.retrieve(SENDER)
        for event in turn(text, substance):
            tracker.update(event)
        await store.save(tracker)
    return tracker


def rows(database: Path) -> List[Tuple[Any, ...]]:
    """Every stored row but its id and timestamp, in order."""
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        result = connection.execute(
            sa.text(
                "SELECT sender_id, type_name, intent_name, action_name, data "
                "FROM events ORDER BY id"
            )
        ).fetchall()
    engine.dispose()
    return [tuple(row) for row in result]


def without_timestamps(stored: List[Tuple[Any, ...]]) -> List[Tuple[Any, ...]]:
    import json

    def strip(data: str) -> dict:
        parsed = json.loads(data)
        parsed.pop("timestamp", None)
        return parsed

    return [(*row[:4], strip(row[4])) for row in stored]


MESSAGES = [("off oxy 2 days, glutes cramp", "oxycodone"), ("and xanax", "alprazolam")]


async def test_stores_the_same_rows_as_rasas_sql_store(
    make_store: StoreFactory, database: Path, tmp_path: Path
) -> None:
    await converse(make_store(), MESSAGES)
    plain_db = tmp_path / "plain.db"
    plain_store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(plain_db))
    await converse(plain_store, MESSAGES)

    assert without_timestamps(rows(database)) == without_timestamps(rows(plain_db))
    assert len(rows(database)) == 1 + 5 * len(MESSAGES)  # action_listen, then turns


async def test_hands_back_the_tracker_it_saved_once(make_store: StoreFactory) -> None:
    store = make_store()
    saved = await converse(store, MESSAGES)

    first = await store.retrieve(SENDER)
    second = await store.retrieve(SENDER)  # the first was not saved back

    assert first is saved
    assert second is not saved and list(second.events) == list(saved.events)


async def test_a_restarted_server_reads_the_whole_conversation(
    make_store: StoreFactory,
) -> None:
    saved = await converse(make_store(), MESSAGES)

    restarted = await make_store().retrieve(SENDER)

    assert restarted is not None and list(restarted.events) == list(saved.events)
    assert restarted.get_slot("substance") == "alprazolam"


async def test_another_replicas_write_is_never_hidden_by_the_cache(
    make_store: StoreFactory,
) -> None:
    replica_a, replica_b = make_store(), make_store()
    await converse(replica_a, MESSAGES[:1])
    await converse(replica_b, MESSAGES[1:])  # B reads A's turn, adds its own

    seen_by_a = await replica_a.retrieve(SENDER)

    assert seen_by_a.get_slot("substance") == "alprazolam"
    assert [e.text for e in seen_by_a.events if isinstance(e, UserUttered)] == [
        text for text, _ in MESSAGES
    ]


async def test_a_new_session_is_read_from_the_database(
    make_store: StoreFactory,
) -> None:
    store = make_store()
    tracker = await converse(store, MESSAGES[:1])
    tracker = await store.retrieve(SENDER)
    for event in session_start() + turn("back again", "heroin"):
        tracker.update(event)
    await store.save(tracker)

    latest = await store.retrieve(SENDER)

    assert latest is not tracker  # holds two sessions; the database, only the last
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == [
        "back again"
    ]
    for event in turn("and again", "heroin"):
        latest.update(event)
    await store.save(latest)
    assert await store.retrieve(SENDER) is latest  # read back once, then cached


async def test_conversations_beyond_capacity_are_read_again(
    make_store: StoreFactory,
) -> None:
    store = make_store(cached_conversations=1)
    first = await store.get_or_create_tracker("first")
    second = await store.get_or_create_tracker("second")
    for tracker in (first, second):
        tracker = await store.retrieve(tracker.sender_id)
        for event in turn("hi", "heroin"):
            tracker.update(event)
        await store.save(tracker)

    again = await store.retrieve("first")  # forgotten: read from the database
    for event in turn("still here", "alprazolam"):
        again.update(event)
    await store.save(again)  # counted from the database, as Rasa's store does

    reread = await make_store().retrieve("first")
    assert reread.get_slot("substance") == "alprazolam"
    assert len(reread.events) == len(again.events)


async def test_sqlite_connections_stay_open_between_messages(
    make_store: StoreFactory,
) -> None:
    store = make_store()
    opened: List[object] = []
    sa.event.listen(store.engine, "connect", lambda *_: opened.append(object()))

    await converse(store, MESSAGES * 5)

    assert len(opened) == 1  # not one per session, as SQLAlchemy 1.4 does for files


async def test_a_tracker_it_did_not_hand_out_is_saved_rasas_way_and_not_cached(
    make_store: StoreFactory,
) -> None:
    store = make_store()
    await converse(store, MESSAGES[:1])
    await store.retrieve(SENDER)  # handed out, then replaced by a rebuilt tracker
    rebuilt = DialogueStateTracker.from_events(
        SENDER, [*turn("rebuilt", "alprazolam")], DOMAIN.slots
    )
    await store.save(rebuilt)

    again = await store.retrieve(SENDER)
    assert again is not rebuilt  # read from the database, as Rasa's store would


async def test_events_added_after_saving_are_not_handed_back(
    make_store: StoreFactory,
) -> None:
    """Rasa's contract: `retrieve` returns what is stored, not the caller's object with
    events it added after `save` (Rasa's own server tests do exactly this)."""
    store = make_store()
    saved = await converse(store, MESSAGES[:1])
    stored_count = len(saved.events)
    saved.update(UserUttered("never saved", {"name": "describe_symptoms"}))

    again = await store.retrieve(SENDER)

    assert len(again.events) == stored_count
    assert all(getattr(event, "text", None) != "never saved" for event in again.events)


async def test_a_first_turn_that_fails_before_its_save_leaves_nothing_behind(
    make_store: StoreFactory, database: Path
) -> None:
    store = make_store()
    tracker = await store.get_or_create_tracker(SENDER)  # created and saved
    created = list(tracker.events)
    for event in turn("the turn that raised", "oxycodone"):
        tracker.update(event)  # ...and the turn raised here, before its save

    again = await store.retrieve(SENDER)

    assert list(again.events) == created
    assert not any("the turn that raised" in row[4] for row in rows(database))


async def test_the_database_file_is_readable_by_its_owner_only(
    make_store: StoreFactory, database: Path
) -> None:
    await converse(make_store(), MESSAGES)

    for path in (database, Path(f"{database}-wal")):
        if path.exists():
            assert path.stat().st_mode & 0o777 == 0o600, path


async def test_an_existing_readable_database_file_is_made_private(
    make_store: StoreFactory, database: Path
) -> None:
    database.touch(mode=0o644)
    database.chmod(0o644)

    make_store()

    assert database.stat().st_mode & 0o777 == 0o600


async def test_with_a_key_the_words_are_stored_encrypted_and_read_back(
    make_store: StoreFactory, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.fernet import Fernet

    from bot.serving import encryption

    monkeypatch.setenv(encryption.KEY_ENV, Fernet.generate_key().decode())
    column = CachingSQLTrackerStore.SQLEvent.__table__.c.data
    monkeypatch.setattr(column, "type", column.type)  # restored after the test
    store = make_store()
    await converse(store, MESSAGES)
    other_replica = make_store()

    stored = rows(database)
    back = await other_replica.retrieve(SENDER)

    assert stored and all(row[4].startswith(encryption.TOKEN_PREFIX) for row in stored)
    assert not any("glutes" in row[4] for row in stored)
    assert [e.text for e in back.events if isinstance(e, UserUttered)] == [
        text for text, _ in MESSAGES
    ]


async def test_a_nul_in_a_conversation_id_fails_that_message_not_the_process(
    make_store: StoreFactory,
) -> None:
    """Rasa's session scope exits the process on a `ValueError`; PostgreSQL's driver
    raises one for a NUL. Here the error stays with the one call."""
    store = make_store()

    class DriverRefusesNulError(ValueError):
        pass

    with pytest.raises(DriverRefusesNulError):
        with store.session_scope():
            raise DriverRefusesNulError("A string literal cannot contain NUL (0x00)")
    assert await store.retrieve("still-serving") is None

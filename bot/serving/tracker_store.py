"""Rasa's SQL tracker store with the conversations in flight kept in memory.

Why: under load a third of the Rasa server's time went into the SQL tracker store
(py-spy, `make bench`): every message rebuilds the conversation from the database
(read every event of the session, `json.loads` each, replay them all into a new
tracker), and every save first counts the stored events with a second query, then
inserts the new ones through the ORM. The conversation being rebuilt is, almost
always, exactly the tracker this process saved a moment ago.

This store keeps that tracker after saving it and hands it back on the next
`retrieve` when the database shows that nothing was written since: the newest event
id stored for the conversation must still be the one this process wrote last, so a
write by another replica (or by anyone) makes it read the database as before. A
cached tracker is handed out once and removed (the processor changes it in place;
a turn that fails before saving leaves no half-changed tracker behind). Saving the
tracker it handed out inserts only the events added since, in one statement; any
other tracker object is saved exactly as Rasa's store saves it, and not cached.

What is stored, and when, is unchanged: the same rows, committed before the reply is
sent, so a conversation survives a restart exactly as with Rasa's store (tested).
With an event broker configured, saving is left entirely to Rasa's store (its
streaming re-reads the tracker).

endpoints.yml (bot/tooling/endpoints.py writes this):

    tracker_store:
      type: bot.serving.tracker_store.CachingSQLTrackerStore
      dialect: sqlite
      db: .rasa/tracker.db
      cached_conversations: 256
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Text

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.tracker_store import (
    SQLTrackerStore,
    create_engine_kwargs,
    ensure_schema_exists,
)
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY

from bot.serving.encryption import encrypt_column, fernet_from_environment
from bot.serving.turns import StoreUnavailableError

logger = logging.getLogger(__name__)

# Enough for every conversation active at once on one replica; older ones are read
# from the database again. A tracker of a whole triage is tens of kilobytes.
DEFAULT_CACHED_CONVERSATIONS = 256
# A database that does not answer is an outage, not a wait: the person gets the
# service-down reply (bot/serving/turns.py) instead of a stalled chat.
CONNECT_TIMEOUT_SECONDS = 5
PRIVATE_FILE_MODE = 0o600  # conversations are readable by the service's user only


@dataclass
class _Stored:
    """What this process knows is in the database for one conversation."""

    last_event_id: Optional[int]  # newest row id for the conversation; None: no rows
    stored_events: int  # how many of the tracker's events are already rows
    tracker: Optional[DialogueStateTracker] = None  # set only while cached
    # The tracker handed out or saved last: only that object's new events are known.
    handed_out: Optional[DialogueStateTracker] = None

    def knows(self, tracker: DialogueStateTracker) -> bool:
        """Whether `tracker`'s unsaved events are exactly those after `stored_events`:
        it is the object handed out or saved last, or nothing was stored at all."""
        if self.handed_out is not None:
            return self.handed_out is tracker
        return self.last_event_id is None and self.stored_events == 0


DELETE_ACTION = "action_delete_conversation"
"""The action that runs once the person confirmed deleting their conversation."""


def deletion_confirmed(tracker: DialogueStateTracker) -> bool:
    """Whether the deletion action ran in this tracker (since it was last loaded).

    Why in the store: the Rasa server saves the whole tracker after every message, so a
    deletion anywhere else (the action server, say) would be written back at once.
    """
    return any(
        isinstance(event, ActionExecuted) and event.action_name == DELETE_ACTION
        for event in tracker.events
    )


class CachingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that reuses the tracker it saved when nothing changed since."""

    def __init__(
        self,
        *args: Any,
        cached_conversations: int = DEFAULT_CACHED_CONVERSATIONS,
        **kwargs: Any,
    ) -> None:
        _create_private_sqlite_file(kwargs.get("dialect"), kwargs.get("db"))
        super().__init__(*args, **kwargs)
        self._pool_sqlite_connections()
        self._check_connections_before_use()
        fernet = fernet_from_environment()
        if fernet is not None:
            encrypt_column(self.SQLEvent.__table__.c.data, fernet)
        self._capacity = max(0, int(cached_conversations))
        self._known: "OrderedDict[Text, _Stored]" = OrderedDict()
        self._guard = threading.Lock()  # the HTTP API may call from other threads

    def _pool_sqlite_connections(self) -> None:
        """Keeps SQLite connections open between messages.

        SQLAlchemy 1.4 opens and closes a new connection to an SQLite file for every
        session (its default pool for files); with the two or three sessions of each
        message, that was about a tenth of the server's busy time under load. A pooled
        connection is used by one session at a time, so sharing it across threads is
        safe. Other databases keep Rasa's pool.
        """
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return
        self.engine.dispose()
        self.engine = sa.create_engine(
            url,
            poolclass=sa.pool.QueuePool,
            pool_size=2,
            max_overflow=8,
            connect_args={"check_same_thread": False},
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _check_connections_before_use(self) -> None:
        """PostgreSQL: a pooled connection is tested before use and a connection
        attempt gives up after `CONNECT_TIMEOUT_SECONDS`.

        Why: after the database restarts, every pooled connection is dead; without
        the test each would fail one person's message before being replaced, and a
        database that does not answer would hold the message for minutes.
        """
        url = self.engine.url
        if url.get_backend_name() != "postgresql":
            return
        kwargs = create_engine_kwargs(url)
        connect_args = {
            **kwargs.pop("connect_args", {}),
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        }
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, pool_pre_ping=True, connect_args=connect_args, **kwargs
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    @contextlib.contextmanager
    def session_scope(self) -> Iterator[sa.orm.Session]:
        """Rasa's session scope, without its exit on `ValueError`.

        Why: Rasa's ends the whole process on any `ValueError` inside the scope, which
        it means for a missing PostgreSQL schema; but the database driver raises the
        same error for a NUL in a conversation id, so one request stopped the service.
        A missing schema is now a `StoreUnavailableError` (the service-down reply),
        and any other error belongs to that one message.
        """
        session = self.sessionmaker()
        try:
            try:
                ensure_schema_exists(session)
            except ValueError as missing_schema:
                raise StoreUnavailableError(
                    f"PostgreSQL schema '{missing_schema}' was not found."
                ) from missing_schema
            yield session
        finally:
            session.close()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The conversation's latest session: the cached tracker when still current."""
        with self.session_scope() as session:
            last_event_id = self._last_event_id(session, sender_id)
        with self._guard:
            known = self._known.pop(sender_id, None)
        if (
            known is not None
            and known.tracker is not None
            and known.last_event_id == last_event_id
            and len(known.tracker.events) == known.stored_events
        ):
            # Exactly what is stored: nothing written since by anyone, and nothing
            # added to the object since it was saved (a caller that kept using it, or
            # a turn that failed before its save, gets the stored state instead).
            handed_out = known.tracker
            self._remember(
                sender_id,
                _Stored(last_event_id, known.stored_events, handed_out=handed_out),
            )
            return handed_out
        tracker = await super().retrieve(sender_id)
        stored_events = len(tracker.events) if tracker is not None else 0
        self._remember(
            sender_id, _Stored(last_event_id, stored_events, handed_out=tracker)
        )
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Inserts the events added since the tracker was read, then caches it; or,
        when the person confirmed deleting the conversation, deletes it."""
        sender_id = tracker.sender_id
        with self._guard:
            known = self._known.pop(sender_id, None)
        if deletion_confirmed(tracker):
            self.delete(sender_id)
            return
        if self.event_broker is not None or known is None or not known.knows(tracker):
            # A tracker this store neither handed out nor saved last (say, one the
            # HTTP API rebuilt from events), or streaming: Rasa's own way counts rows,
            # and nothing is cached.
            await super().save(tracker)
            return
        new_events = list(tracker.events)[known.stored_events :]
        with self.session_scope() as session:
            if new_events:
                session.execute(
                    self.SQLEvent.__table__.insert(),
                    [self._row(sender_id, event) for event in new_events],
                )
            last_event_id = self._last_event_id(session, sender_id)
            session.commit()
        self._remember(
            sender_id,
            _Stored(
                last_event_id,
                len(tracker.events),
                self._cacheable(tracker),
                handed_out=tracker,
            ),
        )

    def delete(self, sender_id: Text) -> int:
        """Deletes every stored event of a conversation; returns how many.

        Also used by the operator command and the retention job
        (`python -m bot.serving.retention`).
        """
        with self._guard:
            self._known.pop(sender_id, None)
        with self.session_scope() as session:
            deleted = session.execute(
                self.SQLEvent.__table__.delete().where(
                    self.SQLEvent.sender_id == sender_id
                )
            ).rowcount
            session.commit()
        logger.info(
            "Deleted a conversation at the person's request (%s rows).", deleted
        )
        return int(deleted or 0)

    def _remember(self, sender_id: Text, stored: _Stored) -> None:
        """Records what is stored; the least recently used beyond capacity go.

        A forgotten conversation is only slower: it is read, and counted on saving,
        from the database as Rasa's store does.
        """
        with self._guard:
            self._known[sender_id] = stored
            self._known.move_to_end(sender_id)
            while len(self._known) > self._capacity:
                self._known.popitem(last=False)

    @staticmethod
    def _cacheable(tracker: DialogueStateTracker) -> Optional[DialogueStateTracker]:
        """The tracker, if it holds exactly what reading it back would give.

        The database returns the latest session from its `session_started` event on.
        A tracker that started a session in this process also holds what came before
        (at least the `action_session_start` before it), so it is read back once
        instead, and cached from then on.
        """
        starts = [
            index
            for index, event in enumerate(tracker.events)
            if isinstance(event, SessionStarted)
        ]
        return tracker if starts in ([], [0]) else None

    def _last_event_id(self, session: Any, sender_id: Text) -> Optional[int]:
        """The newest row id of the conversation (one indexed query)."""
        return session.execute(
            sa.select(sa.func.max(self.SQLEvent.id)).where(
                self.SQLEvent.sender_id == sender_id
            )
        ).scalar()

    @staticmethod
    def _row(sender_id: Text, event: Event) -> Dict[str, Any]:
        """The row Rasa's store writes for `event`, column for column."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {})
            .get(INTENT, {})
            .get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }


def _create_private_sqlite_file(dialect: Optional[str], db: Optional[str]) -> None:
    """Creates an SQLite database file readable by its owner only (0600), or makes an
    existing one so; SQLite gives its `-wal` and `-shm` files the same mode."""
    if (dialect or "sqlite") != "sqlite" or not db or db == ":memory:":
        return
    path = Path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, PRIVATE_FILE_MODE)
    os.close(descriptor)
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists():
            os.chmod(file, PRIVATE_FILE_MODE)

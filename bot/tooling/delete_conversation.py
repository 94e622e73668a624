"""Operator command: delete conversations from the tracker store, by id or by age.

    python -m bot.tooling.delete_conversation SENDER_ID [SENDER_ID ...]
    python -m bot.tooling.delete_conversation --older-than-days 30

The store comes from the environment exactly as `make serve` builds it
(`bot.tooling.endpoints`: SQLite TRACKER_DB, or PostgreSQL with DB_HOST). Every event of
each conversation is deleted, with its check-in schedule. `--older-than-days` is the
retention job (run it daily, e.g. from cron): conversations whose last event is older
are deleted. Nothing about the conversations is printed but how many went.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import List, Optional, Sequence

import sqlalchemy as sa

from bot import checkins
from bot.serving.tracker_store import CachingSQLTrackerStore
from bot.tooling.endpoints import tracker_store

DEFAULT_RETENTION_DAYS = 30


def store_from_environment() -> CachingSQLTrackerStore:
    """The conversations' store, configured as `make serve` configures it."""
    config = {
        k: os.path.expandvars(str(v)) if isinstance(v, str) else v
        for k, v in tracker_store(os.environ).items()
        if k != "type"
    }
    return CachingSQLTrackerStore(**config)


def stale_senders(store: CachingSQLTrackerStore, days: float) -> List[str]:
    """Conversations whose newest event is older than `days`."""
    cutoff = time.time() - days * 86400
    events = store.SQLEvent
    with store.session_scope() as session:
        rows = session.execute(
            sa.select(events.sender_id)
            .group_by(events.sender_id)
            .having(sa.func.max(events.timestamp) < cutoff)
        )
        return [str(row[0]) for row in rows]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Deletes the named or stale conversations; prints how many."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sender_ids", nargs="*")
    parser.add_argument("--older-than-days", type=float)
    args = parser.parse_args(argv)
    if not args.sender_ids and args.older_than_days is None:
        parser.error("name conversations, or give --older-than-days")
    store = store_from_environment()
    senders = list(args.sender_ids)
    if args.older_than_days is not None:
        senders += stale_senders(store, args.older_than_days)
    for sender_id in senders:
        store.delete(sender_id)
        checkins.forget(sender_id)
    print(f"Deleted {len(senders)} conversation(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

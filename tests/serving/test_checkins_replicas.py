"""A check-in with two replicas: the schedule is kept in the shared PostgreSQL database
(written by the action server), and two schedulers, one beside each replica, running
at the same moment deliver it once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING, Dict, List

import pytest

from bot import checkins
from bot.tooling import checkin_scheduler
from tests.serving.conftest import PG_HOST, PG_PORT, PG_USER
from tests.serving.test_replicas import new_sender, say, tracker

if TYPE_CHECKING:
    from tests.serving.conftest import Replica

pytestmark = [pytest.mark.servers, pytest.mark.model]

CHECK_IN_MARK = "it's your check-in"
SCHEDULERS_PER_REPLICA = 2


def test_two_schedulers_on_two_replicas_deliver_a_check_in_once(
    replicas: List[Replica], tracker_database: str
) -> None:
    a, b = replicas
    sender = new_sender()
    url = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{tracker_database}"
    say(a, sender, "quit drinking yesterday, my legs keep cramping")
    for index in range(10):
        reply = say((a, b)[index % 2], sender, "no")
        if "check in with you tomorrow" in reply:
            break
    assert "check in with you tomorrow" in reply
    assert "I'll check in tomorrow" in say(b, sender, "yes check in tomorrow")
    due = checkins.next_due(sender, url=url)
    assert due is not None, "the schedule is in the conversations' PostgreSQL database"

    moment = due + dt.timedelta(minutes=1)
    sent: Dict[str, int] = {}
    start = threading.Barrier(2 * SCHEDULERS_PER_REPLICA)

    def scheduler(name: str, replica: Replica) -> None:
        start.wait()
        sent[name] = checkin_scheduler.run_once(replica.url, "", now=moment, url=url)

    threads = [
        threading.Thread(target=scheduler, args=(f"{replica.name}{i}", replica))
        for replica in (a, b)
        for i in range(SCHEDULERS_PER_REPLICA)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent.values()) == 1, sent

    for replica in (a, b):
        events = tracker(replica, sender)["events"]
        delivered = [
            e
            for e in events
            if e.get("event") == "bot" and CHECK_IN_MARK in (e.get("text") or "")
        ]
        assert len(delivered) == 1, f"replica {replica.name}: {len(delivered)}"

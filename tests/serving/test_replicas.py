"""Scale-out for real: two Rasa replicas on one PostgreSQL tracker store and one Redis
lock store. A person whose messages land on either replica (a load balancer does that)
sees one consistent conversation, and messages sent at the same moment to both replicas
are handled one after the other, none lost."""

from __future__ import annotations

import itertools
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Dict, List

import pytest
import requests

from tests.helpers import log_tail

if TYPE_CHECKING:
    from tests.serving.conftest import Replica

pytestmark = [pytest.mark.servers, pytest.mark.model]

REQUEST_SECONDS = 60  # a message may wait for the conversation's lock behind others
SCREEN_MAX_QUESTIONS = 8
TIP_WORDS = (
    "pigeon",
    "figure-four",
    "heating pad",
    "ibuprofen",
    "warm bath",
    "stretch",
)
CONCURRENT_GREETINGS = (
    "hi",
    "hello",
    "hey there",
    "good evening",
    "hiya",
    "hello again",
)


def new_sender() -> str:
    return f"replica-person-{uuid.uuid4().hex[:10]}"


def say(replica: Replica, sender: str, text: str) -> str:
    """Sends `text` by the REST channel; the replies joined, buttons in brackets."""
    answer = requests.post(
        f"{replica.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=REQUEST_SECONDS,
    )
    assert answer.status_code == 200, (
        f"{answer.status_code} {answer.text}\n{log_tail(replica.log)}"
    )
    parts: List[str] = []
    for reply in answer.json():
        parts.append(reply.get("text") or "")
        parts.extend(f"[{button['title']}]" for button in reply.get("buttons", []))
    return "\n".join(parts)


def tracker(replica: Replica, sender: str) -> Dict[str, Any]:
    """The stored conversation, as this replica reads it from the tracker store."""
    answer = requests.get(
        f"{replica.url}/conversations/{sender}/tracker", timeout=REQUEST_SECONDS
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def event_outline(events: List[Dict[str, Any]]) -> List[tuple]:
    """What happened, in order: (event type, action name or text)."""
    return [
        (event["event"], event.get("name") or event.get("text"))
        for event in events
        if event["event"] in ("user", "bot", "action", "slot")
    ]


def test_a_conversation_alternating_between_replicas_stays_consistent(
    replicas: List[Replica],
) -> None:
    a, b = replicas
    sender = new_sender()

    first = say(a, sender, "day 3 off H and my glutes keep cramping")
    assert "safety questions" in first and "[Yes]" in first
    assert not any(word in first.lower() for word in TIP_WORDS)

    # The screen's answers land on B, A, B, …: each replica continues where the other
    # stopped, so the screen ends after its questions and only then do tips come.
    replies = []
    for replica in itertools.islice(itertools.cycle((b, a)), SCREEN_MAX_QUESTIONS):
        replies.append(say(replica, sender, "no"))
        if "Source" in replies[-1]:
            break
    assert "Source" in replies[-1], replies
    assert len(replies) > 1, "the screen asked nothing"
    assert not any("Source" in reply for reply in replies[:-1])

    stretches = say(
        b if len(replies) % 2 == 0 else a, sender, "what stretches can i do"
    )
    assert "pigeon" in stretches.lower() and "Source" in stretches

    seen_by_a, seen_by_b = tracker(a, sender), tracker(b, sender)
    for seen in (seen_by_a, seen_by_b):
        assert seen["slots"]["triage_level"] == "self_care"
        assert seen["slots"]["substance"] == "heroin"
        assert seen["slots"]["body_location"] == "buttock"
        user_texts = [e["text"] for e in seen["events"] if e["event"] == "user"]
        assert len(user_texts) == 1 + len(replies) + 1
    assert event_outline(seen_by_a["events"]) == event_outline(seen_by_b["events"])


def test_messages_sent_to_both_replicas_at_once_are_handled_one_at_a_time(
    replicas: List[Replica],
) -> None:
    a, b = replicas
    sender = new_sender()
    say(a, sender, "hi")  # the session exists before the burst
    before = len(tracker(a, sender)["events"])

    start = threading.Barrier(len(CONCURRENT_GREETINGS))

    def send(index: int) -> str:
        start.wait(timeout=REQUEST_SECONDS)
        return say((a, b)[index % 2], sender, CONCURRENT_GREETINGS[index])

    with ThreadPoolExecutor(max_workers=len(CONCURRENT_GREETINGS)) as pool:
        answers = list(pool.map(send, range(len(CONCURRENT_GREETINGS))))
    assert all(answers), "a message got no reply"

    events = tracker(b, sender)["events"]
    assert events == tracker(a, sender)["events"]
    burst = events[before:]
    user_texts = [e["text"] for e in burst if e["event"] == "user"]
    # Every message stored exactly once: none lost, none doubled.
    assert sorted(user_texts) == sorted(CONCURRENT_GREETINGS)
    # Serialised: each message's turn (its user event, the bot's replies and actions)
    # ends with action_listen before the next message's user event begins.
    assert burst and burst[0]["event"] == "user", event_outline(burst)
    turns: List[List[Dict[str, Any]]] = []
    for event in burst:
        if event["event"] == "user":
            turns.append([])
        turns[-1].append(event)
    assert len(turns) == len(CONCURRENT_GREETINGS)
    for turn in turns:
        outline = event_outline(turn)
        assert any(kind == "bot" for kind, _ in outline), outline
        assert outline[-1] == ("action", "action_listen"), outline
        listens = [item for item in outline if item == ("action", "action_listen")]
        assert len(listens) == 1, outline

"""The widget's socket.io channel: sessions that get replies, bounded input, history.

A recording stand-in for python-socketio's `AsyncServer` shows what the channel does
with each event; tests/web/test_widget.py drives the same channel in a real browser.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, List, Set, Tuple

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.socketio import (
    HISTORY_EVT,
    HISTORY_REQUEST_EVT,
    MAX_MESSAGE_CHARS,
    SESSION_CONFIRM_EVT,
    SESSION_REQUEST_EVT,
    SocketIOInput,
    history_messages,
    offered_payloads,
    valid_session_id,
)

SID = "connection-1"
SESSION = "0123456789abcdef0123456789abcdef"
QUESTION_BUTTONS = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
]


class RecordingServer:
    """What the channel asks of python-socketio: rooms, sessions, emits."""

    def __init__(self) -> None:
        self.rooms: Dict[str, Set[str]] = {}
        self.sessions: Dict[str, Dict[str, Any]] = {}
        self.emitted: List[Tuple[str, Any, str | None]] = []

    async def enter_room(self, sid: str, room: str, namespace: Any = None) -> None:
        self.rooms.setdefault(sid, set()).add(room)

    async def leave_room(self, sid: str, room: str, namespace: Any = None) -> None:
        self.rooms.get(sid, set()).discard(room)

    async def save_session(
        self, sid: str, session: Dict, namespace: Any = None
    ) -> None:
        self.sessions[sid] = dict(session)

    async def get_session(self, sid: str, namespace: Any = None) -> Dict[str, Any]:
        return self.sessions.setdefault(sid, {})

    async def emit(
        self, event: str, data: Any = None, room: str | None = None, **_: Any
    ) -> None:
        self.emitted.append((event, data, room))


@pytest.fixture
def channel() -> SocketIOInput:
    return SocketIOInput.from_credentials(
        {"session_persistence": True, "max_message_chars": 50}
    )


@pytest.fixture
def server() -> RecordingServer:
    return RecordingServer()


class Inbox:
    """Collects what the channel hands to Rasa."""

    def __init__(self) -> None:
        self.messages: List[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)


async def test_a_session_request_joins_the_room_so_replies_arrive(
    channel: SocketIOInput, server: RecordingServer
) -> None:
    await channel._join_session(server, SID, {"session_id": SESSION})
    assert server.rooms[SID] == {SESSION}  # rasa 3.6 never awaited this
    assert server.emitted == [(SESSION_CONFIRM_EVT, SESSION, SID)]


@pytest.mark.parametrize(
    "proposed", [None, "", "short", "../../etc", "x" * 65, 12345, {"id": SESSION}]
)
async def test_a_bad_or_missing_session_id_gets_a_new_one(
    channel: SocketIOInput, server: RecordingServer, proposed: Any
) -> None:
    await channel._join_session(server, SID, {"session_id": proposed})
    ((event, confirmed, _),) = server.emitted
    assert event == SESSION_CONFIRM_EVT
    assert confirmed != proposed and valid_session_id(confirmed) == confirmed
    assert server.rooms[SID] == {confirmed}


async def test_a_new_chat_leaves_the_old_conversation(
    channel: SocketIOInput, server: RecordingServer
) -> None:
    await channel._join_session(server, SID, {"session_id": SESSION})
    await channel._join_session(server, SID, {"session_id": None})
    assert SESSION not in server.rooms[SID] and len(server.rooms[SID]) == 1


async def test_messages_count_for_the_joined_session_not_a_claimed_one(
    channel: SocketIOInput, server: RecordingServer
) -> None:
    inbox = Inbox()
    await channel._join_session(server, SID, {"session_id": SESSION})
    claimed = {"message": "hi", "session_id": "someone-elses-session"}
    await channel._handle_message(server, SID, claimed, inbox)
    assert [m.sender_id for m in inbox.messages] == [SESSION]
    assert inbox.messages[0].text == "hi"
    assert inbox.messages[0].input_channel == "socketio"


async def test_a_message_before_any_session_request_is_dropped(
    channel: SocketIOInput, server: RecordingServer
) -> None:
    inbox = Inbox()
    await channel._handle_message(server, SID, {"message": "hi"}, inbox)
    assert inbox.messages == []


@pytest.mark.parametrize("data", ["just a string", {"message": 42}, {"message": None}])
async def test_malformed_messages_are_dropped(
    channel: SocketIOInput, server: RecordingServer, data: Any
) -> None:
    inbox = Inbox()
    await channel._join_session(server, SID, {"session_id": SESSION})
    await channel._handle_message(server, SID, data, inbox)
    assert inbox.messages == []


async def test_long_messages_are_cut_to_the_limit(
    channel: SocketIOInput, server: RecordingServer
) -> None:
    inbox = Inbox()
    await channel._join_session(server, SID, {"session_id": SESSION})
    await channel._handle_message(server, SID, {"message": "a" * 500}, inbox)
    assert inbox.messages[0].text == "a" * 50


def test_the_default_limit_matches_the_widget() -> None:
    assert SocketIOInput.from_credentials({}).max_message_chars == MAX_MESSAGE_CHARS
    assert MAX_MESSAGE_CHARS == 2000  # widget.js: MAX_CHARS


def test_the_blueprint_uses_our_handlers() -> None:
    channel = SocketIOInput.from_credentials({"session_persistence": True})
    channel.blueprint(Inbox())
    assert channel.sio is not None
    handlers = channel.sio.handlers["/"]
    for event in (SESSION_REQUEST_EVT, "user_uttered", HISTORY_REQUEST_EVT):
        assert handlers[event].__module__ == "bot.channels.socketio", event


def test_history_shows_the_conversation_as_the_widget_did() -> None:
    events = [
        UserUttered("/greet"),
        ActionExecuted("utter_greet"),
        BotUttered("Hi, I'm not a doctor.\n\nTell me what's going on.", timestamp=1.0),
        UserUttered("day 3 off H and my glutes keep cramping"),
        BotUttered(
            "Any chest pain?", data={"buttons": QUESTION_BUTTONS}, timestamp=2.0
        ),
        UserUttered("/deny"),
        BotUttered(
            "🚨 Please call 911 now (emergency services).\nWhile you wait:",
            timestamp=3.0,
        ),
    ]
    assert history_messages(events) == [
        {"sender": "bot", "text": "Hi, I'm not a doctor.", "timestamp": 1.0},
        {
            "sender": "bot",
            "text": "Tell me what's going on.",
            "quick_replies": [],
            "timestamp": 1.0,
        },
        {"sender": "user", "text": "day 3 off H and my glutes keep cramping"},
        {
            "sender": "bot",
            "text": "Any chest pain?",
            "quick_replies": [
                {"content_type": "text", "title": "Yes", "payload": "/affirm"},
                {"content_type": "text", "title": "No", "payload": "/deny"},
            ],
            "timestamp": 2.0,
        },
        {"sender": "user", "text": "No"},  # the button's title, as when it was tapped
        {
            "sender": "bot",
            "text": "🚨 Please call 911 now (emergency services).\nWhile you wait:",
            "quick_replies": [],
            "timestamp": 3.0,
        },
    ]


def test_history_keeps_the_latest_messages() -> None:
    events = [UserUttered(f"message {n}") for n in range(10)]
    assert [m["text"] for m in history_messages(events, limit=3)] == [
        "message 7",
        "message 8",
        "message 9",
    ]


async def test_history_goes_to_the_asking_connection_only(
    channel: SocketIOInput, server: RecordingServer
) -> None:
    await channel._join_session(server, SID, {"session_id": SESSION})
    await channel._send_history(server, SID)  # no Rasa app yet: an empty history
    assert server.emitted[-1] == (
        HISTORY_EVT,
        {"session_id": SESSION, "messages": []},
        SID,
    )


def test_offered_payloads_are_the_latest_buttons_and_older_non_answers() -> None:
    """The buttons since the last user message, and an older button that answers
    nothing (the widget keeps it on screen); an older Yes/No answers nothing now."""
    events = [
        BotUttered(
            "Where does it hurt?",
            data={
                "buttons": [
                    {"title": "Leg", "payload": "/leg"},
                    {"title": "No", "payload": "/deny"},
                ]
            },
        ),
        UserUttered("my leg"),
        BotUttered("Any chest pain?", data={"buttons": QUESTION_BUTTONS}),
        BotUttered("Take your time."),
    ]
    assert offered_payloads(events) == {"/affirm", "/deny", "/leg"}
    assert offered_payloads(events[:2]) == {"/leg"}


class OneConversationStore:
    """A tracker store holding one stored conversation."""

    def __init__(self, events: List[Any]) -> None:
        self.tracker = DialogueStateTracker.from_events(SESSION, events)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return self.tracker if sender_id == SESSION else None


@pytest.mark.parametrize(
    "typed, rasa_reads",
    [
        ("/deny", "/deny"),  # the button on offer
        ("/greet", "/greet"),  # the widget's silent greeting
        ("/affirm", "yes"),  # no such button on offer: read as the word typed
        ('/inform{"triage_level": "self_care"}', "self care"),
        ("/greet i cant breathe", "greet i cant breathe"),
        ("no but now i cant breathe", "no but now i cant breathe"),
    ],
)
async def test_only_offered_buttons_reach_rasa_as_intents(
    channel: SocketIOInput, server: RecordingServer, typed: str, rasa_reads: str
) -> None:
    offered = [BotUttered("Any chest pain?", data={"buttons": [QUESTION_BUTTONS[1]]})]
    store = OneConversationStore(offered)
    channel._app = SimpleNamespace(
        ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store))
    )
    inbox = Inbox()
    await channel._join_session(server, SID, {"session_id": SESSION})
    await channel._handle_message(server, SID, {"message": typed}, inbox)
    assert inbox.messages[0].text == rasa_reads

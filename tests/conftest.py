"""Shared fixtures: a dispatcher, the merged domain, and trackers built inline.

Trackers are written as conversations: what the person just said (text, intent,
entities), the slots so far, and the earlier events. The latest message is appended to
the events as a user event, as the Rasa server does before it calls an action.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping

# Environment defaults, set before any project module reads them.
os.environ.setdefault("ACTIONS_PORT", "5055")
os.environ.setdefault(
    "TRACKER_DB", str(Path(tempfile.mkdtemp(prefix="bot-tests-")) / "tracker.db")
)
os.environ.pop("BOT_REGION", None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

import pytest  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa_sdk import Tracker  # noqa: E402
from rasa_sdk.events import UserUttered  # noqa: E402
from rasa_sdk.executor import CollectingDispatcher  # noqa: E402

from tests.helpers import (  # noqa: E402
    free_port,
    start_action_server,
    stop_process,
    wait_until_healthy,
)

SERVER_START_SECONDS = 90

from bot.importer import load_project_lexicon  # noqa: E402
from bot.nlu.red_flag_extractor import (  # noqa: E402
    CONCEPTS_KEY,
    RED_FLAG_DISPOSITION,
    RED_FLAG_ENTITY,
)
from bot.safety.detector import RedFlagDetector  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SENDER_ID = "test-user"
EntityFactory = Callable[..., Dict[str, Any]]
UserEventFactory = Callable[..., Dict[str, Any]]
TrackerFactory = Callable[..., Tracker]


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """Collects what an action says, so a test can read it like the person would."""
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The merged domain (every file under `domain/`), as the action server gets it."""
    return Domain.load(str(PROJECT_ROOT / "domain")).as_dict()


@functools.lru_cache(maxsize=1)
def _project_detector() -> RedFlagDetector:
    return RedFlagDetector(load_project_lexicon())


def _parse_data(
    text: str, intent: str | None, entities: Iterable[Mapping[str, Any]]
) -> Dict[str, Any]:
    """The parse as the NLU pipeline gives it: the entities the test names, and the
    lexicon's concepts as `RedFlagExtractor` adds them (a means named later on)."""
    concepts = _project_detector().analyse(text).concepts if text else set()
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "entities": [dict(entity) for entity in entities],
        CONCEPTS_KEY: sorted(concepts),
    }


@pytest.fixture
def red_flag() -> EntityFactory:
    """A `red_flag` entity as `RedFlagExtractor` emits it: `red_flag("seizure")`."""

    def _red_flag(flag_id: str, disposition: str = "emergency") -> Dict[str, Any]:
        return {
            "entity": RED_FLAG_ENTITY,
            "value": flag_id,
            RED_FLAG_DISPOSITION: disposition,
            "start": 0,
            "end": len(flag_id),
            "confidence_entity": 1.0,
        }

    return _red_flag


@pytest.fixture
def user_said() -> UserEventFactory:
    """An earlier user event: `user_said("I had a fit", "report_emergency", [flag])`."""

    def _user_said(
        text: str,
        intent: str | None = None,
        entities: Iterable[Mapping[str, Any]] = (),
    ) -> Dict[str, Any]:
        return UserUttered(text, parse_data=_parse_data(text, intent, entities))

    return _user_said


@pytest.fixture
def make_tracker(domain: Dict[str, Any]) -> TrackerFactory:
    """Builds a rasa_sdk `Tracker` for the turn being tested.

    Every domain slot starts empty; `slots` fills some. `events` are the earlier events,
    oldest first; the latest message is appended as the last user event.
    """

    def _make_tracker(
        text: str = "",
        intent: str | None = None,
        entities: Iterable[Mapping[str, Any]] = (),
        slots: Mapping[str, Any] | None = None,
        events: Iterable[Dict[str, Any]] = (),
        active_loop: str | None = None,
        sender_id: str = SENDER_ID,
        latest_action_name: str = "action_listen",
    ) -> Tracker:
        latest_message = _parse_data(text, intent, entities)
        all_slots: Dict[str, Any] = {name: None for name in domain["slots"]}
        all_slots.update(slots or {})
        all_events: List[Dict[str, Any]] = [
            *events,
            UserUttered(text, parse_data=latest_message),
        ]
        return Tracker(
            sender_id=sender_id,
            slots=all_slots,
            latest_message=latest_message,
            events=all_events,
            paused=False,
            followup_action=None,
            active_loop={"name": active_loop} if active_loop else {},
            latest_action_name=latest_action_name,
        )

    return _make_tracker


@pytest.fixture(scope="session")
def action_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real rasa-sdk action server serving `actions/`, stopped after the session."""
    port = free_port()
    log = tmp_path_factory.mktemp("action-server") / "actions.log"
    process = start_action_server(port, log)
    try:
        url = f"http://127.0.0.1:{port}/health"
        wait_until_healthy(url, process, SERVER_START_SECONDS, log)
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        stop_process(process)

"""The action server is down: the bot still answers, safely, and recovers when it is
back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conversation.conftest import load_test_agent
from tests.conversation.test_whole_conversations import Person
from tests.helpers import (
    free_port,
    start_action_server,
    stop_process,
    wait_until_healthy,
)

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="session")]


async def test_down_then_back(tmp_path: Path) -> None:
    port = free_port()  # nothing listens here yet: the action server is down
    agent: Any = await load_test_agent(
        f"http://127.0.0.1:{port}/webhook", tmp_path / "t.db"
    )

    someone_in_danger = Person(agent)
    reply = await someone_in_danger.says("my bf did fent and wont wake up")
    assert reply.startswith("🚨") and "911" in reply.splitlines()[0]

    later = await someone_in_danger.says("ok what stretches help")
    assert "911" in later  # still escalated, though the action server never answered

    someone_with_cramps = Person(agent)
    reply = await someone_with_cramps.says("day 3 off oxy and my butt is cramping")
    assert "technical problem" in reply and "911" in reply

    someone_in_the_uk = Person(agent)
    await someone_in_the_uk.says("im in the uk")
    reply = await someone_in_the_uk.says("i think im having a seizure")
    assert "999" in reply.splitlines()[0]

    log = tmp_path / "actions.log"
    server = start_action_server(port, log)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/health", server, 90, log)
        reply = await someone_with_cramps.says("my glutes keep cramping off oxy")
        assert "safety questions" in reply  # back to normal: the screen starts
    finally:
        stop_process(server)

"""The guidance set (tests/guidance/guidance_set.yml, written blind to the knowledge
base): each conversation through the trained model and a real action server, each
reply checked for the advice families it must and must not contain.

The safety screen is answered "No" as a person with no emergency sign would, so what
is checked is the guidance that follows it. `make guidance-report` prints every
failure; `tests/conversation/test_guidance_set.py` runs the same in `make test`.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List, Mapping, Pattern, Sequence

import yaml

GUIDANCE_SET = Path("tests/guidance/guidance_set.yml")
SCREEN_NO = "/deny"
MAX_SCREEN_ANSWERS = 12


@dataclass(frozen=True)
class GuidanceSet:
    """The families (name -> pattern), those no reply may contain, the conversations."""

    families: Mapping[str, Pattern[str]]
    forbid_always: Sequence[str]
    conversations: Sequence[Mapping[str, Any]]

    @classmethod
    def load(cls, path: Path = GUIDANCE_SET) -> "GuidanceSet":
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        families = {
            name: re.compile(pattern, re.IGNORECASE)
            for name, pattern in document["families"].items()
        }
        return cls(families, document["forbid_always"], document["conversations"])


@dataclass
class TurnResult:
    """What the bot said to one turn (after the screen, if one ran) and what failed."""

    conversation: str
    said: str
    reply: str
    failures: List[str] = field(default_factory=list)


def _texts(replies: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(str(reply.get("text") or "") for reply in replies)


def _asks_screen_question(replies: Sequence[Mapping[str, Any]]) -> bool:
    return any(
        button.get("payload") == SCREEN_NO
        for reply in replies[-1:]
        for button in reply.get("buttons") or []
    )


async def run_conversation(
    agent: Any, conversation: Mapping[str, Any], guidance: GuidanceSet
) -> List[TurnResult]:
    """Plays one conversation; answers the safety screen "No"; checks each turn."""
    sender = f"guidance-{conversation['id']}-{uuid.uuid4().hex[:6]}"
    results: List[TurnResult] = []
    for turn in conversation["turns"]:
        replies = await agent.handle_text(turn["say"], sender_id=sender)
        everything = _texts(replies)
        for _ in range(MAX_SCREEN_ANSWERS):
            if not _asks_screen_question(replies):
                break
            replies = await agent.handle_text(SCREEN_NO, sender_id=sender)
            everything += "\n" + _texts(replies)
        reply = _texts(replies)
        result = TurnResult(conversation["id"], turn["say"], reply)
        families = guidance.families
        for name in turn.get("must_all") or []:
            if not families[name].search(reply):
                result.failures.append(f"missing {name}")
        must_any = turn.get("must_any") or []
        if must_any and not any(families[name].search(reply) for name in must_any):
            result.failures.append(f"missing any of {must_any}")
        for name in [*guidance.forbid_always, *(turn.get("must_not") or [])]:
            found = families[name].search(everything)
            if found:
                result.failures.append(f"contains {name}: {found.group(0)!r}")
        results.append(result)
    return results


async def run_all(agent: Any, guidance: GuidanceSet) -> List[TurnResult]:
    """Every conversation, one after another."""
    results: List[TurnResult] = []
    for conversation in guidance.conversations:
        results += await run_conversation(agent, conversation, guidance)
    return results


async def _load_agent(action_url: str, database: Path) -> Any:
    """The trained model with a real action endpoint and an SQLite tracker store."""
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    from bot.serving.server import install_speed_fixes

    install_speed_fixes()
    endpoints = AvailableEndpoints(
        action=EndpointConfig(url=action_url),
        tracker_store=EndpointConfig(type="SQL", dialect="sqlite", db=str(database)),
    )
    return await load_agent(model_path="models/triage.tar.gz", endpoints=endpoints)


def main() -> None:  # pragma: no cover - a report for people
    import socket
    import subprocess
    import time

    import requests

    from bot.tooling.bench import stop_process
    from bot.tooling.safety_report import quiet_rasa_logs

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    Path(".rasa").mkdir(exist_ok=True)
    with open(".rasa/guidance-actions.log", "w", encoding="utf-8") as log:
        server = subprocess.Popen(
            [
                ".venv/bin/rasa",
                "run",
                "actions",
                "--actions",
                "actions",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "SANIC_HOST": "127.0.0.1"},
        )
    try:
        for _ in range(240):
            try:
                requests.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.5)
        loop = asyncio.new_event_loop()
        database = Path(".rasa/guidance-tracker.db")
        database.unlink(missing_ok=True)
        agent = loop.run_until_complete(
            _load_agent(f"http://127.0.0.1:{port}/webhook", database)
        )
        quiet_rasa_logs()
        results = loop.run_until_complete(run_all(agent, GuidanceSet.load()))
    finally:
        stop_process(server)
    failed = [r for r in results if r.failures]
    conversations = {r.conversation for r in results}
    bad = {r.conversation for r in failed}
    print(
        f"guidance set: {len(results) - len(failed)}/{len(results)} turns pass, "
        f"{len(conversations) - len(bad)}/{len(conversations)} conversations"
    )
    for result in failed:
        print(f"\n[{result.conversation}] {result.said}\n  -> {result.failures}")
        print("  reply: " + result.reply.replace("\n", " ")[:600])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""`make understanding-report`: does the bot follow what people type?

On the understanding sets (`tests/heldout/understanding_heldout*.yml`, written blind to
the training data; set 1's screen answers were tuned on and count as development), it
measures, through the trained model and a real action server, as a new person would:

* dead ends: first messages that got the generic "didn't get that" fallback, or nothing;
  a dead end where an entity (substance, body part, symptom) was recognised is listed;
* silent replies: messages that got no bot message at all;
* intent macro-F1 of the first messages;
* screen answers read right (yes / no / not sure), read the way the screen reads them:
  an emergency red flag in the answer is a yes (the safety policy escalates), else
  `actions.answers.read_answer` on the text and the NLU intent. A "no" read as "yes" and
  a "yes" read as "no" are counted apart: the first over-triages, the second is unsafe.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from bot.tooling.bench import stop_process, wait_ready
from bot.tooling.safety_report import quiet_rasa_logs

HELD_OUT_GLOB = "tests/heldout/understanding_heldout*.yml"
MODEL = Path("models/triage.tar.gz")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
BLIND_SETS = frozenset(
    {
        "understanding_heldout_4.yml",
        "understanding_heldout_5.yml",
        "understanding_heldout_6.yml",
        "understanding_heldout_7.yml",
        # Set 9 became a development set in session 11 (its misreads were read to
        # tune the screen answers); sets 11, 12, 14, 15, 17 to 24 are
        # blind. Sets 25 and 26 became development sets in session 23, after their
        # first runs (25: 0/320 dead ends, F1 0.978, screen 157/161 with two No read as
        # Yes; 26: 5/320 dead ends, F1 0.940, screen 156/161): their misreads were read.
        # Set 27 became one in session 24 after its first run (0/320 dead ends, F1
        # 0.966, screen 156/161 with two No read as Yes) and its misreads were read.
        "understanding_heldout_11.yml",
        "understanding_heldout_12.yml",
        "understanding_heldout_14.yml",
        "understanding_heldout_15.yml",
        "understanding_heldout_17.yml",
        "understanding_heldout_18.yml",
        "understanding_heldout_19.yml",
        "understanding_heldout_20.yml",
        "understanding_heldout_21.yml",
        "understanding_heldout_22.yml",
        "understanding_heldout_23.yml",
        "understanding_heldout_24.yml",
        # Set 28, written blind in session 24 after set 27's first run.
        "understanding_heldout_28.yml",
        # Set 29, written blind in session 25: first run (15b785d) 0/320 dead ends, F1
        # 0.967, screen 158/161, none of No read as Yes or Yes as No.
        "understanding_heldout_29.yml",
        # Set 30, written blind in session 26: first run (6908d93) 0/320 dead ends, F1
        # 0.971, screen 158/161, none of No read as Yes or Yes as No.
        "understanding_heldout_30.yml",
        # Set 31, written blind in session 27: first run (2d40839) 0/320 dead ends, F1
        # 0.967, screen 157/161, none of No read as Yes or Yes as No.
        "understanding_heldout_31.yml",
        # Set 32, written blind at the start of session 28.
        "understanding_heldout_32.yml",
        # Set 33, written blind at the start of session 29: first run (ab35094's model
        # with session 29's serving fix) 2/320 dead ends, F1 0.967, screen 159/161,
        # none of No read as Yes or Yes as No.
        "understanding_heldout_33.yml",
    }
)
"""Sets still blind: their failing cases are never printed (a set whose failures were
read is spent). Sets 1 to 3 were tuned on and are development sets now."""
FALLBACK_MARKERS = ("I didn't quite get that",)
"""The generic fallback; the out-of-scope answer and a reply in Spanish are not dead
ends."""
ENTITY_TYPES = {"substance", "substance_class", "body_location", "symptom"}
_senders = itertools.count()


@dataclass
class UnderstandingScore:
    """Counts over one set."""

    first_messages: int = 0
    dead_ends: List[str] = field(default_factory=list)
    dead_ends_with_entity: List[str] = field(default_factory=list)
    silent: List[str] = field(default_factory=list)
    gold: List[str] = field(default_factory=list)
    predicted: List[str] = field(default_factory=list)
    screen_answers: int = 0
    screen_right: int = 0
    by_expected: Dict[str, List[int]] = field(default_factory=dict)
    no_read_as_yes: List[str] = field(default_factory=list)
    yes_read_as_no: List[str] = field(default_factory=list)
    misread: List[str] = field(default_factory=list)
    """every screen answer read wrong: "question: text (expected -> got)"."""

    @property
    def dead_end_rate(self) -> float:
        """Share of first messages that hit the generic fallback or nothing."""
        return len(self.dead_ends) / self.first_messages if self.first_messages else 0.0

    @property
    def screen_accuracy(self) -> float:
        """Share of screen answers read right."""
        return self.screen_right / self.screen_answers if self.screen_answers else 0.0

    @property
    def intent_macro_f1(self) -> float:
        """Macro-F1 over the gold intents present."""
        from sklearn.metrics import f1_score

        labels = sorted(set(self.gold))
        return float(
            f1_score(
                self.gold,
                self.predicted,
                labels=labels,
                average="macro",
                zero_division=0,
            )
        )


def is_dead_end(replies: Sequence[Dict[str, Any]]) -> bool:
    """Whether the replies are the generic fallback (or nothing)."""
    texts = " ".join(str(r.get("text") or "") for r in replies)
    return not replies or any(marker in texts for marker in FALLBACK_MARKERS)


NOT_AN_ANSWER = "none"
"""A set's expected value for a text that answers nothing ("what do you mean?")."""


def expected_answer(value: Any) -> str:
    """A set's expected answer as the reader names it: YAML 1.1 reads a bare `yes` or
    `no` as a boolean (set 7 was written that way), which is the same answer."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


async def handle_first_message(
    agent: Any, text: str
) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """The bot's replies to `text` from a new person, and the model's parse of it as
    the conversation kept it: the message is parsed once, not again for the score (a
    third of the understanding gate's time went to parsing every message twice)."""
    from rasa.shared.core.events import UserUttered

    sender = f"understanding-{next(_senders)}"
    replies = await agent.handle_text(text, sender_id=sender)
    tracker = await agent.tracker_store.retrieve(sender)
    # The last message of the person, even after a restart (a first message asking to
    # start over resets the conversation, and `latest_message` with it).
    said = [
        e for e in (tracker.events if tracker else []) if isinstance(e, UserUttered)
    ]
    parse = said[-1].parse_data if said else await agent.parse_message(text)
    return replies or [], parse


async def score_set(agent: Any, cases: Dict[str, Any]) -> UnderstandingScore:
    """Runs one set through the agent."""
    from actions.answers import read_answer
    from actions.checklist import CHECKLIST, checklist_text, read_checklist_answer
    from bot.policies.safety_policy import emergency_flags

    result = UnderstandingScore()
    for case in cases.get("first_messages") or []:
        text = str(case["text"])
        replies, parse = await handle_first_message(agent, text)
        result.first_messages += 1
        result.gold.append(str(case["intent"]))
        result.predicted.append(str((parse.get("intent") or {}).get("name")))
        if not replies:
            result.silent.append(text)
        if is_dead_end(replies):
            result.dead_ends.append(text)
            found = {e.get("entity") for e in parse.get("entities", [])}
            if found & ENTITY_TYPES:
                result.dead_ends_with_entity.append(text)
    for case in cases.get("screen_answers") or []:
        text, expected = str(case["text"]), expected_answer(case["expected"])
        parse = await agent.parse_message(text)
        intent = parse.get("intent") or {}
        slot = f"screen_{case['question']}"
        confidence = float(intent.get("confidence") or 0.0)
        if emergency_flags(parse.get("entities", [])):
            got: Optional[str] = "yes"
        elif slot == CHECKLIST:
            # The list of signs together ("any of these right now?"), read as the
            # screen reads it, with every sign listed.
            listed = list(checklist_text()["lines"])
            got = read_checklist_answer(text, intent.get("name"), confidence, listed)
        else:
            got = read_answer(text, slot, intent.get("name"), confidence)
        # "none": the text is no answer to the question (it is asked again).
        got = got or NOT_AN_ANSWER
        result.screen_answers += 1
        counts = result.by_expected.setdefault(expected, [0, 0])
        counts[1] += 1
        if got == expected:
            result.screen_right += 1
            counts[0] += 1
        else:
            result.misread.append(f"{case['question']}: {text} ({expected} -> {got})")
        if expected == "no" and got == "yes":
            result.no_read_as_yes.append(text)
        if expected == "yes" and got == "no":
            result.yes_read_as_no.append(text)
    return result


def start_action_server() -> Tuple[subprocess.Popen, str]:
    """A real action server on a free loopback port, and its webhook URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    log = Path("results/understanding-actions.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    rasa = str(Path(sys.executable).parent / "rasa")
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [rasa, "run", "actions", "--actions", "actions", "--port", str(port)],
            env={**os.environ, "SANIC_HOST": "127.0.0.1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    wait_ready(f"http://127.0.0.1:{port}/health", process, log)
    return process, f"http://127.0.0.1:{port}/webhook"


async def load(action_url: str) -> Any:
    """The trained model with the given action server and an in-memory tracker store."""
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    from bot.serving.server import install_speed_fixes

    install_speed_fixes()
    endpoints = AvailableEndpoints(action=EndpointConfig(url=action_url))
    agent = await load_agent(model_path=str(MODEL), endpoints=endpoints)
    quiet_rasa_logs()
    return agent


def print_score(name: str, score: UnderstandingScore, verbose: bool) -> None:
    """The numbers, then what failed."""
    print(f"\n{name}")
    if score.first_messages:
        # A set of screen answers only (development set 16) has no first messages.
        print(
            f"  dead ends      : {len(score.dead_ends)}/{score.first_messages}"
            f"  {score.dead_end_rate:.1%}  (with an entity recognised:"
            f" {len(score.dead_ends_with_entity)}; silent: {len(score.silent)})"
        )
        print(f"  intent macro-F1: {score.intent_macro_f1:.3f}")
    by = ", ".join(f"{k} {c}/{t}" for k, (c, t) in sorted(score.by_expected.items()))
    print(
        f"  screen answers : {score.screen_right}/{score.screen_answers}"
        f"  {score.screen_accuracy:.1%}  ({by}); no read as yes:"
        f" {len(score.no_read_as_yes)}; yes read as no: {len(score.yes_read_as_no)}"
    )
    if verbose and Path(name).name not in BLIND_SETS:
        for title, rows in (
            ("DEAD ENDS", score.dead_ends),
            ("NO READ AS YES", score.no_read_as_yes),
            ("YES READ AS NO", score.yes_read_as_no),
            ("SCREEN ANSWERS READ WRONG", score.misread),
        ):
            if rows:
                print(f"  {title}:")
                print("\n".join(f"    {row}" for row in rows))


def score_sets_in_parallel(
    paths: Sequence[Path], workers: int = 0, log_dir: Path = Path("results")
) -> Dict[str, UnderstandingScore]:
    """Every set scored, split over `workers` processes (default: one a core, at most
    four), each with its own model and action server; keyed by the set's file name.

    Why processes: scoring is CPU-bound Python, one conversation after another, and the
    gate's 29 sets took 18 minutes of `make test` in one process (session 29); on two
    cores two processes take about half. Each process is this module's command line, so
    the gate scores exactly as `make understanding-report` does."""
    workers = workers or min(os.cpu_count() or 1, 4)
    chunks = [list(paths[i::workers]) for i in range(workers) if paths[i::workers]]
    log_dir.mkdir(parents=True, exist_ok=True)
    runs = []
    for number, chunk in enumerate(chunks):
        out = (log_dir / f"understanding-scores-{number}.json").resolve()
        log = (log_dir / f"understanding-worker-{number}.log").open(
            "w", encoding="utf-8"
        )
        command = [sys.executable, "-m", "bot.tooling.understanding_report"]
        command += ["--scores-out", str(out)]
        for path in chunk:
            command += ["--set", str(path)]
        process = subprocess.Popen(command, stdout=log, stderr=log, cwd=PROJECT_ROOT)
        runs.append((out, log, process))
    scores: Dict[str, UnderstandingScore] = {}
    for out, log, process in runs:
        code = process.wait()
        log.close()
        if code != 0:
            raise RuntimeError(
                f"understanding worker exited with {code}: see {log.name}"
            )
        for name, fields in json.loads(out.read_text(encoding="utf-8")).items():
            scores[Path(name).name] = UnderstandingScore(**fields)
    return scores


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Prints the report for every understanding set; `--json` writes the numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--action-url", help="a running action server; default: start one on loopback"
    )
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--scores-out",
        type=Path,
        help="write every count and list of each set (the gate's workers)",
    )
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        dest="sets",
        help="score this set file instead of the gated sets (a new blind set, "
        "measured before it joins them); may be given more than once",
    )
    args = parser.parse_args(argv)

    async def run() -> Dict[str, UnderstandingScore]:
        agent = await load(args.action_url)
        scores = {}
        for path in args.sets or sorted(Path().glob(HELD_OUT_GLOB)):
            cases = yaml.safe_load(path.read_text(encoding="utf-8"))
            scores[str(path)] = await score_set(agent, cases)
        return scores

    server = None
    if not args.action_url:
        server, args.action_url = start_action_server()
    try:
        scores = asyncio.run(run())
    finally:
        if server is not None:
            stop_process(server)
    for name, score in scores.items():
        print_score(name, score, args.verbose)
    if args.scores_out:
        args.scores_out.write_text(
            json.dumps({name: asdict(s) for name, s in scores.items()}), "utf-8"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    name: {
                        "dead_end_rate": s.dead_end_rate,
                        "silent": len(s.silent),
                        "intent_macro_f1": s.intent_macro_f1,
                        "screen_accuracy": s.screen_accuracy,
                        "no_read_as_yes": len(s.no_read_as_yes),
                    }
                    for name, s in scores.items()
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

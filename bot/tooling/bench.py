"""`make bench`: our bot under load next to Rasa's `rasa init` starter bot, same load.

What it measures, for each bot, on 127.0.0.1 only:

- cold start: `rasa run` process start to `GET /status` answering with a `model_file`;
- a lone reply: median of sequential greetings with nobody else talking;
- under load: C simulated people at once (default 16), each having `--rounds` whole
  conversations one after another through the REST channel and waiting for each reply
  before typing the next message; p50, p95 and p99 latency per message and messages
  per second;
- the Rasa server's peak resident memory (the kernel's high-water mark, VmHWM, of the
  process and its children, from /proc).

Our conversations are whole triage paths (describe -> screen answers -> sourced tips
-> a follow-up question), one in four a red-flag path (emergency mid-screen, then a
request for tips that must not be served). The starter's are its own small talk
(greet, mood, "are you a bot?", bye) with as many messages per conversation. Each bot
runs as it ships: ours as `make serve` runs it (a fresh SQLite tracker store, a real
action server, `bot.serving.server`), the starter as `rasa init` makes it (in-memory
tracker store, no action server, plain `rasa run`). The starter is built once with
`rasa init --no-prompt` in a temporary folder and its trained model cached under
.rasa/bench-starter/<rasa version>/. Logs of the last run: .rasa/bench/.

    python -m bot.tooling.bench [--concurrency 16] [--rounds 2] [--no-starter]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import aiohttp
import requests

from bot.tooling.endpoints import write_endpoints

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
RASA = str(VENV_BIN / "rasa")
# Our server starts the way `make serve` starts it: rasa with bot/serving/server.py's
# fixes. The starter starts as `rasa` itself.
OUR_RASA = [sys.executable, "-m", "bot.serving.server"]
MODEL = PROJECT_ROOT / "models" / "triage.tar.gz"
CREDENTIALS = PROJECT_ROOT / "credentials.yml"
STARTER_CACHE = PROJECT_ROOT / ".rasa" / "bench-starter"
RUN_FOLDER = PROJECT_ROOT / ".rasa" / "bench"  # logs and trackers of the last run

START_SECONDS = 180  # bounded waits: a server that does not come up is an error
TRAIN_SECONDS = 900
REQUEST_SECONDS = 60
STOP_SECONDS = 20
LONE_MESSAGES = 10
SCREEN_MAX_ANSWERS = 8
DEFAULT_CONCURRENCY = 16
DEFAULT_ROUNDS = 4  # 16 people x 4 whole conversations: ~450 messages, a stable p95
PERCENTILES = (50, 95, 99)
TIPS_MARKER = "Sources:"
EMERGENCY_MARKER = "911"

# Conversation scripts. A screen answer ("no") is repeated until tips arrive, at most
# SCREEN_MAX_ANSWERS times: the screen's length depends on the person's answers.
SCREEN = "<screen>"
RED_FLAG = "no but now i cant breathe properly"
OUR_PATHS: Tuple[Tuple[str, ...], ...] = (
    (
        "day 3 off H and my glutes keep cramping",
        SCREEN,
        "what stretches can i do",
        "how long will this last",
    ),
    (
        "quit drinking 2 days ago and my legs cramp bad 7/10",
        SCREEN,
        "should i use heat or ice",
        "can you summarise this for my doctor",
    ),
    (
        "came off xanax 3 days ago and my calves are cramping",
        SCREEN,
        "i cant sleep",
        "what can i take for the pain",
    ),
    (  # red flag in the middle of the screen: no tips may follow
        "came off xanax 3 days ago and my calves are cramping",
        "no",
        RED_FLAG,
        "ok but what stretches help",
    ),
)
STARTER_PATH: Tuple[str, ...] = (
    "hello",
    "I am sad",
    "yes",
    "are you a bot?",
    "hi again",
    "I am great",
    "are you a human?",
    "good",
    "bye",
)
OUR_LONE_MESSAGE = "hi"
STARTER_LONE_MESSAGE = "hello"


@dataclass
class Result:
    """What one bot measured."""

    name: str
    cold_start_s: float = math.nan
    lone_p50_ms: float = math.nan
    latencies_ms: List[float] = field(default_factory=list)
    wall_s: float = math.nan
    errors: int = 0
    conversations: int = 0
    wrong_paths: int = 0
    peak_rss_mb: float = math.nan
    server_cpu_s: float = math.nan  # CPU time the Rasa server used under load
    actions_cpu_s: float = math.nan  # and the action server, if any

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the latencies under load."""
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1]

    @property
    def messages_per_second(self) -> float:
        return len(self.latencies_ms) / self.wall_s if self.wall_s else math.nan

    def cpu_per_message_ms(self, seconds: float) -> float:
        count = len(self.latencies_ms)
        return seconds * 1000 / count if count else math.nan


# --- processes -------------------------------------------------------------------


def environment() -> Dict[str, str]:
    """The environment `make serve` gives its servers, quiet and on loopback."""
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "SANIC_HOST": "127.0.0.1",
    }


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(arguments: Sequence[str], log: Path, cwd: Path) -> subprocess.Popen:
    """A server whose output goes to `log` (a file: an unread pipe stalls a server)."""
    with log.open("w", encoding="utf-8") as output:
        return subprocess.Popen(
            list(arguments),
            cwd=cwd,
            env=environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if the process does not stop in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_SECONDS)


def wait_ready(url: str, process: subprocess.Popen, log: Path, key: str = "") -> None:
    """Polls `url` until it answers 200 (with `key` in its JSON, if given)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early; log: {log}")
        try:
            answer = requests.get(url, timeout=2)
            if answer.status_code == 200 and (not key or answer.json().get(key)):
                return
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready within {START_SECONDS}s; log: {log}")


def descendants(pid: int) -> List[int]:
    """`pid` and every process below it, from /proc."""
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def cpu_seconds(pid: Optional[int]) -> float:
    """User + system CPU time of `pid` and its children so far, from /proc."""
    if pid is None:
        return math.nan
    ticks = 0
    for each in descendants(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of `pid` and its children, in MB."""
    total_kb = 0
    for each in descendants(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


# --- load --------------------------------------------------------------------------


async def send(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> Tuple[float, Optional[str]]:
    """One message; (latency in ms, the replies' text or None on an error)."""
    began = time.perf_counter()
    try:
        async with session.post(
            url, json={"sender": sender, "message": text}
        ) as answer:
            body = (
                await answer.json(content_type=None) if answer.status == 200 else None
            )
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        body = None
    latency = (time.perf_counter() - began) * 1000
    if not isinstance(body, list):
        return latency, None
    return latency, "\n".join(str(reply.get("text") or "") for reply in body)


async def converse(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    script: Sequence[str],
    result: Result,
) -> bool:
    """One whole conversation; True when it went the way the script expects."""
    said: List[str] = []
    for step in script:
        texts = [step] if step != SCREEN else ["no"] * SCREEN_MAX_ANSWERS
        for text in texts:
            latency, reply = await send(session, url, sender, text)
            result.latencies_ms.append(latency)
            if reply is None:
                result.errors += 1
                return False
            said.append(reply)
            if step == SCREEN and TIPS_MARKER in reply:
                break
    if script is STARTER_PATH:
        return all(said)
    if RED_FLAG in script:
        return EMERGENCY_MARKER in said[-2] and TIPS_MARKER not in said[-1]
    return any(TIPS_MARKER in reply for reply in said)


async def load(
    url: str, scripts: Sequence[Sequence[str]], concurrency: int, rounds: int, name: str
) -> Result:
    """`concurrency` people at once, each with `rounds` conversations in a row."""
    result = Result(name)
    timeout = aiohttp.ClientTimeout(total=REQUEST_SECONDS)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def person(index: int) -> None:
            for round_number in range(rounds):
                script = scripts[(index + round_number) % len(scripts)]
                sender = f"bench-{name}-{index}-{round_number}-{time.time_ns()}"
                result.conversations += 1
                if not await converse(session, url, sender, script, result):
                    result.wrong_paths += 1

        began = time.perf_counter()
        await asyncio.gather(*(person(index) for index in range(concurrency)))
        result.wall_s = time.perf_counter() - began
    return result


def lone_reply_ms(url: str, text: str) -> float:
    """Median latency of sequential messages from one person, nobody else talking."""
    sender = f"bench-lone-{time.time_ns()}"
    requests.post(url, json={"sender": sender, "message": text}, timeout=60)  # warm
    latencies = []
    for _ in range(LONE_MESSAGES):
        began = time.perf_counter()
        requests.post(url, json={"sender": sender, "message": text}, timeout=60)
        latencies.append((time.perf_counter() - began) * 1000)
    return statistics.median(latencies)


# --- one bot ----------------------------------------------------------------------


def measure(
    name: str,
    launcher: Sequence[str],
    model: Path,
    endpoints: Optional[Path],
    credentials: Path,
    folder: Path,
    scripts: Sequence[Sequence[str]],
    lone_text: str,
    arguments: argparse.Namespace,
    actions_pid: Optional[int] = None,
) -> Result:
    """Starts `rasa run` on `model`, measures it, stops it."""
    port = free_port()
    log = folder / f"rasa-{name}.log"
    command = [*launcher, "run", "--model", str(model)]
    command += ["--endpoints", str(endpoints)] if endpoints else []
    command += ["--credentials", str(credentials), "--enable-api"]
    command += ["--interface", "127.0.0.1"]
    command += ["--port", str(port)]
    print(f"[{name}] starting rasa run …", flush=True)
    began = time.monotonic()
    server = start(command, log, folder)
    try:
        wait_ready(f"http://127.0.0.1:{port}/status", server, log, key="model_file")
        cold_start = time.monotonic() - began
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        print(f"[{name}] ready after {cold_start:.1f}s; lone replies …", flush=True)
        lone = lone_reply_ms(url, lone_text)
        print(
            f"[{name}] {arguments.concurrency} people x {arguments.rounds} "
            "conversations …",
            flush=True,
        )
        server_before, actions_before = (
            cpu_seconds(server.pid),
            cpu_seconds(actions_pid),
        )
        result = asyncio.run(
            load(url, scripts, arguments.concurrency, arguments.rounds, name)
        )
        result.server_cpu_s = cpu_seconds(server.pid) - server_before
        result.actions_cpu_s = cpu_seconds(actions_pid) - actions_before
        result.cold_start_s, result.lone_p50_ms = cold_start, lone
        result.peak_rss_mb = peak_rss_mb(server.pid)
        return result
    finally:
        stop_process(server)


def sqlite_endpoints(folder: Path, actions_port: int) -> Path:
    """Endpoints with a fresh SQLite tracker store, as `make serve` has by default."""
    path = folder / "endpoints.yml"
    write_endpoints(
        path,
        {"ACTIONS_PORT": str(actions_port), "TRACKER_DB": str(folder / "tracker.db")},
    )
    return path


def measure_ours(folder: Path, arguments: argparse.Namespace) -> Result:
    """Our bot with a real action server, as `make serve` runs it."""
    if not arguments.model.is_file():
        raise SystemExit(
            f"error: {arguments.model} is missing: run `make train` first."
        )
    ours = folder / "ours"
    ours.mkdir()
    actions_port = free_port()
    log = ours / "actions.log"
    actions = start(
        [RASA, "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        log,
        PROJECT_ROOT,
    )
    try:
        wait_ready(f"http://127.0.0.1:{actions_port}/health", actions, log)
        return measure(
            "ours",
            [RASA] if arguments.stock_rasa else OUR_RASA,
            arguments.model.resolve(),
            sqlite_endpoints(ours, actions_port),
            CREDENTIALS,
            ours,
            OUR_PATHS,
            OUR_LONE_MESSAGE,
            arguments,
            actions_pid=actions.pid,
        )
    finally:
        stop_process(actions)


def rasa_version() -> str:
    from importlib.metadata import version

    return version("rasa")


def starter_model() -> Path:
    """The `rasa init` starter's trained model, built once per rasa version."""
    cache = STARTER_CACHE / rasa_version()
    cached = cache / "starter.tar.gz"
    if cached.is_file():
        return cached
    print(
        f"[starter] rasa init --no-prompt (trains once; cache: {cache}) …", flush=True
    )
    with tempfile.TemporaryDirectory(prefix="rasa-starter-") as temporary:
        project = Path(temporary) / "starter"
        project.mkdir()
        completed = subprocess.run(
            [RASA, "init", "--no-prompt", "--init-dir", str(project)],
            cwd=temporary,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=TRAIN_SECONDS,
            check=False,
        )
        models = sorted((project / "models").glob("*.tar.gz"))
        if completed.returncode != 0 or not models:
            raise SystemExit(
                f"error: rasa init failed:\n{completed.stdout[-3000:]}"
                f"{completed.stderr[-3000:]}"
            )
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copy2(models[-1], cached)
    return cached


def measure_starter(folder: Path, arguments: argparse.Namespace) -> Result:
    """The starter bot as `rasa init` makes it (its tracker store is in memory), on
    the same load shape through the REST channel."""
    model = starter_model()
    starter = folder / "starter"
    starter.mkdir()
    credentials = starter / "credentials.yml"
    credentials.write_text("rest:\n", encoding="utf-8")
    return measure(
        "starter",
        [RASA],
        model,
        None,  # rasa init's default: no endpoints, conversations in memory
        credentials,
        starter,
        (STARTER_PATH,),
        STARTER_LONE_MESSAGE,
        arguments,
    )


# --- report ------------------------------------------------------------------------


def _cell(value: float, form: str) -> str:
    return "–" if math.isnan(value) else form.format(value)


def rows(ours: Result, starter: Optional[Result], c: int) -> Iterator[Tuple[str, ...]]:
    """(metric, ours, starter, ours / starter) for the table."""
    metrics: List[Tuple[str, Callable[[Result], float], str]] = [
        ("cold start, s", lambda r: r.cold_start_s, "{:.1f}"),
        ("lone reply p50, ms", lambda r: r.lone_p50_ms, "{:.0f}"),
        *(
            (f"p{p} at C={c}, ms", lambda r, p=p: r.percentile(p), "{:.0f}")
            for p in PERCENTILES
        ),
        ("messages per second", lambda r: r.messages_per_second, "{:.1f}"),
        (
            "Rasa server CPU per message, ms",
            lambda r: r.cpu_per_message_ms(r.server_cpu_s),
            "{:.0f}",
        ),
        (
            "action server CPU per message, ms",
            lambda r: r.cpu_per_message_ms(r.actions_cpu_s),
            "{:.0f}",
        ),
        ("Rasa server peak RSS, MB", lambda r: r.peak_rss_mb, "{:.0f}"),
    ]
    for label, value, form in metrics:
        mine = value(ours)
        theirs = value(starter) if starter is not None else math.nan
        ratio = mine / theirs if theirs else math.nan
        yield label, _cell(mine, form), _cell(theirs, form), _cell(ratio, "{:.2f}")


def table(ours: Result, starter: Optional[Result], c: int) -> str:
    """A Markdown table, pasted as is into the README."""
    lines = [
        "| metric | ours | starter | ours / starter |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {' | '.join(row)} |" for row in rows(ours, starter, c)]
    lines.append("")
    for result in (ours, starter):
        if result is not None:
            lines.append(
                f"{result.name}: {len(result.latencies_ms)} messages in "
                f"{result.conversations} conversations, {result.wall_s:.1f}s under "
                f"load, {result.errors} errors, {result.wrong_paths} conversations "
                "off script"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Measures our bot, then the starter, then prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-c", "--concurrency", type=int, default=DEFAULT_CONCURRENCY, metavar="C"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=DEFAULT_ROUNDS,
        help="conversations each simulated person has, one after another",
    )
    parser.add_argument(
        "--model", type=Path, default=MODEL, help="our model (try a config change)"
    )
    parser.add_argument("--no-starter", action="store_true", help="only our bot")
    parser.add_argument(
        "--stock-rasa",
        action="store_true",
        help="start our bot with plain `rasa`, without bot/serving/server.py's fixes",
    )
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    arguments = parser.parse_args(argv)
    if not 1 <= arguments.concurrency <= 256 or not 1 <= arguments.rounds <= 50:
        parser.error("--concurrency must be 1-256 and --rounds 1-50")

    print(f"rasa {rasa_version()}, {os.cpu_count()} CPUs", flush=True)
    shutil.rmtree(RUN_FOLDER, ignore_errors=True)
    RUN_FOLDER.mkdir(parents=True)
    ours = measure_ours(RUN_FOLDER, arguments)
    starter = None if arguments.no_starter else measure_starter(RUN_FOLDER, arguments)
    print()
    print(table(ours, starter, arguments.concurrency))
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        numbers: Mapping[str, object] = {
            result.name: {**asdict(result), "latencies_ms": None}
            for result in (ours, starter)
            if result is not None
        }
        arguments.json.write_text(json.dumps(numbers, indent=2), encoding="utf-8")
    failed = ours.errors or (starter is not None and starter.errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

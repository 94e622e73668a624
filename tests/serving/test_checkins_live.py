"""Check-ins for real, with a clock the test moves: a real action server and a real Rasa
server (`python -m bot.serving.server`, as `make serve` starts it) sharing one SQLite
database for conversations and schedules, the REST and Telegram channels (Telegram's
Bot API faked on loopback), and the scheduler's own `run_once` firing
`POST /conversations/{id}/trigger_intent`.

What a person would notice: a check-in scheduled before a restart arrives once after
it; it arrives in their Telegram chat; "stop" and "not today" are honoured; a red flag
typed in the middle of a check-in gets the emergency reply; and the day's score, tapped
on buttons, comes back as a trend (and a rebound as a reason to see a doctor) in the
summary for their doctor."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests

from bot import checkins
from bot.tooling import checkin_scheduler
from bot.tooling.credentials import write_credentials
from bot.tooling.endpoints import write_endpoints
from tests.channels.fake_telegram import FakeTelegram
from tests.helpers import (
    PROJECT_ROOT,
    RASA,
    free_port,
    log_tail,
    start_process,
    stop_process,
    wait_until_healthy,
)
from tests.serving.conftest import MODEL, RASA_SERVER

pytestmark = [pytest.mark.servers, pytest.mark.model]

TOKEN = "checkin-test-token"
TELEGRAM_TOKEN = "123456789:AAcheckin-token_for_the_fake_api"
TELEGRAM_SECRET = "checkin-secret_0123456789"
SERVER_START_SECONDS = 120
REQUEST_SECONDS = 30
EMERGENCY_MARK = "🚨"
CHECK_IN_MARK = "it's your check-in"
HOURS_SAID = 12
"""Day 1: the people here stopped 12 hours before they first write."""
_people = itertools.count()
_update_ids = itertools.count(900_000)


@dataclass
class Stack:
    """The running servers, and how to restart the Rasa server."""

    folder: Path
    database: Path
    bot_url: str
    port: int
    arguments: List[str]
    environment: Dict[str, str]
    telegram: FakeTelegram
    rasa: Any = None
    log_index: int = 0

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"

    def start_rasa(self) -> None:
        self.log_index += 1
        log = self.folder / f"rasa-{self.log_index}.log"
        self.rasa = start_process(self.arguments, log, env=self.environment)
        wait_until_healthy(
            f"{self.bot_url}/status?token={TOKEN}", self.rasa, SERVER_START_SECONDS, log
        )

    def stop_rasa(self) -> None:
        if self.rasa is not None:
            stop_process(self.rasa)
            self.rasa = None

    def log(self) -> str:
        return log_tail(self.folder / f"rasa-{self.log_index}.log")

    def fire(self, now: dt.datetime) -> int:
        """One scheduler pass at `now` (the test's clock)."""
        return checkin_scheduler.run_once(
            self.bot_url, TOKEN, now=now, url=self.database_url
        )

    def events(self, sender: str) -> List[Dict[str, Any]]:
        answer = requests.get(
            f"{self.bot_url}/conversations/{sender}/tracker",
            params={"token": TOKEN},
            timeout=REQUEST_SECONDS,
        )
        answer.raise_for_status()
        return list(answer.json()["events"])


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Action server and Rasa server on one SQLite file; REST + Telegram channels."""
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does).")
    folder = tmp_path_factory.mktemp("checkins")
    database = folder / "tracker.db"
    telegram = FakeTelegram(TELEGRAM_TOKEN, "CheckInTestBot").start()
    actions_port = free_port()
    environment = {
        "TRACKER_DB": str(database),
        "RASA_AUTH_TOKEN": TOKEN,
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_BOT_USERNAME": "CheckInTestBot",
        "TELEGRAM_API_BASE": telegram.base_url,
    }
    write_endpoints(
        folder / "endpoints.yml",
        {"ACTIONS_PORT": str(actions_port), "TRACKER_DB": str(database)},
    )
    write_credentials(
        PROJECT_ROOT / "credentials.yml", folder / "credentials.yml", environment
    )
    action_log = folder / "actions.log"
    # The action server writes schedules where the conversations are (TRACKER_DB).
    actions = start_process(
        [RASA, "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        action_log,
        env={"SANIC_HOST": "127.0.0.1", "TRACKER_DB": str(database)},
    )
    port = free_port()
    stack = Stack(
        folder=folder,
        database=database,
        bot_url=f"http://127.0.0.1:{port}",
        port=port,
        arguments=[
            *RASA_SERVER,
            "run",
            "--model",
            str(MODEL),
            "--enable-api",
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--endpoints",
            str(folder / "endpoints.yml"),
            "--credentials",
            str(folder / "credentials.yml"),
        ],
        environment=environment,
        telegram=telegram,
    )
    try:
        wait_until_healthy(
            f"http://127.0.0.1:{actions_port}/health", actions, 60, action_log
        )
        stack.start_rasa()
        yield stack
    finally:
        stack.stop_rasa()
        stop_process(actions)
        telegram.stop()


@dataclass
class Person:
    """Someone on the REST channel; keeps the bot's replies as the person reads them."""

    stack: Stack
    sender: str = field(default_factory=lambda: f"checkin-person-{next(_people)}")
    transcript: List[str] = field(default_factory=list)
    first_at: Optional[dt.datetime] = None
    metadata: Dict[str, Any] = field(default_factory=dict)
    buttons: Dict[str, str] = field(default_factory=dict)

    def says(self, text: str) -> str:
        self.first_at = self.first_at or dt.datetime.utcnow()
        body: Dict[str, Any] = {"sender": self.sender, "message": text}
        if self.metadata:
            body["metadata"] = self.metadata
        answer = requests.post(
            f"{self.stack.bot_url}/webhooks/rest/webhook",
            json=body,
            timeout=REQUEST_SECONDS,
        )
        assert answer.status_code == 200, answer.text
        self.buttons = {
            b["title"]: b["payload"]
            for message in answer.json()
            for b in message.get("buttons") or []
        }
        reply = render(answer.json())
        self.transcript += [f"You:  {text}", *(f"Bot:  {line}" for line in [reply])]
        return reply

    def taps(self, title: str) -> str:
        """Taps a button of the last reply."""
        assert title in self.buttons, f"no [{title}]:\n{self.dump()}"
        return self.says(self.buttons[title])

    def check_in(self, now: dt.datetime) -> str:
        """The scheduler runs at `now`; returns what the bot said to this person."""
        before = self.stack.events(self.sender)
        # Others' check-ins due by then go too: count this person's.
        assert self.stack.fire(now) >= 1, self.stack.log()
        after = self.stack.events(self.sender)
        assert check_ins_in(after) == check_ins_in(before) + 1, self.stack.log()
        said = bot_texts(after[len(before) :])
        self.transcript.append(f"[scheduler at {now:%a %H:%M}] Bot:  {said}")
        return said

    def answer_until(self, mark: str, answer: str = "no", turns: int = 12) -> str:
        """Answers `answer` until a reply holds `mark`; returns that reply."""
        for _ in range(turns):
            reply = self.says(answer)
            if mark in reply:
                return reply
        raise AssertionError(f"no {mark!r} after {turns} answers:\n{self.dump()}")

    def dump(self) -> str:
        return "\n".join(self.transcript)


def render(messages: List[Dict[str, Any]]) -> str:
    """Bot messages as text, buttons in brackets."""
    parts = []
    for message in messages:
        parts.append(message.get("text") or "")
        parts.extend(f"[{b['title']}]" for b in message.get("buttons") or [])
    return "\n".join(parts)


def bot_texts(events: List[Dict[str, Any]]) -> str:
    lines = []
    for event in events:
        if event.get("event") == "bot":
            lines.append(event.get("text") or "")
            buttons = (event.get("data") or {}).get("buttons") or []
            lines.extend(f"[{b['title']}]" for b in buttons)
    return "\n".join(lines)


def check_ins_in(events: List[Dict[str, Any]]) -> int:
    return sum(
        1
        for e in events
        if e.get("event") == "bot" and CHECK_IN_MARK in (e.get("text") or "")
    )


def payload(level: int) -> str:
    return f'/inform{{"checkin_answer":"{level}"}}'


def opt_in(person: Person, first_message: str) -> None:
    """Describes what happens, answers the screen, taps "Yes, check in tomorrow"."""
    first = person.says(first_message)
    # The screen, or first one direct question about a possible sign: "no" to each.
    assert "[No]" in first and EMERGENCY_MARK not in first, person.dump()
    person.answer_until("check in with you tomorrow")
    assert "Okay, I'll check in tomorrow" in person.says("/opt_in_check_in")
    assert checkins.is_scheduled(person.sender, url=person.stack.database_url)


def score_all(person: Person, levels: List[int]) -> str:
    """Taps one button per item; returns the last reply."""
    reply = ""
    for level in levels:
        reply = person.says(payload(level))
    return reply


def on_day(person: Person, day: int) -> dt.datetime:
    """The test's clock for this person's check-in on `day` of withdrawal: 3 hours into
    that day (they stopped `HOURS_SAID` hours before first writing), and never before
    the check-in is due, so the scheduler fires it."""
    due = checkins.next_due(person.sender, url=person.stack.database_url)
    assert due is not None and person.first_at is not None, person.dump()
    last_use = person.first_at - dt.timedelta(hours=HOURS_SAID)
    target = last_use + dt.timedelta(hours=24 * (day - 1) + 3)
    return max(due + dt.timedelta(minutes=1), target)


def test_a_check_in_survives_a_restart_and_arrives_once(stack: Stack) -> None:
    person = Person(stack)
    opt_in(person, "quit drinking yesterday, my legs keep cramping")
    due = checkins.next_due(person.sender, url=stack.database_url)
    assert due is not None

    stack.stop_rasa()
    stack.start_rasa()

    stack.fire(due - dt.timedelta(minutes=5))
    assert check_ins_in(stack.events(person.sender)) == 0  # not due yet
    moment = due + dt.timedelta(minutes=5)
    assert stack.fire(moment) >= 1
    stack.fire(moment)  # a second pass (or a second scheduler)
    stack.fire(moment + dt.timedelta(hours=3))  # later that day
    events = stack.events(person.sender)
    assert check_ins_in(events) == 1, bot_texts(events)
    # The check-in asks its first safety question in the same breath.
    assert "[Not sure]" in bot_texts(events[-8:])


def test_alcohol_day_2_and_day_3_check_ins_catch_confusion(stack: Stack) -> None:
    """The README's demo: day 1 of alcohol withdrawal, checked in on days 2 and 3."""
    person = Person(stack)
    opt_in(
        person,
        f"stopped drinking {HOURS_SAID} hours ago and my legs are cramping and shaking",
    )

    day_2 = person.check_in(on_day(person, 2))
    assert "day 2 since you stopped" in day_2 and "fits" in day_2, person.dump()
    reply = person.answer_until("[Severe]")
    assert "symptom checklist, not a medical score" in reply
    reply = score_all(person, [2, 1, 2, 2, 2, 0, 0])
    assert "symptom checklist today: 9/21" in reply, person.dump()
    assert "Day 2: 9/21" in reply

    day_3 = person.check_in(on_day(person, 3))
    assert "day 3 since you stopped" in day_3, person.dump()
    assert "confusion" in day_3 and "DTs" in day_3
    reply = person.says("no")  # chest and breathing
    assert "seeing or hearing things" in reply, person.dump()
    alarm = person.says(
        "yes, i dont know where i am and i keep seeing bugs on the wall"
    )
    assert alarm.startswith(EMERGENCY_MARK) and "911" in alarm, person.dump()
    summary = person.says("summarise this for my doctor")
    assert "Day 2: 9/21" in summary and "EMERGENCY" in summary, person.dump()
    assert "Latest check-in: day 3 since stopping" in summary
    (stack.folder / "demo-transcript.txt").write_text(person.dump(), encoding="utf-8")
    results = PROJECT_ROOT / "results"
    if results.is_dir():
        (results / "checkin-demo.txt").write_text(person.dump(), encoding="utf-8")


def test_the_score_by_buttons_and_a_rebound_reach_the_summary(stack: Stack) -> None:
    person = Person(stack)
    opt_in(
        person,
        f"stopped heroin {HOURS_SAID} hours ago, my back and legs are cramping",
    )
    for day, levels in enumerate(
        [
            [2, 2, 2, 1, 1, 2, 2, 1, 2, 1],  # 16
            [1, 1, 2, 1, 1, 1, 2, 1, 1, 1],  # 12
            [2, 2, 2, 1, 1, 2, 2, 1, 1, 1],  # 15: up after falling
        ],
        start=2,
    ):
        said = person.check_in(on_day(person, day))
        assert f"day {day} since you stopped" in said, person.dump()
        first_item = person.answer_until("[Severe]")
        assert "1/10 · Feeling sick?" in first_item, person.dump()
        assert "Short Opiate Withdrawal Scale" in first_item
        second = person.says(payload(levels[0]))
        assert "2/10 · Stomach cramps?" in second
        reply = score_all(person, levels[1:])
        assert f"SOWS-Gossop today: {sum(levels)}/30" in reply, person.dump()
    assert "Day 2: 16/30, Day 3: 12/30 ↓, Day 4: 15/30 ↑" in reply
    assert "see a doctor in the next few days" in reply
    assert "went up again after it had been falling" in reply, person.dump()
    summary = person.says("summarise this for my doctor")
    assert "SOWS-Gossop" in summary
    assert "Day 2: 16/30, Day 3: 12/30 ↓, Day 4: 15/30 ↑" in summary, person.dump()


def test_a_red_flag_typed_in_the_middle_of_the_score_is_an_emergency(
    stack: Stack,
) -> None:
    person = Person(stack)
    opt_in(person, "stopped my xanax 2 days ago, my calves are so tight")
    person.check_in(on_day(person, 2))
    person.answer_until("[Severe]")
    person.says(payload(1))
    alarm = person.says("i think i just had a seizure, i woke up on the floor")
    assert alarm.startswith(EMERGENCY_MARK) and "911" in alarm, person.dump()
    assert "Stomach" not in alarm and "[Severe]" not in alarm


def test_stop_in_the_middle_of_a_check_in_ends_it_and_the_schedule(
    stack: Stack,
) -> None:
    person = Person(stack)
    url = stack.database_url
    opt_in(person, "off oxy 2 days, my butt cramps")
    moment = on_day(person, 2)
    person.check_in(moment)
    person.says("no")
    reply = person.says("please stop the daily messages")
    assert "no check-ins from now on" in reply, person.dump()
    assert not checkins.is_scheduled(person.sender, url=url)
    stack.fire(moment + dt.timedelta(days=1, hours=1))
    assert check_ins_in(stack.events(person.sender)) == 1


@pytest.mark.parametrize("skip", ["not today", "can we skip today", "not today thanks"])
def test_not_today_skips_one_day(stack: Stack, skip: str) -> None:
    person = Person(stack)
    url = stack.database_url
    opt_in(person, "quit the booze 2 days ago, shaky legs")
    person.check_in(on_day(person, 2))
    tomorrow = checkins.next_due(person.sender, url=url)
    reply = person.says(skip)
    assert "no check-in today" in reply.lower(), person.dump()
    assert checkins.next_due(person.sender, url=url) == tomorrow  # only today skipped
    # And before a check-in: the next one moves a day.
    again = person.says("not today")
    assert "skip the next check-in" in again, person.dump()
    assert checkins.next_due(person.sender, url=url) == tomorrow + dt.timedelta(days=1)


def test_the_check_in_arrives_in_the_telegram_chat(stack: Stack) -> None:
    fake = stack.telegram
    chat_id = 5_100_000 + next(_people)
    webhook = f"{stack.bot_url}/webhooks/telegram/webhook"

    def send(update: Dict[str, Any]) -> None:
        answer = requests.post(
            webhook,
            data=json.dumps(update).encode("utf-8"),
            headers={
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
            },
            timeout=REQUEST_SECONDS,
        )
        assert answer.status_code == 200, answer.text

    def person_says(text: str) -> None:
        send(
            {
                "update_id": next(_update_ids),
                "message": {
                    "message_id": next(_update_ids),
                    "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"},
                    "chat": {"id": chat_id, "type": "private"},
                    "date": int(time.time()),
                    "text": text,
                },
            }
        )

    def press(data: str, message: Dict[str, Any]) -> None:
        send(
            {
                "update_id": next(_update_ids),
                "callback_query": {
                    "id": f"cq-{next(_update_ids)}",
                    "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"},
                    "message": message,
                    "chat_instance": "-1",
                    "data": data,
                },
            }
        )

    def to_chat(text: str, since: int, seconds: float = REQUEST_SECONDS) -> Any:
        return fake.wait_for(
            "sendMessage",
            lambda call: (
                call.body.get("chat_id") == str(chat_id)
                and text in call.body.get("text", "")
            ),
            since=since,
            seconds=seconds,
        )

    mark = fake.mark()
    person_says("off fentanyl since yesterday, my legs are cramping")
    to_chat("safety questions", mark)
    offer = None
    for _ in range(10):
        mark = fake.mark()
        person_says("no")
        try:
            offer = to_chat("check in with you tomorrow", mark, seconds=5)
            break
        except AssertionError:
            continue
    assert offer is not None, [c.body for c in fake.calls("sendMessage")][-5:]
    mark = fake.mark()
    press("/opt_in_check_in", offer.result)
    to_chat("I'll check in tomorrow", mark)
    sender = str(chat_id)
    assert checkins.is_scheduled(sender, url=stack.database_url)

    mark = fake.mark()
    moment = checkins.next_due(sender, url=stack.database_url)
    assert moment is not None
    assert stack.fire(moment) >= 1
    arrived = to_chat(CHECK_IN_MARK, mark)
    assert "since you stopped" in arrived.body["text"]
    question = to_chat("Right now, do you have chest pain", mark)
    assert question.body.get("reply_markup"), "the first question has its buttons"
    stack.fire(moment)  # again: nothing more for this chat
    assert (
        sum(
            CHECK_IN_MARK in c.body.get("text", "")
            for c in fake.calls("sendMessage")
            if c.body.get("chat_id") == sender
        )
        == 1
    )
    # The score's buttons work as Telegram buttons.
    item = None
    for _ in range(8):
        mark = fake.mark()
        person_says("no")
        try:
            item = to_chat("1/10 · Feeling sick?", mark, seconds=5)
            break
        except AssertionError:
            continue
    assert item is not None, [c.body for c in fake.calls("sendMessage")][-3:]
    titles = [
        b["text"] for row in item.body["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert titles == ["None", "Mild", "Moderate", "Severe"]
    mark = fake.mark()
    press('/inform{"checkin_answer":"2"}', item.result)
    to_chat("2/10 · Stomach cramps?", mark)


def test_the_scheduler_clock_can_be_set_from_the_environment() -> None:
    fixed = checkin_scheduler.clock({"CHECKIN_NOW": "2026-12-02T10:05:00"})
    assert fixed == dt.datetime(2026, 12, 2, 10, 5)
    drift = checkin_scheduler.clock({}) - dt.datetime.utcnow()
    assert abs(drift.total_seconds()) < 5


NEW_YORK_WINTER = -300
"""The person's UTC offset, as the widget and the terminal send it (UTC-5)."""


def test_a_time_the_person_picks_in_their_time_zone_is_kept_each_day(
    stack: Stack,
) -> None:
    person = Person(stack, metadata={"utc_offset_minutes": NEW_YORK_WINTER})
    url = stack.database_url
    assert "[No]" in person.says("off oxy 2 days, my butt cramps")
    offer = person.answer_until("check in with you tomorrow")
    assert "pick another time" in offer
    reply = person.says("yes, check in at 8pm")
    assert "Okay, I'll check in tomorrow at 8:00 pm your time, and each day" in reply, (
        reply
    )
    due = checkins.next_due(person.sender, url=url)
    assert due is not None
    local = due + dt.timedelta(minutes=NEW_YORK_WINTER)
    assert (local.hour, local.minute) == (20, 0), due
    said = person.check_in(due + dt.timedelta(minutes=1))
    assert "Good evening, it's your check-in" in said, person.dump()
    assert checkins.next_due(person.sender, url=url) == due + dt.timedelta(days=1)


def test_a_night_time_is_asked_about_first(stack: Stack) -> None:
    person = Person(stack)
    url = stack.database_url
    assert "[No]" in person.says("quit the booze 2 days ago, shaky legs")
    person.answer_until("check in with you tomorrow")
    question = person.says("yes at 11pm")
    assert "11:00 pm is at night" in question, person.dump()
    assert not checkins.is_scheduled(person.sender, url=url)
    reply = person.taps("Yes, at 11:00 pm")
    # No time zone from this channel: the reply says the time is UTC.
    assert "Okay, I'll check in tomorrow at 11:00 pm UTC" in reply, person.dump()
    due = checkins.next_due(person.sender, url=url)
    assert due is not None and (due.hour, due.minute) == (23, 0)

    # Said with the reason in the same message, no question: "I work nights".
    other = Person(stack)
    assert "[No]" in other.says("stopped my xanax 2 days ago, my calves are so tight")
    other.answer_until("check in with you tomorrow")
    reply = other.says("yes, at 2am please, i work nights")
    assert "Okay, I'll check in tomorrow at 2:00 am UTC" in reply, other.dump()


def test_a_time_typed_in_a_sentence_of_its_own_opts_in(stack: Stack) -> None:
    person = Person(stack, metadata={"utc_offset_minutes": 0})
    assert "[No]" in person.says("stopped heroin 12 hours ago, my back is cramping")
    person.answer_until("check in with you tomorrow")
    reply = person.says("can you check in with me tomorrow at 7")
    assert "Okay, I'll check in tomorrow at 7:00 am" in reply, person.dump()
    due = checkins.next_due(person.sender, url=stack.database_url)
    assert due is not None and (due.hour, due.minute) == (7, 0)

"""The daily check-in's self-reported score, the red-flag questions for that day, and
the trend across days.

Why the score runs inside the screen's form (`triage_form`), not in a loop of its own:
every message of the form already goes through the safety policy first and through the
screen policy's "nothing is thrown away" reading, so a red flag typed in the middle of
the score escalates exactly as in a first message, and a score item that is itself a red
flag (hallucinations, confusion) escalates by the very path a Yes to the screen's
question takes (`triage_level` = emergency, then the safety policy). One slot,
`checkin_answer`, is asked again for each item (`action_ask_checkin_answer` asks the
next one), so ten items need no ten slots.

What a person reports is kept in slots (`checkin`: today's check-in in progress,
`checkin_scores`: one record a day), so it is deleted with the conversation.

The scales, items, typed answers and day windows are data:
`data/dialogue/checkin_scores.yml`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Mapping,
    Optional,
    Sequence,
    Text,
    Tuple,
)

import yaml
from rasa_sdk import Action
from rasa_sdk.events import EventType, SlotSet

from actions.paths import data_dir
from actions.screen_questions import QUESTIONS_BY_SLOT
from actions.slots import (
    CHECKIN,
    CHECKIN_ANSWER,
    CHECKIN_SCORES,
    EMERGENCY,
    HOURS_SINCE_STOP,
    REQUESTED_SLOT,
    SCREEN_FLAG,
    SUBSTANCE_CLASS,
    TRIAGE_LEVEL,
)
from bot.language import normalise
from bot.safety.catalogue import red_flags

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

SCORES_FILE = ("dialogue", "checkin_scores.yml")
CHECKIN_TIME_ENTITY = "checkin_time"
"""The scheduler's clock, sent with the external event (tests move it forward)."""
ANSWER_INTENT = "inform"
NEGATIONS = frozenset({"not", "isnt", "arent", "wasnt", "dont", "doesnt", "didnt"})
HOURS_PER_DAY = 24
SECONDS_PER_HOUR = 3600
UP, DOWN, SAME = "↑", "↓", "→"


@dataclass(frozen=True)
class Level:
    """One answer: its score, its button title and how it may be typed."""

    value: int
    title: str
    typed: Tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """One symptom of a scale; `red_flag` when any answer above None is that sign."""

    item_id: str
    text: str
    red_flag: Optional[str]


@dataclass(frozen=True)
class Scale:
    """A self-report scale: its items, its source, and what a worsening means."""

    key: str
    name: str
    short_name: str
    source: str
    intro: str
    worsening_level: str
    items: Tuple[Item, ...]

    @property
    def maximum(self) -> int:
        """The highest total (every item Severe)."""
        return 3 * len(self.items)


@dataclass(frozen=True)
class DayWindow:
    """The screen questions that matter from `from_hour` to `to_hour` after last use."""

    from_hour: float
    to_hour: float
    questions: Tuple[str, ...]
    why: str


@dataclass(frozen=True)
class CheckInData:
    """Everything in `checkin_scores.yml`, checked."""

    levels: Tuple[Level, ...]
    scales: Dict[str, Scale]
    scale_for: Dict[str, str]
    always: Tuple[str, ...]
    red_flag_days: Dict[str, Tuple[DayWindow, ...]]
    new_symptom_level: int


def _require(entry: Mapping[str, Any], field: str, where: str) -> Any:
    if field not in entry or entry[field] in (None, "", []):
        raise ValueError(f"{where}: field '{field}' is missing or empty.")
    return entry[field]


def _questions(names: Any, where: str) -> Tuple[str, ...]:
    for name in names:
        if name not in QUESTIONS_BY_SLOT:
            raise ValueError(
                f"{where}: '{name}' is not a screen question "
                f"(one of {', '.join(QUESTIONS_BY_SLOT)})."
            )
    return tuple(str(name) for name in names)


@lru_cache(maxsize=1)
def checkin_data() -> CheckInData:
    """Loaded once; fails loudly with the file and the field at fault."""
    path = data_dir().joinpath(*SCORES_FILE)
    if not path.is_file():
        raise ValueError(f"File '{path}' does not exist.")
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    where = f"File '{path}'"
    levels = tuple(
        Level(
            value=int(_require(entry, "value", f"{where}, levels[{index}]")),
            title=str(_require(entry, "title", f"{where}, levels[{index}]")),
            typed=tuple(normalise(str(p)) for p in entry.get("typed") or ()),
        )
        for index, entry in enumerate(_require(document, "levels", where))
    )
    if [level.value for level in levels] != [0, 1, 2, 3]:
        raise ValueError(f"{where}, levels: values must be 0, 1, 2, 3 in order.")
    known_flags = red_flags()
    scales: Dict[str, Scale] = {}
    for key, entry in _require(document, "scales", where).items():
        at = f"{where}, scale '{key}'"
        items = []
        for index, item in enumerate(_require(entry, "items", at)):
            item_at = f"{at}, items[{index}]"
            flag = item.get("red_flag")
            if flag is not None and flag not in known_flags:
                raise ValueError(
                    f"{item_at}: red_flag '{flag}' is not in red_flags.yml."
                )
            items.append(
                Item(
                    item_id=str(_require(item, "id", item_at)),
                    text=str(_require(item, "text", item_at)),
                    red_flag=flag,
                )
            )
        level = str(_require(entry, "worsening_level", at))
        if level not in ("urgent", "routine"):
            raise ValueError(f"{at}: worsening_level must be urgent or routine.")
        scales[str(key)] = Scale(
            key=str(key),
            name=str(_require(entry, "name", at)),
            short_name=str(_require(entry, "short_name", at)),
            source=str(_require(entry, "source", at)),
            intro=str(_require(entry, "intro", at)),
            worsening_level=level,
            items=tuple(items),
        )
    scale_for = {
        str(k): str(v) for k, v in _require(document, "scale_for", where).items()
    }
    for substance_class, key in scale_for.items():
        if key not in scales:
            raise ValueError(
                f"{where}, scale_for '{substance_class}': no scale named '{key}'."
            )
    windows: Dict[str, Tuple[DayWindow, ...]] = {}
    for substance_class, entries in _require(document, "red_flag_days", where).items():
        at = f"{where}, red_flag_days '{substance_class}'"
        windows[str(substance_class)] = tuple(
            DayWindow(
                from_hour=float(_require(entry, "from_hour", f"{at}[{i}]")),
                to_hour=float(_require(entry, "to_hour", f"{at}[{i}]")),
                questions=_questions(_require(entry, "questions", f"{at}[{i}]"), at),
                why=str(_require(entry, "why", f"{at}[{i}]")),
            )
            for i, entry in enumerate(entries)
        )
    return CheckInData(
        levels=levels,
        scales=scales,
        scale_for=scale_for,
        always=_questions(_require(document, "always", where), f"{where}, always"),
        red_flag_days=windows,
        new_symptom_level=int(_require(document, "new_symptom_level", where)),
    )


# --- reading an answer ---------------------------------------------------------------


def read_level(text: str) -> Optional[int]:
    """0-3 from a typed answer ("mild", "2", "really bad"), or None when unclear.

    A whole-message phrase decides; otherwise the phrases found in the message must all
    be of one level, and a negated message ("not too bad") is asked again rather than
    guessed.
    """
    said = normalise(text)
    if not said:
        return None
    levels = checkin_data().levels
    for level in levels:
        if said in level.typed:
            return level.value
    words = said.split()
    if NEGATIONS & set(words):
        return None
    padded = f" {said} "
    found = {
        level.value
        for level in levels
        for phrase in level.typed
        if len(phrase) > 1 and f" {phrase} " in padded
    }
    return found.pop() if len(found) == 1 else None


def level_of_message(message: Mapping[str, Any]) -> Optional[int]:
    """A button's value (the `checkin_answer` entity) or the typed answer."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == CHECKIN_ANSWER:
            try:
                value = int(str(entity.get("value")))
            except ValueError:
                return None
            return value if 0 <= value <= 3 else None
    return read_level(str(message.get("text") or ""))


def answer_buttons() -> List[Dict[str, str]]:
    """None / Mild / Moderate / Severe; short payloads (Telegram's 64 bytes)."""
    return [
        {
            "title": level.title,
            "payload": f'/{ANSWER_INTENT}{{"{CHECKIN_ANSWER}":"{level.value}"}}',
        }
        for level in checkin_data().levels
    ]


# --- the day of withdrawal -----------------------------------------------------------


def check_in_time(tracker: "Tracker") -> dt.datetime:
    """When the check-in is (UTC, naive): the scheduler's clock if it sent one."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == CHECKIN_TIME_ENTITY:
            try:
                return dt.datetime.fromisoformat(str(entity.get("value")))
            except ValueError:
                break
    return dt.datetime.utcnow()


def _epoch(moment: dt.datetime) -> float:
    return moment.replace(tzinfo=dt.timezone.utc).timestamp()


def _hours_said(event: Mapping[str, Any]) -> Optional[float]:
    """The hours since last use a user event stated (its `hours_since_stop` entity)."""
    for entity in (event.get("parse_data") or {}).get("entities") or []:
        if entity.get("entity") == HOURS_SINCE_STOP:
            try:
                return float(entity.get("value"))
            except (TypeError, ValueError):
                return None
    return None


def last_use_reference(tracker: "Tracker") -> Optional[Tuple[float, float]]:
    """(when it was said, when the last use was), both epoch seconds, or None.

    Why not the `hours_since_stop` slot's own event: a check-in usually comes in a new
    session, where Rasa re-sets carried-over slots with the session's time and loads
    only that session's events. So the moment is kept in the `checkin` slot (carried
    over too) and the freshest statement, this session's or the kept one, wins.
    """
    state = state_of(tracker)
    best: Optional[Tuple[float, float]] = None
    if state.get("last_use_at") is not None:
        best = (float(state.get("reported_at") or 0.0), float(state["last_use_at"]))
    for event in tracker.events:
        hours = _hours_said(event) if event.get("event") == "user" else None
        if hours is not None and event.get("timestamp"):
            said_at = float(event["timestamp"])
            if best is None or said_at >= best[0]:
                best = (said_at, said_at - hours * SECONDS_PER_HOUR)
    return best


def hours_since_last_use(tracker: "Tracker", now: dt.datetime) -> Optional[float]:
    """Hours since the last use at `now`, or None when the person never said."""
    reference = last_use_reference(tracker)
    if reference is None:
        return None
    return max(0.0, (_epoch(now) - reference[1]) / SECONDS_PER_HOUR)


def first_message_time(tracker: "Tracker") -> Optional[float]:
    """When the person first wrote (epoch seconds), kept across sessions."""
    kept = state_of(tracker).get("first_at")
    if kept is not None:
        return float(kept)
    for event in tracker.events:
        if event.get("event") == "user" and event.get("timestamp"):
            return float(event["timestamp"])
    return None


def time_reference(tracker: "Tracker") -> Dict[str, Any]:
    """The moments the day count needs, to keep in the `checkin` slot."""
    reference = last_use_reference(tracker)
    kept: Dict[str, Any] = {"first_at": first_message_time(tracker)}
    if reference is not None:
        kept.update(reported_at=reference[0], last_use_at=reference[1])
    return kept


def day_of_withdrawal(tracker: "Tracker", now: dt.datetime) -> Tuple[int, bool]:
    """Day N (day 1 = the first 24 hours after the last use), and whether it is
    counted from the last use (True) or, unknown, from the first message (False)."""
    hours = hours_since_last_use(tracker, now)
    if hours is not None:
        return int(math.floor(hours / HOURS_PER_DAY)) + 1, True
    first = first_message_time(tracker)
    elapsed = (_epoch(now) - first) / SECONDS_PER_HOUR if first else 0.0
    return int(math.floor(max(0.0, elapsed) / HOURS_PER_DAY)) + 1, False


def questions_for_day(
    substance_class: Optional[str], hours: Optional[float]
) -> Tuple[List[str], Optional[str]]:
    """The screen questions a check-in asks again, in the screen's order, and why."""
    data = checkin_data()
    wanted = set(data.always)
    why = None
    for window in data.red_flag_days.get(substance_class or "", ()):
        # Unknown time since last use: every window's questions (caution).
        if hours is None or window.from_hour <= hours < window.to_hour:
            wanted.update(window.questions)
            why = why or window.why
    return [slot for slot in QUESTIONS_BY_SLOT if slot in wanted], why


def scale_of(substance_class: Optional[str]) -> Optional[Scale]:
    """The score for this substance, or None (nothing stopped, or not known)."""
    data = checkin_data()
    key = data.scale_for.get(substance_class or "")
    return data.scales[key] if key else None


# --- today's check-in ----------------------------------------------------------------


def state_of(tracker: "Tracker") -> Dict[str, Any]:
    """Today's check-in as stored in the `checkin` slot (empty when none)."""
    value = tracker.get_slot(CHECKIN)
    return dict(value) if isinstance(value, dict) else {}


def in_progress(tracker: "Tracker") -> bool:
    """A check-in was started and is not finished (nor stopped, nor skipped)."""
    state = state_of(tracker)
    return bool(state.get("date")) and not state.get("done")


def start(tracker: "Tracker", now: dt.datetime, offset_minutes: int) -> Dict[str, Any]:
    """The state of a new check-in: its local date, day, scale and questions."""
    substance_class = tracker.get_slot(SUBSTANCE_CLASS)
    day, from_last_use = day_of_withdrawal(tracker, now)
    hours = hours_since_last_use(tracker, now)
    questions, why = questions_for_day(substance_class, hours)
    scale = scale_of(substance_class)
    local = now + dt.timedelta(minutes=offset_minutes)
    return {
        **time_reference(tracker),
        "date": local.date().isoformat(),
        "offset": offset_minutes,
        "day": day,
        "from_last_use": from_last_use,
        "questions": questions,
        "why": why,
        "scale": scale.key if scale else None,
        "answers": [],
        "done": False,
    }


def remaining_items(state: Mapping[str, Any]) -> List[Item]:
    """The score's items not answered yet."""
    scale = checkin_data().scales.get(str(state.get("scale")))
    if scale is None:
        return []
    return list(scale.items[len(state.get("answers") or []) :])


def required_slots(tracker: "Tracker") -> Optional[List[str]]:
    """During a check-in: that day's red-flag questions, then the score; else None."""
    if not in_progress(tracker):
        return None
    state = state_of(tracker)
    questions = [q for q in state.get("questions") or [] if q in QUESTIONS_BY_SLOT]
    score = [CHECKIN_ANSWER] if remaining_items(state) else []
    return [SUBSTANCE_CLASS, *questions, *score]


class CheckInScoreSlots:
    """The score's slot methods for the screen's form validation (a mixin, not an
    action: rasa-sdk registers only `Action` subclasses)."""

    async def extract_checkin_answer(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> Dict[Text, Any]:
        """The 0-3 answer to the item being asked, from a button or typed text."""
        if tracker.get_slot(REQUESTED_SLOT) != CHECKIN_ANSWER:
            return {}
        level = level_of_message(tracker.latest_message)
        return {} if level is None else {CHECKIN_ANSWER: str(level)}

    async def validate_checkin_answer(
        self,
        value: Any,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> Dict[Text, Any]:
        """Files the answer under the current item and empties the slot, so it is asked
        again for the next item; an item that is a red flag escalates like a Yes."""
        state = state_of(tracker)
        items = remaining_items(state)
        if value is None or not items:
            return {CHECKIN_ANSWER: None}
        level = int(value)
        state["answers"] = [*(state.get("answers") or []), level]
        result: Dict[Text, Any] = {CHECKIN_ANSWER: None, CHECKIN: state}
        if items[0].red_flag and level > 0:
            result.update({TRIAGE_LEVEL: EMERGENCY, SCREEN_FLAG: items[0].red_flag})
        return result


def _arrow(before: int, after: int) -> str:
    return UP if after > before else DOWN if after < before else SAME


def trend_text(scores: Sequence[Mapping[str, Any]]) -> str:
    """Each day's total with an arrow from the day before: "
    "Day 2: 14/30, Day 3: 18/30 ↑"."""
    parts = []
    for index, score in enumerate(scores):
        text = f"Day {score['day']}: {score['total']}/{score['max']}"
        if index:
            text += " " + _arrow(int(scores[index - 1]["total"]), int(score["total"]))
        parts.append(text)
    return ", ".join(parts)


def scores_of(tracker: "Tracker", scale: Optional[str] = None) -> List[Dict[str, Any]]:
    """The recorded daily scores, oldest first (of one scale when given)."""
    value = tracker.get_slot(CHECKIN_SCORES)
    scores = [dict(s) for s in value] if isinstance(value, list) else []
    return [s for s in scores if scale is None or s.get("scale") == scale]


def finish(dispatcher: "CollectingDispatcher", tracker: "Tracker") -> List[EventType]:
    """When the check-in's screen is done: records the day's score (if complete) and
    tells the person their trend. Updates `tracker` too, so the disposition that follows
    in the same call sees today's score."""
    if not in_progress(tracker):
        return []
    state = state_of(tracker)
    state["done"] = True
    events: List[EventType] = [SlotSet(CHECKIN, state)]
    scale = checkin_data().scales.get(str(state.get("scale")))
    answers = list(state.get("answers") or [])
    if scale and len(answers) == len(scale.items):
        record = {
            "day": state.get("day"),
            "date": state.get("date"),
            "scale": scale.key,
            "total": sum(answers),
            "max": scale.maximum,
            "items": {item.item_id: a for item, a in zip(scale.items, answers)},
        }
        scores = [*scores_of(tracker), record]
        events.append(SlotSet(CHECKIN_SCORES, scores))
        scores_of_scale = [s for s in scores if s["scale"] == scale.key]
        if tracker.get_slot(TRIAGE_LEVEL) != EMERGENCY:
            dispatcher.utter_message(
                text=(
                    f"Your {scale.short_name} today: {record['total']}/{scale.maximum}."
                    f" By day: {trend_text(scores_of_scale)}."
                )
            )
    tracker.add_slots(events)
    return events


def worsening(tracker: "Tracker") -> Tuple[Optional[str], List[str]]:
    """A new triage from today's score: the level and why, or (None, []).

    A total that rises after it had been falling, or an item rated Severe that was None
    at every earlier check-in. Only on the day the score was taken.
    """
    state = state_of(tracker)
    scale = checkin_data().scales.get(str(state.get("scale")))
    scores = scores_of(tracker, scale.key if scale else None)
    if not scale or not scores or scores[-1].get("date") != state.get("date"):
        return None, []
    totals = [int(s["total"]) for s in scores]
    reasons = []
    fell_before = any(totals[i] < totals[i - 1] for i in range(1, len(totals) - 1))
    if len(totals) >= 3 and totals[-1] > totals[-2] and fell_before:
        reasons.append(
            f"your {scale.short_name} went up again after it had been falling "
            f"({trend_text(scores)})"
        )
    earlier = scores[:-1]
    new_severe = [
        item.text.lower()
        for item in scale.items
        if earlier
        and scores[-1]["items"].get(item.item_id) == checkin_data().new_symptom_level
        and all(s["items"].get(item.item_id) == 0 for s in earlier)
    ]
    if new_severe:
        reasons.append(
            "new since your earlier check-ins and severe today: "
            + ", ".join(new_severe)
        )
    return (scale.worsening_level, reasons) if reasons else (None, [])


def summary_line(tracker: "Tracker") -> Optional[str]:
    """The latest check-in's day and the trend for the clinician summary, or None.

    The day matters to a clinician reading the summary days later: the "last use"
    line says what the person said on the first day.
    """
    lines = []
    state = state_of(tracker)
    if state.get("day"):
        since = (
            "since stopping" if state.get("from_last_use") else "since first contact"
        )
        lines.append(
            f"• Latest check-in: day {state['day']} {since} ({state.get('date')})"
        )
    for key, scale in checkin_data().scales.items():
        scores = scores_of(tracker, key)
        if scores:
            lines.append(
                f"• Check-in scores, {scale.name} (self-report, 0-{scale.maximum}): "
                f"{trend_text(scores)}"
            )
    return "\n".join(lines) or None


class ActionAskCheckinAnswer(Action):
    """Asks the next item of today's score, with None / Mild / Moderate / Severe."""

    def name(self) -> Text:
        """The action's name in the domain (the form asks `action_ask_<slot>`)."""
        return "action_ask_checkin_answer"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """The item, its number out of the scale's, and the scale's intro first."""
        state = state_of(tracker)
        items = remaining_items(state)
        scale = checkin_data().scales.get(str(state.get("scale")))
        if not items or scale is None:
            return []
        number = len(scale.items) - len(items) + 1
        question = f"{number}/{len(scale.items)} · {items[0].text}?"
        if number == 1:
            question = f"{scale.intro}\n\n{question}"
        dispatcher.utter_message(text=question, buttons=answer_buttons())
        return []

"""How the person's later messages in an escalated conversation are read: help called,
coming or there; a refusal to call; thanks or goodbye; "what do I do now"; the crisis
over or getting worse; and the after-care that fits the sign.

Why a module of its own: these words decide where the conversation stands
(`actions.emergency.stage_of`) and which reply comes next, so they should be read in
one place, from one source (data/dialogue/help_arrived.yml,
data/dialogue/after_care.yml). `actions.emergency` composes the replies from what this
module reads; nothing here writes a reply, and nothing here imports the action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    FrozenSet,
    Mapping,
    Sequence,
    Tuple,
    TypeVar,
)

import yaml

from actions.answers import normalise
from actions.knowledge_base import DOSE_PATTERN
from actions.paths import data_dir

if TYPE_CHECKING:
    from bot.safety.catalogue import RedFlag

HELP_ARRIVED_FILE = ("dialogue", "help_arrived.yml")
AFTER_CARE_FILE = ("dialogue", "after_care.yml")
DEFAULT = "default"
GUARD_WORDS = 4
"""How many words before a match a "should", "if" or "not" undoes it."""
_SENTENCE_BREAK = re.compile(r"[.?!;\n]+")


def load_data(parts: Tuple[str, ...]) -> Dict[str, Any]:
    """A data file as a mapping, or a loud error naming the file."""
    path = data_dir().joinpath(*parts)
    if not path.is_file():
        raise ValueError(f"File '{path}' does not exist.")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"File '{path}' is not a mapping of fields.")
    return document


def data_field(document: Dict[str, Any], parts: Tuple[str, ...], *keys: str) -> Any:
    """`document[keys[0]][keys[1]]...`, or an error naming the file and the field."""
    value: Any = document
    for key in keys:
        if not isinstance(value, dict) or value.get(key) in (None, "", [], {}):
            raise ValueError(
                f"File '{'/'.join(parts)}': field '{'.'.join(keys)}' is missing or "
                "empty."
            )
        value = value[key]
    return value


@lru_cache(maxsize=1)
def help_arrived_document() -> Dict[str, Any]:
    """data/dialogue/help_arrived.yml, loaded once: the words read here and the reply
    texts `actions.emergency` composes from."""
    return load_data(HELP_ARRIVED_FILE)


def _guarded(normalised: str, start: int, guards: FrozenSet[str]) -> bool:
    """Whether a guard word ("should", "if", "not") stands in the few words before
    `start`: the match is then a question, a plan or a denial."""
    before = normalised[:start].split()[-GUARD_WORDS:]
    padded = f" {' '.join(before)} "
    return any(f" {guard} " in padded for guard in guards)


def _said(
    patterns: Sequence["re.Pattern[str]"],
    normalised: str,
    guards: FrozenSet[str] = frozenset(),
) -> bool:
    """Whether any pattern matches `normalised` with no guard word just before it."""
    return any(
        not _guarded(normalised, match.start(), guards)
        for pattern in patterns
        for match in pattern.finditer(normalised)
    )


def _compiled(items: Sequence[Any], where: str) -> Tuple["re.Pattern[str]", ...]:
    patterns = []
    for index, item in enumerate(items):
        try:
            patterns.append(re.compile(str(item)))
        except re.error as error:
            raise ValueError(
                f"{where}[{index}] is not a valid pattern: {error}"
            ) from error
    return tuple(patterns)


def _words(items: Sequence[Any]) -> FrozenSet[str]:
    return frozenset(normalise(str(item)) for item in items or ())


@dataclass(frozen=True)
class HelpWords:
    """The words of data/dialogue/help_arrived.yml, normalised and compiled."""

    said: Tuple["re.Pattern[str]", ...]
    """help is called, coming or there (the `phrases` as whole words, the `patterns`)"""
    not_after: FrozenSet[str]
    question_openers: FrozenSet[str]
    closings: FrozenSet[str]
    closing_intents: FrozenSet[str]
    what_now: Tuple[str, ...]
    what_now_intents: FrozenSet[str]
    refusals: Tuple["re.Pattern[str]", ...]
    past: Tuple[str, ...]
    """words that put a sentence in an earlier time ("last time i went to the er")"""
    not_arranged: Tuple[str, ...]
    """help is not called or not coming ("nobody is coming", "i didnt call anyone")"""
    here: Tuple["re.Pattern[str]", ...]
    """the team is there or has taken them ("paramedics are here", "they took him")"""


@lru_cache(maxsize=1)
def help_words() -> HelpWords:
    """Loaded once; a missing list or a broken pattern names the file and field."""
    document = help_arrived_document()
    where = "/".join(HELP_ARRIVED_FILE)
    phrases = [
        rf"(?<!\S){re.escape(normalise(str(p)))}(?!\S)"
        for p in data_field(document, HELP_ARRIVED_FILE, "phrases")
    ]
    return HelpWords(
        said=_compiled(
            [*phrases, *data_field(document, HELP_ARRIVED_FILE, "patterns")],
            f"File '{where}': patterns",
        ),
        not_after=_words(data_field(document, HELP_ARRIVED_FILE, "not_after")),
        question_openers=_words(
            data_field(document, HELP_ARRIVED_FILE, "question_openers")
        ),
        closings=_words(data_field(document, HELP_ARRIVED_FILE, "closings")),
        closing_intents=frozenset(document.get("closing_intents") or ()),
        what_now=tuple(_words(data_field(document, HELP_ARRIVED_FILE, "what_now"))),
        what_now_intents=frozenset(document.get("what_now_intents") or ()),
        refusals=_compiled(
            data_field(document, HELP_ARRIVED_FILE, "refusals"),
            f"File '{where}': refusals",
        ),
        past=tuple(_words(data_field(document, HELP_ARRIVED_FILE, "past"))),
        here=_compiled(
            data_field(document, HELP_ARRIVED_FILE, "team_here"),
            f"File '{where}': team_here",
        ),
        not_arranged=tuple(
            _words(data_field(document, HELP_ARRIVED_FILE, "not_arranged"))
        ),
    )


def says_help_is_not_coming(text: str) -> bool:
    """Whether the person says nobody was called or is coming ("THERE IS NO TEAM.
    nobody is coming": review 19 was told "until the team takes over" five times)."""
    padded = f" {normalise(text)} "
    return any(f" {phrase} " in padded for phrase in help_words().not_arranged)


def refuses_help(text: str) -> bool:
    """Whether the person says they will not call or go ("im not calling 911")."""
    return _said(help_words().refusals, normalise(text))


def help_is_coming(text: str) -> bool:
    """Whether the person says help was called, is coming or is there ("the ambulance
    is here", "I CALLED THEM", "my wife is driving me", "the paramedics took him").

    Read sentence by sentence: one that opens as a question ("should i take him to
    the er?") or has "should", "if" or "not" just before the words ("i dont know if
    theyre coming") says nothing about help called.
    """
    words = help_words()
    for sentence in _SENTENCE_BREAK.split(text):
        normalised = normalise(sentence)
        if not normalised or normalised.split()[0] in words.question_openers:
            continue
        if any(f" {word} " in f" {normalised} " for word in words.past):
            # "last time i went to the ER they treated me like shit" (review 19).
            continue
        if " if " in f" {normalised} ":
            # "i call 911 if it gets worse?": a plan for later, not help called.
            continue
        if _said(words.said, normalised, words.not_after):
            return True
    return False


def team_is_here(text: str) -> bool:
    """Whether the person says the medical team is with them or has taken them ("the
    paramedics are here", "they took him", "we're at the hospital"): then the waiting
    steps and "before they arrive" are over (session 23's note: "paramedics are here
    now" got "if anything gets worse before they arrive, call 911 again")."""
    return help_is_coming(text) and any(
        _said(help_words().here, normalise(sentence), help_words().not_after)
        for sentence in _SENTENCE_BREAK.split(text)
    )


def says_goodbye(text: str, intent: str = "") -> bool:
    """Whether the message only thanks or says goodbye ("thanks", "ok bye")."""
    words = help_words()
    normalised = normalise(text)
    return normalised in words.closings or (
        intent in words.closing_intents and "?" not in text
    )


def asks_what_now(text: str, intent: str = "") -> bool:
    """Whether the person asks what to do now ("what do i do until they get here")."""
    words = help_words()
    padded = f" {normalise(text)} "
    return intent in words.what_now_intents or any(
        f" {phrase} " in padded for phrase in words.what_now
    )


@dataclass(frozen=True)
class AfterCare:
    """The after-care reply for one sign (data/dialogue/after_care.yml)."""

    lead: str
    steps: Tuple[str, ...]
    watch: str
    source: str
    not_seen: str = ""
    covers: FrozenSet[str] = frozenset()


@dataclass(frozen=True)
class AfterCareWords:
    """data/dialogue/after_care.yml, compiled and checked for doses."""

    seen: Tuple["re.Pattern[str]", ...]
    woke: Tuple["re.Pattern[str]", ...]
    worse: Tuple["re.Pattern[str]", ...]
    worse_not_after: FrozenSet[str]
    call_again_if: Dict[str, str]
    call_again_if_self: Dict[str, str]
    """the same, said to the person it is happening to"""
    replies: Dict[str, AfterCare]
    replies_self: Dict[str, AfterCare]
    """the same, said to the person it happened to"""
    follow_up: str
    answer_topics: Tuple[str, ...]


def after_care_entry(
    entry: Dict[str, Any], parts: Tuple[str, ...], *keys: str
) -> AfterCare:
    """One after-care reply; text that looks like a dose fails loudly."""
    field = data_field(entry, parts, *keys)
    care = AfterCare(
        lead=str(data_field(field, parts, "lead")),
        steps=tuple(str(step) for step in data_field(field, parts, "steps")),
        watch=str(data_field(field, parts, "watch")),
        source=str(data_field(field, parts, "source")),
        not_seen=str(field.get("not_seen") or ""),
        covers=frozenset(str(topic) for topic in field.get("covers") or ()),
    )
    for text in (care.lead, *care.steps, care.watch, care.not_seen):
        if DOSE_PATTERN.search(text):
            raise ValueError(
                f"File '{'/'.join(parts)}': field '{'.'.join(keys)}' looks like it "
                f"gives a dose: {text!r}"
            )
    return care


@lru_cache(maxsize=1)
def after_care_words() -> AfterCareWords:
    """Loaded once; a missing field, broken pattern or dose names the file."""
    document = load_data(AFTER_CARE_FILE)
    where = f"File '{'/'.join(AFTER_CARE_FILE)}'"
    replies = {
        str(sign): after_care_entry(document, AFTER_CARE_FILE, "after_care", sign)
        for sign in data_field(document, AFTER_CARE_FILE, "after_care")
    }
    replies_self = {
        str(sign): after_care_entry(document, AFTER_CARE_FILE, "after_care_self", sign)
        for sign in data_field(document, AFTER_CARE_FILE, "after_care_self")
    }
    for field_name, entries in (
        ("after_care", replies),
        ("after_care_self", replies_self),
    ):
        if DEFAULT not in entries:
            raise ValueError(f"{where}: field '{field_name}.{DEFAULT}' is missing.")
    call_again_if = {
        str(sign): str(text)
        for sign, text in data_field(document, AFTER_CARE_FILE, "call_again_if").items()
    }
    call_again_if_self = {
        str(sign): str(text)
        for sign, text in data_field(
            document, AFTER_CARE_FILE, "call_again_if_self"
        ).items()
    }
    for field_name, by_sign in (
        ("call_again_if", call_again_if),
        ("call_again_if_self", call_again_if_self),
    ):
        if DEFAULT not in by_sign:
            raise ValueError(f"{where}: field '{field_name}.{DEFAULT}' is missing.")
    return AfterCareWords(
        seen=_compiled(
            data_field(document, AFTER_CARE_FILE, "crisis_over", "seen"),
            f"{where}: crisis_over.seen",
        ),
        woke=_compiled(
            data_field(document, AFTER_CARE_FILE, "crisis_over", "woke"),
            f"{where}: crisis_over.woke",
        ),
        worse=_compiled(
            data_field(document, AFTER_CARE_FILE, "worse"), f"{where}: worse"
        ),
        worse_not_after=_words(document.get("worse_not_after") or ()),
        call_again_if=call_again_if,
        call_again_if_self=call_again_if_self,
        replies=replies,
        replies_self=replies_self,
        follow_up=str(data_field(document, AFTER_CARE_FILE, "follow_up")),
        answer_topics=tuple(map(str, document.get("answer_topics") or ())),
    )


def says_worse(text: str) -> bool:
    """Whether the person says it is getting worse or back ("he's gone blue", "the
    pain is back"), not asks about it ("what if he gets worse")."""
    words = after_care_words()
    return _said(words.worse, normalise(text), words.worse_not_after)


def says_seen(text: str) -> bool:
    """Whether the person says a medical team has seen them ("sent home", "been
    checked", "home from the ER", "when he comes home")."""
    return _said(after_care_words().seen, normalise(text)) and not says_worse(text)


def says_crisis_over(text: str) -> bool:
    """Whether the person says the crisis is over: woken up, seen, sent home ("they
    gave him narcan and hes awake now", "she's been seen and sent home"), and nothing
    in the same message says it is getting worse."""
    words = after_care_words()
    normalised = normalise(text)
    return (
        _said(words.seen, normalised) or _said(words.woke, normalised)
    ) and not says_worse(text)


_Entry = TypeVar("_Entry")


def _for_first_sign(flags: Sequence[RedFlag], by_sign: Mapping[str, _Entry]) -> _Entry:
    """The entry of the first sign that has its own, else the `default` one."""
    return next(
        (by_sign[flag.flag_id] for flag in flags if flag.flag_id in by_sign),
        by_sign[DEFAULT],
    )


def call_again_if(flags: Sequence[RedFlag], for_self: bool = False) -> str:
    """When to call again, for the first sign that has its own words; `for_self`:
    said to the person it is happening to ("you feel faint")."""
    words = after_care_words()
    return _for_first_sign(
        flags, words.call_again_if_self if for_self else words.call_again_if
    )


def after_care_for(flags: Sequence[RedFlag], for_self: bool = False) -> AfterCare:
    """The after-care reply for the first sign that has one, else the general one;
    `for_self`: said to the person it happened to."""
    words = after_care_words()
    return _for_first_sign(flags, words.replies_self if for_self else words.replies)

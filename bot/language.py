"""Telling a message in another language from English, and the kind reply to it.

Shared by the screen policy (a message in Spanish is answered in Spanish, not screened
in English) and the fallback action. The word lists and replies are data
(`data/dialogue/languages.yml`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, Optional, Sequence, Tuple

import yaml

ENGLISH = "en"
MIXED_SUFFIX = "+en"
LANGUAGES_FILE = Path("dialogue") / "languages.yml"
_NOT_WORD = re.compile(r"[^\w' ]+")


def normalise(text: str) -> str:
    """Lower case, punctuation and apostrophes dropped, spaces folded, short forms of
    time words written out ("Isn't it?!" -> "isnt it", "3 wks" -> "3 weeks"): how typed
    answers, questions and languages are compared with their word lists."""
    # "Valium + methadone" and "valium & methadone" are two drugs together.
    lowered = text.lower().replace("’", "'").replace("+", " and ")
    lowered = lowered.replace(" & ", " and ")
    lowered = _NOT_WORD.sub(" ", lowered).replace("'", "")
    forms = short_forms()
    return " ".join(forms.get(word, word) for word in lowered.split())


def says_any(text: str, phrases: Iterable[str]) -> bool:
    """Whether `text` holds any of `phrases` as whole words, both normalised."""
    padded = f" {normalise(text)} "
    return any(f" {normalise(phrase)} " in padded for phrase in phrases)


@lru_cache(maxsize=1)
def short_forms() -> Dict[str, str]:
    """`short_forms` of `languages.yml` ("wks" -> "weeks"), loaded once."""
    path = _data_dir() / LANGUAGES_FILE
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in (document.get("short_forms") or {}).items()}


def _data_dir() -> Path:
    """`BOT_DATA_DIR` if set, else the repository's `data/` folder."""
    default = Path(__file__).resolve().parent.parent / "data"
    return Path(os.environ.get("BOT_DATA_DIR", default))


@dataclass(frozen=True)
class Languages:
    """The word lists and replies of `languages.yml`."""

    min_words: int
    english: FrozenSet[str]
    words: Dict[str, FrozenSet[str]]
    marks: Dict[str, Tuple[str, ...]]
    replies: Dict[str, str]
    mixed: Dict[str, str]
    other_reply: str
    again: Dict[str, str]
    """the shorter reply once the full one was said (review 24: "gracias" got the
    whole paragraph again)"""
    thanks_only: FrozenSet[str] = frozenset()
    """thank-yous in other languages, answered as thanks after English messages"""
    crisis: Dict[str, str] = field(default_factory=dict)
    """crisis lines that answer in the language, said beside a suicide crisis reply"""
    emergency_if_no_region: Dict[str, str] = field(default_factory=dict)
    """the emergency number where the language is spoken, for someone who has not
    said where they are: a Polish message told to ring 911 (review 87)"""

    def emergency(self, code: str, emergency: str, region_known: bool) -> str:
        """`emergency` (the person's region's number), or, with no region said, the
        number where language `code` is spoken, when the table has one."""
        if region_known:
            return emergency
        return self.emergency_if_no_region.get(code, emergency)


@lru_cache(maxsize=1)
def languages() -> Languages:
    """Loaded once."""
    path = _data_dir() / LANGUAGES_FILE
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    english = frozenset(normalise(w) for w in document["english"])
    words = {
        code: frozenset(normalise(w) for w in entry["words"]) - english
        for code, entry in document["languages"].items()
    }
    return Languages(
        min_words=int(document["min_words"]),
        english=english - frozenset().union(*words.values()),
        words=words,
        marks={
            c: tuple(e.get("marks") or ()) for c, e in document["languages"].items()
        },
        replies={c: e["reply"] for c, e in document["languages"].items()},
        mixed={c: e["mixed"] for c, e in document["languages"].items()},
        other_reply=str(document["other_reply"]),
        again={c: e["again"] for c, e in document["languages"].items()},
        thanks_only=frozenset(normalise(w) for w in document.get("thanks_only") or ()),
        crisis={
            c: str(e["crisis"])
            for c, e in document["languages"].items()
            if e.get("crisis")
        },
        emergency_if_no_region={
            c: str(e["emergency_if_no_region"])
            for c, e in document["languages"].items()
            if e.get("emergency_if_no_region")
        },
    )


def crisis_line_in_language(
    text: str, emergency: str, region_known: bool = True
) -> Optional[str]:
    """Crisis lines that answer in the language of `text` (alone or mixed with
    English), for the suicide crisis reply; None for English or a language without
    one."""
    code = language_of(text).removesuffix(MIXED_SUFFIX)
    table = languages()
    line = table.crisis.get(code)
    if not line:
        return None
    return line.format(emergency=table.emergency(code, emergency, region_known))


def is_thanks_after_english(text: str, said_before: Sequence[str]) -> bool:
    """Whether `text` is only a thank-you in another language ("dziękuję", "gracias")
    from someone whose earlier messages (`said_before`) were in English: a thank-you,
    not a message to answer with "I only understand English"."""
    plain = " ".join(normalise(text).split())
    if plain not in languages().thanks_only:
        return False
    return any(language_of(earlier) == ENGLISH for earlier in said_before)


def language_of(text: str) -> str:
    """`en`, a language code (`es`), or a mixed one (`es+en`)."""
    table = languages()
    tokens = normalise(text).split()
    english = sum(token in table.english for token in tokens)
    best: Tuple[int, Optional[str]] = (0, None)
    for code, words in table.words.items():
        count = sum(token in words for token in tokens)
        count += sum(mark in text for mark in table.marks.get(code, ()))
        if count > best[0]:
            best = (count, code)
    count, code = best
    # One word is enough for a message of one or two words ("hola", "gracias").
    needed = 1 if len(tokens) <= 2 else table.min_words
    if code is None or count < needed:
        return ENGLISH
    if english >= table.min_words:
        return code + MIXED_SUFFIX if count >= english / 2 else ENGLISH
    return code if count > english else ENGLISH


def is_other_language(text: str) -> bool:
    """Whether the message is in another language only (not mixed with English)."""
    code = language_of(text)
    return code != ENGLISH and not code.endswith(MIXED_SUFFIX)


def is_mixed_language(text: str) -> bool:
    """Whether the message mixes another language with English ("tengo mucho pain en
    la lower back")."""
    return language_of(text).endswith(MIXED_SUFFIX)


def other_language_reply(
    code: str,
    emergency: str,
    said_before: Sequence[str] = (),
    region_known: bool = True,
) -> Optional[str]:
    """The reply for a message in another language, or None for English; the shorter
    one when the full reply is among `said_before` (the bot's texts so far)."""
    table = languages()
    if code == ENGLISH:
        return None
    emergency = table.emergency(
        code.removesuffix(MIXED_SUFFIX), emergency, region_known
    )
    if code.endswith(MIXED_SUFFIX):
        return table.mixed[code[: -len(MIXED_SUFFIX)]].format(emergency=emergency)
    full = table.replies.get(code, table.other_reply).format(emergency=emergency)
    if code in table.again and full in said_before:
        return table.again[code].format(emergency=emergency)
    return full

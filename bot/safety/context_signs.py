"""Emergency signs said over two messages: a fact given earlier in the conversation (a
drug stopped) and a symptom given now.

Why: the lexicon and the encoder read one message at a time. A person on baclofen who
said so in their first message and, five turns later, "I told you I feel a bit
feverish, and my legs are really stiff" was never told to call for help (a review):
fever after stopping baclofen is the catalogue's own emergency, but no single message
held both. The safety policy escalates on these signs, and the emergency reply names
them, through this one function.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from bot.importer import load_project_lexicon
from bot.language import normalise
from bot.paths import data_dir
from bot.safety.detector import RedFlagDetector
from bot.safety.names import EMERGENCY

CONTEXT_FILE = ("safety", "context_signs.yml")


Context = Tuple[str, Tuple[str, ...]]
"""(the words the earlier fact stands for, the trigger words)."""


def _section(document: Dict[str, object], key: str) -> Dict[str, Context]:
    entries = document.get(key) or {}
    assert isinstance(entries, dict), f"{CONTEXT_FILE}: '{key}' must be a mapping"
    return {
        str(name): (
            str(entry["earlier"]),
            tuple(normalise(str(w)) for w in entry.get("when_said") or ()),
        )
        for name, entry in entries.items()
    }


@lru_cache(maxsize=1)
def _document() -> Dict[str, Any]:
    """context_signs.yml, read once."""
    path = data_dir().joinpath(*CONTEXT_FILE)
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


@lru_cache(maxsize=1)
def _contexts() -> Tuple[Dict[str, Context], Dict[str, Context]]:
    """By substance class, and by a same-day sign reported earlier (its id)."""
    document = _document()
    return _section(document, "substance_class"), _section(document, "red_flag")


@lru_cache(maxsize=1)
def _said_before() -> Dict[str, Tuple[Tuple[str, ...], Context]]:
    """By a fact said in an earlier message in words of its own (`said_before`): the
    words that say it, and the context they stand for."""
    document = _document()
    contexts = _section(document, "said_before")
    entries = document.get("said_before") or {}
    return {
        name: (
            tuple(normalise(str(w)) for w in entries[name]["earlier_words"]),
            context,
        )
        for name, context in contexts.items()
    }


def _facts_said(earlier_texts: Sequence[str]) -> List[Context]:
    """The `said_before` contexts whose words an earlier message holds."""
    padded = [f" {normalise(text)} " for text in earlier_texts]
    return [
        context
        for words, context in _said_before().values()
        if any(f" {word} " in text for word in words for text in padded)
    ]


@lru_cache(maxsize=1)
def _detector() -> RedFlagDetector:
    return RedFlagDetector(load_project_lexicon())


_NUMBER = re.compile(r"(?<![\d.,])(\d{2,3}(?:[.,]\d)?)(?![\d])")


@lru_cache(maxsize=1)
def _fever_reading() -> Dict[str, Any]:
    return dict(_document().get("fever_reading") or {})


def with_fever_in_words(text: str) -> str:
    """`text` with each temperature reading that is a fever followed by the words of
    one ("it's 38.3" -> "it's 38.3 i have a fever"): the lexicon knows "fever", not
    numbers. Only numbers in the fever ranges of `context_signs.yml`, in a message
    that speaks of temperature ("I am 38 years old" is no reading)."""
    reading = _fever_reading()
    words = f" {normalise(text)} "
    if not reading or not any(
        f" {word} " in words or (not word.isalnum() and word in text)
        for word in (str(w) for w in reading.get("with_words") or ())
    ):
        return text
    low_c, high_c = float(reading["celsius_from"]), float(reading["celsius_to"])
    low_f, high_f = float(reading["fahrenheit_from"]), float(reading["fahrenheit_to"])

    def said(match: "re.Match[str]") -> str:
        value = float(match.group(1).replace(",", "."))
        if low_c <= value <= high_c or low_f <= value <= high_f:
            return f"{match.group(0)} {reading['said_as']}."
        return match.group(0)

    return _NUMBER.sub(said, text)


def signs_in_context(
    text: str,
    substance_class: Optional[str],
    earlier_flags: Sequence[str] = (),
    earlier_texts: Sequence[str] = (),
) -> List[str]:
    """Emergency signs `text` makes together with what the conversation already knows
    (`substance_class`, the same-day signs reported before: `earlier_flags`, and facts
    said in the person's earlier messages: `earlier_texts`), that `text` alone does
    not."""
    by_class, by_flag = _contexts()
    contexts = [by_class[substance_class]] if substance_class in by_class else []
    contexts += [
        by_flag[flag] for flag in dict.fromkeys(earlier_flags) if flag in by_flag
    ]
    contexts += _facts_said(earlier_texts)
    signs: List[str] = []
    for context in contexts:
        signs += [s for s in _signs_with(text, context) if s not in signs]
    return signs


def _signs_with(text: str, context: Context) -> List[str]:
    """The emergency signs `text` makes after one earlier fact."""
    if not text.strip():
        return []
    text = with_fever_in_words(text)
    earlier, when_said = context
    if not any(f" {word} " in f" {normalise(text)} " for word in when_said):
        return []
    detector = _detector()
    alone = {hit.flag_id for hit in detector.detect(text)}
    # The sign must rest on a trigger word the detector took as said now ("no fever,
    # legs a bit stiff" holds "fever" denied, and stiffness alone is not enough).
    return [
        hit.flag_id
        for hit in detector.detect(f"{earlier} {text}")
        if hit.disposition == EMERGENCY
        and hit.flag_id not in alone
        and any(f" {word} " in f" {normalise(hit.evidence)} " for word in when_said)
    ]

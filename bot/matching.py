"""spaCy phrase matching over the lexicon, tolerant of how people type at 3am.

Why token norms: spaCy's English tokenizer already maps "can't"/"cant" to `can not` and
"won't"/"wont" to `will not` in `Token.norm_`. We add chat slang ("r" -> "are") and a small
spelling repair (one or two edits away from a lexicon word), then match on `NORM`. Character
offsets stay those of the original text, so entities point at what the person wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

CHAT_SLANG: Mapping[str, str] = {
    "m": "am",
    "r": "are",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "b4": "before",
    "ppl": "people",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "n": "and",
    "nd": "and",
    "&": "and",
    "+": "and",
    "thru": "through",
    "wit": "with",
    "wat": "what",
    "wen": "when",
    "cos": "because",
    "nite": "night",
    "tonite": "tonight",
    "ai": "is",
}
_REPEATS = re.compile(r"(.)\1{2,}")
MIN_FUZZY_LENGTH = 5
LONG_WORD_LENGTH = 8


@lru_cache(maxsize=1)
def blank_english() -> "spacy.language.Language":
    """A tokenizer-only English pipeline: no model download, loads in milliseconds."""
    return spacy.blank("en")


def edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """True when the Levenshtein distance of `a` and `b` is at most `limit`."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


class SpellingRepair:
    """Maps a misspelt token onto the one lexicon word it is close to.

    Only words of five letters or more are repaired, and only when exactly one lexicon
    word is near, so "bars" never becomes "bare" and "seizur" becomes "seizure".
    """

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._vocabulary: Set[str] = {w for w in vocabulary if w.isalpha()}
        self._by_length: Dict[int, List[str]] = {}
        for word in self._vocabulary:
            if len(word) >= MIN_FUZZY_LENGTH:
                self._by_length.setdefault(len(word), []).append(word)
        self._cache: Dict[str, str] = {}

    def repair(self, word: str) -> str:
        """The lexicon word `word` was meant to be, or `word` itself."""
        if len(word) < MIN_FUZZY_LENGTH or word in self._vocabulary or not word.isalpha():
            return word
        if word in self._cache:
            return self._cache[word]
        limit = 2 if len(word) >= LONG_WORD_LENGTH else 1
        candidates = {
            candidate
            for length in range(len(word) - limit, len(word) + limit + 1)
            for candidate in self._by_length.get(length, ())
            if edit_distance_at_most(word, candidate, limit)
        }
        repaired = candidates.pop() if len(candidates) == 1 else word
        self._cache[word] = repaired
        return repaired


def base_norm(token_norm: str) -> str:
    """Lower-case norm with chat slang expanded and stretched letters ("sooo") shrunk.

    Slang maps one token to one word, so token positions never shift.
    """
    norm = _REPEATS.sub(r"\1\1", token_norm.lower())
    return CHAT_SLANG.get(norm, norm)


@dataclass(frozen=True)
class TermMatch:
    """One lexicon hit: which label, where in the doc (tokens) and the text (chars)."""

    label: str
    start: int
    end: int
    start_char: int
    end_char: int
    text: str


class TermMatcher:
    """Finds labelled phrases in text, longest match first, without overlaps."""

    def __init__(self, phrases_by_label: Mapping[str, Sequence[str]]) -> None:
        self._nlp = blank_english()
        vocabulary = {
            base_norm(token.norm_)
            for phrases in phrases_by_label.values()
            for phrase in phrases
            for token in self._nlp.make_doc(phrase)
        }
        self._speller = SpellingRepair(w for v in vocabulary for w in v.split())
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="NORM")
        for label, phrases in phrases_by_label.items():
            self._matcher.add(label, [self.make_doc(p) for p in phrases if p.strip()])

    def make_doc(self, text: str) -> Doc:
        """Tokenises `text` and sets each token's norm to its repaired, slang-free form."""
        doc = self._nlp.make_doc(text)
        for token in doc:
            token.norm_ = self._speller.repair(base_norm(token.norm_))
        return doc

    def find(self, doc: Doc, labels: Optional[Set[str]] = None) -> List[TermMatch]:
        """All non-overlapping matches in `doc`, preferring longer ones."""
        spans = []
        for match_id, start, end in self._matcher(doc):
            label = self._nlp.vocab.strings[match_id]
            if labels is None or label in labels:
                spans.append((label, start, end))
        spans.sort(key=lambda s: (-(s[2] - s[1]), s[1]))
        taken: Set[int] = set()
        matches: List[TermMatch] = []
        for label, start, end in spans:
            if taken.intersection(range(start, end)):
                continue
            taken.update(range(start, end))
            span = doc[start:end]
            matches.append(
                TermMatch(label, start, end, span.start_char, span.end_char, span.text)
            )
        return sorted(matches, key=lambda m: m.start)

    def find_all(self, doc: Doc) -> List[TermMatch]:
        """Every match, overlapping ones included (for concepts that may share words)."""
        found = []
        for match_id, start, end in self._matcher(doc):
            span = doc[start:end]
            found.append(
                TermMatch(
                    self._nlp.vocab.strings[match_id],
                    start,
                    end,
                    span.start_char,
                    span.end_char,
                    span.text,
                )
            )
        return sorted(found, key=lambda m: (m.start, -m.end))


def labelled(prefix: str, table: Mapping[str, Sequence[str]]) -> Dict[str, Tuple[str, ...]]:
    """Prefixes each key of a value -> phrases table, e.g. `substance:heroin`."""
    return {f"{prefix}:{key}": tuple(phrases) for key, phrases in table.items()}

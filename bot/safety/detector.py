"""Red-flag detection: lexicon matches, minus what the person denied, asked about or had long ago.

The detector is deliberately rule-based and deterministic. A statistical model may miss a
phrasing it never saw; a lexicon miss is found by the red-flag test set and fixed by adding
the phrase. What makes it safe is the context check around every match:

* negation ("no fever", "haven't had a seizure", "not confused"), NegEx-style: a cue shortly
  before the match in the same clause, or "is fine / normal" right after it;
* questions about a sign rather than reports of it ("what are the signs of a seizure?");
* history ("had a seizure years ago").

When in doubt the detector raises the flag: a clause boundary stops a negation's reach, so
"not confused and my chest hurts" still reports chest pain.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Sequence, Set, Tuple

from spacy.tokens import Doc

from bot.lexicon import (
    BODY_LOCATION,
    CONCEPT,
    RED_FLAG,
    SUBSTANCE,
    SUBSTANCE_CLASS,
    SYMPTOM,
    Lexicon,
)
from bot.matching import TermMatch, TermMatcher

logger = logging.getLogger(__name__)

NEGATION_CUES: FrozenSet[str] = frozenset(
    {"no", "not", "never", "without", "denies", "deny", "nor", "neither", "zero", "none"}
)
NEGATION_WINDOW = 6
POST_NEGATIONS: FrozenSet[str] = frozenset(
    {"fine", "ok", "okay", "normal", "good", "alright", "clear", "gone"}
)
POST_NEGATION_WINDOW = 3
CLAUSE_BREAKS: FrozenSet[str] = frozenset(
    {
        ".", ",", ";", "!", "?", ":", "-", "\n", "but", "and", "though", "although",
        "however", "yet", "except", "because", "just", "now", "then", "also",
        "plus", "only", "while", "still",
    }
)
SENTENCE_BREAKS: FrozenSet[str] = frozenset({".", "!", "?", "\n", ";"})
FILLERS: FrozenSet[str] = frozenset(
    {
        "even", "really", "fucking", "fuckin", "freaking", "literally", "totally",
        "kinda", "sorta", "like", "actually", "seriously", "honestly", "properly",
        "fully", "completely", "super", "real", "very", "so", "too",
    }
)
HYPOTHETICAL_CUES: Tuple[Tuple[str, ...], ...] = tuple(
    tuple(cue.split())
    for cue in (
        "signs of", "sign of", "symptoms of", "symptom of", "what are", "what is",
        "what does", "whats", "how do i know", "how can i tell", "how to tell",
        "how would i know", "how do you know", "can withdrawal cause",
        "could withdrawal cause", "does withdrawal cause", "can it cause",
        "risk of", "risks of", "what if", "in case", "when should i", "when do i",
        "should i worry", "should i be worried", "afraid of having", "scared of having",
        "afraid i will", "scared i will", "worried i will", "worried i might",
        "afraid i might", "scared i might", "chance of", "chances of", "is it possible",
        "tell me about", "look out for", "watch out for", "watch for", "red flags",
        "prevent", "avoid", "could i get", "can i get", "do people get", "can you get",
        "what happens if", "how common", "is it dangerous", "warning signs",
    )
)
HISTORY_CUES: Tuple[Tuple[str, ...], ...] = tuple(
    tuple(cue.split())
    for cue in (
        "years ago", "year ago", "last year", "months ago", "month ago", "in the past",
        "used to", "when i was", "as a kid", "as a teen", "as a teenager", "history of",
        "back in", "long time ago", "long ago", "the first time", "last time i",
        "in high school", "in college", "back then", "previous", "previously",
        "a few years", "couple years", "couple of years", "ages ago",
    )
)


@dataclass(frozen=True)
class RedFlagHit:
    """One red flag found in a message, with the words that raised it."""

    flag_id: str
    disposition: str
    evidence: str
    start_char: int
    end_char: int


@dataclass(frozen=True)
class _Located:
    match: TermMatch
    affirmed: bool
    reason: str


class RedFlagDetector:
    """Finds red flags in one message; build once, call `detect` per message."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._flags = {flag.flag_id: flag for flag in lexicon.red_flags}
        substance_class_terms: Dict[str, List[str]] = {}
        for value, terms in lexicon.substances.items():
            substance_class_terms.setdefault(lexicon.substance_classes[value], []).extend(
                terms
            )
        phrases: Dict[str, Sequence[str]] = {}
        for flag in lexicon.red_flags:
            if flag.phrases:
                phrases[f"{RED_FLAG}:{flag.flag_id}"] = flag.phrases
        phrases.update({f"{CONCEPT}:{k}": v for k, v in lexicon.concepts.items()})
        phrases.update({f"{BODY_LOCATION}:{k}": v for k, v in lexicon.body_locations.items()})
        phrases.update({f"{SYMPTOM}:{k}": v for k, v in lexicon.symptoms.items()})
        phrases.update({f"{SUBSTANCE}:{k}": v for k, v in lexicon.substances.items()})
        phrases.update(
            {f"{SUBSTANCE_CLASS}:{k}": v for k, v in substance_class_terms.items()}
        )
        self._matcher = TermMatcher(phrases)

    def detect(self, text: str) -> List[RedFlagHit]:
        """The red flags `text` reports as happening now, one hit per flag."""
        doc, origin = self._doc_without_fillers(text)
        located = [self._locate(doc, match) for match in self._matcher.find_all(doc)]
        affirmed = [item.match for item in located if item.affirmed]
        for item in located:
            if not item.affirmed:
                logger.debug("Red-flag words '%s' set aside: %s", item.match.text, item.reason)
        present: Set[str] = {self._reference(m.label) for m in affirmed}
        hits: Dict[str, RedFlagHit] = {}
        for match in affirmed:
            kind, _, flag_id = match.label.partition(":")
            if kind == RED_FLAG and flag_id not in hits:
                hits[flag_id] = self._hit(flag_id, [match], origin)
        for flag_id, flag in self._flags.items():
            if flag_id in hits:
                continue
            for combination in flag.combinations:
                if all(reference in present for reference in combination):
                    evidence = [m for m in affirmed if self._reference(m.label) in combination]
                    hits[flag_id] = self._hit(flag_id, evidence, origin)
                    break
        return list(hits.values())

    @staticmethod
    def _reference(label: str) -> str:
        """Matcher label -> the name a combination uses (`concept:fever` -> `fever`)."""
        kind, _, name = label.partition(":")
        return name if kind == CONCEPT else label

    def _hit(
        self, flag_id: str, matches: Sequence[TermMatch], origin: List[Tuple[int, int]]
    ) -> RedFlagHit:
        start = min(origin[m.start][0] for m in matches)
        end = max(origin[m.end - 1][1] for m in matches)
        evidence = " … ".join(dict.fromkeys(m.text for m in matches))
        return RedFlagHit(flag_id, self._flags[flag_id].disposition, evidence, start, end)

    def _doc_without_fillers(self, text: str) -> Tuple[Doc, List[Tuple[int, int]]]:
        """The message as tokens with filler words dropped ("can't even breathe").

        Returns the doc and, per kept token, its character span in the original text.
        """
        full = self._matcher.make_doc(text)
        kept = [t for t in full if t.norm_ not in FILLERS and not t.is_space]
        doc = Doc(full.vocab, words=[t.text for t in kept])
        for token, original in zip(doc, kept):
            token.norm_ = original.norm_
        return doc, [(t.idx, t.idx + len(t.text)) for t in kept]

    def _locate(self, doc: Doc, match: TermMatch) -> _Located:
        norms = [t.norm_ for t in doc]
        clause_start = match.start
        while clause_start > 0 and norms[clause_start - 1] not in CLAUSE_BREAKS:
            clause_start -= 1
        clause_end = match.end
        while clause_end < len(norms) and norms[clause_end] not in CLAUSE_BREAKS:
            clause_end += 1
        before = norms[max(clause_start, match.start - NEGATION_WINDOW) : match.start]
        if NEGATION_CUES.intersection(before):
            return _Located(match, False, "negated")
        after = norms[match.end : min(clause_end, match.end + POST_NEGATION_WINDOW)]
        if POST_NEGATIONS.intersection(after):
            return _Located(match, False, "said to be fine")
        sentence_start = match.start
        while sentence_start > 0 and norms[sentence_start - 1] not in SENTENCE_BREAKS:
            sentence_start -= 1
        if _contains_any(norms[sentence_start : match.start], HYPOTHETICAL_CUES):
            return _Located(match, False, "asked about, not reported")
        if _contains_any(norms[clause_start:clause_end], HISTORY_CUES):
            return _Located(match, False, "in the past")
        return _Located(match, True, "")


def _contains_any(tokens: Sequence[str], cues: Sequence[Tuple[str, ...]]) -> bool:
    for cue in cues:
        width = len(cue)
        for index in range(len(tokens) - width + 1):
            if tuple(tokens[index : index + width]) == cue:
                return True
    return False

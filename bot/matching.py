"""spaCy phrase matching over the lexicon, tolerant of how people type at 3am.

Why token norms: spaCy's English tokenizer already maps "can't"/"cant" to `can not` and
"won't"/"wont" to `will not` in `Token.norm_`. We add chat slang ("r" -> "are") and a
small spelling repair (one or two edits away from a lexicon word), then match on `NORM`.
Character offsets stay those of the original text, so entities point at what the person
wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import (
    Dict,
    FrozenSet,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
)

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
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
LONG_WORD_LENGTH = 10
# A repair lands on a word of six letters or more: five-letter lexicon words are mostly
# everyday words ("clean", "bunch", "place", "walls") that a common word would be
# "repaired" into. These five-letter words of the domain are the exception.
MIN_TARGET_LENGTH = 6
SHORT_REPAIR_TARGETS: FrozenSet[str] = frozenset(
    """
    chest fever blood urine spasm cramp vomit bowel groin thigh ankle heart pulse lungs
    faint dizzy booze vodka xanax benzo glute spine elbow wrist knees
    """.split()
)
# Everyday words that sit one or two edits from a lexicon word and must stay themselves:
# "never" is not "fever", "snakes" not "shakes", "walking" not "waking", "sized" not
# "seized", "later" not "lager", "access" not "abscess" (review 43: "ok rapid access
# clinic, got it. thanks man" got same-day care for an abscess). spaCy's stop words are
# protected as well.
PROTECTED_WORDS: FrozenSet[str] = frozenset(
    """
    access accessed
    acting affected alike alone alter among asking attach aware awoke backed beams
    beans beard bears beast bells bills bitter blame blank blanked blanks block blocked
    blocks blond bloom bonus boxes bowls brake bread breach breadth bring broad brook
    brows bugger bulls burps butter calls carve catches chapped chapter check checked
    checks cheat cheers cheese chess chilly cinder clamp clinical clothing clutching
    coding codes combs comas cones conclusion constant consulting conversion conversions
    convert converted converting cooking coughing crane
    crashing crate crimp dairy doses dozes drugging drugs drunk drying dunes dyeing
    easing eaten excepting failing faster father feeding feeds fewer fighting filling
    filth fitter fitting fiver fleeing flash flood floors flour flush font foods force
    forget forming fresh frost fuels gland glowing grant halving having heading healing
    heals heard hearing hears heating hells hitting hoarse house houses hunting hunts
    hurls immediate
    informed insect insects keeping keeps lacking later layer laser leaving likes linger
    lined liner links liver lives locks looked looking loops loser lover loving lumps
    masks matches meddle messed minute misses missing mowing muddle nerds never nights
    noting otter packs paints paper party passes paused pausing peeking peeling peeping
    pending penned pinged pints pitch pleasure point points poked poking polls pooping
    ports presses pulls raking rarely rating reaching reasons ruining saying scammed
    scoring screaming seeding seeds seeking selling setting shade shame shape share
    shark shave shine shiny shipping shock shoes shopped shout shouting shouts shows
    shirt shorts
    shuts sifting sizing sized skill slimmed slipped slipping slots smell smelling snack
    snake snakes snort soaking sober sores spelling spelt spike spill spiral spite spits
    spitting sport spots stack stall standing stank steep stepped stilt stitches stole
    stooped storing strand straps stream streams stripe stubbing stuff staff supper
    swatting sweep sweeping swept swore taker takes taped tapes tampering taunt tease
    tenth terse thank thick thing thinking thinks thongs threat throes thrown throws
    thump thumps thumping tinder tinkle tangle token torch tough trace trapping trick
    tricks truck trucks tuning twine urged usable value veils vices vines wafer waiter
    walking walls wants weeds weeps whale whine world wound write wording taking number
    continue shitting paint acres burying camps champ crappy stakes grasping barley
    gargling raving flattering sewing sliders steaks heave battle bottles bingo binder
    blender quilting bleeping beefs broker hearth bearing wheeling overdone contusion
    conclusions needless scooting making baking clear bench present prevents leading
    calming stronger states contact contraction contractions sweaty reader thanks
    pulsing
    print prone walks works stick facts flips linked taxes peace plane topic purse lunge
    lunges groan groans grain angle bowed heats brood hearty gluten spines spice spite
    elbows wrists knelt
    medico medicos medica
    """.split()
)


@lru_cache(maxsize=1)
def blank_english() -> "spacy.language.Language":
    """A tokenizer-only English pipeline: no model download, loads in milliseconds."""
    return spacy.blank("en")


def edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """True when `a` and `b` are at most `limit` edits apart.

    An edit is inserting, deleting or changing one letter, or swapping two neighbouring
    letters (optimal string alignment, a restricted Damerau-Levenshtein distance), so
    "siezure" is one edit from "seizure", as a person typing fast would count it.
    """
    if abs(len(a) - len(b)) > limit:
        return False
    before_previous: List[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, before_previous[j - 2] + 1)
            current.append(cost)
        if min(current) > limit and (i == len(a) or min(previous) > limit):
            # A row and the one before it both past the limit: no swap can bring it
            # back.
            return False
        before_previous, previous = previous, current
    return previous[-1] <= limit


class SpellingRepair:
    """Maps a misspelt token onto the one lexicon word it is close to.

    Only words of five letters or more are repaired, only to a word with the same first
    letter (a slip of the finger rarely hits the first letter, and "never" must not
    become "fever"), never an everyday word (`PROTECTED_WORDS`), and only when exactly
    one lexicon word is near, so "bars" never becomes "bare" and "seizur" becomes
    "seizure". Words under ten letters get one edit, longer ones two, and a repair lands
    on a word of six letters or more or on one of `SHORT_REPAIR_TARGETS`.
    """

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._vocabulary: Set[str] = {w for w in vocabulary if w.isalpha()}
        self._by_length: Dict[int, List[str]] = {}
        for word in self._vocabulary:
            if len(word) >= MIN_TARGET_LENGTH or word in SHORT_REPAIR_TARGETS:
                self._by_length.setdefault(len(word), []).append(word)
        self._cache: Dict[str, str] = {}

    def repair(self, word: str) -> str:
        """The lexicon word `word` was meant to be, or `word` itself."""
        if (
            len(word) < MIN_FUZZY_LENGTH
            or word in self._vocabulary
            or word in PROTECTED_WORDS
            or word in STOP_WORDS
            or not word.isalpha()
        ):
            return word
        if word in self._cache:
            return self._cache[word]
        limit = 2 if len(word) >= LONG_WORD_LENGTH else 1
        candidates = {
            candidate
            for length in range(len(word) - limit, len(word) + limit + 1)
            for candidate in self._by_length.get(length, ())
            if candidate[0] == word[0] and edit_distance_at_most(word, candidate, limit)
        }
        repaired = candidates.pop() if len(candidates) == 1 else word
        self._cache[word] = repaired
        return repaired


def lower_same_length(text: str) -> str:
    """Lower case, keeping every character's offset (a character whose lower-case form
    is longer, like "İ", is kept as it is)."""
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def base_norm(token_norm: str) -> str:
    """Lower-case norm with chat slang expanded and stretched letters ("sooo") shrunk.

    Slang maps one token to one word, so token positions never shift.
    """
    norm = _REPEATS.sub(r"\1\1", token_norm.lower())
    return CHAT_SLANG.get(norm, norm)


KEPT_AS_TYPED = frozenset({"did", "had"})
"""Words whose contraction spaCy normalises to another tense: "didnt" is `do not`
and "hadnt" `have not`, while "did not" stays `did not` (review 49: "shaking all over
... and didn't answer me" missed every lexicon phrase written "did not ...")."""


def _norm_of(token: "spacy.tokens.Token") -> str:
    """The token's norm, or its text for `KEPT_AS_TYPED`."""
    return token.lower_ if token.lower_ in KEPT_AS_TYPED else token.norm_


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
        """Tokenises `text` and sets each token's norm to its repaired, slang-free
        form.

        The text is lower-cased first: spaCy's tokenizer exceptions that split "cant"
        into `can not` are case-sensitive, so "CANT BREATHE" would otherwise not match.
        """
        doc = self._nlp.make_doc(lower_same_length(text))
        for token in doc:
            token.norm_ = self._speller.repair(base_norm(_norm_of(token)))
        return doc

    def repaired(self, text: str) -> str:
        """`text` with chat slang spelled out and misspellings of lexicon words
        repaired, each other word as typed; "" when there was nothing to repair."""
        doc = self._nlp.make_doc(lower_same_length(text))
        changed = False
        pieces: List[str] = []
        for token in doc:
            word = token.text
            base = base_norm(_norm_of(token))
            fixed = self._speller.repair(base)
            # Slang is a word of its own: the "m" of "im" is not "am".
            attached = token.i > 0 and not doc[token.i - 1].whitespace_
            if fixed != base or (token.lower_ in CHAT_SLANG and not attached):
                word, changed = fixed, True
            pieces.append(word + token.whitespace_)
        return "".join(pieces) if changed else ""

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
        """Every match, overlapping ones included (for concepts that may share
        words)."""
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


def labelled(
    prefix: str, table: Mapping[str, Sequence[str]]
) -> Dict[str, Tuple[str, ...]]:
    """Prefixes each key of a value -> phrases table, e.g. `substance:heroin`."""
    return {f"{prefix}:{key}": tuple(phrases) for key, phrases in table.items()}

"""Red-flag detection: lexicon matches, minus what the person denied, asked about or had
long ago.

The detector is deliberately rule-based and deterministic. A statistical model may miss
a phrasing it never saw; a lexicon miss is found by the red-flag test set and fixed by
adding the phrase. What makes it safe is the context check around every match:

* negation ("no fever", "haven't had a seizure", "not confused"), NegEx-style: a cue
  shortly before the match in the same clause, or "is fine / normal" right after it. A
  cue that is part of a sign ("can't feel", "not breathing", "won't wake up") negates
  nothing else, a pseudo-negation ("not sure", "can't stop") negates nothing, and a new
  subject ("I", "he") ends a cue's reach, so "if this doesn't stop I'm going to hang
  myself" is a report;
* questions about a sign rather than reports of it ("what are the signs of a seizure?",
  "can benzo withdrawal cause hallucinations"), unless the question carries its own
  report ("is it normal that my chest hurts", "what do I do, my friend is not
  breathing");
* history ("had a seizure years ago", "overdosed once in 2019", "in my twenties").

When in doubt the detector raises the flag: a clause boundary stops a negation's reach,
so "not confused and my chest hurts" still reports chest pain. A mentioned substance is
never negated ("no booze for 3 days" still says which substance was stopped), and
phrases listed under the `not_a_sign` concept ("dark yellow", "overdose prevention")
hide the sign words inside them.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

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
from bot.safety.context_cues import project_cues

CUES = project_cues()
ASKED_ABOUT = "asked about, not reported"
"""Why a sign's words were set aside when a question wraps them ("is it normal to get
breathless?"): unlike a denial or a past event, often said by someone who has it."""
NEGATED = "negated"
"""Why a sign's words were set aside when a negation governs them ("no chest pain")."""
logger = logging.getLogger(__name__)

NOT_A_SIGN = "not_a_sign"
"""The concept whose phrases hide the sign words inside them ("dark yellow" pee)."""
NEARBY = "nearby"
"""A marker in a combination: its other parts must stand within `NEAR_SPAN` tokens of
one another in one sentence ("breathing is shallow", not "breathing fine, stairs are
hard")."""
NEAR_SPAN = 12
MAX_REACH = 40
"""How far (in words) a cue may stand from the sign it qualifies, however long the
sentence."""

NEGATION_CUES: FrozenSet[str] = CUES.words("negation_cues")
NEGATION_WINDOW = 6
NEGATION_TERMINATORS: FrozenSet[str] = CUES.words("negation_terminators")
PSEUDO_NEGATIONS: Tuple[Tuple[str, ...], ...] = CUES.phrases("pseudo_negations")
POST_NEGATIONS: FrozenSet[str] = CUES.words("post_negations")
POST_NEGATION_WINDOW = 3
POST_NEGATIONS_NEEDING_END: FrozenSet[str] = CUES.words("post_negations_needing_end")
ANSWER_NOS: FrozenSet[str] = CUES.words("answer_nos")
ANSWER_NO_ENDS = frozenset({".", ",", ";"})
POST_NEGATION_FOLLOWERS: FrozenSet[str] = CUES.words("post_negation_followers")
CLAUSE_BREAKS: FrozenSet[str] = CUES.words("clause_breaks")
SENTENCE_BREAKS: FrozenSet[str] = CUES.words("sentence_breaks")
FILLERS: FrozenSet[str] = CUES.words("fillers")
ADVICE_QUESTIONS: Tuple[Tuple[str, ...], ...] = CUES.phrases("advice_questions")
NOT_YET_WORDS: FrozenSet[str] = CUES.words("not_yet_words")
HYPOTHETICAL_CUES: Tuple[Tuple[str, ...], ...] = CUES.phrases("hypothetical_cues")
HAPPENING_NOW: FrozenSet[str] = CUES.words("happening_now")
QUESTION_OPENERS: FrozenSet[str] = CUES.words("question_openers")
RHETORICAL_QUESTIONS: Tuple[Tuple[str, ...], ...] = CUES.phrases("rhetorical_questions")
REPORT_SUBJECTS: FrozenSet[str] = CUES.words("report_subjects")
QUESTION_AUXILIARIES: FrozenSet[str] = CUES.words("question_auxiliaries")
CONDITIONALS: FrozenSet[str] = CUES.words("conditionals")
POSSIBILITY_MODALS: FrozenSet[str] = CUES.words("possibility_modals")
POSSIBILITY_VERBS: FrozenSet[str] = CUES.words("possibility_verbs")
HISTORY_CUES: Tuple[Tuple[str, ...], ...] = CUES.phrases("history_cues")
RECENT_UNITS: FrozenSet[str] = CUES.words("recent_units")
LIFE_STAGE_AFTER_WHEN: Tuple[Tuple[str, ...], ...] = CUES.phrases(
    "life_stage_after_when"
)
LIKE_BEFORE: Tuple[Tuple[str, ...], ...] = CUES.phrases("like_before")
RESOLVED_CUES: Tuple[Tuple[str, ...], ...] = CUES.phrases("resolved_cues")
NOT_NOW_CUES: Tuple[Tuple[str, ...], ...] = CUES.phrases("not_now_cues")
LIKE_KEPT_BEFORE: FrozenSet[str] = CUES.words("like_kept_before")
WHEN_WAS: Tuple[Tuple[str, ...], ...] = CUES.phrases("when_was")
# "in 2019", "in my 20s", "in his 50s", "that was 2016" (a year that is not "since
# 2019").
_YEAR = re.compile(r"^(19[5-9]\d|20[0-4]\d)$")
_DECADE = re.compile(r"^(\d0s|\d0's|teens|twenties|thirties|forties|fifties|sixties)$")
_ONCE_NOT_BEFORE: FrozenSet[str] = CUES.words("once_not_before")
_ONCE_NOT_AFTER: FrozenSet[str] = CUES.words("once_not_after")
# "had a seizure years ago and another one today": the old event does not hide the new
# one.
_RECURRENCE = re.compile(
    r"\b(again|another|it s back|it is back|its back|is back|are back|came back|"
    r"coming back|has come back)\b.*\b(now|today|tonight|this morning|this afternoon|"
    r"this evening|just)\b|\b(now|today|tonight|just)\b.*\b(again|another|it s back|"
    r"it is back|its back|is back|are back|came back|coming back|has come back)\b"
)


@dataclass(frozen=True)
class RedFlagHit:
    """One red flag found in a message, with the words that raised it."""

    flag_id: str
    disposition: str
    evidence: str
    start_char: int
    end_char: int


# "i literally said his breathing is fine" (review 48: an overdose heard by meaning,
# with "breathing" as its word): a sign's word said to be fine is no evidence for it.
SAID_TO_BE_FINE_AFTER = re.compile(
    r"^\s*((s|is|are|was|seems?|looks?|feels?|sounds?|has been|have been)\s+)?"
    r"((totally|completely|perfectly|absolutely|all)\s+)?"
    r"(fine|ok|okay|normal|good|alright|all right)\b(?!\s*\?)"
)


@dataclass(frozen=True)
class Analysis:
    """What the detector made of one message."""

    hits: List[RedFlagHit]
    set_aside: Dict[str, str]
    """Flag id -> why its words did not count (negated, a question, history)."""
    repaired_text: str = ""
    """The text with chat slang spelled out and misspelt lexicon words repaired
    ("cnt brethe" -> "can not breathe"), or "" when nothing changed."""
    concepts: FrozenSet[str] = frozenset()
    """The catalogue's concepts whose words the message holds, affirmed or not
    ("urine" for "my pee"), and the drugs it names as `substance:<value>`: the
    semantic layer asks before escalating a sign it hears without them (config
    `clear_needs_concept`)."""


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
            substance_class_terms.setdefault(
                lexicon.substance_classes[value], []
            ).extend(terms)
        phrases: Dict[str, Sequence[str]] = {}
        for flag in lexicon.red_flags:
            if flag.phrases:
                phrases[f"{RED_FLAG}:{flag.flag_id}"] = flag.phrases
        phrases.update({f"{CONCEPT}:{k}": v for k, v in lexicon.concepts.items()})
        phrases.update(
            {f"{BODY_LOCATION}:{k}": v for k, v in lexicon.body_locations.items()}
        )
        phrases.update({f"{SYMPTOM}:{k}": v for k, v in lexicon.symptoms.items()})
        phrases.update({f"{SUBSTANCE}:{k}": v for k, v in lexicon.substances.items()})
        phrases.update(
            {f"{SUBSTANCE_CLASS}:{k}": v for k, v in substance_class_terms.items()}
        )
        self._matcher = TermMatcher(
            {label: _without_fillers(terms) for label, terms in phrases.items()}
        )

    def detect(self, text: str) -> List[RedFlagHit]:
        """The red flags `text` reports as happening now, one hit per flag."""
        return self.analyse(text).hits

    def analyse(self, text: str) -> "Analysis":
        """The flags reported now, and the flags whose words were there but set aside
        (denied, asked about or in the past), with the reason.

        The semantic layer reads the second part: a sign it hears in words the lexicon
        knows to be denied or asked about is asked about, not escalated at once.
        """
        doc, origin = self._doc_without_fillers(text)
        found = self._matcher.find_all(doc)
        hidden = self._hidden_tokens(found)
        markers = {f"{CONCEPT}:{NOT_A_SIGN}", f"{CONCEPT}:{NEARBY}"}
        found = [
            m
            for m in found
            if m.label not in markers and not hidden.intersection(range(m.start, m.end))
        ]
        found = self._without_inner_signs(found)
        context = _Context(doc, found)
        located = [context.locate(match) for match in found]
        affirmed = [item.match for item in located if item.affirmed]
        for item in located:
            if not item.affirmed:
                logger.debug(
                    "Red-flag words '%s' set aside: %s", item.match.text, item.reason
                )
        hits = self._flags_in(affirmed, context, origin)
        everything = self._flags_in([item.match for item in located], context, origin)
        reasons = [item.reason for item in located if not item.affirmed]
        set_aside = {
            flag_id: (reasons[0] if reasons else "set aside")
            for flag_id in everything
            if flag_id not in hits
        }
        concepts = frozenset(
            m.label.partition(":")[2]
            for m in found
            if m.label.startswith(f"{CONCEPT}:")
            and not SAID_TO_BE_FINE_AFTER.match(doc[m.end :].text.lower())
        ) | frozenset(m.label for m in found if m.label.startswith(f"{SUBSTANCE}:"))
        return Analysis(list(hits.values()), set_aside, self.repaired(text), concepts)

    def repaired(self, text: str) -> str:
        """`text` as the lexicon reads it: slang spelled out, misspellings of its
        words repaired; "" when that changes nothing but case.

        Why: the semantic layer's encoder splits a misspelt word into pieces it has
        never seen together ("suicidel", "brethe"); it also judges this reading.
        """
        return self._matcher.repaired(text)

    def _flags_in(
        self,
        matches: Sequence[TermMatch],
        context: "_Context",
        origin: List[Tuple[int, int]],
    ) -> Dict[str, RedFlagHit]:
        """The flags that `matches` make up, by phrase or by combination."""
        present: Set[str] = {self._reference(m.label) for m in matches}
        hits: Dict[str, RedFlagHit] = {}
        for match in matches:
            kind, _, flag_id = match.label.partition(":")
            if kind == RED_FLAG and flag_id not in hits:
                hits[flag_id] = self._hit(flag_id, [match], origin)
        for flag_id, flag in self._flags.items():
            if flag_id in hits:
                continue
            for combination in flag.combinations:
                evidence = self._combination_evidence(
                    combination, matches, present, context
                )
                if evidence:
                    hits[flag_id] = self._hit(flag_id, evidence, origin)
                    break
        return hits

    def _combination_evidence(
        self,
        combination: Sequence[str],
        affirmed: Sequence[TermMatch],
        present: Set[str],
        context: "_Context",
    ) -> List[TermMatch]:
        """The matches that make up `combination`, or [] when it is not all there."""
        parts = [reference for reference in combination if reference != NEARBY]
        if not all(reference in present for reference in parts):
            return []
        if len(parts) == len(combination):
            return [m for m in affirmed if self._reference(m.label) in parts]
        candidates = [
            [m for m in affirmed if self._reference(m.label) == reference]
            for reference in parts
        ]
        for anchor in candidates[0]:
            close = [
                [m for m in others if abs(m.start - anchor.start) <= NEAR_SPAN]
                for others in candidates[1:]
            ]
            for rest in itertools.product(*close):
                choice = (anchor, *rest)
                start = min(m.start for m in choice)
                end = max(m.end for m in choice)
                if end - start <= NEAR_SPAN and not context.sentence_break_between(
                    start, end
                ):
                    return list(choice)
        return []

    @staticmethod
    def _without_inner_signs(found: Sequence[TermMatch]) -> List[TermMatch]:
        """`found` without a sign's phrase that lies inside a longer phrase of another
        sign: "I think about not waking up" is a thought of suicide, not the overdose
        that "not waking up" alone reports (review 16: the overdose question to it).
        An act said in other words ("took an overdose on purpose") the semantic layer
        still hears."""
        signs = [m for m in found if m.label.startswith(f"{RED_FLAG}:")]
        return [
            m
            for m in found
            if not any(
                other.label != m.label
                and other.start <= m.start
                and m.end <= other.end
                and other.end - other.start > m.end - m.start
                for other in signs
            )
            or not m.label.startswith(f"{RED_FLAG}:")
        ]

    @staticmethod
    def _hidden_tokens(found: Sequence[TermMatch]) -> Set[int]:
        """Token positions covered by a `not_a_sign` phrase ("dark yellow")."""
        hidden: Set[int] = set()
        for match in found:
            if match.label == f"{CONCEPT}:{NOT_A_SIGN}":
                hidden.update(range(match.start, match.end))
        return hidden

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
        return RedFlagHit(
            flag_id, self._flags[flag_id].disposition, evidence, start, end
        )

    def _doc_without_fillers(self, text: str) -> Tuple[Doc, List[Tuple[int, int]]]:
        """The message as tokens with filler words dropped ("can't even breathe").

        Returns the doc and, per kept token, its character span in the original text.
        """
        full = self._matcher.make_doc(text)
        kept = [
            t
            for i, t in enumerate(full)
            if not t.is_space
            and (t.norm_ not in FILLERS or (t.norm_ == "like" and _compares(full, i)))
        ]
        doc = Doc(full.vocab, words=[t.text for t in kept])
        for token, original in zip(doc, kept):
            token.norm_ = original.norm_
        return doc, [(t.idx, t.idx + len(t.text)) for t in kept]


class _Context:
    """The context checks for every match in one message."""

    def __init__(self, doc: Doc, found: Sequence[TermMatch]) -> None:
        self.norms = [t.norm_ for t in doc]
        # Negation words inside a sign ("can't feel", "not breathing", "won't wake up")
        # deny nothing about the places and things around them: "can't feel my butt" is
        # numbness OF the butt. They still deny a sign word ("don't feel confused").
        self.shielding: Set[int] = set()
        # Matches whose own words hold a negation cue ("can't breathe"): a shorter
        # match inside one ("breathe", a part of "swollen leg + breathless") takes the
        # cue as part of that sign, not as a denial.
        self.negated_phrases: List[Tuple[int, int]] = []
        for match in found:
            if NEGATION_CUES.intersection(self.norms[match.start : match.end]):
                self.shielding.update(range(match.start, match.end))
                self.negated_phrases.append((match.start, match.end))
        sign_tokens = {
            index
            for m in found
            if m.label.partition(":")[0] in (RED_FLAG, SYMPTOM)
            for index in range(m.start, m.end)
        }
        self.signs: Set[Tuple[int, int]] = {
            (m.start, m.end)
            for m in found
            if sign_tokens.intersection(range(m.start, m.end))
        }
        symptom_tokens = {
            index
            for m in found
            if m.label.partition(":")[0] == SYMPTOM
            for index in range(m.start, m.end)
        }
        self.sensations: Set[Tuple[int, int]] = {
            (m.start, m.end)
            for m in found
            if m.label.partition(":")[0] in (SYMPTOM, CONCEPT)
            and symptom_tokens.intersection(range(m.start, m.end))
        }
        # A pseudo-negation ("not sure", "can't stop") denies nothing at all, and
        # neither does "no" before a subject: "no, he isn't breathing" / "no i havent
        # peed" answers the question asked.
        self.inert: Set[int] = set()
        for start, end in _find_all(self.norms, PSEUDO_NEGATIONS):
            self.inert.update(range(start, end))
        for index, norm in enumerate(self.norms[:-1]):
            following = self.norms[index + 1]
            if norm in {"no", "nope", "nah"} and (
                following in REPORT_SUBJECTS or following in {",", "."}
            ):
                self.inert.add(index)
        # "what's the point", "why bother": said, not asked.
        self.rhetorical: Set[int] = {
            start for start, _ in _find_all(self.norms, RHETORICAL_QUESTIONS)
        }

    def locate(self, match: TermMatch) -> _Located:
        """Whether `match` is reported as happening now, and if not, why not."""
        norms = self.norms
        kind = match.label.partition(":")[0]
        # A run-on message without stops is read in stretches of `MAX_REACH` words.
        first = max(0, match.start - MAX_REACH)
        last = min(len(norms), match.end + MAX_REACH)
        clause_start = match.start
        while clause_start > first and norms[clause_start - 1] not in CLAUSE_BREAKS:
            clause_start -= 1
        clause_end = match.end
        while clause_end < last and norms[clause_end] not in CLAUSE_BREAKS:
            clause_end += 1
        sentence_start = match.start
        while (
            sentence_start > first and norms[sentence_start - 1] not in SENTENCE_BREAKS
        ):
            sentence_start -= 1
        sentence_end = match.end
        while sentence_end < last and norms[sentence_end] not in SENTENCE_BREAKS:
            sentence_end += 1
        if kind not in (SUBSTANCE, SUBSTANCE_CLASS) and self._negated(
            match, clause_start
        ):
            return _Located(match, False, NEGATED)
        is_question = sentence_end < len(norms) and norms[sentence_end] == "?"
        if not is_question and self._said_to_be_fine(match, clause_end):
            return _Located(match, False, "said to be fine")
        if self._answered_no(match):
            return _Located(match, False, NEGATED)
        if self._asked_about(match, sentence_start):
            return _Located(match, False, ASKED_ABOUT)
        if self._in_the_past(match, clause_start, clause_end, sentence_end):
            return _Located(match, False, "in the past")
        if (match.start, match.end) in self.sensations and _contains_any(
            norms[match.end : sentence_end], RESOLVED_CUES
        ):
            return _Located(match, False, "passed off")
        if _contains_any(norms[match.end : sentence_end], NOT_NOW_CUES):
            return _Located(match, False, "not now")
        return _Located(match, True, "")

    def sentence_break_between(self, start: int, end: int) -> bool:
        """Whether a sentence ends somewhere inside norms[start:end]."""
        return bool(SENTENCE_BREAKS.intersection(self.norms[start:end]))

    def _negated(self, match: TermMatch, clause_start: int) -> bool:
        window_start = max(clause_start, match.start - NEGATION_WINDOW)
        is_sign = (match.start, match.end) in self.signs
        for index in range(match.start - 1, window_start - 1, -1):
            norm = self.norms[index]
            if norm in NEGATION_TERMINATORS:
                return False
            if norm not in NEGATION_CUES or index in self.inert:
                continue
            if index in self.shielding and not is_sign:
                continue
            if self._cue_inside_a_longer_sign(index, match):
                continue
            return True
        return False

    def _cue_inside_a_longer_sign(self, index: int, match: TermMatch) -> bool:
        """Whether the cue at `index` and `match` both lie inside one longer match
        that holds the cue ("can't breathe" around "breathe")."""
        return any(
            start <= index
            and match.end <= end
            and end - start > match.end - match.start
            for start, end in self.negated_phrases
        )

    def _answered_no(self, match: TermMatch) -> bool:
        """A bare no straight after the sign that ends its clause ("numbness between
        legs no. swollen no"): the sign is denied, as on a checklist."""
        norms = self.norms
        if match.end >= len(norms) or norms[match.end] not in ANSWER_NOS:
            return False
        following = norms[match.end + 1] if match.end + 1 < len(norms) else None
        if following is not None and following not in ANSWER_NO_ENDS:
            return False  # "no!", "no no no", "no better"
        return not NEGATION_CUES.intersection(norms[match.start : match.end])

    def _said_to_be_fine(self, match: TermMatch, clause_end: int) -> bool:
        norms = self.norms
        for index in range(
            match.end, min(clause_end, match.end + POST_NEGATION_WINDOW)
        ):
            norm = norms[index]
            if norm not in POST_NEGATIONS:
                continue
            if index > 0 and norms[index - 1] in NEGATION_CUES:
                return False  # "not ok", "not normal"
            if {"that", "this", "it", "if"}.intersection(norms[match.end : index]):
                return False  # "my chest hurts, is that normal"
            following = norms[index + 1] if index + 1 < len(norms) else None
            if norm in POST_NEGATIONS_NEEDING_END and not (
                following is None
                or following in CLAUSE_BREAKS
                or following in POST_NEGATION_FOLLOWERS
            ):
                return False  # "gone numb", "clear fluid"
            return True
        return False

    def _asked_about(self, match: TermMatch, sentence_start: int) -> bool:
        norms = self.norms
        if self._conditional_question(match, sentence_start):
            return True
        # The sign's own words count too: "why can't I breathe" names who cannot.
        cue_end = _last_cue_end(norms[sentence_start : match.start], HYPOTHETICAL_CUES)
        if cue_end is not None:
            between_start = sentence_start + cue_end
            sentence_end = match.end
            while (
                sentence_end < len(norms) and norms[sentence_end] not in SENTENCE_BREAKS
            ):
                sentence_end += 1
            if HAPPENING_NOW & set(norms[between_start:sentence_end]):
                return False  # "what do i do if he's having a seizure right now"
            return not self._carries_report(between_start, match.end, strong=True)
        opener = self._question_opener(sentence_start, match.start)
        if opener is None:
            return False
        return not self._carries_report(opener + 1, match.end, strong=False)

    def _conditional_question(self, match: TermMatch, sentence_start: int) -> bool:
        """A sign inside an "if" that a question hangs on: "if he starts seeing things
        should I call an ambulance?", "what do I do if she starts struggling to
        breathe?". Not "if this doesn't stop I'm going to hang myself" (no question)
        nor "is it normal if my chest hurts this bad?" (nothing that has not happened
        yet: the sign is reported)."""
        norms = self.norms
        sentence_end = match.end
        while sentence_end < len(norms) and norms[sentence_end] not in SENTENCE_BREAKS:
            sentence_end += 1
        before = norms[sentence_start : match.start]
        if "if" not in before:
            return False
        conditional = norms[sentence_start + before.index("if") : sentence_end]
        asks = (
            sentence_end < len(norms) and norms[sentence_end] == "?"
        ) or _contains_any(norms[sentence_start:sentence_end], ADVICE_QUESTIONS)
        return asks and bool(set(conditional) & NOT_YET_WORDS)

    def _question_opener(self, sentence_start: int, match_start: int) -> Optional[int]:
        """Where the question word stands, if the sentence (or a part after a comma)
        asks."""
        norms = self.norms
        starts = [sentence_start] + [
            i + 1 for i in range(sentence_start, match_start) if norms[i] == ","
        ]
        # "and do i need narcan": a word that joins it to what came before leaves it a
        # question (review 13: a man asking what to know before using after two weeks
        # clean got the overdose reply).
        starts = [
            start + 1
            if start + 1 < match_start and norms[start] in QUESTION_LEAD_INS
            else start
            for start in starts
        ]
        for start in starts:
            if start >= match_start or norms[start] not in QUESTION_OPENERS:
                continue
            if start in self.rhetorical:
                continue
            if start + 1 < len(norms) and norms[start + 1] in NEGATION_CUES:
                continue  # "can't breathe", "doesn't wake up": statements
            return start
        return None

    def _carries_report(self, start: int, end: int, strong: bool) -> bool:
        """Whether norms[start:end] says who has the sign ("is it normal that MY
        chest…").

        "I" right after an auxiliary asks ("should I call", "how do I use"), "you" is
        anyone, and after a knowledge question ("how do I know IF my pee is too dark") a
        conditional keeps it a question.
        """
        norms = self.norms
        for index in range(start, end):
            norm = norms[index]
            if norm not in REPORT_SUBJECTS:
                continue
            previous = norms[index - 1] if index > 0 else ""
            following = norms[index + 1] if index + 1 < len(norms) else ""
            asks = previous in QUESTION_AUXILIARIES and following not in {"be", "am"}
            if norm == "i" and asks:
                continue
            if previous in POSSIBILITY_MODALS and following in POSSIBILITY_VERBS:
                continue  # "can he have a seizure from this?" asks what may happen
            if strong and previous in CONDITIONALS:
                continue
            return True
        return False

    def _in_the_past(
        self, match: TermMatch, clause_start: int, clause_end: int, sentence_end: int
    ) -> bool:
        norms = self.norms
        scope = list(norms[clause_start:clause_end])
        # ", long time ago" / ", years ago": a trailing time phrase dates the clause
        # before it.
        if clause_end < len(norms) and norms[clause_end] == ",":
            next_end = clause_end + 1
            while next_end < len(norms) and norms[next_end] not in CLAUSE_BREAKS:
                next_end += 1
            trailing = norms[clause_end + 1 : next_end]
            if trailing and _starts_with_any(
                trailing, HISTORY_CUES + (("that", "was"),)
            ):
                scope += trailing
        sentence_text = " ".join(norms[match.end : sentence_end])
        if _RECURRENCE.search(sentence_text) or _contains_any(scope, LIKE_BEFORE):
            return False
        for _start, end in _find_all(scope, HISTORY_CUES):
            if end < len(scope) and scope[end] in RECENT_UNITS:
                continue  # "in the past hour"
            if (
                end + 1 < len(scope)
                and scope[end + 1] in RECENT_UNITS
                and scope[end] in {"few", "couple", "24", "48"}
            ):
                continue
            return True
        for _start, end in _find_all(scope, WHEN_WAS):
            after = scope[end:]
            if after and (
                after[0].isdigit() or _starts_with_any(after, LIFE_STAGE_AFTER_WHEN)
            ):
                return True
        for index, norm in enumerate(scope):
            previous = scope[index - 1] if index > 0 else ""
            following = scope[index + 1] if index + 1 < len(scope) else ""
            if _YEAR.match(norm) and previous not in {"since", "til", "until"}:
                return True
            if _DECADE.match(norm) and previous in {"my", "his", "her", "their", "the"}:
                return True
            if (
                norm == "once"
                and previous not in _ONCE_NOT_BEFORE
                and following not in _ONCE_NOT_AFTER
            ):
                return True
        return False


def _compares(doc: Doc, index: int) -> bool:
    """Whether the "like" at `index` compares with the past ("like last time")."""
    following = [t.norm_ for t in doc[index + 1 : index + 3]]
    return bool(following) and (
        following[0] in LIKE_KEPT_BEFORE or following == ["the", "last"]
    )


def _without_fillers(phrases: Sequence[str]) -> List[str]:
    """Phrases as the detector sees messages: "breathing very slow" -> "breathing
    slow"."""
    kept = []
    for phrase in phrases:
        words = [w for w in phrase.split() if w.lower() not in FILLERS]
        # Never let a phrase shrink to a bare negation or to nothing.
        if not words or (len(words) == 1 and words[0].lower() in NEGATION_CUES):
            words = phrase.split()
        kept.append(" ".join(words))
    return [p for p in dict.fromkeys(kept) if p]


def _find_all(
    tokens: Sequence[str], cues: Tuple[Tuple[str, ...], ...]
) -> List[Tuple[int, int]]:
    """Every (start, end) where one of `cues` stands in `tokens`."""
    by_first = _first_token_index(cues)
    spans = []
    for index, token in enumerate(tokens):
        for cue in by_first.get(token, ()):
            if tuple(tokens[index : index + len(cue)]) == cue:
                spans.append((index, index + len(cue)))
    return spans


@functools.cache
def _first_token_index(
    cues: Tuple[Tuple[str, ...], ...],
) -> Dict[str, List[Tuple[str, ...]]]:
    """The cues of one list grouped by their first word, built once per list."""
    index: Dict[str, List[Tuple[str, ...]]] = {}
    for cue in cues:
        index.setdefault(cue[0], []).append(cue)
    return index


QUESTION_LEAD_INS = frozenset(
    {"and", "but", "so", "also", "plus", "ok", "okay", "oh", "wait", "hey", "um", "umm"}
    | {"uh", "hmm", "btw", "sorry", "then"}
)
"""Words before a question word that leave it a question ("and do i need narcan"; review
51: "wait can stopping gaba cause seizures??" got the 911 reply)."""


def _last_cue_end(
    tokens: Sequence[str], cues: Tuple[Tuple[str, ...], ...]
) -> Optional[int]:
    spans = _find_all(tokens, cues)
    return max(end for _, end in spans) if spans else None


def _contains_any(tokens: Sequence[str], cues: Tuple[Tuple[str, ...], ...]) -> bool:
    return bool(_find_all(tokens, cues))


def _starts_with_any(tokens: Sequence[str], cues: Sequence[Tuple[str, ...]]) -> bool:
    return any(tuple(tokens[: len(cue)]) == cue for cue in cues)

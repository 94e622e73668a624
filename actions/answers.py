"""Reading a typed answer to a yes/no question: the safety screen's questions and the
"Just to check: ... right now?" question of the safety policy.

Why not the intent alone: the intent classifier is trained on whole messages, and a
screen answer is often not one ("nah im good" looked like goodbye, "breathing fine" like
nothing at all, "nuh uh" and "yes I mean no" like yes). The words that decide are data
(`data/dialogue/answers.yml`, which also says the order of the reading); the intent is
the last resort. A "no" is never read from a message that also says yes: both together
read as not sure, and "not sure" leans to caution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

import yaml

from actions.paths import data_dir
from actions.slots import (
    ANSWER_BY_INTENT,
    MOOD_SLOT,
    NO,
    SCREEN_CHECKLIST,
    UNSURE,
    YES,
)
from bot.language import normalise

ANSWERS_FILE = ("dialogue", "answers.yml")
INTENT_CONFIDENCE = 0.6
"""Below this, the intent alone does not make an answer."""
SHORT_ANSWER_WORDS = 6
OPENING_WORDS = 3
QUESTION_OPENERS = frozenset(
    {"what", "why", "how", "when", "where", "who", "which", "can", "could", "should"}
    | {"would", "will", "is", "are", "do", "does"}
)


@dataclass(frozen=True)
class AnswerWords:
    """The phrase lists of `answers.yml`, normalised."""

    no: Tuple[str, ...]
    yes: Tuple[str, ...]
    unsure: Tuple[str, ...]
    changes_of_mind: Tuple[str, ...]
    fine_words: Tuple[str, ...]
    negations: FrozenSet[str]
    described: Dict[str, Tuple[str, ...]]
    reassuring: Dict[str, Tuple[str, ...]]
    topics: Dict[str, FrozenSet[str]]
    also_covers: Dict[str, Tuple[str, ...]]
    emoji: Dict[str, str]
    emoji_beside_words: Dict[str, str] = field(default_factory=dict)
    """an emoji's reading when the message also has words ("no 👍": an ok, not a yes)"""
    correction_markers: Tuple[str, ...] = ()
    everyday_words: FrozenSet[str] = frozenset()
    """topic words that are also everyday words ("stopped", "end", "day")"""
    denies_suicide: Tuple[str, ...] = ()
    """an explicit "I'm not suicidal" (see `denies_suicide`)"""
    wants_the_tips: Tuple[str, ...] = ()
    """impatience with the questions (see `wants_the_tips`)"""
    figures_of_speech: Tuple[str, ...] = ()
    """phrases that are no answer to any question ("killing me")"""
    not_understood: Tuple[str, ...] = ()
    """"what is numbness? I don't understand": no answer (asked again)"""
    complaint_words: FrozenSet[str] = frozenset()
    """the pain the person came about ("legs", "cramps"): no other question's topic"""
    degree_words: Tuple[str, ...] = ()
    degree_of_something_else: FrozenSet[str] = frozenset()
    """words a degree word measures that answer no question ("a bit low", "eating a
    little"): the degree word beside them is no hedge"""
    plain_closings: Tuple[str, ...] = ()
    yes_not_before: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    yes_im_fine: Tuple[str, ...] = ()
    yes_im_fine_not_for: FrozenSet[str] = frozenset()
    weariness: Tuple[str, ...] = ()
    """"tired of it all": to the suicide question, never a plain No"""
    """"a little", "a bit": after a yes, how much, not a hedge ("yes a little")"""
    not_hedges: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    hedge_not_before: Tuple[str, ...] = ()
    scared: Tuple[str, ...] = ()
    hard_going: Tuple[str, ...] = ()
    """words of a No said with hopelessness or frustration ("hopeless", "fed up")"""
    complaint_not_an_answer: FrozenSet[str] = frozenset()
    """questions where the person's complaint beside a "no" still makes it unclear"""
    rate_phrases: Tuple[str, ...] = ()
    """phrases that give a heart rate ("pulse is at"): a description only when fast"""
    fast_rate_from: int = 100
    """beats a minute from which a heart rate is fast (a racing heart)"""
    plain_no_stands: FrozenSet[str] = frozenset()
    """questions where a plain first-sentence "No." stands whatever else follows,
    unless the rest speaks of another person or of the question's own topic"""
    third_person: FrozenSet[str] = frozenset()
    """words that put the answer on someone else ("his", "my son")"""
    question_tails: FrozenSet[str] = frozenset()
    """last words that make a message ask without "?" ("... is that ok")"""
    nothing_taken: Tuple[str, ...] = ()
    """ways of saying no drug, medicine or alcohol is involved ("i take nothing")"""
    other_medicines: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    """medicines outside the screen's four classes, by generic name ("lyrica")"""
    firm_noes: FrozenSet[str] = frozenset()
    """first clauses that are a No on their own ("no not at all,"), read like a first
    sentence"""
    only_now: Tuple[str, ...] = ()
    """a No for this moment only ("not right now"): a yes after its "but" stands"""
    interjections: FrozenSet[str] = frozenset()
    """exclamations an answer opens with ("uh", "lol"), dropped before reading"""
    interjections_said_alone: FrozenSet[str] = frozenset()
    """exclamations dropped only when punctuation closes them ("what??", "huh?")"""
    exasperations: Tuple[str, ...] = ()
    """openers of a few words said in frustration ("are u serious. NO"), dropped"""
    vocatives: FrozenSet[str] = frozenset()
    """words naming whom the answer is said to ("nah mate"), dropped anywhere"""
    goodbyes: Tuple[str, ...] = ()
    """words that close a conversation ("bye", "goodnight"), read with plain_closings"""
    goodbye_thanks_words: FrozenSet[str] = frozenset()
    """what a goodbye's thanks may hold besides closings ("for your help")"""
    farewell_words: Tuple[str, ...] = ()
    """words that make a goodbye a farewell to ask about ("thanks for everything")"""
    cannot_be_pregnant: Tuple[str, ...] = ()
    """words of a man or of an older person ("my husband", "my grandma")"""
    pregnancy_age_until: int = 55
    """the age from which a pregnancy is not asked about"""
    retractions: Tuple[str, ...] = ()
    """a yes taken back ("pressed yes by mistake", "wrong button, i meant no")"""


@lru_cache(maxsize=1)
def answer_words() -> AnswerWords:
    """Loaded once from `data/dialogue/answers.yml`."""
    path = data_dir().joinpath(*ANSWERS_FILE)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))

    def phrases(items: Sequence[object]) -> Tuple[str, ...]:
        return tuple(normalise(str(p)) for p in items or ())

    def by_slot(key: str) -> Dict[str, Tuple[str, ...]]:
        return {str(slot): phrases(items) for slot, items in document[key].items()}

    return AnswerWords(
        no=phrases(document["say_no"]),
        yes=phrases(document["say_yes"]),
        unsure=phrases(document["not_sure"]),
        changes_of_mind=phrases(document["changes_of_mind"]),
        fine_words=phrases(document["fine_words"]),
        negations=frozenset(phrases(document["negations"])),
        described=by_slot("described"),
        reassuring=by_slot("reassuring"),
        topics=_with_combined_topics(
            {slot: frozenset(words) for slot, words in by_slot("topics").items()},
            document.get("combined_topics") or {},
        ),
        also_covers={
            str(slot): tuple(str(flag) for flag in flags)
            for slot, flags in (document.get("also_covers") or {}).items()
        },
        emoji={str(k): str(v) for k, v in (document.get("emoji") or {}).items()},
        emoji_beside_words={
            str(k): str(v)
            for k, v in (document.get("emoji_beside_words") or {}).items()
        },
        correction_markers=phrases(document.get("correction_markers") or []),
        everyday_words=frozenset(phrases(document.get("everyday_words") or [])),
        denies_suicide=phrases(document.get("denies_suicide") or []),
        wants_the_tips=phrases(document.get("wants_the_tips") or []),
        figures_of_speech=phrases(document.get("figures_of_speech") or []),
        not_understood=phrases(document.get("not_understood") or []),
        complaint_words=frozenset(phrases(document.get("complaint_words") or [])),
        degree_words=phrases(document.get("degree_words") or []),
        degree_of_something_else=frozenset(
            phrases(document.get("degree_of_something_else") or [])
        ),
        yes_not_before={
            normalise(str(phrase)): phrases(after)
            for phrase, after in (document.get("yes_not_before") or {}).items()
        },
        plain_closings=tuple(
            sorted(
                phrases(document.get("plain_closings") or []),
                key=lambda phrase: -len(phrase.split()),
            )
        ),
        yes_im_fine=phrases(document.get("yes_im_fine") or []),
        weariness=phrases(document.get("weariness") or []),
        yes_im_fine_not_for=frozenset(
            str(slot) for slot in document.get("yes_im_fine_not_for") or []
        ),
        complaint_not_an_answer=frozenset(
            str(slot) for slot in document.get("complaint_not_an_answer") or []
        ),
        rate_phrases=phrases((document.get("heart_rate") or {}).get("phrases") or []),
        fast_rate_from=int((document.get("heart_rate") or {}).get("fast_from") or 100),
        plain_no_stands=frozenset(
            str(slot) for slot in document.get("plain_no_stands") or []
        ),
        third_person=frozenset(phrases(document.get("third_person") or [])),
        question_tails=frozenset(phrases(document.get("question_tails") or [])),
        nothing_taken=phrases(document.get("nothing_taken") or []),
        other_medicines={
            str(name): phrases(words)
            for name, words in (document.get("other_medicines") or {}).items()
        },
        retractions=phrases(document.get("retractions") or []),
        cannot_be_pregnant=phrases(
            (document.get("not_pregnant") or {}).get("words") or []
        ),
        pregnancy_age_until=int(
            (document.get("not_pregnant") or {}).get("age_from") or 55
        ),
        only_now=phrases(document.get("only_now") or []),
        firm_noes=frozenset(phrases(document.get("firm_noes") or [])),
        interjections=frozenset(phrases(document.get("interjections") or [])),
        vocatives=frozenset(phrases(document.get("vocatives") or [])),
        goodbyes=phrases(document.get("goodbyes") or []),
        farewell_words=phrases(document.get("farewell_words") or []),
        goodbye_thanks_words=frozenset(
            phrases(document.get("goodbye_thanks_words") or [])
        ),
        interjections_said_alone=frozenset(
            phrases(document.get("interjections_said_alone") or [])
        ),
        exasperations=phrases(document.get("exasperations") or []),
        hedge_not_before=phrases(document.get("hedge_not_before") or []),
        scared=phrases(document.get("scared_words") or []),
        hard_going=phrases(document.get("hard_going_words") or []),
        not_hedges={
            str(slot): phrases(items)
            for slot, items in (document.get("not_hedges") or {}).items()
        },
    )


def _with_combined_topics(
    topics: Dict[str, FrozenSet[str]], combined: Dict[str, Sequence[str]]
) -> Dict[str, FrozenSet[str]]:
    """The topics, plus each combined question's: the union of its parts'."""
    joined = {
        str(name): frozenset().union(
            *(topics.get(str(part), frozenset()) for part in parts)
        )
        for name, parts in combined.items()
    }
    return {**topics, **joined}


def _find(words: List[str], phrases: Sequence[str]) -> List[int]:
    """Word positions where any of `phrases` starts."""
    hits: List[int] = []
    for phrase in phrases:
        parts = phrase.split()
        if not parts:
            continue
        for start in range(len(words) - len(parts) + 1):
            if words[start : start + len(parts)] == parts:
                hits.append(start)
    return hits


def _without_figures(words: List[str], vocab: AnswerWords) -> List[str]:
    """`words` without the figures of speech of `answers.yml` ("my muscles are killing
    me" is no answer about ending one's life)."""
    for phrase in vocab.figures_of_speech:
        length = len(phrase.split())
        for start in sorted(_find(words, [phrase]), reverse=True):
            words = words[:start] + words[start + length :]
    return words


def _after_last_change_of_mind(
    words: List[str], vocab: AnswerWords, slot: Optional[str] = None
) -> Tuple[List[str], bool]:
    """What follows the last "i mean" / "actually" / "wait" (when something does), and
    whether there was such a change of mind. A plain answer followed by words with no
    answer and nothing of the question's own topic explains it rather than taking it
    back: "no. i mean my muscles are killing me" stays a no (review 8), while "no
    actually my chest does hurt" to the breathing question is a yes."""
    cut = -1
    for phrase in vocab.changes_of_mind:
        length = len(phrase.split())
        for start in _find(words, [phrase]):
            if start > 0 and start + length < len(words):
                cut = max(cut, start + length)
    if cut < 0:
        return words, False
    after = words[cut:]
    own = vocab.topics.get(slot or "", frozenset())
    if (
        _polarity(words[:cut], vocab, False) is not None
        and _polarity(after, vocab, False) is None
        and not own & set(after)
        and not _find(after, vocab.described.get(slot or "", ()))
    ):
        return words[:cut], False
    return after, True


def _polarity(words: List[str], vocab: AnswerWords, last_wins: bool) -> Optional[str]:
    """yes / no from the yes and no phrases; both together are not sure.

    A phrase counts at the start of the answer (its first `OPENING_WORDS` words), or
    anywhere in a short answer: "what stretches can I do at work" holds "I do" but
    says no yes.
    """
    reach = len(words) if len(words) <= SHORT_ANSWER_WORDS else OPENING_WORDS
    # A yes phrase inside a longer no phrase ("i do" in "i do not") is not a yes.
    no_spans = [
        (s, s + len(p.split()))
        for p in vocab.no
        for s in _find(words, [p])
        if s < reach
    ]
    yes_hits = [
        s
        for p in vocab.yes
        for s in _find(words, [p])
        if s < reach
        and not any(a <= s < b for a, b in no_spans)
        # "I am a nurse. Please just tell me the evidence" is no yes (review 31).
        and words[s + len(p.split()) : s + len(p.split()) + 1]
        not in [[after] for after in vocab.yes_not_before.get(p, ())]
    ]
    if yes_hits and no_spans:
        if not last_wins:
            return UNSURE
        return YES if max(yes_hits) > max(a for a, _ in no_spans) else NO
    if no_spans:
        return NO
    if yes_hits:
        return YES
    return None


def _asks_something(text: str, words: List[str], vocab: AnswerWords) -> bool:
    """Whether the message is a question of the person's own rather than an answer:
    it asks ("?" or a question word first) and does not open with a yes or a no."""
    asks = (
        text.rstrip().endswith("?")
        or words[0] in QUESTION_OPENERS
        or any(
            " ".join(words[-len(tail.split()) :]) == tail
            for tail in vocab.question_tails
        )
    )
    opens_with_answer = any(
        _find(words[:OPENING_WORDS], phrases)
        for phrases in (vocab.no, vocab.yes, vocab.unsure)
    )
    return asks and not opens_with_answer


def _affirmed(
    words: List[str], phrases: Sequence[str], vocab: AnswerWords, reach: int = 3
) -> bool:
    """Whether a phrase stands with no negation in the `reach` words before it
    ("not every day" does not say "every day")."""
    return any(
        not set(words[max(0, start - reach) : start]) & vocab.negations
        for start in _find(words, phrases)
    )


def _names_only_another_topic(
    words: List[str], slot: Optional[str], vocab: AnswerWords
) -> bool:
    """Whether the answer speaks only of another question's topic ("No he isn't
    confused" to the breathing question). Everyday words and the person's own
    complaint do not count: "No. Just the leg cramps" to the fluids question and
    "nope everything works down there" to the nerves question are answers (dev
    set 8)."""
    present = set(words)
    own = vocab.topics.get(slot or "", frozenset())
    others = set().union(*(t for name, t in vocab.topics.items() if name != slot))
    telling = present - vocab.everyday_words
    if slot not in vocab.complaint_not_an_answer:
        telling -= vocab.complaint_words
    return not (present & own) and bool(telling & (others - own))


def _hedged(words: List[str], slot: Optional[str], vocab: AnswerWords) -> bool:
    """Whether the answer holds a "not sure" phrase that is a hedge. Not one: a
    question's own `not_hedges` ("sometimes" to "every day?") and, beside a yes, a
    word of degree ("yes a little, chest feels tight" has the sign; so do "a bit
    confused yes" and "kinda brown yeah", dev set 16)."""
    ignored = set(vocab.not_hedges.get(slot or "", ()))
    if _find(words, vocab.yes) or _topic_answer(words, slot, vocab) == YES:
        # Beside the question's own words said plainly, too: "a little numb around
        # my bum", "kind of dark, like tea" describe the sign (dev set 19).
        ignored |= set(vocab.degree_words)
    # A hedge inside the description of the sign is none: "i dont know what day it
    # is" to the confusion question describes it.
    inside = {
        position
        for phrase in vocab.described.get(slot or "", ())
        for start in _find(words, [phrase])
        for position in range(start, start + len(phrase.split()))
    }
    # Nor one inside a longer "no" ("a little" in "not even a little"), nor a word
    # of degree before a reassuring word ("a bit yellow, not dark"): dev set 10.
    no_spans = [
        (start, start + len(phrase.split()))
        for phrase in vocab.no
        for start in _find(words, [phrase])
    ]
    # Nor a hedge on how much, between a no and a reassuring word ("nah, maybe 1
    # bar a week", "not daily, maybe twice a week" to "every day?").
    reassuring = vocab.reassuring.get(slot or "", ())
    reassured_at = _find(words, reassuring)

    def counts(phrase: str, start: int) -> bool:
        end = start + len(phrase.split())
        said_no_first = any(a < start for a, _ in no_spans) or any(
            a < start for a in reassured_at
        )
        return not (
            inside & set(range(start, end))
            or any(a <= start and end <= b and b - a > end - start for a, b in no_spans)
            or _about_something_else(words, end, vocab)
            or (phrase in vocab.degree_words and 0 in _find(words[end:], reassuring))
            # "didnt respond for a bit": how long, not how sure
            or (phrase in vocab.degree_words and words[start - 1 : start] == ["for"])
            # "not really, im a bit low", "hes eating a little": how low, how much
            # (review 76: both read as not sure, and the crisis script followed).
            or (
                phrase in vocab.degree_words
                and bool(
                    set(words[end : end + 1] + words[max(0, start - 1) : start])
                    & vocab.degree_of_something_else
                )
            )
            or (said_no_first and any(end <= a <= end + 3 for a in reassured_at))
        )

    return any(
        counts(phrase, start)
        for phrase in vocab.unsure
        if phrase not in ignored
        for start in _find(words, [phrase])
    )


def _slow_heart_rate(words: List[str], vocab: AnswerWords) -> bool:
    """Whether a heart rate is given beside a rate phrase ("heart rate is 72", "72
    bpm"), and it is below the fast rate."""
    for start in _find(words, vocab.rate_phrases):
        for word in words[max(0, start - 1) : start + 6]:
            if word.isdigit():
                return int(word) < vocab.fast_rate_from
    return False


def _about_something_else(words: List[str], after: int, vocab: AnswerWords) -> bool:
    """Whether the "not sure" phrase ending before `after` is about something else:
    "no its not an emergency i just dont know how to help her" is a no, not a hedge
    (review 12: a 15-year-old got the 911 reply)."""
    return any(
        words[after : after + len(phrase.split())] == phrase.split()
        for phrase in vocab.hedge_not_before
    )


def _topic_answer(
    words: List[str], slot: Optional[str], vocab: AnswerWords
) -> Optional[str]:
    """No when the question's own words are negated or "fine", yes when said plainly.

    Never No for the checklist: its words are those of every question on it, so a
    message that merely mentions one with "ok" in it ("he also wants to drink beer to
    calm down is that ok", review 51) was read as a No to all of them; it is asked
    again instead."""
    present = set(words)
    if not present & vocab.topics.get(slot or "", frozenset()):
        return None
    negated = bool(present & vocab.negations) or bool(_find(words, vocab.fine_words))
    if negated and slot == SCREEN_CHECKLIST:
        return None
    return NO if negated else YES


def says_it_was_a_misunderstanding(text: str) -> bool:
    """Whether the text says an alarm was a misunderstanding or a figure of speech
    ("like its a saying", "not literally", "false alarm")."""
    return bool(_find(normalise(text).split(), answer_words().correction_markers))


def denies_suicide(text: str) -> bool:
    """Whether the text says plainly that the person is not suicidal ("NO IM NOT
    SUICIDAL IM IN PAIN"), with no "but" after it: an explicit No to the screen's
    suicide question, whichever question was open."""
    words = normalise(text).split()
    found = _find(words, answer_words().denies_suicide)
    return bool(found) and "but" not in words[min(found) :]


def wants_the_tips(text: str) -> bool:
    """Whether the text is impatience with the questions ("no. just give me the damn
    tips"), not a warning sign (answers.yml `wants_the_tips`)."""
    return bool(_find(normalise(text).split(), answer_words().wants_the_tips))


def is_plain_closing(text: str) -> bool:
    """Whether the text is made only of everyday closing words ("Never mind. Good
    day.", "ok thats actually useful. finally"; answers.yml `plain_closings`)."""
    words, _ = _without_phrases(normalise(text).split(), answer_words().plain_closings)
    return bool(normalise(text)) and not words


def _without_phrases(
    words: List[str], phrases: Sequence[str]
) -> Tuple[List[str], Set[str]]:
    """`words` with every occurrence of `phrases` taken out, each phrase in the order
    given, and the phrases that were found."""
    found: Set[str] = set()
    for phrase in phrases:
        length = len(phrase.split())
        for start in sorted(_find(words, [phrase]), reverse=True):
            found.add(phrase)
            words = words[:start] + words[start + length :]
    return words, found


_SENTENCES = re.compile(r"[.!?;\n]+")


def ends_with_a_goodbye(text: str) -> bool:
    """Whether the message's last sentence is only a goodbye, with or without thanks
    ("Alright, I'll use it on my back then. Thanks for your help, goodbye."). Why: a
    goodbye after a No to the suicide question got the question again (reviews 54
    and 55)."""
    vocab = answer_words()
    sentences = [part for part in _SENTENCES.split(text) if normalise(part)]
    if not sentences or _find(normalise(text).split(), vocab.farewell_words):
        return False
    words, found = _without_phrases(
        normalise(_without_vocatives(sentences[-1], vocab)).split(),
        sorted((*vocab.goodbyes, *vocab.plain_closings), key=len, reverse=True),
    )
    said_goodbye = bool(found & set(vocab.goodbyes))
    return said_goodbye and all(word in vocab.goodbye_thanks_words for word in words)


_FIRST_SENTENCE = re.compile(
    r"^([^.!?;\n]+?)(?:[.!?;\n]+|\s+(?:lol|lmao|lmfao|rofl|haha\w*)\b[.!?,]*)"
)
"""A first sentence, ended by a full stop or by laughter: "no lol its just a sore
butt" is a plain No to the suicide question (review 27: asked again)."""
_FIRST_CLAUSE = re.compile(r"^([^,.!?;\n]+?),+")
"""A first clause closed by a comma: the answer when it is a firm No (`firm_noes`)."""
FIRST_SENTENCE_WORDS = 5
"""How long a first sentence can be and still be read as the answer on its own."""


def read_answer(
    text: str,
    slot: Optional[str] = None,
    intent: Optional[str] = None,
    intent_confidence: float = 0.0,
) -> Optional[str]:
    """`yes`, `no`, `unsure`, or None when the text does not answer the question.

    The order of the reading is documented in `data/dialogue/answers.yml`. A yes that
    is taken back in the same message ("pressed yes by mistake") is no answer: the
    question is asked again (session 14: read as a yes to the suicide question).

    Args:
        text: what the person typed (a button's payload is read by its intent).
        slot: the screen question asked (`screen_breathing` ...), for its own words.
        intent: the NLU intent of the message, the last resort.
        intent_confidence: how sure the NLU was of that intent.
    """
    answer = _read_answer(text, slot, intent, intent_confidence)
    if answer == YES and retracts_a_yes(text):
        return None
    return answer


def retracts_a_yes(text: str) -> bool:
    """Whether the text takes back a yes ("wrong button", "i meant no")."""
    if text.startswith("/"):
        return False
    return bool(_find(normalise(text).split(), answer_words().retractions))


def _without_vocatives(text: str, vocab: AnswerWords) -> str:
    """The text without the words that name whom it is said to ("nah mate not like
    that" reads as "nah not like that"); a text that is only such a word is kept."""
    kept = [word for word in text.split() if normalise(word) not in vocab.vocatives]
    return " ".join(kept) if kept else text


def _without_leading_interjections(text: str, vocab: AnswerWords) -> str:
    """The text without the exclamations it opens with ("what?? no. i just have a sore
    butt", "uh no, its from running"): review 22 asked the suicide question again after
    both, because the first sentence, the one read as the answer, was "what??". Nothing
    is dropped from a text that is only an exclamation."""
    words = text.split()
    for phrase in sorted(vocab.exasperations, key=lambda p: -len(p.split())):
        length = len(phrase.split())
        opening = " ".join(normalise(word) for word in words[:length])
        if len(words) > length and opening == phrase:
            # "are u serious. NO" (review 59: the question came back a third time).
            words = words[length:]
            text = " ".join(words)
            break
    start = 0
    while start < len(words) - 1 and (
        normalise(words[start]) in vocab.interjections
        or (
            normalise(words[start]) in vocab.interjections_said_alone
            and words[start][-1:] in "?!.,"
        )
    ):
        start += 1
    return " ".join(words[start:]) if start else text


def _read_answer(
    text: str,
    slot: Optional[str],
    intent: Optional[str],
    intent_confidence: float,
) -> Optional[str]:
    """`read_answer` before a retraction is looked for."""
    if text.startswith("/"):
        return ANSWER_BY_INTENT.get(str(intent))
    vocab = answer_words()
    plain = normalise(text).split()
    if (
        _find(plain, vocab.not_understood)
        and not _find(plain, vocab.unsure)
        and not _affirmed(plain, vocab.reassuring.get(slot or "", ()), vocab, reach=1)
    ):
        # "not sure what you mean by all at once" is still not sure; "i know where i
        # am, if thats what you mean" is a no (dev set 10).
        return None
    text = _without_leading_interjections(_without_vocatives(text, vocab), vocab)
    has_words = any(character.isalpha() for character in text)
    for symbol, spoken in vocab.emoji.items():
        if has_words:
            spoken = vocab.emoji_beside_words.get(symbol, spoken)
        text = text.replace(symbol, f" {spoken} ")
    words, changed_mind = _after_last_change_of_mind(
        _without_figures(normalise(text).split(), vocab), vocab, slot
    )
    if not words:
        return None
    if (
        slot == MOOD_SLOT
        and _find(words, vocab.weariness)
        and not _find(words, vocab.denies_suicide)
    ):
        # "not really. just tired of all of it" is no plain No to thoughts of ending
        # one's life (review 66: "Nothing you told me sounds like an emergency").
        return UNSURE
    if 0 in _find(words, vocab.yes_im_fine) and slot not in vocab.yes_im_fine_not_for:
        # "yes im fine, had 2 litres": nothing is wrong (dev set 19).
        return NO
    # "no, but my leg is a bit puffy": the answer is before the "but"; what follows is
    # read for red flags like any message, by the NLU.
    head = words[: words.index("but")] if "but" in words[1:] else words
    if head is not words and not _hedged(head, slot, vocab):
        answer = _polarity(head, vocab, changed_mind)
        tail = words[len(head) + 1 :]
        if answer == NO and _find(head, vocab.only_now):
            # "not right now but last week yes": the yes about another time stands.
            later = _polarity(tail, vocab, False)
            if later == YES or _find(tail, vocab.unsure):
                return later or UNSURE
        if answer is not None:
            return answer
    first = _FIRST_SENTENCE.match(text.strip())
    clause = _FIRST_CLAUSE.match(text.strip())
    if (
        clause
        and (not first or first.end() > clause.end())
        and " ".join(normalise(clause.group(1)).split()) in vocab.firm_noes
    ):
        first = clause
    if first and not changed_mind and first.end() < len(text.strip()):
        # "no. and i didnt stop subs, i started them", "no! when will this end": a
        # short answer said first, in a sentence of its own, and then something else
        # (review 4: the question came back). What follows is read for red flags
        # like any message, by the NLU.
        said_first = normalise(first.group(1)).split()
        if (
            len(said_first) <= FIRST_SENTENCE_WORDS
            and _polarity(said_first, vocab, False) == YES
            and not _find(said_first, vocab.unsure)
            and not _hedged(said_first, slot, vocab)
        ):
            # "YES like 30 min after. sweating puking cramps everywhere" to the question
            # about buprenorphine: a yes said first stands, whatever the rest speaks of
            # (review 54: "I just need a yes or a no", to a man in a panic).
            return YES
        # The person's own complaint after a plain "No." is no other question's
        # topic, even for the suicide question: "No. Why you ask this? I only have
        # pain in calf" is a No (review 12: asked again, "I just need a yes or a no").
        rest = [
            word
            for word in normalise(text.strip()[first.end() :]).split()
            if word not in vocab.everyday_words and word not in vocab.complaint_words
        ]
        # "No. He isn't confused" to the breathing question speaks of another one.
        own = vocab.topics.get(slot or "", frozenset())
        # "no chest pain. heart still a bit quick": the rest speaks of the question's
        # own sign, so the first sentence is not the whole answer.
        # To the suicide question, "no!! this is the third time. I'm talking about
        # stopping ALCOHOL" is a No (review 14: asked a third time); "NO its not me
        # its my son" is not.
        stands = (
            slot in vocab.plain_no_stands and not set(rest) & vocab.third_person
        ) or " ".join(said_first) in vocab.firm_noes
        if (
            len(said_first) <= FIRST_SENTENCE_WORDS
            and (stands or not _names_only_another_topic(rest, slot, vocab))
            and not own & set(rest)
        ):
            # "i dont know. i just want everyone to have my things when im not
            # around" to the suicide question is not sure, not the "no" of its
            # "dont" (review 28: "Thanks, that's good to hear").
            answer = (
                UNSURE
                if _find(said_first, vocab.unsure)
                else _polarity(said_first, vocab, False)
            )
            if answer is not None:
                return answer
    description = vocab.described.get(slot or "", ())
    if _slow_heart_rate(words, vocab):
        # "heart rate is 72 on my watch, breathing normal" is no racing heart (dev
        # set 9: read as yes).
        description = tuple(p for p in description if p not in vocab.rate_phrases)
    described = _affirmed(words, description, vocab)
    hedged = _hedged(words, slot, vocab)
    if _asks_something(text, words, vocab):
        # "what stretches can I do at work?", "thats it?": a question, not an answer;
        # but "my pee is brown, is that bad?" has the sign, "how would i know if im
        # confused" is not sure and "can feel everything, no problems" is a no (dev
        # set 10).
        if described and not hedged:
            return YES
        if hedged:
            return UNSURE
        reassured = _affirmed(words, vocab.reassuring.get(slot or "", ()), vocab, 1)
        return NO if reassured else None
    if hedged:
        # Before the topic check: "not sure, my chest feels odd" to another question
        # is still not sure (caution). Reading "I don't know about his chest" as no
        # answer instead cost 4 to 7 points of the understanding sets' "not sure".
        return UNSURE
    if described:
        return YES
    if _affirmed(words, vocab.reassuring.get(slot or "", ()), vocab, reach=1):
        # "yeah brownish, not normal" is no reassurance.
        return NO
    if _names_only_another_topic(words, slot, vocab):
        return None
    polarity = _polarity(words, vocab, changed_mind)
    if polarity is not None:
        return polarity
    topic = _topic_answer(words, slot, vocab)
    if topic is not None:
        return topic
    # The intent decides only a short reply: "its not me its my son" is no "no".
    if intent_confidence >= INTENT_CONFIDENCE and len(words) <= SHORT_ANSWER_WORDS - 2:
        return ANSWER_BY_INTENT.get(str(intent))
    return None

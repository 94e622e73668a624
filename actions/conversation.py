"""Reading the conversation so far: which red flags the person has reported, and which
questions are still waiting for an answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import (
    TYPE_CHECKING,
    Any,
    Collection,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Optional,
    Sequence,
    Tuple,
)

import yaml

from actions.answers import normalise
from actions.paths import data_dir
from actions.slots import (
    CORRECTED_FLAGS,
    MOOD_SLOT,
    NO_SUBSTANCE,
    RED_FLAG_ENTITY,
    REGION,
    SAFE_NOW,
    SUBSTANCE_CLASS,
    URGENT,
)
from bot.lexicon import BODY_LOCATION

POSSIBLE_RED_FLAG_ENTITY = "possible_red_flag"

if TYPE_CHECKING:
    from rasa_sdk import Tracker

RESET_EVENTS = {"restart", "session_started"}


def _events_since_restart(
    events: Iterable[Dict[str, Any]], since_correction: bool = False
) -> List[Dict[str, Any]]:
    """Events since the last restart (and, if asked, since the last false alarm the
    person corrected, or since thoughts of suicide were said to be safe now: the signs
    before either no longer escalate, as the safety policy sees it)."""
    since: List[Dict[str, Any]] = []
    for event in events:
        if event.get("event") == "restart":
            since = []
        elif (
            since_correction
            and event.get("event") == "slot"
            and (
                event.get("name") == CORRECTED_FLAGS
                or (event.get("name") == MOOD_SLOT and event.get("value") == SAFE_NOW)
            )
        ):
            # Review 17: after "im not gonna do anything" the direct question came
            # back as a correction of the old alarm; its "not sure" got no reply.
            since = [event]
        else:
            since.append(event)
    return since


ANSWER_INTENTS = frozenset({"affirm", "deny", "unsure"})


def message_asked(tracker: "Tracker") -> Dict[str, Any]:
    """The person's message to answer: the latest, or, when the latest only answered
    the bot's direct question about a sign ("No"), the message that raised it.

    Why: a possible sign is asked about before anything else; after a No, the bot
    carries on with what the person asked in the first place.
    """
    latest = tracker.latest_message or {}
    if ((latest.get("intent") or {}).get("name")) not in ANSWER_INTENTS and not (
        answered_a_direct_question(tracker)
    ):
        return latest
    return message_before_latest(tracker)


def message_before_latest(tracker: "Tracker") -> Dict[str, Any]:
    """The person's message before the latest (the latest when there is none): the one
    a direct question was raised by, once the latest is known to answer it, whatever
    its intent ("no not today. last year. but im scared" was classed as skipping a
    check-in, and the past seizure it answered went unanswered: review 86)."""
    latest = tracker.latest_message or {}
    users = [e for e in tracker.events if e.get("event") == "user"]
    return (
        (users[-2].get("parse_data") or {}) | {"text": users[-2].get("text")}
        if (len(users) >= 2)
        else latest
    )


def reported_flags(
    tracker: "Tracker",
    disposition: Optional[str] = None,
    since_correction: bool = False,
) -> List[str]:
    """Red-flag ids the person reported in this conversation, oldest first, no repeats.

    Args:
        tracker: the conversation.
        disposition: keep only flags of this disposition (`emergency` or `urgent`).
        since_correction: only since the last false alarm the person corrected.
    """
    flags: Dict[str, None] = {}
    for event in _events_since_restart(tracker.events, since_correction):
        if event.get("event") == "user":
            flags.update(dict.fromkeys(_red_flags_in(event, disposition)))
    return list(flags)


def _red_flags_in(event: Dict[str, Any], disposition: Optional[str]) -> List[str]:
    """The red-flag ids of one user event, of `disposition` if given."""
    return [
        str(entity.get("value"))
        for entity in (event.get("parse_data") or {}).get("entities", [])
        if entity.get("entity") == RED_FLAG_ENTITY
        and (disposition is None or entity.get("role") == disposition)
    ]


SAID = "said"
CORRECTED = "corrected"


def still_standing(steps: Iterable[Tuple[str, Sequence[str]]]) -> List[str]:
    """The signs that stand, oldest first: `steps` are (SAID, flags) for a message and
    (CORRECTED, flags) for the corrected-alarms slot being set. A sign the person
    corrected (an explicit No to the direct question about it) no longer stands until
    it is said again.

    Why a function of steps: the safety policy reads Rasa's events and the actions read
    the SDK's dictionaries; both ask the same question of them."""
    standing: Dict[str, None] = {}
    for kind, flags in steps:
        for flag in flags:
            if kind == CORRECTED:
                standing.pop(str(flag), None)
            else:
                standing[str(flag)] = None
    return list(standing)


def standing_flags(tracker: "Tracker", disposition: Optional[str] = None) -> List[str]:
    """Red-flag ids reported since the last restart and not corrected since (see
    `still_standing`); `disposition` keeps only flags of that disposition."""
    steps: List[Tuple[str, Sequence[str]]] = []
    for event in _events_since_restart(tracker.events):
        if event.get("event") == "slot" and event.get("name") == CORRECTED_FLAGS:
            steps.append((CORRECTED, list(event.get("value") or [])))
        elif event.get("event") == "user":
            steps.append((SAID, _red_flags_in(event, disposition)))
    return still_standing(steps)


def first_alarm_text(tracker: "Tracker") -> Optional[str]:
    """The person's message that first reported an emergency sign in this
    conversation (for the team's summary: what was seen, in their words)."""
    for event in _events_since_restart(tracker.events, False):
        if event.get("event") != "user":
            continue
        for entity in (event.get("parse_data") or {}).get("entities", []):
            if (
                entity.get("entity") == RED_FLAG_ENTITY
                and entity.get("role") == "emergency"
            ):
                return str(event.get("text") or "") or None
    return None


PREGNANCY_FLAG = "pregnancy"  # withdrawal in pregnancy (data/safety/red_flags.yml)
ABRUPT_STOP_FLAG = "abrupt_stop"  # a sudden stop of benzodiazepines or alcohol
DOCTOR_TAPER_CONTEXT = "doctor_taper"  # data/knowledge/contexts.yml
NOT_ABRUPT_STOP_CLASSES = frozenset({"opioid", NO_SUBSTANCE})
COMPANY_TOPICS = frozenset({"just_talk", "parent_guilt"})
"""Asking for company or carrying guilt (topics.yml): after a No to the suicide question
not asked about again (the safety policy), and said again, answered by listening, not
"glad that's useful" (`actions.harm_reduction`). Review 43."""
"""Who stopped something that sign is not about: stopping opioids all at once is hard,
not dangerous in itself (002: opioid withdrawal is rarely life-threatening)."""


def same_day_flags(tracker: "Tracker") -> List[str]:
    """The same-day (urgent) signs reported, oldest first, without pregnancy when
    nothing was stopped: that sign is withdrawal in pregnancy (reviews 14 and 15: "No,
    I'm pregnant, I don't take anything" was told to call an addiction service, and
    "Why: being pregnant while in withdrawal"). The pregnancy's own warning signs are
    still screened (`actions.screen_questions`)."""
    # Here, not at the top: the guidance module imports this one.
    from actions.guidance import contexts_of

    substance_class = tracker.get_slot(SUBSTANCE_CLASS)
    stopped_nothing = substance_class == NO_SUBSTANCE
    # Not one the person corrected (session 21: a calf cramp held as a clot).
    flags = standing_flags(tracker, URGENT)
    if stopped_nothing:
        flags = [flag for flag in flags if flag != PREGNANCY_FLAG]
    if ABRUPT_STOP_FLAG in flags and (
        # Review 39: daily co-codamol, stopped, heard by meaning as a sudden stop of
        # benzos or alcohol ("can lead to seizures") though he takes neither.
        substance_class in NOT_ABRUPT_STOP_CLASSES
        # Review 40: "tapering off diazepam very slowly with my doctor" was told
        # twice that stopping all at once can lead to seizures. (The contexts are
        # read only here: the whole conversation, for this one sign.)
        or DOCTOR_TAPER_CONTEXT in contexts_of(tracker)
    ):
        flags = [flag for flag in flags if flag != ABRUPT_STOP_FLAG]
    return flags


def latest_flags(tracker: "Tracker", disposition: str) -> List[str]:
    """Red-flag ids of the given disposition in the latest message."""
    return [
        str(entity.get("value"))
        for entity in tracker.latest_message.get("entities", [])
        if entity.get("entity") == RED_FLAG_ENTITY and entity.get("role") == disposition
    ]


def latest_possible_flag(tracker: "Tracker") -> Optional[str]:
    """The sign the semantic layer was unsure of in the latest message, if any."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == POSSIBLE_RED_FLAG_ENTITY:
            return str(entity.get("value"))
    return None


def emergency_reply_sent(tracker: "Tracker", action_name: str) -> bool:
    """Whether the full emergency reply has already been given in this conversation
    (since the last corrected false alarm)."""
    return any(
        event.get("event") == "action" and event.get("name") == action_name
        for event in _events_since_restart(tracker.events, since_correction=True)
    )


def mentioned(tracker: "Tracker", entity: str) -> List[str]:
    """Every value of `entity` the person gave since the last restart, in order, each
    once ("my butt", later "and my legs": both, for the summary)."""
    values: Dict[str, None] = {}
    for event in _events_since_restart(tracker.events):
        if event.get("event") != "user":
            continue
        for found in (event.get("parse_data") or {}).get("entities") or []:
            if found.get("entity") == entity and found.get("value") is not None:
                values[str(found["value"])] = None
    return list(values)


TAKEN_BACK_BEFORE = re.compile(r"\bnot (?:in |on )?(?:my |the |his |her |their )?$")
"""Words before a body part that take it back: "its my lower back not my butt"."""


@lru_cache(maxsize=1)
def _place_terms() -> Dict[str, Tuple[str, ...]]:
    """Body-location value -> its lexicon terms, normalised like a message."""
    from bot.importer import load_project_lexicon

    terms = load_project_lexicon().terms_for(BODY_LOCATION)
    return {value: tuple(normalise(t) for t in words) for value, words in terms.items()}


def places_taken_back(tracker: "Tracker") -> List[str]:
    """Body locations a later message said were not it ("its my lower back not my
    butt", "i meant my hip, not my bum"): the extractor leaves a denied part out of
    that message, but the earlier message that named it still holds it, and review
    65's summary went to the doctor with the buttock the person had corrected.
    A place named again after it was taken back stands again."""
    taken: Dict[str, None] = {}
    for event in _events_since_restart(tracker.events):
        if event.get("event") != "user":
            continue
        text = f" {normalise(str(event.get('text') or ''))} "
        for found in (event.get("parse_data") or {}).get("entities") or []:
            if found.get("entity") == BODY_LOCATION:
                taken.pop(str(found.get("value")), None)
        for value, terms in _place_terms().items():
            for term in terms:
                at = text.find(f" {term} ")
                if at > 0 and TAKEN_BACK_BEFORE.search(text[: at + 1].rstrip() + " "):
                    taken[value] = None
    return list(taken)


def emergency_replies_sent(tracker: "Tracker", action_name: str) -> int:
    """How many emergency replies (the full one and reminders) this conversation has
    had since the last corrected false alarm."""
    return sum(
        1
        for event in _events_since_restart(tracker.events, since_correction=True)
        if event.get("event") == "action" and event.get("name") == action_name
    )


@dataclass(frozen=True)
class _Topics:
    """`data/dialogue/topics.yml`, read once."""

    words: Dict[str, Tuple[str, ...]]
    """topic -> phrases that ask it in a question"""
    said: Dict[str, Tuple[str, ...]]
    """topic -> phrases that bring it up in any sentence"""
    by_intent: Dict[str, str]
    """intent -> topic"""
    question_words: FrozenSet[str]
    emergency_words: Dict[str, Tuple[str, ...]]
    """topic -> phrases that ask it in a question after an emergency reply only"""
    emergency_said: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    """topic -> phrases that bring it up in any sentence after an emergency reply"""
    together: Dict[str, Tuple[Tuple[str, ...], ...]] = field(default_factory=dict)
    """topic -> groups of phrases, one of each group said anywhere in the message"""
    by_sign: Dict[str, str] = field(default_factory=dict)
    """red flag id -> the topic its report brings up (`signs` in topics.yml)"""
    unless: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    """topic -> phrases that, said in the message, keep it from being brought up"""
    denials: FrozenSet[str] = frozenset()
    """words that deny a `said` phrase right after them ("did not hit my head")"""
    softeners: FrozenSet[str] = frozenset()
    """words that may stand between a denial and the phrase ("never even")"""

    def says(self, padded: str, phrase: str) -> bool:
        """Whether `padded` (a normalised sentence with a space at each end) says
        `phrase` at least once without a denial right before it."""
        start = padded.find(f" {phrase} ")
        while start != -1:
            before = [w for w in padded[:start].split() if w not in self.softeners]
            if not before or before[-1] not in self.denials:
                return True
            start = padded.find(f" {phrase} ", start + 1)
        return False


@lru_cache(maxsize=1)
def topics_document() -> Dict[str, Any]:
    """data/dialogue/topics.yml as written: which topic a question is about, and the
    lists that say how topics are answered."""
    return dict(
        yaml.safe_load(
            (data_dir() / "dialogue" / "topics.yml").read_text(encoding="utf-8")
        )
    )


def said_since_restart(tracker: "Tracker", who: str = "user") -> List[str]:
    """What the person (`who="user"`) or the bot (`"bot"`) said since the last
    restart, oldest first."""
    texts: List[str] = []
    for event in tracker.events:
        if event.get("event") == "restart":
            texts = []
        elif event.get("event") == who and event.get("text"):
            texts.append(str(event["text"]))
    return texts


def answered_during_screen() -> FrozenSet[str]:
    """Question topics answered at once inside the screen (topics.yml)."""
    return frozenset(map(str, topics_document().get("answered_during_screen") or ()))


def seeking_safety_topics() -> FrozenSet[str]:
    """Topics of asking for treatment or how to use more safely (topics.yml)."""
    return frozenset(map(str, topics_document().get("seeking_safety") or ()))


def answered_first_topics() -> FrozenSet[str]:
    """Every topic answered before anything else, whatever the intent (topics.yml):
    asking for treatment or safety, and the `answered_first` list."""
    document = topics_document()
    return seeking_safety_topics() | frozenset(
        map(str, document.get("answered_first") or ())
    )


def mentions_topic(text: str, topics: Collection[str]) -> bool:
    """Whether `text` holds any phrase of `topics` (asked or said): "should i keep
    running or rest?" names no medicine, whatever the intent classifier heard."""
    padded = f" {normalise(text)} "
    found = _topics()
    return any(
        f" {phrase} " in padded
        for topic in topics
        for phrase in (*found.words.get(topic, ()), *found.said.get(topic, ()))
    )


RESOLVE_CONFIRMATION = "action_resolve_confirmation"


def answered_a_direct_question(tracker: "Tracker") -> bool:
    """Whether the latest message was the answer to a direct question about a possible
    sign ("are you having thoughts of ending your life?"), asked before the screen or
    in the middle of it (`action_resolve_confirmation` ran after it).

    Why: review 4 found the "no" to that question filed as the answer to the screen
    question it interrupted (the breathing one), which was then never asked.
    """
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == RESOLVE_CONFIRMATION:
            return True
    return False


@lru_cache(maxsize=1)
def _topics() -> _Topics:
    """The topics file, normalised."""
    document = topics_document()
    words: Dict[str, Tuple[str, ...]] = {}
    said: Dict[str, Tuple[str, ...]] = {}
    by_intent: Dict[str, str] = {}
    for topic, entry in document["topics"].items():
        words[str(topic)] = tuple(normalise(str(w)) for w in entry.get("words") or ())
        said[str(topic)] = tuple(normalise(str(w)) for w in entry.get("said") or ())
        if entry.get("intent"):
            by_intent[str(entry["intent"])] = str(topic)
    emergency = (document.get("emergency_topics") or {}).items()
    emergency_words = {
        str(topic): tuple(normalise(str(w)) for w in entry.get("words") or ())
        for topic, entry in emergency
    }
    emergency_said = {
        str(topic): tuple(normalise(str(w)) for w in entry.get("said") or ())
        for topic, entry in emergency
    }
    together = {
        str(topic): tuple(
            tuple(normalise(str(w)) for w in group) for group in entry["together"]
        )
        for topic, entry in document["topics"].items()
        if entry.get("together")
    }
    by_sign = {
        str(sign): str(topic)
        for topic, entry in document["topics"].items()
        for sign in entry.get("signs") or ()
    }
    unless = {
        str(topic): tuple(normalise(str(w)) for w in entry["unless_said"])
        for topic, entry in document["topics"].items()
        if entry.get("unless_said")
    }
    return _Topics(
        words,
        said,
        by_intent,
        frozenset(map(str, document["question_words"])),
        emergency_words,
        emergency_said,
        together,
        by_sign,
        unless,
        frozenset(normalise(str(w)) for w in document.get("denials") or ()),
        frozenset(normalise(str(w)) for w in document.get("softeners") or ()),
    )


LEAD_INS = frozenset(
    {"but", "and", "so", "ok", "okay", "oh", "omg", "um", "well", "then"}
)
"""Words before a question word that leave it a question ("but HOW do i use it")."""
ASKING_ENDINGS = frozenset({"or not", "or no", "yes or", "right", "yeah"})
"""Last words that make a sentence a question without a "?" ("BEER. alcohol. with
valium. ok or not", review 8)."""


def _sentences(
    text: str, question_words: FrozenSet[str], marks_count: bool = True
) -> List[Tuple[str, bool]]:
    """The sentences of `text`, normalised, each with whether it is a question: it has
    "?" (unless `marks_count` is off), or it or a part after a comma opens with a
    question word ("gonna pick up tonight after 3 weeks, what should i know")."""
    sentences = re.split(r"(?<=[?.!\n])|\s+(?:and|also|plus)\s+(?=\w+ )", text)
    found = []
    for sentence in sentences:
        words = normalise(sentence).split()
        if words:
            openers = (
                [w for w in normalise(part).split() if w not in LEAD_INS][:1]
                for part in sentence.split(",")
            )
            asks = (
                (marks_count and "?" in sentence)
                or any(opener and opener[0] in question_words for opener in openers)
                or " ".join(words[-2:]) in ASKING_ENDINGS
            )
            found.append((" ".join(words), asks))
    return found


DOUBTING_THE_CALL = ("still_call", "looks_drunk")
"""The emergency topics of doubting the call (topics.yml `emergency_topics`)."""


def doubts_the_call(text: str) -> bool:
    """Whether `text` asks if the call is really needed ("do I really need an
    ambulance, she just seems drunk"): a question, not a denial of the sign, so it
    is answered "yes, call now" (review 65: the sign's question came back instead)."""
    padded = f" {normalise(text)} "
    return is_a_question(text) and any(
        f" {phrase} " in padded
        for topic in DOUBTING_THE_CALL
        for phrase in _topics().emergency_said[topic]
    )


def beside_signs(topics: Collection[str], flag_ids: Sequence[str]) -> Tuple[str, ...]:
    """`topics` without the emergency topics that do not fit when `flag_ids` are the
    only signs (topics.yml `not_for_signs`): the recovery position is for someone who
    won't wake, not for vomiting as the sign of dehydration."""
    entries = topics_document().get("emergency_topics") or {}
    return tuple(
        topic
        for topic in topics
        if not (
            flag_ids
            and set(flag_ids)
            <= set(map(str, (entries.get(topic) or {}).get("not_for_signs") or ()))
        )
    )


def emergency_topic_names() -> Tuple[str, ...]:
    """The topics asked while help is called or on its way (topics.yml
    `emergency_topics`), in the file's order."""
    return tuple(_topics().emergency_words)


def is_a_question(text: str) -> bool:
    """Whether any sentence of `text` asks something ("is it something serious")."""
    return any(asks for _, asks in _sentences(text, _topics().question_words))


def asks_in_words(text: str) -> bool:
    """Whether a sentence of `text` asks something in words, not by a question mark
    alone: "i dont have any lump or abscess??" is an indignant denial, "should i have
    a drink?" a question."""
    return any(
        asks
        for _, asks in _sentences(text, _topics().question_words, marks_count=False)
    )


def questions_in(
    message: Dict[str, Any], whole_message: bool = False, during_emergency: bool = False
) -> List[str]:
    """The guidance topics a message asks about, in the order asked.

    The intent gives one; every question sentence is also read for the phrases of
    each topic, so three questions in one message are three topics. A topic's `said`
    phrases count in any sentence ("i always use alone, nobody knows. anything i
    should do"): said at all, it is worth answering.

    Args:
        message: the user message (`text`, `intent`).
        whole_message: read every sentence for every topic, for a message whose
            intent already says it is a question ("been on gabapentin a year, can i
            just quit cold").
        during_emergency: also read the questions asked while help is called or on
            its way (topics.yml `emergency_topics`: "can i take an aspirin while i
            wait?"), before the others.
    """
    topics = _topics()
    found: Dict[str, None] = {}
    intent = (message.get("intent") or {}).get("name")
    if intent in topics.by_intent:
        found[topics.by_intent[intent]] = None
    text = message.get("text") or ""
    emergency_words = topics.emergency_words if during_emergency else {}
    emergency_said = topics.emergency_said if during_emergency else {}
    for sentence, asks in _sentences(text, topics.question_words):
        padded = f" {sentence} "
        for topic, phrases in emergency_words.items():
            if asks and any(f" {p} " in padded for p in phrases):
                found[topic] = None
        for topic, phrases in emergency_said.items():
            if any(f" {p} " in padded for p in phrases):
                found[topic] = None
        for topic, phrases in topics.words.items():
            if not (asks or whole_message):
                phrases = ()
            if any(f" {p} " in padded for p in phrases) or any(
                topics.says(padded, p) for p in topics.said.get(topic, ())
            ):
                found[topic] = None
    found.update(dict.fromkeys(together_topics(text)))
    # A sign reported in the message brings up its own topic, whatever the words:
    # "took my sub too early after fent, now way worse" is precipitated withdrawal, not
    # how to start buprenorphine (review 54).
    for entity in message.get("entities") or ():
        if entity.get("entity") == RED_FLAG_ENTITY and (
            sign_topic := topics.by_sign.get(str(entity.get("value")))
        ):
            found[sign_topic] = None
    # "I'm a nurse. I had hip surgery and stopped my oxycodone": her own withdrawal,
    # not a patient's (review 54): a topic's `unless_said` keeps it from coming up.
    kept = dict.fromkeys(without_unless_said(list(found), text))
    return _without_guessed_intent(kept, intent, text, topics)


def without_unless_said(topics: Sequence[str], text: str) -> List[str]:
    """`topics` without those whose `unless_said` phrases `text` holds (topics.yml);
    for every reader of topics, the harm-reduction one too (session 30: "feeling
    really low and alone tonight" got the don't-use-alone answer)."""
    padded = f" {normalise(text)} "
    unless = _topics().unless
    return [
        topic
        for topic in topics
        if not any(f" {p} " in padded for p in unless.get(topic, ()))
    ]


def together_topics(text: str) -> List[str]:
    """Topics whose `together` groups are each said somewhere in `text`: "I take
    warfarin for my heart. Can I take ibuprofen for the pain?" (review 31) is two
    sentences and one question."""
    whole = f" {normalise(text)} "
    return [
        topic
        for topic, groups in _topics().together.items()
        if all(any(f" {p} " in whole for p in group) for group in groups)
    ]


def _without_guessed_intent(
    found: Dict[str, None], intent: Optional[str], text: str, topics: "_Topics"
) -> List[str]:
    """The topics found, without the intent's own when it is only the classifier's
    nearest guess beside a specific question.

    Why: "is a fast heartbeat normal in withdrawal?" was read as asking why it hurts,
    and the answer about a racing heart came after a paragraph on why muscles ache
    (review 18). When the message names a specific topic (one with no intent of its
    own) and none of the intent topic's words, the specific one is what was asked.
    """
    guessed = topics.by_intent.get(intent or "")
    if guessed is None or guessed not in found:
        return list(found)
    intent_topics = set(topics.by_intent.values())
    specific = [t for t in found if t != guessed and t not in intent_topics]
    padded = f" {normalise(text)} "
    said_itself = any(
        f" {p} " in padded
        for p in (*topics.words.get(guessed, ()), *topics.said.get(guessed, ()))
    )
    if specific and not said_itself:
        return [t for t in found if t != guessed]
    return list(found)


def pending_questions(tracker: "Tracker", *answered_by: str) -> List[str]:
    """Topics asked since one of the actions `answered_by` last answered, oldest first.

    Why from the history and not a slot: a slot holds one value, and the last question
    asked used to overwrite the others.
    """
    topics: Dict[str, None] = {}
    for event in _events_since_restart(tracker.events):
        if event.get("event") == "action" and event.get("name") in answered_by:
            topics = {}
        elif event.get("event") == "user":
            message = {
                "text": event.get("text"),
                "intent": (event.get("parse_data") or {}).get("intent"),
            }
            for topic in questions_in(message):
                topics[topic] = None
    return list(topics)


def names_a_region(message: Dict[str, Any]) -> bool:
    """Whether a message (a parse, as `tracker.latest_message`) names where the person
    is: a `region` entity ("im in the UK", "i'm in new york")."""
    return any(
        entity.get("entity") == REGION for entity in message.get("entities") or []
    )

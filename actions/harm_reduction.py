"""Harm reduction: straight answers to the questions people who use drugs ask.

Why its own action, answering at once: these are not self-care tips for a muscle, and
some cannot wait for a screen ("if I use tonight is it ok if I'm alone?"). An escalated
conversation never gets here (the safety policy answers every message there). Answers,
sources and refusals (a dose, a conversion, a prescribing decision) live in
data/knowledge/harm_reduction.yml, questions.yml and questions_rev2.yml; the items'
own `not_for` and `contexts` decide who each answer fits, so nothing here knows about
substances.

Why every question in order, and never the same block twice (rev3 review): "took a 3
week break, how much should i cut my usual shot by? is it safe to use alone if i keep
narcan next to me? do the fent strips work on pressed pills" got one generic block, then
the same block twice more. Each question is now answered, specific topic first, the
general staying-safe note only when nothing specific was asked; and an answer already
sent in this conversation is pointed to, with other topics as buttons, instead of
resent word for word.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Text,
    Tuple,
)

import yaml
from rasa_sdk import Action
from rasa_sdk.events import EventType

from actions.checkins import (
    ACTIVE,
    OFFERED,
    asks_how_checkins_work,
    explain_checkins,
    mentions_checkins,
)
from actions.conversation import (
    COMPANY_TOPICS,
    is_a_question,
    message_asked,
    questions_in,
    said_since_restart,
    together_topics,
    without_unless_said,
)
from actions.guidance import (
    asked_again_lead,
    person_of,
    render,
    reply_to_a_repeat,
    without_replaced,
)
from actions.knowledge_base import (
    HARM_REDUCTION_TOPICS,
    AdviceItem,
    KnowledgeBaseError,
    knowledge_base,
)
from actions.paths import data_dir
from actions.slots import BODY_LOCATION, CHECK_INS, REGION, TRIAGE_LEVEL
from bot.language import normalise

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

# The entities that say what hurts: with one, the screen follows this answer at once.
PAIN_ENTITIES = ("body_location", "symptom")

GENERAL = "harm_reduction"
MAX_ANSWERS = 3
"""Three questions in one message get three answers; more would be a wall of text on a
phone, so the rest are offered as buttons."""
MAX_BUTTONS = 4
NOTHING_FITS = (
    "I don't have trusted advice on that for your situation. A pharmacist or doctor "
    "can help, and it's always fine to tell them what you recently stopped or cut down."
)
SAID_NOT_ASKED = (
    "Glad that's useful. It's all in my messages above; ask me anything else, any time."
)
"""To a message that names an answer already sent without asking it again."""
STILL_LISTENING = (
    "I'm listening, and no more tips unless you ask for them. Tell me whatever's on "
    "your mind: how tonight is going, what's keeping you awake, or how you're feeling."
)
"""To someone who asks again only for company (review 43: "i said i dont want tips. i
just want to talk. you dont get it" got "Glad that's useful")."""
GENERAL_ABOVE = (
    "The general safety points are in my message above. Ask me anything more "
    "specific, or tap one of these:"
)
GENERAL_ABOVE_NO_BUTTONS = (
    "The general safety points are in my message above. If you have a more specific "
    "question, just ask it and I'll answer that."
)
ANNOUNCES_A_QUESTION = re.compile(
    r"^\W*(?:ok\W+|so\W+|hi\W+|hey\W+)?(?:i have|i got|ive got|i've got|got|have)"
    r"\s+(?:a|another|one more|1|some)\s+(?:question|q|qs|questions)\b"
)
"""A message that says a question is coming, without asking it yet."""
ASK_AWAY = "Of course, ask me anything about using more safely. Or tap one of these:"
ASK_AWAY_NO_BUTTONS = "Of course: what would you like to know? Just ask it."
NO_SPECIFIC_ANSWER = (
    "I don't have a specific answer to that one here, and I'd rather not guess. A "
    "pharmacist, your doctor or clinic, or a drug service can answer it today."
)
"""Before the pointer, for a typed question nothing specific answers (review 3: "should
i take my normal dose or double to catch up?" got only "I won't repeat them")."""
NO_SPECIFIC_DOSE_ANSWER = (
    "I don't have a safe answer to that one here. Your clinic, prescriber or a "
    "pharmacist can tell you today (for a missed or an extra dose, ask them first and "
    "don't double up)."
)
"""The same for a question about an amount: review 4 found the dose advice given to
"are 7-OH tablets safer?" and "can withdrawal kill you?"."""
AMOUNT_WORDS = re.compile(
    r"\b(dose|doses|dosage|double|doubling|extra|missed|how much|how many|amount|"
    r"mg|mcg|ml|milligrams?|grams?|half|catch up)\b"
)


INVITATION = (
    "If you also have pain, cramps or spasms, tell me where and what you stopped, and "
    "I'll check a few safety questions and help."
)
TOPICS_KEY = "topics"
"""The section of a knowledge file with the phrases that ask each topic."""
FOLLOW_UPS_KEY = "follow_ups"
"""An advice item's topics offered as buttons beside it, or in its place once sent."""
# A question ends at ? . ! or a new line, or where "and", "also" or "plus" starts
# another (as in actions/conversation.py): "is it safe to use alone if i keep narcan
# next to me?" is one question, about using alone; "do strips work on pills and can i
# mix with xanax" is two.
QUESTION_END = re.compile(r"(?<=[?.!\n])|\s+(?:and|also|plus)\s+(?=\w+ )")


@dataclass(frozen=True)
class TopicCues:
    """How one harm-reduction topic is asked and offered."""

    instead_of: Tuple[str, ...] = ()
    """Topics its answer covers when both are asked in the same question."""
    title: Optional[str] = None
    """Its button's title; no title, no button."""
    ask: Optional[str] = None
    """What its button sends: a question the NLU and topics.yml already know."""


@dataclass(frozen=True)
class Cues:
    """The `topics` sections and advice `follow_ups` of the knowledge files."""

    topics: Mapping[str, TopicCues]
    follow_ups: Mapping[str, Tuple[str, ...]]
    """advice item id -> topics to offer as buttons with it."""


def load_cues(folder: Path) -> Cues:
    """Reads every knowledge file of `folder`; a malformed entry fails naming the file,
    topic (or item) and field, like the knowledge base itself."""
    topics: Dict[str, TopicCues] = {}
    first_seen: Dict[str, Path] = {}
    offered_by: Dict[str, Tuple[str, ...]] = {}
    where_offered: Dict[str, str] = {}
    for path in sorted(folder.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for topic, entry in (content.get(TOPICS_KEY) or {}).items():
            if str(topic) in first_seen:
                raise KnowledgeBaseError(
                    f"File '{path}', topic '{topic}': already in a '{TOPICS_KEY}' "
                    f"section of '{first_seen[str(topic)]}'."
                )
            first_seen[str(topic)] = path
            topics[str(topic)] = _topic_cues(path, str(topic), entry)
        for raw in content.get("advice") or []:
            if isinstance(raw, dict) and FOLLOW_UPS_KEY in raw:
                item_id = str(raw.get("id"))
                where_offered[item_id] = f"File '{path}', advice '{item_id}'"
                offered_by[item_id] = _topics_list(
                    where_offered[item_id], FOLLOW_UPS_KEY, raw[FOLLOW_UPS_KEY]
                )
    for item_id, offered in offered_by.items():
        without_button = [
            t for t in offered if topics.get(t, TopicCues()).title is None
        ]
        if without_button:
            raise KnowledgeBaseError(
                f"{where_offered[item_id]}: field '{FOLLOW_UPS_KEY}' names "
                f"{without_button}, which have no 'button' in a '{TOPICS_KEY}' section."
            )
    return Cues(topics, offered_by)


def _topic_cues(path: Path, topic: str, entry: Any) -> TopicCues:
    where = f"File '{path}', topic '{topic}'"
    if topic not in HARM_REDUCTION_TOPICS:
        raise KnowledgeBaseError(
            f"{where}: not a harm-reduction topic ({', '.join(HARM_REDUCTION_TOPICS)})."
        )
    if not isinstance(entry, dict):
        raise KnowledgeBaseError(f"{where}: needs 'button' or 'instead_of'.")
    if "said" in entry:
        raise KnowledgeBaseError(
            f"{where}: the words that ask a topic live in data/dialogue/topics.yml."
        )
    button = entry.get("button") or {}
    if button and not (
        isinstance(button, dict)
        and isinstance(button.get("title"), str)
        and isinstance(button.get("ask"), str)
    ):
        raise KnowledgeBaseError(f"{where}: field 'button' needs 'title' and 'ask'.")
    return TopicCues(
        _topics_list(where, "instead_of", entry.get("instead_of") or []),
        button.get("title"),
        button.get("ask"),
    )


def _topics_list(where: str, field: str, value: Any) -> Tuple[str, ...]:
    if not isinstance(value, list) or any(
        topic not in HARM_REDUCTION_TOPICS for topic in value
    ):
        raise KnowledgeBaseError(
            f"{where}: field '{field}' must be a list of harm-reduction topics."
        )
    return tuple(str(topic) for topic in value)


@lru_cache(maxsize=1)
def cues() -> Cues:
    """The project's cues, read once per process."""
    return load_cues(data_dir() / "knowledge")


def topics_asked(message: Mapping[str, Any]) -> List[str]:
    """The harm-reduction topics a message asks, in the order asked.

    Why question by question, word by word: three questions in one message are three
    answers, in the person's order ("theres tranq in everything, does narcan work on
    it" is first about xylazine); and within one question an answer that covers another
    replaces it ("is it safe to use alone if i keep narcan next to me" is not "where do
    I get naloxone"). Every sentence counts: the intent already says it is a question.
    """
    found: Dict[str, None] = dict.fromkeys(
        questions_in({"intent": message.get("intent"), "text": ""})
    )
    for question in QUESTION_END.split(str(message.get("text") or "")):
        here = _in_order_said(normalise(question).split())
        covered = {
            other
            for topic in here
            for other in cues().topics.get(topic, TopicCues()).instead_of
        }
        found.update(dict.fromkeys(t for t in here if t not in covered))
    # Topics said across sentences ("Should I be worried about the bruise? I'm on
    # warfarin", review 32), in place of what they cover.
    together = together_topics(str(message.get("text") or ""))
    replaced = {
        other
        for topic in together
        for other in cues().topics.get(topic, TopicCues()).instead_of
    }
    found = {t: None for t in [*found, *together] if t not in replaced}
    return [
        topic
        for topic in without_unless_said(
            without_replaced(list(found)), str(message.get("text") or "")
        )
        if topic in HARM_REDUCTION_TOPICS
    ]


def _in_order_said(words: Sequence[str]) -> List[str]:
    """The harm-reduction topics of one question (its normalised `words`), in the order
    their phrases end: the topic words of data/dialogue/topics.yml, read as a whole
    harm-reduction question is.

    Why a binary search over prefixes: a topic said in a prefix is said in every longer
    one, so each topic's place takes a few look-ups, even in a 10,000-character
    message with no full stop.
    """
    whole = _said_in(words)
    first_end = {
        topic: bisect_left(
            range(1, len(words) + 1),
            True,
            key=lambda end: topic in _said_in(words[:end]),
        )
        for topic in whole
    }
    return sorted(whole, key=first_end.__getitem__)


def _said_in(words: Sequence[str]) -> List[str]:
    """The harm-reduction topics whose phrases (data/dialogue/topics.yml, the one
    list of the words that ask each topic) are in `words`, in topics.yml order."""
    padded = f" {' '.join(words)} "
    return [
        topic
        for topic in questions_in({"text": padded}, whole_message=True)
        if topic in HARM_REDUCTION_TOPICS
    ]


def bot_texts(tracker: "Tracker") -> List[str]:
    """What the bot has said since the last restart."""
    return said_since_restart(tracker, "bot")


def already_sent(items: Sequence[AdviceItem], said: Iterable[str]) -> bool:
    """Whether every item's text is in something the bot already said (here, or as the
    staying-safe note of the first advice)."""
    said = list(said)
    return bool(items) and all(
        any(item.text in text for text in said) for item in items
    )


def title_of(topic: str) -> str:
    """The topic as a person reads it: its button title, else its name."""
    return cues().topics.get(topic, TopicCues()).title or topic.replace("_", " ")


def buttons_for(topics: Iterable[str]) -> List[Dict[str, str]]:
    """Buttons that send each topic's question, as if the person had typed it."""
    buttons = []
    for topic in dict.fromkeys(topics):
        cue = cues().topics.get(topic)
        if cue and cue.title and cue.ask:
            buttons.append({"title": cue.title, "payload": cue.ask})
    return buttons[:MAX_BUTTONS]


def follow_ups(
    general: Sequence[AdviceItem], person: Mapping[str, Any], said: Iterable[str]
) -> List[str]:
    """The topics offered beside the person's general note (its items' `follow_ups`)
    that have not been answered yet: a button that resends an answer would be the very
    repeat people complained about."""
    said = list(said)
    return [
        topic
        for item in general
        for topic in cues().follow_ups.get(item.item_id, ())
        if not already_sent(knowledge_base().lookup(topic, person), said)
    ]


class ActionHarmReduction(Action):
    """Answers the harm-reduction question(s) in the latest message."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_harm_reduction"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """The matching answers with their sources, each question in order; then,
        before any screen, an invitation to say what hurts."""
        typed = str(tracker.latest_message.get("text") or "")
        if asks_how_checkins_work(typed) and (
            tracker.get_slot(CHECK_INS) in (OFFERED, ACTIVE) or mentions_checkins(typed)
        ):
            # Not "sick of going to the clinic every day ... how does it work", about
            # methadone, with no check-in offered (review 37: the check-ins explained).
            # "How do the check-ins work? Will you send me texts? I share a phone"
            # (review 31: the staying-safe note).
            explain_checkins(dispatcher)
            return []
        kb = knowledge_base()
        person = person_of(tracker)
        region_known = tracker.get_slot(REGION) is not None
        said = bot_texts(tracker)
        general = kb.lookup(GENERAL, person)
        # What fits this person: an MS patient asking where to get baclofen tonight
        # never gets the general "if you use again" note in place of an answer.
        answers = [
            (topic, items)
            for topic in topics_asked(message_asked(tracker))
            if (items := kb.lookup(topic, person))
        ]
        text = str(tracker.latest_message.get("text") or "")
        if (
            answers
            and all(already_sent(items, said) for _, items in answers)
            and not text.startswith("/")
            and not is_a_question(text)
        ):
            # "anyway thanks for the test strip stuff" names an answer it is not
            # asking for again (review 32: the whole answer, "Here it is again").
            dispatcher.utter_message(
                text=STILL_LISTENING
                if {topic for topic, _ in answers} <= COMPANY_TOPICS
                else SAID_NOT_ASKED
            )
            return []
        if answers:
            texts, offer = self._specific(
                answers,
                general,
                person,
                said,
                region_known,
                asked_again_lead(tracker),
                missed=reply_to_a_repeat(text),
            )
        else:
            texts, offer = self._general(general, person, said, region_known)
            typed = not str(tracker.latest_message.get("text") or "").startswith("/")
            if (
                typed
                and texts
                and texts[0] in (GENERAL_ABOVE, GENERAL_ABOVE_NO_BUTTONS)
            ):
                asked = str(tracker.latest_message.get("text") or "").lower()
                if ANNOUNCES_A_QUESTION.match(asked) and "?" not in asked:
                    # "I have a question about using" (the greeting's button, typed)
                    # asks nothing yet: no "I don't have a specific answer" (review
                    # 33), an invitation to ask it.
                    texts = [
                        ASK_AWAY if texts[0] == GENERAL_ABOVE else ASK_AWAY_NO_BUTTONS
                    ]
                else:
                    lead = (
                        NO_SPECIFIC_DOSE_ANSWER
                        if AMOUNT_WORDS.search(asked)
                        else NO_SPECIFIC_ANSWER
                    )
                    texts = [lead, *texts]
        said_pain = any(
            entity.get("entity") in PAIN_ENTITIES
            for entity in tracker.latest_message.get("entities", [])
        )
        said_before = tracker.get_slot(BODY_LOCATION) or (
            tracker.active_loop or {}
        ).get("name")
        if tracker.get_slot(TRIAGE_LEVEL) is None and not (said_pain or said_before):
            # A message that already said what hurts goes straight on to the screen
            # (bot/policies/screen_policy.py): no invitation to say it again, nor to a
            # person who said it before or is in the screen (review 23: a mother told
            # to "tell me where" after saying his legs were jerking).
            texts.append(INVITATION)
        buttons = buttons_for(offer)
        for index, text in enumerate(texts):
            last = index == len(texts) - 1
            dispatcher.utter_message(text=text, buttons=buttons if last else [])
        return []

    @staticmethod
    def _specific(
        answers: Sequence[Tuple[str, List[AdviceItem]]],
        general: Sequence[AdviceItem],
        person: Mapping[str, Any],
        said: Sequence[str],
        region_known: bool,
        again_lead: str,
        missed: Optional[str] = None,
    ) -> Tuple[List[str], List[str]]:
        """Each question's answer in the order asked, an answer already sent as a short
        reminder; the questions beyond `MAX_ANSWERS` as buttons. `again_lead`: the
        line before an answer sent before (`asked_again_lead`). `missed`: the reply
        instead of an answer already sent, when the person said it missed their
        question ("thats not what i asked. is going 1.5 to 0.5 too fast??": not the
        same paragraph again, review 35, but honestly who can answer it) or that it
        was said already (reviews 39 and 40)."""
        shown = answers[:MAX_ANSWERS]
        later = [topic for topic, _ in answers[MAX_ANSWERS:]]
        texts = []
        repeats = 0
        for _, items in shown:
            # A specific question asked again gets its answer again: "I answered that
            # above" read as a brush-off (session 6 review 2, 15 replies). Only the
            # general staying-safe note is pointed to instead of resent (below).
            repeated = already_sent(items, said)
            repeats += repeated
            if repeated and missed:
                if missed not in texts:
                    texts.append(missed)
                continue
            text = render(items, region_known)
            texts.append(f"{again_lead}\n{text}" if repeated else text)
            # "Not in the US? Tell me where you are" once per reply is enough.
            region_known = region_known or any(item.regions for item in items)
        if later:
            texts.append(
                "You also asked about "
                + ", ".join(title_of(topic).lower() for topic in later)
                + ": tap it below or ask again."
            )
        offer = later
        if repeats == len(shown):
            offer = [*later, *follow_ups(general, person, said)]
        answered = {topic for topic, _ in shown}
        return texts, [topic for topic in offer if topic not in answered]

    @staticmethod
    def _general(
        general: Sequence[AdviceItem],
        person: Mapping[str, Any],
        said: Sequence[str],
        region_known: bool,
    ) -> Tuple[List[str], List[str]]:
        """The general staying-safe note with its follow-up topics; once sent, a pointer
        to it and the follow-ups instead of the same block again."""
        if not general:
            return [NOTHING_FITS], []
        offer = follow_ups(general, person, said)
        if not already_sent(general, said):
            return [render(list(general), region_known)], offer
        return [
            GENERAL_ABOVE if buttons_for(offer) else GENERAL_ABOVE_NO_BUTTONS
        ], offer

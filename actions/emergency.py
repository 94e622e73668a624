"""The emergency reply: the number to call and why first, then what to do while
waiting; and every later reply while the conversation stays escalated.

Why later replies read the whole conversation: a review of 39 simulated people found
the bot "stuck in emergency mode". It said "Please call 911 now" to people who had
called, to a mother whose son was awake after naloxone, and after "thanks", and it
resent the same block turn after turn. What the earlier messages said (help called, the
crisis over) now decides the reply; only a new sign, or the sign coming back once the
crisis was over, brings the "call now" script back. The words that decide and the
replies are data (data/dialogue/help_arrived.yml, data/dialogue/after_care.yml,
data/safety/suicide.yml); the words are read in `actions.after_emergency`, and this
module composes the replies.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Collection,
    Dict,
    FrozenSet,
    List,
    Optional,
    Sequence,
    Text,
    Tuple,
)

from rasa_sdk import Action
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet

from actions.after_emergency import (
    HELP_ARRIVED_FILE,
    AfterCare,
    after_care_entry,
    after_care_for,
    after_care_words,
    asks_what_now,
    call_again_if,
    data_field,
    help_arrived_document,
    help_is_coming,
    load_data,
    refuses_help,
    says_crisis_over,
    says_goodbye,
    says_help_is_not_coming,
    says_seen,
    says_worse,
    team_is_here,
)
from actions.answers import normalise
from actions.conversation import (
    _events_since_restart,
    beside_signs,
    emergency_replies_sent,
    emergency_reply_sent,
    emergency_topic_names,
    latest_flags,
    names_a_region,
    reported_flags,
    said_since_restart,
)
from actions.guidance import answers_to_latest
from actions.slots import (
    ASKING_FOR,
    EMERGENCY,
    MOOD_SLOT,
    RED_FLAG_ENTITY,
    REGION,
    REQUESTED_SLOT,
    SAFE_NOW,
    SCREEN_FLAG,
    SOMEONE_ELSE,
    SUBSTANCE_CLASS,
    TRIAGE_FORM,
    TRIAGE_LEVEL,
    URGENT,
)
from bot.language import crisis_line_in_language, says_any
from bot.safety.catalogue import (
    GENERIC_FLAG,
    ForSelf,
    RedFlag,
    Region,
    confirmed_same_day,
    hinted_regions,
    red_flag,
    region,
    steps_for,
)
from bot.safety.context_signs import signs_in_context
from bot.safety.names import CONCEPTS_KEY, OVERDOSE, SEMANTIC_EXTRACTOR

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

logger = logging.getLogger(__name__)

SUICIDAL = "suicidal"
KIND_CLOSINGS = {
    "thank": "You're welcome, and well done for reaching out.",
    "goodbye": "Please don't stay alone with this.",
}
SUICIDE_FILE = ("safety", "suicide.yml")
SUMMARY_BUTTON = {"title": "Summary for the team", "payload": "/request_summary"}

# The kinds of later reply (`later_reply_kind`).
FULL = "full"
"""The whole emergency reply again: a new sign, or the sign back after the crisis."""
REFUSAL = "refusal"
REMINDER = "reminder"
"""Help not yet called: the call line again (the steps only the first time)."""
HANDOVER = "handover"
ARRANGED = "arranged"
STILL = "still"
WORSE = "worse"
CLOSE = "close"
AFTER_CARE = "after_care"
FOLLOW_UP = "follow_up"


def _in_turn(wordings: Any, turn: int) -> str:
    """One wording of a list, taken in turn (a single string is its own list)."""
    if isinstance(wordings, str):
        return wordings
    return str(wordings[turn % len(wordings)])


def _bullets(steps: Sequence[str]) -> List[str]:
    return [f"• {step}" for step in dict.fromkeys(steps)]


def _names(flags: Sequence[RedFlag]) -> str:
    return " and ".join(flag.name for flag in flags)


def call_line(flag: RedFlag, place: Region, also: Sequence[Region] = ()) -> str:
    """The first line: whom to call now, and that it is because of what they said.
    `also`: regions the person's words hint at (`hinted_regions`), whose numbers go
    beside it until they say where they are."""
    if flag.flag_id == SUICIDAL:
        elsewhere = "".join(f" In {other.name}: {other.crisis}." for other in also)
        return (
            f"Please reach out right now: {place.crisis}.{elsewhere} If you might act "
            f"on these thoughts or are in danger, call {place.emergency} now."
        )
    elsewhere = "".join(f"; {other.emergency} in {other.name}" for other in also)
    line = f"🚨 Please call {place.emergency} now (emergency services{elsewhere})."
    if flag.flag_id == OVERDOSE and place.poison:
        line += f" {place.poison} can also advise."
    return line


@lru_cache(maxsize=1)
def _suicide_texts() -> Dict[str, Any]:
    return load_data(SUICIDE_FILE)


@lru_cache(maxsize=8)
def _suicide_phrases(key: str) -> Tuple[str, ...]:
    """A phrase list of data/safety/suicide.yml, normalised and padded once."""
    return tuple(
        f" {normalise(str(words))} " for words in _suicide_texts().get(key) or ()
    )


def _says_any(text: str, key: str) -> bool:
    padded = f" {normalise(text)} "
    return any(phrase in padded for phrase in _suicide_phrases(key))


@lru_cache(maxsize=1)
def _feelings() -> Tuple[Tuple[str, ...], str]:
    """The words of fear or shock and the line that answers them
    (data/dialogue/help_arrived.yml `feelings`)."""
    document = help_arrived_document()
    words = data_field(document, HELP_ARRIVED_FILE, "feelings", "words")
    lead = data_field(document, HELP_ARRIVED_FILE, "feelings", "lead")
    return tuple(f" {normalise(str(w))} " for w in words), str(lead)


def says_feelings(text: str) -> bool:
    """Whether a message during an emergency says fear or shock ("im so scared")."""
    padded = f" {normalise(text)} "
    return any(word in padded for word in _feelings()[0])


def feelings_lead() -> str:
    """The line said to fear or shock before the steps."""
    return _feelings()[1]


def says_no_only_for_now(text: str) -> bool:
    """Whether a No about thoughts of suicide holds only for now ("not right now"):
    no clear No (`not_a_clear_no` in data/safety/suicide.yml)."""
    return _says_any(text, "not_a_clear_no")


def suicide_text(key: str) -> str:
    """A text of data/safety/suicide.yml, or an error naming the field."""
    return str(data_field(_suicide_texts(), SUICIDE_FILE, key))


def _person_words(text: str) -> Tuple[int, int]:
    """How many words of `text` are about someone else ("my son", "he"), and how many
    about the writer ("i", "me"). A person named ("my son", "17 year old son") counts
    twice: a parent tells the story in the first person ("I found foil... what do I
    do?"), and review 17's mother was screened as the patient."""
    padded = f" {normalise(text)} "
    # "yes i just said its getting black", about a friend's wound: the writer telling,
    # not the one it is about (review 22: "do you have a fever?").
    told = padded
    for phrase in _suicide_phrases("narrator"):
        told = told.replace(phrase, " ")

    def count(key: str, said: str) -> int:
        return sum(
            said.count(phrase) * (2 if " " in phrase.strip() else 1)
            for phrase in _suicide_phrases(key)
        )

    return count("others", padded), count("self", told)


def says_it_is_for_someone_else(text: str) -> bool:
    """Whether the text says outright that the questions are for someone else ("asking
    for my son", "its not me, its my girlfriend"; data/safety/suicide.yml
    `for_someone_else`)."""
    return _says_any(text, "for_someone_else")


def about_someone_else(text: str) -> bool:
    """Whether the person writes about someone else ("my son said goodbye...") rather
    than themselves: more words of the first kind than of the second."""
    others, writer = _person_words(text)
    return others > writer


def says_safe_now(text: str) -> bool:
    """Whether the person says they are safe now, with no plan ("not a plan or
    anything, im safe tonight")."""
    return _says_any(text, "safe_now_words")


def first_about_someone_else(texts: Sequence[str]) -> Optional[bool]:
    """Whom the first of `texts` that says it is about: someone else (True), the writer
    (False), or None when none says."""
    for text in texts:
        others, writer = _person_words(text)
        if others != writer:
            return others > writer
    return None


def writes_for_someone_else(texts: Sequence[str], otherwise: bool) -> bool:
    """Whom the first of `texts` that says whom it is about speaks of (someone else:
    True); `otherwise` when none says ("not sure" to the screen's question about a
    grandson: the screen's `asking_for` decides, review 51)."""
    about = first_about_someone_else(texts)
    return otherwise if about is None else about


def first_says_someone_else(texts: Sequence[str]) -> bool:
    """Whether the first of `texts` that says whom it is about ("he wont wake up", then
    "i called 911") is about someone else: the message that raised the alarm decides,
    not a later one about the call."""
    return first_about_someone_else(texts) is True


def _suicide_fill(place: Region) -> Dict[str, str]:
    return {"crisis": place.crisis, "emergency": place.emergency, "place": place.name}


def suicide_message(
    place: Region, for_helper: bool, also: Sequence[Region] = ()
) -> str:
    """The reply to suicide warning signs: the crisis line first, the emergency number
    for danger now, a few safety steps (data/safety/suicide.yml)."""
    texts = _suicide_texts()["for_helper" if for_helper else "for_self"]
    fill = _suicide_fill(place)
    call = texts["call"].format(**fill)
    call += "".join(
        f" In {other.name}: {other.crisis}; emergency {other.emergency}."
        for other in also
    )
    lines = [call, texts["lead"].format(**fill)]
    if texts.get("danger"):
        lines.append(texts["danger"].format(**fill))
    lines.extend(f"• {step.format(**fill)}" for step in texts["steps"])
    lines.append(texts["close"].format(**fill))
    return "\n".join(lines)


def suicide_later_message(
    key: str,
    place: Region,
    text: str,
    turn: int = 0,
    for_helper: Optional[bool] = None,
) -> str:
    """A later reply about thoughts of suicide (`key` of data/safety/suicide.yml:
    `reminder`, `handover`, `arranged`, `goodbye`, ...), for the person or for someone
    helping them: `for_helper` when the caller knows (the message that raised the
    alarm decides: "i texted my sister, she's coming" is still the person), else as
    `text` (the conversation so far) reads."""
    if for_helper is None:
        for_helper = about_someone_else(text)
    who = "for_helper" if for_helper else "for_self"
    wordings = data_field(_suicide_texts(), SUICIDE_FILE, who, key)
    return _in_turn(wordings, turn).format(**_suicide_fill(place))


def ambulance_first(flags: Sequence[RedFlag]) -> List[RedFlag]:
    """`flags` with the signs that need an ambulance before suicide warning signs:
    "took all his pills on purpose, he's hard to wake" gets the overdose reply (the
    call, the steps while waiting) with the crisis line beside it, not the suicide
    reply alone, where the emergency number comes only with an "if"."""
    return sorted(flags, key=lambda flag: flag.flag_id == SUICIDAL)


NOT_OPIOID_WITHDRAWAL = frozenset({"alcohol", "benzodiazepine", "baclofen"})
"""Withdrawal where a seizure, not an overdose, is what leaves someone unresponsive."""


def withdrawal_seizure_first(
    flags: Sequence[RedFlag], substance_class: Optional[str]
) -> List[RedFlag]:
    """`flags` with a seizure before an overdose for someone stopping alcohol, a benzo
    or baclofen: "shaking on the floor and not responding, he stopped drinking 2 days
    ago" is a withdrawal seizure, and its reply and after-care lead (review 24: the
    roommate got opioid after-care, "naloxone can wear off")."""
    ids = [flag.flag_id for flag in flags]
    if substance_class not in NOT_OPIOID_WITHDRAWAL or not (
        "seizure" in ids and "overdose" in ids
    ):
        return list(flags)
    return sorted(flags, key=lambda flag: flag.flag_id != "seizure")


def emergency_message(
    flags: List[RedFlag],
    place: Region,
    text: str = "",
    also: Sequence[Region] = (),
    help_called: bool = False,
    for_helper: Optional[bool] = None,
) -> str:
    """The full emergency reply for one or more red flags; `also`: regions the
    person's words hint at, whose numbers go beside the default's; `help_called`: the
    person said help is called or coming, so the first line says to tell them;
    `for_helper`: the person writes about someone else (None: read from `text`)."""
    lead = ambulance_first(flags)[0]
    if lead.flag_id == SUICIDAL:
        helper = about_someone_else(text) if for_helper is None else for_helper
        reply = suicide_message(place, helper, also)
        in_language = crisis_line_in_language(text, place.emergency)
        return f"{in_language}\n{reply}" if in_language else reply
    # Beside a sign that needs an ambulance, thoughts of suicide get their own line
    # (`beside_emergency`), not a name and steps worded for the person themselves.
    physical = [flag for flag in flags if flag.flag_id != SUICIDAL]
    first = (
        str(help_arrived_document()["new_sign_after_call"]).format(
            names=_names(physical), emergency=place.emergency
        )
        if help_called
        else call_line(lead, place, also)
    )
    for_self = _told_by_the_one_it_happens_to(lead, text)
    lines = [
        first,
        f"You mentioned {_names(physical)}. {for_self.why if for_self else lead.why}",
        "While you wait:",
    ]
    steps = (
        list(for_self.do_now)
        + steps_for([flag for flag in physical if flag is not lead])
        if for_self
        else steps_for(physical)
    )
    # A parent or a partner is the someone who stays (review 19: "have someone stay
    # with you" to a mother about her son).
    steps.append(
        "Unlock the door, keep your phone on, and stay with them."
        if about_someone_else(text)
        else "Unlock the door, keep your phone on, and have someone stay with you "
        "if possible."
    )
    lines.extend(_bullets(steps))
    if len(physical) < len(flags):
        who = "for_helper" if about_someone_else(text) else "for_self"
        lines.append(
            str(
                data_field(_suicide_texts(), SUICIDE_FILE, who, "beside_emergency")
            ).format(**_suicide_fill(place))
        )
    lines.append(
        "I can't give self-care tips for this: it needs a medical team now. "
        f"Not in {place.name}? Tell me where you are and I'll give the right number."
    )
    return "\n".join(lines)


def _told_by_the_one_it_happens_to(lead: RedFlag, text: str) -> Optional[ForSelf]:
    """`lead`'s reason and steps for the writer, when the entry has them and the
    message says it is happening to the writer ("i took too many of my sleeping
    pills"), not to someone they are with."""
    if lead.for_self is None or about_someone_else(text):
        return None
    padded = f" {normalise(text)} "
    said = any(f" {normalise(cue)} " in padded for cue in lead.for_self.cues)
    return lead.for_self if said else None


# Questions answered even while a conversation is escalated: each helps the person
# call for help or keep someone safe until it comes (data/knowledge/questions.yml).
EMERGENCY_TOPICS = (
    # Asked while help is called or on its way (topics.yml `emergency_topics`).
    *emergency_topic_names(),
    "police",
    "cps_fear",
    "after_naloxone",
    "helpline_privacy",
    "naloxone",
    # Review 43: "are you judging me rn", asked twice beside the 999 reply.
    "not_judging",
    # Review 72: "He has a naloxone kit from his clinic, the injection one. Should I
    # use it?" got where to get the nasal spray.
    "injectable_naloxone",
)


LIFE_SAVING_TOPICS = (
    "cpr",
    "seizure_first_aid",
    "recovery_position",
    "naloxone_steps",
    "injectable_naloxone",
    "snoring_is_danger",
    # Fear of the police or of losing the children keeps people from calling (review
    # 44: "will the cops come and arrest us" went unanswered beside "call 911 now").
    "police",
    "cps_fear",
)
"""Answered in the emergency reply itself, help called or not."""
DRIVE_THEM = "drive_them"
DRIVE_THEM_BY_CAR = "drive_them_by_car"
"""Being driven in, answered for a sign where a lift to the emergency department is
fine (data/knowledge/while_waiting.yml)."""


def refusal_message(place: Region) -> str:
    """The next-safest way to a medical team, for someone who won't call."""
    urgent = (
        f"If you're not sure where to go, {place.urgent} can tell you. "
        if (place.urgent)
        else ""
    )
    return str(help_arrived_document()["refusal_reply"]).format(
        urgent=urgent, emergency=place.emergency
    )


def _render_after_care(care: AfterCare, fill: Dict[str, str], seen: bool) -> str:
    """The after-care text, then its sources by name."""
    lines = [
        care.lead.format(**fill),
        *_bullets([s.format(**fill) for s in care.steps]),
    ]
    lines.append(care.watch.format(**fill))
    if care.not_seen and not seen:
        lines.append(care.not_seen.format(**fill))
    label = "Sources" if ";" in care.source else "Source"
    lines.append(f"{label}: {care.source}")
    return "\n".join(lines)


def _suicide_after_care(text: str) -> AfterCare:
    who = "for_helper" if about_someone_else(text) else "for_self"
    return after_care_entry(_suicide_texts(), SUICIDE_FILE, who, "after_care")


@dataclass(frozen=True)
class Stage:
    """What the messages since the emergency reply said about help (read from the
    conversation: a slot would be one more thing to keep in step)."""

    help_arranged: bool = False
    """help was called, is coming or is there"""
    crisis_over: bool = False
    """the person woke up, was seen or sent home, and it has not come back since"""
    help_news: int = 0
    """how many messages said help was called, coming or there"""
    closes: int = 0
    """how many thanks or goodbyes came once help was arranged (each gets new words)"""
    texts: Tuple[str, ...] = ()
    """the person's messages since the one that escalated, that one included"""
    team_here: bool = False
    """the medical team is there or has taken them: no more waiting steps"""


def _user_events_since_escalation(
    tracker: "Tracker", action_name: str
) -> List[Dict[str, Any]]:
    """The person's messages from the one answered by the first emergency reply up to,
    not including, the latest (since the last restart or corrected false alarm).

    Why not earlier ones: before the emergency, "they arrived at 8 and he took pills"
    says nothing about an ambulance.
    """
    users: List[Dict[str, Any]] = []
    start = None
    for event in _events_since_restart(tracker.events, since_correction=True):
        if event.get("event") == "user":
            users.append(event)
        elif (
            start is None
            and event.get("event") == "action"
            and event.get("name") == action_name
        ):
            start = max(len(users) - 1, 0)
    return users[start:-1] if start is not None else []


def _has_emergency_sign(event: Dict[str, Any]) -> bool:
    return any(
        entity.get("entity") == RED_FLAG_ENTITY and entity.get("role") == EMERGENCY
        for entity in (event.get("parse_data") or {}).get("entities") or []
    )


def stage_of(tracker: "Tracker", action_name: str) -> Stage:
    """Where the conversation stands, from the messages before the latest.

    A sign (or "he's worse") said after the crisis was over means it came back: the
    bot told them to call again, so help is no longer taken as arranged.
    """
    arranged = over = here = False
    news = closes = 0
    texts = []
    for index, event in enumerate(_user_events_since_escalation(tracker, action_name)):
        text = str(event.get("text") or "")
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        texts.append(text)
        if (arranged or over) and says_goodbye(text, intent or ""):
            closes += 1
        if says_crisis_over(text) and index > 0:
            # Not in the message that raised the alarm: "i passed out on the floor
            # ... and woke up with my butt really hard" tells how it began (review
            # 36: "can i just drink water and wait?" then got the after-care and the
            # hydration tip).
            over = True
        elif over and (_has_emergency_sign(event) or says_worse(text)):
            over = arranged = False
        if help_is_coming(text):
            arranged = True
            here = here or team_is_here(text)
            news += 1
        elif says_help_is_not_coming(text):
            arranged = here = False
    return Stage(arranged, over, news, closes, tuple(texts), here)


def later_reply_kind(
    stage: Stage, said: str, intent: str, repeated_sign: bool, may_refuse: bool
) -> str:
    """Which reply a later message gets, the conversation already escalated and no
    new sign in it.

    Args:
        stage: what the earlier messages said (`stage_of`).
        said: the latest message.
        intent: its intent.
        repeated_sign: it reports again a sign reported before.
        may_refuse: every sign is one where getting there another way is a fair
            second best (`refusal_fits`).
    """
    help_now = help_is_coming(said)
    over_now = says_crisis_over(said)
    if says_help_is_not_coming(said) and not help_now:
        # "THERE IS NO TEAM. nobody is coming" (review 19): not "until the team
        # takes over", but the way to a medical team.
        stage = dataclasses.replace(stage, help_arranged=False)
        if not repeated_sign:
            return REFUSAL if may_refuse else REMINDER
    if repeated_sign:
        if over_now:
            # "they gave him narcan and hes awake now": the lexicon reads an overdose.
            return FOLLOW_UP if stage.crisis_over else AFTER_CARE
        if help_now or (stage.help_arranged and not stage.crisis_over):
            return STILL
        return FULL
    if may_refuse and refuses_help(said):
        return REFUSAL
    if over_now:
        return FOLLOW_UP if stage.crisis_over else AFTER_CARE
    settled = stage.help_arranged or stage.crisis_over
    if (settled or help_now) and says_worse(said):
        # "I already called. they said 40 minutes. he is getting worse, very hot now"
        # got "if anything gets worse, call again" (review 22): it already has.
        return WORSE
    if help_now:
        return HANDOVER
    if settled and says_goodbye(said, intent):
        return CLOSE
    if stage.crisis_over:
        return FOLLOW_UP
    if stage.help_arranged:
        return ARRANGED
    return REMINDER


@dataclass(frozen=True)
class LaterTurn:
    """A later message and what the reply to it is made from."""

    flags: Tuple[RedFlag, ...]
    place: Region
    said: str
    intent: str = ""
    turn: int = 0
    """how many later replies came before this one"""
    stage: Stage = Stage()
    concepts: FrozenSet[str] = frozenset()
    """the lexicon's concepts in the latest message (its parse's `red_flag_concepts`)"""
    asked_about_someone_else: bool = False
    """the screen asked about someone else (the `asking_for` slot): the messages since
    the emergency ("not sure") may not say whom it is about"""

    @property
    def suicidal(self) -> bool:
        return self.flags[0].flag_id == SUICIDAL

    @property
    def conversation(self) -> str:
        """Every message since the emergency: whom the suicide texts speak to."""
        return " ".join((*self.stage.texts, self.said))

    @property
    def for_self(self) -> bool:
        """Whether the person writes about themselves, not someone they are with: the
        texts then say "have someone stay with you", not "stay with the person"."""
        return not writes_for_someone_else(
            (*self.stage.texts, self.said), self.asked_about_someone_else
        )

    def fill(self) -> Dict[str, str]:
        """The blanks of the help-arrived and after-care texts."""
        return {
            "names": _names(self.flags),
            "emergency": self.place.emergency,
            "call_again_if": call_again_if(self.flags, self.for_self),
            "crisis": self.place.crisis,
        }


def _help_text(*keys: str) -> Any:
    """A reply text of data/dialogue/help_arrived.yml, or an error naming the field."""
    return data_field(help_arrived_document(), HELP_ARRIVED_FILE, *keys)


def _person_text(turn: LaterTurn, *keys: str) -> Any:
    """A help-arrived text in the words for whom it is about: the `_self` variant of
    the last key, when there is one, for the person it is happening to."""
    if turn.for_self:
        *parents, last = keys
        parent = _help_text(*parents) if parents else help_arrived_document()
        if isinstance(parent, dict) and parent.get(f"{last}_self"):
            return parent[f"{last}_self"]
    return _help_text(*keys)


def _steps_if_asked(turn: LaterTurn, lead_key: str) -> List[str]:
    """The sign's steps once more, for someone who asks what to do now."""
    if not asks_what_now(turn.said, turn.intent):
        return []
    return [
        _person_text(turn, *lead_key.split(".")),
        *_bullets(steps_for_turn(turn)),
    ]


def handover_message(turn: LaterTurn) -> str:
    """For someone who says help is called, coming or there: well done, what to tell
    the team; the steps again only if they ask what to do. Later news ("they're
    here") gets other words and no "before they arrive"."""
    if turn.suicidal:
        return suicide_later_message(
            "handover", turn.place, turn.conversation, for_helper=not turn.for_self
        )
    if turn.stage.team_here or team_is_here(turn.said):
        return _team_here_message(turn)
    steps = _steps_if_asked(turn, "handover.wait_steps")
    if turn.stage.help_news:
        opening = _in_turn(_help_text("handover", "again"), turn.stage.help_news - 1)
        lines = [opening, *steps, _help_text("handover", "tell")]
    else:
        lines = [
            _help_text("handover", "first"),
            *(steps or [_person_text(turn, "handover", "wait")]),
            _help_text("handover", "tell"),
            _help_text("handover", "worse"),
        ]
    return "\n".join(line.format(**turn.fill()) for line in lines)


def _team_here_message(turn: LaterTurn) -> str:
    """The team is there or has taken them: what to tell them the first time, what
    comes next after that (or when they ask what now); never the waiting steps."""
    lines: List[str] = []
    if turn.stage.help_news:
        lines.append(
            _in_turn(_help_text("handover", "again"), turn.stage.help_news - 1)
        )
    else:
        lines.append(_help_text("handover", "first"))
    if not turn.stage.team_here:
        lines.append(_person_text(turn, "handover", "here"))
    if turn.stage.team_here or asks_what_now(turn.said, turn.intent):
        lines.append(_person_text(turn, "handover", "here_next"))
    return "\n".join(line.format(**turn.fill()) for line in lines)


def arranged_message(turn: LaterTurn) -> str:
    """Any later message once help is arranged: stay with them, call again only if it
    gets worse. The steps again only if they ask what to do."""
    if turn.suicidal:
        return suicide_later_message(
            "arranged",
            turn.place,
            turn.conversation,
            turn.turn,
            for_helper=not turn.for_self,
        )
    if turn.stage.team_here:
        if asks_what_now(turn.said, turn.intent):
            return str(_person_text(turn, "handover", "here_next")).format(
                **turn.fill()
            )
        return _in_turn(_person_text(turn, "arranged_here"), turn.turn).format(
            **turn.fill()
        )
    steps = _steps_if_asked(turn, "arranged_steps")
    if steps:
        lines = [*steps, _help_text("handover", "worse")]
        return "\n".join(line.format(**turn.fill()) for line in lines)
    return _in_turn(_person_text(turn, "arranged"), turn.turn).format(**turn.fill())


def has_no_naloxone(text: str) -> bool:
    """Whether the person said there is no naloxone ("i dont have narcan")."""
    return says_any(text, _help_text("no_naloxone", "words"))


def steps_for_turn(turn: LaterTurn) -> List[str]:
    """The "do now" steps for a later turn, without "give naloxone now if you have
    it" once they said they have none (review 33: said three times after "i dont
    have narcan")."""
    steps = steps_for(list(turn.flags))
    if has_no_naloxone(turn.conversation):
        marker = str(_help_text("no_naloxone", "step_marker"))
        steps = [step for step in steps if marker not in step.lower()]
    return steps


def still_message(turn: LaterTurn) -> str:
    """The sign said again while help is on the way: the steps, and when to call
    again. No "call now": they have; unless it is getting worse ("his lips look kinda
    grey", review 33): then calling again, and telling them what changed, comes
    first."""
    if turn.suicidal:
        return arranged_message(turn)
    # "he still wont wake up" is the same sign, not a change.
    worse = says_worse(turn.said) and not says_any(turn.said, ["still"])
    lines = [
        _person_text(turn, "worse") if worse else _help_text("still"),
        *_bullets(steps_for_turn(turn)),
        *([] if worse else [_help_text("still_worse")]),
    ]
    return "\n".join(line.format(**turn.fill()) for line in lines)


def _turn_reminder(turn: LaterTurn) -> str:
    """The reminder for a later turn, spoken to whom the first message was about."""
    return reminder_message(
        list(turn.flags),
        turn.place,
        turn.intent,
        turn.conversation,
        turn.turn,
        for_helper=not turn.for_self,
    )


def worse_message(turn: LaterTurn) -> str:
    """It is getting worse after help was arranged or the crisis was over."""
    if turn.suicidal:
        return _turn_reminder(turn)
    return str(_person_text(turn, "worse")).format(**turn.fill())


def close_message(turn: LaterTurn) -> str:
    """ "thanks" or "bye" once help is arranged: a kind close, in other words the
    second time."""
    if turn.suicidal:
        return suicide_later_message(
            "goodbye",
            turn.place,
            turn.conversation,
            turn.stage.closes,
            for_helper=not turn.for_self,
        )
    return _in_turn(_person_text(turn, "close"), turn.stage.closes).format(
        **turn.fill()
    )


def after_care_message(turn: LaterTurn) -> str:
    """The crisis is over: what the next hours and days need, for the sign, with its
    sources. Whether a medical team saw them decides the "not seen yet" line."""
    seen = turn.stage.help_arranged or help_is_coming(turn.said) or says_seen(turn.said)
    care = (
        _suicide_after_care(turn.conversation)
        if turn.suicidal
        else after_care_for(turn.flags, turn.for_self)
    )
    return _render_after_care(care, turn.fill(), seen)


def follow_up_message(turn: LaterTurn) -> str:
    """A later message once the crisis is over: short, what to watch for."""
    if turn.suicidal:
        return suicide_later_message(
            "reminder",
            turn.place,
            turn.conversation,
            turn.turn,
            for_helper=not turn.for_self,
        )
    fill = turn.fill()
    watch = after_care_for(turn.flags, turn.for_self).watch.format(**fill)
    return after_care_words().follow_up.format(watch=watch, **fill)


def reminder_message(
    flags: List[RedFlag],
    place: Region,
    intent: str,
    text: str = "",
    turn: int = 0,
    for_helper: Optional[bool] = None,
) -> str:
    """A shorter reply for later turns before help is arranged: the call line again,
    and the steps the first time only (a review: the same block resent turn after
    turn). Thoughts of suicide get a warm reply of their own (data/safety/suicide.yml),
    its wordings in turn (`turn`: how many later replies came before this one)."""
    if flags[0].flag_id == SUICIDAL:
        return suicide_later_message("reminder", place, text, turn, for_helper)
    texts = _help_text("reminder")
    opening = KIND_CLOSINGS.get(intent, "")
    names = _names(flags)
    call = call_line(flags[0], place)
    if turn > 0:
        again = _in_turn(texts["again"], turn - 1).format(names=names, call=call)
        return "\n".join([f"{opening} {again}".strip(), texts["again_wait"]])
    lead = texts["lead"].format(names=names)
    lines = [
        f"{opening} {lead} {call}".strip(),
        texts["wait"],
        *_bullets(steps_for(flags)),
        texts["close"],
    ]
    return "\n".join(lines)


MEANS_CONCEPTS = frozenset({"lethal_means", "stockpile"})
"""Concepts of data/safety/red_flags.yml that name a means of suicide: said after the
warning signs, the reply names them back (suicide.yml `means`)."""


def _reminder(turn: LaterTurn) -> str:
    if turn.suicidal and turn.concepts & MEANS_CONCEPTS:
        return suicide_later_message(
            "means", turn.place, turn.conversation, for_helper=not turn.for_self
        )
    if turn.suicidal and _says_any(turn.said, "means_away_words"):
        return suicide_later_message(
            "means_away", turn.place, turn.conversation, for_helper=not turn.for_self
        )
    if turn.suicidal and _says_any(turn.said, "support_words"):
        return suicide_later_message(
            "support", turn.place, turn.conversation, for_helper=not turn.for_self
        )
    return _turn_reminder(turn)


def _refusal(turn: LaterTurn) -> str:
    return refusal_message(turn.place)


LATER_REPLIES: Dict[str, Callable[[LaterTurn], str]] = {
    REFUSAL: _refusal,
    REMINDER: _reminder,
    HANDOVER: handover_message,
    ARRANGED: arranged_message,
    STILL: still_message,
    WORSE: worse_message,
    CLOSE: close_message,
    AFTER_CARE: after_care_message,
    FOLLOW_UP: follow_up_message,
}
"""Each kind of later reply (`later_reply_kind`) and the text it says; `FULL` is the
emergency reply itself."""
WITH_SUMMARY_BUTTON = frozenset({HANDOVER, CLOSE})


def refusal_fits(flag_id: str, texts: Sequence[str]) -> bool:
    """Whether getting to an emergency department another way is a fair second best
    for the sign `flag_id`, for someone who won't call an ambulance: always for some
    signs (`refusal_fits`), and for a fit once the `texts` say it is over."""
    document = help_arrived_document()
    if flag_id in document["refusal_fits"]:
        return True
    if flag_id not in document.get("refusal_fits_once_over", ()):
        return False
    return says_any(" ".join(texts), document["over_words"])


def emergency_answers(
    tracker: "Tracker",
    topics: Collection[str] = EMERGENCY_TOPICS,
    skip: Collection[str] = (),
    flag_ids: Sequence[str] = (),
) -> List[str]:
    """Answers, fitted to the person, to the questions of the latest message that are
    safe and useful now (`topics`; `skip`: those the reply already answers). "i dont
    have narcan" is no question about where to get it, not now. Being driven in is
    answered for the signs `flag_ids` stand for: fine when each of them fits a lift
    to the emergency department (`refusal_fits`), otherwise "wait for the ambulance"."""
    said = str(tracker.latest_message.get("text") or "")
    if has_no_naloxone(said):
        skip = (*skip, "naloxone")
    by_car = bool(flag_ids) and all(refusal_fits(i, (said,)) for i in flag_ids)
    return answers_to_latest(
        tracker,
        [t for t in topics if t not in skip],
        during_emergency=True,
        answered_as={DRIVE_THEM: DRIVE_THEM_BY_CAR} if by_car else None,
    )


def _answer_topics(
    kind: str, flags: Sequence[RedFlag]
) -> Tuple[Collection[str], Collection[str]]:
    """The question topics a later reply of `kind` answers, and those it skips because
    its own text covers them (the after-care reply already says naloxone wears off).
    Beside the crisis line for thoughts of suicide, the muscles too
    (`answered_beside_crisis` in data/safety/suicide.yml)."""
    topics: Tuple[str, ...] = tuple(EMERGENCY_TOPICS)
    skip: Collection[str] = ()
    if kind in (AFTER_CARE, FOLLOW_UP):
        topics = (*topics, *after_care_words().answer_topics)
        skip = after_care_for(flags).covers if kind == AFTER_CARE else frozenset()
    if flags and all(flag.flag_id == SUICIDAL for flag in flags):
        texts = _suicide_texts()
        beside = data_field(texts, SUICIDE_FILE, "answered_beside_crisis")
        never = set(data_field(texts, SUICIDE_FILE, "not_beside_crisis"))
        topics = tuple(t for t in (*topics, *beside) if t not in never)
    return _without_crisis_only(topics, flags), skip


def _without_crisis_only(
    topics: Collection[str], flags: Sequence[RedFlag]
) -> Tuple[str, ...]:
    """`topics` without those answered only beside the crisis line, unless thoughts of
    suicide are the only sign: with a crew on its way, their advice on medicines
    stands (`waiting_medicine`)."""
    if flags and all(flag.flag_id == SUICIDAL for flag in flags):
        return tuple(topics)
    only_beside = set(data_field(_suicide_texts(), SUICIDE_FILE, "only_beside_crisis"))
    return tuple(t for t in topics if t not in only_beside)


def _earlier_flag_ids(tracker: "Tracker") -> List[str]:
    """Emergency signs reported before the latest message (since the last corrected
    false alarm): a sign among them said again is not a new one."""
    users = [
        event
        for event in _events_since_restart(tracker.events, since_correction=True)
        if event.get("event") == "user"
    ]
    return [
        str(entity.get("value"))
        for event in users[:-1]
        for entity in (event.get("parse_data") or {}).get("entities") or []
        if entity.get("entity") == RED_FLAG_ENTITY and entity.get("role") == EMERGENCY
    ]


def _heard_only_by_meaning(message: Dict[str, Any]) -> bool:
    """Whether every emergency sign of the message came from the sentence encoder."""
    extractors = {
        entity.get("extractor")
        for entity in message.get("entities", [])
        if entity.get("entity") == RED_FLAG_ENTITY and entity.get("role") == EMERGENCY
    }
    return extractors == {SEMANTIC_EXTRACTOR}


class ActionEmergency(Action):
    """Sends the emergency reply and keeps the conversation escalated."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_emergency"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Leads with the number to call; ends any form; sets `triage_level`.

        Later messages get the reply `later_reply_kind` picks; a sign not reported
        before gets the full reply again, and so does saying where they are (the right
        number) while help is not yet arranged.
        """
        place = region(tracker.get_slot(REGION))
        said = tracker.latest_message.get("text") or ""
        latest = latest_flags(tracker, EMERGENCY)
        in_context = (
            []
            if latest
            else signs_in_context(
                said,
                tracker.get_slot(SUBSTANCE_CLASS),
                reported_flags(tracker, URGENT)
                + confirmed_same_day(tracker.get_slot(SCREEN_FLAG)),
                said_since_restart(tracker)[:-1],
            )
        )
        new_ids = latest or in_context
        if help_is_coming(said) and _heard_only_by_meaning(tracker.latest_message):
            # "my husband will drive me to A&E": the encoder can hear a new sign in
            # words about getting help (review 2: the crisis reply); the lexicon, which
            # reads the words, heard none.
            new_ids = []
        screen_flag = tracker.get_slot(SCREEN_FLAG)
        fresh_ids = [
            i for i in new_ids if i not in [*_earlier_flag_ids(tracker), screen_flag]
        ]
        region_changed = names_a_region(tracker.latest_message)
        known_ids = [
            i
            for i in dict.fromkeys(
                reported_flags(tracker, EMERGENCY, since_correction=True)
                + [screen_flag]
            )
            if i
        ]
        ids = new_ids or known_ids or [GENERIC_FLAG]
        kind = FULL
        stage = Stage()
        if emergency_reply_sent(tracker, self.name()) and not fresh_ids:
            stage = stage_of(tracker, self.name())
            settled = stage.help_arranged or stage.crisis_over
            if not region_changed or settled:
                ids = known_ids or ids
                kind = later_reply_kind(
                    stage,
                    said,
                    (tracker.latest_message.get("intent") or {}).get("name") or "",
                    repeated_sign=bool(new_ids),
                    may_refuse=all(refusal_fits(i, (*stage.texts, said)) for i in ids),
                )
        if (
            kind != FULL
            and ids == [SUICIDAL]
            and not new_ids
            and says_safe_now(said)
            and not first_says_someone_else((*stage.texts, said))
        ):
            return self._safe_now(dispatcher, place, (*stage.texts, said))
        flags = ambulance_first(
            withdrawal_seizure_first(
                [red_flag(flag_id) for flag_id in ids],
                tracker.get_slot(SUBSTANCE_CLASS),
            )
        )
        logger.debug("emergency reply %s for %s", kind, ids)
        if kind == FULL:
            also = (
                hinted_regions(" ".join(said_since_restart(tracker)))
                if tracker.get_slot(REGION) is None
                else []
            )
            # "911 is on the phone. hes breathing really slow. what position": the
            # call is made, so a new sign is told to the call handler, not "Please
            # call 911 now" again (review 17); its steps and the answers still come.
            # A new sign said once help is on its way ("the pump alarm beeped
            # yesterday", with the ambulance coming) is for the team, not a second
            # "call 911 now" (review 26).
            sent = emergency_reply_sent(tracker, self.name())
            before = stage_of(tracker, self.name()) if sent else Stage()
            called = sent and (
                help_is_coming(said)
                or (before.help_arranged and not before.crisis_over)
            )
            # "not sure" to the question about a grandson's thoughts of suicide says
            # nothing of whom: the conversation does (review 51: "If you have a plan
            # ..." to the grandmother).
            about = writes_for_someone_else(
                [said],
                tracker.get_slot(ASKING_FOR) == SOMEONE_ELSE
                or bool(first_about_someone_else(said_since_restart(tracker))),
            )
            dispatcher.utter_message(
                text=emergency_message(
                    flags, place, said, also, help_called=called, for_helper=about
                )
            )
            # How to do CPR, what to do in a fit: answered beside the call line even
            # before help is called (review 26: "hes not breathing right, like
            # gasping. how do i do cpr" got "start CPR if you know how").
            flag_ids = [flag.flag_id for flag in flags]
            for answer in emergency_answers(
                tracker,
                beside_signs(
                    _without_crisis_only(
                        EMERGENCY_TOPICS if called else LIFE_SAVING_TOPICS, flags
                    ),
                    flag_ids,
                ),
                flag_ids=flag_ids,
            ):
                dispatcher.utter_message(text=answer)
        else:
            turn = LaterTurn(
                flags=tuple(flags),
                place=place,
                said=said,
                intent=(tracker.latest_message.get("intent") or {}).get("name") or "",
                turn=emergency_replies_sent(tracker, self.name()) - 1,
                stage=stage,
                concepts=frozenset(tracker.latest_message.get(CONCEPTS_KEY) or ()),
                asked_about_someone_else=tracker.get_slot(ASKING_FOR) == SOMEONE_ELSE,
            )
            # "will they call the cops?", "the narcan can wear off, right?": questions
            # that decide whether help is called or stays, answered here too.
            topics, skip = _answer_topics(kind, flags)
            answers = emergency_answers(
                tracker, topics, skip, flag_ids=[flag.flag_id for flag in flags]
            )
            if answers and kind == REMINDER and turn.turn == 0:
                # The steps were in the first reply: beside answers to what was asked,
                # the call line alone (review 44: "hes snoring so hes breathing
                # right?? will the cops come" got the steps again, then three answers).
                turn = replace(turn, turn=1)
            if not (answers and kind == ARRANGED and not turn.suicidal):
                # With help on its way, the answer is the reply: "how do i do cpr"
                # got "keep following the steps" before the CPR steps (review 24).
                text = LATER_REPLIES[kind](turn)
                if not turn.suicidal and says_feelings(said):
                    text = f"{feelings_lead()} {text}"
                dispatcher.utter_message(
                    text=text,
                    buttons=[SUMMARY_BUTTON]
                    if kind in WITH_SUMMARY_BUTTON and not turn.suicidal
                    else [],
                )
            for answer in answers:
                dispatcher.utter_message(text=answer)
        events: List[EventType] = [SlotSet(TRIAGE_LEVEL, EMERGENCY)]
        if in_context and not help_is_coming(said):
            # A sign made by this message with what came before (a fever after
            # stopping baclofen) is in no entity: on record as the screen's sign, so
            # the summary names it and a correction asks about it (review 70: the
            # summary said "confusion: no; fever: no").
            events.append(SlotSet(SCREEN_FLAG, in_context[0]))
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        return events

    @staticmethod
    def _safe_now(
        dispatcher: "CollectingDispatcher", place: Region, said: Sequence[str] = ()
    ) -> List[EventType]:
        """Thoughts of suicide, and now "i'm safe tonight, no plan": NIMH's ASQ calls
        this a non-acute positive screen. The crisis line stays in the reply, the
        conversation leaves the emergency, the screen's mood question counts as
        answered (`SAFE_NOW`: the disposition makes the day's care urgent), and the
        screen carries on to what they came for."""
        dispatcher.utter_message(
            text=str(
                data_field(_suicide_texts(), SUICIDE_FILE, "for_self", "safe_now")
            ).format(**_suicide_fill(place))
        )
        if says_any(" ".join(said), _suicide_texts().get("means_words") or ()):
            # Review 42: "i got a gun but its locked up" got no word about it.
            dispatcher.utter_message(text=suicide_text("means_safety"))
        return [
            SlotSet(TRIAGE_LEVEL, None),
            SlotSet(SCREEN_FLAG, None),
            SlotSet(MOOD_SLOT, SAFE_NOW),
            FollowupAction(TRIAGE_FORM),
        ]

"""What the bot says when it did not understand: never a dead end.

Language detection lives in `bot.language`, shared with the screen policy.

Why an action and not a fixed response: a fallback should fit the person. A message
in Spanish gets an answer in Spanish (data/dialogue/languages.yml); a message that is
out of scope is told so kindly; anything else gets a short hint and buttons that fit
where the person is (before the screen: what hurts; after advice: the topics).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, List, Text, Tuple

import yaml
from rasa_sdk import Action
from rasa_sdk.events import EventType, FollowupAction

from actions import checkin_times
from actions.conversation import names_a_region, questions_in, said_since_restart
from actions.guidance import follow_up_buttons
from actions.knowledge_base import HARM_REDUCTION_TOPICS
from actions.paths import data_dir
from actions.slots import EMERGENCY, REGION, SUBSTANCE_CLASS, TRIAGE_LEVEL
from bot.language import (
    is_thanks_after_english,
    language_of,
    normalise,
    other_language_reply,
)
from bot.safety.catalogue import region

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

HARM_REDUCTION_ACTION = "action_harm_reduction"
GUIDANCE_ACTION = "action_self_care_guidance"
STOP_CHECK_INS_ACTION = "action_stop_check_ins"
HELPLINES_ACTION = "action_helplines"


@lru_cache(maxsize=1)
def fallback_words() -> Dict[str, Tuple[str, ...]]:
    """data/dialogue/fallback_words.yml, normalised: the words of thanks and of turning
    check-ins down that the fallback still understands."""
    path = data_dir() / "dialogue" / "fallback_words.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        key: tuple(normalise(str(words)) for words in value)
        for key, value in document.items()
        if key not in DISTRESS_KEYS
    }


DISTRESS_KEYS = (
    "distress_emoji",
    "distress_reply",
    "shorter_reply",
    "complaint_reply",
    "still_there_reply",
    "thanks_emoji",
    "complaint_emoji",
)
"""Keys of fallback_words.yml that are not word lists."""


@lru_cache(maxsize=1)
def shorter_reply() -> str:
    """The reply to a plain "too much text" (fallback_words.yml `shorter_reply`)."""
    path = data_dir() / "dialogue" / "fallback_words.yml"
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["shorter_reply"])


@lru_cache(maxsize=1)
def _distress() -> Tuple[FrozenSet[str], str]:
    """fallback_words.yml's sad and crying emoji, and the reply to a message of them."""
    path = data_dir() / "dialogue" / "fallback_words.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return frozenset(document["distress_emoji"]), str(document["distress_reply"])


def wants_it_shorter(text: str) -> bool:
    """Whether `text` asks for shorter answers ("too much text"; fallback_words.yml
    `shorter`)."""
    padded = f" {normalise(text)} "
    return any(f" {words} " in padded for words in fallback_words()["shorter"])


def only_complains(message: Dict[str, Any]) -> bool:
    """Whether the message only says the bot is not helping ("this is useless", "that
    didnt help"; fallback_words.yml `complaints`): no question in it, nothing asked by
    its words. "useless. how long does this last?" asks, and is answered; "the
    ibuprofen didnt help" is about the ibuprofen."""
    text = str(message.get("text") or "")
    padded = f" {normalise(text)} "
    if not padded.strip():
        return any(e in text for e in _emoji_document()["complaint_emoji"])
    complaints = [w for w in fallback_words()["complaints"] if f" {w} " in padded]
    if "?" in text or not complaints:
        return False
    for words in complaints:  # "that didnt help" is no question about painkillers
        padded = padded.replace(f" {words} ", " ")
    return not questions_in({"text": padded, "intent": {}}, whole_message=True)


@lru_cache(maxsize=1)
def complaint_reply() -> str:
    """The answer to a message that only complains (fallback_words.yml)."""
    path = data_dir() / "dialogue" / "fallback_words.yml"
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["complaint_reply"])


@lru_cache(maxsize=1)
def _emoji_document() -> Dict[str, Any]:
    """fallback_words.yml as written (its emoji are not normalised)."""
    path = data_dir() / "dialogue" / "fallback_words.yml"
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def only_thanks_emoji(text: str) -> bool:
    """Whether `text` is thanks in emoji and no words ("🙏❤️")."""
    return not normalise(text).strip() and any(
        e in text for e in _emoji_document()["thanks_emoji"]
    )


def nothing_but_marks(text: str) -> bool:
    """Whether `text` has no word and no emoji the fallback knows ("...", "?")."""
    return (
        not normalise(text).strip()
        and not only_thanks_emoji(text)
        and not only_distress_emoji(text)
        and not any(e in text for e in _emoji_document()["complaint_emoji"])
    )


def only_distress_emoji(text: str) -> bool:
    """Whether `text` has a sad or crying emoji and no words ("😭😭😭", "💔 ...")."""
    symbols, _ = _distress()
    return any(s in text for s in symbols) and not normalise(text).strip()


# The payloads of the greeting's buttons (domain/conversation.yml): a tap says where it
# hurts. A bare "/describe_symptoms" said nothing, and early in a conversation it got
# an empty summary for the doctor instead of the questions (review 24).
START_BUTTONS = [
    {
        "title": "Buttock pain",
        "payload": '/describe_symptoms{"body_location": "buttock"}',
    },
    {
        "title": "Cramps in my legs",
        "payload": '/describe_symptoms{"body_location": "leg", "symptom": "cramp"}',
    },
    {"title": "Talk to a person", "payload": "/ask_human"},
]


MAX_COMPLAINT_BUTTONS = 5
"""A person to talk to and four topics: a complaint is no time for a wall of buttons."""


class ActionFallback(Action):
    """The kind answer to a message the bot did not understand."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_fallback"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Another language, out of scope, or a hint with buttons that fit."""
        message = tracker.latest_message
        place = region(tracker.get_slot(REGION))
        if is_thanks_after_english(
            str(message.get("text") or ""), said_since_restart(tracker)[:-1]
        ):
            dispatcher.utter_message(response="utter_thank")
            return []
        foreign = other_language_reply(
            language_of(message.get("text") or ""),
            place.emergency,
            said_since_restart(tracker, "bot"),
            region_known=tracker.get_slot(REGION) is not None,
        )
        if foreign:
            dispatcher.utter_message(text=foreign)
            return []
        # A complaint first: "that didnt help" names no question, whatever topic
        # its words touch ("didnt help" after a painkiller asks for something else).
        if only_complains(message):
            dispatcher.utter_message(
                text=complaint_reply().format(
                    helpline=place.helpline or "a pharmacist or your doctor"
                ),
                buttons=[
                    START_BUTTONS[-1],
                    *follow_up_buttons((), tracker.get_slot(SUBSTANCE_CLASS)),
                ][:MAX_COMPLAINT_BUTTONS],
            )
            return []
        # "is the samhsa line confidential?", "is a hot bath ok if i get dizzy": the
        # words name a question the bot can answer, whatever the intent classifier
        # made of it. Self-care topics only once the screen is done.
        topics = questions_in(message, whole_message=True)
        level = tracker.get_slot(TRIAGE_LEVEL)
        if any(topic in HARM_REDUCTION_TOPICS for topic in topics):
            return [FollowupAction(HARM_REDUCTION_ACTION)]
        if topics and level not in (None, EMERGENCY):
            return [FollowupAction(GUIDANCE_ACTION)]
        if only_distress_emoji(str(message.get("text") or "")):
            dispatcher.utter_message(
                text=_distress()[1].format(
                    crisis=place.crisis, emergency=place.emergency
                )
            )
            return []
        raw = str(message.get("text") or "")
        if only_thanks_emoji(raw):
            dispatcher.utter_message(response="utter_thank")
            return []
        if nothing_but_marks(raw):
            dispatcher.utter_message(
                text=str(_emoji_document()["still_there_reply"]),
                buttons=START_BUTTONS if not level else [],
            )
            return []
        said = f" {normalise(raw)} "
        if wants_it_shorter(said) and not topics:
            dispatcher.utter_message(
                text=shorter_reply(),
                buttons=follow_up_buttons((), tracker.get_slot(SUBSTANCE_CLASS))
                if level and level != EMERGENCY
                else START_BUTTONS,
            )
            return []
        if any(f" {words} " in said for words in fallback_words()["no_check_ins"]):
            # "cool ty. no check in" (review 5: "didn't quite get that").
            return [FollowupAction(STOP_CHECK_INS_ACTION)]
        if any(f" {words} " in said for words in fallback_words()["thanks"]):
            # "aight ill call them. thanks i guess": a thank-you, however it is said.
            dispatcher.utter_message(response="utter_thank")
            return []
        if names_a_region(message) and not checkin_times.picked_time(
            str(message.get("text") or "")
        ):
            # "i'm in new york" on its own (review 26: "I can only help with muscle
            # pain"): the numbers for where they are.
            return [FollowupAction(HELPLINES_ACTION)]
        intent = (message.get("intent") or {}).get("name")
        if intent == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(response="utter_default")
        if level and level != EMERGENCY:
            buttons = follow_up_buttons((), tracker.get_slot(SUBSTANCE_CLASS))
        else:
            buttons = START_BUTTONS
        dispatcher.utter_message(text="You can also tap one of these:", buttons=buttons)
        return []

"""Opt-in check-ins: offered after advice, stopped, paused or skipped at any time, and
the check-in itself.

A check-in runs the same safety screen again (through the same safety policy), with the
red-flag questions that matter on that day of withdrawal for that substance and then a
short self-reported score (`actions.checkin_scores`), so a sign that appears on day two
or three escalates exactly as in a first message.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, List, Text, Tuple

from rasa_sdk import Action
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet

from actions import checkin_scores, checkin_times
from actions.checklist import ANSWER_SLOTS
from actions.conversation import (
    answered_first_topics,
    is_a_question,
    mentions_topic,
    questions_in,
    said_since_restart,
    topics_document,
)
from actions.knowledge_base import knowledge_base
from actions.slots import (
    CHECK_INS,
    CHECKIN,
    CHECKIN_ANSWER,
    EMERGENCY,
    NO_SUBSTANCE,
    REQUESTED_SLOT,
    SCREEN_FLAG,
    SCREEN_REASKS,
    SUBSTANCE_CLASS,
    TRIAGE_LEVEL,
)
from bot import checkins
from bot.language import normalise, says_any

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

ACTIVE = "active"
STOPPED = "stopped"
OFFERED = "offered"
OFFER_BUTTONS = [
    {"title": "Yes, check in tomorrow", "payload": "/opt_in_check_in"},
    {"title": "No thanks", "payload": "/stop_check_ins"},
]


def forget_schedule(sender_id: str) -> None:
    """Removes any check-in schedule of the conversation."""
    checkins.forget(sender_id)


def offer_check_in(
    dispatcher: "CollectingDispatcher", tracker: "Tracker"
) -> List[EventType]:
    """Offers check-ins once, to someone who has not decided yet and is coming off
    something (buttock pain from sitting has no days of withdrawal to follow); a typed
    yes or no then answers the offer (bot/policies/screen_policy.py)."""
    if tracker.get_slot(CHECK_INS) is not None:
        return []
    if tracker.get_slot(SUBSTANCE_CLASS) in (None, NO_SUBSTANCE):
        return []
    # Someone still taking the medicine (a steady methadone dose) has no withdrawal
    # to follow over the days (review 85: "Withdrawal changes over the days").
    # Imported here: actions.guidance imports this module.
    from actions.guidance import STILL_TAKING, contexts_of

    lead = (
        PAIN_CHANGES
        if STILL_TAKING in contexts_of(tracker)
        else "Withdrawal changes over the days."
    )
    dispatcher.utter_message(
        text=(
            f"{lead} Would you like me to check in with "
            'you tomorrow morning? You can pick another time (say, "check in at '
            '7pm"), and stop check-ins any time.'
        ),
        buttons=OFFER_BUTTONS,
    )
    return [SlotSet(CHECK_INS, OFFERED)]


PAIN_CHANGES = "Pain like this can change from day to day."
"""The check-in offer's first words for someone not coming off anything."""


def _now() -> dt.datetime:
    return dt.datetime.utcnow()


def end_check_in(tracker: "Tracker") -> List[EventType]:
    """Ends today's check-in if one is running (its screen and score stop here)."""
    if not checkin_scores.in_progress(tracker):
        return []
    state = checkin_scores.state_of(tracker)
    state["done"] = True
    return [
        SlotSet(CHECKIN, state),
        SlotSet(CHECKIN_ANSWER, None),
        SlotSet(REQUESTED_SLOT, None),
        ActiveLoop(None),
    ]


def zone_now_known(tracker: "Tracker") -> bool:
    """Whether the latest message names the place or zone of someone whose check-ins
    run in UTC for want of one ("what timezone is that? im in california")."""
    return zone_named(
        tracker.get_slot(CHECK_INS),
        checkin_scores.state_of(tracker),
        str(tracker.latest_message.get("text") or ""),
    )


def zone_named(check_ins: Any, state: Dict[str, Any], text: str) -> bool:
    """`zone_now_known` from the `check_ins` slot, the check-in state and the text:
    the dialogue policies ask it too, whatever the message's intent (review 35: "not
    tomorrow, TONIGHT. and whats UTC, im in chicago" was read as goodbye)."""
    if check_ins != ACTIVE:
        return False
    if state.get("offset_known", True) or state.get("minute") is None:
        return False
    return checkin_times.named_zone_offset([text], _now()) is not None


UTC_OFFSET = "utc_offset_minutes"
"""Message metadata the widget and the terminal send: the person's offset from UTC."""


def _offset(tracker: "Tracker") -> Tuple[int, bool]:
    """The person's UTC offset in minutes, and whether it is known: from their channel,
    else from a place they named, else the one kept from before, else UTC."""
    metadata = tracker.latest_message.get("metadata") or {}
    try:
        if metadata.get(UTC_OFFSET) is not None:
            return int(metadata[UTC_OFFSET]), True
    except (TypeError, ValueError):
        pass
    # A place said in the conversation ("im in california"), the latest first.
    named = checkin_times.named_zone_offset(
        reversed(said_since_restart(tracker)), _now()
    )
    if named is not None:
        return named, True
    state = checkin_scores.state_of(tracker)
    kept = state.get("offset")
    return (
        (int(kept), bool(state.get("offset_known", True)))
        if kept is not None
        else (
            0,
            False,
        )
    )


def _confirmation(
    picked: "checkin_times.PickedTime | None",
    due: dt.datetime,
    now: dt.datetime,
    offset: int,
    offset_known: bool,
) -> str:
    """What the bot says once check-ins are set: when, and how to change or stop."""
    after = (
        'Say "stop check-ins" any time. If anything gets worse before then, tell me '
        "straight away."
    )
    if picked is None:
        return (
            "Okay, I'll check in tomorrow morning, and each morning for up to two "
            f'weeks. {after} (To pick another time, say "check in at 7pm".)'
        )
    shift = dt.timedelta(minutes=offset)
    day = "today" if (due + shift).date() == (now + shift).date() else "tomorrow"
    # Review 38: "is that 8pm chicago time or like UTC", after "check in at 8pm
    # instead? im in chicago", got the fallback: the reply says whose time it is.
    zone = " your time" if offset_known else " UTC"
    said = checkin_times.clock_text(picked.minute)
    where = (
        ""
        if offset_known
        else " (Tell me your city or country to have it at your local time.)"
    )
    return (
        f"Okay, I'll check in {day} at {said}{zone}, and each day at that time for up "
        f"to two weeks. {after}{where}"
    )


HOW_CHECKINS_WORK = "checkin_how"
"""The topic (data/dialogue/topics.yml) and answer (questions_s17.yml) of how a
check-in reaches the person."""


@lru_cache(maxsize=1)
def _checkin_questions() -> Dict[str, Tuple[str, ...]]:
    """topics.yml `checkin_questions`, normalised, read once."""
    document = topics_document().get("checkin_questions") or {}
    return {
        str(key): tuple(normalise(str(phrase)) for phrase in phrases)
        for key, phrases in document.items()
    }


def says_accepting(text: str) -> bool:
    """Whether `text` holds a word that says yes to the check-in offer itself
    (topics.yml `checkin_questions.accept_words`)."""
    return says_any(text, _checkin_questions().get("accept_words", ()))


def asks_how_checkins_work(text: str) -> bool:
    """Whether a typed message asks how check-ins work rather than opting in."""
    if text.startswith("/"):
        return False
    words = _checkin_questions()

    def says(key: str) -> bool:
        return says_any(text, words.get(key, ()))

    if mentions_topic(text, [HOW_CHECKINS_WORK]) or says("how_it_works"):
        return True
    return is_a_question(text) and says("checkin_words") and says("asking_how")


STOP_CHECKINS_ACTION = "action_stop_check_ins"


def declines_checkins(text: str) -> bool:
    """Whether a typed message turns the check-ins down (topics.yml
    `checkin_questions.declines`)."""
    return not text.startswith("/") and says_any(
        text, _checkin_questions().get("declines", ())
    )


def mentions_checkins(text: str) -> bool:
    """Whether the text names check-ins (topics.yml `checkin_words`)."""
    return says_any(text, _checkin_questions().get("checkin_words", ()))


def explain_checkins(dispatcher: "CollectingDispatcher") -> None:
    """How check-ins work (questions_s17.yml), with the offer's buttons."""
    from actions.guidance import render  # guidance reads check-ins too

    dispatcher.utter_message(
        text=render(knowledge_base().lookup(HOW_CHECKINS_WORK, {})),
        buttons=OFFER_BUTTONS,
    )


class ActionOptInCheckIn(Action):
    """Schedules daily check-ins: tomorrow morning, or at the time the person picks
    ("check in at 8pm"), in their time zone; a night time is asked about first."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_opt_in_check_in"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Stores the schedule in the conversations' database, or asks first when the
        time picked is at night and the person has not said night is fine."""
        offset, offset_known = _offset(tracker)
        text = str(tracker.latest_message.get("text") or "")
        if asks_how_checkins_work(text):
            # "what are check-ins?", "do you text me?": a question, not a yes
            # (review 30: signed up twice, and never told how they arrive).
            explain_checkins(dispatcher)
            return []
        if declines_checkins(text):
            # "nice that actually helps. no check ins needed" (review 86).
            return [FollowupAction(STOP_CHECKINS_ACTION)]
        picked = checkin_times.from_button(tracker.latest_message.get("entities") or [])
        confirmed = picked is not None or checkin_times.says_night_is_fine(text)
        if picked is None:
            picked = checkin_times.picked_time(text)
        kept_minute = checkin_scores.state_of(tracker).get("minute")
        if (
            picked is not None
            and kept_minute is not None
            and zone_now_known(tracker)
            and not checkin_times.names_a_clock_time(text)
        ):
            # "not tomorrow, TONIGHT. and whats UTC, im in chicago" after "check in
            # tonight at 9pm": 9pm in Chicago, today; "tonight" names no new hour
            # (review 35: "tomorrow at 8:00 pm").
            picked = checkin_times.PickedTime(minute=int(kept_minute), day=picked.day)
            confirmed = True
        if picked is None and kept_minute is not None:
            # "what timezone is that? im in california" after "check in at 8pm":
            # the same time, now in their zone, not "tomorrow morning" (review 27).
            picked = checkin_times.PickedTime(minute=int(kept_minute))
            confirmed = True
        if (
            picked is not None
            and checkin_times.is_night(picked.minute)
            and not confirmed
        ):
            question, buttons = checkin_times.night_question(picked)
            dispatcher.utter_message(text=question, buttons=buttons)
            return []
        now = _now()
        due = checkin_times.first_due(now, offset, picked)
        checkins.opt_in(tracker.sender_id, now, offset, first_due=due)
        # The person's time zone, for "at most one check-in a (local) day".
        state = {
            **checkin_scores.state_of(tracker),
            **checkin_scores.time_reference(tracker),
            "offset": offset,
            "offset_known": offset_known,
            **({"minute": picked.minute} if picked is not None else {}),
        }
        dispatcher.utter_message(
            text=_confirmation(picked, due, now, offset, offset_known)
        )
        return [SlotSet(CHECK_INS, ACTIVE), SlotSet(CHECKIN, state)]


class ActionStopCheckIns(Action):
    """Stops check-ins, in any phrasing ("stop", "pause", "not today")."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return STOP_CHECKINS_ACTION

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Removes the schedule, and ends a check-in that is running."""
        checkins.forget(tracker.sender_id)
        dispatcher.utter_message(
            text=(
                "Okay, no check-ins from now on. To have them back, say "
                '"check in with me tomorrow". I\'m here whenever you want to talk, '
                "day or night."
            )
        )
        events: List[EventType] = [SlotSet(CHECK_INS, STOPPED), *end_check_in(tracker)]
        text = str(tracker.latest_message.get("text") or "")
        if not text.startswith("/") and (
            mentions_topic(text, answered_first_topics())
            or questions_in({"text": text, "intent": {}}, whole_message=True)
        ):
            # "NO. the WOUNDS. black in the middle. on my shins", to the offer: the
            # wounds are answered too (review 30: only the check-ins were stopped).
            # So is "no. DIARRHEA" (review 46).
            from actions.fallback import GUIDANCE_ACTION  # fallback reads check-ins

            events.append(FollowupAction(GUIDANCE_ACTION))
        return events


CHECK_IN_WORDS = (
    "check",
    "checkin",
    "checkins",
    "remind",
    "reminder",
    "message me",
    "text me",
    "ping me",
    "tomorrow",
    "morning",
)
"""Words that keep "skip it tomorrow" about the check-ins."""


def _names_check_ins(text: str) -> bool:
    """Whether the message speaks of the check-ins themselves."""
    padded = f" {normalise(text)} "
    return any(f" {word}" in padded for word in CHECK_IN_WORDS)


class ActionSkipCheckIn(Action):
    """Skips one day ("not today"): today's check-in if running, else the next one."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_skip_check_in"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Ends today's check-in, or moves the next one a day later; a question that
        names no check-in is answered instead."""
        text = str(tracker.latest_message.get("text") or "")
        if (
            not text.startswith("/")
            and not _names_check_ins(text)
            and questions_in({"text": text, "intent": {}}, whole_message=True)
        ):
            # "can i get bupe today", read as skipping today's check-in (review 48:
            # "There are no check-ins planned", three times).
            from actions.fallback import GUIDANCE_ACTION  # fallback reads check-ins

            return [FollowupAction(GUIDANCE_ACTION)]
        if tracker.get_slot(CHECK_INS) != ACTIVE:
            dispatcher.utter_message(
                text="Okay. There are no check-ins planned. I'm here whenever you want."
            )
            return []
        ended = end_check_in(tracker)
        if ended:
            text = "Okay, no check-in today. I'll check in again tomorrow morning."
        elif checkins.skip_next(tracker.sender_id):
            text = "Okay, I'll skip the next check-in and check in the morning after."
        else:
            text = "Okay, no more check-ins: that was the last one planned."
        dispatcher.utter_message(
            text=f"{text} If anything gets worse before then, tell me straight away."
        )
        return ended


class ActionCheckIn(Action):
    """The check-in itself (Rasa's external event `EXTERNAL_check_in`)."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_check_in"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Nothing unless the person opted in (nor twice on one day); else that day's
        red-flag questions through the screen, then the score."""
        if (
            tracker.get_slot(CHECK_INS) != ACTIVE
            or tracker.get_slot(TRIAGE_LEVEL) == EMERGENCY
        ):
            return []
        previous = checkin_scores.state_of(tracker)
        state = checkin_scores.start(
            tracker,
            checkin_scores.check_in_time(tracker),
            int(previous.get("offset") or 0),
        )
        if previous.get("date") == state["date"]:
            return []  # at most one check-in a day
        since = (
            "since you stopped" if state["from_last_use"] else "since you first wrote"
        )
        local = checkin_scores.check_in_time(tracker) + dt.timedelta(
            minutes=int(state.get("offset") or 0)
        )
        hello = checkin_times.greeting(local.hour)
        why = f" {state['why']}" if state.get("why") else ""
        dispatcher.utter_message(
            text=(
                f"{hello}, it's your check-in: day {state['day']} {since}. How "
                f"are you doing today?{why} First the quick safety questions again, "
                "because "
                'some signs only show up after a few days. (Say "not today" to skip, '
                'or "stop check-ins".)'
            )
        )
        return [
            SlotSet(TRIAGE_LEVEL, None),
            SlotSet(SCREEN_FLAG, None),
            SlotSet(SCREEN_REASKS, None),
            SlotSet(CHECKIN_ANSWER, None),
            *(SlotSet(slot, None) for slot in ANSWER_SLOTS),
            SlotSet(CHECKIN, state),
            FollowupAction("triage_form"),
        ]

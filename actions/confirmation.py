"""One direct question about one sign, and reading its answer.

Two situations ask it (the safety policy, `bot/policies/safety_policy.py`, decides):

* `possible`: a message may describe a sign, but the semantic layer is unsure ("my calf
  is kinda puffy"). Yes or Not sure escalates; an explicit No carries on.
* `correction`: after an emergency reply the person says it was a misunderstanding
  ("no I meant a cramp, not a seizure", "wrong button"). Only an explicit No to the
  question about that very sign undoes the escalation; the screen then runs again in
  full before any tip, and the mention stays on record for the clinician summary. Any
  other answer keeps the escalation.

Why one question and buttons: a scared person should not have to guess what the bot
needs to hear; [Yes] [No] [Not sure] can be answered with a thumb.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, FrozenSet, List, Optional, Sequence, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType, FollowupAction, SlotSet

from actions.acknowledgement import acknowledgement
from actions.after_emergency import data_field, help_is_coming
from actions.answers import (
    answer_words,
    read_answer,
    retracts_a_yes,
    says_it_was_a_misunderstanding,
)
from actions.checklist import (
    ANSWER_SLOTS,
    CHECKLIST,
    members,
    read_checklist_answer,
)
from actions.conversation import (
    answered_during_screen,
    asks_in_words,
    emergency_reply_sent,
    is_a_question,
    latest_flags,
    latest_possible_flag,
    message_before_latest,
    reported_flags,
    said_since_restart,
    standing_flags,
)
from actions.emergency import (
    SUICIDAL,
    SUICIDE_FILE,
    _suicide_texts,
    first_says_someone_else,
    says_no_only_for_now,
    says_safe_now,
    suicide_text,
)
from actions.guidance import (
    answers_to_latest,
    bot_said,
    follow_up_buttons,
    raises_same_day_sign,
)
from actions.harm_reduction import topics_asked
from actions.screen_questions import (
    QUESTIONS_BY_SLOT,
    SCREEN_QUESTIONS,
    URGENT_QUESTIONS,
)
from actions.slots import (
    ASKING_FOR,
    BODY_LOCATION,
    CONFIRM_ASKS,
    CONFIRM_FLAG,
    CONFIRM_MODE,
    CORRECTED_FLAGS,
    EMERGENCY,
    NO,
    REGION,
    REQUESTED_SLOT,
    SCREEN_FLAG,
    SCREEN_REASKS,
    SOMEONE_ELSE,
    SUBSTANCE_CLASS,
    SYMPTOM,
    TRIAGE_LEVEL,
    UNSURE,
    URGENT,
    YES,
)
from bot.language import normalise
from bot.safety.catalogue import GENERIC_FLAG, red_flag, region

if TYPE_CHECKING:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

POSSIBLE = "possible"
CORRECTION = "correction"
MAX_ASKS = 2
ASK_AGAIN_AFTER_CORRECTION = (
    "I'll help with that next. First I need a clear yes or no to this, because it "
    "decides whether you need help right now. "
)
"""Before the question asked again, after a correction left it unanswered."""
BACK_TO_THE_QUESTION = "Now, back to my question, as it matters for your safety. "
"""Before the question asked again, after answering what was asked instead."""
QUESTION_INSTEAD_OF_ANSWER = (
    "I'll come back to your question in a moment. First I just need a yes or a no "
    "to this one, and there's no wrong answer. "
)
"""A question that still gets no answer after this many asks is taken as not sure."""
BUTTONS = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/unsure"},
]
EMERGENCY_ACTION = "action_emergency"
CORRECTION_LEAD = "Thanks for telling me, I want to get this right."
FIRST_REPLY_LEAD = "Thanks for telling me what's going on."
"""Before a direct question that is the bot's very first reply (review 10: "me glutes
and hammies are cramping something shocking" got the suicide question with no word
about the cramps)."""
CORRECTED_LEAD = "Thank you, and sorry for the alarm."
CORRECTED_CARRY_ON = f"{CORRECTED_LEAD} Let's carry on from where we were."


MAX_DENIAL_WORDS = 16
"""A denial of a same-day sign is said in a few words ("NO swelling. NOT hot. just a
normal cramp. you got it wrong"); a longer message is about something else."""
SAME_DAY_STANDS = (
    "Thanks for checking with me. Then, to be safe, please still get it looked at "
    "today ({name}). Ask me anything else meanwhile."
)
"""After a correction of a same-day sign, an answer that is not an explicit No."""
STILL_AN_EMERGENCY = (
    "Thank you, I'll take {dropped} off the list. But {still} still needs the medical "
    "team, so please keep following the steps until they take over."
)
MOOD_QUESTION = "screen_mood"
CORRECTED_SCREEN_FIRST = (
    f"{CORRECTED_LEAD} A few quick safety questions, then I'll help with what you "
    "came for."
)


def flag_in_question(tracker: "Tracker") -> str:
    """The sign to ask about: after an emergency reply, the one it was about;
    otherwise the possible sign in the latest message."""
    if escalated(tracker):
        said = reported_flags(tracker, EMERGENCY, since_correction=True)
        screen_flag = tracker.get_slot(SCREEN_FLAG)
        return screen_flag or (said[-1] if said else None) or GENERIC_FLAG
    # A sure sign asked about all the same (one heard only by meaning in a message
    # half in another language): the first sign of the latest message.
    said_now = latest_flags(tracker, EMERGENCY)
    return latest_possible_flag(tracker) or (said_now[0] if said_now else GENERIC_FLAG)


def escalated(tracker: "Tracker") -> bool:
    """As the safety policy sees it: the slot, or a sign said since the last
    corrected false alarm."""
    return tracker.get_slot(TRIAGE_LEVEL) == EMERGENCY or bool(
        reported_flags(tracker, EMERGENCY, since_correction=True)
    )


def same_day_sign_among(standing: Sequence[str], get_slot: Any) -> Optional[str]:
    """The same-day sign a correction can undo, once same-day care was advised: the
    latest of the urgent signs still `standing` (typed, not corrected since) and the
    screen's same-day questions answered Yes, that a direct question can settle (one
    with a screen question on its topic). `get_slot`: the tracker's slot reader (the
    safety policy's tracker or the SDK's).

    Why: review 38 held a calf cramp as a clot through three corrections ("NO swelling.
    NO redness. NOT hot. just a normal cramp. you got it wrong") and kept refusing to
    say how to stretch it."""
    if get_slot(TRIAGE_LEVEL) != URGENT:
        return None
    screened = [
        question.flag
        for question in SCREEN_QUESTIONS
        if question.slot in URGENT_QUESTIONS and get_slot(question.slot) == YES
    ]
    for flag in reversed([*standing, *screened]):
        if topic_slot_for(flag):
            return flag
    return None


def same_day_sign_to_correct(tracker: "Tracker") -> Optional[str]:
    """`same_day_sign_among` for the actions' tracker."""
    return same_day_sign_among(standing_flags(tracker, URGENT), tracker.get_slot)


def corrects_same_day_sign(
    text: str, flag_id: str, intent: Optional[str], confidence: float
) -> bool:
    """Whether a message says a same-day sign was misunderstood: words of a
    misunderstanding ("i never said it was swollen", "you got it wrong"), a mistaken
    tap, or a No that names the sign's own words ("NO swelling. NOT hot")."""
    if says_it_was_a_misunderstanding(text) or retracts_a_yes(text):
        return True
    words = normalise(text).split()
    if asks_in_words(text) or len(words) > MAX_DENIAL_WORDS:
        # "my gp cant see me till next week. should i have a drink to be safe?" is
        # no denial of the sudden stop, whatever its "cant" and "drink" (review 39);
        # "wtf i dont have any lump or abscess?? i just said thanks" is one (review
        # 43: its "??" had it read as a question, and the advice stood).
        return False
    topic = topic_slot_for(flag_id)
    if topic is None or read_answer(text, topic, intent, confidence) != NO:
        return False
    return bool(set(words) & answer_words().topics.get(topic, frozenset()))


def topic_slot_for(flag_id: str) -> Optional[str]:
    """The screen question on the same topic as `flag_id`, whose words read the
    answer ("pee is normal yellow" is a no about dark urine), or None."""
    for question in SCREEN_QUESTIONS:
        if question.flag == flag_id:
            return question.slot
    for slot, flags in answer_words().also_covers.items():
        if flag_id in flags:
            return slot
    return None


def question_for(
    flag_id: str, place: Optional[str] = None, someone_else: bool = False
) -> str:
    """The direct question about one sign (the catalogue's `confirm` text, or its
    `confirm_someone_else` for a person telling about another), with the numbers of
    the person's region (`place`: the region slot) where it names one."""
    here = region(place)
    entry = red_flag(flag_id)
    text = (someone_else and entry.confirm_someone_else) or entry.confirm
    return text.format(crisis=here.crisis, emergency=here.emergency)


SCARED_NO = (
    "Thank you for telling me. It's frightening, and it makes sense to be scared. "
    "You're not alone in this: I'm here, and help is a call away."
)
"""A No said with fear ("NO SEIZURE. IM SO SCARED IM GOING TO DIE") is not "good to
hear" (review 13)."""
NOT_SCARED_BEFORE = frozenset({"not", "never"})


HARD_GOING_NO = "Thank you for telling me. I'm sorry it's this hard right now."
ANYTHING_ELSE = "Is there anything else I can help with? Tap a topic or ask me."
PLAIN_NO_WORDS = 4
"""A No this short ("no", "nope not at all") is welcomed as good news."""
"""A No said with hopelessness or frustration (see `says_it_is_hard`)."""


def says_it_is_hard(text: str) -> bool:
    """Whether the message says it is hard going ("hopeless", "frustrating")."""
    return _says(text, answer_words().hard_going)


def _ask_milder(
    dispatcher: "CollectingDispatcher", tracker: "Tracker", milder: str, lead: str
) -> List[EventType]:
    """After a No to an emergency's worst part, the direct question about its
    same-day form (catalogue `milder`), and the slots that wait for its answer."""
    dispatcher.utter_message(
        text=f"{lead} "
        + question_for(
            milder,
            tracker.get_slot(REGION),
            tracker.get_slot(ASKING_FOR) == SOMEONE_ELSE,
        ),
        buttons=BUTTONS,
    )
    return [
        SlotSet(CONFIRM_FLAG, milder),
        SlotSet(CONFIRM_MODE, POSSIBLE),
        SlotSet(CONFIRM_ASKS, 1.0),
    ]


def says_scared(text: str) -> bool:
    """Whether the message says the person is afraid ("not scared" does not)."""
    return _says(text, answer_words().scared, not_after=NOT_SCARED_BEFORE)


def _says(
    text: str, phrases: Sequence[str], not_after: FrozenSet[str] = frozenset()
) -> bool:
    """Whether one of `phrases` stands in `text`, not straight after a word of
    `not_after`."""
    words = normalise(text).split()
    return any(
        words[start : start + len(phrase)] == phrase
        and (start == 0 or words[start - 1] not in not_after)
        for phrase in map(str.split, phrases)
        for start in range(len(words))
    )


def _routine_suicide_question(place: Optional[str], someone_else: bool) -> str:
    """The direct suicide question as the first reply, said as the routine question
    it is (`routine_first_question` in data/safety/suicide.yml)."""
    texts = data_field(_suicide_texts(), SUICIDE_FILE, "routine_first_question")
    here = region(place)
    return str(texts["they" if someone_else else "you"]).format(
        crisis=here.crisis, emergency=here.emergency
    )


def _user_texts_latest_first(tracker: "Tracker") -> List[str]:
    """What the person typed since the last restart, the latest first."""
    texts = said_since_restart(tracker)
    latest = str(tracker.latest_message.get("text") or "")
    if not texts or texts[-1] != latest:
        texts.append(latest)
    return texts[::-1]


def _bot_has_spoken(tracker: "Tracker") -> bool:
    """Whether the bot has said anything in this conversation yet."""
    return any(event.get("event") == "bot" for event in tracker.events)


class ActionConfirmRedFlag(Action):
    """Asks one direct question about a possible sign or a possible false alarm."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_confirm_red_flag"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Asks, and remembers what was asked and why."""
        alarm_raised = escalated(tracker)
        mode = CORRECTION if alarm_raised else POSSIBLE
        flag_id = flag_in_question(tracker)
        same_day = None if alarm_raised else same_day_sign_to_correct(tracker)
        intent = tracker.latest_message.get("intent") or {}
        if same_day and corrects_same_day_sign(
            str(tracker.latest_message.get("text") or ""),
            same_day,
            intent.get("name"),
            float(intent.get("confidence") or 0.0),
        ):
            mode, flag_id = CORRECTION, same_day
        # A sign asked about before any emergency reply (one heard only by meaning in
        # a message half in another language) is no correction to thank them for.
        corrects = mode == CORRECTION and (
            emergency_reply_sent(tracker, EMERGENCY_ACTION) or same_day == flag_id
        )
        if corrects:
            lead = f"{CORRECTION_LEAD} "
        elif not _bot_has_spoken(tracker):
            lead = f"{FIRST_REPLY_LEAD} "
        else:
            lead = ""
        # The latest message that says whom it is about decides ("my friend has a
        # wound on his leg", then "yes its getting black. no fever tho" was asked "do
        # you have a fever?": review 22).
        about_another = tracker.get_slot(ASKING_FOR) == SOMEONE_ELSE or (
            first_says_someone_else(_user_texts_latest_first(tracker))
        )
        question = question_for(flag_id, tracker.get_slot(REGION), about_another)
        if flag_id == SUICIDAL and lead == f"{FIRST_REPLY_LEAD} ":
            lead, question = (
                "",
                _routine_suicide_question(tracker.get_slot(REGION), about_another),
            )
        dispatcher.utter_message(text=lead + question, buttons=BUTTONS)
        return [
            SlotSet(CONFIRM_FLAG, flag_id),
            SlotSet(CONFIRM_MODE, mode),
            SlotSet(CONFIRM_ASKS, 1.0),
        ]


GUIDANCE_ACTION = "action_self_care_guidance"
CLOSING_INTENTS = ("goodbye", "thank")

# What a question asked together with a possible sign gets once the person says No.
RESUME_ACTIONS: Dict[str, str] = {
    "ask_harm_reduction": "action_harm_reduction",
    "ask_human": "action_helplines",
    # Review 40: "can u stop the check ins, my mum's staying with me now so im ok"
    # raised the suicide question; after the No it got buttock tips, and the
    # check-ins stayed on until "STOP CHECK INS".
    "stop_check_ins": "action_stop_check_ins",
}


def _no_to_its_screen_question(tracker: "Tracker", flag_id: str) -> List[EventType]:
    """A No to the direct question about `flag_id` also answers the screen question
    on its topic, if that one is still open: review 5 found the suicide question
    asked four times in one conversation."""
    own = topic_slot_for(flag_id)
    return [SlotSet(own, NO)] if own and not tracker.get_slot(own) else []


class ActionResolveConfirmation(Action):
    """Reads the answer to the direct question and acts on it."""

    def name(self) -> Text:
        """The action's name in the domain."""
        return "action_resolve_confirmation"

    async def run(
        self,
        dispatcher: "CollectingDispatcher",
        tracker: "Tracker",
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        """Yes / not sure escalates, an explicit No carries on, anything else is asked
        again once (possible) or keeps the escalation (correction)."""
        flag_id = str(tracker.get_slot(CONFIRM_FLAG) or GENERIC_FLAG)
        mode = tracker.get_slot(CONFIRM_MODE) or POSSIBLE
        message = tracker.latest_message
        intent = message.get("intent") or {}
        answer = read_answer(
            message.get("text") or "",
            topic_slot_for(flag_id),
            intent.get("name"),
            float(intent.get("confidence") or 0.0),
        )
        done = [
            SlotSet(CONFIRM_FLAG, None),
            SlotSet(CONFIRM_MODE, None),
            SlotSet(CONFIRM_ASKS, None),
        ]
        if mode == CORRECTION:
            if answer == NO and help_is_coming(message.get("text") or ""):
                # "no chest pain. heart still quick. im at the hospital now": help is
                # there; the emergency reply hands over (review 5: the alarm was
                # called off at the hospital door).
                return done
            still = [
                other
                for other in dict.fromkeys(
                    [
                        *reported_flags(tracker, EMERGENCY, since_correction=True),
                        tracker.get_slot(SCREEN_FLAG),
                    ]
                )
                if other
                and other != flag_id
                and red_flag(other).disposition == EMERGENCY
            ]
            if answer == NO and still:
                # "no" to "has anyone had a seizure?" leaves the DTs standing (review 6:
                # the whole emergency was called off with the paramedics in the room).
                corrected = [*(tracker.get_slot(CORRECTED_FLAGS) or []), flag_id]
                dispatcher.utter_message(
                    text=STILL_AN_EMERGENCY.format(
                        dropped=red_flag(flag_id).name,
                        still=red_flag(still[0]).name,
                    )
                )
                return done + [
                    SlotSet(CORRECTED_FLAGS, corrected),
                    SlotSet(SCREEN_FLAG, still[0]),
                    SlotSet(TRIAGE_LEVEL, EMERGENCY),
                ]
            if (
                answer == NO
                and flag_id == SUICIDAL
                and says_no_only_for_now(message.get("text") or "")
            ):
                # "not right now" about thoughts of suicide keeps the crisis reply.
                return done
            if answer == NO:
                kept = self._answers_kept(tracker, flag_id)
                answered_before = any(
                    tracker.get_slot(slot) == NO for slot in ANSWER_SLOTS
                )
                carry_on = (
                    CORRECTED_CARRY_ON if answered_before else CORRECTED_SCREEN_FIRST
                )
                if flag_id == SUICIDAL:
                    # No "sorry for the alarm" after thoughts of suicide were said.
                    carry_on = carry_on.replace(
                        CORRECTED_LEAD,
                        suicide_text("no_after_asking").format(
                            crisis=region(tracker.get_slot(REGION)).crisis
                        ),
                    )
                milder = red_flag(flag_id).milder
                if milder:
                    # The No was to the emergency's worst part (the fever); its
                    # same-day form is asked about before the screen goes on.
                    return self._de_escalate(tracker, flag_id, kept) + _ask_milder(
                        dispatcher, tracker, milder, CORRECTED_LEAD
                    )
                dispatcher.utter_message(text=carry_on)
                return done + self._de_escalate(tracker, flag_id, kept)
            if red_flag(flag_id).disposition == URGENT:
                # A same-day sign not taken back: the advice stands, said once more
                # (nothing else answers this turn).
                dispatcher.utter_message(
                    text=SAME_DAY_STANDS.format(name=red_flag(flag_id).name)
                )
                return done
            asks = int(tracker.get_slot(CONFIRM_ASKS) or 1)
            if (
                answer is None
                and asks < MAX_ASKS
                and intent.get("name") not in CLOSING_INTENTS
                and not latest_flags(tracker, EMERGENCY)
            ):
                # A message that neither answers nor reports a sign ("ok so what
                # about my legs, they ache", after "it passed, breathing fine now")
                # is asked once more before the alarm stands (session 30: "call
                # 911" again, and the legs never answered).
                dispatcher.utter_message(
                    text=ASK_AGAIN_AFTER_CORRECTION
                    + question_for(flag_id, tracker.get_slot(REGION)),
                    buttons=BUTTONS,
                )
                return [SlotSet(CONFIRM_ASKS, float(asks + 1))]
            # Any other answer keeps the escalation: the safety policy repeats the
            # emergency advice next.
            return done
        said_words = set(normalise(str(message.get("text") or "")).split())
        if (
            answer is None
            and flag_id == SUICIDAL
            and said_words & set(answer_words().yes)
        ):
            # "ok yes ill text them later. i promise. now legs?", after "i dont see
            # the point anymore": a yes in it is not a goodbye (review 23 got "Okay,
            # take care"). Taken as not sure: the crisis reply, then the legs.
            answer = UNSURE
        if answer is None and intent.get("name") in CLOSING_INTENTS:
            # "ok thanks, bye" leaves the question unanswered: no alarm for what was
            # never said (a review: 911 for a goodbye), but the way to help if it is.
            place = region(tracker.get_slot(REGION))
            flag = red_flag(flag_id)
            # A same-day sign asked about first (pregnancy) is no "call 911" matter
            # (review 26: "If you do have being pregnant while in withdrawal, now or
            # later, call 911", said to a thank-you).
            dispatcher.utter_message(
                text=(
                    f"Okay, take care. If you do have {flag.name}, now or later, call "
                    f"{place.emergency} straight away. I'm here any time."
                )
                if flag.disposition == EMERGENCY
                else "You're welcome, and take care. I'm here any time, day or night."
            )
            return done
        asks = int(tracker.get_slot(CONFIRM_ASKS) or 1)
        said_text = str(message.get("text") or "")
        answers = (
            [
                text
                for text in answers_to_latest(tracker, answered_during_screen())
                if not bot_said(tracker, text)
            ]
            if answer is None
            else []
        )
        if answers:
            # A question that need not wait, asked instead of an answer, is answered
            # now, then the question again, not counted (review 84: "give me UK
            # numbers please", in Leeds, got "Sorry to ask again: I just need a yes or
            # a no").
            for text in answers:
                dispatcher.utter_message(text=text)
            dispatcher.utter_message(
                text=BACK_TO_THE_QUESTION
                + question_for(flag_id, tracker.get_slot(REGION)),
                buttons=BUTTONS,
            )
            return []
        if answer is None and mode == POSSIBLE and is_a_question(said_text):
            # A question instead of an answer is no "not sure" (review 24: "how do
            # fentanyl test strips work", then "where can i get them", got the crisis
            # reply for thoughts nobody had said). Asked again, not counted; the
            # question waits with the others for its answer.
            dispatcher.utter_message(
                text=QUESTION_INSTEAD_OF_ANSWER
                + question_for(flag_id, tracker.get_slot(REGION)),
                buttons=BUTTONS,
            )
            return []
        if answer is None and asks < MAX_ASKS:
            dispatcher.utter_message(
                text="Sorry to ask again: I just need a yes or a no to this one, "
                "and there's no wrong answer. "
                + question_for(flag_id, tracker.get_slot(REGION)),
                buttons=BUTTONS,
            )
            return [SlotSet(CONFIRM_ASKS, float(asks + 1))]
        if answer in (YES, UNSURE, None):
            flag = red_flag(flag_id)
            if flag.disposition == URGENT and not bot_said(tracker, flag.why):
                # A same-day sign confirmed: its reason and first step now, not after
                # the screen's next questions (review 59: a lump where they inject,
                # confirmed, then "Have you recently stopped...?" with no word on it).
                line = acknowledgement(
                    tracker.get_slot(BODY_LOCATION),
                    None,
                    None,
                    tracker.get_slot(ASKING_FOR) == SOMEONE_ELSE,
                    at_risk=flag,
                )
                if line:
                    dispatcher.utter_message(text=line)
            return done + self._escalate(flag_id)
        milder = red_flag(flag_id).milder
        if (
            mode == POSSIBLE
            and milder
            and milder not in reported_flags(tracker, URGENT)
            and tracker.get_slot(SCREEN_FLAG) != milder
        ):
            # A No to the emergency's worst part (the fever) is no No to the lump
            # itself: its same-day form is asked about next, as after a corrected
            # alarm (review 68: "a hot, red lump on his arm where he injects", No to
            # the fever, then nothing more was said of the lump).
            return _no_to_its_screen_question(tracker, flag_id) + _ask_milder(
                dispatcher, tracker, milder, "Thanks, that's good to hear."
            )
        new_sign = latest_possible_flag(tracker)
        if (
            mode == POSSIBLE
            and new_sign not in (None, flag_id, SUICIDAL)
            and new_sign not in (tracker.get_slot(CORRECTED_FLAGS) or [])
            and red_flag(str(new_sign)).disposition == EMERGENCY
        ):
            # "no lump. just my back and fever and my legs are getting weaker": a No
            # to the question asked, and a new possible sign in the same words, which
            # gets its own question now (review 27: "Thanks, that's good to hear.",
            # and 911 five replies later).
            return (
                done
                + _no_to_its_screen_question(tracker, flag_id)
                + [FollowupAction(ActionConfirmRedFlag().name())]
            )
        # Not "thank you for checking with me": the bot did the checking (a review
        # found it 12 times, read as robotic).
        # A No that comes with a worry or a question ("not hard. should i worry
        # because of the warfarin?") is not "good to hear" (review 9).
        said = str(tracker.latest_message.get("text") or "")
        reply = (
            # A No to the suicide question that speaks of the thoughts ("no plan. i
            # dont want to die") keeps the crisis line in view (review 22: "Thanks,
            # that helps.", then "Nothing you told me sounds like an emergency"); a
            # plain No does not get "if those thoughts ever come back" (review 23).
            suicide_text("no_after_asking").format(
                crisis=region(tracker.get_slot(REGION)).crisis
            )
            if flag_id == SUICIDAL and (says_safe_now(said) or says_it_is_hard(said))
            # Raised by a warning sign, a suicide No is never "good to hear".
            else suicide_text("no_after_a_sign").format(
                crisis=region(tracker.get_slot(REGION)).crisis
            )
            if flag_id == SUICIDAL
            else SCARED_NO
            if says_scared(said)
            else "Thanks, that helps."
            if is_a_question(said)
            else HARD_GOING_NO
            if says_it_is_hard(said)
            else "Thanks, that's good to hear."
            if len(normalise(said).split()) <= PLAIN_NO_WORDS
            # A No that says more ("no, not swollen. just numb and my foot drops when
            # I walk") is no good news to welcome (review 28: 26 times).
            else "Okay, thank you for telling me."
        )
        resume = self._resume(tracker)
        buttons: List[Dict[str, str]] = []
        if not resume and tracker.get_slot(TRIAGE_LEVEL) not in (None, EMERGENCY):
            # The advice was given and nothing is left to answer: the No alone was a
            # dead end (review 16: a bare "Thanks, that's good to hear.").
            reply = f"{reply} {ANYTHING_ELSE}"
            buttons = follow_up_buttons((), tracker.get_slot(SUBSTANCE_CLASS))
        dispatcher.utter_message(text=reply, buttons=buttons)
        answered = _no_to_its_screen_question(tracker, flag_id)
        answered += self._open_question_answered(tracker, topic_slot_for(flag_id))
        if flag_id in reported_flags(tracker, EMERGENCY, since_correction=True):
            # The sign was heard in words that deny it ("no i said no fever. its not
            # spreading": review 40), and this is the explicit No: on record as
            # corrected, so that message does not hold the conversation in an
            # emergency (the safety policy reads signs since the last correction).
            answered.append(
                SlotSet(
                    CORRECTED_FLAGS,
                    [*(tracker.get_slot(CORRECTED_FLAGS) or []), flag_id],
                )
            )
        return done + answered + resume

    @staticmethod
    def _open_question_answered(
        tracker: "Tracker", own: Optional[str]
    ) -> List[EventType]:
        """After a No to "does it feel like an emergency?", raised by the answer to an
        open screen question, that question is answered "not sure": something was
        there, not an emergency. A single question then counts towards care today
        (`actions.disposition`); the checklist goes one question at a time. Review
        14: "heart going a bit fast, no chest pain" to the chest question raised the
        check, and each No brought the chest question back, until the man typed an
        untrue "no". Not the suicide question: its "not sure" is the crisis reply's,
        through its own validation."""
        open_question = tracker.get_slot(REQUESTED_SLOT)
        if (
            not open_question
            or open_question in (own, MOOD_QUESTION)
            or tracker.get_slot(open_question) is not None
        ):
            return []
        if open_question == CHECKLIST:
            # "No. I haven't stopped yet, I'm asking whether I can just stop." raised
            # a question about thoughts of suicide; its plain No to the list stands
            # (review 26: the list was then asked one question at a time).
            users = [e for e in tracker.events if e.get("event") == "user"]
            raising = str(users[-2].get("text") or "") if len(users) > 1 else ""
            listed = members(tracker)
            if raising and read_checklist_answer(raising, None, 0.0, listed) == NO:
                return [
                    SlotSet(CHECKLIST, NO),
                    *(SlotSet(slot, NO) for slot in listed),
                ]
        if open_question in QUESTIONS_BY_SLOT or open_question == CHECKLIST:
            return [SlotSet(open_question, UNSURE)]
        return []

    @staticmethod
    def _resume(tracker: "Tracker") -> List[EventType]:
        """After a No, what the person asked in the message that raised the question
        is answered now (a harm-reduction or a who-can-help question); anything else
        goes on as usual with their next message."""
        message = message_before_latest(tracker)
        asked = str((message.get("intent") or {}).get("name"))
        follow = RESUME_ACTIONS.get(asked)
        level = tracker.get_slot(TRIAGE_LEVEL)
        is_question = asked.startswith("ask_") or is_a_question(
            message.get("text") or ""
        )
        # "it wasnt oxys it was klonopin, 2mg a day, stopped 3 days ago" raised a
        # question about chest pain; after the No, its same-day sign (stopping a benzo
        # all at once) and the new drug's advice come now (review 27: "Is there
        # anything else I can help with?").
        if follow is None and raises_same_day_sign(message):
            is_question = True
        # A message that also tells of pain goes on to the screen, whose first
        # question answers these too (session 29: "tapering klonopin with my doc, neck
        # n shoulders so tight", after a No to the chest, got the taper and mixing
        # answers and no screen, no tips).
        tells_of_pain = any(
            entity.get("entity") in (BODY_LOCATION, SYMPTOM)
            for entity in message.get("entities") or []
        )
        if (
            follow is None
            and (level is not None or not tells_of_pain)
            and set(topics_asked(message)) & answered_during_screen()
        ):
            # "no im asking in general. whats the difference between nodding and
            # overdose" is a No and the question again: answered now, as it would be
            # inside the screen (review 35: "Where is the pain?", six questions
            # before the answer). Only a question that action answers: "why does it
            # hurt and can i use ice?" got its general "if you use again" block in
            # place of the screen (session 29); the screen's first question answers
            # "why" (`_answer_what_need_not_wait`). After the screen (a level set),
            # nothing else will: "last year when i stopped benzos i had a seizure ...
            # scared its gonna happen again", then "no not today", got "Is there
            # anything else I can help with?" (review 86).
            follow = RESUME_ACTIONS["ask_harm_reduction"]
        if follow is None and is_question and level not in (None, EMERGENCY):
            # After the advice, "is it something serious?" raised the question; once
            # it is a No, the question gets its answer (a guidance set conversation
            # ended at "Okay, thank you for checking with me").
            follow = GUIDANCE_ACTION
        return [FollowupAction(follow)] if follow else []

    @staticmethod
    def _escalate(flag_id: str) -> List[EventType]:
        """An emergency sign escalates now; an urgent one makes the day's care urgent
        (the screen still runs)."""
        if red_flag(flag_id).disposition == URGENT:
            return [SlotSet(SCREEN_FLAG, flag_id)]
        return [SlotSet(TRIAGE_LEVEL, EMERGENCY), SlotSet(SCREEN_FLAG, flag_id)]

    @staticmethod
    def _answers_kept(tracker: "Tracker", flag_id: str) -> Dict[str, Optional[str]]:
        """The screen's answers after a false alarm is corrected: every "no" given
        stands, the question on the corrected sign's topic is now a "no" too, and a
        "yes" or "not sure" is asked again.

        Why not clear them all: review 4 found a mistaken tap, once corrected, sent
        people through every question again, the suicide question twice.
        """
        kept: Dict[str, Optional[str]] = {
            slot: (NO if tracker.get_slot(slot) == NO else None)
            for slot in ANSWER_SLOTS
        }
        own = topic_slot_for(flag_id)
        if own in kept:
            kept[own] = NO
        return kept

    @staticmethod
    def _de_escalate(
        tracker: "Tracker", flag_id: str, kept: Dict[str, Optional[str]]
    ) -> List[EventType]:
        """Undoes the escalation; the screen carries on with the answers `kept`."""
        corrected: List[str] = list(tracker.get_slot(CORRECTED_FLAGS) or [])
        corrected.append(flag_id)
        return [
            SlotSet(TRIAGE_LEVEL, None),
            SlotSet(SCREEN_FLAG, None),
            SlotSet(SCREEN_REASKS, None),
            *(SlotSet(slot, value) for slot, value in kept.items()),
            SlotSet(CORRECTED_FLAGS, corrected),
        ]

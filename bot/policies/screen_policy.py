"""The screen policy: nothing a person says is thrown away.

Why a policy and not rules: during the safety screen, rules decided by intent, so an
answer the intent classifier did not expect ("nah im good" read as goodbye, "breathing
fine" read as nothing) fell to the generic "Sorry, I didn't quite get that", and a
question asked mid-screen replaced the one asked before it. Here every message during
the screen goes to the screen's form, which reads the answer (`actions.answers`),
re-asks the same question with a hint when it cannot, and keeps every question for
after the screen. Outside the screen, a message the intent classifier was unsure of but
that names a symptom, a body part, a substance, a time or a region still moves the
conversation on: it starts the screen, or (after the screen) gets guidance that uses it.

It runs after the safety policy at the same priority, so a red flag always wins.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    BotUttered,
    UserUttered,
)
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITY_ATTRIBUTE_TYPE

from actions.checkin_scores import state_of as checkin_state
from actions.checkins import says_accepting, zone_named
from actions.confirmation import CLOSING_INTENTS
from actions.conversation import questions_in
from actions.fallback import only_complains
from actions.privacy import asks_to_delete
from actions.summary import SUMMARY_HEADING, asks_to_add
from bot.language import is_other_language
from bot.policies.safety_policy import (
    SAFETY_POLICY_PRIORITY,
    asks_a_question_answered_first,
    asks_only_self_care,
    asks_to_talk,
)
from bot.safety.names import EMERGENCY

logger = logging.getLogger(__name__)

FORM = "form"
GUIDANCE_ACTION = "guidance_action"
FALLBACK_ACTION = "fallback_action"
CHECK_INS_SLOT = "check_ins_slot"
ASK_DELETE = "ask_delete"
DELETE_ACTION = "delete_action"
DELETE_CANCELLED = "delete_cancelled"
YES_WORDS = frozenset({"yes", "yeah", "yep", "yup", "sure", "ok", "okay", "please"})
NO_WORDS = frozenset({"no", "nah", "nope", "naw", "not"})
DECLINES = ("no thanks", "no thank", "nah thanks", "no thx", "no ty")
"""A "no" that declines the check-ins even beside a question ("no thanks. how long
will this last?"); any other "no" with a question ("No, dear. Did you see I'm on
warfarin?") is about the question (review 15: check-ins stopped, twice)."""
CORRECTION_MARKERS = (
    "i mean",
    "i meant",
    "actually",
    "not my",
    "not the",
    "wait",
    "its my",
    "it is my",
    "did you get",
    "did u get",
    "i said",
    "i told you",
)
"""Words that take a fact back: a "no" beside them and a new fact is no decline
(review 16: "did u get that its my hip tho? not back" stopped the check-ins)."""
CORRECTION_INTENT = "correct_misunderstanding"
HARM_REDUCTION_INTENT = "ask_harm_reduction"
OPT_IN_PAYLOAD = "/opt_in_check_in"  # the offer's Yes button (actions/checkins.py)
ANSWER_INTENTS = "answer_intents"
TELL_ME_MORE = "tell_me_more"
PAIN_ENTITIES = "pain_entities"
HARM_REDUCTION_ACTION = "harm_reduction_action"
OPT_IN_ACTION = "opt_in_action"
STOP_ACTION = "stop_action"
SKIP_ACTION = "skip_action"
SUMMARY_ACTION = "summary_action"
OFFERED = "offered"
TRIAGE_SLOT = "triage_slot"
KEEP_OUT_INTENTS = "keep_out_intents"
UNSURE_INTENTS = "unsure_intents"
UNDERSTOOD_ENTITIES = "understood_entities"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class ScreenPolicy(Policy):
    """Sends every message during the screen to the screen, and understood facts on."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the default config (see parent class for full docstring)."""
        return {
            # Same as the safety policy, listed after it: a red flag wins the tie.
            "priority": SAFETY_POLICY_PRIORITY,
            FORM: "triage_form",
            GUIDANCE_ACTION: "action_self_care_guidance",
            FALLBACK_ACTION: "action_fallback",
            CHECK_INS_SLOT: "check_ins",
            ASK_DELETE: "utter_ask_delete",
            DELETE_ACTION: "action_delete_conversation",
            DELETE_CANCELLED: "utter_delete_cancelled",
            ANSWER_INTENTS: ["affirm", "deny", "unsure"],
            TELL_ME_MORE: "utter_tell_me_more",
            # What makes a harm-reduction question also a report of pain to screen.
            PAIN_ENTITIES: ["body_location", "symptom"],
            HARM_REDUCTION_ACTION: "action_harm_reduction",
            OPT_IN_ACTION: "action_opt_in_check_in",
            STOP_ACTION: "action_stop_check_ins",
            SKIP_ACTION: "action_skip_check_in",
            SUMMARY_ACTION: "action_clinician_summary",
            TRIAGE_SLOT: "triage_level",
            # Intents the rules still handle during the screen.
            KEEP_OUT_INTENTS: [
                "restart",
                "request_summary",
                "ask_human",
                "delete_conversation",
                "confirm_delete",
                "stop_check_ins",
                "skip_check_in",
                "EXTERNAL_check_in",
            ],
            # What the intent classifier says when it is unsure.
            UNSURE_INTENTS: [
                "nlu_fallback",
                "out_of_scope",
                "correct_misunderstanding",
                # An emergency the safety policy neither found nor asked about (a
                # plain description of cramps): screened like any description.
                "report_emergency",
            ],
            # Entities that carry something the screen or the guidance uses.
            UNDERSTOOD_ENTITIES: [
                "substance",
                "substance_class",
                "body_location",
                "symptom",
                "hours_since_stop",
            ],
        }

    def train(
        self,
        training_trackers: List[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Nothing to learn; checks that the domain has what the policy needs."""
        for key in (
            FORM,
            GUIDANCE_ACTION,
            FALLBACK_ACTION,
            OPT_IN_ACTION,
            STOP_ACTION,
            SKIP_ACTION,
            HARM_REDUCTION_ACTION,
            TELL_ME_MORE,
            DELETE_ACTION,
            DELETE_CANCELLED,
        ):
            if self.config[key] not in domain.action_names_or_texts:
                raise InvalidConfigException(
                    f"ScreenPolicy needs '{self.config[key]}' in the domain ({key})."
                )
        return self._resource

    def decide(self, tracker: DialogueStateTracker) -> Optional[Text]:
        """The action for this message, or None to let the other policies decide."""
        last = tracker.events[-1] if tracker.events else None
        intent = (tracker.latest_message.intent or {}).get("name")
        if isinstance(last, ActionExecutionRejected):
            if intent in self.config[KEEP_OUT_INTENTS]:
                return None  # the form stepped aside for a rule (a summary, a restart)
            # The form could not use the message: say so rather than stay silent.
            return self.config[FALLBACK_ACTION]
        if (
            tracker.latest_action_name == ACTION_LISTEN_NAME
            and intent not in ("delete_conversation", "confirm_delete")
            and not (tracker.latest_message.text or "").startswith("/")
            and asks_to_delete(tracker.latest_message.text or "")
        ):
            # "thanks. ok now pls delete this convo": the deletion is asked for, with
            # its confirming button, whatever else the message says (review 69).
            return self.config[ASK_DELETE]
        if tracker.latest_action_name in (
            self.config[OPT_IN_ACTION],
            self.config[STOP_ACTION],
        ) and self._asks(tracker, intent):
            # "no thanks. how long will this last?": the offer is answered, and so is
            # the question (a review: the question was dropped).
            if intent == HARM_REDUCTION_INTENT:
                return self.config[HARM_REDUCTION_ACTION]
            if tracker.get_slot(self.config[TRIAGE_SLOT]) not in (None, EMERGENCY):
                return self.config[GUIDANCE_ACTION]
        if (
            tracker.latest_action_name == self.config[SUMMARY_ACTION]
            and tracker.active_loop_name == self.config[FORM]
        ):
            # A summary asked for during the screen: then the screen's question
            # again, which would otherwise stand unseen (review 35, and
            # data/rules/triage.yml for the helplines).
            return self.config[FORM]
        if tracker.latest_action_name in (
            self.config[OPT_IN_ACTION],
            self.config[STOP_ACTION],
            self.config[SKIP_ACTION],
            self.config[FALLBACK_ACTION],
            self.config[TELL_ME_MORE],
            self.config[DELETE_ACTION],
            self.config[DELETE_CANCELLED],
            self.config[GUIDANCE_ACTION],
            self.config[SUMMARY_ACTION],
        ):
            # Each of these is a whole answer: wait for the person (the guidance too,
            # however it was reached: after the fallback or a declined offer the rules
            # had no next step and added "Sorry, I didn't quite get that").
            return ACTION_LISTEN_NAME
        if tracker.latest_action_name == self.config[HARM_REDUCTION_ACTION]:
            # The question is answered; what hurts, if the message said, is screened.
            if (
                self._understood(tracker, self.config[PAIN_ENTITIES])
                and tracker.get_slot(self.config[TRIAGE_SLOT]) is None
                and not asks_to_talk(tracker)
            ):
                return self.config[FORM]
            # Otherwise the answer is the whole reply, however it was reached (the
            # fallback hands on a question it recognises by its words; the rules had
            # no next step for that and added "Sorry, I didn't quite get that").
            return ACTION_LISTEN_NAME
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            return None
        if tracker.active_loop_name != self.config[FORM] and zone_named(
            tracker.get_slot(self.config[CHECK_INS_SLOT]),
            checkin_state(tracker),
            tracker.latest_message.text or "",
        ):
            # Check-ins running in UTC and a place named ("not tomorrow, TONIGHT.
            # and whats UTC, im in chicago", read as goodbye in review 35): the
            # check-ins move to that place's time.
            return self.config[OPT_IN_ACTION]
        if intent in self.config[KEEP_OUT_INTENTS]:
            return None
        if (
            intent in CLOSING_INTENTS
            and tracker.active_loop_name != self.config[FORM]
            and tracker.get_slot(self.config[TRIAGE_SLOT]) != EMERGENCY
            and questions_in({"text": tracker.latest_message.text or ""})
            # "that didnt help" is a complaint (below), not the pain-relief question.
            and not only_complains({"text": tracker.latest_message.text or ""})
        ):
            # "ok. what can i do tonight to get through till 9 then" and "chills",
            # read as goodbye (reviews 38 and 41: "Take care of yourself ..."): a
            # question or a complaint with an answer of its own is answered, after
            # the screen when there has been none.
            if tracker.get_slot(self.config[TRIAGE_SLOT]) is None:
                return self.config[FORM]
            return self.config[GUIDANCE_ACTION]
        if tracker.active_loop_name == self.config[FORM]:
            # The form reads a short answer in another language ("tal vez", "no sé")
            # and answers in that language what it cannot read (review 6: Spanish
            # answers to the screen looped).
            return self.config[FORM]
        if is_other_language(tracker.latest_message.text or ""):
            # Answered kindly in that language (the fallback), not screened in English.
            return self.config[FALLBACK_ACTION]
        if asks_to_add(tracker.latest_message.text or "") and any(
            isinstance(event, BotUttered)
            and (event.text or "").startswith(SUMMARY_HEADING)
            for event in tracker.events
        ):
            # "Can you add that I was on it for 2 years ... and that I stopped it
            # myself all at once": the summary again, with their words in it.
            return self.config[SUMMARY_ACTION]
        if only_complains(
            {"text": tracker.latest_message.text or ""}
        ) and not self._understood(tracker):
            # "this is useless", "that didnt help": an apology and a way on, whatever
            # the classifier heard (a thank-you, a question about cravings).
            return self.config[FALLBACK_ACTION]
        first_word = ((tracker.latest_message.text or "").lower().split() or [""])[0]
        first_word = first_word.strip(",.!")
        # "ok but if i do how do i make it safer" asks; its "ok" accepts nothing. Nor
        # does the "ok" of "ok but like 2 or 3 tablets? 200mg each" (review 33: signed
        # up for check-ins by a question about ibuprofen): a question mark anywhere, or
        # a "but" right after the first word, is no yes.
        latest_text = (tracker.latest_message.text or "").lower()
        asks = (
            (intent or "").startswith("ask_")
            or "?" in latest_text
            or latest_text.split()[1:2] == ["but"]
        )
        said_yes = intent == "affirm" or (first_word in YES_WORDS and not asks)
        said_no = intent == "deny" or first_word in NO_WORDS
        if self._last_bot_action(tracker) == self.config[ASK_DELETE]:
            # A typed "yes" to "Delete it?" confirms, like the button.
            if said_yes and not said_no:
                return self.config[DELETE_ACTION]
            if said_no:
                return self.config[DELETE_CANCELLED]
        if (
            tracker.get_slot(self.config[CHECK_INS_SLOT]) == OFFERED
            and self._last_bot_action(tracker) == self.config[GUIDANCE_ACTION]
        ):
            # A typed yes or no ("yes please", "no thanks") answers the offer. A no is
            # taken while the offer is open (declining costs nothing); a yes only in the
            # very next message, and not a closing: "ok I'll go to urgent care" two
            # turns later, or "ok thanks man", is not a yes to a message every morning.
            plainly_declines = any(
                (tracker.latest_message.text or "").lower().startswith(words)
                for words in DECLINES
            )
            if said_no and (
                self._corrects_a_fact(tracker)
                or (
                    self._understood(tracker, self.config[PAIN_ENTITIES])
                    and not plainly_declines
                )
            ):
                # "no i mean its my HIP not my back": a correction, not a decline
                # (review 14: check-ins stopped, the hip never answered). So is "not
                # shaking. CRAMPING", naming the symptom (review 83).
                return self.config[GUIDANCE_ACTION]
            declines = not asks or plainly_declines
            if said_no and declines:
                return self.config[STOP_ACTION]
            if (
                said_yes
                and intent not in CLOSING_INTENTS
                and self._offer_just_made(tracker)
                and _accepts_plainly(tracker.latest_message.text or "")
            ):
                return self.config[OPT_IN_ACTION]
        if intent == HARM_REDUCTION_INTENT and asks_only_self_care(tracker):
            # A question about the muscles that the classifier heard as harm
            # reduction: the guidance answers it once the screen is done.
            if tracker.get_slot(self.config[TRIAGE_SLOT]) is None:
                return self.config[FORM]
            if tracker.get_slot(self.config[TRIAGE_SLOT]) != EMERGENCY:
                return self.config[GUIDANCE_ACTION]
        if intent != HARM_REDUCTION_INTENT and asks_a_question_answered_first(tracker):
            # The answer first, whatever the intent; a pain named beside it is screened
            # straight after (see above).
            return self.config[HARM_REDUCTION_ACTION]
        if (
            intent in self.config[ANSWER_INTENTS]
            and tracker.get_slot(self.config[TRIAGE_SLOT]) is None
        ):
            # A bare yes or no before anything was asked: ask what is going on.
            return self.config[TELL_ME_MORE]
        if intent == CORRECTION_INTENT:
            # "wrong button", "that's not what I said" with no alarm to undo (the
            # safety policy takes those): ask again what is going on, kindly. Unless it
            # says what they meant: "did u not read what i said I WANT TO USE" and "no
            # i meant what do i SAY to 111" were met with the opening question in the
            # middle of a conversation (review 33).
            if self._understood(tracker):
                pass
            elif self._asks(tracker, intent) and tracker.get_slot(
                self.config[TRIAGE_SLOT]
            ) not in (None, EMERGENCY):
                return self.config[GUIDANCE_ACTION]
            else:
                return self.config[TELL_ME_MORE]
        if intent not in self.config[UNSURE_INTENTS]:
            return None
        if not self._understood(tracker):
            # Nothing recognisable: the kind fallback (the rules say the same for
            # nlu_fallback and out_of_scope; "not literally" outside an escalation has
            # no rule of its own).
            return self.config[FALLBACK_ACTION]
        if tracker.get_slot(self.config[TRIAGE_SLOT]) is None:
            return self.config[FORM]
        return self.config[GUIDANCE_ACTION]

    @staticmethod
    def _asks(tracker: DialogueStateTracker, intent: Optional[Text]) -> bool:
        """Whether the latest message asks something (a question intent or a "?")."""
        return (intent or "").startswith("ask_") or "?" in (
            tracker.latest_message.text or ""
        )

    def _corrects_a_fact(self, tracker: DialogueStateTracker) -> bool:
        """Whether the latest message takes back a fact ("i mean", "not my back") and
        names the new one (a body part, a drug)."""
        text = f" {(tracker.latest_message.text or '').lower()} "
        intent = (tracker.latest_message.intent or {}).get("name")
        # "no I said hip not butt", heard as a correction, stopped the check-ins
        # (review 23).
        return self._understood(tracker, self.config[PAIN_ENTITIES]) and (
            intent == CORRECTION_INTENT
            or any(f" {marker} " in text for marker in CORRECTION_MARKERS)
        )

    @staticmethod
    def _offer_just_made(tracker: DialogueStateTracker) -> bool:
        """Whether the bot's last message before the latest one offered check-ins
        (its buttons hold the opt-in payload)."""
        seen_user = False
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                if seen_user:
                    return False
                seen_user = True
            elif seen_user and isinstance(event, BotUttered):
                buttons = (event.data or {}).get("buttons") or []
                return any(b.get("payload") == OPT_IN_PAYLOAD for b in buttons)
        return False

    @staticmethod
    def _last_bot_action(tracker: DialogueStateTracker) -> Optional[Text]:
        """The bot's last action before the latest message (not listening)."""
        seen_user = False
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                seen_user = True
            elif (
                seen_user
                and isinstance(event, ActionExecuted)
                and event.action_name != ACTION_LISTEN_NAME
            ):
                return event.action_name
        return None

    def _understood(
        self, tracker: DialogueStateTracker, kinds: Optional[List[Text]] = None
    ) -> bool:
        """Whether the latest message names a symptom, body part, drug or time (or
        one of `kinds`)."""
        wanted = set(kinds if kinds is not None else self.config[UNDERSTOOD_ENTITIES])
        return bool(
            {e.get(ENTITY_ATTRIBUTE_TYPE) for e in tracker.latest_message.entities}
            & wanted
        )

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Predicts the screen or the guidance with certainty, or abstains."""
        action = self.decide(tracker)
        if action is None:
            return self._prediction(self._default_predictions(domain))
        logger.debug("ScreenPolicy: predicting '%s'.", action)
        return self._prediction(
            confidence_scores_for(action, 1.0, domain), is_no_user_prediction=True
        )


PLAIN_ACCEPT_WORDS = 5
"""A yes this short ("ok", "sure, thanks") accepts the check-in offer."""


def _accepts_plainly(text: str) -> bool:
    """Whether a yes answers the check-in offer: a short one, or one with a word of
    accepting ("yes please, same time tomorrow"). "ok thanks, ill call my doctor on
    monday" is a plan and a goodbye, not a message every morning (session 26)."""
    words = re.findall(r"[a-z']+", text.lower())
    return len(words) <= PLAIN_ACCEPT_WORDS or says_accepting(text)

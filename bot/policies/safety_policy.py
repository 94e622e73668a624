"""The safety policy: red flags and escalated conversations always win.

Why a policy of its own: the design card promises that emergency signs are checked
before any self-care tip, in any turn. Rules and forms cannot promise that on their own:
an active form's happy-path prediction is a "no user" prediction, which beats every
ordinary policy prediction in `DefaultPolicyPredictionEnsemble._pick_best_policy`
whatever its priority. So this policy marks its predictions as "no user" predictions
too, and has the highest priority, which makes it win ties against the form.

Decisions, in order (each logged at debug level):
1. A custom action that always answers ran and left nothing behind (no event at all):
   the action server is down or failed. The Rasa server answers by itself with
   `utter_emergency_fallback` (after a failed emergency reply) or `utter_service_down`;
   both lead with the emergency number for the person's region.
2. Right after the emergency reply (or its fallback): listen. That reply is the whole
   answer.
3. A new message that carries an emergency `red_flag` entity (the lexicon's
   `RedFlagExtractor` or the semantic layer's `SemanticRedFlagExtractor` when it is
   sure): `action_emergency`. A clear sign is never delayed by a question.
4. A direct question is waiting for its answer (`confirm_flag` is set):
   `action_resolve_confirmation` reads it. Yes or Not sure escalates; an explicit No
   carries on (after a false alarm: back to the screen, in full); any other answer
   keeps an escalation.
5. The conversation is escalated and the person says it was a misunderstanding
   ("that's not what I meant", "wrong button", "no I'm fine"): one direct question
   about that very sign (`action_confirm_red_flag`). Only an explicit No to it undoes
   the escalation.
6. A possible sign (a `possible_red_flag` entity, or an emergency the NLU heard with no
   sign it knows): one direct question about it, before anything else.
7. The conversation is escalated (`triage_level` is `emergency`, or an emergency red
   flag was reported since the last corrected false alarm, which still counts if the
   action server was down then): `action_emergency` again, whatever was asked; no
   tips. Only intents in `passthrough_intents` (restart, deleting the conversation, the
   summary for a clinician, which helps paramedics) are left to the other policies.
Otherwise it abstains (all-zero probabilities).

Slot filling runs before policies, so screen answers are never filled by slot mappings:
`validate_triage_form` reads them only when the form action itself runs, which it cannot
do in a turn this policy takes over.
"""

import functools
import logging
import re
from typing import Any, Dict, FrozenSet, List, Optional, Text, Tuple

from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Restarted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import (
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
)

from actions.after_emergency import says_help_is_not_coming
from actions.answers import (
    NO,
    answer_words,
    denies_suicide,
    ends_with_a_goodbye,
    is_plain_closing,
    read_answer,
    says_it_was_a_misunderstanding,
    wants_the_tips,
)
from actions.checkin_times import picked_time
from actions.checkins import asks_how_checkins_work
from actions.confirmation import (
    RESUME_ACTIONS,
    corrects_same_day_sign,
    same_day_sign_among,
    says_scared,
    topic_slot_for,
)
from actions.conversation import (
    COMPANY_TOPICS,
    CORRECTED,
    SAID,
    answered_first_topics,
    asks_in_words,
    doubts_the_call,
    is_a_question,
    mentions_topic,
    questions_in,
    seeking_safety_topics,
    still_standing,
)
from actions.emergency import says_safe_now
from actions.fallback import only_complains, wants_it_shorter
from actions.guidance import says_not_answered
from actions.screening import says_nothing_taken
from actions.slots import NO_SUBSTANCE, SAFE_NOW
from actions.summary import asks_to_add
from bot.importer import load_project_lexicon
from bot.language import is_mixed_language, is_other_language, normalise
from bot.nlu.red_flag_extractor import RED_FLAG_DISPOSITION, RED_FLAG_ENTITY
from bot.nlu.semantic_red_flag_extractor import (
    POSSIBLE_RED_FLAG_ENTITY,
    SCORES_KEY,
    SemanticRedFlagExtractor,
)
from bot.safety.catalogue import confirmed_same_day, red_flags
from bot.safety.context_signs import signs_in_context
from bot.safety.detector import NEARBY as NEARBY_MARKER
from bot.safety.names import CONCEPTS_KEY
from bot.safety.names import URGENT as URGENT_DISPOSITION

logger = logging.getLogger(__name__)

EMERGENCY_ACTION = "emergency_action"
TRIAGE_SLOT = "triage_slot"
PASSTHROUGH_INTENTS = "passthrough_intents"
ALWAYS_ANSWERING_ACTIONS = "always_answering_actions"
EMERGENCY_FALLBACK = "emergency_fallback_response"
SERVICE_DOWN = "service_down_response"
CONFIRM_ACTION = "confirm_action"
DELETE_INTENT = "delete_conversation"
"""Asking to delete the conversation: after a No to the suicide question, no new
disclosure, whatever the encoder scores."""
SUICIDE_REASK_SCORE = "suicide_reask_score"
SUICIDE_SURE_SCORE = "suicide_sure_score"
RESOLVE_ACTION = "resolve_action"
CONFIRM_SLOT = "confirm_slot"
CORRECTED_SLOT = "corrected_slot"
CORRECTION_INTENTS = "correction_intents"
CORRECTION_OPENERS = "correction_openers"
UNRECOGNISED_EMERGENCY_INTENT = "unrecognised_emergency_intent"
DESCRIPTION_ENTITIES = "description_entities"
SCREEN_FORM = "screen_form"
SUMMARY_ACTION = "summary_action"
EMERGENCY = "emergency"
SAFETY_POLICY_PRIORITY = 7  # above RulePolicy (6)
SEMANTIC_EXTRACTOR = SemanticRedFlagExtractor.__name__
SCREEN_FLAG_SLOT = "screen_flag"  # the sign a Yes in the screen escalated
SUBSTANCE_CLASS_SLOT = "substance_class"
MOOD_SLOT = "screen_mood"  # the screen's direct question about thoughts of suicide
SUICIDAL_FLAG = "suicidal"
PRIVACY_TOPICS = ("privacy", "helpline_privacy", "crisis_line_privacy")
"""Topics of data/dialogue/topics.yml that ask who sees what is said here."""


PREGNANCY_FLAG = "pregnancy"
_AGE = re.compile(r"\b(\d{2})\s*(?:years?|yrs?|yo|y o)\b")


def cannot_be_pregnant(text: str) -> bool:
    """Whether the message is about a man, or someone past the age of pregnancy (words
    and age in `data/dialogue/answers.yml`), so a pregnancy heard by meaning alone is
    not asked about."""
    words = answer_words()
    plain = f" {normalise(text)} "
    if any(f" {phrase} " in plain for phrase in words.cannot_be_pregnant):
        return True
    return any(int(age) >= words.pregnancy_age_until for age in _AGE.findall(plain))


BARE_NO_WORDS = 4
"""How long a No can be and still deny the sign without naming it ("no he's fine")."""


@functools.lru_cache(maxsize=1)
def suicide_concepts() -> FrozenSet[str]:
    """The lexicon's concepts that make up its suicide combinations (a means, a plan,
    a farewell: data/safety/red_flags.yml), read from the catalogue, not restated."""
    lexicon = load_project_lexicon()
    return frozenset(
        concept
        for flag in lexicon.red_flags
        if flag.flag_id == SUICIDAL_FLAG
        for combination in flag.combinations
        for concept in combination
        if concept != NEARBY_MARKER
    )


def suicide_words_in(parse_data: Dict[Text, Any]) -> bool:
    """Whether the lexicon heard a word of its suicide combinations in the message."""
    return bool(set(parse_data.get(CONCEPTS_KEY) or ()) & suicide_concepts())


def possible_flags(entities: List[Dict[Text, Any]]) -> List[Text]:
    """Signs the semantic layer was unsure of in a message, leaving out those the
    lexicon found in the same message: "hi im 28 weeks pregnant and have this awful
    pain in my bum cheek" was asked "are you (or the person you're asking for)
    pregnant?" (review 22)."""
    sure = {
        str(entity[ENTITY_ATTRIBUTE_VALUE])
        for entity in entities
        if entity.get(ENTITY_ATTRIBUTE_TYPE) == RED_FLAG_ENTITY
    }
    return [
        str(entity[ENTITY_ATTRIBUTE_VALUE])
        for entity in entities
        if entity.get(ENTITY_ATTRIBUTE_TYPE) == POSSIBLE_RED_FLAG_ENTITY
        and str(entity[ENTITY_ATTRIBUTE_VALUE]) not in sure
    ]


def emergency_flags(entities: List[Dict[Text, Any]]) -> List[Text]:
    """Catalogue ids of the emergency red flags among a message's entities."""
    return [
        str(entity[ENTITY_ATTRIBUTE_VALUE])
        for entity in entities
        if entity.get(ENTITY_ATTRIBUTE_TYPE) == RED_FLAG_ENTITY
        and entity.get(RED_FLAG_DISPOSITION) == EMERGENCY
    ]


def heard_only_by_meaning(entities: List[Dict[Text, Any]]) -> bool:
    """Whether every emergency red flag of a message came from the sentence encoder
    (the semantic layer), none from the lexicon, which reads negations."""
    extractors = {
        entity.get(EXTRACTOR)
        for entity in entities
        if entity.get(ENTITY_ATTRIBUTE_TYPE) == RED_FLAG_ENTITY
        and entity.get(RED_FLAG_DISPOSITION) == EMERGENCY
    }
    return extractors == {SEMANTIC_EXTRACTOR}


def asks_a_question_answered_first(tracker: DialogueStateTracker) -> bool:
    """Whether the latest message asks (in a question, or by its `said` phrases) about
    treatment or using more safely, whatever intent the classifier gave it: "gonna
    pick up tonight after 3 weeks, what should i know" (read as cravings) and
    "negative strip = real oxy?" (read as inform) got "where is the pain?" in review 6;
    "can u just talk to me for a bit" (read as thanks) got "You're welcome" in review 7.
    """
    message = {"text": tracker.latest_message.text or ""}
    return bool(answered_first_topics() & set(questions_in(message)))


def asks_only_self_care(tracker: DialogueStateTracker) -> bool:
    """Whether the latest message asks only about the muscles (a self-care topic) and
    nothing a harm-reduction answer covers, whatever intent the classifier gave it:
    "its suboxone not methadone lol. anyway what helps the restless legs at night"
    (read as a harm-reduction question) got "I don't have a specific answer" (review
    10)."""
    from actions.guidance import SELF_CARE_TOPICS
    from actions.knowledge_base import HARM_REDUCTION_TOPICS

    asked = set(questions_in({"text": tracker.latest_message.text or ""}))
    return (
        bool(asked)
        and not asked & set(HARM_REDUCTION_TOPICS)
        and bool(
            asked
            & (
                SELF_CARE_TOPICS
                # Review 51: a runner with no drugs, "so can i still run the race or
                # nah", heard as harm reduction, got "If you do use or drink again".
                | {"restless_legs", "sciatica", "protracted", "keep_running"}
            )
        )
    )


def asks_to_talk(tracker: DialogueStateTracker) -> bool:
    """Whether the latest message asks for company ("can u just talk to me for a bit"):
    the answer is the whole reply, not followed by "where is the pain?" (review 7)."""
    return "just_talk" in questions_in({"text": tracker.latest_message.text or ""})


def _asks_for_treatment(tracker: DialogueStateTracker) -> bool:
    """Whether the latest message asks how to get into treatment ("wanna get on subs but
    no insurance, where do i even start") or how to use more safely ("gonna use tonight,
    been off a week, alone, what do i need to know": review 5 asked him about suicide
    three times before any overdose advice): reaching for help or for safety, which the
    encoder can hear as hopelessness. An unsure suicide sign there is not asked about
    first; a clear one still escalates, and the screen's direct question still comes to
    everyone."""
    message = {"text": tracker.latest_message.text or ""}
    asked = set(questions_in(message, whole_message=True))
    return bool(seeking_safety_topics() & asked)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class SafetyPolicy(Policy):
    """Deterministically hands red flags and escalated conversations to the emergency
    reply."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        return {
            # Must beat RulePolicy (6) when both make a "no user" prediction.
            "priority": SAFETY_POLICY_PRIORITY,
            # The action that gives the emergency reply; must be in the domain.
            EMERGENCY_ACTION: "action_emergency",
            # The categorical slot holding the disposition; "emergency" escalates.
            TRIAGE_SLOT: "triage_level",
            # Intents the other policies still handle in an escalated conversation.
            PASSTHROUGH_INTENTS: [
                "restart",
                "request_summary",
                "delete_conversation",
                "confirm_delete",
                "stop_check_ins",
                "skip_check_in",
                "EXTERNAL_check_in",
            ],
            # Asks one direct question about a sign; reads the answer to it.
            CONFIRM_ACTION: "action_confirm_red_flag",
            RESOLVE_ACTION: "action_resolve_confirmation",
            # The slot naming the sign asked about while the answer is awaited.
            CONFIRM_SLOT: "confirm_flag",
            # The slot set when a false alarm is undone: flags before it no longer
            # escalate.
            CORRECTED_SLOT: "corrected_flags",
            # After an emergency reply, these intents may mean "you misunderstood" ...
            CORRECTION_INTENTS: ["correct_misunderstanding", "deny"],
            # ... a "deny" only when the message opens like a correction ("no im
            # fine", "nope"), not "we dont have narcan".
            CORRECTION_OPENERS: [
                "no",
                "nope",
                "nah",
                "naw",
                "nuh",
                "noo",
                "not",
                "im",
                "i'm",
                "i",
                "its",
                "it's",
                "false",
                "wrong",
                "thats",
                "that's",
            ],
            # The NLU heard an emergency but no sign the catalogue knows.
            UNRECOGNISED_EMERGENCY_INTENT: "report_emergency",
            # ... asked about ("does it feel like an emergency?") only when the
            # message describes nothing the screen could ask about: a description
            # ("my mom is coming off alcohol and her legs cramp", review 16) starts
            # the screen, whose checklist asks about every emergency sign that fits.
            # A gate on the semantic layer's scores instead (0.005) flipped with each
            # retraining on this very message.
            DESCRIPTION_ENTITIES: ["body_location", "symptom", "substance"],
            # A suicide sign heard by meaning at least this surely is asked about
            # again after a No to the screen's question (see `_still_to_ask`; review
            # 11: "honestly whats the point anymore" after a No got no question).
            SUICIDE_REASK_SCORE: 0.7,
            # ... and below this (the semantic layer's clear threshold) only with a
            # word of the lexicon's suicide combinations (a means, a plan, a farewell).
            SUICIDE_SURE_SCORE: 0.9,
            # The screen, resumed after a question is answered No.
            SCREEN_FORM: "triage_form",
            # The clinician summary, allowed (and final) in an escalated conversation.
            SUMMARY_ACTION: "action_clinician_summary",
            # Actions whose every successful run returns at least one event (a slot or
            # the form's loop events): no event after one of them means it failed (the
            # action server is down). Actions that only send messages are not listed:
            # stories record no bot messages, so they could not tell the difference.
            ALWAYS_ANSWERING_ACTIONS: [
                "action_emergency",
                "action_self_care_guidance",
                "triage_form",
            ],
            # Responses the Rasa server sends by itself when the action server is down.
            EMERGENCY_FALLBACK: "utter_emergency_fallback",
            SERVICE_DOWN: "utter_service_down",
        }

    def train(
        self,
        training_trackers: List[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Nothing to learn; checks that the domain has what the policy needs."""
        for key in (
            EMERGENCY_ACTION,
            EMERGENCY_FALLBACK,
            SERVICE_DOWN,
            CONFIRM_ACTION,
            RESOLVE_ACTION,
        ):
            action = self.config[key]
            if action not in domain.action_names_or_texts:
                raise InvalidConfigException(
                    f"SafetyPolicy needs the action '{action}' in the domain ({key})."
                )
        for key in (TRIAGE_SLOT, CONFIRM_SLOT, CORRECTED_SLOT):
            slot = self.config[key]
            if slot not in [s.name for s in domain.slots]:
                raise InvalidConfigException(
                    f"SafetyPolicy needs the slot '{slot}' in the domain ({key})."
                )
        return self._resource

    def decide(self, tracker: DialogueStateTracker) -> Optional[Tuple[Text, Text]]:
        """The action safety requires next and why, or None to let other policies
        decide."""
        emergency_action = self.config[EMERGENCY_ACTION]
        failed = self._failed_action(tracker)
        if failed == emergency_action:
            return self.config[EMERGENCY_FALLBACK], "the emergency reply failed"
        if failed:
            return self.config[SERVICE_DOWN], f"'{failed}' failed (action server down?)"
        latest_action = tracker.latest_action_name
        if latest_action in (emergency_action, self.config[EMERGENCY_FALLBACK]):
            return (
                ACTION_LISTEN_NAME,
                "the emergency reply was sent; wait for the person",
            )
        if latest_action == self.config[SERVICE_DOWN]:
            return ACTION_LISTEN_NAME, "the service-down reply was sent"
        if latest_action == self.config[CONFIRM_ACTION]:
            return ACTION_LISTEN_NAME, "a direct question was asked"
        if latest_action == self.config[RESOLVE_ACTION]:
            return self._after_resolution(tracker)
        if (
            latest_action
            in (RESUME_ACTIONS["ask_human"], RESUME_ACTIONS["stop_check_ins"])
            and self._action_before_latest(tracker) == self.config[RESOLVE_ACTION]
        ):
            # "which number do i ring", asked with the sign, answered after the No:
            # the reply is complete. Nothing else predicts a step here, and Rasa's
            # default fallback would revert the turn, the No with it (review 8: the
            # crisis reply came back on the next message).
            return ACTION_LISTEN_NAME, "the question asked with the sign is answered"
        if latest_action == self.config[SUMMARY_ACTION] and self._escalated(tracker):
            # The summary for the paramedics is the whole answer: no screen follows.
            return ACTION_LISTEN_NAME, "the summary was given in an emergency"
        intent = (tracker.latest_message.intent or {}).get("name")
        if latest_action == ACTION_LISTEN_NAME:
            entities = tracker.latest_message.entities
            flags = emergency_flags(entities) or signs_in_context(
                tracker.latest_message.text or "",
                tracker.get_slot(SUBSTANCE_CLASS_SLOT),
                self._urgent_before(tracker),
                self._said_before(tracker),
            )
            if (
                flags
                and self._escalated(tracker, before_latest=True)
                and self._is_correction(tracker, intent)
                and heard_only_by_meaning(entities)
            ):
                # "whoa no, I mean it cramped. its not swollen and I wasnt lying
                # still": the encoder hears the sign in the words that deny it; the
                # lexicon, which reads the negations, found none. One direct question
                # about the sign settles it (only an explicit No de-escalates).
                return self.config[
                    CONFIRM_ACTION
                ], "a correction, sign heard by meaning"
            asked_about = tracker.get_slot(self.config[CONFIRM_SLOT])
            if (
                flags
                and set(flags)
                <= {
                    *self._raised_before(tracker),
                    tracker.get_slot(SCREEN_FLAG_SLOT),
                    asked_about,
                }
                and says_it_was_a_misunderstanding(tracker.latest_message.text or "")
            ):
                # "lol no, the pain is so bad i cant breathe, like its a saying. my
                # breathing is fine": the words of the sign again, said to undo it.
                # A new sign still escalates; the same one gets the direct question,
                # or, when that question was just asked, is read as its answer.
                if asked_about:
                    return self.config[RESOLVE_ACTION], "an answer that quotes the sign"
                if self._escalated(tracker, before_latest=True):
                    return self.config[
                        CONFIRM_ACTION
                    ], "a correction that quotes the sign"
            if (
                flags
                and heard_only_by_meaning(entities)
                and is_other_language(tracker.latest_message.text or "")
                and not self._escalated(tracker, before_latest=True)
            ):
                # The encoder reads English: in another language its sure sign is a
                # guess ("me duele la espalda" heard as chest pain). The reply in that
                # language gives the emergency number and a helpline that speaks it;
                # a sign the lexicon knows in that language still escalates.
                return None
            if (
                flags
                and heard_only_by_meaning(entities)
                and is_mixed_language(tracker.latest_message.text or "")
                and not self._escalated(tracker, before_latest=True)
            ):
                # Half English, half another language ("tengo mucho pain en la lower
                # back desde que deje los subs" heard as cauda equina, review 5's
                # set-up): the encoder's sign is a guess, so it is asked about, in
                # English, which the person reads.
                return self.config[CONFIRM_ACTION], "a sign heard in a mixed language"
            if (
                flags
                and asked_about
                and set(flags) <= {asked_about}
                and heard_only_by_meaning(entities)
                and self._answers_no(tracker, str(asked_about), intent)
            ):
                # "no i said no fever. its not spreading" to "do you have a fever with
                # a hot, red or spreading lump?" (review 40: 911 for "a zit"): the
                # encoder hears the sign in the words that deny it, the lexicon finds
                # none. An explicit No to the direct question is its answer.
                return self.config[RESOLVE_ACTION], "a No that names the sign asked"
            if flags:
                return emergency_action, f"red flag in the latest message: {flags}"
            if tracker.get_slot(self.config[CONFIRM_SLOT]):
                return self.config[RESOLVE_ACTION], "the answer to a direct question"
            escalated = self._escalated(tracker)
            if escalated and self._is_correction(tracker, intent):
                return self.config[CONFIRM_ACTION], "a possible false alarm"
            same_day = (
                None
                if escalated
                else same_day_sign_among(
                    self._standing_urgent(tracker), tracker.get_slot
                )
            )
            if same_day and corrects_same_day_sign(
                tracker.latest_message.text or "",
                same_day,
                intent,
                float((tracker.latest_message.intent or {}).get("confidence") or 0),
            ):
                # "NO swelling. NO redness. NOT hot. just a normal cramp. you got it
                # wrong" after same-day care for a clot (review 38): the direct
                # question about that sign; only an explicit No undoes it.
                return self.config[CONFIRM_ACTION], "a possible false same-day alarm"
            if (
                not escalated
                and (
                    self._still_to_ask(tracker, possible_flags(entities))
                    or self._emergency_heard_by_intent(tracker, intent)
                )
                and not is_other_language(tracker.latest_message.text or "")
            ):
                # In another language an English question would not be understood:
                # the reply in that language (with the emergency number) answers.
                return self.config[CONFIRM_ACTION], "a possible sign"
        if intent in self.config[PASSTHROUGH_INTENTS]:
            # A summary or a restart is left to the rules for the whole turn.
            return None
        if self._escalated(tracker):
            return emergency_action, "the conversation is escalated"
        return None

    def _is_correction(
        self, tracker: DialogueStateTracker, intent: Optional[Text]
    ) -> bool:
        """Whether the message may say the escalation was a misunderstanding: a
        correction, a plain denial of the very sign ("emergency?? no I can walk
        ok, pee ok" after the reply about the nerves of the lower back), or words that
        say it was a false alarm ("its not an emergency").

        Not "no i dont have a plan, i just feel like that sometimes" after the reply
        to thoughts of suicide: that says the person is safe now (the emergency
        action's own reply), not that the thoughts were misheard (review 16's set-up
        got "are you having thoughts of ending your life?" asked again)."""
        raised = self._raised_before(tracker)
        if says_help_is_not_coming(tracker.latest_message.text or ""):
            # "THERE IS NO TEAM. nobody is coming" is no denial of the sign (review
            # 19): the emergency action answers it with the way to a medical team.
            return False
        if (
            raised
            and set(raised) == {SUICIDAL_FLAG}
            and says_safe_now(tracker.latest_message.text or "")
        ):
            return False
        if doubts_the_call(
            tracker.latest_message.text or ""
        ) and not self._speaks_of_the_sign(tracker):
            # "do I really need an ambulance, she just seems drunk": a question the
            # emergency action answers ("yes, call now"), not a No to the sign. "I
            # said he CAN keep sips of water down. Does he really need 911?" speaks
            # of the sign itself: the direct question settles it (review 66).
            return False
        if self._denies_the_sign(tracker, intent):
            return True
        if SUICIDAL_FLAG in raised and denies_suicide(
            tracker.latest_message.text or ""
        ):
            # "I'm not suicidal, I'm his MOTHER" after the crisis reply (review 17: a
            # reminder of the crisis line came back instead of the question).
            return True
        if says_it_was_a_misunderstanding(tracker.latest_message.text or ""):
            # "It's not an emergency. No chest pain, breathing is fine": whatever the
            # intent, it asks to undo the alarm (review 12: a mother got the 911 reply
            # three times more after saying so).
            return True
        if intent not in self.config[CORRECTION_INTENTS]:
            return False
        if intent != "deny":
            return True
        words = (tracker.latest_message.text or "").lower().split()
        return not words or words[0].strip(",.!") in self.config[CORRECTION_OPENERS]

    def _emergency_heard_by_intent(
        self, tracker: DialogueStateTracker, intent: Optional[Text]
    ) -> bool:
        """Whether the intent says emergency about a message that describes nothing
        the screen asks about: the intent alone, on a plain description of cramps,
        asked "does it feel like an emergency?" of a worried daughter (review 16);
        the screen's checklist asks about the signs instead."""
        if intent != self.config[UNRECOGNISED_EMERGENCY_INTENT]:
            return False
        described = {
            str(entity.get("entity")) for entity in tracker.latest_message.entities
        } & set(self.config[DESCRIPTION_ENTITIES])
        return not described

    def _screen_asks_it_later(
        self, tracker: DialogueStateTracker, score: float
    ) -> bool:
        """Whether the screen is running with its own question about suicide still to
        come (always its last), and the latest message holds only a faint sign heard
        by meaning: an answer to an earlier screen question ("No, certainly not. Now,
        about the quinine", "no. it happened at work, should I report it?") waits for
        that question, asked the way it is asked of everyone, rather than "I want to
        ask you directly" in the middle of the list (review 67: four people, each
        answering something else). Not the first message, nor the lexicon's words for
        a plan, a means or a farewell, nor a sure score: those are asked at once."""
        return (
            tracker.active_loop_name == self.config[SCREEN_FORM]
            and tracker.get_slot(MOOD_SLOT) is None
            and self._faint_suicide_sign(tracker, score)
        )

    def _faint_suicide_sign(self, tracker: DialogueStateTracker, score: float) -> bool:
        """A suicide sign heard by meaning alone, not surely: below
        `suicide_sure_score`, and none of the lexicon's words for a plan, a means or
        a farewell."""
        return score < self.config[SUICIDE_SURE_SCORE] and not suicide_words_in(
            tracker.latest_message.parse_data
        )

    def _still_to_ask(
        self, tracker: DialogueStateTracker, possible: List[Text]
    ) -> List[Text]:
        """The possible signs worth the direct question. A possible (unsure) sign of
        suicidal thoughts is not asked again once the person answered the screen's
        direct question No (a review: asked again after angry words or a privacy
        question), unless it is heard surely and is no question about something else:
        "whats the point anymore ... everyone would be better off", said after a "no
        not really" to the screen's question, got cravings tips (review 10). A clear
        sign still escalates, and the screen's question stands."""
        text = tracker.latest_message.text or ""
        score = float(
            (tracker.latest_message.parse_data.get(SCORES_KEY) or {}).get(
                SUICIDAL_FLAG, 0.0
            )
        )
        # A No to the direct question, said now or before: "no. are you going to tell
        # my mom or the police?" got the question again, about "them" (review 27).
        answered_no = tracker.get_slot(MOOD_SLOT) == "no" or (
            tracker.get_slot("requested_slot") == MOOD_SLOT
            and read_answer(text, MOOD_SLOT) == NO
        )
        # After a No to the direct question, a question about something else is not
        # a new disclosure, however the encoder scores it: "step by step?" scored 1.0
        # and "melatonin, yes or no?" 0.87 (review 19: asked 12 times in 10
        # conversations, of a mother and of people correcting the bot).
        if (
            (
                answered_no
                and (
                    score < self.config[SUICIDE_REASK_SCORE]
                    # "No worries, cheers. no check ins thanks" scored 0.79 (review
                    # 35): below the clear threshold, only the lexicon's own words
                    # for a plan, a means or a farewell bring the question back.
                    or (
                        score < self.config[SUICIDE_SURE_SCORE]
                        and not suicide_words_in(tracker.latest_message.parse_data)
                    )
                    or is_a_question(text)
                    or is_plain_closing(text)
                    # "Thanks for your help, goodbye." (reviews 54 and 55: the
                    # question again, three times).
                    # A farewell ("thanks for everything, goodbye") is not one.
                    or ends_with_a_goodbye(text)
                    # "now please delete this whole conversation, i dont want it
                    # saved" (review 57: the suicide question, then the 988 line).
                    or (tracker.latest_message.intent or {}).get("name")
                    == DELETE_INTENT
                    # "you didnt answer how long kratom withdrawal lasts", "did u
                    # get that", "this is useless" (review 32: eight re-asks after
                    # a clear No, of people correcting or cross with the bot).
                    or says_not_answered(text)
                    or only_complains({"text": text})
                    # "i said i dont want tips. i just want to talk. you dont get
                    # it" scored 0.99 (review 43: the question a second time).
                    or mentions_topic(text, COMPANY_TOPICS)
                )
            )
            # A sure score is asked about all the same (review 74: "ive got a months
            # worth of klonopin saved up ... sometimes i think about just taking them
            # all and sleeping", 1.0, beside "im doing it myself", got the paragraph
            # on addiction services and no question).
            or (
                _asks_for_treatment(tracker) and score < self.config[SUICIDE_SURE_SCORE]
            )
            or self._screen_asks_it_later(tracker, score)
            # Someone who stopped nothing, with an ordinary ache, is not asked the
            # screen's routine question (actions/screen_questions.py); a faint score
            # with none of the lexicon's words is no reason to ask it either (review
            # 81: "how long do i hold the figure four", "what if the first spray
            # doesnt work" and "cut down the tablets too fast" each got it). A surer
            # score, or the lexicon's words, still ask; a clear sign escalates.
            or (
                tracker.get_slot(SUBSTANCE_CLASS_SLOT) == NO_SUBSTANCE
                and score < self.config[SUICIDE_REASK_SCORE]
                and not suicide_words_in(tracker.latest_message.parse_data)
            )
            # "i cant stop puking, is this gonna kill me??": fear of dying, asked, is
            # no wish to (review 69: the suicide question to a man in precipitated
            # withdrawal). The lexicon's own words, or a sure score, still ask.
            or (
                says_scared(text)
                and is_a_question(text)
                and self._faint_suicide_sign(tracker, score)
            )
            or denies_suicide(text)
            or wants_the_tips(text)
            # "I SAID SHORT. one tip." (review 28: the suicide question).
            or wants_it_shorter(text)
            # "tonight, not tomorrow. and I'm in Chicago", about the check-ins
            # (review 28: heard as "not tomorrow").
            or picked_time(text) is not None
            # "before i tell you anything, do you save this chat? who can see it?" got
            # the suicide question, twice, and no answer (review 27). The screen's own
            # question still comes.
            or (is_a_question(text) and mentions_topic(text, PRIVACY_TOPICS))
            # "can you check in on me? how does that work" (review 30): a request
            # for support, answered, not a warning sign.
            or asks_how_checkins_work(text)
            # "I said no drugs. nothing.", the answer to what was stopped, scored
            # 0.4 and got the suicide question (review 22).
            or says_nothing_taken(normalise(text))
        ):
            possible = [flag for flag in possible if flag != SUICIDAL_FLAG]
        # A sign the person already answered No to, asked about again by a later
        # message's faint echo (review 28: a mother asked the same compartment
        # question twice, "no its not an emergency i just want to know how to help
        # him with the pain"). Suicide has its own rule above.
        # Only when this message denies it again: a sign denied at the screen and
        # described later ("my chest feels weird now") is still asked about.
        possible = [
            flag
            for flag in possible
            if flag == SUICIDAL_FLAG
            or not (
                (slot := topic_slot_for(flag))
                and tracker.get_slot(slot) == NO
                and read_answer(text, slot) == NO
            )
        ]
        possible = [
            flag for flag in possible if not self._of_a_drug_not_named(tracker, flag)
        ]
        if asks_to_add(text):
            # "Can you add that I was on it for 2 years, 50mg four times a day" is
            # history dictated for the doctor (review 32: asked about an overdose).
            # A clear sign in it still escalates.
            possible = []
        if PREGNANCY_FLAG in possible and PREGNANCY_FLAG in self._urgent_before(
            tracker
        ):
            # Review 43: "im 24 weeks pregnant" in the first message, then her answer
            # about the pregnancy's warning signs got "are you ... pregnant?".
            possible = [flag for flag in possible if flag != PREGNANCY_FLAG]
        if PREGNANCY_FLAG in possible and cannot_be_pregnant(text):
            # Review 22: "are you (or the person you're asking for) pregnant?" to the
            # carer of a 70-year-old mother, and of men.
            possible = [flag for flag in possible if flag != PREGNANCY_FLAG]
        return possible

    @staticmethod
    def _of_a_drug_not_named(tracker: DialogueStateTracker, flag: Text) -> bool:
        """Whether `flag` is a sign of one drug class (the catalogue's `drug_class`)
        and the person named drugs, all of other classes, in this message or before.
        Review 77: a man off codeine ("nurofen plus") was asked about a baclofen pump
        he never had, and said so twice."""
        entry = red_flags().get(flag)
        if entry is None or entry.drug_class is None:
            return False
        named = {
            str(entity.get("value"))
            for entity in tracker.latest_message.entities
            if entity.get("entity") == SUBSTANCE_CLASS_SLOT
        } | {str(tracker.get_slot(SUBSTANCE_CLASS_SLOT) or "")}
        named -= {"", NO_SUBSTANCE}
        return bool(named) and entry.drug_class not in named

    @staticmethod
    def _urgent_before(tracker: DialogueStateTracker) -> List[Text]:
        """The same-day signs of the messages before the latest ("im pregnant"), which
        later words can make an emergency (`signs_in_context`), since the last restart.

        All events, not `applied_events()`: that leaves out the answers given while
        the screen's form ran, and review 46's "only the left calf, somewhat swollen"
        was one (breathlessness two messages later got "Thanks, that's good to
        hear")."""
        said = [
            flag
            for event in SafetyPolicy._messages_before(tracker)
            for flag in SafetyPolicy._urgent_in(event)
        ]
        # A same-day sign confirmed by a Yes to its direct question (review 66: a
        # hot lump on the arm, "Yes, that's what I said", then "he feels shivery"
        # went on with the checklist).
        return said + confirmed_same_day(tracker.get_slot(SCREEN_FLAG_SLOT))

    @staticmethod
    def _messages_before(tracker: DialogueStateTracker) -> List[UserUttered]:
        """The person's messages before the latest one, since the last restart, from
        all events (see `_urgent_before`)."""
        messages: List[UserUttered] = []
        for event in tracker.events:
            if isinstance(event, Restarted):
                messages = []
            elif isinstance(event, UserUttered) and event is not tracker.latest_message:
                messages.append(event)
        return messages

    @staticmethod
    def _said_before(tracker: DialogueStateTracker) -> List[Text]:
        """What the person said before the latest message, since the last restart."""
        return [event.text or "" for event in SafetyPolicy._messages_before(tracker)]

    @staticmethod
    def _urgent_in(event: UserUttered) -> List[Text]:
        """The same-day signs one message raised."""
        return [
            str(entity.get(ENTITY_ATTRIBUTE_VALUE))
            for entity in event.entities
            if entity.get(ENTITY_ATTRIBUTE_TYPE) == RED_FLAG_ENTITY
            and entity.get(RED_FLAG_DISPOSITION) == URGENT_DISPOSITION
        ]

    def _standing_urgent(self, tracker: DialogueStateTracker) -> List[Text]:
        """The same-day signs of the messages before the latest that the person has
        not corrected since (`actions.conversation.still_standing`)."""
        steps: List[Tuple[str, List[str]]] = []
        for event in tracker.applied_events():
            if isinstance(event, SlotSet) and event.key == self.config[CORRECTED_SLOT]:
                steps.append((CORRECTED, list(event.value or [])))
            elif isinstance(event, UserUttered) and event is not tracker.latest_message:
                steps.append((SAID, self._urgent_in(event)))
        return still_standing(steps)

    @staticmethod
    def _raised_before(tracker: DialogueStateTracker) -> List[Text]:
        """The emergency signs of the messages before the latest, oldest first."""
        return [
            flag
            for event in tracker.applied_events()
            if isinstance(event, UserUttered) and event is not tracker.latest_message
            for flag in emergency_flags(event.entities)
        ]

    @staticmethod
    def _answers_no(
        tracker: DialogueStateTracker, flag: str, intent: Optional[Text]
    ) -> bool:
        """Whether the latest message reads as an explicit No to the direct question
        about `flag` (with the words of that question's topic)."""
        topic = topic_slot_for(flag)
        if topic is None:
            return False
        confidence = float((tracker.latest_message.intent or {}).get("confidence") or 0)
        return (
            read_answer(tracker.latest_message.text or "", topic, intent, confidence)
            == NO
        )

    @staticmethod
    def _escalated_sign(
        tracker: DialogueStateTracker,
    ) -> Tuple[Optional[Text], Optional[Text]]:
        """The sign that escalated (the latest said, else the screen's) and the screen
        question about it."""
        raised = SafetyPolicy._raised_before(tracker)
        flag = raised[-1] if raised else tracker.get_slot(SCREEN_FLAG_SLOT)
        return (str(flag), topic_slot_for(str(flag))) if flag else (None, None)

    @staticmethod
    def _speaks_of_the_sign(tracker: DialogueStateTracker) -> bool:
        """Whether the latest message holds words of the question about the sign that
        escalated (answers.yml `topics`: "keep", "water" for the fluids)."""
        _, topic = SafetyPolicy._escalated_sign(tracker)
        words = set(normalise(tracker.latest_message.text or "").split())
        return topic is not None and bool(
            words & answer_words().topics.get(topic, frozenset())
        )

    @staticmethod
    def _denies_the_sign(tracker: DialogueStateTracker, intent: Optional[Text]) -> bool:
        """Whether the latest message, read as an answer to the question about the
        sign that escalated, is a No (only a No to the direct question that follows
        de-escalates)."""
        flag, topic = SafetyPolicy._escalated_sign(tracker)
        if topic is None or not SafetyPolicy._answers_no(tracker, str(flag), intent):
            return False
        text = tracker.latest_message.text or ""
        # A No about something else is no denial of the sign: "i dont have narcan. im
        # scared to call cops" about a roommate with blue lips was read as "no" to
        # trouble breathing and got "are you struggling to breathe?" (review 22). The
        # emergency reply asks nothing, so a denial names the sign or is a bare No.
        words = normalise(text).split()
        if (
            len(words) > BARE_NO_WORDS
            and asks_in_words(text)
            and not set(words) & answer_words().negations
        ):
            # "ok shes sitting down again. i hear the sirens. do i go with her to the
            # hospital" is a question while help comes, not a No to the confusion it
            # names (review 43: "has anyone been confused ... today?"). A question
            # with a denial in it still is one: "I literally said it's NOT swollen or
            # hard. Why would I call 911?" (review 45).
            return False
        return len(words) <= BARE_NO_WORDS or SafetyPolicy._speaks_of_the_sign(tracker)

    @staticmethod
    def _action_before_latest(tracker: DialogueStateTracker) -> Optional[Text]:
        """The action that ran before the latest one, in this turn or the last."""
        actions = [
            event.action_name
            for event in tracker.applied_events()
            if isinstance(event, ActionExecuted)
        ]
        return actions[-2] if len(actions) > 1 else None

    def _after_resolution(self, tracker: DialogueStateTracker) -> Tuple[Text, Text]:
        """After the answer to a direct question was read. A question asked again
        waits for its answer first, even with the alarm standing: "I'll help with
        that next. First I need a clear yes or no" followed by the whole emergency
        reply asked two things at once (session 30)."""
        if tracker.get_slot(self.config[CONFIRM_SLOT]):
            return ACTION_LISTEN_NAME, "the question was asked again"
        if self._escalated(tracker):
            return self.config[
                EMERGENCY_ACTION
            ], "the answer keeps or makes an emergency"
        if tracker.get_slot(self.config[TRIAGE_SLOT]) is None:
            return self.config[SCREEN_FORM], "an explicit No: on with the screen"
        return ACTION_LISTEN_NAME, "an explicit No"

    def _failed_action(self, tracker: DialogueStateTracker) -> Optional[Text]:
        """The always-answering action that just ran without any event, if any."""
        last = tracker.events[-1] if tracker.events else None
        if isinstance(last, ActionExecuted) and (
            last.action_name in self.config[ALWAYS_ANSWERING_ACTIONS]
        ):
            return last.action_name
        return None

    def _escalated(
        self, tracker: DialogueStateTracker, before_latest: bool = False
    ) -> bool:
        """Escalated by the slot, or by an emergency red flag said since the last false
        alarm the person corrected (with an explicit No to the direct question);
        `before_latest`: by what came before the latest message only."""
        if tracker.get_slot(self.config[TRIAGE_SLOT]) == EMERGENCY:
            return True
        events = tracker.applied_events()
        if before_latest:
            latest = tracker.latest_message
            events = [event for event in events if event is not latest]
        escalated = False
        for event in events:
            if isinstance(event, SlotSet) and event.key == self.config[CORRECTED_SLOT]:
                escalated = False
            elif (
                isinstance(event, SlotSet)
                and event.key == MOOD_SLOT
                and event.value == SAFE_NOW
            ):
                # Thoughts of suicide, then "im safe tonight, no plan": the emergency
                # action left the emergency (actions/emergency.py `_safe_now`); the
                # suicide sign said before no longer holds the conversation there
                # (review 7: the screen and the safe-now reply looped until Rasa's
                # prediction limit, then the person got no reply at all).
                escalated = False
            elif isinstance(event, UserUttered) and emergency_flags(event.entities):
                escalated = True
        return escalated

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Predicts the safety action with certainty, or abstains."""
        decision = self.decide(tracker)
        if decision is None:
            logger.debug("SafetyPolicy: no red flag and not escalated; abstaining.")
            return self._prediction(self._default_predictions(domain))
        action, reason = decision
        logger.debug("SafetyPolicy: predicting '%s' because %s.", action, reason)
        return self._prediction(
            confidence_scores_for(action, 1.0, domain),
            is_no_user_prediction=True,
        )

"""The safety policy: red flags and escalated conversations get the emergency reply."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import InvalidConfigException

from bot.nlu.red_flag_extractor import RED_FLAG_DISPOSITION, RED_FLAG_ENTITY
from bot.policies.safety_policy import SafetyPolicy

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EMERGENCY = "action_emergency"
LISTEN = "action_listen"


@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain"))


@pytest.fixture
def policy(tmp_path: Path) -> SafetyPolicy:
    return SafetyPolicy(
        SafetyPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("safety"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def flag(flag_id: str, disposition: str = "emergency") -> Dict[str, Any]:
    return {
        "entity": RED_FLAG_ENTITY,
        "value": flag_id,
        RED_FLAG_DISPOSITION: disposition,
        "start": 0,
        "end": len(flag_id),
    }


def says(
    text: str, intent: str, entities: Iterable[Dict[str, Any]] = ()
) -> List[Event]:
    """The bot listens, then the person says something."""
    return [
        ActionExecuted(LISTEN),
        UserUttered(
            text, intent={"name": intent, "confidence": 1.0}, entities=list(entities)
        ),
    ]


def conversation(domain: Domain, *events: Event) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "test-user", list(events), slots=domain.slots
    )


def decision(policy: SafetyPolicy, tracker: DialogueStateTracker) -> str | None:
    decided = policy.decide(tracker)
    return decided[0] if decided else None


IN_THE_SCREEN = [
    *[ActionExecuted("action_session_start")],
    *says("day 3 off oxy, my butt is cramping", "describe_symptoms"),
    ActionExecuted("triage_form"),
    ActiveLoop("triage_form"),
    SlotSet("requested_slot", "screen_breathing"),
]
ESCALATED = [
    *says("i think he's having a seizure", "report_emergency", [flag("seizure")]),
    ActionExecuted(EMERGENCY),
    SlotSet("triage_level", "emergency"),
]


def test_an_emergency_red_flag_gets_the_emergency_reply(policy, rasa_domain) -> None:
    tracker = conversation(
        rasa_domain,
        *says("my friend had a seizure", "report_emergency", [flag("seizure")]),
    )
    assert decision(policy, tracker) == EMERGENCY


@pytest.mark.parametrize("intent", ["deny", "affirm", "ask_stretches", "greet"])
def test_a_red_flag_beats_an_active_form(policy, rasa_domain, intent: str) -> None:
    tracker = conversation(
        rasa_domain,
        *IN_THE_SCREEN,
        *says("no... but now i can't breathe", intent, [flag("breathing")]),
    )
    assert tracker.active_loop_name == "triage_form"
    assert decision(policy, tracker) == EMERGENCY


def test_an_urgent_flag_alone_is_left_to_the_other_policies(
    policy, rasa_domain
) -> None:
    tracker = conversation(
        rasa_domain,
        *says(
            "i'm pregnant and cramping",
            "describe_symptoms",
            [flag("pregnancy", "urgent")],
        ),
    )
    assert policy.decide(tracker) is None


def test_an_ordinary_message_is_left_to_the_other_policies(policy, rasa_domain) -> None:
    tracker = conversation(
        rasa_domain, *says("my butt is cramping", "describe_symptoms")
    )
    assert policy.decide(tracker) is None


def test_after_the_emergency_reply_it_listens(policy, rasa_domain) -> None:
    tracker = conversation(
        rasa_domain,
        *says("my friend had a seizure", "report_emergency", [flag("seizure")]),
        ActionExecuted(EMERGENCY),
        SlotSet("triage_level", "emergency"),
    )
    assert decision(policy, tracker) == LISTEN


@pytest.mark.parametrize(
    "intent",
    [
        "thank",
        "greet",
        "goodbye",
        "affirm",
        "ask_stretches",
        "ask_medicine",
        "describe_symptoms",
        "out_of_scope",
    ],
)
def test_an_escalated_conversation_stays_escalated(
    policy, rasa_domain, intent: str
) -> None:
    tracker = conversation(rasa_domain, *ESCALATED, *says("ok", intent))
    assert decision(policy, tracker) == EMERGENCY


CONFIRM = "action_confirm_red_flag"
RESOLVE = "action_resolve_confirmation"


@pytest.mark.parametrize("intent", ["deny", "correct_misunderstanding"])
def test_saying_it_was_a_misunderstanding_gets_one_direct_question(
    policy, rasa_domain, intent: str
) -> None:
    tracker = conversation(rasa_domain, *ESCALATED, *says("no im fine", intent))
    assert decision(policy, tracker) == CONFIRM


def test_a_sign_said_with_the_correction_is_never_delayed(policy, rasa_domain) -> None:
    tracker = conversation(
        rasa_domain,
        *ESCALATED,
        *says("no but now i cant breathe", "deny", [flag("breathing")]),
    )
    assert decision(policy, tracker) == EMERGENCY


def test_a_correction_that_quotes_the_sign_gets_one_direct_question(
    policy, rasa_domain
) -> None:
    """ "I cant breathe" was a figure of speech: the same sign, said to undo it."""
    tracker = conversation(
        rasa_domain,
        *says(
            "the pain is so bad i cant breathe",
            "describe_symptoms",
            [flag("breathing")],
        ),
        ActionExecuted(EMERGENCY),
        SlotSet("triage_level", "emergency"),
        *says(
            "lol no i mean the pain is so bad i cant breathe, like its a saying",
            "deny",
            [flag("breathing")],
        ),
    )
    assert decision(policy, tracker) == CONFIRM


def test_an_answer_to_the_direct_question_that_quotes_the_sign_is_read(
    policy, rasa_domain
) -> None:
    """Review 3: asked "are you struggling to breathe?", "lol no 'i cant breathe' is
    just a saying, breathing fine" got 911."""
    tracker = conversation(
        rasa_domain,
        *says("my butt cramps so bad i cant breathe", "describe_symptoms"),
        ActionExecuted(CONFIRM),
        SlotSet("confirm_flag", "breathing"),
        *says(
            "lol no 'i cant breathe' is just a saying. breathing fine",
            "deny",
            [flag("breathing")],
        ),
    )
    assert decision(policy, tracker) == RESOLVE


def test_a_new_sign_with_correction_words_still_escalates(policy, rasa_domain) -> None:
    tracker = conversation(
        rasa_domain,
        *ESCALATED,
        *says(
            "it was a misunderstanding, but now i cant breathe",
            "deny",
            [flag("breathing")],
        ),
    )
    assert decision(policy, tracker) == EMERGENCY


def test_the_answer_to_the_question_is_read_then_acted_on(policy, rasa_domain) -> None:
    asked = [
        *ESCALATED,
        *says("no im fine", "deny"),
        ActionExecuted(CONFIRM),
        SlotSet("confirm_flag", "seizure"),
    ]
    tracker = conversation(rasa_domain, *asked, *says("no", "deny"))
    assert decision(policy, tracker) == RESOLVE
    # An explicit No: the resolution undoes the escalation, and the screen runs again.
    undone = [
        *asked,
        *says("no", "deny"),
        ActionExecuted(RESOLVE),
        SlotSet("confirm_flag", None),
        SlotSet("triage_level", None),
        SlotSet("corrected_flags", ["seizure"]),
    ]
    assert decision(policy, conversation(rasa_domain, *undone)) == "triage_form"
    # The red flag said before the correction no longer escalates later messages ...
    later = conversation(
        rasa_domain, *undone, *says("my back hurts", "describe_symptoms")
    )
    assert decision(policy, later) is None
    # ... but any answer other than No keeps the escalation.
    kept = [*asked, *says("idk", "unsure"), ActionExecuted(RESOLVE)]
    kept_tracker = conversation(rasa_domain, *kept, SlotSet("confirm_flag", None))
    assert decision(policy, kept_tracker) == EMERGENCY


def test_a_possible_sign_gets_one_direct_question(policy, rasa_domain) -> None:
    possible = {
        "entity": "possible_red_flag",
        "value": "chest_pain",
        "role": "emergency",
    }
    tracker = conversation(
        rasa_domain,
        *says("my chest feels kinda weird", "describe_symptoms", [possible]),
    )
    assert decision(policy, tracker) == CONFIRM
    asked = conversation(
        rasa_domain,
        *says("my chest feels kinda weird", "describe_symptoms", [possible]),
        ActionExecuted(CONFIRM),
    )
    assert decision(policy, asked) == LISTEN


def test_an_unsure_suicide_sign_in_a_request_for_treatment_is_not_asked_first(
    policy, rasa_domain
) -> None:
    """Reaching for treatment is not hopelessness; a clear sign still escalates."""
    unsure = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
    text = "wanna get on subs but no insurance, where do i even start"
    asking = conversation(rasa_domain, *says(text, "ask_harm_reduction", [unsure]))
    assert decision(policy, asking) != CONFIRM
    clear = conversation(
        rasa_domain, *says(text, "ask_harm_reduction", [flag("suicidal")])
    )
    assert decision(policy, clear) == EMERGENCY
    elsewhere = conversation(
        rasa_domain, *says("whats the point anymore", "describe_symptoms", [unsure])
    )
    assert decision(policy, elsewhere) == CONFIRM


def test_a_sure_suicide_score_beside_a_request_for_treatment_is_asked(
    policy, rasa_domain
) -> None:
    """Review 74: "im doing it myself. ive got a months worth of klonopin saved up ...
    sometimes i think about just taking them all and sleeping" scored 1.0 and got the
    paragraph on addiction services, with no question."""
    unsure = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
    text = "theres no doctor, im doing it myself. sometimes i think about sleeping"
    parse = {
        "text": text,
        "intent": {"name": "inform", "confidence": 1.0},
        "entities": [unsure],
        "red_flag_scores": {"suicidal": 1.0},
    }
    tracker = conversation(
        rasa_domain,
        ActionExecuted(LISTEN),
        UserUttered(text, parse["intent"], [unsure], parse_data=parse),
    )
    assert decision(policy, tracker) == CONFIRM


def test_an_unsure_suicide_sign_in_saying_nothing_was_taken_is_not_asked(
    policy, rasa_domain
) -> None:
    """Review 22: "I said no drugs. nothing.", the answer to what was stopped, scored
    0.4 and got "are you having thoughts of ending your life?"."""
    unsure = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
    answer = conversation(
        rasa_domain, *says("I said no drugs. nothing.", "inform", [unsure])
    )
    assert decision(policy, answer) != CONFIRM
    clear = conversation(
        rasa_domain, *says("no drugs. i just want to die", "inform", [flag("suicidal")])
    )
    assert decision(policy, clear) == EMERGENCY


def test_a_no_about_something_else_does_not_deny_the_sign(policy, rasa_domain) -> None:
    """Review 22: "i dont have narcan. im scared to call cops" about a roommate with
    blue lips was read as a No to trouble breathing, and the caller was asked "are you
    struggling to breathe?". A No that names the sign still gets the direct question."""
    overdose = [
        *says(
            "roommate wont wake up, snoring weird and his lips look blue",
            "report_emergency",
            [flag("overdose"), flag("breathing")],
        ),
        ActionExecuted(EMERGENCY),
        SlotSet("triage_level", "emergency"),
    ]
    scared = "i dont have narcan. im scared to call cops, he has stuff here"
    tracker = conversation(rasa_domain, *overdose, *says(scared, "ask_harm_reduction"))
    assert decision(policy, tracker) != CONFIRM
    denial = conversation(
        rasa_domain, *overdose, *says("no his breathing is fine now", "deny")
    )
    assert decision(policy, denial) == CONFIRM


def test_a_sign_the_lexicon_found_is_not_asked_about_again(policy, rasa_domain) -> None:
    """Review 22: "hi im 28 weeks pregnant ..." got "are you pregnant?"."""
    unsure = {"entity": "possible_red_flag", "value": "pregnancy", "role": "urgent"}
    said = "hi im 28 weeks pregnant and my bum cheek hurts"
    both = conversation(
        rasa_domain,
        *says(said, "describe_symptoms", [flag("pregnancy", "urgent"), unsure]),
    )
    assert decision(policy, both) != CONFIRM
    only_unsure = conversation(
        rasa_domain, *says("expecting, bum cheek hurts", "describe_symptoms", [unsure])
    )
    assert decision(policy, only_unsure) == CONFIRM


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("helping my 70 year old mum, her cramps are bad", False),
        ("my husband is off the pills and his legs ache", False),
        ("im 27 and feel sick every morning, legs cramping", True),
    ],
)
def test_a_pregnancy_heard_by_meaning_is_not_asked_of_a_man_or_an_older_person(
    policy, rasa_domain, text: str, asked: bool
) -> None:
    """Review 22: "are you (or the person you're asking for) pregnant?" to the carer
    of a 70-year-old mother."""
    unsure = {"entity": "possible_red_flag", "value": "pregnancy", "role": "urgent"}
    tracker = conversation(rasa_domain, *says(text, "describe_symptoms", [unsure]))
    assert (decision(policy, tracker) == CONFIRM) is asked


@pytest.mark.parametrize("intent", ["restart", "request_summary"])
def test_restart_and_summary_pass_through_when_escalated(
    policy, rasa_domain, intent: str
) -> None:
    tracker = conversation(rasa_domain, *ESCALATED, *says("ok", intent))
    assert policy.decide(tracker) is None


def test_a_summary_request_with_an_emergency_flag_gets_the_emergency_reply(
    policy, rasa_domain
) -> None:
    tracker = conversation(
        rasa_domain,
        *says(
            "summarise this for the paramedics, he's seizing again",
            "request_summary",
            [flag("seizure")],
        ),
    )
    assert decision(policy, tracker) == EMERGENCY


def test_an_escalated_screen_answer_gets_the_emergency_reply(
    policy, rasa_domain
) -> None:
    """A "yes" to a screen question sets triage_level in the form; safety takes over."""
    tracker = conversation(
        rasa_domain,
        *IN_THE_SCREEN,
        *says("yes", "affirm"),
        ActionExecuted("triage_form"),
        SlotSet("screen_breathing", "yes"),
        SlotSet("triage_level", "emergency"),
        ActiveLoop(None),
    )
    assert decision(policy, tracker) == EMERGENCY


def test_the_prediction_is_certain_and_beats_a_form(policy, rasa_domain) -> None:
    tracker = conversation(
        rasa_domain,
        *IN_THE_SCREEN,
        *says("no, chest pain", "deny", [flag("chest_pain")]),
    )
    prediction = policy.predict_action_probabilities(tracker, rasa_domain)

    best = max(
        range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__
    )
    assert rasa_domain.action_names_or_texts[best] == EMERGENCY
    assert prediction.probabilities[best] == 1.0
    assert prediction.is_no_user_prediction
    assert policy.priority > 6  # above RulePolicy, which also predicts the form


def test_it_abstains_with_all_zero_probabilities(policy, rasa_domain) -> None:
    tracker = conversation(
        rasa_domain, *says("my butt is cramping", "describe_symptoms")
    )
    prediction = policy.predict_action_probabilities(tracker, rasa_domain)
    assert max(prediction.probabilities) == 0.0


def test_training_checks_the_domain_has_the_emergency_action(policy) -> None:
    with pytest.raises(InvalidConfigException, match="action_emergency"):
        policy.train([], Domain.from_dict({"slots": {}}))


# --- The action server is down -----------------------------------------------------


def test_a_failed_emergency_reply_gets_the_servers_own_emergency_fallback(
    policy, rasa_domain
) -> None:
    tracker = conversation(
        rasa_domain,
        *says("he wont wake up", "report_emergency", [flag("overdose")]),
        ActionExecuted(EMERGENCY),  # nothing after it: the action server failed
    )
    assert decision(policy, tracker) == "utter_emergency_fallback"


def test_a_failed_screen_gets_the_service_down_reply(policy, rasa_domain) -> None:
    tracker = conversation(
        rasa_domain,
        *says("day 3 off oxy, my butt is cramping", "describe_symptoms"),
        ActionExecuted("triage_form"),
    )
    assert decision(policy, tracker) == "utter_service_down"


@pytest.mark.parametrize("reply", ["utter_emergency_fallback", "utter_service_down"])
def test_after_a_fallback_reply_it_listens(policy, rasa_domain, reply: str) -> None:
    tracker = conversation(
        rasa_domain,
        *says("he wont wake up", "report_emergency", [flag("overdose")]),
        ActionExecuted(EMERGENCY),
        ActionExecuted(reply),
    )
    assert decision(policy, tracker) == LISTEN


def test_a_red_flag_said_while_the_action_server_was_down_still_escalates(
    policy, rasa_domain
) -> None:
    tracker = conversation(
        rasa_domain,
        *says("he wont wake up", "report_emergency", [flag("overdose")]),
        ActionExecuted(EMERGENCY),
        ActionExecuted("utter_emergency_fallback"),
        *says("what stretches help", "ask_stretches"),
    )
    assert tracker.get_slot("triage_level") is None
    assert decision(policy, tracker) == EMERGENCY


def test_the_summary_is_the_whole_answer_in_an_emergency(policy, rasa_domain) -> None:
    tracker = conversation(
        rasa_domain,
        *ESCALATED,
        *says("summary for the paramedics", "request_summary"),
        ActionExecuted("action_clinician_summary"),
    )
    assert decision(policy, tracker) == LISTEN


def test_a_possible_suicide_sign_is_not_asked_again_after_a_no(
    policy, rasa_domain
) -> None:
    """Once the person answered the screen's direct question No, an unsure sign of
    suicidal thoughts in angry words is not asked again; a clear one still escalates."""
    possible = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
    answered = [SlotSet("screen_mood", "no")]
    unsure = conversation(
        rasa_domain, *answered, *says("ugh whatever, useless", "deny", [possible])
    )
    assert decision(policy, unsure) is None
    clear = conversation(
        rasa_domain,
        *answered,
        *says("i want to end it all", "inform", [flag("suicidal")]),
    )
    assert decision(policy, clear) == EMERGENCY


def test_a_surely_heard_suicide_sign_is_asked_about_even_after_a_no(
    policy, rasa_domain
) -> None:
    """Review 10: after a "no not really" to the screen's question, "whats the point
    anymore ... everyone would be better off" (heard by meaning at 1.0) got cravings
    tips. A sign heard that surely gets the direct question again; a faint one not."""
    possible = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
    answered = [SlotSet("screen_mood", "no")]

    def said_with_score(score: float) -> DialogueStateTracker:
        event = UserUttered(
            "whats the point anymore. everyone would be better off",
            intent={"name": "ask_cravings", "confidence": 0.6},
            entities=[possible],
            parse_data={"red_flag_scores": {"suicidal": score}},
        )
        return conversation(rasa_domain, *answered, ActionExecuted(LISTEN), event)

    assert decision(policy, said_with_score(1.0)) == CONFIRM
    assert decision(policy, said_with_score(0.4)) is None


def test_after_a_no_a_middling_score_needs_the_lexicons_words_for_a_means_or_plan(
    policy, rasa_domain
) -> None:
    """Review 35: "No worries, cheers. no check ins thanks" scored 0.79 and got the
    suicide question after a clear No. Below the clear threshold the question comes
    back only with a word of the lexicon's suicide combinations ("the pills")."""
    possible = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}

    def said(text: str, concepts: List[str]) -> DialogueStateTracker:
        event = UserUttered(
            text,
            intent={"name": "inform", "confidence": 0.6},
            entities=[possible],
            parse_data={
                "red_flag_scores": {"suicidal": 0.79},
                "red_flag_concepts": concepts,
            },
        )
        return conversation(
            rasa_domain, SlotSet("screen_mood", "no"), ActionExecuted(LISTEN), event
        )

    assert decision(policy, said("No worries, cheers. no check ins thanks", [])) is None
    means = said("i keep looking at all my pills", ["lethal_means"])
    assert decision(policy, means) == CONFIRM


@pytest.mark.parametrize(
    "text",
    [
        "you didnt answer how long kratom withdrawal lasts",
        "did u get that",
        "this is useless. forget it",
    ],
)
def test_a_complaint_or_a_missed_answer_is_not_asked_about_after_a_no(
    policy, rasa_domain, text: str
) -> None:
    """Review 32: eight re-asks of the suicide question after a clear No, set off by
    people correcting the bot or cross with it, each heard surely by meaning."""
    possible = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
    event = UserUttered(
        text,
        intent={"name": "nlu_fallback", "confidence": 0.4},
        entities=[possible],
        parse_data={"red_flag_scores": {"suicidal": 1.0}},
    )
    answered_no = conversation(
        rasa_domain, SlotSet("screen_mood", "no"), ActionExecuted(LISTEN), event
    )
    assert decision(policy, answered_no) is None
    not_asked_yet = conversation(rasa_domain, ActionExecuted(LISTEN), event)
    assert decision(policy, not_asked_yet) == CONFIRM


def test_a_question_about_something_else_is_not_asked_about_after_a_no(
    policy, rasa_domain
) -> None:
    """Review 19: "that doesnt explain how to do it. step by step?" scored 1.0 for
    suicide risk, and a person who had answered No was asked again."""
    possible = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
    event = UserUttered(
        "that doesnt explain how to do it. step by step?",
        intent={"name": "ask_stretches", "confidence": 0.6},
        entities=[possible],
        parse_data={"red_flag_scores": {"suicidal": 1.0}},
    )
    answered_no = conversation(
        rasa_domain, SlotSet("screen_mood", "no"), ActionExecuted(LISTEN), event
    )
    not_asked_yet = conversation(rasa_domain, ActionExecuted(LISTEN), event)

    assert decision(policy, answered_no) is None
    assert decision(policy, not_asked_yet) == CONFIRM


def test_a_sign_heard_by_meaning_in_a_mixed_language_message_is_asked_about(
    policy, rasa_domain
) -> None:
    """ "tengo mucho pain en la lower back desde que deje los subs" was heard by the
    encoder (which reads English) as cauda equina and escalated; the lexicon heard
    nothing. Half English, the person reads the direct question."""
    heard = {**flag("cauda_equina"), "extractor": "SemanticRedFlagExtractor"}
    mixed = conversation(
        rasa_domain,
        *says(
            "tengo mucho pain en la lower back desde que deje los subs",
            "describe_symptoms",
            [heard],
        ),
    )
    assert decision(policy, mixed) == CONFIRM
    english = conversation(
        rasa_domain,
        *says(
            "i cant feel anything down there and cant pee", "report_emergency", [heard]
        ),
    )
    assert decision(policy, english) == EMERGENCY


@pytest.mark.parametrize(
    "text, intent",
    [
        (
            "It's not an emergency. No chest pain, breathing is fine. Just anxiety",
            "report_emergency",
        ),
        ("please, this isnt an emergency, can i call his doctor", "ask_see_doctor"),
    ],
)
def test_saying_it_is_not_an_emergency_gets_the_direct_question(
    policy, rasa_domain, text: str, intent: str
) -> None:
    """Review 12: a mother said three times it was not an emergency and got the 911
    reply each time. Whatever the intent, the words ask to undo the alarm: one direct
    question follows, and only its explicit No de-escalates."""
    tracker = conversation(rasa_domain, *ESCALATED, *says(text, intent))
    assert decision(policy, tracker) == CONFIRM


DESCRIBED = [
    {"entity": "substance", "value": "alcohol"},
    {"entity": "body_location", "value": "leg"},
    {"entity": "symptom", "value": "cramp"},
]


@pytest.mark.parametrize(
    ("scores", "entities", "asked"),
    [
        ({"seizure": 0.03}, DESCRIBED, False),  # the screen's checklist asks instead
        ({}, DESCRIBED, False),
        ({}, [], True),  # nothing described: the intent is all there is
    ],
)
def test_the_intent_alone_asks_only_about_a_message_that_describes_nothing(
    policy,
    rasa_domain,
    scores: Dict[str, float],
    entities: List[Dict[str, str]],
    asked: bool,
) -> None:
    # Review 16: "my mom is coming off alcohol and her legs cramp", filed under
    # report_emergency with every emergency sign near 0, got "does it feel like an
    # emergency?" before anything else.
    tracker = conversation(
        rasa_domain,
        ActionExecuted(LISTEN),
        UserUttered(
            "my mom is coming off alcohol and her legs cramp",
            intent={"name": "report_emergency", "confidence": 0.43},
            entities=entities,
            parse_data={
                "intent": {"name": "report_emergency", "confidence": 0.43},
                "entities": entities,
                "red_flag_scores": scores,
            },
        ),
    )
    assert (decision(policy, tracker) == CONFIRM) is asked


def test_no_plan_after_the_suicide_reply_is_no_false_alarm(policy, rasa_domain) -> None:
    # Review 16's set-up: "no i dont have a plan" got the direct question again, as
    # if the thoughts had been misheard; the emergency action answers it (safe now).
    tracker = conversation(
        rasa_domain,
        *says("i think about not waking up", "report_emergency", [flag("suicidal")]),
        ActionExecuted(EMERGENCY),
        SlotSet("triage_level", "emergency"),
        *says("no i dont have a plan, i just feel like that sometimes", "deny"),
    )
    assert decision(policy, tracker) == EMERGENCY


def test_im_not_suicidal_after_the_crisis_reply_gets_the_direct_question(
    policy, rasa_domain
) -> None:
    # Review 17: a mother screened as the patient said so and got the crisis line again.
    tracker = conversation(
        rasa_domain,
        *says(
            "my son said goodbye to everyone", "report_emergency", [flag("suicidal")]
        ),
        ActionExecuted(EMERGENCY),
        SlotSet("triage_level", "emergency"),
        *says("I'm not suicidal, I'm his MOTHER. how do i help him", "inform"),
    )
    assert decision(policy, tracker) == CONFIRM


def test_nobody_coming_is_no_correction(policy, rasa_domain) -> None:
    """Review 19: "THERE IS NO TEAM. nobody is coming" after the emergency reply got
    the direct question, as if it denied the sign."""
    tracker = conversation(
        rasa_domain,
        *says("hot red lump on my butt and a fever", "inform", [flag("infection")]),
        SlotSet("triage_level", "emergency"),
        ActionExecuted("action_emergency_escalation"),
        *says("THERE IS NO TEAM. nobody is coming", "deny"),
    )
    assert decision(policy, tracker) == EMERGENCY


def test_doubting_the_call_in_words_of_the_sign_is_a_correction(
    policy, rasa_domain
) -> None:
    """Review 66: "Wait, I said he CAN keep sips of water down. Does he really need
    911?" got "Yes, please call now"; the direct question about the fluids settles
    it."""
    tracker = conversation(
        rasa_domain,
        *says(
            "hes been vomiting since last night",
            "report_emergency",
            [flag("dehydration")],
        ),
        SlotSet("triage_level", "emergency"),
        ActionExecuted("action_emergency_escalation"),
        *says(
            "Wait, I said he CAN keep sips of water down. Does he really need 911?",
            "deny",
        ),
    )
    assert decision(policy, tracker) == CONFIRM


@pytest.mark.parametrize(
    ("said", "intent", "expected"),
    [
        # Review 65: asked the sign's question again instead of hearing "yes, call".
        ("do I really need an ambulance, she just seems drunk", "deny", EMERGENCY),
        ("should i still call 911??", "correct_misunderstanding", EMERGENCY),
        # A plain denial is still a correction, asked about the sign.
        ("no she's fine, she's awake and talking now", "deny", CONFIRM),
    ],
)
def test_doubting_the_call_is_answered_not_taken_for_a_correction(
    policy, rasa_domain, said: str, intent: str, expected: str
) -> None:
    tracker = conversation(
        rasa_domain,
        *says(
            "my gf took xanax and drank and shes really hard to wake up",
            "report_emergency",
            [flag("overdose")],
        ),
        SlotSet("triage_level", "emergency"),
        ActionExecuted("action_emergency_escalation"),
        *says(said, intent),
    )
    assert decision(policy, tracker) == expected


@pytest.mark.parametrize(
    "said",
    [
        # Review 28: each got "are you having thoughts of ending your life?".
        "I SAID SHORT. one tip.",
        "tonight, not tomorrow. and I'm in Chicago",
        "no. are you going to tell my mom or the police?",
    ],
)
def test_an_unsure_suicide_sign_in_words_about_something_else_is_not_asked(
    policy, rasa_domain, said: str
) -> None:
    unsure = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
    asking = [SlotSet("requested_slot", "screen_mood")]
    tracker = conversation(rasa_domain, *asking, *says(said, "inform", [unsure]))
    assert decision(policy, tracker) != CONFIRM


@pytest.mark.parametrize(
    "said",
    [
        # Review 67: each answered an earlier screen question and got "I want to ask
        # you directly" about suicide, in the middle of the list.
        "No, certainly not. Now, about the quinine and magnesium, please.",
        "no. it happened at work, should I report it? and can I still go to work",
    ],
)
def test_a_faint_suicide_sign_in_the_screen_waits_for_its_own_question(
    policy, rasa_domain, said: str
) -> None:
    unsure = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
    tracker = conversation(rasa_domain, *IN_THE_SCREEN, *says(said, "deny", [unsure]))
    assert decision(policy, tracker) != CONFIRM
    # Outside the screen, the same faint sign gets the direct question at once.
    alone = conversation(rasa_domain, *says(said, "deny", [unsure]))
    assert decision(policy, alone) == CONFIRM


def test_a_sign_denied_again_is_not_asked_twice_but_a_new_description_is(
    policy, rasa_domain
) -> None:
    """Review 28: a mother answered the compartment question No, then "no its not an
    emergency i just want to know how to help him with the pain" got it again."""
    unsure = {
        "entity": "possible_red_flag",
        "value": "compartment_syndrome",
        "role": "emergency",
    }
    answered = [SlotSet("screen_swelling", "no")]
    again = conversation(
        rasa_domain,
        *answered,
        *says(
            "no its not an emergency i just want to know how to help him with the pain",
            "ask_what_to_do",
            [unsure],
        ),
    )
    assert decision(policy, again) != CONFIRM
    described = conversation(
        rasa_domain,
        *answered,
        *says("now his bum is swollen and really hard", "describe_symptoms", [unsure]),
    )
    assert decision(policy, described) == CONFIRM


def test_breathlessness_after_a_clot_said_in_the_screen_is_the_emergency(
    policy, rasa_domain
) -> None:
    """Review 46: "only the left calf, somewhat swollen", said as a screen answer, then
    "rather short of breath when I climb the stairs today" got "Thanks, that's good to
    hear": the screen's answers were left out of the signs said before."""
    tracker = conversation(
        rasa_domain,
        *IN_THE_SCREEN,
        *says(
            "No, nothing like that. It is only the left calf, somewhat swollen.",
            "deny",
            [flag("dvt", "urgent")],
        ),
        ActionExecuted("triage_form"),
        ActiveLoop(None),
        SlotSet("triage_level", "urgent"),
        *says(
            "I am rather short of breath when I climb the stairs today",
            "inform",
            [{"entity": "possible_red_flag", "value": "breathing"}],
        ),
    )
    assert decision(policy, tracker) == EMERGENCY


def test_a_tight_swollen_limb_after_lying_still_said_earlier_is_the_emergency(
    policy, rasa_domain
) -> None:
    """Review 48: "out cold lying on my left hip for hours from the oxys", then "it
    feels kinda tight and swollen there, dunno maybe" got walks, heat and ibuprofen:
    the hours of lying still were said in an earlier message (compartment syndrome)."""
    tracker = conversation(
        rasa_domain,
        *says(
            "coming off oxy, my hip hurts. i was out cold lying on my left hip for "
            "hours last night",
            "describe_symptoms",
            [],
        ),
        ActionExecuted("utter_ask_body_location"),
        *says("it feels kinda tight and swollen there, dunno maybe", "inform", []),
    )
    assert decision(policy, tracker) == EMERGENCY


def test_tight_cramping_legs_after_sleeping_on_one_side_is_no_emergency(
    policy, rasa_domain
) -> None:
    tracker = conversation(
        rasa_domain,
        *says("day 2 off oxy. i slept on my side last night", "inform", []),
        ActionExecuted("utter_ask_body_location"),
        *says("my legs feel tight from all the cramping", "describe_symptoms", []),
    )
    assert decision(policy, tracker) != EMERGENCY


def test_a_same_day_sign_confirmed_by_a_yes_then_a_fever_is_the_emergency(
    policy, rasa_domain
) -> None:
    """Review 66: a hot lump on the arm confirmed ("Yes, that's what I said"), then
    "he's just said he feels a bit shivery" went on with the checklist."""
    tracker = conversation(
        rasa_domain,
        *IN_THE_SCREEN,
        SlotSet("screen_flag", "skin_infection"),
        *says("No. He's now shivering quite a lot and says he feels hot", "deny"),
    )
    assert decision(policy, tracker) == EMERGENCY


def test_fear_of_dying_asked_is_not_asked_about_suicide(policy, rasa_domain) -> None:
    """Review 69: "i cant stop puking, is this gonna kill me??" (precipitated
    withdrawal) got "are you having thoughts of ending your life?"."""
    unsure = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
    tracker = conversation(
        rasa_domain,
        *says("i cant stop puking, is this gonna kill me??", "inform", [unsure]),
    )
    assert decision(policy, tracker) != CONFIRM
    wish = conversation(
        rasa_domain, *says("i hope this kills me tbh", "inform", [unsure])
    )
    assert decision(policy, wish) == CONFIRM


def test_a_faint_suicide_sign_from_someone_who_stopped_nothing_is_not_asked(
    policy, rasa_domain
) -> None:
    """Review 81: a runner with no drugs, "how do i do the figure four exactly and how
    long do i hold it", heard faintly, got the suicide question; so did three others
    who stopped nothing. A surer score still asks; a clear sign escalates."""
    possible = {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
    stopped_nothing = [SlotSet("substance_class", "none")]

    def said_with_score(score: float) -> DialogueStateTracker:
        event = UserUttered(
            "how long do i hold it and can i keep running on it",
            intent={"name": "ask_stretches", "confidence": 0.6},
            entities=[possible],
            parse_data={"red_flag_scores": {"suicidal": score}},
        )
        return conversation(
            rasa_domain, *stopped_nothing, ActionExecuted(LISTEN), event
        )

    assert decision(policy, said_with_score(0.3)) is None
    assert decision(policy, said_with_score(0.8)) == CONFIRM
    clear = conversation(
        rasa_domain,
        *stopped_nothing,
        *says("i want to end it all", "inform", [flag("suicidal")]),
    )
    assert decision(policy, clear) == EMERGENCY

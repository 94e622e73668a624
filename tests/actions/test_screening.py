"""The safety screen: which questions a person gets, and how their answers are read."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa_sdk.events import BotUttered, SlotSet, UserUttered

from actions.screen_questions import (
    QUESTIONS_BY_SLOT,
    SCREEN_SLOTS,
    URGENT_QUESTIONS,
    Profile,
    questions_for,
)
from actions.screening import ValidateTriageForm

FORM = "triage_form"
EMERGENCY_QUESTIONS = [slot for slot in SCREEN_SLOTS if slot not in URGENT_QUESTIONS]


def profile(
    substance_class: str | None,
    body_location: str | None,
    symptom: str | None = None,
    severity: float | None = None,
) -> Profile:
    return Profile(substance_class, body_location, symptom, severity)


def slot_values(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {
        event["name"]: event["value"]
        for event in events
        if event.get("event") == "slot"
    }


# -------------------------------------------------------------- choosing the questions


def test_everyone_is_asked_about_breathing_first() -> None:
    for substance_class in ("opioid", "benzodiazepine", "alcohol", "baclofen", "none"):
        assert questions_for(profile(substance_class, "neck"))[0] == "screen_breathing"


def test_opioid_and_buttock_asks_about_nerves_swelling_and_fluids() -> None:
    asked = questions_for(profile("opioid", "buttock"))
    assert {"screen_nerves", "screen_swelling", "screen_fluids"} <= set(asked)
    assert "screen_baclofen" not in asked
    assert "screen_mind" not in asked


@pytest.mark.parametrize("body_location", ["neck", "buttock", "whole_body"])
def test_baclofen_always_asks_the_baclofen_question(body_location: str) -> None:
    asked = questions_for(profile("baclofen", body_location))
    assert "screen_baclofen" in asked
    assert "screen_mind" in asked


def test_nothing_stopped_with_buttock_pain_skips_the_fluids_question() -> None:
    asked = questions_for(profile("none", "buttock"))
    assert "screen_fluids" not in asked
    assert {"screen_nerves", "screen_swelling"} <= set(asked)


@pytest.mark.parametrize("substance_class", ["benzodiazepine", "alcohol"])
def test_benzos_and_alcohol_ask_about_confusion_and_heavy_use(
    substance_class: str,
) -> None:
    asked = questions_for(profile(substance_class, "calf"))
    assert {"screen_mind", "screen_heavy_use"} <= set(asked)


def test_severe_cramps_ask_about_dark_urine() -> None:
    assert "screen_urine" in questions_for(profile("opioid", "calf", "cramp", 8))
    assert "screen_urine" not in questions_for(profile("opioid", "calf", "cramp", 3))


async def test_required_slots_asks_what_is_missing_then_the_questions(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        slots={"substance_class": "opioid", "body_location": "buttock"}
    )
    required = await ValidateTriageForm().required_slots(
        [], dispatcher, tracker, domain
    )
    questions = questions_for(profile("opioid", "buttock"))
    assert required[:2] == ["substance_class", "body_location"]
    # The checklist (actions/checklist.py) stands before the questions it lists,
    # the chest and breathing one first among them.
    assert questions[0] == "screen_breathing"
    assert required[2:] == ["screen_checklist", *questions]


async def test_required_slots_is_empty_once_escalated(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        slots={
            "substance_class": "opioid",
            "body_location": "buttock",
            "triage_level": "emergency",
        }
    )
    assert (
        await ValidateTriageForm().required_slots([], dispatcher, tracker, domain) == []
    )


# ---------------------------------------------------------------------- reading answers


def screen_turn(make_tracker, intent: str, requested: str, entities=(), **slots: Any):
    """The person answers while the form is asking `requested` (after a "yes" to the
    checklist, so the questions are being asked one at a time)."""
    return make_tracker(
        {"affirm": "yes", "deny": "no", "unsure": "not sure"}.get(intent, intent),
        intent,
        entities,
        slots={
            "substance_class": "opioid",
            "body_location": "buttock",
            # A "yes" to the checklist: its questions are being asked one at a time.
            "screen_checklist": "yes",
            "requested_slot": requested,
            **slots,
        },
        active_loop=FORM,
    )


@pytest.mark.parametrize(
    ("intent", "answer"), [("affirm", "yes"), ("deny", "no"), ("unsure", "unsure")]
)
async def test_an_answer_fills_the_question_being_asked(
    dispatcher, make_tracker, domain, intent: str, answer: str
) -> None:
    tracker = screen_turn(make_tracker, intent, "screen_nerves")
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    answers = {k: v for k, v in slot_values(events).items() if k in SCREEN_SLOTS}
    assert answers == {"screen_nerves": answer}


async def test_an_answer_is_never_stored_for_another_question(
    dispatcher, make_tracker, domain
) -> None:
    tracker = screen_turn(make_tracker, "deny", "screen_nerves")
    form = ValidateTriageForm()
    for slot in SCREEN_SLOTS:
        extracted = await getattr(form, f"extract_{slot}")(dispatcher, tracker, domain)
        assert extracted == ({slot: "no"} if slot == "screen_nerves" else {})


async def test_a_message_that_is_not_an_answer_fills_nothing(
    dispatcher, make_tracker, domain
) -> None:
    tracker = screen_turn(
        make_tracker, "ask_stretches", "screen_nerves", screen_breathing="no"
    )
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    assert not set(slot_values(events)) & set(SCREEN_SLOTS)
    assert SlotSet("requested_slot", "screen_nerves") in events  # asked again


async def test_a_red_flag_message_is_never_stored_as_an_answer(
    dispatcher, make_tracker, red_flag, domain
) -> None:
    """ "no... but now I can't breathe" must not become screen_nerves = no."""
    tracker = screen_turn(
        make_tracker, "deny", "screen_nerves", [red_flag("breathing")]
    )
    form = ValidateTriageForm()
    events = await form.run(dispatcher, tracker, domain)

    assert not set(slot_values(events)) & set(SCREEN_SLOTS)
    for slot in SCREEN_SLOTS:
        assert await getattr(form, f"extract_{slot}")(dispatcher, tracker, domain) == {}


async def test_an_urgent_flag_does_not_stop_the_answer(
    dispatcher, make_tracker, red_flag, domain
) -> None:
    tracker = screen_turn(
        make_tracker, "deny", "screen_nerves", [red_flag("pregnancy", "urgent")]
    )
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    assert slot_values(events).get("screen_nerves") == "no"


@pytest.mark.parametrize("slot", EMERGENCY_QUESTIONS)
async def test_yes_to_an_emergency_question_escalates(
    dispatcher, make_tracker, domain, slot: str
) -> None:
    validated = await getattr(ValidateTriageForm(), f"validate_{slot}")(
        "yes", dispatcher, make_tracker(), domain
    )
    assert validated == {
        slot: "yes",
        "triage_level": "emergency",
        "screen_flag": QUESTIONS_BY_SLOT[slot].flag,
    }


async def test_yes_to_breathing_ends_the_screen_with_emergency(
    dispatcher, make_tracker, domain
) -> None:
    tracker = screen_turn(make_tracker, "affirm", "screen_breathing")
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    values = slot_values(events)
    assert values["screen_breathing"] == "yes"
    assert values["triage_level"] == "emergency"
    assert values["screen_flag"] == "breathing"
    assert values["requested_slot"] is None  # nothing more to ask: the form ends


@pytest.mark.parametrize("answer", ["no", "unsure"])
async def test_no_or_unsure_does_not_escalate(
    dispatcher, make_tracker, domain, answer: str
) -> None:
    validated = await ValidateTriageForm().validate_screen_breathing(
        answer, dispatcher, make_tracker(), domain
    )
    assert validated == {"screen_breathing": answer}


async def test_yes_to_heavy_use_is_stored_but_not_an_emergency(
    dispatcher, make_tracker, domain
) -> None:
    tracker = screen_turn(
        make_tracker, "affirm", "screen_heavy_use", substance_class="alcohol"
    )
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    values = slot_values(events)
    assert values["screen_heavy_use"] == "yes"
    assert "triage_level" not in values
    assert "screen_flag" not in values


# ------------------------------------------------------------ the last answer


ANSWERED_BEFORE_THE_LAST = {
    "screen_breathing": "no",
    "screen_nerves": "no",
    "screen_swelling": "no",
    "screen_leg": "no",
}


@pytest.mark.parametrize(
    ("fluids", "level", "wording"),
    [
        ("no", "self_care", "Nothing you told me sounds like an emergency"),
        ("unsure", "urgent", "medical care today"),
    ],
)
async def test_the_last_answer_settles_the_disposition_in_the_same_call(
    dispatcher, make_tracker, domain, fluids: str, level: str, wording: str
) -> None:
    # The last question, asked of everyone, is about thoughts of ending one's life.
    tracker = screen_turn(
        make_tracker,
        "deny",
        "screen_mood",
        screen_fluids=fluids,
        **ANSWERED_BEFORE_THE_LAST,
    )
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    values = slot_values(events)
    assert values["requested_slot"] is None  # the screen is over
    assert values["triage_level"] == level  # set before any tip can follow
    [message] = dispatcher.messages
    assert wording in message["text"]


@pytest.mark.parametrize("intent", ["affirm", "unsure"])
async def test_a_yes_or_not_sure_about_ending_ones_life_leads_to_the_crisis_line(
    dispatcher, make_tracker, domain, intent: str
) -> None:
    tracker = screen_turn(
        make_tracker, intent, "screen_mood", **ANSWERED_BEFORE_THE_LAST
    )
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    values = slot_values(events)
    assert values["triage_level"] == "emergency"
    assert values["screen_flag"] == "suicidal"


async def test_an_answer_with_questions_left_settles_nothing(
    dispatcher, make_tracker, domain
) -> None:
    tracker = screen_turn(make_tracker, "deny", "screen_breathing")
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    values = slot_values(events)
    assert values["requested_slot"] == "screen_nerves"
    assert "triage_level" not in values
    assert dispatcher.messages == []


def test_pregnancy_adds_the_pregnancy_warning_question() -> None:
    pregnant = Profile("opioid", "leg", None, None, pregnant=True)
    assert "screen_pregnancy" in questions_for(pregnant)
    assert "screen_pregnancy" not in questions_for(profile("opioid", "leg"))
    assert QUESTIONS_BY_SLOT["screen_pregnancy"].flag == "pregnancy_warning"


def test_a_same_day_sign_already_reported_is_not_asked_again() -> None:
    """ "quit xanax cold turkey": no "did you stop all at once?"."""
    told = Profile(
        "benzodiazepine",
        "back",
        None,
        None,
        already_reported=frozenset({"abrupt_stop"}),
    )
    assert "screen_heavy_use" not in questions_for(told)
    assert "screen_heavy_use" in questions_for(profile("benzodiazepine", "back"))


async def test_a_no_to_a_direct_question_is_not_filed_under_the_screen_question(
    dispatcher, make_tracker, domain
) -> None:
    """Review 4: "are you having thoughts of ending your life?" asked while the
    breathing question waited; the "no" to it was stored as "no" to breathing, which
    was then never asked. The form asks its question again, with no hint."""
    from rasa_sdk.events import ActionExecuted

    tracker = screen_turn(make_tracker, "deny", "screen_breathing")
    tracker.events.append(ActionExecuted("action_resolve_confirmation"))

    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    assert "screen_breathing" not in slot_values(events)
    assert not dispatcher.messages


async def test_an_explicit_not_suicidal_answers_the_suicide_question_kindly(
    dispatcher, make_tracker, domain
) -> None:
    """Review 6: "NO IM NOT SUICIDAL IM IN PAIN" at the breathing question got "I
    couldn't tell if that was a yes or a no", and the suicide question was still to
    come."""
    tracker = screen_turn(make_tracker, "deny", "screen_breathing")
    tracker.latest_message["text"] = "NO IM NOT SUICIDAL IM IN PAIN"
    form = ValidateTriageForm()

    assert await form.extract_screen_mood(dispatcher, tracker, domain) == {
        "screen_mood": "no"
    }
    assert await form.extract_screen_breathing(dispatcher, tracker, domain) == {}
    events = await form.run(dispatcher, tracker, domain)
    assert SlotSet("screen_mood", "no") in events
    said = [m.get("response") for m in dispatcher.messages]
    assert "utter_screen_heard_not_suicidal" in said
    assert "utter_screen_hint" not in said


async def test_a_passive_wish_after_not_suicidal_is_not_taken_as_no(
    dispatcher, make_tracker, domain
) -> None:
    tracker = screen_turn(make_tracker, "deny", "screen_breathing")
    tracker.latest_message["text"] = "not suicidal but i wish i wouldnt wake up"
    form = ValidateTriageForm()
    assert await form.extract_screen_mood(dispatcher, tracker, domain) == {}


async def test_a_place_given_mid_screen_gets_its_emergency_number(
    dispatcher, make_tracker, domain
) -> None:
    """Review 6: "im in dublin, is it 999?" got "Thanks, I've noted that"."""
    tracker = screen_turn(
        make_tracker,
        "inform",
        "screen_breathing",
        entities=[{"entity": "region", "value": "ie"}],
        region="ie",
    )
    tracker.latest_message["text"] = "im in dublin, is it 999?"
    await ValidateTriageForm().run(dispatcher, tracker, domain)

    [noted] = [
        m
        for m in dispatcher.messages
        if m.get("response") == "utter_screen_noted_region"
    ]
    assert noted["place"] == "Ireland" and noted["emergency"] == "112 or 999"


async def test_an_answer_given_already_is_not_sent_again_in_the_screen(
    dispatcher, make_tracker, domain
) -> None:
    """Review 68: the same abscess, free-care and treatment paragraphs came three
    times over while the screen waited for its answer."""
    slots = {
        "substance": "fentanyl",
        "substance_class": "opioid",
        "screen_breathing": "no",
        "requested_slot": "screen_checklist",
    }
    first = make_tracker(
        "where do i get test strips",
        "ask_harm_reduction",
        slots=slots,
        active_loop=FORM,
    )
    await ValidateTriageForm().run(dispatcher, first, domain)
    answer = next(
        m["text"] for m in dispatcher.messages if "strip" in str(m.get("text")).lower()
    )
    dispatcher.messages.clear()
    again = make_tracker(
        "i asked where do i get test strips",
        "ask_harm_reduction",
        slots=slots,
        events=[BotUttered(answer)],
        active_loop=FORM,
    )
    await ValidateTriageForm().run(dispatcher, again, domain)

    said = [m.get("text") or m.get("response") for m in dispatcher.messages]
    assert answer not in said
    assert said[-1] == "utter_screen_answered_above"


async def test_a_safety_question_inside_the_screen_is_answered_at_once(
    dispatcher, make_tracker, domain
) -> None:
    """Review 12: "where do i get test strips" got "I'll answer it right after a few
    quick safety questions", then four questions about swelling. How to use more
    safely is answered at once; the screen's question comes back after it."""
    tracker = make_tracker(
        "ok forget it. where do i get test strips",
        "ask_harm_reduction",
        slots={
            "substance": "fentanyl",
            "substance_class": "opioid",
            "body_location": None,
            "screen_breathing": "no",
            "requested_slot": "screen_checklist",
        },
        active_loop=FORM,
    )
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    said = [m.get("text") or m.get("response") for m in dispatcher.messages]
    assert any("strip" in str(text).lower() for text in said[:-1])
    assert said[-1] == "utter_screen_back_to_question"
    assert not set(slot_values(events)) & set(SCREEN_SLOTS)


async def test_a_question_about_the_muscles_waits_for_the_screen(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        "what stretches help my back?",
        "ask_stretches",
        slots={
            "substance_class": "opioid",
            "body_location": "lower_back",
            "screen_breathing": "no",
            "requested_slot": "screen_checklist",
        },
        active_loop=FORM,
    )
    await ValidateTriageForm().run(dispatcher, tracker, domain)

    said = [m.get("text") or m.get("response") for m in dispatcher.messages]
    assert said == ["utter_screen_first"]


@pytest.mark.parametrize(
    ("said", "flag"),
    [
        # Review 18: "You mentioned trouble breathing" to a racing heart.
        ("racing yes, chest pain no, breathing fine", "chest_pain"),
        ("yes my heart is pounding", "chest_pain"),
        ("yes i cant catch my breath", "breathing"),
        ("yes", "breathing"),
    ],
)
async def test_a_yes_to_the_chest_question_is_named_for_what_was_said(
    dispatcher, make_tracker, domain, said: str, flag: str
) -> None:
    validated = await ValidateTriageForm().validate_screen_breathing(
        "yes", dispatcher, make_tracker(said, "affirm"), domain
    )
    assert validated["screen_flag"] == flag


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # review 19: asked what was stopped right after saying so
        (
            "I fall on the stairs on my bottom. I take nothing, no drugs. What I do?",
            "none",
        ),
        ("office worker, no drugs or alcohol, butt hurts from sitting", "none"),
        ("no drugs for 3 days now and my legs cramp", None),
        # review 32: a 72-year-old on warfarin was asked what she had stopped
        (
            "I am 72 and take warfarin. I have not taken any drugs or alcohol, I "
            "dont drink.",
            "none",
        ),
    ],
)
async def test_nothing_taken_said_before_the_question_answers_it(
    dispatcher, make_tracker, domain, text: str, expected: Any
) -> None:
    tracker = make_tracker(text, "describe_symptoms", active_loop="triage_form")
    events = await ValidateTriageForm().extract_substance_class(
        dispatcher, tracker, domain
    )
    assert events.get("substance_class") == expected


async def test_nothing_taken_said_in_an_earlier_message_answers_it(
    dispatcher, make_tracker, domain
) -> None:
    """Review 22: "pain down my leg ... no drugs or anything", a direct question, "no",
    and then "Have you recently stopped or cut down any medicine, drug or alcohol?"."""
    first = "pain deep in my right buttock down my leg. no drugs or anything"
    tracker = make_tracker(
        "no",
        "deny",
        events=[UserUttered(first, parse_data={"intent": {"name": "describe"}})],
        active_loop="triage_form",
    )
    events = await ValidateTriageForm().extract_substance_class(
        dispatcher, tracker, domain
    )
    assert events.get("substance_class") == "none"
    named = make_tracker(
        "no",
        "deny",
        events=[UserUttered("day 3 off oxy, no drugs since", parse_data={})],
        active_loop="triage_form",
    )
    assert not await ValidateTriageForm().extract_substance_class(
        dispatcher, named, domain
    )


async def test_an_answer_that_also_asks_what_cannot_wait_gets_both(
    dispatcher, make_tracker, domain
) -> None:
    """Review 21: "he hasnt stopped anything ... SHOULD I STAY WITH HIM", given to
    the question about what was stopped, got "Where is the pain?" and no answer."""
    tracker = make_tracker(
        "he hasnt stopped anything, hes drunk right now and wants to use heroin "
        "later. SHOULD I STAY WITH HIM",
        "inform",
        slots={"requested_slot": "substance_class"},
        active_loop="triage_form",
    )
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    said = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert "stay if you can" in said
    assert slot_values(events).get("substance_class") == "none"


async def test_two_drugs_stopped_at_once_are_screened_for_the_riskier(
    dispatcher, make_tracker, domain
) -> None:
    """Review 28: "stopped my benzos and kratom 3 days ago" was screened and advised
    as kratom alone ("usually not dangerous"), with no word on seizures."""
    entities = [
        {"entity": "substance_class", "value": "opioid"},
        {"entity": "substance_class", "value": "benzodiazepine"},
    ]
    tracker = make_tracker(
        "stopped kratom and my benzos 3 days ago", "inform", entities=entities
    )
    extracted = await ValidateTriageForm().extract_substance_class(
        dispatcher, tracker, domain
    )
    assert extracted == {"substance_class": "benzodiazepine"}


async def test_the_shakes_with_no_place_named_are_felt_all_over(
    dispatcher, make_tracker, domain
) -> None:
    """Session 18: "stopped drinking 2 days ago the shakes are bad" was asked "Where is
    the pain or spasm mostly?"; shaking hands are still the hands."""
    shakes = [{"entity": "symptom", "value": "tremor"}]
    tracker = make_tracker(
        "stopped drinking 2 days ago the shakes are bad",
        "describe_symptoms",
        entities=shakes,
        active_loop="triage_form",
    )
    events = await ValidateTriageForm().extract_body_location(
        dispatcher, tracker, domain
    )
    assert events == {"body_location": "whole_body"}
    hands = make_tracker(
        "my hands are shaking since i quit drinking",
        "describe_symptoms",
        entities=shakes,
        slots={"body_location": "hand"},
        active_loop="triage_form",
    )
    assert not await ValidateTriageForm().extract_body_location(
        dispatcher, hands, domain
    )


@pytest.mark.parametrize("text", ["idk", "not sure", "dunno tbh"])
async def test_not_knowing_what_was_stopped_moves_the_screen_on(
    dispatcher, make_tracker, domain, text: str
) -> None:
    """Review 33: "idk" to "which medicine, drug or alcohol did you stop", four times,
    got the same question four times and never any help."""
    tracker = make_tracker(
        text,
        "unsure",
        slots={"requested_slot": "substance_class"},
        active_loop="triage_form",
    )
    events = await ValidateTriageForm().extract_substance_class(
        dispatcher, tracker, domain
    )
    assert events.get("substance_class") == "none"


async def test_its_me_after_being_asked_about_them_asks_about_the_writer(
    dispatcher, make_tracker, domain
) -> None:
    """Review 33: "ok its not me, its my left butt cheek" (not the calf, she meant),
    then "no no its ME lol": every question was still about "them"."""
    earlier = [
        UserUttered(
            "ok its not me, its my left butt cheek, sharp pain since i fell",
            parse_data={"intent": {"name": "describe_symptoms"}},
        )
    ]
    tracker = make_tracker(
        "no no its ME lol. i meant its not the calf thing",
        "inform",
        slots={
            "asking_for": "someone_else",
            "requested_slot": "screen_checklist",
            "substance_class": "none",
            "body_location": "buttock",
        },
        events=earlier,
        active_loop="triage_form",
    )

    events = await ValidateTriageForm().run(dispatcher, tracker, domain)

    assert {"event": "slot", "name": "asking_for", "value": None} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Review 48: a 66-year-old who takes "nothing but the occasional paracetamol"
        # was told about detox services and what she had stopped.
        ("I take nothing but the occasional paracetamol.", True),
        ("I do not drink or take drugs", True),
        ("i take nothing for 3 days", False),
        # Review 84: "its NOT withdrawal, I've never used drugs in my life" was asked
        # what was stopped ("in my life" was read as a time since stopping).
        ("its NOT withdrawal, I've never used drugs in my life", True),
        ("no drugs in a week, legs killing me", False),
    ],
)
def test_saying_nothing_is_taken(text: str, expected: bool) -> None:
    from actions.screening import says_nothing_taken
    from bot.language import normalise

    assert says_nothing_taken(normalise(text)) is expected

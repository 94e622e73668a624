"""The screen's checklist: the questions after the first, in one message, with
"None of these" answering them all and "yes" asking them one at a time."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

import pytest
from rasa_sdk.events import SlotSet, UserUttered

from actions.checklist import (
    CHECKLIST,
    checklist_message,
    questions_seen_if_all_no,
    read_checklist_answer,
    rest_as_a_list,
    screen_order,
)
from actions.screening import ValidateTriageForm

FORM = "triage_form"
OPIOID_BUTTOCK_MIDDLE = [
    "screen_nerves",
    "screen_swelling",
    "screen_leg",
    "screen_fluids",
]


def slot_values(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def answering(
    make_tracker, text: str, intent: str, events: Sequence[Any] = (), **slots: Any
):
    """The person answers the checklist (opioids, buttock; breathing answered no)."""
    return make_tracker(
        text,
        intent,
        events=events,
        slots={
            "substance_class": "opioid",
            "substance": "oxycodone",
            "body_location": "buttock",
            "screen_breathing": "no",
            "requested_slot": CHECKLIST,
            **slots,
        },
        active_loop=FORM,
    )


def test_the_checklist_comes_first_and_holds_the_breathing_question(
    make_tracker,
) -> None:
    # Review 13: 31 of 36 people named three questions before any tip as the worst
    # of it; the chest question is the list's first line, the suicide one stays apart.
    tracker = make_tracker(
        slots={"substance_class": "opioid", "body_location": "buttock"}
    )
    assert screen_order(tracker) == [
        CHECKLIST,
        "screen_breathing",
        *OPIOID_BUTTOCK_MIDDLE,
        "screen_mood",
    ]
    assert questions_seen_if_all_no(tracker) == 2
    text = checklist_message(tracker)["text"]
    assert text.index("chest pain") < text.index("numbness") < text.index("swollen")


def test_one_question_left_is_asked_without_a_list(make_tracker) -> None:
    # Nothing stopped, neck pain: only breathing and mood apply, no list at all.
    tracker = make_tracker(slots={"substance_class": "none", "body_location": "neck"})
    assert CHECKLIST not in screen_order(tracker)


def test_the_list_names_each_question_it_stands_for(make_tracker) -> None:
    tracker = make_tracker(
        slots={"substance_class": "alcohol", "body_location": "lower_back"}
    )
    message = checklist_message(tracker)
    text = message["text"].lower()
    for words in ("seizure", "bladder or bowels", "keep fluids down", "every day"):
        assert words in text
    assert text.count("•") == 5  # breathing, mind, nerves, fluids, heavy use
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny", "/unsure"]


def test_injecting_is_named_only_for_drugs_people_inject(make_tracker) -> None:
    pills = make_tracker(
        slots={
            "substance_class": "opioid",
            "substance": "codeine",
            "body_location": "hip",
        }
    )
    heroin = make_tracker(
        slots={
            "substance_class": "opioid",
            "substance": "heroin",
            "body_location": "hip",
        }
    )
    assert "inject" not in checklist_message(pills)["text"]
    assert "where you inject" in checklist_message(heroin)["text"]


def test_a_carer_is_asked_about_them(make_tracker) -> None:
    tracker = make_tracker(
        slots={
            "substance_class": "opioid",
            "body_location": "buttock",
            "asking_for": "someone_else",
        }
    )
    text = checklist_message(tracker)["text"]
    assert "Do they have" in text and "between their legs" in text


async def test_none_of_these_answers_every_listed_question_no(
    dispatcher, make_tracker, domain
) -> None:
    tracker = answering(make_tracker, "/deny", "deny")
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)
    values = slot_values(events)
    assert values[CHECKLIST] == "no"
    assert {slot: values.get(slot) for slot in OPIOID_BUTTOCK_MIDDLE} == {
        slot: "no" for slot in OPIOID_BUTTOCK_MIDDLE
    }
    assert values["requested_slot"] == "screen_mood"


@pytest.mark.parametrize(
    ("text", "intent"), [("/affirm", "affirm"), ("/unsure", "unsure")]
)
async def test_yes_or_not_sure_asks_the_questions_one_at_a_time(
    dispatcher, make_tracker, domain, text: str, intent: str
) -> None:
    tracker = answering(make_tracker, text, intent)
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)
    values = slot_values(events)
    assert not set(values) & set(OPIOID_BUTTOCK_MIDDLE)
    assert values["requested_slot"] == OPIOID_BUTTOCK_MIDDLE[0]
    assert "one at a time" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nope none of those", "no"),
        ("no, just my butt really", "no"),
        ("not really but my leg is a bit puffy", "unsure"),
        ("no but i havent peed much", "unsure"),
        ("no chest pain, breathing is fine", "no"),
        ("nope. no numbness and no swelling", "no"),
        ("no but my heart is pounding", "unsure"),
        ("yeah one of them", "yes"),
        ("idk maybe", "unsure"),
        # Review 55: a question's own reassurance is part of the No.
        ("No, none of those. Peeing normally.", "no"),
        # Review 54: the answer in the last sentence.
        ("To be clear, this is about me, not a patient. No to all of those.", "no"),
        # A sign described with a negative word in it is no No.
        ("none of those, just cant keep water down", "unsure"),
    ],
)
def test_typed_answers_to_the_list(text: str, expected: str) -> None:
    listed = ["screen_breathing", *OPIOID_BUTTOCK_MIDDLE]
    assert read_checklist_answer(text, None, 0.0, listed) == expected


async def test_an_unread_answer_gets_the_list_again_with_a_hint(
    dispatcher, make_tracker, domain
) -> None:
    tracker = answering(make_tracker, "what about my cat", "out_of_scope")
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)
    assert slot_values(events).get("requested_slot") == CHECKLIST
    assert dispatcher.messages  # a hint, not silence


def test_the_count_of_questions_leaves_out_those_already_answered(
    make_tracker,
) -> None:
    """Review 13: after a first-reply "no" to the suicide question, "3 quick safety
    questions" was announced and two were asked (breathing, the list); now the list
    holds the breathing question, so two, then one."""
    fresh = make_tracker(slots={"substance_class": "opioid", "body_location": "calf"})
    answered = make_tracker(
        slots={
            "substance_class": "opioid",
            "body_location": "calf",
            "screen_mood": "no",
        }
    )
    assert questions_seen_if_all_no(fresh) == 2
    assert questions_seen_if_all_no(answered) == 1


def test_a_yes_that_names_its_sign_asks_about_that_sign_first(make_tracker) -> None:
    # Review 18: "yes, my leg is a bit swollen" got the chest question first.
    answered = [
        UserUttered("yes, my leg is a bit swollen", parse_data={"intent": {}}),
        SlotSet(CHECKLIST, "yes"),
    ]
    tracker = make_tracker(
        "yes, my leg is a bit swollen",
        slots={"substance_class": "opioid", "body_location": "buttock"},
        events=answered,
    )
    order = screen_order(tracker)
    assert order[:3] == [CHECKLIST, "screen_swelling", "screen_leg"]
    assert order.index("screen_breathing") > order.index("screen_leg")
    assert order[-1] == "screen_mood"


def test_a_plain_yes_keeps_the_chest_question_first(make_tracker) -> None:
    answered = [UserUttered("/affirm"), SlotSet(CHECKLIST, "yes")]
    tracker = make_tracker(
        "/affirm",
        slots={"substance_class": "opioid", "body_location": "buttock"},
        events=answered,
    )
    assert screen_order(tracker)[:2] == [CHECKLIST, "screen_breathing"]


def taking_back(make_tracker, text: str, intent: str = "correct_misunderstanding"):
    """The person said "yes" to the list, was asked its first sign, and now types
    `text` (opioids, buttock; breathing answered no)."""
    return answering(
        make_tracker,
        text,
        intent,
        events=[UserUttered("/affirm"), SlotSet(CHECKLIST, "yes")],
        **{CHECKLIST: "yes", "requested_slot": OPIOID_BUTTOCK_MIDDLE[0]},
    )


@pytest.mark.parametrize(
    "text",
    ["oops wrong button, i meant no", "sorry pressed yes by mistake", "misclicked lol"],
)
async def test_a_yes_to_the_list_taken_back_is_a_no_to_all_of_it(
    dispatcher, make_tracker, domain, text: str
) -> None:
    # Session 14: "oops wrong button, i meant no" answered only the first sign, and
    # the others were asked one by one.
    events = await ValidateTriageForm().run(
        dispatcher, taking_back(make_tracker, text), domain
    )
    values = slot_values(events)
    assert values[CHECKLIST] == "no"
    assert {slot: values.get(slot) for slot in OPIOID_BUTTOCK_MIDDLE} == {
        slot: "no" for slot in OPIOID_BUTTOCK_MIDDLE
    }
    assert values["requested_slot"] == "screen_mood"
    assert "changed that" in dispatcher.messages[0]["text"]


async def test_a_retraction_that_names_a_sign_is_not_a_no_to_all(
    dispatcher, make_tracker, domain
) -> None:
    tracker = taking_back(
        make_tracker, "meant no sorry, but my leg is a bit puffy and hot", "deny"
    )
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)
    values = slot_values(events)
    assert values.get(CHECKLIST) != "no"
    assert values.get("screen_leg") is None


async def test_a_plain_no_after_the_list_answers_only_its_own_question(
    dispatcher, make_tracker, domain
) -> None:
    tracker = taking_back(make_tracker, "no", "deny")
    values = slot_values(await ValidateTriageForm().run(dispatcher, tracker, domain))
    assert values[OPIOID_BUTTOCK_MIDDLE[0]] == "no"
    assert values["requested_slot"] == OPIOID_BUTTOCK_MIDDLE[1]


async def test_a_yes_that_names_only_daily_use_asks_the_other_signs_as_a_list(
    dispatcher, make_tracker, domain
) -> None:
    """Review 22: "YES i was on klonopin every day for 2 years and just stopped" got
    "let's go through them one at a time", starting with chest pain."""
    text = "YES i was on klonopin every day for 2 years and just stopped"
    tracker = make_tracker(
        text,
        "affirm",
        slots={
            "substance_class": "benzodiazepine",
            "substance": "clonazepam",
            "body_location": "leg",
            "requested_slot": CHECKLIST,
        },
        active_loop=FORM,
    )
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)
    values = slot_values(events)
    assert values["screen_heavy_use"] == "yes"
    assert values.get(CHECKLIST) is None
    assert values["requested_slot"] == CHECKLIST
    said = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert "one at a time" not in said and "daily use" in said


async def test_a_no_that_speaks_of_one_sign_asks_only_that_one(
    dispatcher, make_tracker, domain
) -> None:
    """Review 23: "no none of that, just the jerking and pain and he keeps throwing up"
    was asked all seven signs one at a time."""
    tracker = answering(
        make_tracker,
        "no none of that, just the jerking and pain and he keeps throwing up",
        "deny",
    )
    values = slot_values(await ValidateTriageForm().run(dispatcher, tracker, domain))
    assert values["requested_slot"] == "screen_fluids"
    assert all(
        values.get(slot) == "no"
        for slot in OPIOID_BUTTOCK_MIDDLE
        if slot != "screen_fluids"
    )


async def test_none_of_those_said_one_at_a_time_answers_the_rest(
    dispatcher, make_tracker, domain
) -> None:
    """Review 23: "NO. I already said none of those. Please just help me help him" got
    the next sign."""
    tracker = taking_back(
        make_tracker, "NO. I already said none of those. Please just help me", "deny"
    )
    values = slot_values(await ValidateTriageForm().run(dispatcher, tracker, domain))
    assert {slot: values.get(slot) for slot in OPIOID_BUTTOCK_MIDDLE} == {
        slot: "no" for slot in OPIOID_BUTTOCK_MIDDLE
    }
    assert values["requested_slot"] == "screen_mood"


def test_a_taper_the_doctor_leads_is_not_asked_about_a_sudden_stop(
    make_tracker,
) -> None:
    """Review 24: "I'm tapering off clonazepam with my doctor" was asked whether they
    had stopped all at once; a benzo stopped without saying so still is."""
    slots = {"substance_class": "benzodiazepine", "body_location": "neck"}
    tapering = make_tracker(
        "I'm tapering off clonazepam with my doctor and my neck is in spasm",
        slots=slots,
    )
    stopped = make_tracker("came off clonazepam and my neck is in spasm", slots=slots)

    assert "screen_heavy_use" not in screen_order(tapering)
    assert "screen_heavy_use" in screen_order(stopped)


def test_once_the_signs_spoken_of_are_answered_the_rest_are_listed_again(
    make_tracker,
) -> None:
    """Review 32: "my left calf is kinda swollen and warm ... no chest stuff" to the
    list; after the calf, the chest, nerves and fluids came one at a time."""
    said = "hmm my left calf is kinda swollen and warm now that u mention it"
    answered = [UserUttered(said, parse_data={"intent": {}}), SlotSet(CHECKLIST, "yes")]
    person = {"substance_class": "opioid", "body_location": "buttock"}

    def after(**answers: str) -> bool:
        tracker = make_tracker(
            "yes", slots={**person, CHECKLIST: "yes", **answers}, events=answered
        )
        return rest_as_a_list(tracker, "screen_leg")

    assert after(screen_swelling="no")  # the leg is the last sign it spoke of
    assert not after()  # the swelling question, also spoken of, is still to come
    plain = make_tracker(
        "/affirm",
        slots={**person, CHECKLIST: "yes", "screen_swelling": "no"},
        events=[UserUttered("/affirm"), SlotSet(CHECKLIST, "yes")],
    )
    assert not rest_as_a_list(plain, "screen_leg")

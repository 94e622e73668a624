"""The line before the first screen question hears back what the person said."""

from __future__ import annotations

import pytest

from actions.acknowledgement import acknowledgement
from bot.safety.catalogue import red_flag


def test_pain_and_drug_are_both_heard() -> None:
    line = acknowledgement("buttock", "kratom", "opioid")
    assert line is not None
    assert "buttocks" in line and "kratom" in line and "withdrawal" in line


def test_a_class_stands_in_for_an_unnamed_drug() -> None:
    line = acknowledgement("calf", "benzodiazepine", "benzodiazepine")
    assert line is not None and "benzodiazepines" in line


def test_no_drug_means_no_word_about_withdrawal() -> None:
    line = acknowledgement("buttock", None, "none")
    assert line is not None and "withdrawal" not in line and "stopping" not in line


def test_nothing_said_gets_no_line() -> None:
    assert acknowledgement(None, None, None) is None


def test_it_never_says_the_pain_is_not_dangerous() -> None:
    for place in ("lower_back", "whole_body", "leg"):
        line = acknowledgement(place, "heroin", "opioid") or ""
        assert "not dangerous" not in line and "nothing to worry" not in line


def test_someone_asking_for_another_person_is_thanked_not_pitied() -> None:
    line = acknowledgement("leg", "heroin", "opioid", someone_else=True)
    assert line is not None and "them" in line and "you're going through" not in line


def test_someone_at_higher_risk_is_not_told_it_is_really_common() -> None:
    """A pregnant woman or a likely blood clot: checks first, no reassurance."""
    line = acknowledgement(
        "calf", "heroin", "opioid", at_risk=red_flag("pregnancy"), symptoms=["cramp"]
    )
    assert line is not None
    assert "common" not in line.lower()
    assert "midwife" in line.lower() and "today" in line.lower()
    assert "calf cramps" in line.lower() and "check" in line.lower()


def test_a_same_day_sign_with_no_cramps_said_is_not_heard_as_cramps() -> None:
    """Review 87: sciatica and a foot that slaps down got "then I'll help with foot
    cramps"."""
    line = acknowledgement("foot", None, None, at_risk=red_flag("foot_drop_nerve"))
    assert line is not None
    assert "cramps" not in line.lower() and "help with the pain" in line


async def test_the_first_question_asked_again_comes_alone(
    dispatcher, make_tracker, domain
) -> None:
    """Review 4: a correction mid-screen ("i didnt stop subs, i STARTED them") brought
    back the acknowledgement and the whole introduction with the question."""
    from rasa_sdk.events import BotUttered

    from actions.acknowledgement import ActionAskScreenBreathing

    slots = {
        "substance_class": "opioid",
        "substance": "fentanyl",
        "body_location": "hip",
    }
    first = make_tracker("off fent, my hips ache", "describe_symptoms", slots=slots)
    await ActionAskScreenBreathing().run(dispatcher, first, domain)
    assert [m.get("response") for m in dispatcher.messages][-1] == (
        "utter_ask_screen_breathing"
    )
    assert "really common" in dispatcher.messages[0]["text"]
    dispatcher.messages.clear()

    asked = BotUttered(
        "Before any tips ...", metadata={"utter_action": "utter_ask_screen_breathing"}
    )
    again = make_tracker(
        "i didnt stop subs, i stopped fent", "inform", slots=slots, events=[asked]
    )
    await ActionAskScreenBreathing().run(dispatcher, again, domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_screen_breathing_again"


async def test_the_checklist_as_first_question_hears_the_person_and_counts_two(
    dispatcher, make_tracker, domain
) -> None:
    """Review 13: three questions before any tip (31 of 36 people). The list, with
    the chest question first in it, then the suicide question: two. Asked again, the
    list comes alone."""
    from rasa_sdk.events import BotUttered

    from actions.acknowledgement import ActionAskScreenChecklist

    slots = {"substance_class": "opioid", "substance": "heroin", "body_location": "leg"}
    first = make_tracker("day 2 off dope legs aching", "describe_symptoms", slots=slots)
    await ActionAskScreenChecklist().run(dispatcher, first, domain)
    heard, question = dispatcher.messages
    assert "really common" in heard["text"]
    assert question["response"] == "utter_ask_screen_checklist_first"
    assert question["how_many"] == "2 quick safety questions"
    lines = question["checklist"].splitlines()
    assert "chest pain" in lines[1]
    assert lines[-1] == "Do you have any of these right now?"
    dispatcher.messages.clear()

    asked = BotUttered(
        "Before any tips ...",
        metadata={"utter_action": "utter_ask_screen_checklist_first"},
    )
    again = make_tracker("what?", "out_of_scope", slots=slots, events=[asked])
    await ActionAskScreenChecklist().run(dispatcher, again, domain)
    [message] = dispatcher.messages
    assert "response" not in message or not message["response"]
    assert "chest pain" in message["text"] and "Before any tips" not in message["text"]


def test_several_places_are_all_heard() -> None:
    """Review 4: "glutes and hamstrings cramping" was heard back as "Thigh cramps"."""
    line = acknowledgement(
        "thigh", "heroin", "opioid", body_locations=["buttock", "thigh"]
    )
    assert line is not None and "buttocks and thighs" in line


def test_one_question_is_one_question() -> None:
    """Review 15: "1 quick safety questions" to 9 of 36 people."""
    from actions.acknowledgement import how_many

    assert how_many(1) == "1 quick safety question"
    assert how_many(2) == "2 quick safety questions"


@pytest.mark.parametrize(
    ("text", "response"),
    [
        (
            "im asking for my son, hes detoxing",
            "utter_ask_substance_class_someone_else",
        ),
        ("my back hurts so bad", "utter_ask_substance_class"),
    ],
)
async def test_what_was_stopped_is_asked_of_whoever_it_is_about(
    dispatcher, make_tracker, domain, text: str, response: str
) -> None:
    """Dev set 13: a father writing for his son was asked what *he* had stopped."""
    from actions.acknowledgement import ActionAskSubstanceClass

    events = await ActionAskSubstanceClass().run(
        dispatcher, make_tracker(text, "inform"), domain
    )
    [message] = dispatcher.messages
    assert message["response"] == response
    assert bool(events) is response.endswith("someone_else")


def test_shaking_is_heard_back_as_shaking_not_cramps() -> None:
    """Review 19: "my hands are shaking" after stopping alcohol was heard back as
    "Hand cramps"."""
    line = acknowledgement(
        "hand", "alcohol", "alcohol", body_locations=["hand"], symptoms=["tremor"]
    )
    assert line is not None and "Shaking in your hands" in line
    assert "cramps" not in line.lower()


def test_numbness_is_never_called_common() -> None:
    line = acknowledgement(
        "leg", "heroin", "opioid", body_locations=["leg"], symptoms=["numbness"]
    )
    assert line is not None and "numb" not in line.lower()


@pytest.mark.parametrize(
    ("text", "substance", "substance_class", "still_on_it"),
    [
        (
            "im on methadone still taking it, but my thighs spasm at night",
            "methadone",
            "opioid",
            True,
        ),
        ("my legs ache between doses of my tramadol", "tramadol", "opioid", True),
        (
            "stopped methadone 4 days ago and my thighs spasm",
            "methadone",
            "opioid",
            False,
        ),
    ],
)
async def test_someone_still_taking_their_medicine_is_not_told_after_stopping(
    dispatcher, make_tracker, domain, text, substance, substance_class, still_on_it
) -> None:
    """Session 28's note: people still on methadone, Subutex or tramadol were heard
    back as "Thigh cramps after stopping methadone"."""
    from actions.acknowledgement import ActionAskScreenChecklist

    slots = {
        "substance_class": substance_class,
        "substance": substance,
        "body_location": "thigh",
    }
    tracker = make_tracker(text, "describe_symptoms", slots=slots)
    await ActionAskScreenChecklist().run(dispatcher, tracker, domain)
    heard = dispatcher.messages[0]["text"]
    assert ("after stopping" in heard) is not still_on_it
    assert (f"while you're still taking {substance}" in heard) is still_on_it


async def test_a_yes_to_the_question_about_a_same_day_sign_is_heard_back(
    dispatcher, make_tracker, domain
) -> None:
    """Review 54: "YES I SAID YES", about withdrawal suddenly worse after Suboxone, got
    "Aching all over after stopping fentanyl: that's a really common part of
    withdrawal"."""
    from actions.acknowledgement import ActionAskScreenChecklist

    slots = {
        "substance_class": "opioid",
        "substance": "fentanyl",
        "body_location": "whole_body",
        "screen_flag": "precipitated_withdrawal",
    }
    tracker = make_tracker("YES I SAID YES", "affirm", slots=slots)
    await ActionAskScreenChecklist().run(dispatcher, tracker, domain)
    heard = dispatcher.messages[0]["text"]
    assert "really common" not in heard
    assert red_flag("precipitated_withdrawal").why in heard


async def test_a_same_day_sign_is_answered_before_where_it_hurts(
    dispatcher, make_tracker, domain
) -> None:
    """Review 58: "I ran out of my baclofen 2 days ago ... does it matter?" got "Where
    is the pain or spasm mostly?", and the warning only after a body part was tapped.
    The warning comes first, then the question; the screen's first question does not
    say it again."""
    from actions.acknowledgement import ActionAskBodyLocation, ActionAskScreenChecklist

    slots = {
        "substance_class": "baclofen",
        "substance": "baclofen",
        "screen_flag": "baclofen_oral_stop",
    }
    tracker = make_tracker(
        "ran out of my baclofen 2 days ago, does it matter?", slots=slots
    )
    await ActionAskBodyLocation().run(dispatcher, tracker, domain)

    texts = [m.get("text") or "" for m in dispatcher.messages]
    assert red_flag("baclofen_oral_stop").why in texts[0]
    assert dispatcher.messages[-1]["response"] == "utter_ask_body_location"

    said = [{"event": "bot", "text": texts[0]}]
    later = make_tracker("Legs", slots={**slots, "body_location": "leg"}, events=said)
    dispatcher.messages.clear()
    await ActionAskScreenChecklist().run(dispatcher, later, domain)
    assert not any(
        red_flag("baclofen_oral_stop").why in (m.get("text") or "")
        for m in dispatcher.messages
    )


async def test_a_same_day_sign_is_heard_before_whichever_question_comes_next(
    dispatcher, make_tracker, domain
) -> None:
    """Review 63: a one-sided swollen, warm, red calf after a 10-hour bus ride, said
    three times, was never named: a seizure question came first, and the line that
    hears back was only said before the screen's first question."""
    from actions.acknowledgement import ActionAskSubstanceClass

    tracker = make_tracker(
        "no", "deny", slots={"screen_flag": "dvt", "body_location": "calf"}
    )
    await ActionAskSubstanceClass().run(dispatcher, tracker, domain)
    texts = [m.get("text") or "" for m in dispatcher.messages]
    assert red_flag("dvt").why in texts[0]
    assert dispatcher.messages[-1]["response"] == "utter_ask_substance_class"


def test_a_taper_is_heard_as_a_taper_not_a_stop() -> None:
    """Review 84: a woman coming down on oxycodone with her GP was told "after
    stopping oxycodone: that's a really common part of withdrawal"."""
    line = acknowledgement("leg", "oxycodone", "opioid", tapering=True)
    assert line is not None
    assert "while tapering oxycodone" in line and "after stopping" not in line


async def test_a_bereavement_is_heard_before_the_first_question(
    dispatcher, make_tracker, domain
) -> None:
    """Review 84: a widow's "my husband died last month" went unheard; the first reply
    was "Have you recently stopped any medicine, drug or alcohol?"."""
    from actions.acknowledgement import ActionAskSubstanceClass

    tracker = make_tracker(
        "my husband died last month. since then my back keeps going into spasms",
        "describe_symptoms",
        slots={"body_location": "back"},
    )
    await ActionAskSubstanceClass().run(dispatcher, tracker, domain)
    texts = [m.get("text") or m.get("response") for m in dispatcher.messages]
    assert "sorry for your loss" in str(texts[0]).lower()
    assert texts[-1] == "utter_ask_substance_class"


async def test_no_feeling_line_without_a_feeling(
    dispatcher, make_tracker, domain
) -> None:
    from actions.acknowledgement import ActionAskSubstanceClass

    tracker = make_tracker("my back hurts, died laughing at work", "describe_symptoms")
    await ActionAskSubstanceClass().run(dispatcher, tracker, domain)
    assert [m.get("response") for m in dispatcher.messages] == [
        "utter_ask_substance_class"
    ]

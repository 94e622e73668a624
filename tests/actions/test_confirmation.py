"""After a No to the direct question about a possible sign, the bot carries on with
what the person asked in the message that raised it."""

from __future__ import annotations

import pytest
from rasa_sdk.events import FollowupAction

from actions.confirmation import (
    ActionConfirmRedFlag,
    ActionResolveConfirmation,
    corrects_same_day_sign,
)
from actions.conversation import message_asked


async def test_a_no_goes_back_to_the_harm_reduction_question(
    dispatcher, make_tracker, domain, user_said
) -> None:
    asked = user_said(
        "missed my methadone today, can i take extra tomorrow", "ask_harm_reduction"
    )
    tracker = make_tracker(
        "no",
        "deny",
        slots={"confirm_flag": "suicidal", "confirm_mode": "possible"},
        events=[asked],
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    assert FollowupAction("action_harm_reduction") in events
    assert message_asked(tracker)["text"].startswith("missed my methadone")


async def test_a_no_after_a_symptom_message_just_carries_on(
    dispatcher, make_tracker, domain, user_said
) -> None:
    said = user_said("my butt cramps so bad", "describe_symptoms")
    tracker = make_tracker(
        "no",
        "deny",
        slots={"confirm_flag": "cauda_equina", "confirm_mode": "possible"},
        events=[said],
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    assert not [e for e in events if e.get("event") == "followup"]
    assert "good to hear" in dispatcher.messages[0]["text"]


async def test_a_no_that_comes_with_a_worry_is_not_good_to_hear(
    dispatcher, make_tracker, domain, user_said
) -> None:
    """Review 9: "no, it was from the fall ... should i worry because of the warfarin?"
    got "Thanks, that's good to hear."."""
    said = user_said("fell on my bum, its swollen", "describe_symptoms")
    tracker = make_tracker(
        "no, it was from the fall. should i worry because of the warfarin?",
        "deny",
        slots={"confirm_flag": "compartment_syndrome", "confirm_mode": "possible"},
        events=[said],
    )

    await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["text"] == "Thanks, that helps."


def test_any_other_latest_message_is_the_one_asked(make_tracker) -> None:
    tracker = make_tracker("how do i use narcan", "ask_harm_reduction")
    assert message_asked(tracker)["text"] == "how do i use narcan"


async def test_an_unclear_answer_is_asked_again_kindly_once(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        "NO its not me its my son, i asked about his legs",
        None,
        slots={"confirm_flag": "suicidal", "confirm_mode": "possible"},
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    [asked] = [m["text"] for m in dispatcher.messages]
    assert asked.startswith("Sorry to ask again") and "no wrong answer" in asked
    assert "ending your life" in asked
    assert [e["name"] for e in events if e.get("event") == "slot"] == ["confirm_asks"]


async def test_an_answer_in_the_words_of_the_sign_asked_about_is_read(
    dispatcher, make_tracker, domain
) -> None:
    """ "pee is normal yellow" and "no dark" answer "has your pee turned dark?": read
    with that topic's words, not asked again and then escalated (a review: a person
    writing in a second language got 911 for saying their pee was not dark)."""
    for text in ("pee is normal yellow", "no dark"):
        dispatcher.messages.clear()
        tracker = make_tracker(
            text,
            "inform",
            slots={"confirm_flag": "rhabdomyolysis", "confirm_mode": "possible"},
        )

        events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

        assert "good to hear" in dispatcher.messages[0]["text"], text
        assert not [e for e in events if e.get("name") == "triage_level"], text


async def test_a_no_after_the_advice_answers_the_question_that_raised_it(
    dispatcher, make_tracker, domain, user_said
) -> None:
    """ "is it something serious?" after the advice raised the direct question; the
    No is followed by the answer, not by silence."""
    asked = user_said("is it something serious", "ask_see_doctor")
    tracker = make_tracker(
        "no",
        "deny",
        slots={
            "confirm_flag": "cauda_equina",
            "confirm_mode": "possible",
            "triage_level": "self_care",
        },
        events=[asked],
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    assert FollowupAction("action_self_care_guidance") in events


async def test_a_goodbye_to_the_question_is_no_alarm_but_says_when_to_call(
    dispatcher, make_tracker, domain
) -> None:
    """A review: "ok thanks, bye" to a question about a possible sign got 911."""
    tracker = make_tracker(
        "ok thanks, bye",
        "goodbye",
        slots={"confirm_flag": "cauda_equina", "confirm_mode": "possible"},
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    [reply] = [m["text"] for m in dispatcher.messages]
    assert "take care" in reply and "911" in reply
    assert not [e for e in events if e.get("name") == "triage_level"]


async def test_a_corrected_false_alarm_keeps_the_answers_given(
    dispatcher, make_tracker, domain
) -> None:
    """Review 4: after a mistaken tap was corrected, the whole screen ran again and
    the suicide question was asked twice. The "no"s stand, the corrected sign's own
    question is a "no" now, a "yes" elsewhere is asked again."""
    tracker = make_tracker(
        "no",
        "deny",
        slots={
            "confirm_flag": "suicidal",
            "confirm_mode": "correction",
            "triage_level": "emergency",
            "screen_breathing": "no",
            "screen_mind": "yes",
        },
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["triage_level"] is None
    assert slots["screen_breathing"] == "no" and slots["screen_mood"] == "no"
    assert slots["screen_mind"] is None
    assert "carry on from where we were" in dispatcher.messages[0]["text"]


async def test_a_no_to_the_direct_question_answers_the_screen_question_too(
    dispatcher, make_tracker, domain
) -> None:
    """Review 5: the suicide question asked four times in one conversation."""
    tracker = make_tracker(
        "no bro not like that. just want the cramps gone",
        "deny",
        slots={"confirm_flag": "suicidal", "confirm_mode": "possible"},
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["screen_mood"] == "no"
    # A No that says more is thanked, not welcomed as good news (review 28).
    assert dispatcher.messages[0]["text"].startswith("Okay, thank you for telling me.")


async def test_a_plain_no_is_good_to_hear(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker(
        "nope",
        "deny",
        slots={"confirm_flag": "seizure", "confirm_mode": "possible"},
    )

    await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["text"].startswith("Thanks, that's good to hear.")


async def test_a_yes_said_with_a_goodbye_to_the_suicide_question_is_no_goodbye(
    dispatcher, make_tracker, domain
) -> None:
    """Review 23: "ok yes ill text them later. i promise. now legs?", after "i dont
    see the point anymore", got "Okay, take care" and the screen went on."""
    tracker = make_tracker(
        "ok yes ill text them later. i promise. now legs?",
        "thank",
        slots={"confirm_flag": "suicidal", "confirm_mode": "possible"},
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots.get("triage_level") == "emergency"
    assert "take care" not in " ".join(m.get("text") or "" for m in dispatcher.messages)


async def test_a_no_that_speaks_of_the_thoughts_keeps_the_crisis_line_in_view(
    dispatcher, make_tracker, domain
) -> None:
    """Review 22: "no plan. i dont want to die i want the pain to stop" got "Thanks,
    that helps." and then "Nothing you told me sounds like an emergency"."""
    tracker = make_tracker(
        "no plan. i dont want to die i want the pain to stop",
        "deny",
        slots={"confirm_flag": "suicidal", "confirm_mode": "possible"},
    )

    await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    said = dispatcher.messages[0]["text"]
    assert "988" in said and "good to hear" not in said


async def test_a_sign_corrected_leaves_another_sign_standing(
    dispatcher, make_tracker, domain, user_said, red_flag
) -> None:
    """Review 6: a "no" to "has anyone had a seizure?" called off the DTs emergency
    (confusion, seeing things) with the paramedics in the room."""
    from rasa_sdk.events import ActionExecuted

    earlier = [
        user_said(
            "he doesnt know what day it is and hes picking at things in the air",
            "report_emergency",
            [red_flag("delirium")],
        ),
        ActionExecuted("action_emergency"),
        user_said(
            "what if he has a seizure", "report_emergency", [red_flag("seizure")]
        ),
        ActionExecuted("action_emergency"),
    ]
    tracker = make_tracker(
        "no",
        "deny",
        slots={
            "confirm_flag": "seizure",
            "confirm_mode": "correction",
            "triage_level": "emergency",
        },
        events=earlier,
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["triage_level"] == "emergency" and slots["screen_flag"] == "delirium"
    assert slots["corrected_flags"] == ["seizure"]
    assert "still needs the medical team" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("said", "flag", "theirs", "yours"),
    [
        # Review 11: "are you having thoughts of ending your life?", asked of her
        # boyfriend.
        (
            "she said 'i cant do this anymore' last night and now shes in her room",
            "suicidal",
            "do you think they might be thinking of ending their life",
            "are you having thoughts",
        ),
        # Review 17: a mother writing about her son was asked "do you have chest pain".
        (
            "my son is shaking and sweating, says his legs hurt so much, what do I do",
            "chest_pain",
            "do they have chest pain",
            "do you have",
        ),
    ],
)
async def test_a_direct_question_about_someone_else_is_asked_about_them(
    dispatcher, make_tracker, domain, said: str, flag: str, theirs: str, yours: str
) -> None:
    tracker = make_tracker(
        said,
        "describe_symptoms",
        entities=[{"entity": "possible_red_flag", "value": flag, "role": "emergency"}],
    )

    await ActionConfirmRedFlag().run(dispatcher, tracker, domain)

    asked = " ".join(m["text"] for m in dispatcher.messages)
    assert theirs in asked and yours not in asked


async def test_an_earlier_message_about_someone_else_keeps_the_question_on_them(
    dispatcher, make_tracker, domain
) -> None:
    """Review 22: "my friend has one on his leg thats getting black", then "yes i just
    said its getting black. no fever tho" was asked "do you have a fever"."""
    from rasa_sdk.events import UserUttered

    tracker = make_tracker(
        "yes i just said its getting black. no fever tho",
        "affirm",
        entities=[
            {"entity": "possible_red_flag", "value": "infection", "role": "emergency"}
        ],
        events=[UserUttered("my friend has a wound on his leg thats getting black")],
    )

    await ActionConfirmRedFlag().run(dispatcher, tracker, domain)

    asked = " ".join(m["text"] for m in dispatcher.messages)
    assert " they " in asked and " you have " not in asked


async def test_a_first_reply_suicide_question_is_said_as_the_routine_question(
    dispatcher, make_tracker, domain
) -> None:
    """Review 12: "Opens with a suicide question out of nowhere" for a man a day off
    vodka asking how to get through the night. As the first reply, the question says
    it is one asked of everyone, and still asks it directly with the crisis line."""
    tracker = make_tracker(
        "stopped a bottle of vodka a day this morning, hands shaking, how do i get "
        "through tonight",
        "ask_what_to_do",
        entities=[
            {"entity": "possible_red_flag", "value": "suicidal", "role": "emergency"}
        ],
    )

    await ActionConfirmRedFlag().run(dispatcher, tracker, domain)

    [asked] = [m["text"] for m in dispatcher.messages]
    assert "one question I ask everyone" in asked
    assert "thoughts of ending your life?" in asked and "988" in asked


async def test_a_no_said_with_fear_is_not_good_to_hear(
    dispatcher, make_tracker, domain, user_said
) -> None:
    """Review 13: "NO SEIZURE. IM SO SCARED IM GOING TO DIE" got "Thanks, that's good
    to hear"."""
    said = user_said("shaking so bad, stopped xanax and drinking", "describe_symptoms")
    tracker = make_tracker(
        "NO SEIZURE. IM SO SCARED IM GOING TO DIE",
        "deny",
        slots={"confirm_flag": "seizure", "confirm_mode": "possible"},
        events=[said],
    )

    await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    first = dispatcher.messages[0]["text"]
    assert "good to hear" not in first and "scared" in first


async def test_a_no_said_with_hopelessness_is_not_good_to_hear(
    dispatcher, make_tracker, domain, user_said
) -> None:
    """Review 15: "no, not suicidal. just really low. hopeless i guess" got "Thanks,
    that's good to hear"."""
    said = user_said("2 weeks off fent and i feel empty", "describe_symptoms")
    tracker = make_tracker(
        "no, not suicidal. just really low. hopeless i guess",
        "deny",
        slots={"confirm_flag": "suicidal", "confirm_mode": "possible"},
        events=[said],
    )

    await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    first = dispatcher.messages[0]["text"]
    assert "good to hear" not in first and "telling me" in first


async def test_no_for_now_about_suicide_keeps_the_crisis_reply(
    dispatcher, make_tracker, domain
) -> None:
    """Review 20: "not right now, im texting with them" from someone with pills
    saved up got "Thank you, and sorry for the alarm" and the screen again."""
    slots = {
        "confirm_flag": "suicidal",
        "confirm_mode": "correction",
        "triage_level": "emergency",
    }
    for_now = make_tracker("not right now, im texting with them", "deny", slots=slots)
    events = await ActionResolveConfirmation().run(dispatcher, for_now, domain)

    assert not [e for e in events if e.get("name") == "triage_level"]
    assert not dispatcher.messages

    clear_no = make_tracker("no", "deny", slots=slots)
    await ActionResolveConfirmation().run(dispatcher, clear_no, domain)

    [reply] = [m["text"] for m in dispatcher.messages]
    assert "sorry for the alarm" not in reply and "988" in reply


async def test_a_plain_no_to_the_list_stands_after_a_no_about_suicide(
    dispatcher, make_tracker, domain, user_said
) -> None:
    """Review 26: "No. I haven't stopped yet, I'm asking whether I can just stop." to
    the list raised the suicide question; after "No, of course not" the list was asked
    one question at a time."""
    said = user_said(
        "No. I haven't stopped yet, I'm asking whether I can just stop.", "deny"
    )
    tracker = make_tracker(
        "What? No, of course not. I mean stop the baclofen.",
        "deny",
        slots={
            "confirm_flag": "suicidal",
            "confirm_mode": "possible",
            "requested_slot": "screen_checklist",
            "substance_class": "baclofen",
            "body_location": "back",
        },
        events=[said],
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    answered = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert answered["screen_checklist"] == "no"
    assert answered["screen_breathing"] == "no"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Review 38: said after same-day care for a clot, three times over.
        (
            "NO swelling. NO redness. NOT hot. just a normal cramp. you got it wrong",
            True,
        ),
        ("wait i never said it was swollen or red?? its not. it was a cramp", True),
        ("wrong button, i meant no", True),
        # Review 43: indignant question marks make no question.
        ("wtf i dont have any swelling or redness?? i just said thanks", True),
        # A No to the check-in offer, a question, or a yes are no correction.
        ("no thanks", False),
        ("how long will it last?", False),
        ("yes its still swollen", False),
    ],
)
def test_what_undoes_same_day_care_for_a_clot(text: str, expected: bool) -> None:
    assert corrects_same_day_sign(text, "dvt", None, 0.0) is expected


def test_a_question_on_the_signs_topic_is_no_denial_of_it() -> None:
    """Review 39: after same-day care for stopping heavy drinking, "my gp cant see me
    till next week ... should i have a drink to be safe?" was asked "were you drinking
    heavily every day?" twice, as if it took the sign back."""
    text = (
        "my gp cant see me till next week. what do i do in the meantime? should i "
        "have a drink to be safe?"
    )
    assert not corrects_same_day_sign(text, "abrupt_stop", None, 0.0)
    assert corrects_same_day_sign(
        "no i didnt stop at once, i tapered", "abrupt_stop", None, 0.0
    )


async def test_a_no_to_the_fever_still_asks_about_the_lump(
    dispatcher, make_tracker, domain
) -> None:
    """Review 59: a hot, red lump at an old injection site, growing, was read as a
    serious infection; "no" to the fever question called everything off, and the
    person was told nothing sounded like an emergency, with posture tips. The lump
    itself is asked about next, and a Yes makes the day's care urgent."""
    tracker = make_tracker(
        "no",
        "deny",
        slots={
            "confirm_flag": "infection",
            "confirm_mode": "correction",
            "triage_level": "emergency",
        },
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["triage_level"] is None
    assert slots["corrected_flags"] == ["infection"]
    assert (slots["confirm_flag"], slots["confirm_mode"]) == (
        "skin_infection",
        "possible",
    )
    reply = dispatcher.messages[0]
    assert "hot, red, swollen or painful lump" in reply["text"]
    assert [b["title"] for b in reply["buttons"]] == ["Yes", "No", "Not sure"]

    dispatcher.messages.clear()
    yes = make_tracker(
        "yes",
        "affirm",
        slots={"confirm_flag": "skin_infection", "confirm_mode": "possible"},
    )
    events = await ActionResolveConfirmation().run(dispatcher, yes, domain)

    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["screen_flag"] == "skin_infection"
    assert slots.get("triage_level") != "emergency"
    # Its reason and first step now, not after the next screen questions.
    from bot.safety.catalogue import red_flag

    said = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert red_flag("skin_infection").why in said


async def test_a_no_to_the_fever_asked_first_still_asks_about_the_lump(
    dispatcher, make_tracker, domain
) -> None:
    """Review 68: "a hot, red lump on his arm where he injects", asked about the fever
    first (no alarm raised), then No: nothing more was said of the lump."""
    tracker = make_tracker(
        "no", "deny", slots={"confirm_flag": "infection", "confirm_mode": "possible"}
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert (slots["confirm_flag"], slots["confirm_mode"]) == (
        "skin_infection",
        "possible",
    )
    assert "hot, red, swollen or painful lump" in dispatcher.messages[0]["text"]


async def test_a_correction_left_unanswered_is_asked_once_more(
    dispatcher, make_tracker, domain
) -> None:
    """Session 30: "ok so what about my legs, they ache", after "it passed, breathing
    fine now", got the emergency reply again and no word on the legs. Asked once
    more; a second unanswered message keeps the alarm."""
    slots = {
        "confirm_flag": "breathing",
        "confirm_mode": "correction",
        "triage_level": "emergency",
    }
    first = make_tracker(
        "ok so what about my legs, they ache", "describe_symptoms", slots=slots
    )
    events = await ActionResolveConfirmation().run(dispatcher, first, domain)
    assert [e["value"] for e in events if e.get("name") == "confirm_asks"] == [2.0]
    assert "clear yes or no" in dispatcher.messages[0]["text"]
    assert "breathe" in dispatcher.messages[0]["text"]
    dispatcher.messages.clear()

    second = make_tracker(
        "legs though", "describe_symptoms", slots={**slots, "confirm_asks": 2.0}
    )
    events = await ActionResolveConfirmation().run(dispatcher, second, domain)
    assert {e["name"]: e["value"] for e in events}["confirm_flag"] is None
    assert not dispatcher.messages


async def test_after_the_screen_a_no_answers_the_message_that_raised_the_question(
    dispatcher, make_tracker, domain
) -> None:
    """Review 86: "last year when i stopped benzos i had a seizure ... scared its gonna
    happen again", then "no not today. last year. but im scared" (classed as skipping
    a check-in, no answer intent), got "Is there anything else I can help with?"."""
    from rasa_sdk.events import UserUttered

    raised = "last year when i stopped benzos i had a seizure. scared it happens again"
    tracker = make_tracker(
        "no not today. last year. but im scared",
        "skip_check_in",
        slots={
            "confirm_flag": "seizure",
            "confirm_mode": "possible",
            "triage_level": "self_care",
        },
        events=[UserUttered(raised, parse_data={"intent": {"name": "inform"}})],
    )

    events = await ActionResolveConfirmation().run(dispatcher, tracker, domain)

    assert FollowupAction("action_harm_reduction") in events
    assert "anything else" not in dispatcher.messages[0]["text"].lower()

"""The fallback hands a question it can answer to the action that answers it."""

from __future__ import annotations

import pytest
from rasa_sdk.events import FollowupAction

from actions.fallback import ActionFallback, only_complains


async def test_a_harm_reduction_question_the_classifier_missed_is_answered(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker("is the samhsa line confidential?", "out_of_scope")

    events = await ActionFallback().run(dispatcher, tracker, domain)

    assert events == [FollowupAction("action_harm_reduction")]
    assert not dispatcher.messages


async def test_a_self_care_question_after_the_screen_gets_the_guidance(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        "so is a hot bath ok if i get dizzy in it",
        "nlu_fallback",
        slots={"triage_level": "self_care"},
    )

    events = await ActionFallback().run(dispatcher, tracker, domain)

    assert events == [FollowupAction("action_self_care_guidance")]


async def test_nothing_recognisable_still_gets_the_kind_hint(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker("asdf qwerty", "nlu_fallback")

    events = await ActionFallback().run(dispatcher, tracker, domain)

    assert events == [] and dispatcher.messages[0]["response"] == "utter_default"
    assert dispatcher.messages[1]["buttons"]


async def test_a_flood_of_crying_emoji_gets_a_kind_word_and_the_crisis_line(
    dispatcher, make_tracker, domain
) -> None:
    """Review 24: "😭😭😭😭😭😭😭😭" got "Sorry, I can only help with muscle pain"."""
    tracker = make_tracker("😭😭😭😭😭😭😭😭", "out_of_scope")

    await ActionFallback().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert "really hard" in message["text"] and "988" in message["text"]


@pytest.mark.parametrize(
    "text", ["Too much text, sorry my english not so good", "muy largo. simple please"]
)
async def test_too_much_text_gets_an_apology_and_short_choices(
    dispatcher, make_tracker, domain, text: str
) -> None:
    """Review 27: a non-native speaker and a Spanish speaker asked for less text."""
    await ActionFallback().run(dispatcher, make_tracker(text, "nlu_fallback"), domain)

    [message] = dispatcher.messages
    assert message["text"].startswith("Sorry, that was a lot. I'll keep it short")
    assert message["buttons"]


async def test_thanks_or_no_check_ins_the_classifier_missed_are_understood(
    dispatcher, make_tracker, domain
) -> None:
    """Review 5: "cool ty. no check in" and "aight ill call them. thanks i guess" got
    "Sorry, I didn't quite get that"."""
    no_check_ins = make_tracker("cool ty. no check in", "nlu_fallback")
    events = await ActionFallback().run(dispatcher, no_check_ins, domain)
    assert events == [FollowupAction("action_stop_check_ins")]

    thanks = make_tracker("aight ill call them. thanks i guess", "nlu_fallback")
    await ActionFallback().run(dispatcher, thanks, domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_thank"]


def test_every_button_that_describes_pain_says_where() -> None:
    """Review 24: "Buttock pain" and "Cramps in my legs" under the fallback and the
    "tell me more" hint sent a bare /describe_symptoms, which said nothing and early in
    a conversation got an empty summary for the doctor. Each tap names the body part,
    as the greeting's buttons do."""
    import re
    from pathlib import Path

    import yaml

    from actions.fallback import START_BUTTONS

    domain = yaml.safe_load(Path("domain/conversation.yml").read_text("utf-8"))
    buttons = [
        button
        for variants in domain["responses"].values()
        for variant in variants
        for button in variant.get("buttons") or []
    ] + START_BUTTONS
    describing = [b["payload"] for b in buttons if "describe_symptoms" in b["payload"]]

    assert len(describing) >= 8
    assert all(re.search(r'"body_location": "\w+"', p) for p in describing)


async def test_spanish_said_again_gets_a_shorter_reply(
    dispatcher, make_tracker, domain
) -> None:
    """Review 24: every Spanish message, "gracias" included, got the same paragraph."""
    first = make_tracker("hola, me duelen mucho las piernas", "nlu_fallback")
    await ActionFallback().run(dispatcher, first, domain)
    [full] = dispatcher.messages
    dispatcher.messages.clear()

    again = make_tracker(
        "muchas gracias por la ayuda",
        "nlu_fallback",
        events=[{"event": "bot", "text": full["text"]}],
    )
    await ActionFallback().run(dispatcher, again, domain)

    [short] = dispatcher.messages
    assert "1-800-662-4357" in short["text"]
    assert len(short["text"]) < len(full["text"])


async def test_saying_only_where_they_are_gets_the_numbers_there(
    dispatcher, make_tracker, domain
) -> None:
    """Review 26: "i'm in new york" got "Sorry, I can only help with muscle pain"."""
    tracker = make_tracker(
        "i'm in new york",
        "out_of_scope",
        entities=[{"entity": "region", "value": "us"}],
    )

    events = await ActionFallback().run(dispatcher, tracker, domain)

    assert FollowupAction("action_helplines") in events and not dispatcher.messages


@pytest.mark.parametrize(
    ("text", "complains"),
    [
        ("that didnt help", True),
        ("useless. forget it", True),
        ("this bot is a waste of time", True),
        ("useless. how long does this last?", False),
        ("nothing helps", False),  # hopelessness: the safety layer's to hear
        ("tried all that, is a hot bath ok", False),
        ("the ibuprofen didnt help", False),
    ],
)
def test_only_a_complaint_is_a_complaint(text: str, complains: bool) -> None:
    assert only_complains({"text": text}) is complains


async def test_a_complaint_gets_an_apology_a_person_and_the_local_line(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        "this is useless", "nlu_fallback", slots={"triage_level": "self_care"}
    )

    assert await ActionFallback().run(dispatcher, tracker, domain) == []

    [message] = dispatcher.messages
    assert message["text"].startswith("I'm sorry, that wasn't what you needed")
    assert "1-800-662-4357" in message["text"]
    assert message["buttons"][0]["payload"] == "/ask_human"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("🙏❤️", "utter_thank"),
        ("...", "I'm here whenever you're ready"),
        ("🙄", "I'm sorry, that wasn't what you needed"),
    ],
)
async def test_emoji_and_marks_without_words_get_a_fitting_answer(
    dispatcher, make_tracker, domain, text: str, expected: str
) -> None:
    """Review 32: "🙏❤️" got "I can only help with muscle pain", "🙄" and "..." got
    "Sorry, I didn't quite get that"."""
    tracker = make_tracker(text, "nlu_fallback", slots={"triage_level": "self_care"})

    await ActionFallback().run(dispatcher, tracker, domain)

    first = dispatcher.messages[0]
    assert expected in (first.get("response") or first.get("text") or "")


async def test_a_question_read_as_skipping_a_check_in_is_answered(
    dispatcher, make_tracker, domain
) -> None:
    """Review 48: "can i get bupe today", read as skipping today's check-in, got
    "There are no check-ins planned" three times; "not today" still skips."""
    from actions.checkins import ActionSkipCheckIn
    from actions.fallback import GUIDANCE_ACTION

    question = make_tracker("can i get bupe today", "skip_check_in")
    events = await ActionSkipCheckIn().run(dispatcher, question, domain)
    assert events == [FollowupAction(GUIDANCE_ACTION)]
    assert not dispatcher.messages

    skip = make_tracker("skip the check in today", "skip_check_in")
    await ActionSkipCheckIn().run(dispatcher, skip, domain)
    assert "no check-ins planned" in dispatcher.messages[0]["text"]

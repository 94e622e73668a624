"""The emergency reply: whom to call first and why, no self-care, staying escalated."""

from __future__ import annotations

import re
from typing import Any, Dict, List

import pytest
from rasa_sdk.events import ActionExecuted, ActiveLoop, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.emergency import ActionEmergency
from actions.knowledge_base import knowledge_base
from bot.safety.catalogue import red_flag as catalogue_entry
from bot.safety.catalogue import red_flags

SELF_CARE_WORDS = re.compile(
    r"\b(stretch\w*|ibuprofen|paracetamol|acetaminophen|naproxen|heat(ing)? pad|"
    r"warm bath|hot bath|yoga|foam roll\w*|magnesium|epsom)\b",
    re.IGNORECASE,
)
EMERGENCY_FLAGS = sorted(
    flag_id
    for flag_id, entry in red_flags().items()
    if entry.disposition == "emergency"
)


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    return [message.get("text") or "" for message in dispatcher.messages]


async def run(
    dispatcher: CollectingDispatcher, tracker: Any, domain: Dict
) -> List[Dict]:
    return await ActionEmergency().run(dispatcher, tracker, domain)


def after_the_emergency_reply(
    user_said: Any, red_flag: Any, text: str, flag_id: str
) -> List[Any]:
    """The events of a conversation escalated by `text` (a sign `flag_id`): the
    emergency reply sent, the bot listening again."""
    return [
        user_said(text, "report_emergency", [red_flag(flag_id)]),
        ActionExecuted("action_emergency"),
        SlotSet("triage_level", "emergency"),
        ActionExecuted("action_listen"),
    ]


async def test_leads_with_911_by_default_and_names_the_flag(
    dispatcher, make_tracker, red_flag, domain
) -> None:
    tracker = make_tracker(
        "my husband just had a seizure", "report_emergency", [red_flag("seizure")]
    )
    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    first_line = reply.splitlines()[0]
    assert "911" in first_line
    assert f"You mentioned {catalogue_entry('seizure').name}" in reply
    assert "seizure" in reply.lower()


async def test_uk_region_slot_leads_with_999(
    dispatcher, make_tracker, red_flag, domain
) -> None:
    tracker = make_tracker(
        "i can't breathe",
        "report_emergency",
        [red_flag("breathing")],
        slots={"region": "uk"},
    )
    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert "999" in reply.splitlines()[0]
    assert "911" not in reply


async def test_bot_region_env_sets_the_number_when_the_person_has_not_said(
    dispatcher, make_tracker, red_flag, domain, monkeypatch
) -> None:
    monkeypatch.setenv("BOT_REGION", "uk")
    tracker = make_tracker("chest pain", "report_emergency", [red_flag("chest_pain")])
    await run(dispatcher, tracker, domain)

    assert "999" in texts(dispatcher)[0].splitlines()[0]


@pytest.mark.parametrize(
    "flag_id", ["seizure", "chest_pain", "breathing", "overdose", "suicidal"]
)
async def test_gives_no_self_care_words(
    dispatcher, make_tracker, red_flag, domain, flag_id: str
) -> None:
    tracker = make_tracker("help", "report_emergency", [red_flag(flag_id)])
    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert not SELF_CARE_WORDS.search(reply)
    assert not re.search(r"\bheat\b", reply, re.IGNORECASE)
    assert not any(message.get("buttons") for message in dispatcher.messages)


@pytest.mark.parametrize("flag_id", EMERGENCY_FLAGS)
async def test_no_knowledge_base_tip_ever_appears_in_an_emergency_reply(
    dispatcher, make_tracker, red_flag, domain, flag_id: str
) -> None:
    tracker = make_tracker("help", "report_emergency", [red_flag(flag_id)])
    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert "911" in reply.splitlines()[0] or "988" in reply.splitlines()[0]
    assert not any(item.text in reply for item in knowledge_base().items())
    assert not re.search(r"\b(stretch\w*|ibuprofen)\b", reply, re.IGNORECASE)


async def test_sets_triage_level_emergency(
    dispatcher, make_tracker, red_flag, domain
) -> None:
    tracker = make_tracker("he overdosed", "report_emergency", [red_flag("overdose")])
    events = await run(dispatcher, tracker, domain)

    assert SlotSet("triage_level", "emergency") in events


async def test_ends_an_active_form(dispatcher, make_tracker, red_flag, domain) -> None:
    tracker = make_tracker(
        "no... but now my chest is crushing",
        "deny",
        [red_flag("chest_pain")],
        slots={"requested_slot": "screen_nerves"},
        active_loop="triage_form",
    )
    events = await run(dispatcher, tracker, domain)

    assert ActiveLoop(None) in events
    assert SlotSet("requested_slot", None) in events
    assert SlotSet("triage_level", "emergency") in events


async def test_without_a_form_it_does_not_touch_the_loop(
    dispatcher, make_tracker, red_flag, domain
) -> None:
    events = await run(
        dispatcher,
        make_tracker("seizure", "report_emergency", [red_flag("seizure")]),
        domain,
    )

    assert not [event for event in events if event.get("event") == "active_loop"]


async def test_a_later_turn_gets_the_shorter_reminder(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "my friend had a seizure", "seizure"
    )
    first_turn = CollectingDispatcher()
    await run(
        first_turn,
        make_tracker(
            "my friend had a seizure", "report_emergency", [red_flag("seizure")]
        ),
        domain,
    )
    [full_reply] = texts(first_turn)

    tracker = make_tracker(
        "ok thanks", "thank", slots={"triage_level": "emergency"}, events=earlier
    )
    events = await run(dispatcher, tracker, domain)

    [reminder] = texts(dispatcher)
    assert len(reminder) < len(full_reply)
    assert "911" in reminder
    assert catalogue_entry("seizure").name in reminder
    assert catalogue_entry("seizure").why not in reminder  # said once is enough
    # What to do while waiting is repeated: a bystander asks again ("what now?").
    assert catalogue_entry("seizure").do_now[0] in reminder
    assert not SELF_CARE_WORDS.search(reminder)
    assert SlotSet("triage_level", "emergency") in events


async def test_a_new_flag_on_a_later_turn_gets_the_full_reply(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "my friend had a seizure", "seizure"
    )
    tracker = make_tracker(
        "and now he's not breathing",
        "report_emergency",
        [red_flag("breathing")],
        slots={"triage_level": "emergency"},
        events=earlier,
    )
    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert f"You mentioned {catalogue_entry('breathing').name}" in reply
    assert "While you wait" in reply


async def test_saying_where_they_are_later_gives_the_full_reply_with_the_new_number(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "i can't breathe", "breathing"
    )
    tracker = make_tracker(
        "I'm in the UK",
        "inform",
        [{"entity": "region", "value": "uk", "start": 4, "end": 13}],
        slots={"triage_level": "emergency", "region": "uk"},
        events=earlier,
    )
    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert "999" in reply.splitlines()[0]
    assert catalogue_entry("breathing").name in reply


async def test_after_a_restart_the_earlier_reply_no_longer_counts(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    earlier = [
        user_said("seizure", "report_emergency", [red_flag("seizure")]),
        ActionExecuted("action_emergency"),
        Restarted(),
        ActionExecuted("action_listen"),
    ]
    tracker = make_tracker(
        "now my chest hurts",
        "report_emergency",
        [red_flag("chest_pain")],
        events=earlier,
    )
    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert "While you wait" in reply
    assert catalogue_entry("seizure").name not in reply


async def test_suicidal_leads_with_the_crisis_line(
    dispatcher, make_tracker, red_flag, domain
) -> None:
    tracker = make_tracker(
        "i want to end it all", "report_emergency", [red_flag("suicidal")]
    )
    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    first_line = reply.splitlines()[0]
    assert "988" in first_line  # the crisis line first
    assert "call 911 now" in reply  # the emergency number for a plan or danger now
    assert "distance" in reply and "alone" in reply  # concrete safety steps


async def test_a_third_person_report_gets_guidance_for_the_helper(
    dispatcher, make_tracker, red_flag, domain
) -> None:
    tracker = make_tracker(
        "my son gave his things away and told his friends he wont be around",
        "report_emergency",
        [red_flag("suicidal")],
    )
    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert "988" in reply.splitlines()[0]
    assert "Ask them directly" in reply and "Stay with them" in reply


async def test_a_screen_flag_is_named_when_the_message_itself_has_none(
    dispatcher, make_tracker, domain
) -> None:
    """A "yes" to a screen question escalates; the reply names what it meant."""
    tracker = make_tracker(
        "yes",
        "affirm",
        slots={"triage_level": "emergency", "screen_flag": "cauda_equina"},
    )
    await run(dispatcher, tracker, domain)

    assert catalogue_entry("cauda_equina").name in texts(dispatcher)[0]


@pytest.mark.parametrize(
    "text",
    [
        "the ambulance is here now",
        "ok i called 911",
        "paramedics arrived",
        # the ways people said it in a review, where the bot kept saying "call 911"
        "help is on the way",
        "ambulance is coming",
        "I rang 111",
        "my wife is driving me to the ER",
        "I'm at the ER now",
        "I ALREADY CALLED. hes on his side. what now",
    ],
)
async def test_someone_who_called_for_help_is_helped_to_hand_over(
    dispatcher, make_tracker, red_flag, user_said, domain, text: str
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "he wont wake up", "overdose"
    )
    tracker = make_tracker(
        text, "inform", slots={"triage_level": "emergency"}, events=earlier
    )
    events = await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert "right thing" in reply and "call 911 now" not in reply
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/request_summary"
    assert SlotSet("triage_level", "emergency") in events  # still escalated


@pytest.mark.parametrize(
    "text",
    [
        "should i call 911?",
        "can you call an ambulance for me",
        "i dont want to go to the hospital",
        "I can't call 911 they will arrest me",
        "i just called my mum, he is blue",
    ],
)
def test_asking_about_or_refusing_help_is_not_help_on_its_way(text: str) -> None:
    from actions.emergency import help_is_coming

    assert not help_is_coming(text)


def test_a_later_message_about_suicidal_thoughts_gets_a_warm_reply_not_the_block() -> (
    None
):
    """ "can I just talk to you" after the crisis reply: the crisis line again, in a
    few warm words, and none of the medical "while you wait" steps."""
    from actions.emergency import reminder_message
    from bot.safety.catalogue import region

    reply = reminder_message(
        [catalogue_entry("suicidal")],
        region("ie"),
        "ask_human",
        "can i just talk to you",
    )

    assert "I'm still here with you" in reply
    assert "Samaritans 116 123" in reply and "112 or 999" in reply
    assert "While you wait" not in reply and "home tips" not in reply


def test_later_replies_about_suicidal_thoughts_do_not_repeat_the_same_words() -> None:
    """A review: the same crisis text four times in a row read as a machine. Each
    later reply still gives the crisis line and the emergency number."""
    from actions.emergency import reminder_message
    from bot.safety.catalogue import region

    replies = [
        reminder_message(
            [catalogue_entry("suicidal")], region("us"), "inform", "ok", turn=turn
        )
        for turn in range(3)
    ]

    assert len(set(replies)) == 3
    assert all("988" in reply and "911" in reply for reply in replies)


def test_an_overdose_with_breathing_trouble_gets_the_recovery_position_only() -> None:
    """A review: "Sit upright" (for breathlessness) beside the recovery position."""
    from actions.emergency import emergency_message
    from bot.safety.catalogue import region

    reply = emergency_message(
        [catalogue_entry("overdose"), catalogue_entry("breathing")], region("us")
    )

    assert "on their side" in reply and "Sit upright" not in reply


async def test_someone_who_will_not_call_gets_the_next_safest_way_to_care(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    """A review: "im not calling 911. what else can i do" got "call 911 now" again."""
    earlier = [
        user_said(
            "my arm is red hot and spreading and i have a fever",
            "report_emergency",
            [red_flag("infection")],
        ),
        ActionExecuted("action_emergency"),
        SlotSet("triage_level", "emergency"),
        ActionExecuted("action_listen"),
    ]
    tracker = make_tracker(
        "im not calling 911. what else can i do",
        "ask_what_to_do",
        slots={"triage_level": "emergency"},
        events=earlier,
    )

    events = await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert "taxi" in reply and "call 911 now" not in reply
    assert SlotSet("triage_level", "emergency") in events  # still escalated


async def test_someone_who_will_not_call_for_an_overdose_is_still_told_to(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "he wont wake up", "overdose"
    )
    tracker = make_tracker(
        "no ambulance, what else",
        "ask_what_to_do",
        slots={"triage_level": "emergency"},
        events=earlier,
    )

    await run(dispatcher, tracker, domain)

    assert "taxi" not in texts(dispatcher)[0] and "911" in texts(dispatcher)[0]

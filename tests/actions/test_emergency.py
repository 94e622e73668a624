"""The emergency reply: whom to call first and why, no self-care, staying escalated."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    FollowupAction,
    Restarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import questions_in
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


async def test_an_overdose_said_beside_suicide_signs_leads_with_the_ambulance(
    dispatcher, make_tracker, red_flag, domain
) -> None:
    # Review 16's worry, the other way round: an attempt in progress is an overdose
    # first (call now, what to do while waiting), with the crisis line kept beside it.
    tracker = make_tracker(
        "my brother took an overdose on purpose and hes really sleepy",
        "report_emergency",
        [red_flag("suicidal"), red_flag("overdose")],
    )
    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert "call 911 now" in reply.splitlines()[0].lower()
    assert f"You mentioned {catalogue_entry('overdose').name}." in reply
    assert "naloxone" in reply.lower()
    assert "988" in reply  # the crisis line still there
    assert catalogue_entry("suicidal").name not in reply  # not "your life" of a brother


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
        # review 4: each got "call 911 now" again
        "ok calling",
        "calling now",
        "ambos are here",
        "my sister is taking me to labor and delivery",
        "nurse says go to urgent care. going now",
        # review 5
        "I'm in the Uber to the Royal Melbourne",
        "ok ive called, they said 10 mins. what do i do",
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
        "going to sleep now",
        "what if im calling for nothing",
        "my head is in a car crash of pain",
        # review 19: an earlier visit is no help on its way
        "last time i went to the ER they treated me like shit cuz of my track marks",
        "i call 911 if it gets worse?",
    ],
)
def test_asking_about_or_refusing_help_is_not_help_on_its_way(text: str) -> None:
    from actions.after_emergency import help_is_coming

    assert not help_is_coming(text)


@pytest.mark.parametrize(
    "text",
    [
        "cant i just get antibiotics from like a clinic",
        "urgent care instead?",
        "im asking if a syringe program can treat it instead of the ER",
        # review 29: got "call 911 now" again
        "i dont want cops showing up. can i just take the bus to the ER?",
        "can i just get a ride to the ER",
    ],
)
def test_asking_for_another_way_than_the_er_is_a_refusal(text: str) -> None:
    """Review 19: these got "keep following the steps until the team takes over"."""
    from actions.after_emergency import refuses_help

    assert refuses_help(text)


async def test_nobody_coming_undoes_help_on_its_way(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    """Review 19: "THERE IS NO TEAM. nobody is coming" was told "until the team
    takes over" again."""
    earlier = [
        *after_the_emergency_reply(
            user_said, red_flag, "hot red lump on my butt and a fever", "infection"
        ),
        user_said("ok i called 911"),
    ]
    tracker = make_tracker(
        "i didnt call anyone. nobody is coming",
        "inform",
        slots={"triage_level": "emergency"},
        events=earlier,
    )
    await run(dispatcher, tracker, domain)

    reply = " ".join(texts(dispatcher))
    assert "takes over" not in reply and "team is with you" not in reply


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


# --- Later replies once help is arranged or the crisis is over ------------------------
# A review of 39 simulated people: "stuck in emergency mode" (19 replies) and "same
# block resent word for word" (25). The person's own words, and what they would notice.

CALL_NOW = re.compile(r"please call \d+ now|call \d+ now \(emergency", re.IGNORECASE)
DOSE = re.compile(r"\d\s*(mg|mcg|µg|ml)\b|\bdos(e|es|age|ing)\b", re.IGNORECASE)


def later(user_said: Any, *messages: str) -> List[Any]:
    """The events of later messages, each answered by the emergency action."""
    events: List[Any] = []
    for message in messages:
        events += [
            user_said(message, "inform"),
            ActionExecuted("action_emergency"),
            SlotSet("triage_level", "emergency"),
            ActionExecuted("action_listen"),
        ]
    return events


async def reply_to(
    make_tracker: Any,
    domain: Dict,
    earlier: List[Any],
    text: str,
    intent: str = "inform",
    entities: Any = (),
) -> List[Dict[str, Any]]:
    """What the bot says to `text` after the `earlier` events."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text,
        intent,
        entities,
        slots={"triage_level": "emergency"},
        events=earlier,
    )
    await run(dispatcher, tracker, domain)
    return dispatcher.messages


async def test_a_short_question_about_the_legs_beside_the_crisis_line_is_answered(
    make_tracker, red_flag, user_said, domain
) -> None:
    """Review 23: "ok yes ill text them later. i promise. now legs?" got the same
    crisis text five times, and never a word on the legs."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "i dont see the point anymore, legs killing me", "suicidal"
    )
    legs = [{"entity": "body_location", "value": "leg", "start": 40, "end": 44}]

    messages = await reply_to(
        make_tracker,
        domain,
        earlier,
        "ok ill text them later. i promise. now legs?",
        entities=legs,
    )

    said = " ".join(m["text"] for m in messages)
    assert "988" in said and "Source" in said


async def test_someone_who_called_and_asks_what_to_do_gets_the_steps_not_call_now(
    make_tracker, red_flag, user_said, domain
) -> None:
    """A review: "I CALLED THEM. what do i do until they get here" got "I'm still
    worried about a seizure (fit)... Please call 911 now"."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "my husband is having a seizure", "seizure"
    )

    [message] = await reply_to(
        make_tracker,
        domain,
        earlier,
        "I CALLED THEM. what do i do until they get here",
    )

    reply = message["text"]
    assert not CALL_NOW.search(reply) and "🚨" not in reply
    assert "right thing" in reply
    assert "cushion their head" in reply  # they asked what to do: the steps, once
    assert "another fit" in reply and "call 911 again" in reply


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("is it ok to put a pillow under his head?", "ask_what_to_do"),
        ("he's on his side now", "inform"),
        ("how long do they usually take", "inform"),
    ],
)
async def test_once_help_is_called_later_messages_never_get_call_now(
    make_tracker, red_flag, user_said, domain, text: str, intent: str
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "my husband is having a seizure", "seizure"
    ) + later(user_said, "i called 911")

    [message, *_] = await reply_to(make_tracker, domain, earlier, text, intent)

    reply = message["text"]
    assert not CALL_NOW.search(reply) and "🚨" not in reply
    assert "call 911 again" in reply  # only if it gets worse
    assert "another fit" in reply  # what "worse" means for a seizure


async def test_later_messages_once_help_is_called_are_short_and_not_the_same(
    make_tracker, red_flag, user_said, domain
) -> None:
    """A review: the same block resent word for word, turn after turn."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "he wont wake up", "overdose"
    ) + later(user_said, "ambulance is on the way")

    [first] = await reply_to(make_tracker, domain, earlier, "he's breathing i think")
    [second] = await reply_to(
        make_tracker,
        domain,
        earlier + later(user_said, "he's breathing i think"),
        "ok he moved a bit",
    )

    assert first["text"] != second["text"]
    for reply in (first["text"], second["text"]):
        assert "•" not in reply  # no steps block
        assert len(reply) < 300
        assert not CALL_NOW.search(reply)


@pytest.mark.parametrize(("text", "intent"), [("thanks", "thank"), ("bye", "goodbye")])
async def test_thanks_or_bye_after_help_is_arranged_gets_a_kind_close(
    make_tracker, red_flag, user_said, domain, text: str, intent: str
) -> None:
    """A review: "thanks" after the handover relocked into the full "call now"."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "he wont wake up", "overdose"
    ) + later(user_said, "i called 911")

    [message] = await reply_to(make_tracker, domain, earlier, text, intent)

    reply = message["text"]
    assert reply.startswith("You did really well. I hope they're OK.")
    assert "If anything changes, call 911" in reply and "summary" in reply
    assert not CALL_NOW.search(reply) and "•" not in reply
    assert message["buttons"][0]["payload"] == "/request_summary"


async def test_a_second_goodbye_gets_other_words(
    make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "he wont wake up", "overdose"
    ) + later(user_said, "i called 911")
    [first] = await reply_to(make_tracker, domain, earlier, "ok thanks", "thank")
    earlier += [
        user_said("ok thanks", "thank"),
        ActionExecuted("action_emergency"),
        ActionExecuted("action_listen"),
    ]

    [second] = await reply_to(make_tracker, domain, earlier, "bye", "goodbye")

    assert first["text"] != second["text"]
    assert not CALL_NOW.search(second["text"])


async def test_help_said_later_gets_a_short_update_not_the_first_handover_again(
    make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "my husband is having a seizure", "seizure"
    ) + later(user_said, "i called 911")

    [message] = await reply_to(make_tracker, domain, earlier, "they're here")

    reply = message["text"]
    assert "Tell the team about a seizure (fit)" in reply
    assert "before they arrive" not in reply and not CALL_NOW.search(reply)


async def test_after_naloxone_the_person_gets_after_care_not_call_now(
    make_tracker, red_flag, user_said, domain
) -> None:
    """A review: "they gave him narcan and hes awake now... will he be ok? what do i
    do when he comes home" got "Please call 911 now... Give naloxone now". The
    lexicon reads an overdose in it: the same sign, said again, is not a new one."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "he wont wake up", "overdose"
    ) + later(user_said, "i called 911")

    messages = await reply_to(
        make_tracker,
        domain,
        earlier,
        "they gave him narcan and hes awake now. will he be ok? what do i do when "
        "he comes home",
        entities=[red_flag("overdose")],
    )

    reply = messages[0]["text"]
    assert not CALL_NOW.search(reply) and "🚨" not in reply
    assert "wear off in 30 to 90 minutes" in reply  # watch him: it can come back
    assert "don't use again today" in reply
    assert "withdrawal" in reply and "expected" in reply  # sick after naloxone
    assert "Don't let them use to ease it" in reply
    assert "Keep naloxone at home" in reply and "recovery position" in reply
    assert "Tolerance" in reply and "never use alone" in reply
    assert "treatment" in reply
    assert "SAMHSA" in reply.splitlines()[-1]  # the source named beside the text
    assert "hasn't checked them" not in reply  # the paramedics did
    assert not any(DOSE.search(message["text"]) for message in messages)
    # The knowledge base's "naloxone wears off" answer is not added on top.
    assert sum("wear off" in message["text"] for message in messages) == 1


async def test_woken_with_naloxone_but_not_seen_is_told_to_still_get_checked(
    make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "he wont wake up", "overdose"
    )

    [message, *_] = await reply_to(
        make_tracker, domain, earlier, "i gave him narcan and he woke up"
    )

    reply = message["text"]
    assert "wear off" in reply
    assert "If a medical team hasn't checked them yet, please still call 911" in reply


@pytest.mark.parametrize(
    "text",
    [
        "she's been seen at the hospital and sent home",
        "he's home from the ER",
        "what do I do when he comes home",
        "they discharged him an hour ago",
    ],
)
async def test_once_home_from_hospital_the_person_gets_after_care_for_the_sign(
    make_tracker, red_flag, user_said, domain, text: str
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "my husband is having a seizure", "seizure"
    ) + later(user_said, "ambulance is here")

    [message, *_] = await reply_to(make_tracker, domain, earlier, text)

    reply = message["text"]
    assert not CALL_NOW.search(reply) and "🚨" not in reply
    assert "Follow the advice the hospital" in reply
    assert "another fit" in reply  # what to watch for, for a seizure
    assert reply.splitlines()[-1].startswith("Source")
    assert not DOSE.search(reply)


async def test_the_sign_coming_back_after_the_crisis_gets_the_full_reply_again(
    make_tracker, red_flag, user_said, domain
) -> None:
    """Safety: "he stopped breathing again" hours after naloxone is an emergency again,
    whatever was said before."""
    earlier = (
        after_the_emergency_reply(user_said, red_flag, "he wont wake up", "overdose")
        + later(user_said, "i called 911")
        + [
            user_said(
                "they gave him narcan and hes awake now",
                "inform",
                [red_flag("overdose")],
            ),
            ActionExecuted("action_emergency"),
            ActionExecuted("action_listen"),
        ]
    )

    [message] = await reply_to(
        make_tracker,
        domain,
        earlier,
        "he stopped breathing again",
        "report_emergency",
        [red_flag("overdose")],
    )

    assert "Please call 911 now" in message["text"].splitlines()[0]
    assert "Give naloxone" in message["text"]


async def test_after_the_crisis_it_getting_worse_means_call_again(
    make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "my husband is having a seizure", "seizure"
    ) + later(user_said, "she's been seen at the hospital and sent home")

    [message] = await reply_to(make_tracker, domain, earlier, "hes getting worse")

    assert "call 911 again now" in message["text"]


async def test_worse_said_with_help_on_its_way_means_call_again_now(
    make_tracker, red_flag, user_said, domain
) -> None:
    """Review 22: "I already called. they said 40 minutes. he is getting worse, very
    hot now" got "if anything gets worse before they arrive, call again"."""
    earlier = after_the_emergency_reply(
        user_said,
        red_flag,
        "my dad ran out of baclofen, confused and stiff",
        "baclofen_severe",
    )

    messages = await reply_to(
        make_tracker,
        domain,
        earlier,
        "I already called. they said 40 minutes. he is getting worse, very hot now",
    )

    assert "call 911 again now" in " ".join(m["text"] for m in messages)


async def test_after_the_crisis_a_question_gets_a_short_reply_not_the_block_again(
    make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "he wont wake up", "overdose"
    ) + later(user_said, "i called 911", "they gave him narcan and hes awake now")

    [message, *_] = await reply_to(
        make_tracker, domain, earlier, "can he sleep it off?"
    )

    reply = message["text"]
    assert "•" not in reply and len(reply) < 300
    assert "very sleepy" in reply and "call 911 straight away" in reply
    assert not CALL_NOW.search(reply)


async def test_a_new_sign_after_help_is_called_gets_the_full_reply(
    make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "he wont wake up", "overdose"
    ) + later(user_said, "ambulance is on the way")

    [message] = await reply_to(
        make_tracker,
        domain,
        earlier,
        "now he's having a seizure",
        "report_emergency",
        [red_flag("seizure")],
    )

    assert f"You mentioned {catalogue_entry('seizure').name}" in message["text"]


async def test_the_same_sign_again_while_help_is_coming_gets_the_steps_not_call_now(
    make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "he wont wake up", "overdose"
    ) + later(user_said, "ambulance is on the way")

    [message] = await reply_to(
        make_tracker,
        domain,
        earlier,
        "he still wont wake up",
        "report_emergency",
        [red_flag("overdose")],
    )

    reply = message["text"]
    assert not CALL_NOW.search(reply)
    assert "Help is on its way" in reply and "on their side" in reply
    assert "call 911 again" in reply


async def test_help_words_said_before_the_emergency_do_not_count_as_help(
    make_tracker, red_flag, user_said, domain
) -> None:
    """ "they arrived at 8" about friends, before the emergency, is no ambulance."""
    earlier = [
        user_said("my mates arrived at 8 and we were drinking", "inform"),
        ActionExecuted("action_listen"),
        *after_the_emergency_reply(user_said, red_flag, "he wont wake up", "overdose"),
    ]

    [message] = await reply_to(make_tracker, domain, earlier, "ok")

    assert "Please call 911 now" in message["text"]


async def test_the_second_reminder_before_help_is_called_is_shorter(
    make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "my chest is crushing", "chest_pain"
    )
    [first] = await reply_to(make_tracker, domain, earlier, "ok")
    earlier += later(user_said, "ok")
    [second] = await reply_to(make_tracker, domain, earlier, "what now")
    earlier += later(user_said, "what now")
    [third] = await reply_to(make_tracker, domain, earlier, "hm")

    assert "Sit down and rest" in first["text"]  # the steps, the first time
    for reminder in (second["text"], third["text"]):
        assert "Please call 911 now" in reminder  # help is not called yet
        assert "While you wait: keep following the steps above" in reminder
        assert "Sit down and rest" not in reminder and "•" not in reminder
        assert len(reminder) < len(first["text"])
    assert second["text"] != third["text"]


async def test_suicidal_thoughts_after_reaching_the_crisis_line_get_a_warm_close(
    make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "i want to end it all", "suicidal"
    ) + later(user_said, "i called 988")

    [message] = await reply_to(make_tracker, domain, earlier, "thanks", "thank")

    reply = message["text"]
    assert "988" in reply and "come back here any time" in reply
    assert "📞" not in reply and "right now" not in reply
    assert "summary for the team" not in reply and not message.get("buttons")


@pytest.mark.parametrize(
    "text",
    [
        # the review's examples
        "I CALLED THEM. what do i do until they get here",
        "we're on our way",
        "they're here",
        "my wife is driving me",
        "we are at the hospital",
        "the paramedics took him",
        "hes in the ambulance",
        "they are taking her in",
        # caps, typos and short forms
        "called em",
        "i called em",
        "they r here",
        "THEY'RE HERE",
        "on our way to the er",
        "in the ambulance now",
        "at a&e",
        "we're at A&E",
        "i calld 911",
        "ambulence is coming",
        "help's on the way",
        "911 is on the way",
        "they'll be here in 10 minutes",
        "what do i do until the ambulance gets here",
        "the dispatcher said to keep him on his side",
        "on the phone with 911 now",
        "he's been taken to hospital",
        "they took him away",
        "they gave him narcan",
        "my husband called an ambulance",
        # review 21: non-native English
        "Ok I call 112. Thank you",
        # review 10
        "ok were leaving now for the ER",
        "getting an uber there now",
    ],
)
def test_help_called_coming_or_there_is_recognised(text: str) -> None:
    from actions.after_emergency import help_is_coming

    assert help_is_coming(text)


@pytest.mark.parametrize(
    "text",
    [
        "I called my mum",
        "i called him but he didnt answer",
        "my mum is coming over",
        "should i take him to the er",
        "do i take him to the hospital or wait",
        "should we drive him to the er or call an ambulance",
        "i might drive him to the er",
        "will they take him to hospital",
        "i dont know if theyre coming",
        "is help coming?",
        "nobody has called 911",
        "i havent called anyone",
        "i want to call 911 but im scared",
        "im taking them now",
        "they took her phone",
        "i need help here",
        "we were on our way home when he collapsed",
        "he has been in the ambulance before",
    ],
)
def test_plans_questions_and_other_calls_are_not_help_called(text: str) -> None:
    from actions.after_emergency import help_is_coming

    assert not help_is_coming(text)


@pytest.mark.parametrize(
    ("text", "over"),
    [
        ("they gave him narcan and hes awake now", True),
        ("she's been seen at the hospital and sent home", True),
        ("he's home from the ER", True),
        ("what do I do when he comes home", True),
        ("she came round after a minute", True),
        ("he woke up but now he's nodding off again", False),
        ("home from the ER and the pain is back", False),
        ("he's awake but not breathing right", False),
        ("what if he gets worse", False),
        ("i called 911", False),
        ("should i take him home", False),
    ],
)
def test_the_crisis_is_over_only_when_nothing_says_it_is_back(
    text: str, over: bool
) -> None:
    from actions.after_emergency import says_crisis_over

    assert says_crisis_over(text) is over


def test_an_after_care_text_with_a_dose_fails_loudly_naming_file_and_field(
    tmp_path: Any, monkeypatch: Any
) -> None:
    from actions.after_emergency import after_care_words

    source = Path(__file__).resolve().parents[2] / "data" / "dialogue"
    document = (source / "after_care.yml").read_text(encoding="utf-8")
    (tmp_path / "dialogue").mkdir()
    (tmp_path / "dialogue" / "after_care.yml").write_text(
        document.replace(
            "Keep naloxone at home", "Keep naloxone at home, one 4 mg dose per go,"
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path))
    after_care_words.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"after_care\.yml.*after_care\.overdose"):
            after_care_words()
    finally:
        monkeypatch.undo()
        after_care_words.cache_clear()


async def test_a_sign_only_the_encoder_hears_in_words_about_help_is_not_new(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    """Review 2: "my husband will drive me to A&E" after a baclofen emergency got the
    crisis line, the encoder having heard thoughts of suicide in it."""
    earlier = after_the_emergency_reply(
        user_said,
        red_flag,
        "stopped my baclofen, fever and so stiff",
        "baclofen_severe",
    )
    heard = {**red_flag("suicidal"), "extractor": "SemanticRedFlagExtractor"}
    tracker = make_tracker(
        "ok ok. my husband will drive me to A&E, thats quicker",
        "inform",
        [heard],
        slots={"triage_level": "emergency"},
        events=earlier,
    )
    await run(dispatcher, tracker, domain)
    reply = "\n".join(texts(dispatcher))
    assert "116 123" not in reply and "988" not in reply
    assert "call 911 now" not in reply.lower()


async def test_a_new_sign_the_lexicon_hears_beside_help_words_still_counts(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said,
        red_flag,
        "stopped my baclofen, fever and so stiff",
        "baclofen_severe",
    )
    tracker = make_tracker(
        "ambulance is coming but now he is having a seizure",
        "inform",
        [red_flag("seizure")],
        slots={"triage_level": "emergency"},
        events=earlier,
    )
    await run(dispatcher, tracker, domain)
    assert "seizure" in "\n".join(texts(dispatcher)).lower()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("can i take an aspirin while i wait?", "unless the person on the emergency"),
        ("what do i tell them when they get here", "everything taken in the last"),
        ("is this a heart attack??", "I can't tell from here"),
        ("hes trying to go outside, should i hold him down?", "don't hold them down"),
        ("can i rub it, it really hurts", "don't rub, massage"),
        # review 11: a wife locked away from her confused, aggressive husband
        (
            "i'm not going back out there while he's like this. is that ok?",
            "own safety comes first",
        ),
        # review 22: both got the emergency reply again
        ("should I take him to hospital myself?", "wait for the ambulance"),
        ("SHE WON'T GO. what do I do if she refuses", "even if they say no"),
        # Review 24: a brother not breathing, 911 on the line.
        ("how do i do cpr", "start CPR now"),
    ],
)
async def test_questions_while_waiting_for_help_are_answered(
    make_tracker, red_flag, user_said, domain, question: str, expected: str
) -> None:
    """Review 3: aspirin, what to tell triage and "is this a clot?" each got only
    "keep following the steps"."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "crushing pain in my chest", "chest_pain"
    ) + later(user_said, "ok i called 911")

    messages = await reply_to(make_tracker, domain, earlier, question)

    # The answer is the whole reply: review 24 found "keep following the steps until
    # the team takes over" before the CPR steps.
    assert len(messages) == 1
    assert expected in messages[0]["text"] and "Source" in messages[0]["text"]
    assert not re.search(r"\d+\s*mg\b", messages[0]["text"])


def test_questions_for_while_waiting_are_not_read_outside_an_emergency() -> None:
    """ "is this a blood clot?" in an ordinary conversation is the screen's business,
    not the "I can't tell from here, calling is right" answer."""
    message = {"text": "is this a blood clot? can i take aspirin?", "intent": {}}

    assert "is_it" not in questions_in(message)
    assert "waiting_medicine" not in questions_in(message)
    assert questions_in(message, during_emergency=True)[:2] == [
        "is_it",
        "waiting_medicine",
    ]


@pytest.mark.parametrize(
    ("first", "said_to_them", "never"),
    [
        (
            "crushing pain in my chest",
            "have someone stay with you",
            ("stay with the person", "they feel faint"),
        ),
        (
            "my dad has crushing pain in his chest",
            "stay with the person",
            ("have someone stay with you", "you feel faint"),
        ),
    ],
)
async def test_the_handover_speaks_to_the_person_it_is_about(
    make_tracker,
    red_flag,
    user_said,
    domain,
    first: str,
    said_to_them: str,
    never: Tuple[str, ...],
) -> None:
    """Review 3: someone with chest pain who called 911 was told to "stay with the
    person" and to call again "if they feel faint"."""
    earlier = after_the_emergency_reply(user_said, red_flag, first, "chest_pain")

    [message] = await reply_to(make_tracker, domain, earlier, "ok i called 911")

    assert said_to_them in message["text"]
    assert not any(words in message["text"] for words in never)


@pytest.mark.parametrize(
    ("text", "flag_id", "also"),
    [
        (
            "mum found my brother blue, hes not breathing, we're waiting for the ambo",
            "overdose",
            "000 in Australia",
        ),
        (
            "cant feel my bum at all and cant pee, should i go to a&e",
            "cauda_equina",
            "999 in the UK",
        ),
        (
            "i want to end it all, my mum doesnt know",
            "suicidal",
            "In the UK: Samaritans 116 123",
        ),
    ],
)
async def test_words_that_hint_at_a_region_add_its_number(
    dispatcher, make_tracker, red_flag, domain, text: str, flag_id: str, also: str
) -> None:
    """Review 3: a British woman typing "A&E" and "mum" got only "call 911" until she
    said where she was. The hinted number goes beside the default, never instead."""
    tracker = make_tracker(text, "report_emergency", [red_flag(flag_id)])

    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    first_line = reply.splitlines()[0]
    assert also in first_line and ("911" in first_line or "988" in first_line)


async def test_no_hint_no_other_number(
    dispatcher, make_tracker, red_flag, domain
) -> None:
    tracker = make_tracker(
        "my friend took fent and wont wake up",
        "report_emergency",
        [red_flag("overdose")],
    )

    await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert " in the UK" not in reply and "Australia" not in reply


async def test_safe_now_with_no_plan_keeps_the_line_and_goes_on_to_the_help(
    make_tracker, red_flag, user_said, domain
) -> None:
    """Review 4: a man with passive thoughts, safe tonight, asked for help with his
    cramps and got the crisis script three times. ASQ: a non-acute positive screen."""
    earlier = after_the_emergency_reply(
        user_said,
        red_flag,
        "sometimes i think itd be easier if i didnt wake up",
        "suicidal",
    )
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "not a plan or anything. im safe tonight. can you help with the cramps",
        "ask_what_to_do",
        slots={"triage_level": "emergency", "screen_flag": "suicidal"},
        events=earlier,
    )

    events = await run(dispatcher, tracker, domain)

    [reply] = texts(dispatcher)
    assert "988" in reply and "safe tonight" in reply
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots == {
        "triage_level": None,
        "screen_flag": None,
        "screen_mood": "safe_now",
    }
    assert FollowupAction("triage_form") in events


async def test_safe_now_with_a_means_at_hand_gets_one_line_on_distance_from_it(
    make_tracker, red_flag, user_said, domain
) -> None:
    """Review 42: "im not gonna do anything. i got a gun but its locked up" got no word
    about the gun (988 Lifeline and AFSP: lethal means safety)."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "some nights i think whats the point", "suicidal"
    )
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "im not gonna do anything. i got a gun but its locked up. i just want my pain "
        "treated",
        "ask_what_to_do",
        slots={"triage_level": "emergency", "screen_flag": "suicidal"},
        events=earlier,
    )

    await run(dispatcher, tracker, domain)

    reply = " ".join(texts(dispatcher))
    assert "safe tonight" in reply and "time and distance" in reply


async def test_safe_now_said_about_someone_else_keeps_the_helper_replies(
    make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "my son says he wants to die", "suicidal"
    )
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "he says hes safe tonight",
        "inform",
        slots={"triage_level": "emergency"},
        events=earlier,
    )

    events = await run(dispatcher, tracker, domain)

    assert SlotSet("triage_level", "emergency") in events


async def test_a_question_about_the_cramps_is_answered_beside_the_crisis_line(
    make_tracker, red_flag, user_said, domain
) -> None:
    """Review 12: "fine i texted them. now the cramps pls", then "leg cramps. what
    helps", got the crisis line alone for seven turns. The crisis line stays first;
    the muscles are answered under it. Medicines are not (means matter)."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "honestly i dont want to be here anymore", "suicidal"
    ) + later(user_said, "fine i texted them, theyre getting back to me")

    messages = await reply_to(
        make_tracker,
        domain,
        earlier,
        "leg cramps. what stretches help",
        "ask_stretches",
        [{"entity": "body_location", "value": "leg"}],
    )

    said = [m["text"] for m in messages]
    assert "988" in said[0]
    assert any("stretch" in text.lower() for text in said[1:])

    messages = await reply_to(
        make_tracker, domain, earlier, "what painkiller can i take", "ask_medicine"
    )
    said = " ".join(m["text"] for m in messages).lower()
    assert "ibuprofen" not in said and "naproxen" not in said


async def test_beside_the_crisis_line_nothing_says_how_much_a_body_can_take(
    make_tracker, red_flag, user_said, domain
) -> None:
    """Review 14: "i have some dope left. i was thinking maybe just do it all at
    once" got the cravings answer under the crisis line ("use much less, not alone,
    with naloxone nearby"). Beside thoughts of suicide, tolerance and using advice is
    means, not harm reduction."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "everyone would be better off without me", "suicidal"
    )
    for text, intent in (
        ("i have some left. cravings are bad, maybe do it all at once", "ask_cravings"),
        ("been clean 2 weeks, is my usual amount too much now", "ask_harm_reduction"),
    ):
        messages = await reply_to(make_tracker, domain, earlier, text, intent)
        said = " ".join(m["text"] for m in messages).lower()
        assert "988" in said
        for advice in ("use much less", "tolerance", "not alone", "test strip"):
            assert advice not in said, (text, advice)


@pytest.mark.parametrize(
    ("text", "someone_else"),
    [
        # Review 17: a mother telling the story in the first person was screened
        # (and asked about suicide) as the patient.
        (
            "My 17 year old son has been locked in his room for 2 days, shaking, "
            "sweating, says his legs hurt so much. I found foil and a straw. I think "
            "it's fentanyl. What do I do?",
            True,
        ),
        ("i want to end my life", False),
        ("i think my wife is right that i should stop drinking", False),
        # Review 49: a father was asked whether he himself was suicidal.
        (
            'my son is 26 and uses fentanyl. he just texted me "im done dad" and now '
            "hes not answering. i dont know what to do im scared",
            True,
        ),
        ("im scared, my legs cramp so bad and i cant sleep", False),
    ],
)
def test_a_named_person_outweighs_the_writers_own_i(
    text: str, someone_else: bool
) -> None:
    from actions.emergency import about_someone_else

    assert about_someone_else(text) is someone_else


async def test_a_new_sign_once_help_is_called_is_told_to_the_call_handler(
    dispatcher, make_tracker, red_flag, user_said, domain
) -> None:
    """Review 17: "911 is on the phone. hes breathing but like really slow and
    snoring. what position" got "Please call 911 now" and no answer."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "took a bunch of xanax and i cant wake him", "overdose"
    )
    tracker = make_tracker(
        "911 is on the phone. hes breathing but like really slow and snoring. "
        "what position",
        "inform",
        [red_flag("breathing")],
        slots={"triage_level": "emergency"},
        events=earlier,
    )
    await run(dispatcher, tracker, domain)
    said = "\n".join(texts(dispatcher))
    assert said.startswith("🚨 Tell the call handler now")
    assert "Please call 911 now" not in said
    assert "recovery position" in said and "Kneel beside them" in said


@pytest.mark.parametrize(
    ("said", "step"),
    [
        ("crushing pain in my chest", "have someone stay with you"),
        ("my son cant keep any water down since this morning", "stay with them."),
    ],
)
def test_the_first_reply_speaks_to_the_person_writing(said: str, step: str) -> None:
    """Review 19: a mother was told to "have someone stay with you"."""
    from actions.emergency import emergency_message
    from bot.safety.catalogue import region

    flag = "chest_pain" if "chest" in said else "dehydration"
    reply = emergency_message([catalogue_entry(flag)], region("us"), said)
    assert step in reply


@pytest.mark.parametrize(
    "said",
    [
        "i took too many of my sleeping pills, feel really heavy",
        "I've had too many bars and a few beers, everything is slow",
    ],
)
def test_the_person_who_took_too_much_gets_steps_for_themselves(said: str) -> None:
    """Review 23: "i took too many of my sleeping pills" got a bystander's steps ("give
    them naloxone", "rub their breastbone"). The writer is told to take nothing more
    and to lie on their side; naloxone is for the person with them."""
    from actions.emergency import emergency_message
    from bot.safety.catalogue import region

    reply = emergency_message([catalogue_entry("overdose")], region("us"), said)

    assert "their breastbone" not in reply
    assert "Don't take anything more" in reply
    assert "lie on your side" in reply


def test_someone_reporting_a_friends_overdose_still_gets_the_bystander_steps() -> None:
    """The steps for the writer only when it happens to the writer: a friend who
    "took too many and won't wake up" needs naloxone and the recovery position."""
    from actions.emergency import emergency_message
    from bot.safety.catalogue import region

    reply = emergency_message(
        [catalogue_entry("overdose")],
        region("us"),
        "my friend took too many and he wont wake up",
    )

    assert "Give naloxone (Narcan) now" in reply
    assert "Don't take anything more" not in reply


def test_a_withdrawal_seizure_leads_over_an_overdose_heard_beside_it() -> None:
    """Review 24: "shaking on the floor and not responding, he stopped drinking 2 days
    ago" raised an overdose and a seizure, and when he came round the roommate got the
    opioid after-care ("naloxone can wear off"). Coming off alcohol, the seizure leads,
    and its after-care is the seizure's."""
    from actions.after_emergency import after_care_for
    from actions.emergency import withdrawal_seizure_first

    raised = [catalogue_entry("overdose"), catalogue_entry("seizure")]

    led = withdrawal_seizure_first(raised, "alcohol")
    care = after_care_for(led)

    assert led[0].flag_id == "seizure"
    assert "naloxone" not in " ".join(care.steps).lower()
    assert withdrawal_seizure_first(raised, "opioid")[0].flag_id == "overdose"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("ok i put them in my car. can you help with my back", "out of easy reach"),
        ("i texted my sister. she's coming over", "won't be on your own"),
        # Review 32: a means named after the warning signs got the plain reminder.
        (
            "i still have a bag of dope in the drawer. been thinking about just doing "
            "all of it",
            "distance between you and them",
        ),
    ],
)
async def test_after_thoughts_of_suicide_moving_the_means_or_company_is_heard(
    make_tracker, red_flag, user_said, domain, said: str, expected: str
) -> None:
    """Review 25: "ok i put them in my car", "i texted my sister. she's coming over"
    and "my sister is here now" all got the same reminder."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "everyone would be better off without me", "suicidal"
    )

    [message, *_] = await reply_to(make_tracker, domain, earlier, said)

    assert expected in message["text"] and "988" in message["text"]


@pytest.mark.parametrize(
    ("text", "someone_else"),
    [
        # Review 26: she was asked about her boyfriend's welfare twice.
        (
            "im in withdrawal from pills and my boyfriend got angry last night and "
            "shoved me into the wall. now my lower back and butt hurt a lot. hes out",
            False,
        ),
        ("my son is coming off heroin and his legs hurt, what do i do", True),
    ],
)
def test_who_the_message_is_about(text: str, someone_else: bool) -> None:
    from actions.emergency import about_someone_else

    assert about_someone_else(text) is someone_else


async def test_how_to_do_cpr_is_answered_in_the_emergency_reply_itself(
    make_tracker, red_flag, domain
) -> None:
    """Review 26: "hes not breathing right, like gasping. how do i do cpr" got the
    emergency reply with "start CPR if you know how", and the steps only after "I DONT
    KNOW HOW"."""
    said = "my brother isnt breathing right, like gasping. how do i do cpr"

    messages = await reply_to(
        make_tracker, domain, [], said, "report_emergency", [red_flag("breathing")]
    )

    said_back = " ".join(m["text"] for m in messages)
    assert "911" in said_back and "start CPR now" in said_back


async def test_a_new_sign_once_the_ambulance_is_coming_is_for_the_team(
    make_tracker, red_flag, user_said, domain
) -> None:
    """Review 26: "the pump alarm. it beeped yesterday", with the ambulance on its way,
    got "🚨 Please call 911 now" again."""
    earlier = after_the_emergency_reply(
        user_said, red_flag, "my dad is really hard to wake", "overdose"
    ) + later(user_said, "ambulance is on its way")

    [message, *_] = await reply_to(
        make_tracker,
        domain,
        earlier,
        "the pump alarm beeped yesterday and his legs are rigid",
        "report_emergency",
        [red_flag("baclofen_severe")],
    )

    assert "Please call 911 now" not in message["text"]
    assert "Tell the call handler" in message["text"]


async def test_no_naloxone_and_grey_lips_while_help_comes_change_the_reply(
    make_tracker, red_flag, user_said, domain
) -> None:
    """Review 33: after "ok i called them. i dont have narcan", "his lips look kinda
    grey. what do i do" got "Help is on its way" and "give naloxone now if you have
    it", the third time."""
    earlier = after_the_emergency_reply(
        user_said,
        red_flag,
        "my boyfriend is nodding out and snoring weird, i cant wake him",
        "overdose",
    ) + later(user_said, "ok i called them. i dont have narcan. hes breathing slow")

    [message, *_] = await reply_to(
        make_tracker,
        domain,
        earlier,
        "they said to keep him on his side. his lips look kinda grey. what do i do",
        entities=[red_flag("overdose")],
    )

    text = message["text"]
    assert text.startswith("If they're getting worse, call 911 again now")
    assert "if you have it" not in text
    assert "If you have no naloxone" in text


async def test_a_fit_that_is_over_and_no_ambulance_gets_another_way_to_the_er(
    make_tracker, red_flag, user_said, domain
) -> None:
    """Review 33: "no one is coming. im not calling 911 for something that already
    happened" (a fit yesterday, coming off street bars) got "call 911 now" again."""
    earlier = after_the_emergency_reply(
        user_said,
        red_flag,
        "coming off xanax bars. yesterday i had a weird blackout and bit my tongue",
        "seizure",
    )

    [message, *_] = await reply_to(
        make_tracker,
        domain,
        earlier,
        "no one is coming. im not calling 911 for something that already happened",
    )

    assert "another way" in message["text"] and "drive you" in message["text"]
    assert "Please call 911 now" not in message["text"]


async def test_a_fit_going_on_now_and_no_ambulance_still_needs_the_ambulance(
    make_tracker, red_flag, user_said, domain
) -> None:
    earlier = after_the_emergency_reply(
        user_said, red_flag, "hes having a seizure right now", "seizure"
    )

    [message, *_] = await reply_to(
        make_tracker, domain, earlier, "im not calling 911, can i drive him"
    )

    assert "another way" not in message["text"]


@pytest.mark.parametrize(
    "text",
    [
        # Review 41: a mother got "call 911" five more times on the way.
        "ok im driving her there now. my husband is coming with. what do i tell them?",
        "STOP telling me to call 911 we are in the car. is this normal for withdrawal",
    ],
)
def test_on_the_way_in_the_car_is_help_coming(text: str) -> None:
    from actions.after_emergency import help_is_coming

    assert help_is_coming(text)


async def test_being_driven_in_is_fine_for_cauda_equina_not_for_a_seizure(
    make_tracker, user_said, red_flag, domain
) -> None:
    """Review 43: "i havent called anyone. my husband can drive me" about numbness when
    wiping got "Please wait for the ambulance rather than going by car". The NHS says
    to go to A&E or call 999 for cauda equina; a fit going on needs the ambulance."""
    asked = "i havent called anyone. my husband can drive me to the er"
    by_car = "being driven to the emergency department now is fine"
    wait = "wait for the ambulance rather than going by car"
    for flag_id, expected, unwanted in (
        ("cauda_equina", by_car, wait),
        ("seizure", wait, by_car),
    ):
        earlier = after_the_emergency_reply(
            user_said, red_flag, "its numb down there and my legs are weak", flag_id
        )
        replies = await reply_to(make_tracker, domain, earlier, asked)
        said = " ".join(str(reply.get("text") or "") for reply in replies).lower()
        assert expected.lower() in said, flag_id
        assert unwanted.lower() not in said, flag_id


def test_thoughts_of_suicide_said_in_spanish_get_spanish_crisis_lines() -> None:
    """Review 53: "quiero morir" got the crisis reply in English alone."""
    from actions.emergency import emergency_message
    from bot.safety.catalogue import region

    said = "quiero morir, me duele todo desde que deje la heroina"
    reply = emergency_message([catalogue_entry("suicidal")], region("us"), said)

    assert reply.startswith("En español:")
    assert "llame al 988 y marque 2" in reply
    assert "Línea de la Vida 800 911 2000" in reply
    assert "988 (call or text" in reply  # the English reply follows


def test_thoughts_of_suicide_said_in_english_get_no_spanish_line() -> None:
    from actions.emergency import emergency_message
    from bot.safety.catalogue import region

    reply = emergency_message(
        [catalogue_entry("suicidal")], region("us"), "i just want to die tonight"
    )

    assert "En español" not in reply


async def test_a_carer_asking_about_painkillers_beside_the_crisis_line_hears_no_crew(
    make_tracker, red_flag, user_said, domain
) -> None:
    """Review 58: a mother, unsure whether her son has thoughts of suicide, asked what
    she could give him for the pain and was told to wait "until the crew has checked",
    though nobody had called anyone. Beside the crisis line the one helping hears what
    is usually fine for the pain and to keep medicines out of reach; in an overdose
    the crew's advice stands."""
    earlier = after_the_emergency_reply(
        user_said,
        red_flag,
        "my son is 19 and detoxing from heroin, he keeps saying whats the point",
        "suicidal",
    )
    messages = await reply_to(
        make_tracker,
        domain,
        earlier,
        "ok i will talk to him. what can i give him for the pain, we have paracetamol "
        "and ibuprofen",
        "ask_medicine",
    )
    said = " ".join(m["text"] for m in messages).lower()
    assert "crew" not in said
    assert "locked away" in said

    overdose = after_the_emergency_reply(
        user_said, red_flag, "my son took a load of pills and wont wake up", "overdose"
    )
    messages = await reply_to(
        make_tracker,
        domain,
        overdose,
        "ambulance is coming. can i give him paracetamol",
        "ask_medicine",
    )
    said = " ".join(m["text"] for m in messages).lower()
    assert "locked away" not in said


@pytest.mark.parametrize(
    ("said", "flag", "recovery_position"),
    [
        # Review 65: vomiting as the sign of dehydration is no one who won't wake.
        (
            "my husband cant keep anything down, vomiting all day, off oxy",
            "dehydration",
            False,
        ),
        # Vomiting with an overdose still gets the position.
        ("he took a load of pills, wont wake and hes vomiting", "overdose", True),
    ],
)
async def test_the_recovery_position_only_beside_the_signs_it_fits(
    dispatcher,
    make_tracker,
    red_flag,
    domain,
    said: str,
    flag: str,
    recovery_position: bool,
) -> None:
    tracker = make_tracker(said, "report_emergency", [red_flag(flag)])
    await run(dispatcher, tracker, domain)
    assert ("Kneel beside them" in "\n".join(texts(dispatcher))) is recovery_position


async def test_a_sign_made_with_what_came_before_is_on_record(
    dispatcher, make_tracker, domain
) -> None:
    """Review 70: a fever and muddle after baclofen ran out escalated, and the
    summary then said "fever, confusion: no" (the sign was in no entity)."""
    tracker = make_tracker(
        "now im feeling pretty hot and a bit muddled",
        "inform",
        slots={"substance": "baclofen", "substance_class": "baclofen"},
    )
    events = await run(dispatcher, tracker, domain)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["triage_level"] == "emergency"
    assert slots["screen_flag"] == "baclofen_severe"

"""Self-care guidance: only after a safe disposition, for this person, with sources."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest
from rasa_sdk.events import SlotSet, UserUttered

from actions.guidance import ActionSelfCareGuidance
from actions.knowledge_base import AdviceItem, knowledge_base

OPIOID_BUTTOCK = {
    "substance": "oxycodone",
    "substance_class": "opioid",
    "body_location": "buttock",
    "symptom": "pain",
}


def item(item_id: str) -> AdviceItem:
    [found] = [i for i in knowledge_base().items() if i.item_id == item_id]
    return found


async def guide(
    dispatcher,
    make_tracker,
    domain,
    intent: str = "ask_stretches",
    text: str = "what stretches can I do",
    **slots: Any,
):
    tracker = make_tracker(text, intent, slots={**OPIOID_BUTTOCK, **slots})
    return await ActionSelfCareGuidance().run(dispatcher, tracker, domain)


@pytest.mark.parametrize("level", [None, "emergency"])
async def test_no_tips_before_a_safe_disposition(
    dispatcher, make_tracker, domain, level: str | None
) -> None:
    events = await guide(
        dispatcher, make_tracker, domain, triage_level=level, pending_topic="stretches"
    )

    assert dispatcher.messages == []
    assert events == [
        SlotSet("pending_topic", None)
    ]  # the topic is dropped, no tip sent


@pytest.mark.parametrize("level", ["self_care", "routine", "urgent"])
async def test_tips_come_after_any_non_emergency_disposition(
    dispatcher, make_tracker, domain, level: str
) -> None:
    await guide(
        dispatcher, make_tracker, domain, triage_level=level, pending_topic="stretches"
    )

    first, *rest = [m["text"] for m in dispatcher.messages]
    assert item("opioid_buttock_stretches").text in first
    # The first advice for opioids carries the staying-safe note and the check-in
    # offer (issue 13 and 15).
    assert any("naloxone" in text.lower() for text in rest)
    assert any("check in" in text for text in rest)


async def test_answers_the_pending_topic_for_this_person_with_sources(
    dispatcher, make_tracker, domain
) -> None:
    await guide(
        dispatcher,
        make_tracker,
        domain,
        triage_level="self_care",
        pending_topic="stretches",
    )

    text: str = dispatcher.messages[0]["text"]
    specific = item("opioid_buttock_stretches")
    assert specific.text in text
    assert item("general_stretches").text not in text
    sources_line = text.splitlines()[-1]
    assert sources_line.startswith("Source")
    assert specific.sources[0].title in sources_line
    # A person reads titles: no file names, no section paths, no repeats.
    assert ".txt" not in sources_line
    assert specific.sources[0].section not in sources_line
    assert sources_line.count(specific.sources[0].title) == 1


STRETCHES = (
    "benzodiazepine_stretches",
    "general_neck_stretches",
    "opioid_buttock_stretches",
)


@pytest.mark.parametrize(
    ("substance", "substance_class", "body_location", "given"),
    [
        ("alprazolam", "benzodiazepine", "shoulder", "benzodiazepine_stretches"),
        # Review 76: "No, not buttock. NECK. Neck exercise please" got pigeon pose.
        ("methadone", "opioid", "neck", "general_neck_stretches"),
        ("oxycodone", "opioid", "buttock", "opioid_buttock_stretches"),
    ],
)
async def test_a_different_person_gets_different_advice(
    dispatcher,
    make_tracker,
    domain,
    substance: str,
    substance_class: str,
    body_location: str,
    given: str,
) -> None:
    await guide(
        dispatcher,
        make_tracker,
        domain,
        triage_level="self_care",
        pending_topic="stretches",
        substance=substance,
        substance_class=substance_class,
        body_location=body_location,
    )

    text = dispatcher.messages[0]["text"]
    assert item(given).text in text
    for other in STRETCHES:
        if other != given:
            assert item(other).text not in text


async def test_without_a_pending_topic_it_gives_a_practical_plan(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        "no", "deny", slots={**OPIOID_BUTTOCK, "triage_level": "self_care"}
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    # The plan and the pain relief in one message (review 4: four to six messages
    # in a row), the staying-safe note in its own.
    plan, note = (m["text"] for m in dispatcher.messages[:2])
    assert item("opioid_buttock_overview").text not in plan
    assert "stretch" in plan.lower()  # concrete steps, not an overview
    assert "pharmacist" in plan.lower()  # pain relief named, without doses
    assert note.startswith("Staying safe")


async def test_a_complaint_named_in_the_description_gets_its_answer_too(
    dispatcher, make_tracker, domain
) -> None:
    # "day 3 off oxy, my butt keeps cramping and i cant sleep": the plan came, and
    # not a word on sleep (session 12).
    tracker = make_tracker(
        "no",
        "deny",
        slots={**OPIOID_BUTTOCK, "triage_level": "self_care"},
        events=[
            {
                "event": "user",
                "text": "day 3 off oxy, my butt keeps cramping and i cant sleep",
                "parse_data": {
                    "intent": {"name": "describe_symptoms"},
                    "entities": [
                        {"entity": "symptom", "value": "cramp"},
                        {"entity": "symptom", "value": "insomnia"},
                    ],
                },
            }
        ],
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    said = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert "stretch" in said.lower()
    assert item("opioid_buttock_sleep").text.split(".")[0] in said


@pytest.mark.parametrize(
    "topic", ["stretches", "heat_cold", "sleep", "duration", "why"]
)
async def test_follow_up_buttons_offer_other_topics_not_this_one(
    dispatcher, make_tracker, domain, topic: str
) -> None:
    # The follow-up button tapped: its payload is the message.
    await guide(
        dispatcher,
        make_tracker,
        domain,
        intent=f"ask_{topic}",
        text=f"/ask_{topic}",
        triage_level="self_care",
        pending_topic=topic,
    )

    [advice] = [
        m
        for m in dispatcher.messages
        if any(b["payload"].startswith("/ask_") for b in m["buttons"])
    ]
    payloads = [button["payload"] for button in advice["buttons"]]
    assert payloads, "no follow-up buttons"
    assert f"/ask_{topic}" not in payloads
    assert all(payload.startswith("/ask_") for payload in payloads)
    assert set(payloads) <= {f"/ask_{intent}" for intent in _ask_intents(domain)}


async def test_cravings_button_only_for_opioids_and_alcohol(
    dispatcher, make_tracker, domain
) -> None:
    await guide(
        dispatcher,
        make_tracker,
        domain,
        triage_level="self_care",
        pending_topic="why",
        substance="baclofen",
        substance_class="baclofen",
    )
    payloads = [button["payload"] for button in dispatcher.messages[0]["buttons"]]
    assert "/ask_cravings" not in payloads


async def test_resets_pending_topic(dispatcher, make_tracker, domain) -> None:
    events = await guide(
        dispatcher,
        make_tracker,
        domain,
        triage_level="self_care",
        pending_topic="stretches",
    )

    # The first advice also offers check-ins, once.
    assert events == [SlotSet("pending_topic", None), SlotSet("check_ins", "offered")]


def _ask_intents(domain: Dict[str, Any]) -> list:
    return [
        intent[len("ask_") :]
        for intent in (
            i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]
        )
        if intent.startswith("ask_")
    ]


# ----------------------------------------- regions and the first answer (issue 13)

BUTTOCK_ONLY = {
    "substance": None,
    "substance_class": "none",
    "body_location": "buttock",
    "symptom": "spasm",
}


async def test_first_advice_for_someone_who_said_where_they_are_names_local_help(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        "no",
        "deny",
        slots={**BUTTOCK_ONLY, "triage_level": "self_care", "region": "uk"},
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    said = "\n".join(m["text"] for m in dispatcher.messages)
    assert "NHS 111" in said
    assert "SAMHSA" not in said and "1-800" not in said


async def test_first_advice_without_a_region_adds_no_local_lines(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        "no", "deny", slots={**BUTTOCK_ONLY, "triage_level": "self_care"}
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    said = "\n".join(m["text"] for m in dispatcher.messages)
    assert item("local_help_general").text not in said


@pytest.mark.parametrize(
    ("first_message", "note_given"),
    [
        ("stopped methadone 4 days ago, my butt cramps", True),
        ("im still taking my methadone every day but my butt cramps", False),
    ],
)
async def test_no_staying_safe_note_for_someone_still_taking_their_medicine(
    dispatcher, make_tracker, domain, first_message: str, note_given: bool
) -> None:
    """Session 28's note: "your tolerance drops within days" to someone on methadone
    every day, who was also heard back as having stopped it."""
    tracker = make_tracker(
        "no",
        "deny",
        slots={**OPIOID_BUTTOCK, "substance": "methadone", "triage_level": "self_care"},
        events=[UserUttered(first_message)],
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    said = "\n".join(m["text"] for m in dispatcher.messages)
    assert ("Your tolerance drops within days" in said) is note_given


async def test_staying_safe_note_for_canada_has_nors_and_no_us_line(
    dispatcher, make_tracker, domain
) -> None:
    await guide(
        dispatcher,
        make_tracker,
        domain,
        triage_level="self_care",
        pending_topic="stretches",
        region="ca",
    )

    said = "\n".join(m["text"] for m in dispatcher.messages)
    assert "1-888-688-6677" in said
    assert "1-800-484-3731" not in said


async def test_staying_safe_note_for_an_unknown_region_says_which_region_it_assumed(
    dispatcher, make_tracker, domain, monkeypatch
) -> None:
    monkeypatch.delenv("BOT_REGION", raising=False)
    await guide(
        dispatcher, make_tracker, domain, triage_level="self_care", pending_topic="why"
    )

    said = "\n".join(m["text"] for m in dispatcher.messages)
    assert "Not in the US? Tell me where you are" in said


async def test_a_first_question_about_something_else_still_gets_the_practical_plan(
    dispatcher, make_tracker, domain
) -> None:
    """ "heard vitamins help?" is answered, and the plan for the muscles comes too."""
    tracker = make_tracker(
        "quitting drinking, heard vitamins help?",
        "nlu_fallback",
        slots={
            "substance": "alcohol",
            "substance_class": "alcohol",
            "body_location": None,
            "symptom": None,
            "triage_level": "self_care",
        },
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    texts = [m["text"] for m in dispatcher.messages]
    assert item("thiamine_alcohol").text in texts[0]
    # the practical plan after it, in the same message
    assert texts[0].index("fluids") > texts[0].index(item("thiamine_alcohol").text)


async def stretches_asked_again(
    dispatcher, make_tracker, domain, again: str
) -> Tuple[List[str], List[str]]:
    """`asked_twice` for the stretches, asked again as `again`."""
    return await asked_twice(
        dispatcher,
        make_tracker,
        domain,
        "ask_stretches",
        "what stretches can I do",
        again,
    )


async def asked_twice(
    dispatcher, make_tracker, domain, intent: str, first: str, again: str
) -> Tuple[List[str], List[str]]:
    """What the bot said to `first`, and then to `again` (the same topic asked a
    second time, after that answer was sent)."""
    from rasa_sdk.events import ActionExecuted, BotUttered

    slots = {**OPIOID_BUTTOCK, "triage_level": "self_care"}
    await ActionSelfCareGuidance().run(
        dispatcher, make_tracker(first, intent, slots=slots), domain
    )
    said = [m["text"] for m in dispatcher.messages if m.get("text")]
    dispatcher.messages.clear()
    events = [
        ActionExecuted("action_self_care_guidance"),
        *(BotUttered(text) for text in said),
    ]
    await ActionSelfCareGuidance().run(
        dispatcher, make_tracker(again, intent, slots=slots, events=events), domain
    )
    return said, [m["text"] for m in dispatcher.messages if m.get("text")]


@pytest.mark.parametrize(
    ("again", "lead"),
    [
        ("any stretches?", "To answer that directly:"),
        # Review 27: "Sorry if I wasn't clear before" after a plain second tap of
        # the "Stretches" button; a tap is no complaint.
        ("/ask_stretches", "Here it is again:"),
    ],
)
async def test_an_answer_asked_for_again_is_sent_again_with_a_word_first(
    dispatcher, make_tracker, domain, again: str, lead: str
) -> None:
    """Review 4: the same pain-relief paragraph four times in one conversation, with
    no word that it was asked again; reviews 10 and 11: "I won't paste it again" read
    as a brush-off. A plain request again gets the answer again, said so."""
    said, texts = await stretches_asked_again(dispatcher, make_tracker, domain, again)

    assert not set(texts) & set(said)
    lead_line, answer = texts[0].split("\n", 1)
    assert lead_line == lead
    assert any(answer in text for text in said)
    assert not any("won't paste it again" in text for text in texts)


async def test_a_new_question_on_an_answered_topic_gets_the_answer_and_who_says_more(
    dispatcher, make_tracker, domain
) -> None:
    """Review 11: "How long does a taper usually take after 6 years? I'm really
    frightened of it." got "That's the same advice I gave above"; review 27: the
    bare "I don't have a trusted answer" that replaced it read as a refusal of
    questions the earlier answer covered."""
    said, [reply] = await stretches_asked_again(
        dispatcher,
        make_tracker,
        domain,
        "what stretches can I do at my desk at work without anyone noticing?",
    )

    assert reply.startswith("Here's what I can tell you about that:")
    assert any("figure-four" in text for text in said) and "figure-four" in reply
    assert "doctor or a pharmacist" in reply
    assert "trusted answer" not in reply and "won't paste" not in reply


async def test_an_answer_sent_twice_is_not_pasted_a_third_time(
    dispatcher, make_tracker, domain
) -> None:
    """Review 48: the same paragraph three and four times ("Here's what I can tell you
    about that" each time), to people whose question it did not answer."""
    from rasa_sdk.events import ActionExecuted, BotUttered

    said, [again] = await stretches_asked_again(
        dispatcher,
        make_tracker,
        domain,
        "what stretches can I do at my desk at work without anyone noticing?",
    )
    dispatcher.messages.clear()
    slots = {**OPIOID_BUTTOCK, "triage_level": "self_care"}
    events = [
        ActionExecuted("action_self_care_guidance"),
        *(BotUttered(text) for text in [*said, again]),
    ]
    third = "ok but what stretches for when im stuck in the car all day"
    await ActionSelfCareGuidance().run(
        dispatcher,
        make_tracker(third, "ask_stretches", slots=slots, events=events),
        domain,
    )
    [reply] = [m["text"] for m in dispatcher.messages if m.get("text")]
    assert "figure-four" not in reply
    assert "put it another way" in reply


async def test_tips_asked_again_get_the_next_tip_not_a_pointer(
    dispatcher, make_tracker, domain
) -> None:
    """Review 5: "any tips for the back spasms tonight?" after the plan got "That's the
    same advice I gave above"; the next tip not yet given is what helps."""
    said, [reply] = await asked_twice(
        dispatcher,
        make_tracker,
        domain,
        "ask_what_to_do",
        "what can i do",
        "any other tips for tonight?",
    )

    assert "won't paste it again" not in reply and reply not in said
    assert "heating pad" in reply  # the heat-or-cold tip for this person


@pytest.mark.parametrize(
    ("again", "lead", "goes_further"),
    [
        # Session 21: typed again after the answer, it goes one step further, to what
        # a doctor can prescribe for the withdrawal itself, not the same paragraph.
        ("PAIN RELIEF MEDS", "Beyond what's above, for the withdrawal itself", True),
        # A tap is no complaint and no new question: the same answer (review 27).
        ("/ask_medicine", "Here it is again", False),
    ],
)
async def test_the_pain_relief_question_asked_again_gets_an_answer_again(
    dispatcher, make_tracker, domain, again: str, lead: str, goes_further: bool
) -> None:
    """Review 10: "PAIN RELIEF MEDS", after the pain-relief answer, got the electrolyte
    tip, and the next time the relaxation tip; a question asked again is answered
    again."""
    said, texts = await asked_twice(
        dispatcher,
        make_tracker,
        domain,
        "ask_medicine",
        "what can i take for the pain",
        again,
    )

    [reply] = texts
    assert reply.startswith(lead)
    assert ("lofexidine" in reply.lower()) is goes_further
    assert "heating pad" not in reply


async def test_two_painkillers_together_are_answered_not_the_next_tip(
    dispatcher, make_tracker, domain
) -> None:
    """Review 10: "CAN I TAKE TYLENOL WITH IBUPROFIN?" after the pain-relief answer got
    the heat-or-cold tip."""
    said, texts = await asked_twice(
        dispatcher,
        make_tracker,
        domain,
        "ask_medicine",
        "what can i take for the pain",
        "CAN I TAKE TYLENOL WITH IBUPROFIN? HOW MUCH",
    )

    assert any("paracetamol (Tylenol" in text for text in texts)
    assert not any("heating pad" in text for text in texts)


async def test_a_new_medicine_question_after_the_answer_gets_who_can_answer_it(
    dispatcher, make_tracker, domain
) -> None:
    """Review 11: "Is it ok to take some magnesium glycinate for the cramps?" after the
    pain-relief answer got the same ibuprofen paragraph "again"."""
    said, [reply] = await asked_twice(
        dispatcher,
        make_tracker,
        domain,
        "ask_medicine",
        "what can i take for the pain",
        "Is it ok to take some magnesium glycinate for the cramps?",
    )

    assert "pharmacist" in reply and "ibuprofen" not in reply
    assert not reply.startswith("To answer that directly")


async def test_a_question_heard_as_medicine_that_names_none_gets_no_pharmacist(
    dispatcher, make_tracker, domain
) -> None:
    """Review 14: "should i keep running or rest? race is in 5 weeks", heard as a
    medicine question after the pain-relief answer, got "A pharmacist can tell you
    ... whether it's safe with everything you take"."""
    said, [reply] = await asked_twice(
        dispatcher,
        make_tracker,
        domain,
        "ask_medicine",
        "what can i take for the pain",
        "but should i keep running or rest? race is in 5 weeks",
    )

    assert "pharmacist can tell you" not in reply and "ibuprofen" not in reply


@pytest.mark.parametrize("intent", ["ask_sleep", "ask_duration", "ask_why"])
async def test_someone_who_described_pain_gets_the_plan_beside_other_answers(
    dispatcher, make_tracker, domain, intent: str
) -> None:
    """ "my bum is cramping so bad i cant sleep" is answered about sleep, and the
    person also gets something to do for the muscles now (review 12)."""
    tracker = make_tracker(
        "my bum is cramping so bad i cant sleep",
        intent,
        slots={**OPIOID_BUTTOCK, "triage_level": "self_care"},
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    said = " ".join(m["text"] for m in dispatcher.messages if m.get("text"))
    assert "pigeon pose" in said


async def test_a_question_with_no_pain_described_gets_only_its_answer(
    dispatcher, make_tracker, domain
) -> None:
    """Someone who only asked how long withdrawal lasts, with no pain described, is
    not sent a stretching plan they did not ask for."""
    tracker = make_tracker(
        "how long does oxy withdrawal last",
        "ask_duration",
        slots={
            "substance": "oxycodone",
            "substance_class": "opioid",
            "body_location": None,
            "symptom": None,
            "triage_level": "self_care",
        },
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    said = " ".join(m["text"] for m in dispatcher.messages if m.get("text"))
    assert "stretch" not in said.lower()


async def test_the_same_request_in_more_words_gets_its_answer_again(
    dispatcher, make_tracker, domain
) -> None:
    """Review 12: "what can i buy at walgreens for the pain", after the pain-relief
    answer, got "I can't check that one for you here"."""
    said, [reply] = await asked_twice(
        dispatcher,
        make_tracker,
        domain,
        "ask_medicine",
        "what can i take for the pain",
        "i didnt ask about cravings. PAIN. what can i buy at walgreens for the pain",
    )

    assert reply.startswith("To answer that directly")
    assert "ibuprofen" in reply


async def test_a_leg_that_may_hold_a_clot_gets_no_stretching_heat_or_rubbing(
    dispatcher, make_tracker, domain
) -> None:
    """Review 13: a swollen, hot calf (care today) got "stretch, walk, heating pad"."""
    tracker = make_tracker(
        "my calf is swollen and hot, what can i do till i get seen",
        "ask_what_to_do",
        entities=[{"entity": "red_flag", "value": "dvt", "role": "urgent"}],
        slots={
            "substance": "oxycodone",
            "substance_class": "opioid",
            "body_location": "calf",
            "symptom": "pain",
            "triage_level": "urgent",
        },
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    said = " ".join(m["text"] for m in dispatcher.messages if m.get("text"))
    assert "don't rub, massage or stretch it" in said
    assert "heating pad" not in said and "pigeon pose" not in said
    # Review 23: a "Stretches" button right under "don't stretch it".
    offered = {b["title"] for m in dispatcher.messages for b in m.get("buttons") or []}
    assert not offered & {"Stretches", "Heat or cold?"}


async def test_a_yes_to_the_screens_calf_question_gets_no_heat_or_walking(
    dispatcher, make_tracker, domain
) -> None:
    """Review 34: "yes the last one" to the checklist (a swollen calf, no sign typed)
    got "take a light walk", "a warm bath or heating pad" and ibuprofen."""
    tracker = make_tracker(
        "yes the last one",
        "affirm",
        slots={
            "substance": "heroin",
            "substance_class": "opioid",
            "body_location": "calf",
            "screen_leg": "yes",
            "triage_level": "urgent",
        },
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    said = " ".join(m["text"] for m in dispatcher.messages if m.get("text"))
    assert "don't rub, massage or stretch it" in said
    assert "heating pad" not in said and "light walk" not in said


async def test_no_stopping_suddenly_note_for_someone_who_did_not(
    dispatcher, make_tracker, domain
) -> None:
    """Review 14: a man who drank a few beers a night, and answered No to "drinking
    heavily every day, then stopped all at once?", was told twice in one reply that
    stopping heavy daily drinking suddenly can cause seizures."""
    slots = {
        "substance": "alcohol",
        "substance_class": "alcohol",
        "body_location": "calf",
        "symptom": "cramp",
        "triage_level": "self_care",
    }
    said = {}
    for heavy_use in ("yes", "no"):
        dispatcher.messages.clear()
        tracker = make_tracker(
            "no", "deny", slots={**slots, "screen_heavy_use": heavy_use}
        )
        await ActionSelfCareGuidance().run(dispatcher, tracker, domain)
        said[heavy_use] = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert "seizures" in said["yes"]
    assert "stopping suddenly can cause seizures" not in said["no"]


async def test_first_advice_for_someone_else_says_whom_it_speaks_to(
    dispatcher, make_tracker, domain
) -> None:
    # A partner read "speak to your doctor today" as meant for them (session 12).
    from actions.guidance import FOR_SOMEONE_ELSE

    slots = {**OPIOID_BUTTOCK, "triage_level": "self_care"}
    for asking_for, told in ((None, False), ("someone_else", True)):
        dispatcher.messages.clear()
        tracker = make_tracker("no", "deny", slots={**slots, "asking_for": asking_for})
        await ActionSelfCareGuidance().run(dispatcher, tracker, domain)
        first = dispatcher.messages[0]["text"]
        assert first.startswith(FOR_SOMEONE_ELSE) is told


async def test_a_benzo_stopped_all_at_once_hears_the_seizure_warning_once(
    dispatcher, make_tracker, domain
) -> None:
    """Review 24: after "yes" to stopping Xanax all at once, one reply warned of
    seizures three times (the urgent reason, the advice, the staying-safe note)."""
    slots = {
        "substance": "alprazolam",
        "substance_class": "benzodiazepine",
        "body_location": "calf",
        "symptom": "cramp",
        "triage_level": "urgent",
        "screen_heavy_use": "yes",
    }
    tracker = make_tracker("no", "deny", slots=slots)

    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    said = " ".join(m.get("text") or "" for m in dispatcher.messages).lower()
    assert said.count("seizure") == 1


async def test_a_same_day_sign_said_after_the_advice_raises_the_level_first(
    dispatcher, make_tracker, domain
) -> None:
    """Review 25: "now my left calf is swollen and red too", after the advice, got
    "why it hurts"; then the clot advice came without "get it checked today"."""
    tracker = make_tracker(
        "now my left calf is swollen and red too",
        "report_emergency",
        entities=[{"entity": "red_flag", "value": "dvt", "role": "urgent"}],
        slots={
            "substance_class": "opioid",
            "body_location": "leg",
            "triage_level": "self_care",
        },
    )

    events = await ActionSelfCareGuidance().run(dispatcher, tracker, domain)

    assert "medical care today" in dispatcher.messages[0]["text"]
    assert {"event": "slot", "name": "triage_level", "value": "urgent"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]


async def test_you_didnt_answer_gets_an_honest_reply_not_the_same_text(
    dispatcher, make_tracker, domain
) -> None:
    """Review 29: "you didnt answer" got the same paragraph again, eight times."""
    said, [reply] = await stretches_asked_again(
        dispatcher, make_tracker, domain, "you didnt answer. what stretches for my hip"
    )

    assert reply.startswith("Sorry, I don't have a better answer")
    assert not any(reply in text or text in reply for text in said)


async def test_you_already_said_that_gets_no_repeat(
    dispatcher, make_tracker, domain
) -> None:
    """Reviews 39 and 40: "you already said that" got "Here it is again" and the same
    paragraph (13 and 14 replies)."""
    said, texts = await asked_twice(
        dispatcher,
        make_tracker,
        domain,
        "ask_stretches",
        "any stretches for my butt?",
        "you already said that. what stretches for the lower back",
    )
    [reply] = texts
    assert reply.startswith("Sorry for repeating myself")
    assert not any(reply in text or text in reply for text in said)

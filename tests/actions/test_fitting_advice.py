"""Advice that fits the person (rev1 review): the street-opioid staying-safe note
never reaches a kratom quitter, someone on prescribed tramadol, a pregnant woman, an MS
patient out of baclofen or a parent; long-acting opioids get their own time course;
questions that went unanswered now get an answer.

Every test reads what the person would read: the texts the actions send.
"""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.guidance import ActionSelfCareGuidance, contexts_of
from actions.harm_reduction import ActionHarmReduction
from actions.helplines import ActionHelplines

# What the street-drug note says, in its own words: none of it may reach these people.
STREET_NOTE = ("fentanyl test strips", "1-800-484-3731", "if you use again")
RELAPSE_NOTE = ("if you do use or drink again", "don't use alone", "use much less")


def said(dispatcher: CollectingDispatcher) -> str:
    """Everything the bot sent, as one lower-case text."""
    return "\n".join(str(m.get("text") or "") for m in dispatcher.messages).lower()


async def first_advice(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    text: str,
    earlier: List[Any],
    **slots: Any,
) -> str:
    tracker = make_tracker(
        text,
        "deny",
        slots={"triage_level": "self_care", "body_location": "buttock", **slots},
        events=earlier,
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)
    return said(dispatcher)


@pytest.mark.parametrize(
    ("first_message", "slots"),
    [
        pytest.param(
            "quit kratom 4 days ago after 3 years, legs are restless",
            {"substance": "kratom", "substance_class": "opioid"},
            id="kratom-quitter",
        ),
        pytest.param(
            "i am stop the tramadol before 4 day. tramadol was from doctor for my knee",
            {"substance": "tramadol", "substance_class": "opioid"},
            id="prescribed-tramadol",
        ),
        pytest.param(
            "I came off tramadol 6 days ago after 2 years, aching in my buttocks",
            {"substance": "tramadol", "substance_class": "opioid"},
            id="tramadol-no-prescriber-named",
        ),
        pytest.param(
            "I'm 20 weeks pregnant and I stopped taking percocet 2 days ago",
            {"substance": "oxycodone", "substance_class": "opioid"},
            id="pregnant",
        ),
        pytest.param(
            "My son is 19 and I think he's coming off heroin. his backside hurts",
            {"substance": "heroin", "substance_class": "opioid"},
            id="parent",
        ),
    ],
)
async def test_the_street_opioid_note_never_reaches_who_it_does_not_fit(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    user_said: Any,
    first_message: str,
    slots: Dict[str, str],
) -> None:
    reply = await first_advice(
        dispatcher, make_tracker, domain, "no", [user_said(first_message)], **slots
    )
    assert reply, "no advice at all"
    for words in STREET_NOTE:
        assert words not in reply


async def test_a_parent_hears_how_to_keep_their_son_safe(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    user_said: Any,
) -> None:
    reply = await first_advice(
        dispatcher,
        make_tracker,
        domain,
        "no",
        [user_said("My son is 19 and I think he's coming off heroin")],
        substance="heroin",
        substance_class="opioid",
    )
    assert "keep naloxone (narcan) in the house" in reply
    assert "if they use again" in reply


async def test_someone_on_prescribed_tramadol_hears_about_their_prescriber(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    user_said: Any,
) -> None:
    reply = await first_advice(
        dispatcher,
        make_tracker,
        domain,
        "no",
        [user_said("tramadol was from doctor for my knee")],
        substance="tramadol",
        substance_class="opioid",
    )
    assert "prescribed opioid" in reply
    assert "coming down more slowly" in reply


async def test_a_pregnant_woman_is_sent_to_her_midwife_not_told_how_to_use(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    user_said: Any,
) -> None:
    reply = await first_advice(
        dispatcher,
        make_tracker,
        domain,
        "no",
        [user_said("I'm 20 weeks pregnant and I stopped taking percocet")],
        substance="oxycodone",
        substance_class="opioid",
    )
    assert "midwife" in reply
    for words in RELAPSE_NOTE:
        assert words not in reply


async def test_someone_coming_off_street_fentanyl_still_gets_the_full_note(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    user_said: Any,
) -> None:
    """The fix narrows who gets the note; the people it was written for keep it."""
    reply = await first_advice(
        dispatcher,
        make_tracker,
        domain,
        "no",
        [user_said("2 days off fent and my ass is killing me")],
        substance="fentanyl",
        substance_class="opioid",
    )
    assert "fentanyl test strips" in reply
    assert "1-800-484-3731" in reply


@pytest.mark.parametrize(
    ("text", "substance_class", "flags", "expected"),
    [
        pytest.param(
            "tramadol was from doctor for my knee",
            "opioid",
            [],
            {"prescribed"},
            id="doctor-for-my-knee",
        ),
        pytest.param(
            "I'm not using drugs, it's my prescribed MS medication!",
            "baclofen",
            [],
            {"prescribed"},
            id="prescribed-ms",
        ),
        pytest.param(
            "ran out of my tablets",
            "baclofen",
            [],
            {"prescribed"},
            id="baclofen-is-prescribed",
        ),
        pytest.param(
            "she got them off the street, she doesn't have a prescriber",
            "benzodiazepine",
            [],
            set(),
            id="street-is-not-prescribed",
        ),
        pytest.param(
            "I'm 20 weeks pregnant", "opioid", [], {"pregnant"}, id="pregnant"
        ),
        pytest.param(
            "cramps in my butt",
            "opioid",
            ["pregnancy"],
            {"pregnant"},
            id="pregnancy-flag",
        ),
        pytest.param(
            "I'm not pregnant, just sore", "opioid", [], set(), id="not-pregnant"
        ),
        pytest.param(
            "asking for my girlfriend, she stopped xanax",
            "benzodiazepine",
            [],
            {"carer"},
            id="carer",
        ),
        pytest.param(
            "day 3 off oxy and my glutes are cramping",
            "opioid",
            [],
            set(),
            id="nothing-special",
        ),
    ],
)
def test_what_the_conversation_says_about_the_person(
    make_tracker: Any,
    red_flag: Any,
    text: str,
    substance_class: str,
    flags: List[str],
    expected: set,
) -> None:
    entities = [red_flag(flag, "urgent") for flag in flags]
    tracker = make_tracker(
        text, "describe_symptoms", entities, slots={"substance_class": substance_class}
    )
    assert contexts_of(tracker) == expected


async def ask(
    action: Any,
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    text: str,
    intent: str = "ask_harm_reduction",
    **slots: Any,
) -> str:
    tracker = make_tracker(text, intent, slots=slots)
    await action.run(dispatcher, tracker, domain)
    return said(dispatcher)


async def test_an_ms_patient_out_of_baclofen_hears_where_to_get_it_tonight(
    dispatcher: CollectingDispatcher, make_tracker: Any, domain: Dict[str, Any]
) -> None:
    reply = await ask(
        ActionHarmReduction(),
        dispatcher,
        make_tracker,
        domain,
        "It's Saturday night, my neurologist's office is closed. Where can I get "
        "baclofen now? Can a pharmacist give me some?",
        substance="baclofen",
        substance_class="baclofen",
        triage_level="urgent",
    )
    assert "emergency supply" in reply
    assert "urgent care" in reply
    assert "fever" in reply and "seizures" in reply
    for words in (*RELAPSE_NOTE, "naloxone"):
        assert words not in reply


async def test_an_ms_patient_who_says_it_is_prescribed_gets_no_relapse_talk(
    dispatcher: CollectingDispatcher, make_tracker: Any, domain: Dict[str, Any]
) -> None:
    reply = await ask(
        ActionSelfCareGuidance(),
        dispatcher,
        make_tracker,
        domain,
        "I'm not using drugs, it's my prescribed MS medication! I just need to know "
        "where to go tonight",
        intent="ask_cravings",
        substance="baclofen",
        substance_class="baclofen",
        triage_level="urgent",
    )
    for words in (*RELAPSE_NOTE, "urges to use", "naloxone", "overdose"):
        assert words not in reply


async def test_a_beer_drinker_asking_about_a_couple_of_beers_hears_about_alcohol(
    dispatcher: CollectingDispatcher, make_tracker: Any, domain: Dict[str, Any]
) -> None:
    reply = await ask(
        ActionHarmReduction(),
        dispatcher,
        make_tracker,
        domain,
        "can i have a couple beers to take the edge off the shakes?",
        substance="alcohol",
        substance_class="alcohol",
        region="au",
    )
    assert "i can't tell you a safe amount to drink" in reply
    assert "seizures" in reply
    assert "naloxone" not in reply


@pytest.mark.parametrize(
    ("substance", "must", "must_not"),
    [
        pytest.param(
            "methadone", "10 to 20 days", "within about 12 hours", id="methadone"
        ),
        pytest.param(
            "buprenorphine", "starts later", "within about 12 hours", id="buprenorphine"
        ),
        pytest.param("heroin", "12 hours", "10 to 20 days", id="heroin-unchanged"),
    ],
)
async def test_each_opioid_gets_its_own_time_course(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    substance: str,
    must: str,
    must_not: str,
) -> None:
    reply = await ask(
        ActionSelfCareGuidance(),
        dispatcher,
        make_tracker,
        domain,
        "how long will it last?",
        intent="ask_duration",
        substance=substance,
        substance_class="opioid",
        body_location="buttock",
        triage_level="self_care",
        pending_topic="duration",
    )
    assert must in reply
    assert must_not not in reply


async def test_someone_with_no_drugs_is_not_told_about_withdrawal(
    dispatcher: CollectingDispatcher, make_tracker: Any, domain: Dict[str, Any]
) -> None:
    """A later question (the first advice also offers check-ins, another module's
    wording): the answers themselves say nothing about withdrawal."""
    tracker = make_tracker(
        "so is it sciatica and how long will it last",
        "ask_duration",
        slots={
            "substance_class": "none",
            "body_location": "leg",
            "triage_level": "routine",
        },
        events=[{"event": "action", "name": "action_self_care_guidance"}],
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)
    reply = said(dispatcher)
    assert "4 to 6 weeks" in reply
    assert "withdrawal" not in reply


@pytest.mark.parametrize(
    ("text", "intent", "slots", "must"),
    [
        pytest.param(
            "Could it be piriformis syndrome? Would a special cushion help?",
            "ask_what_to_do",
            {"substance_class": "none", "body_location": "buttock"},
            ["piriformis", "cushion", "breaks"],
            id="piriformis-cushion",
        ),
        pytest.param(
            "so im past the worst? people online say it lasts months (PAWS). true?",
            "ask_duration",
            {"substance": "heroin", "substance_class": "opioid"},
            ["past the worst", "post-acute"],
            id="paws",
        ),
        pytest.param(
            "so is a hot bath safe if I get dizzy?",
            "ask_heat_cold",
            {"substance": "oxycodone", "substance_class": "opioid"},
            ["get out slowly", "don't bathe alone"],
            id="dizzy-bath",
        ),
    ],
)
async def test_questions_the_review_left_unanswered_get_an_answer_after_the_screen(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    text: str,
    intent: str,
    slots: Dict[str, str],
    must: List[str],
) -> None:
    reply = await ask(
        ActionSelfCareGuidance(),
        dispatcher,
        make_tracker,
        domain,
        text,
        intent=intent,
        triage_level="self_care",
        **slots,
    )
    for words in must:
        assert words in reply


@pytest.mark.parametrize(
    ("text", "slots", "must", "must_not"),
    [
        pytest.param(
            "will the ER report me to police if i tell them about heroin?",
            {"substance": "heroin", "substance_class": "opioid"},
            ["emtala", "hipaa", "good samaritan"],
            [],
            id="police-us",
        ),
        pytest.param(
            "will the hospital call the cops on me?",
            {"substance_class": "opioid", "region": "ca"},
            ["good samaritan drug overdose act"],
            ["hipaa", "emtala"],
            id="police-ca",
        ),
        pytest.param(
            "is the samhsa line confidential? will they tell my job?",
            {},
            ["confidential", "24/7", "spanish"],
            [],
            id="samhsa-confidential",
        ),
        pytest.param(
            "hes not suicidal, he just OD'd and doesnt want to go to hospital. the "
            "narcan can wear off right?",
            {},
            ["30 to 90 minutes", "don't leave them alone"],
            ["sold over the counter"],
            id="after-naloxone",
        ),
        pytest.param(
            "she doesn't have a prescriber. where does she go? and what do I watch for "
            "tonight?",
            {"substance": "alprazolam", "substance_class": "benzodiazepine"},
            ["confusion", "seizure", "emergency number", "urgent care"],
            [],
            id="carer-watch-for-benzo",
        ),
        pytest.param(
            "what should i look out for tonight with my son?",
            {"substance": "heroin", "substance_class": "opioid"},
            ["can't be woken", "naloxone"],
            [],
            id="carer-watch-for-opioid",
        ),
        # Session 18: "I don't have a specific answer to that one here".
        pytest.param(
            "can i go back on methadone?",
            {"substance": "methadone", "substance_class": "opioid"},
            ["good, safe choice", "don't take your old amount"],
            ["i don't have a specific answer"],
            id="going-back-on-methadone",
        ),
        # Session 18: five days off methadone, told a doctor should restart the benzo.
        pytest.param(
            "is it safe to take a xanax to help me sleep",
            {"substance": "methadone", "substance_class": "opioid"},
            ["slow your breathing", "naloxone"],
            ["restart the medicine"],
            id="xanax-to-sleep-off-methadone",
        ),
        pytest.param(
            "is it safe to take a xanax to help me sleep",
            {"substance": "alprazolam", "substance_class": "benzodiazepine"},
            ["restart the medicine"],
            ["methadone and buprenorphine included"],
            id="xanax-to-sleep-off-xanax",
        ),
        # Review 33: the length of withdrawal, in answer to one valium to sleep.
        pytest.param(
            "is 1 valium ok on its own just to sleep, no beer",
            {"substance": "heroin", "substance_class": "opioid"},
            ["slow your breathing"],
            ["main phase"],
            id="one-valium-off-heroin",
        ),
        pytest.param(
            "i live alone. is it safe for me to do this alone?",
            {"substance": "codeine", "substance_class": "opioid"},
            ["phone or pop in every day"],
            ["i don't have a specific answer"],
            id="withdrawal-alone-off-codeine",
        ),
        # Review 32: alcohol-withdrawal advice, then "I can't check that one".
        pytest.param(
            "Should I be worried about the bruise? I'm on warfarin",
            {},
            ["anticoagulant clinic", "blood in your pee"],
            ["alcohol"],
            id="bruise-on-warfarin",
        ),
        # Review 32: the sleep tip, three times.
        pytest.param(
            "Unexplained weight loss and pain at night in an 80 year old - should he "
            "see the doctor this week?",
            {},
            ["see a gp in the next few days"],
            ["warm compress"],
            id="weight-loss-and-night-pain",
        ),
        # Review 32: the same paragraph three times.
        pytest.param(
            "i'm 28 weeks, already ON methadone, the cramps start 20 hours after. "
            "could it need upping because of the pregnancy?",
            {"substance": "methadone", "substance_class": "opioid"},
            ["raise the amount", "midwife"],
            [],
            id="methadone-in-late-pregnancy",
        ),
        # Review 32: heat and ice.
        pytest.param(
            "insurnce wont cover my subs til next week. what do i do",
            {"substance": "buprenorphine", "substance_class": "opioid"},
            ["bridge prescription", "naloxone"],
            ["heating pad"],
            id="suboxone-insurance-wont-pay",
        ),
        # Review 32: a 14-year-old got the answer for a pregnant drug user.
        pytest.param(
            "im in england. i meant will social services take me away from mum",
            {},
            ["childline"],
            ["the baby"],
            id="child-afraid-of-social-services",
        ),
        pytest.param(
            "im 20 weeks pregnant. will cps take my baby if i go to the hospital",
            {"substance": "heroin", "substance_class": "opioid"},
            ["the baby", "social worker"],
            ["childline"],
            id="pregnant-afraid-of-cps",
        ),
        # Review 32: the painkiller paragraph again.
        pytest.param(
            "and the drug test? work does them",
            {"substance": "fentanyl", "substance_class": "opioid"},
            ["morphine and codeine", "medical review officer"],
            ["ibuprofen"],
            id="drug-test",
        ),
    ],
)
async def test_questions_that_cannot_wait_are_answered_at_once(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    text: str,
    slots: Dict[str, str],
    must: List[str],
    must_not: List[str],
) -> None:
    reply = await ask(
        ActionHarmReduction(), dispatcher, make_tracker, domain, text, **slots
    )
    for words in must:
        assert words in reply
    for words in must_not:
        assert words not in reply


async def test_the_use_alone_hotline_number_is_given_when_asked_for(
    dispatcher: CollectingDispatcher, make_tracker: Any, domain: Dict[str, Any]
) -> None:
    reply = await ask(
        ActionHelplines(),
        dispatcher,
        make_tracker,
        domain,
        "if i use alone whats that hotline number again",
        intent="ask_human",
        substance="fentanyl",
        substance_class="opioid",
    )
    assert "1-800-484-3731" in reply


async def test_canada_lists_no_closed_service_and_each_number_once(
    dispatcher: CollectingDispatcher, make_tracker: Any, domain: Dict[str, Any]
) -> None:
    reply = await ask(
        ActionHelplines(),
        dispatcher,
        make_tracker,
        domain,
        "is there a crisis line in canada if i'm struggling at night?",
        intent="ask_human",
        region="ca",
    )
    assert "wellness together" not in reply
    assert reply.count("811") == 1
    assert "988" in reply


@pytest.mark.parametrize(
    ("text", "slots", "must", "must_not"),
    [
        pytest.param(
            "hang on, is any of this private? who gets to read it?",
            {},
            ["conversation database", "delete my conversation", "medical record"],
            ["staying safe"],
            id="privacy",
        ),
        pytest.param(
            "my dad quit drinking last week and he's so down, is that the withdrawal?",
            {"substance_class": "alcohol", "region": "uk"},
            ["very common", "116 123", "999"],
            ["988"],
            id="low-mood-carer-uk",
        ),
        pytest.param(
            "is feeling depressed part of coming off oxy",
            {"substance_class": "opioid"},
            ["usually eases", "988", "911"],
            [],
            id="low-mood-self-us",
        ),
        pytest.param(
            "would it be ok to take a couple of my flatmate's valium, not prescribed "
            "to me, just to get some sleep?",
            {"substance": "heroin", "substance_class": "opioid"},
            [
                "don't take, or give, medicine prescribed for someone else",
                "opioids",
                "alcohol",
            ],
            ["staying safe if you use again"],
            id="someone-elses-valium",
        ),
        pytest.param(
            # Review 27: a mother's "can he take my tramadol or not" got "Thanks, that
            # helps" and the ibuprofen paragraph.
            "NO. i already told you no. can he take my tramadol or not",
            {"substance": "heroin", "substance_class": "opioid"},
            [
                "or give, medicine prescribed for someone else",
                "tramadol can cause fits",
            ],
            ["staying safe if you use again"],
            id="a-parents-tramadol",
        ),
        pytest.param(
            "been thinking about suboxone or anything that could help me get clear "
            "of the fent for good",
            {"substance": "fentanyl", "substance_class": "opioid"},
            ["buprenorphine", "methadone", "findtreatment.gov"],
            ["staying safe if you use again"],
            id="moud-suboxone-or",
        ),
    ],
)
async def test_rev2_questions_that_cannot_wait_are_answered_at_once(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    text: str,
    slots: Dict[str, str],
    must: List[str],
    must_not: List[str],
) -> None:
    reply = await ask(
        ActionHarmReduction(), dispatcher, make_tracker, domain, text, **slots
    )
    for words in must:
        assert words in reply
    for words in must_not:
        assert words not in reply


@pytest.mark.parametrize(
    ("text", "slots", "must", "must_not"),
    [
        pytest.param(
            "the advil has done nothing at all. anything stronger i could try?",
            {"substance": "heroin", "substance_class": "opioid"},
            ["pharmacist", "heating pad", "see a doctor"],
            ["nsaid painkillers such as ibuprofen or naproxen can help"],
            id="second-line",
        ),
        pytest.param(
            "paracetamol isnt helping, what else can i take?",
            {"substance_class": "opioid"},
            ["midwife", "don't take ibuprofen"],
            ["nsaid"],
            id="second-line-pregnant",
        ),
    ],
)
async def test_a_painkiller_that_did_not_help_gets_the_next_steps_not_the_same_text(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    text: str,
    slots: Dict[str, str],
    must: List[str],
    must_not: List[str],
) -> None:
    pregnant = "midwife" in must
    tracker = make_tracker(
        ("i'm 30 weeks pregnant. " if pregnant else "") + text,
        "ask_medicine",
        slots={"triage_level": "self_care", "body_location": "buttock", **slots},
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)
    reply = said(dispatcher)
    for words in must:
        assert words in reply
    for words in must_not:
        assert words not in reply


async def test_after_too_much_text_the_advice_is_one_short_message(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    user_said: Any,
) -> None:
    """Review 27: "Too much text, sorry my english not so good" after eight bubbles;
    the first advice is the plan alone, without the staying-safe note or the
    check-in offer."""
    earlier = [user_said("2 days off fent and my ass is killing me")]
    full = await first_advice(
        dispatcher,
        make_tracker,
        domain,
        "no",
        earlier,
        substance="fentanyl",
        substance_class="opioid",
    )
    dispatcher.messages.clear()
    short = await first_advice(
        dispatcher,
        make_tracker,
        domain,
        "no",
        [*earlier, user_said("too much text, my english not so good")],
        substance="fentanyl",
        substance_class="opioid",
    )
    assert "1-800-484-3731" in full and "check in" in full
    assert "1-800-484-3731" not in short and "check in" not in short
    assert "figure-four" in short
    assert len(short) < len(full) / 2


async def test_after_a_fall_with_no_weight_on_the_leg_the_advice_is_rest(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    user_said: Any,
) -> None:
    """Session 16: "take a short, light walk" after "I slipped ... can barely put
    weight on my right leg" (reviews 27 to 29 met the same person)."""
    fall = {"entity": "red_flag", "value": "fall_injury", "role": "urgent"}
    reply = await first_advice(
        dispatcher,
        make_tracker,
        domain,
        "no",
        [user_said("slipped and now i can barely put weight on my leg", None, [fall])],
        body_location="hip",
        substance_class="none",
    )
    assert "don't try to walk it off" in reply
    assert "light walk" not in reply and "ibuprofen" not in reply.lower()


async def test_after_a_fall_on_a_blood_thinner_no_heat_or_walk_is_advised(
    dispatcher: CollectingDispatcher,
    make_tracker: Any,
    domain: Dict[str, Any],
    user_said: Any,
) -> None:
    """Review 80: a 74-year-old on warfarin with a hand-sized bruise after a fall got
    "a warm bath or a heating pad" and "take a short, light walk"."""
    bruise = {"entity": "red_flag", "value": "blood_thinner_injury", "role": "urgent"}
    reply = await first_advice(
        dispatcher,
        make_tracker,
        domain,
        "no",
        [
            user_said(
                "on warfarin, fell on my bottom, big purple bruise", None, [bruise]
            )
        ],
        body_location="buttock",
        substance_class="none",
    )
    assert "don't stretch, rub or put heat on it" in reply
    assert "light walk" not in reply and "heating pad" not in reply


async def test_thanks_naming_an_answer_already_sent_is_not_sent_it_again(
    dispatcher: CollectingDispatcher, make_tracker: Any, domain: Dict[str, Any]
) -> None:
    """Review 32: "i never stopped xanax wtf. anyway thanks for the test strip stuff"
    got the whole test-strip answer again, "Here it is again"."""
    from rasa_sdk.events import BotUttered

    question = "how do test strips work?"
    first = await ask(ActionHarmReduction(), dispatcher, make_tracker, domain, question)
    sent = [BotUttered(m["text"]) for m in dispatcher.messages if m.get("text")]
    dispatcher.messages.clear()
    tracker = make_tracker(
        "i never stopped xanax wtf. anyway thanks for the test strip stuff",
        "ask_harm_reduction",
        events=sent,
    )
    await ActionHarmReduction().run(dispatcher, tracker, domain)
    again = said(dispatcher)
    assert "strip" in first
    assert "here it is again" not in again and "glad that's useful" in again
    dispatcher.messages.clear()
    asked = make_tracker("wait how do test strips work again?", "ask_harm_reduction")
    asked.events[:0] = sent
    await ActionHarmReduction().run(dispatcher, asked, domain)
    assert "strip" in said(dispatcher)


async def test_how_much_of_a_painkiller_is_answered_by_the_packet(
    dispatcher: CollectingDispatcher, make_tracker: Any, domain: Dict[str, Any]
) -> None:
    """Review 32: "how much ibuprofen tho. its 200mg ones" at 3am got "a pharmacist
    can tell you"; no dose is given, the packet is."""
    tracker = make_tracker(
        "how much ibuprofen tho. its 200mg ones",
        "ask_medicine",
        slots={
            "triage_level": "self_care",
            "body_location": "buttock",
            "substance_class": "opioid",
        },
    )
    await ActionSelfCareGuidance().run(dispatcher, tracker, domain)
    reply = said(dispatcher)
    assert "go by the packet" in reply
    assert "i can't check that one" not in reply

"""Which guidance topics a message asks about (`questions_in`)."""

from __future__ import annotations

from typing import List

import pytest

from actions.conversation import CORRECTED, SAID, questions_in, still_standing


def asked(text: str, intent: str | None = None, whole: bool = False) -> List[str]:
    return questions_in({"text": text, "intent": {"name": intent}}, whole)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        pytest.param("i only ever use alone at home.", "using_alone", id="using-alone"),
        pytest.param("a mate told me about clonidine", "withdrawal_medicines", id="rx"),
        pytest.param("off the booze, someone said vitamins", "thiamine", id="vitamins"),
        pytest.param("came off neurontin last week", "gabapentin", id="gabapentin"),
    ],
)
def test_an_anywhere_topic_counts_when_only_said(text: str, topic: str) -> None:
    assert topic in asked(text)


def test_other_topics_count_only_in_a_question() -> None:
    assert "taper" not in asked("tapering my klonopin with my doc")
    assert "taper" in asked("should i keep going with the taper")


def test_a_harm_reduction_question_is_read_whole() -> None:
    """The intent says it is a question, though no sentence looks like one."""
    text = "on lyrica for a year now, thinking i just stop cold"
    assert "taper" not in asked(text)
    assert {"gabapentin", "taper"} <= set(asked(text, "ask_harm_reduction", True))


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        pytest.param("is it going to get worse tomorrow?", "duration", id="worse"),
        pytest.param("where can i get help near me?", "local_help", id="near-me"),
        pytest.param("how would i make it safer?", "harm_reduction", id="safer"),
        pytest.param("could i take more subs to fix it?", "precipitated", id="more"),
        # review 6: a question after a comma, with no "?"
        pytest.param(
            "gonna pick up tonight after 3 weeks, what should i know",
            "tolerance",
            id="comma-question",
        ),
        pytest.param("negative strip = real oxy?", "strip_result", id="strip-result"),
        pytest.param("do i need to prime the narcan spray", "naloxone_use", id="prime"),
        # review 19: a mother's question, asked three times, and "30s" from a dealer
        pytest.param(
            "Should I throw it out? Is it dangerous to touch?",
            "fentanyl_touch",
            id="fentanyl-touch",
        ),
        pytest.param(
            "that doesnt explain how to do it. step by step?",
            "stretch_how",
            id="step-by-step",
        ),
        pytest.param("figure four how", "stretch_how", id="figure-four"),
        # review 20
        pytest.param(
            "should I stay the night with her, yes or no?",
            "stay_with_them",
            id="stay-the-night",
        ),
        pytest.param(
            "will 988 tell my parents?", "crisis_line_privacy", id="988-parents"
        ),
        pytest.param(
            "is better he drink little beer again so he no shake?",
            "mixing",
            id="little-beer",
        ),
        pytest.param(
            "when should i start suboxone after fentanyl",
            "starting_buprenorphine",
            id="start-bupe",
        ),
        pytest.param(
            "they're from a plug not a pharmacy, does that matter",
            "test_strips",
            id="from-a-plug",
        ),
    ],
)
def test_questions_reach_their_topic(text: str, topic: str) -> None:
    assert topic in asked(text)


def test_a_comma_alone_does_not_make_a_question() -> None:
    assert "duration" not in asked("my legs hurt, it lasts all night")
    assert "duration" in asked("my legs hurt, how long does it last")


def test_narcan_steps_during_an_emergency_only_when_asked_how() -> None:
    """Review 7: "but HOW do i use it its the nose spray thing" went unanswered
    during an overdose; review 9: "WHERE DO I GET MORE NARCAN" got "Give it now"."""

    def asked_now(text: str) -> List[str]:
        return questions_in(
            {"text": text, "intent": {"name": "inform"}},
            whole_message=True,
            during_emergency=True,
        )

    assert "naloxone_steps" in asked_now("but HOW do i use it its the nose spray thing")
    assert "naloxone_steps" in asked_now("do i spray it in one nostril or both??")
    where = asked_now("WHERE DO I GET MORE NARCAN")
    assert "naloxone" in where and "naloxone_steps" not in where


def test_recovery_position_and_naloxone_for_benzos_are_answered_in_an_emergency() -> (
    None
):
    """Review 17: "I SAID 911 IS ON THE PHONE. how do i do the recovery position" got
    the reminder to call; "will narcan work if it was xanax?" got an aspirin note."""

    def asked_now(text: str) -> List[str]:
        return questions_in(
            {"text": text, "intent": {"name": "inform"}},
            whole_message=True,
            during_emergency=True,
        )

    assert "recovery_position" in asked_now(
        "I SAID 911 IS ON THE PHONE. how do i do the recovery position"
    )
    from actions.guidance import without_replaced

    benzos = without_replaced(
        asked_now("will narcan work if it was xanax? i dont know what the pills were")
    )
    assert "naloxone_benzos" in benzos
    assert "keep_the_ambulance" in asked_now("so do i cancel the ambulance or not")
    assert not {"waiting_medicine", "naloxone"} & set(benzos)


def test_restarting_a_benzo_on_ones_own_is_its_own_question() -> None:
    """Review 9: "should i just take a couple xanax again??" (no doctor, no money) got
    "I don't have a specific answer"."""
    topics = asked("no doctor and no money. should i just take a couple xanax again??")
    assert "restart_benzo" in topics


def test_a_specific_question_is_not_read_as_the_intents_guess() -> None:
    """Review 18: "is a fast heartbeat normal" was answered with why muscles ache."""
    text = "is a fast heartbeat normal in withdrawal? im panicking"
    assert asked(text, "ask_why") == ["heart_racing"]


def test_the_intents_topic_stays_when_its_own_words_are_there() -> None:
    assert asked("why do my legs cramp and is magnesium ok?", "ask_why")[0] == "why"


def test_how_to_check_breathing_is_asked_during_an_emergency() -> None:
    """Review 19: "what does too slow breathing look like" got the overdose block."""
    message = {"text": "what does too slow breathing look like", "intent": {}}
    assert questions_in(message, during_emergency=True)[0] == "breathing_check"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # review 20: a second naloxone dose, asked twice, got "call 911 again"
        ("hes nodding off again should i give the 2nd narcan", "naloxone_steps"),
        # review 20: after a seizure, "hes breathing, snoring kind of" got no word
        # about his side
        ("it stopped. hes breathing, snoring kind of", "recovery_position"),
    ],
)
def test_what_is_said_during_an_emergency_reaches_its_answer(
    text: str, topic: str
) -> None:
    message = {"text": text, "intent": {}}
    assert topic in questions_in(message, during_emergency=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Review 31: the blood thinner said in one sentence, the question in the next.
        ("I take warfarin for my heart. Can I take ibuprofen for the pain?", True),
        ("is naproxen ok with my blood thinners?", True),
        ("can i take ibuprofen for my back?", False),
        ("I take warfarin for my heart.", False),
    ],
)
def test_a_painkiller_and_a_blood_thinner_in_one_message(
    text: str, expected: bool
) -> None:
    found = questions_in({"text": text, "intent": {"name": "ask_medicine"}})
    assert ("painkiller_blood_thinner" in found) is expected


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # Reviews 58 and 59: each got a paragraph on something else, or none.
        ("and smoking vs shooting?", "smoking_overdose"),
        ("should I be with him when he uses or is that weird", "using_alone"),
        ("can the ER give him his methadone till monday?", "methadone_clinic"),
        ("i just need the lump looked at for cheap. is there free places", "free_care"),
        ("could i have broke me tailbone? do i need an xray", "tailbone"),
        (
            "i just said no bath lol. and no heating pad. whats a cheap way",
            "cheap_heat",
        ),
        ("can i walk in somewhere today or do i need an appointment", "when_to_go"),
        ("IBUPROFEN?? THATS IT?? I SWEAR IM ABOUT TO JUST GO COP", "tolerance"),
        ("CAN I TAKE A BUNCH OF IMMODIUM I HEARD THAT WORKS", "loperamide"),
        ("so how do i get rid of the pills safely", "secure_medicines"),
        (
            "can i let him sleep it off after? and do i do rescue breaths",
            "naloxone_use",
        ),
        (
            "got a buddy who has some subs, could i take one tonight",
            "starting_buprenorphine",
        ),
        (
            "I DONT drink. still on xanax. is wine + xanax bad yes or no",
            "benzo_with_alcohol",
        ),
        ("but what ARE the DTs", "dts_explained"),
        ("if i do end up copping tonight im alone, what should i do", "using_alone"),
        # Review 38: each got a paragraph on something else, or the same one again.
        ("can i leave the heating pad on all night tho?", "heat_safety"),
        ("can i take advil with my clonazepam", "painkiller_with_benzo"),
        ("gabapentin + xanax together, bad idea or fine?", "gabapentin_with_benzo"),
        ("chills", "chills_sweats"),
        ("what can i do today so i dont pick up again", "stay_stopped"),
        ("they werent prescribed man. are they even real xanax lol", "pressed_pills"),
        ("ok but seriously how do i tell my mom", "telling_family"),
        ("how do i even talk to him about getting help", "talking_to_them"),
        (
            "im 12 weeks pregnant and on subs. i want to get off them before the baby "
            "comes. how do i stop?",
            "pregnancy_stay_on_treatment",
        ),
        ("samaritans is for suicidal ppl isnt it", "helpline_for_anyone"),
        ("if the vomiting gets worse when do i take him to the er?", "when_to_go"),
        ("no im fine physically. just hate myself", "low_mood"),
        # Review 40: asked over five turns, answered with "coming off subs".
        (
            "im not coming off subs, i want to START them. does it make you sick if "
            "you take it too early after using",
            "starting_buprenorphine",
        ),
        # Reviews 40 and 41.
        ("can you OD from smoking fentanyl? i only smoke it", "smoking_overdose"),
        # Review 42: asked three times, answered with test strips.
        (
            "can they even just cut me off like that, isnt there rules about tapering",
            "cut_off_opioids",
        ),
        (
            "taking co-codamol from the chemist for 3 months (more than the box says "
            "tbh) and trying to stop",
            "paracetamol_too_much",
        ),
    ],
)
def test_review_38s_questions_reach_their_answers(text: str, topic: str) -> None:
    assert topic in questions_in({"text": text, "intent": {}}, whole_message=True)


def test_test_strips_on_pressed_pills_is_not_asking_if_they_are_real() -> None:
    found = questions_in(
        {"text": "do the fent strips work on pressed pills", "intent": {}}
    )
    assert "pressed_pills" not in found


def test_a_corrected_sign_stands_again_only_when_said_again() -> None:
    steps = [
        (SAID, ["dvt"]),
        (SAID, ["abrupt_stop"]),
        (CORRECTED, ["dvt"]),
    ]
    assert still_standing(steps) == ["abrupt_stop"]
    assert still_standing([*steps, (SAID, ["dvt"])]) == ["abrupt_stop", "dvt"]


@pytest.mark.parametrize(
    ("text", "teen"),
    [
        # Review 41: "im 16 weeks pregnant" got the answer for a 16-year-old.
        ("hi im 16 weeks pregnant and on methadone. how fast can i taper?", False),
        ("my 16 year old son is detoxing, what do i watch for", False),
        ("im 16 and i need someone to talk to thats not my parents", True),
    ],
)
def test_an_age_is_not_a_week_of_pregnancy(text: str, teen: bool) -> None:
    found = questions_in({"text": text, "intent": {}}, whole_message=True)
    assert ("teen_support" in found) is teen


def test_a_reported_sign_brings_its_topic_before_a_neighbour() -> None:
    """Review 54: "took my suboxone too early ... now im in precipitated withdrawal" got
    how to start buprenorphine ("Good that you're asking before you start")."""
    from actions.guidance import without_replaced

    message = {
        "text": "took a sub 6 hours after my last fent and now im way worse",
        "intent": {"name": "report_emergency"},
        "entities": [{"entity": "red_flag", "value": "precipitated_withdrawal"}],
    }
    assert "precipitated" in questions_in(message)
    both = asked(
        "i took my suboxone too early after fentanyl and now im in precipitated"
        " withdrawal, way worse"
    )
    assert without_replaced(both) == ["precipitated"]
    # Being scared of it is a question about starting.
    scared = asked("im scared of precipitated withdrawal, when do i start suboxone?")
    assert "starting_buprenorphine" in without_replaced(scared)
    assert "precipitated" not in scared


def test_a_nurse_writing_about_her_own_withdrawal_is_no_clinician() -> None:
    """Review 54: "I'm a nurse. I had hip surgery ... stopped my oxycodone" was told
    "I can't advise on a patient's treatment"."""
    assert "clinician" not in asked(
        "I'm a nurse (nights). I had hip surgery 6 weeks ago and stopped oxycodone"
    )
    assert "clinician" in asked("im a nurse, my patient is in withdrawal, what helps?")


@pytest.mark.parametrize(
    ("text", "topic", "expected"),
    [
        # Review 57: the bot answered "Yes, a real person answers" about itself.
        ("are u a real person or a bot?", "helpline_person", False),
        ("samaritans - real person or not?", "helpline_person", True),
        # Review 57: a truck driver's question got "Sorry, I didn't quite get that".
        ("ok but can i drive the truck tonight or not", "driving", True),
        # Review 57: a 19-year-old trying not to use got the tolerance answer.
        ("how do i get thru today without using again", "not_use_tonight", True),
    ],
)
def test_questions_found_by_reviews_56_and_57(
    text: str, topic: str, expected: bool
) -> None:
    assert (topic in asked(text)) is expected


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        pytest.param("I did NOT hit my head", "head_knock", id="did-not"),
        pytest.param("i never even hit my head", "head_knock", id="never-even"),
        pytest.param("not sweating now, just the cramps", "chills_sweats", id="sw"),
        pytest.param("im not gonna use tonight, just sleep", "tolerance", id="use"),
    ],
)
def test_a_denied_fact_does_not_bring_its_topic_up(text: str, topic: str) -> None:
    """Review 84: "I did NOT hit my head" got the head-injury answer."""
    assert topic not in asked(text)


def test_the_same_fact_said_plainly_still_does() -> None:
    assert "head_knock" in asked("i hit my head on the cupboard")
    assert "chills_sweats" in asked("im sweating buckets")
    # A denial only counts right before the phrase: "no" is no denial of naloxone.
    assert "naloxone" in asked("i have no narcan")


def test_a_question_about_the_bot_is_no_why_question() -> None:
    assert "why" not in asked("why are you talking about head injuries")
    assert "why" in asked("why do my legs hurt so much")


def test_minutes_of_ice_are_their_own_question() -> None:
    """Review 84: "ice, how many minutes?" got the heat-or-ice paragraph again."""
    assert "heat_ice_timing" in asked("ice, how many minutes?", "ask_duration")
    assert "heat_ice_timing" not in asked("how long will this last? can i use ice?")


def test_jerks_on_a_steady_opioid_are_not_withdrawal() -> None:
    """Review 84: "does methadone cause jerks?" (a steady dose) got the dehydration
    paragraph. Someone who stopped it has withdrawal twitching instead."""
    stable = "stable dose of methadone for 5 years. does methadone cause jerks?"
    assert asked(stable) == ["twitching_on_medicine"]
    assert "twitching_on_medicine" not in asked("day 3 off methadone my legs twitch")


def test_loneliness_is_no_question_about_using_alone() -> None:
    """Session 30: "feeling really low and alone tonight" got "Please try not to use
    alone", twice in one reply; the topic's `unless_said` holds for every reader."""
    from actions.harm_reduction import topics_asked

    low = "2 days off dope, feeling really low and alone tonight, just sad"
    message = {"text": low, "intent": {"name": "describe_symptoms"}}
    assert "using_alone" not in topics_asked(message)
    assert "using_alone" not in asked(low)
    plan = {"text": "gonna use tonight, ill be alone", "intent": {"name": None}}
    assert "using_alone" in topics_asked(plan)


def test_a_teen_asking_if_the_gp_tells_their_mum_gets_that_answer() -> None:
    """Review 85: "if i go to the gp will they tell my mum??" got the crisis lines'
    confidentiality and the tell-your-parents paragraph again."""
    from actions.harm_reduction import topics_asked

    message = {"text": "if i go to the gp will they tell my mum??", "intent": {}}
    assert topics_asked(message) == ["gp_tell_parents"]


def test_daily_use_is_no_question_about_tolerance_after_a_break() -> None:
    """Review 85: "i use every day, tolerance aint dropping lol" got the lecture."""
    assert "tolerance" not in asked(
        "i havent stopped, i use every day, tolerance aint dropping lol"
    )
    assert "tolerance" in asked("been clean for 3 weeks, how much should i use?")


def test_asking_whether_anyone_makes_it_is_the_relapse_question() -> None:
    """Review 86: "does anyone actually make it? after relapsing this many times?
    feels like im just broken" got "Sorry, I didn't quite get that"."""
    from actions.harm_reduction import topics_asked

    text = "does anyone actually make it? after relapsing this many times? im broken"
    assert topics_asked({"text": text, "intent": {"name": "ask_what_to_do"}}) == [
        "relapse"
    ]


def test_whether_methadone_is_safe_in_pregnancy_is_the_stay_on_it_question() -> None:
    """Review 86: "is methadone safe in pregnancy" (24 weeks, a steady dose) got the
    answer for a prescribed opioid stopped suddenly."""
    from actions.conversation import together_topics

    asked_it = "im 24 weeks pregnant on methadone. is methadone safe in pregnancy"
    assert together_topics(asked_it) == ["pregnancy_stay_on_treatment"]
    assert together_topics("24 weeks pregnant, on methadone, is ibuprofen ok") == []

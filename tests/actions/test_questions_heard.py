"""Questions people asked in review 23 that were heard as something else, or not at
all: each is now heard as what it asks."""

from __future__ import annotations

import pytest

from actions.answers import says_it_was_a_misunderstanding
from actions.conversation import questions_in


@pytest.mark.parametrize(
    ("text", "topic", "during_emergency"),
    [
        # "+" was dropped: "valium methadone dangerous" asked nothing
        ("Is Valium + methadone dangerous?", "mixing", False),
        ("i heard about suboxone", "moud", False),
        ("i dont HAVE a doctor. no insurance. what do i do", "moud", False),
        ("not calling 911. yes or no, is it ok if she drives me", "drive_them", True),
        ("should I keep running or rest? race is in 3 weeks", "keep_running", False),
        # Review 29: the pain-relief paragraph three times.
        (
            "he keeps asking me for my tramadol, i have some from my knee surgery. "
            "can i give him a couple?",
            "others_medicine",
            False,
        ),
        (
            "you didnt answer. TRAMADOL. can i give him some of mine",
            "others_medicine",
            False,
        ),
        (
            "but is ibuprofen ok while BREASTFEEDING? i had a c-section",
            "breastfeeding_medicine",
            False,
        ),
        # Review 43: each got another topic's paragraph.
        ("ok but paracetamol yes or no", "paracetamol", False),
        ("is it ok to cut my methadone in half this week", "taper_speed", False),
        ("do you think my kids will forgive me", "parent_guilt", False),
        ("i said i dont want tips. i just want to talk", "just_talk", False),
        (
            "my husband can drive me. will they think im wasting their time?",
            "not_wasting_time",
            True,
        ),
        # Session 22's note: "Where is the pain or spasm mostly?" instead of an answer.
        ("day 3 off benzos, am i gonna have a fit?", "seizure_risk", False),
        ("can you get seizures coming off alcohol", "seizure_risk", False),
        # Review 48: each got another topic's paragraph, or the suicide question.
        (
            "my clinic doesnt know i stopped, i just stopped going. should i tell "
            "them?",
            "restart_moud",
            False,
        ),
        (
            "what about nitazenes, im hearing theyre in the heroin here",
            "nitazenes",
            False,
        ),
        (
            "dude yes or no, is drinking a beer for muscle cramps a bad idea after 4 "
            "days sober",
            "mixing",
            False,
        ),
        (
            "Would a heat pad be ok? I can't feel much below the knee.",
            "heat_numb_skin",
            False,
        ),
        ("i have diabetes btw", "health_condition", False),
        # Review 28: each got an earlier answer again.
        ("you didnt answer. is melatonin ok or not", "melatonin", False),
        ("is the fast heart thing normal in withdrawal?", "heart_racing", False),
        ("my doctor isnt open til monday. who do i call today", "which_service", False),
        # Review 27: the heat answer for a fresh tear; the tramadol question got the
        # ibuprofen paragraph.
        (
            "should i use ice or heat? i felt a pop when it happened and theres "
            "bruising on the back of my thigh",
            "muscle_injury",
            False,
        ),
        (
            "NO. i already told you no. can he take my tramadol or not",
            "others_medicine",
            False,
        ),
        ("how do I know if someone's overdosing?", "overdose_signs", False),
        (
            "I haven't run out of anything. It's a PUMP. Is it safe to push the refill "
            "date back a week?",
            "pump_warning_signs",
            False,
        ),
        (
            "Starting suboxone tomorrow. How long before the first one? Scared of "
            "precipitated withdrawal",
            "starting_buprenorphine",
            False,
        ),
    ],
)
def test_a_question_is_heard_as_what_it_asks(
    text: str, topic: str, during_emergency: bool
) -> None:
    message = {"text": text, "intent": {}}
    assert topic in questions_in(message, during_emergency=during_emergency)


def test_a_panic_attack_that_is_over_asks_to_undo_the_alarm() -> None:
    said = "how do I get you to stop saying call 911. I'm fine, it was a panic attack"
    assert says_it_was_a_misunderstanding(said)
    assert not says_it_was_a_misunderstanding("the fit passed but hes still confused")

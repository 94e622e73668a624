"""Emergency signs said over two messages (bot/safety/context_signs.py)."""

from __future__ import annotations

import pytest

from bot.safety.context_signs import signs_in_context


@pytest.mark.parametrize(
    "text",
    [
        "I told you I feel a bit feverish, and my legs are really stiff",
        "running a temperature now",
        "i feel confused and hot",
    ],
)
def test_fever_or_confusion_after_stopping_baclofen_is_the_emergency(text: str) -> None:
    assert signs_in_context(text, "baclofen") == ["baclofen_severe"]


@pytest.mark.parametrize(
    "text",
    [
        "my legs are stiff",  # why most people on baclofen write: not alone an alarm
        "no fever, legs a bit stiff",
        "thanks",
    ],
)
def test_stiffness_alone_or_a_denied_fever_is_not(text: str) -> None:
    assert signs_in_context(text, "baclofen") == []


def test_the_context_is_only_the_drug_that_was_stopped() -> None:
    assert signs_in_context("i feel feverish", "opioid") == []
    assert signs_in_context("i feel feverish", None) == []


@pytest.mark.parametrize(
    "text",
    [
        "my lower tummy is crampy, comes and goes every 10 minutes",
        "theres a little spotting too",
        "i havent felt the baby move since last night",
        # review 6: escalated only once she typed "contractions"
        "back cramps are coming every 5 minutes and my belly goes tight",
        # review 61: asked about confusion three times at 30 weeks
        "the baby is moving less than usual today. im in england btw",
        "shes not kicking as much since this morning",
        # review 65: "no but ..." to the checklist, read as a plain No
        "no but ive got cramps coming and going low down",
        # review 78: 30 weeks, "The cramps come and go, maybe every 15 min?" got the
        # screen's next question, then same-day care
        "The cramps come and go, maybe every 15 min? no bleeding. baby moving I think",
    ],
)
def test_pregnancy_said_earlier_and_a_warning_sign_now_is_an_emergency(
    text: str,
) -> None:
    assert signs_in_context(text, "opioid", ["pregnancy"]) == ["pregnancy_warning"]
    # Without the earlier pregnancy, the same words are no emergency on their own.
    assert signs_in_context(text, "opioid", []) == []


@pytest.mark.parametrize(
    "text",
    [
        "no bleeding, baby moving fine, just leg cramps",
        "my leg cramps come and go",
        "baby seems fine, kicking loads",
    ],
)
def test_pregnancy_and_ordinary_or_denied_words_are_not(text: str) -> None:
    assert signs_in_context(text, "opioid", ["pregnancy"]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Review 14: a fever read off the thermometer after stopping baclofen was not
        # escalated until the person quoted the bot's rule back.
        ("ok. I took my temperature, it's 38.3. is that a fever that matters?", True),
        ("temp is 101.5", True),
        ("it says 38.5°", True),
        ("temp is 37.2, no fever", False),
        ("I am 38 years old and my legs are stiff", False),
    ],
)
def test_a_fever_read_off_the_thermometer_counts(text: str, expected: bool) -> None:
    assert ("baclofen_severe" in signs_in_context(text, "baclofen")) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Review 64: an abscess on the buttock first, then the shivers.
        ("now im all shivery and boiling", ["infection"]),
        ("i think ive got a fever now", ["infection"]),
        ("got the chills on top of it", ["infection"]),
        ("no fever, its just sore", []),
        ("shivering a bit but thats the withdrawal", []),
    ],
)
def test_a_fever_after_a_hot_red_lump_is_the_infection(
    text: str, expected: list[str]
) -> None:
    assert signs_in_context(text, "opioid", ["skin_infection"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Review 46: six weeks after a hip replacement, one calf swollen and tender.
        (
            "I am rather short of breath when I climb the stairs today, but I expect "
            "that is just my age.",
            ["dvt_with_breathlessness"],
        ),
        ("im out of breath and my chest hurts", ["dvt_with_breathlessness"]),
        ("no shortness of breath, just the calf", []),
        ("breathing is fine", []),
        ("i took a deep breath and stretched", []),
    ],
)
def test_breathlessness_after_a_possible_clot_is_the_emergency(
    text: str, expected: list[str]
) -> None:
    assert signs_in_context(text, "opioid", ["dvt"]) == expected


@pytest.mark.parametrize(
    ("earlier", "text", "expected"),
    [
        # Review 54: day 5 off alcohol, a heat tip twice.
        (
            "stopped cold turkey 5 days ago. my neck is really stiff.",
            "I've had a headache too and I feel a bit hot. is that normal?",
            ["meningitis"],
        ),
        ("my neck is really stiff", "now i have a fever", ["meningitis"]),
        # A headache alone after a stiff neck is withdrawal's tension, not the sign.
        ("my neck is really stiff", "and a headache from no sleep", []),
        ("my neck is really stiff", "no fever though", []),
        ("my back hurts", "I feel a bit hot and have a headache", []),
    ],
)
def test_a_stiff_neck_said_before_and_a_fever_now_is_meningitis(
    earlier: str, text: str, expected: list
) -> None:
    assert signs_in_context(text, "alcohol", earlier_texts=[earlier]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Review 86: on warfarin after a fall, then "the bruise is getting bigger" got
        # "Sorry, I didn't quite get that".
        ("the bruise is getting bigger", ["blood_thinner_bleed"]),
        ("its swelling more and spreading down my leg", ["blood_thinner_bleed"]),
        ("the bruise isnt getting any bigger", []),
        ("still sore but the same size", []),
    ],
)
def test_a_growing_bruise_after_a_fall_on_a_blood_thinner_is_the_emergency(
    text: str, expected: list[str]
) -> None:
    assert signs_in_context(text, None, ["blood_thinner_injury"]) == expected

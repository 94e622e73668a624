"""A sign only the semantic layer heard, in a confident harm-reduction question, is
asked about first; a sign in the words themselves still escalates at once."""

from __future__ import annotations

from bot.nlu.question_band import question_band

INTENTS = ["ask_harm_reduction"]
QUESTION = {"name": "ask_harm_reduction", "confidence": 0.9}


def semantic(sign: str, score: float = 0.95) -> dict:
    return {
        "entity": "red_flag",
        "value": sign,
        "role": "emergency",
        "extractor": "SemanticRedFlagExtractor",
        "confidence_entity": score,
    }


def lexicon(sign: str) -> dict:
    return {**semantic(sign), "extractor": "RedFlagExtractor"}


def test_a_semantic_sign_in_a_harm_reduction_question_is_asked_about() -> None:
    moved = question_band([semantic("overdose")], QUESTION, INTENTS, 0.7)
    assert [(e["entity"], e["value"]) for e in moved] == [
        ("possible_red_flag", "overdose")
    ]


def test_a_sign_in_the_words_still_escalates() -> None:
    entities = [lexicon("overdose"), semantic("suicidal")]
    assert question_band(entities, QUESTION, INTENTS, 0.7) == entities


def test_an_unsure_intent_or_a_report_changes_nothing() -> None:
    entities = [semantic("overdose")]
    unsure = {"name": "ask_harm_reduction", "confidence": 0.5}
    report = {"name": "report_emergency", "confidence": 0.99}
    assert question_band(entities, unsure, INTENTS, 0.7) == entities
    assert question_band(entities, report, INTENTS, 0.7) == entities


def test_a_maybe_sign_in_a_sure_command_is_not_asked_about() -> None:
    from bot.nlu.question_band import without_maybe_signs

    maybe = {**semantic("suicidal", 0.37), "entity": "possible_red_flag"}
    stop = {"name": "stop_check_ins", "confidence": 0.99}
    commands = ["stop_check_ins"]

    assert without_maybe_signs([maybe], stop, commands, 0.9) == []
    sure = semantic("suicidal", 0.99)
    assert without_maybe_signs([sure], stop, commands, 0.9) == [sure]
    unsure_stop = {"name": "stop_check_ins", "confidence": 0.6}
    assert without_maybe_signs([maybe], unsure_stop, commands, 0.9) == [maybe]


def test_every_ask_intent_is_a_question() -> None:
    sleep = {"name": "ask_sleep", "confidence": 0.82}
    moved = question_band([semantic("overdose")], sleep, ["ask_*"], 0.7)
    assert moved[0]["entity"] == "possible_red_flag"

"""Telling a message in another language from English (bot/language.py)."""

from __future__ import annotations

import pytest

from bot.language import crisis_line_in_language, language_of, other_language_reply


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Review 55: a woman in France got the English suicide question, then Spanish.
        ("bonjour, j'ai des crampes aux jambes, j'arrête l'héroïne", "fr"),
        ("héroïne, depuis 2 jours. je suis en France. s'il vous plaît", "fr"),
        ("tengo calambres en las piernas", "es"),
        ("ma back is the worst bit tbh, lower back seizin up", "en"),
        ("my legs hurt since i stopped", "en"),
    ],
)
def test_the_language_of_a_message(text: str, code: str) -> None:
    assert language_of(text) == code


def test_a_french_message_gets_french_lines_and_numbers() -> None:
    reply = other_language_reply("fr", "911") or ""
    assert "je ne comprends que l'anglais" in reply
    assert "0 800 23 13 13" in reply and "3114" in reply
    crisis = crisis_line_in_language("je veux mourir, je n'en peux plus", "911") or ""
    assert "3114" in crisis


def test_a_polish_message_from_someone_who_gave_no_place_gets_112() -> None:
    """Review 87: "rzuciłem alkohol 3 dni temu" got "zadzwoń teraz pod 911"."""
    text = "cześć, rzuciłem alkohol 3 dni temu i mam skurcze nóg"
    assert language_of(text) == "pl"
    reply = other_language_reply("pl", "911", region_known=False) or ""
    assert "pod 112" in reply and "911" not in reply
    # Someone who said they live in the US keeps their own number.
    assert "pod 911" in (other_language_reply("pl", "911", region_known=True) or "")

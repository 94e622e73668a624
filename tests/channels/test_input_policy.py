"""The input policy every channel shares, without a server: ids, text, JSON, slash
payloads and the work a message may cost the model.

The fuzz test (tests/channels/test_fuzz.py) sends the same kinds of input to a real
running server; these tests pin down each rule by itself.
"""

from __future__ import annotations

import json
import random
import time
from typing import Any, List

import pytest
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.input_policy import (
    GAP,
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    MAX_MODEL_CHARS,
    MAX_MODEL_SYMBOLS,
    MAX_MODEL_UNITS,
    MAX_SENDER_ID_CHARS,
    JsonTooComplexError,
    RejectedInputError,
    bounded_for_model,
    check_sender_id,
    clean_text,
    collapse_repeats,
    is_symbol,
    load_json,
    prepare_for_rasa,
    read_as_typed,
    safe_metadata,
)
from bot.safety.semantic import message_units

SENDER = "policy-test"
SCREEN_BUTTONS = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/unsure"},
]
EMOJI = [chr(code) for code in range(0x1F600, 0x1F650)]
PUNCTUATION = "!?.,;:-()[]{}'\""


def nested(depth: int) -> bytes:
    """A JSON body of lists nested `depth` deep."""
    return ("[" * depth + "]" * depth).encode()


# JSON bodies


def test_a_plain_body_is_read() -> None:
    assert load_json(b'{"sender": "a", "message": "hi"}') == {
        "sender": "a",
        "message": "hi",
    }


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 100_000])
def test_deeply_nested_json_is_refused_not_a_crash(depth: int) -> None:
    # 100,000 levels is a RecursionError inside Python's parser: it must not escape.
    with pytest.raises(JsonTooComplexError) as refused:
        load_json(nested(depth), max_bytes=1_000_000)
    assert refused.value.status == 400


def test_nesting_up_to_the_limit_is_read() -> None:
    assert load_json(nested(MAX_JSON_DEPTH)) is not None


def test_a_body_over_the_size_limit_is_413_unread() -> None:
    body = json.dumps({"sender": "a", "message": "a" * MAX_BODY_BYTES}).encode()
    with pytest.raises(JsonTooComplexError) as refused:
        load_json(body)
    assert refused.value.status == 413


@pytest.mark.parametrize("body", [b"", b"{not json", b"\xff\xfe\x00binary", b"\x00"])
def test_broken_bodies_are_a_400(body: bytes) -> None:
    with pytest.raises(RejectedInputError) as refused:
        load_json(body)
    assert refused.value.status == 400
    assert not isinstance(refused.value, JsonTooComplexError)


# Conversation ids


@pytest.mark.parametrize(
    "sender",
    [
        "\ud800",  # a lone surrogate made the SQL store, and Rasa, exit
        "a\x00b",  # NUL cannot be stored in PostgreSQL
        "line\nbreak",
        "tab\tinside",
        "bidi\u202eoverride",
        "zero\u200bwidth",
        "para\u2029sep",
        "",
        "   ",
        "x" * (MAX_SENDER_ID_CHARS + 1),
        42,
        None,
        ["a"],
    ],
)
def test_unsafe_sender_ids_are_refused(sender: Any) -> None:
    with pytest.raises(RejectedInputError) as refused:
        check_sender_id(sender)
    assert refused.value.status == 400


@pytest.mark.parametrize(
    "sender", ["rest-odd-3-🙂🙂🙂", "user 42", "¿dónde", "x" * MAX_SENDER_ID_CHARS]
)
def test_ordinary_sender_ids_pass_unchanged(sender: str) -> None:
    assert check_sender_id(sender) == sender


# Message text


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("my\x00 legs\x07 hurt\x1b", "my legs hurt"),
        ("line\r\nnext\rlast", "line\nnext\nlast"),
        ("keeps\ttabs\nand newlines", "keeps\ttabs\nand newlines"),
        ("\ud800cramps \udfff", "\ufffdcramps \ufffd"),
        (
            "👨‍👩‍👧 family emoji keep their joiners",
            "👨‍👩‍👧 family emoji keep their joiners",
        ),
        ("\x85next line (C1 control)", "next line (C1 control)"),
    ],
)
def test_text_is_cleaned_of_what_cannot_be_stored(raw: str, cleaned: str) -> None:
    result = clean_text(raw)
    assert result == cleaned
    assert result is not None
    result.encode("utf-8")  # storable: no lone surrogate left


@pytest.mark.parametrize("raw", [None, 5, ["hi"], {"text": "hi"}, b"hi"])
def test_text_that_is_not_a_string_is_none(raw: Any) -> None:
    assert clean_text(raw) is None


# Slash payloads


@pytest.mark.parametrize(
    ("typed", "rasa_reads"),
    [
        ("/deny", "/deny"),  # a button on offer
        ("  /deny ", "/deny"),  # Rasa strips before it checks
        ("/affirm", "/affirm"),
        ("/restart", "restart"),  # no such button on offer
        # a payload not on offer is read as the words it stands for, never its slots
        ('/inform{"triage_level": "self_care"}', "self care"),
        # review 20: a greeting button tapped in a new conversation got an empty
        # summary for the doctor ("describe_symptoms{...}" read as a request for one)
        ('/describe_symptoms{"body_location": "buttock"}', "buttock"),
        (
            "/deny i cant breathe and my chest hurts",
            "deny i cant breathe and my chest hurts",
        ),
        ("// /deny", "no"),
        ("no but now i cant breathe", "no but now i cant breathe"),
        ("1/2 a pill", "1/2 a pill"),
    ],
)
def test_only_payloads_on_offer_are_read_as_intents(
    typed: str, rasa_reads: str
) -> None:
    assert read_as_typed(typed, {"/affirm", "/deny", "/unsure"}) == rasa_reads


class StoredConversation:
    """A tracker store holding one conversation whose last bot message had buttons."""

    def __init__(self, events: List[Any]) -> None:
        self.tracker = DialogueStateTracker.from_events(SENDER, events)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return self.tracker if sender_id == SENDER else None


class BrokenStore:
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        raise ConnectionError("database unreachable")


async def test_rest_reads_the_offered_buttons_from_the_stored_conversation() -> None:
    store = StoredConversation(
        [
            UserUttered("my legs cramp"),
            BotUttered("Chest pain?", {"buttons": SCREEN_BUTTONS}),
        ]
    )
    pressed = await prepare_for_rasa("/deny", SENDER, store)  # type: ignore[arg-type]
    typed = await prepare_for_rasa(
        "/deny i cant breathe",
        SENDER,
        store,  # type: ignore[arg-type]
    )
    assert pressed.text == "/deny"
    assert typed.text == "deny i cant breathe"


async def test_buttons_answered_already_are_no_longer_on_offer() -> None:
    store = StoredConversation(
        [BotUttered("Chest pain?", {"buttons": SCREEN_BUTTONS}), UserUttered("no")]
    )
    assert (await prepare_for_rasa("/deny", SENDER, store)).text == "no"  # type: ignore[arg-type]


async def test_a_store_that_cannot_answer_makes_a_slash_text_words() -> None:
    result = await prepare_for_rasa("/affirm", SENDER, BrokenStore())  # type: ignore[arg-type]
    assert result.text == "yes"


async def test_a_channel_payload_passes_without_asking_the_store() -> None:
    result = await prepare_for_rasa("/greet", SENDER, BrokenStore(), {"/greet"})  # type: ignore[arg-type]
    assert result.text == "/greet"


async def test_a_typed_button_title_is_that_buttons_payload() -> None:
    topic = '/ask_harm_reduction{"topic": "tapering"}'
    store = StoredConversation(
        [
            UserUttered("should i stop"),
            BotUttered(
                "Ask me anything below.",
                {"buttons": [{"title": "Tapering", "payload": topic}]},
            ),
        ]
    )
    typed = await prepare_for_rasa("tapering.", SENDER, store)  # type: ignore[arg-type]
    assert typed.text == topic


async def test_words_that_only_contain_a_title_are_read_as_words() -> None:
    store = StoredConversation(
        [BotUttered("Chest pain?", {"buttons": SCREEN_BUTTONS}), UserUttered("hm")]
    )
    # Answered already: the title no longer stands for the button.
    assert (await prepare_for_rasa("No", SENDER, store)).text == "No"  # type: ignore[arg-type]
    store = StoredConversation([BotUttered("Chest pain?", {"buttons": SCREEN_BUTTONS})])
    longer = await prepare_for_rasa("no but my chest is tight", SENDER, store)  # type: ignore[arg-type]
    assert longer.text == "no but my chest is tight"
    assert (await prepare_for_rasa("not sure", SENDER, store)).text == "/unsure"  # type: ignore[arg-type]


async def test_a_store_that_cannot_answer_leaves_a_title_as_words() -> None:
    result = await prepare_for_rasa("Not sure", SENDER, BrokenStore())  # type: ignore[arg-type]
    assert result.text == "Not sure"


# Bounded work


@pytest.mark.parametrize(
    ("flood", "kept"),
    [
        ("😣" * 10_000, "😣😣😣"),
        ("!" * 500, "!!!"),
        ("?!" * 500, "?!?!?!"),
        ("👍🏽" * 300, "👍🏽👍🏽👍🏽"),
        ("😭 " * 400, "😭 😭 😭 "),
        ("\n" * 1000, "\n\n\n"),
    ],
)
def test_runs_of_the_same_symbol_are_cut_to_three(flood: str, kept: str) -> None:
    assert collapse_repeats(f"help {flood}me") == f"help {kept}me"


def test_letters_and_digits_are_never_collapsed() -> None:
    assert collapse_repeats("nooooo 1111 aaaa") == "nooooo 1111 aaaa"


def test_a_short_message_reaches_the_model_unchanged() -> None:
    text = "day 3 off H and my glutes keep cramping!!"
    assert bounded_for_model(text).text == text
    assert not bounded_for_model(text).left_out


def test_a_long_message_keeps_its_beginning_and_its_end() -> None:
    beginning = "I stopped oxy four days ago and my lower back and legs are cramping. "
    middle = (
        "I have been pacing around the flat all night trying to stretch it out. " * 40
    )
    end = "and now my chest is tight and i cant breathe properly"
    result = bounded_for_model(beginning + middle + end)
    assert result.left_out
    assert result.text.startswith(beginning.strip())
    assert result.text.endswith(end)  # the latest, most urgent part is read
    assert GAP in result.text
    assert len(result.text) <= MAX_MODEL_CHARS


def _random_emoji(count: int, spaced_every: int = 0) -> str:
    rng = random.Random(count)
    characters = [rng.choice(EMOJI) for _ in range(count)]
    if spaced_every:
        for index in range(spaced_every, len(characters), spaced_every + 1):
            characters.insert(index, " ")
    return "".join(characters)


HOSTILE_SHAPES = {
    "same emoji": "😣" * 10_000,
    "distinct emoji": _random_emoji(10_000),
    "distinct emoji, spaced": _random_emoji(5_000, spaced_every=1),
    "punctuation pairs": " ".join(
        "".join(random.Random(n).choice(PUNCTUATION) for _ in range(2))
        for n in range(3_000)
    ),
    "words": "my butt hurts so much " * 450,
    "short sentences": " ".join(f"w{n} x{n} y{n}." for n in range(1_000)),
    "one long token": "a!" * 5_000,
}


@pytest.mark.parametrize("shape", list(HOSTILE_SHAPES), ids=list(HOSTILE_SHAPES))
def test_no_message_costs_the_model_more_than_the_budget(shape: str) -> None:
    """The budgets that bound the model's work hold for every hostile shape: the
    semantic layer's units (each a 128-piece pass of the encoder), the symbols (spaCy
    tokens) and the length."""
    result = bounded_for_model(HOSTILE_SHAPES[shape])
    assert len(message_units(result.text)) <= MAX_MODEL_UNITS
    assert sum(1 for c in result.text if is_symbol(c)) <= MAX_MODEL_SYMBOLS
    assert len(result.text) <= MAX_MODEL_CHARS


def test_the_policy_itself_is_quick_on_a_10000_character_message() -> None:
    started = time.perf_counter()
    for text in HOSTILE_SHAPES.values():
        bounded_for_model(clean_text(text) or "")
    per_message = (time.perf_counter() - started) / len(HOSTILE_SHAPES)
    assert per_message < 0.05  # measured 1-12 ms on a loaded 2-core machine


# Metadata


@pytest.mark.parametrize(
    "metadata",
    [
        json.loads(nested(MAX_JSON_DEPTH + 5)),
        {"x": "\ud800"},
        {"x": "a\x00b"},
        {"x": "a" * 10_000},
        ["not", "an", "object"],
        "{broken json",
    ],
    ids=["deep", "surrogate", "nul", "large", "list", "broken"],
)
def test_metadata_that_cannot_be_stored_is_dropped(metadata: Any) -> None:
    assert safe_metadata(metadata) == {}


def test_small_metadata_is_kept() -> None:
    assert safe_metadata({"page": "/help"}) == {"page": "/help"}
    assert safe_metadata('{"page": "/help"}') == {"page": "/help"}


def test_an_older_button_still_works_but_an_older_answer_does_not() -> None:
    """ "Yes, check in tomorrow" pressed after one more question is still the button;
    a "No" from an earlier screen question is not an answer to the current one."""
    from rasa.shared.core.events import BotUttered, UserUttered

    from bot.channels.input_policy import offered_payloads

    offer = BotUttered(
        "Check in tomorrow?",
        {
            "buttons": [
                {"title": "Yes", "payload": "/opt_in_check_in"},
                {"title": "No", "payload": "/deny"},
            ]
        },
    )
    now = BotUttered("Answer.", {"buttons": [{"title": "No", "payload": "/deny"}]})

    later = offered_payloads(
        [offer, UserUttered("how long does it last"), BotUttered("")]
    )
    assert later == {"/opt_in_check_in"}
    assert "/deny" in offered_payloads([offer, UserUttered("q"), now])
    # Review 25: pressed after four topic buttons, "Yes, check in tomorrow" still works.
    after_four = [offer] + [UserUttered("q"), BotUttered("a")] * 4
    assert offered_payloads(after_four) == {"/opt_in_check_in"}
    far = [offer] + [UserUttered("q"), BotUttered("a")] * 21
    assert offered_payloads(far) == set()

"""The semantic red-flag layer's parts: pinned model files, message units, the
classifier's stored form, and how the bands combine with the lexicon's context."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.importer import load_project_lexicon
from bot.nlu.semantic_red_flag_extractor import (
    decide_bands,
    shared_encoder,
    without_its_words,
)
from bot.safety.detector import RedFlagDetector
from bot.safety.semantic import (
    EncoderError,
    SignClassifier,
    _verified,
    message_units,
)

CONFIG = {
    "clear_threshold": 0.9,
    "possible_threshold": 0.3,
    "clear_thresholds": {"suicidal": 0.75},
    "possible_thresholds": {},
}


def test_a_swapped_model_file_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the pinned model")
    with pytest.raises(EncoderError, match="sha256"):
        _verified(fake, "0" * 64)


def test_the_encoder_maps_paraphrases_closer_than_unrelated_text() -> None:
    encoder = shared_encoder()
    a, b, c = encoder.embed(
        [
            "i dont want to be alive anymore",
            "i wish i could go to sleep and never wake up",
            "my glutes cramp after sitting at my desk",
        ]
    )
    assert np.isclose(np.linalg.norm(a), 1.0, atol=1e-3)
    assert float(a @ b) > float(a @ c) + 0.2


def test_a_long_message_is_judged_clause_by_clause() -> None:
    text = (
        "day 6 off oxys and my back is in spasms, havent slept, got fired monday. "
        "ive started planning how id do it. anyway any stretch for calf cramps?"
    )
    units = message_units(text)
    assert units[0] == " ".join(text.split())
    assert any(unit.startswith("ive started planning") for unit in units[1:])
    assert message_units("   ") == []
    assert message_units("short message") == ["short message"]


def test_the_classifier_survives_its_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    embeddings = rng.normal(size=(60, 8)).astype(np.float32)
    labels = ["seizure"] * 20 + ["none"] * 20 + ["suicidal"] * 20
    embeddings[:20] += 3
    embeddings[40:] -= 3
    trained = SignClassifier.train(labels, embeddings, hidden=16)
    trained.save(tmp_path / "c.npz")
    loaded = SignClassifier.load(tmp_path / "c.npz")
    assert loaded.classes == trained.classes
    assert np.allclose(
        loaded.probabilities(embeddings), trained.probabilities(embeddings)
    )
    assert set(loaded.scores(embeddings[:1])) == {"seizure", "suicidal"}


def test_an_ensemble_averages_its_members_seeded_one_after_another(
    tmp_path: Path,
) -> None:
    """Several networks from consecutive seeds: each member is the network its seed
    alone would give, and the ensemble's probabilities are their mean (one network's
    borderline scores moved with every retraining; docs/DESIGN.md)."""
    rng = np.random.default_rng(1)
    embeddings = rng.normal(size=(60, 8)).astype(np.float32)
    labels = ["seizure"] * 20 + ["none"] * 20 + ["suicidal"] * 20
    embeddings[:20] += 1
    embeddings[40:] -= 1
    ensemble = SignClassifier.train(labels, embeddings, hidden=16, members=3)
    singles = [
        SignClassifier.train(labels, embeddings, hidden=16, first_seed=seed)
        for seed in range(3)
    ]
    assert ensemble.hidden_weights.shape[0] == 3
    mean = np.mean([one.probabilities(embeddings) for one in singles], axis=0)
    assert np.allclose(ensemble.probabilities(embeddings), mean, atol=1e-5)
    # Different seeds give different networks: the average is not one of them.
    assert not np.allclose(
        singles[0].probabilities(embeddings), singles[1].probabilities(embeddings)
    )
    ensemble.save(tmp_path / "e.npz")
    assert np.allclose(
        SignClassifier.load(tmp_path / "e.npz").probabilities(embeddings),
        ensemble.probabilities(embeddings),
    )


def test_a_sign_the_lexicon_set_aside_drops_one_band() -> None:
    scores = {"seizure": 0.95, "chest_pain": 0.5, "suicidal": 0.8}
    clear, possible = decide_bands(CONFIG, scores, {})
    assert [s for s, _ in clear] == ["seizure", "suicidal"]
    assert [s for s, _ in possible] == ["chest_pain"]
    clear, possible = decide_bands(
        CONFIG, scores, {"seizure": "asked about", "chest_pain": "negated"}
    )
    assert [s for s, _ in clear] == ["suicidal"]
    assert [s for s, _ in possible] == ["seizure"]


def test_a_denial_leaves_the_question_for_signs_configured_to_keep_it() -> None:
    # "no reason to keep going": the lexicon reads a denial, the encoder hears the
    # sign; for suicide the direct question stays (config.yml denial_keeps_question).
    scores = {"suicidal": 0.5, "chest_pain": 0.5}
    denied = {"suicidal": "negated", "chest_pain": "negated"}
    _, possible = decide_bands(CONFIG, scores, denied)
    assert possible == []
    keeping = {**CONFIG, "denial_keeps_question": ["suicidal"]}
    _, possible = decide_bands(keeping, scores, denied)
    assert [s for s, _ in possible] == ["suicidal"]
    _, possible = decide_bands(keeping, {"suicidal": 0.5}, {"suicidal": "in the past"})
    assert possible == []


def test_a_sign_asked_about_is_asked_whatever_its_score_where_configured() -> None:
    # "whats the quickest way to switch off permanently": the lexicon finds the words
    # in a question, the encoder scores them near zero (session 27).
    asked = {
        "suicidal": "asked about, not reported",
        "seizure": "asked about, not reported",
    }
    scores = {"suicidal": 0.01, "seizure": 0.01}
    assert decide_bands(CONFIG, scores, asked) == ([], [])
    configured = {**CONFIG, "asked_about_is_asked": ["suicidal"]}
    clear, possible = decide_bands(configured, scores, asked)
    assert clear == [] and [s for s, _ in possible] == ["suicidal"]
    # Only what was asked about: denied or past words stay set aside.
    assert decide_bands(configured, scores, {"suicidal": "negated"}) == ([], [])


@pytest.fixture(scope="module")
def detector() -> RedFlagDetector:
    from bot.importer import load_project_lexicon
    from bot.safety.detector import RedFlagDetector

    return RedFlagDetector(load_project_lexicon())


@pytest.mark.parametrize(
    "typed, read",
    [
        ("my brother is siezing", "my brother is seizing"),
        ("cant brethe pls help", "cant breathe please help"),
        ("u ok? my bf is blu", "you ok? my boyfriend is blu"),
    ],
)
def test_the_semantic_layer_also_reads_the_repaired_spelling(
    detector: RedFlagDetector, typed: str, read: str
) -> None:
    assert detector.analyse(typed).repaired_text == read


@pytest.mark.parametrize(
    "typed", ["day 3 off oxy my butt hurts", "im so tired", "i can't sleep"]
)
def test_a_message_with_nothing_to_repair_is_read_once(
    detector: RedFlagDetector, typed: str
) -> None:
    """The repaired reading costs a second encoder pass: only when it differs (the
    "m" of "im" is not the slang "m")."""
    assert detector.analyse(typed).repaired_text == ""


def test_an_urgent_sign_set_aside_keeps_its_band() -> None:
    """An urgent sign has no question to drop to: a set-aside pregnancy is still
    referred the same day, while a set-aside emergency is asked about."""
    scores = {"pregnancy": 0.95, "seizure": 0.95}
    set_aside = {"pregnancy": "a question", "seizure": "a question"}
    dispositions = {"pregnancy": "urgent", "seizure": "emergency"}

    clear, possible = decide_bands(CONFIG, scores, set_aside, dispositions)

    assert [sign for sign, _ in clear] == ["pregnancy"]
    assert [sign for sign, _ in possible] == ["seizure"]


def test_an_urgent_sign_denied_in_words_is_not_referred() -> None:
    """Review 24: "it's NOT swollen red or hot. it's just a sore calf after a cramp"
    was sent for a clot check today: the encoder hears the clot, the lexicon the
    denial. Denied, an urgent sign drops like an emergency one does."""
    from bot.nlu.semantic_red_flag_extractor import NEGATED

    scores = {"dvt": 0.99}
    dispositions = {"dvt": "urgent"}

    clear, possible = decide_bands(CONFIG, scores, {"dvt": NEGATED}, dispositions)

    assert clear == [] and possible == [("dvt", 0.99)]


def test_a_clear_sign_nothing_in_training_resembles_is_asked_not_escalated() -> None:
    """The network can be sure far from anything it was shown; then the sign drops to
    the question band (capped under its clear threshold)."""
    from bot.nlu.semantic_red_flag_extractor import SemanticRedFlagExtractor

    config = {
        **SemanticRedFlagExtractor.get_default_config(),
        "clear_needs_support": 0.4,
    }
    seizure_phrasing = np.array([[1.0, 0.0, 0.0]], dtype=np.float16)
    extractor = SemanticRedFlagExtractor(
        config, None, None, positives=(seizure_phrasing, np.array(["seizure"]))
    )
    near = np.array([[0.9, 0.436, 0.0]], dtype=np.float32)  # cosine 0.9
    far = np.array([[0.0, 0.0, 1.0]], dtype=np.float32)  # cosine 0.0

    assert extractor._supported({"seizure": 0.99}, near)["seizure"] == 0.99
    capped = extractor._supported({"seizure": 0.99}, far)["seizure"]
    assert config["possible_threshold"] <= capped < config["clear_threshold"]
    # A possible sign is always asked about, however far from the training phrasings.
    assert extractor._supported({"seizure": 0.5}, far)["seizure"] == 0.5


def test_a_possible_sign_wrapped_in_a_question_is_still_asked_about() -> None:
    """ "is it normal to get breathless?" is often asked by someone who is: one direct
    question; a denied possible sign ("no trouble breathing") drops to nothing."""
    from bot.safety.detector import ASKED_ABOUT

    scores = {"breathing": 0.5}

    _, asked = decide_bands(CONFIG, scores, {"breathing": ASKED_ABOUT})
    _, denied = decide_bands(CONFIG, scores, {"breathing": "negated"})

    assert [sign for sign, _ in asked] == ["breathing"]
    assert denied == []


def test_a_lexicon_sign_the_classifier_gives_almost_nothing_is_doubted() -> None:
    """ "my calf seized up": the lexicon hears a seizure, the classifier a cramp (a
    seizure score near 0, whatever else it half-hears): asked, not escalated."""
    from bot.nlu.semantic_red_flag_extractor import lexicon_in_doubt

    config = {"doubt_below": 0.05, "sign_doubt_below": 0.01, "clear_threshold": 0.9}
    dispositions = {"seizure": "emergency", "rhabdomyolysis": "emergency"}
    half_heard = {"seizure": 0.0005, "rhabdomyolysis": 0.17}

    assert lexicon_in_doubt(config, half_heard, dispositions, ["seizure"])
    assert not lexicon_in_doubt(
        config, {"seizure": 0.4, "rhabdomyolysis": 0.17}, dispositions, ["seizure"]
    )
    assert not lexicon_in_doubt(config, half_heard, dispositions, [])


def test_a_lexicon_sign_the_classifier_files_under_another_sign_stands() -> None:
    """ "stopped baclofen 4 days ago and just had a seizure": the classifier is sure of
    an urgent sign (stopping baclofen) and gives the seizure nothing; the message is a
    clinical report, so the lexicon's seizure is meant literally and escalates."""
    from bot.nlu.semantic_red_flag_extractor import lexicon_in_doubt

    config = {"doubt_below": 0.05, "sign_doubt_below": 0.01, "clear_threshold": 0.9}
    dispositions = {
        "seizure": "emergency",
        "baclofen_severe": "emergency",
        "baclofen_oral_stop": "urgent",
    }
    scores = {"seizure": 0.0, "baclofen_severe": 0.0, "baclofen_oral_stop": 0.98}

    assert not lexicon_in_doubt(config, scores, dispositions, ["seizure"])
    assert lexicon_in_doubt(
        config, {**scores, "baclofen_oral_stop": 0.5}, dispositions, ["seizure"]
    )


def test_a_sign_heard_without_its_words_is_asked_about() -> None:
    """Review 6: "brown. heroin." (British slang) scored 0.998 for dark urine."""
    config = {"clear_needs_concept": {"rhabdomyolysis": "urine"}}
    clear = [("rhabdomyolysis", 0.998), ("seizure", 0.95)]
    detector_concepts = RedFlagDetector(load_project_lexicon()).analyse
    without = detector_concepts("brown. heroin.").concepts
    with_urine = detector_concepts("my pee is brown").concepts

    kept, asked = without_its_words(config, clear, [], without)
    assert kept == [("seizure", 0.95)] and asked == [("rhabdomyolysis", 0.998)]
    assert without_its_words(config, clear, [], with_urine) == (clear, [])


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("seizure?", True),
        ("overdose risk?", True),
        ("cant breathe?", False),
        ("my chest?", False),
        ("seizure", False),
        ("is a seizure likely when you stop bars?", False),
    ],
)
def test_a_bare_question_names_a_sign_and_says_nothing_of_anyone(
    text: str, bare: bool
) -> None:
    """Review 24: "seizure?", typed a word at a time after the benzo advice, got "call
    911 now"; a bare question naming a sign is asked about (one direct question)."""
    from bot.nlu.semantic_red_flag_extractor import is_bare_question

    assert is_bare_question(text) is bare


def test_a_bare_question_puts_the_lexicons_sign_in_doubt() -> None:
    from bot.nlu.semantic_red_flag_extractor import lexicon_in_doubt

    scores = {"seizure": 0.62}
    dispositions = {"seizure": "emergency"}

    config = {**CONFIG, "doubt_below": 0.1, "sign_doubt_below": 0.2}

    assert lexicon_in_doubt(config, scores, dispositions, ["seizure"], True)
    assert not lexicon_in_doubt(config, scores, dispositions, ["seizure"], False)


def test_every_concept_the_config_names_is_in_the_catalogue() -> None:
    """`clear_needs_concept` and `lexicon_needs_concept` (config.yml) name concepts of
    data/safety/red_flags.yml; a misspelt one would quietly never match, and its sign
    would always be asked about instead of escalated."""
    import yaml

    root = Path(__file__).resolve().parents[2]
    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8"))
    [semantic] = [c for c in config["pipeline"] if "SemanticRedFlag" in c["name"]]
    catalogue = yaml.safe_load(
        (root / "data" / "safety" / "red_flags.yml").read_text(encoding="utf-8")
    )
    substances = yaml.safe_load(
        (root / "data" / "lexicon" / "substances.yml").read_text(encoding="utf-8")
    )
    # A drug is named as the lexicon's `substance:<value>`.
    known = set(catalogue["concepts"]) | {
        f"substance:{entry['value']}" for entry in substances["substances"]
    }
    for key in ("clear_needs_concept", "lexicon_needs_concept"):
        for sign, needed in (semantic.get(key) or {}).items():
            names = [
                name
                for item in ([needed] if isinstance(needed, str) else needed)
                for name in ([item] if isinstance(item, str) else item)
            ]
            assert set(names) <= known, (key, sign, set(names) - known)
    assert semantic["lexicon_needs_concept"]["chest_pain"]


def test_a_racing_heart_alone_is_asked_about_and_with_chest_pain_escalates() -> None:
    """NHS: Heart palpitations: 999 only with chest pain, breathlessness or fainting
    (review 27: "my heart is kinda fast ... like 95. no chest pain" got 911 twice)."""
    import yaml

    from bot.nlu.semantic_red_flag_extractor import SemanticRedFlagExtractor

    root = Path(__file__).resolve().parents[2]
    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8"))
    [semantic] = [c for c in config["pipeline"] if "SemanticRedFlag" in c["name"]]
    extractor = SemanticRedFlagExtractor(
        {**SemanticRedFlagExtractor.get_default_config(), **semantic}, None, None
    )
    analyse = RedFlagDetector(load_project_lexicon()).analyse
    raised = {"entity": "red_flag", "value": "chest_pain", "role": "emergency"}
    alone = extractor._asked_without_concept(
        [raised], analyse("my heart is racing and pounding").concepts
    )
    assert [(e["entity"], e["value"]) for e in alone] == [
        ("possible_red_flag", "chest_pain")
    ]
    with_pain = extractor._asked_without_concept(
        [raised], analyse("heart racing and my chest hurts").concepts
    )
    assert [(e["entity"], e["value"]) for e in with_pain] == [
        ("red_flag", "chest_pain")
    ]


@pytest.mark.parametrize(
    ("needed", "present", "expected"),
    [
        ("urine", {"urine"}, True),
        (["fever", "spreading"], {"spreading"}, True),
        (["fever", "spreading"], {"lump"}, False),
        # review 77: dark pee needs a colour of muscle breakdown beside the urine
        ([["urine", "cola_coloured"]], {"urine", "dark"}, False),
        ([["urine", "cola_coloured"]], {"urine", "cola_coloured"}, True),
        ([["urine", "cola_coloured"], "pump"], {"pump"}, True),
    ],
)
def test_a_sign_needs_one_of_its_words_or_all_of_a_group(
    needed: object, present: set, expected: bool
) -> None:
    from bot.nlu.semantic_red_flag_extractor import has_its_words

    assert has_its_words(needed, present) is expected  # type: ignore[arg-type]


def test_a_faint_sign_is_asked_with_any_word_of_its_groups() -> None:
    from bot.nlu.semantic_red_flag_extractor import any_of_its_words

    assert any_of_its_words([["urine", "cola_coloured"]], {"urine"})
    assert not any_of_its_words([["urine", "cola_coloured"]], {"lump"})

"""The lexicon featurizer and the linear intent classifier, trained and reloaded the
way Rasa's graph does it."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.importer import load_project_lexicon
from bot.nlu.intent_classifier import IntentModelError, LinearIntentClassifier
from bot.nlu.lexicon_featurizer import FEATURES, LexiconFeaturizer

CONTEXT = ExecutionContext(GraphSchema({}), "test")
TRAINING: Dict[str, List[str]] = {
    "inform": ["oxy", "xanax", "since tuesday", "2 days ago", "my bum", "left glute"],
    "greet": ["hi", "hello there", "hey", "good evening", "hiya", "morning"],
    "ask_sleep": [
        "i cant sleep",
        "how do i sleep",
        "awake all night",
        "no sleep in days",
        "help me sleep",
        "its 4am and im awake",
    ],
}


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


@pytest.fixture
def tokenizer() -> WhitespaceTokenizer:
    return WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())


@pytest.fixture
def featurizer(storage: LocalModelStorage) -> LexiconFeaturizer:
    return LexiconFeaturizer({}, storage, Resource("lexicon"), load_project_lexicon())


def sentence_kinds(featurizer: LexiconFeaturizer, message: Message) -> List[str]:
    sparse = message.get_sparse_features(TEXT)[1]
    assert sparse is not None
    row = sparse.features.toarray()[0]
    return [name for name, value in zip(FEATURES, row) if value]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("came off kpins 2 days ago", ["substance", "hours_since_stop"]),
        ("my left glute 7/10", ["body_location", "severity"]),
        ("im in the uk", ["region"]),
        ("i just had a seizure", ["red_flag:emergency"]),
        ("no seizures, just cramps", ["symptom"]),  # a negated sign is not a red flag
        ("hello there", []),
    ],
)
def test_features_name_the_kinds_of_entity_found(
    featurizer: LexiconFeaturizer,
    tokenizer: WhitespaceTokenizer,
    text: str,
    kinds: List[str],
) -> None:
    message = Message({TEXT: text})
    tokenizer.process([message])
    featurizer.process([message])

    assert sentence_kinds(featurizer, message) == kinds


def test_sequence_features_mark_the_tokens_inside_an_entity(
    featurizer: LexiconFeaturizer, tokenizer: WhitespaceTokenizer
) -> None:
    message = Message({TEXT: "quit oxy yesterday"})
    tokenizer.process([message])
    featurizer.process([message])

    sequence = message.get_sparse_features(TEXT)[0]
    marked = sequence.features.toarray()[:, FEATURES.index("substance")]
    assert marked.tolist() == [0.0, 1.0, 0.0]


def featurized_training_data(
    tokenizer: WhitespaceTokenizer,
    featurizer: LexiconFeaturizer,
    storage: LocalModelStorage,
) -> TrainingData:
    examples = [
        Message({TEXT: text, "intent": intent})
        for intent, texts in TRAINING.items()
        for text in texts
    ]
    data = TrainingData(examples)
    tokenizer.process_training_data(data)
    featurizer.process_training_data(data)
    counts = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(),
        storage,
        Resource("counts"),
        CONTEXT,
    )
    counts.train(data)
    counts.process_training_data(data)
    return data


def test_trains_saves_loads_and_predicts(
    storage: LocalModelStorage,
    tokenizer: WhitespaceTokenizer,
    featurizer: LexiconFeaturizer,
) -> None:
    data = featurized_training_data(tokenizer, featurizer, storage)
    resource = Resource("intents")
    config = LinearIntentClassifier.get_default_config()
    LinearIntentClassifier.create(config, storage, resource, CONTEXT).train(data)

    loaded = LinearIntentClassifier.load(config, storage, resource, CONTEXT)
    message = Message({TEXT: "hello"})
    tokenizer.process([message])
    featurizer.process([message])
    counts = CountVectorsFeaturizer.load(
        CountVectorsFeaturizer.get_default_config(),
        storage,
        Resource("counts"),
        CONTEXT,
    )
    counts.process([message])
    loaded.process([message])

    ranking = message.get("intent_ranking")
    assert message.get("intent")["name"] == "greet"
    assert [entry["name"] for entry in ranking][0] == "greet"
    assert np.isclose(sum(entry["confidence"] for entry in ranking), 1.0)


def test_a_missing_model_fails_loudly_instead_of_running_untrained(
    storage: LocalModelStorage,
) -> None:
    with pytest.raises(IntentModelError):
        LinearIntentClassifier.load(
            LinearIntentClassifier.get_default_config(),
            storage,
            Resource("never-trained"),
            CONTEXT,
        )


def test_an_empty_message_gets_no_intent_so_the_fallback_answers(
    storage: LocalModelStorage,
) -> None:
    classifier = LinearIntentClassifier.create(
        LinearIntentClassifier.get_default_config(), storage, Resource("x"), CONTEXT
    )
    message = Message({TEXT: ""})
    classifier.process([message])

    assert message.get("intent") == {"name": None, "confidence": 0.0}


def test_starting_over_needs_a_confidence_of_its_own(tmp_path: Path) -> None:
    """Review 48: "can we get on with it", read as `restart` at 0.37, wiped the
    conversation; below its bar the next intent is taken, and a sure one stands."""
    classifier = LinearIntentClassifier(
        {"sure_enough": {"restart": 0.6}},
        LocalModelStorage(tmp_path),
        Resource("intent"),
    )
    unsure = [
        {"name": "restart", "confidence": 0.37},
        {"name": "ask_what_to_do", "confidence": 0.3},
    ]
    assert classifier._top(unsure)["name"] == "ask_what_to_do"
    sure = [
        {"name": "restart", "confidence": 0.9},
        {"name": "ask_what_to_do", "confidence": 0.05},
    ]
    assert classifier._top(sure)["name"] == "restart"

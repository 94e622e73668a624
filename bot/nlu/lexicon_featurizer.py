"""Tells the intent classifier which kinds of lexicon entity a message mentions.

Why: "oxy", "since tuesday" and "my left glute" are all answers (`inform`), yet share
no words; "i had a fit" and "my legs twitch" differ by one red flag. The classifier
learns such patterns from words alone only with many examples of every drug, body
part and red-flag phrasing. With one feature per entity *kind* found by the lexicon
(a drug, a body part, a symptom, a country, a time since stopping, a 0-10 score, an
emergency or urgent red flag said now), what it learns from "oxy" carries over to
"kpins". On 5-fold cross-validation of the training data these features raised intent
macro-F1 by one to two points (docs/DESIGN.md, Intents).

The features come from the same finder and detector as the entities (so training and
prediction see the same thing); the extractors' entities are not reused, because
Rasa does not run extractors over the training data.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.lexicon import BODY_LOCATION, REGION, SUBSTANCE, SYMPTOM, Lexicon
from bot.nlu.entity_finder import HOURS_SINCE_STOP, SEVERITY, LexiconEntityFinder
from bot.nlu.lexicon_component import LexiconComponent
from bot.safety.detector import RedFlagDetector

RED_FLAG_EMERGENCY = "red_flag:emergency"
RED_FLAG_URGENT = "red_flag:urgent"
# The feature columns, fixed in code: the same for every model.
FEATURES: Tuple[str, ...] = (
    SUBSTANCE,
    BODY_LOCATION,
    SYMPTOM,
    REGION,
    HOURS_SINCE_STOP,
    SEVERITY,
    RED_FLAG_EMERGENCY,
    RED_FLAG_URGENT,
)
_COLUMN = {name: index for index, name in enumerate(FEATURES)}

Span = Tuple[str, int, int]  # feature name, start and end character


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True
)
class LexiconFeaturizer(LexiconComponent, SparseFeaturizer):
    """Sparse features: the kinds of lexicon entity in each token and the message."""

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        lexicon: Optional[Lexicon] = None,
    ) -> None:
        config = {**self.get_default_config(), **config}
        SparseFeaturizer.__init__(self, resource.name, config)
        LexiconComponent.__init__(self, config, model_storage, resource, lexicon)

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Only Rasa's featurizer alias: the lexicon is the configuration."""
        return SparseFeaturizer.get_default_config()

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        """Nothing to validate."""

    def use_lexicon(self, lexicon: Lexicon) -> None:
        """Builds the entity finder and the red-flag detector."""
        self._lexicon = lexicon
        self._finder = LexiconEntityFinder(lexicon)
        self._detector = RedFlagDetector(lexicon)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Features for every training message."""
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Features for each message that has text and tokens."""
        self._require_trained()
        for message in messages:
            text, tokens = message.get(TEXT), message.get(TOKENS_NAMES[TEXT])
            if text and tokens:
                sequence, sentence = self.features(self.spans(text), tokens)
                self.add_features_to_message(sequence, sentence, TEXT, message)
        return messages

    def spans(self, text: str) -> List[Span]:
        """The kinds of entity in `text`, with where they were found."""
        found = [
            (entity["entity"], entity["start"], entity["end"])
            for entity in self._finder.find(text)
        ]
        found += [
            (f"red_flag:{hit.disposition}", hit.start_char, hit.end_char)
            for hit in self._detector.detect(text)
        ]
        return [span for span in found if span[0] in _COLUMN]  # e.g. not the class

    @staticmethod
    def features(
        spans: Sequence[Span], tokens: Sequence[Any]
    ) -> Tuple[scipy.sparse.coo_matrix, scipy.sparse.coo_matrix]:
        """Per token: the kinds whose span overlaps it; per message: every kind."""
        sequence = np.zeros((len(tokens), len(FEATURES)), dtype=np.float32)
        sentence = np.zeros((1, len(FEATURES)), dtype=np.float32)
        for name, start, end in spans:
            column = _COLUMN[name]
            sentence[0, column] = 1.0
            for row, token in enumerate(tokens):
                if token.start < end and start < token.end:
                    sequence[row, column] = 1.0
        return scipy.sparse.coo_matrix(sequence), scipy.sparse.coo_matrix(sentence)

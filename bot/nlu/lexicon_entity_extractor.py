"""Entities with canonical values: substance, body location, symptom, time since stop,
score."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.lexicon import Lexicon
from bot.nlu.entity_finder import LexiconEntityFinder
from bot.nlu.lexicon_component import LexiconComponent


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class LexiconEntityExtractor(LexiconComponent, EntityExtractorMixin):
    """Finds contract entities (and `substance_class`, `region`) by spaCy phrase
    matching.

    Why not DIET alone: canonical values must be exact ("percs" -> `oxycodone`), and a
    lexicon hit is explainable and fixable by adding one line of data. Typos one or two
    letters off are repaired by the matcher.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """No options: the lexicon in the training data is the whole configuration."""
        return {}

    def use_lexicon(self, lexicon: Lexicon) -> None:
        """Builds the finder."""
        self._lexicon = lexicon
        self._finder = LexiconEntityFinder(lexicon)

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds our entities to each message, after any other extractor's."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            entities = self.add_extractor_name(self.extract(text))
            message.set(
                ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True
            )
        return messages

    def extract(
        self, text: str, today: Optional[dt.date] = None
    ) -> List[Dict[str, Any]]:
        """Entities in `text` as Rasa entity dicts with canonical values."""
        self._require_trained()
        return self._finder.find(text, today)

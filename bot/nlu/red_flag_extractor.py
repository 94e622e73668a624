"""Red flags as NLU entities, so the safety policy and `/model/parse` see the same
thing."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.lexicon import Lexicon
from bot.nlu.length_guard import SAFETY_TEXT
from bot.nlu.lexicon_component import LexiconComponent
from bot.safety.detector import RedFlagDetector, RedFlagHit
from bot.safety.names import CONCEPTS_KEY, RED_FLAG_ENTITY

# The disposition (`emergency` or `urgent`) travels as the entity's role, a field Rasa
# keeps everywhere entities go (trackers, stories, the HTTP API).
RED_FLAG_DISPOSITION = "role"
SET_ASIDE_KEY = "red_flags_set_aside"
REPAIRED_TEXT_KEY = "red_flag_repaired_text"
"""The message as the lexicon read it (slang out, misspellings repaired), for the
semantic layer; absent when it reads the same as typed."""
"""Message property: flags whose words were there but denied, asked about or past."""


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class RedFlagExtractor(LexiconComponent, EntityExtractorMixin):
    """Adds a `red_flag` entity (value: catalogue id) for every red flag reported now.

    Negated, hypothetical and past mentions are left out by the detector. The entity's
    `role` says whether it is an emergency or an urgent (same-day) sign.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """No options: the red-flag lexicon in the training data is the
        configuration."""
        return {}

    def use_lexicon(self, lexicon: Lexicon) -> None:
        """Builds the detector."""
        self._lexicon = lexicon
        self._detector = RedFlagDetector(lexicon)

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds `red_flag` entities to each message."""
        for message in messages:
            # A long message was cut for NLU; safety reads more of the original.
            text = message.get(SAFETY_TEXT) or message.get(TEXT)
            if not text:
                continue
            analysis = self._detector_or_fail().analyse(text)
            entities = self.add_extractor_name(self._entities(analysis.hits))
            message.set(
                ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True
            )
            message.set(SET_ASIDE_KEY, analysis.set_aside, add_to_output=True)
            message.set(CONCEPTS_KEY, sorted(analysis.concepts), add_to_output=True)
            if analysis.repaired_text:
                message.set(REPAIRED_TEXT_KEY, analysis.repaired_text)
        return messages

    def _detector_or_fail(self) -> RedFlagDetector:
        self._require_trained()
        return self._detector

    def extract(self, text: str) -> List[Dict[str, Any]]:
        """Red-flag entities found in `text`."""
        return self._entities(self._detector_or_fail().detect(text))

    @staticmethod
    def _entities(hits: List[RedFlagHit]) -> List[Dict[str, Any]]:
        return [
            {
                "entity": RED_FLAG_ENTITY,
                "value": hit.flag_id,
                RED_FLAG_DISPOSITION: hit.disposition,
                "start": hit.start_char,
                "end": hit.end_char,
                "confidence_entity": 1.0,
                "text": hit.evidence,
            }
            for hit in hits
        ]

"""Bounds the text every later NLU component sees, whatever channel it came from.

Why: featurizers and classifiers grow with message length; one 100 kB message made the
stock starter bot's memory run away until the kernel killed it. People's messages are
short; a very long one is cut for intent and entity understanding. The red-flag detector
still reads up to `MAX_SAFETY_CHARS` of the original (kept in `SAFETY_TEXT`), so a red
flag late in a long message is not lost.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

MAX_NLU_CHARS = 2000
MAX_SAFETY_CHARS = 20000
SAFETY_TEXT = "safety_text"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class MessageLengthGuard(GraphComponent):
    """Cuts message text to `max_nlu_chars` before tokenization."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Limits in characters."""
        return {"max_nlu_chars": MAX_NLU_CHARS, "max_safety_chars": MAX_SAFETY_CHARS}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._max_nlu = int(config["max_nlu_chars"])
        self._max_safety = int(config["max_safety_chars"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MessageLengthGuard":
        """Creates the guard; it has nothing to train."""
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Keeps the first `max_safety_chars` for safety, the first `max_nlu_chars` for
        NLU."""
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > self._max_nlu:
                message.set(SAFETY_TEXT, text[: self._max_safety])
                message.set(TEXT, text[: self._max_nlu])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples are short; they pass through unchanged."""
        return training_data

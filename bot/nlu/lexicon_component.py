"""Shared plumbing for NLU components that are built from the lexicon.

Why: the lexicon reaches the graph as lookup tables in the NLU training data (see
`bot.lexicon`), so it is fingerprinted like any other training data. Each component
rebuilds the lexicon from those tables at training time and stores it in the model
archive, so the trained model carries everything it needs and works from any folder.
"""

from __future__ import annotations

import abc
import json
from typing import Any, Dict, List, Optional, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.lexicon import Lexicon, LexiconError

LEXICON_FILE = "lexicon.json"
ComponentT = TypeVar("ComponentT", bound="LexiconComponent")


class LexiconComponent(GraphComponent, abc.ABC):
    """A component whose knowledge is the lexicon carried in the training data."""

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        lexicon: Optional[Lexicon] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._lexicon: Optional[Lexicon] = None
        if lexicon is not None:
            self.use_lexicon(lexicon)

    @abc.abstractmethod
    def use_lexicon(self, lexicon: Lexicon) -> None:
        """Builds the component's matchers from the lexicon."""

    @classmethod
    def create(
        cls: type[ComponentT],
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ComponentT:
        """Creates an untrained component."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Rebuilds the lexicon from the lookup tables and stores it in the model."""
        tables: List[Dict[str, Any]] = list(training_data.lookup_tables)
        lexicon = Lexicon.from_lookup_tables(tables)
        if not lexicon.substances or not lexicon.red_flags:
            raise LexiconError(
                f"{self.__class__.__name__}: the training data carries no lexicon. "
                "Is `bot.importer.LexiconImporter` listed under `importers` in "
                "config.yml?"
            )
        self.use_lexicon(lexicon)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / LEXICON_FILE).write_text(
                json.dumps(lexicon.to_lookup_tables()), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls: type[ComponentT],
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ComponentT:
        """Loads the lexicon stored at training time."""
        with model_storage.read_from(resource) as directory:
            tables = json.loads((directory / LEXICON_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, Lexicon.from_lookup_tables(tables))

    @property
    def lexicon(self) -> Lexicon:
        """The lexicon, once trained or loaded."""
        return self._require_trained()

    def _require_trained(self) -> Lexicon:
        """The lexicon; raises a clear `LexiconError` when untrained."""
        if self._lexicon is None:
            raise LexiconError(f"{self.__class__.__name__} was used before training.")
        return self._lexicon

"""Intent classification by logistic regression over tf-idf weighted sparse features.

Why not DIET: on this data a linear model is at least as accurate (5-fold
cross-validation of the training data, docs/DESIGN.md) and far cheaper where it
matters to people waiting for a reply. DIET was a fifth of the Rasa server's time per
message under load, most of the 3-5 minutes of `make train`, and much of the server's
memory and start-up (a TensorFlow graph). This model trains in seconds and predicts in
well under a millisecond.

Why not Rasa's `LogisticRegressionClassifier`: it uses raw counts (long messages and
frequent character n-grams dominate), a fixed regularisation that cross-validated
worse here, and when its stored model cannot be loaded it quietly starts untrained.
This one weighs features by sublinear tf-idf and L2 norm, takes `C` from the config,
and fails loudly if its stored model is missing or unreadable. It stores plain arrays,
so loading it imports neither scikit-learn nor `skops`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

MODEL_FILE = "linear_intent_model.npz"
RANKING_LENGTH = "ranking_length"
EMBEDDING_WEIGHT = "embedding_weight"
SURE_ENOUGH = "sure_enough"
EMBEDDING_SIZE = 384  # all-MiniLM-L6-v2
TEXT_EMBEDDING_KEY = "text_embedding"  # set by the semantic red-flag extractor


class IntentModelError(RuntimeError):
    """The stored intent model is missing or not what this component wrote."""


@dataclass(frozen=True)
class LinearModel:
    """What prediction needs: idf weights and the fitted coefficients.

    Stored as plain arrays (`numpy.savez`, no pickle): loading needs no scikit-learn
    and no untrusted types, and took milliseconds where `skops` took over ten seconds
    of the server's start-up.
    """

    classes: np.ndarray  # intent names, in the order of the coefficient rows
    coefficients: np.ndarray  # (classes, features); one row for two classes
    intercepts: np.ndarray
    idf: np.ndarray
    # How much the sentence embedding counts beside the unit-length tf-idf row (0:
    # not used; its 384 columns follow the sparse ones).
    embedding_weight: float = 0.0

    def probabilities(
        self, counts: scipy.sparse.csr_matrix, embedding: Optional[np.ndarray] = None
    ) -> np.ndarray:
        """Each intent's probability, as scikit-learn's `predict_proba` gives it."""
        row = _with_embedding(
            _weighted(counts, self.idf), embedding, self.embedding_weight
        )
        scores = np.asarray(row @ self.coefficients.T).ravel() + self.intercepts
        if self.coefficients.shape[0] == 1:  # two intents: one logistic score
            positive = 1.0 / (1.0 + np.exp(-scores[0]))
            return np.array([1.0 - positive, positive])
        exponentials = np.exp(scores - scores.max())  # multinomial softmax
        return exponentials / exponentials.sum()

    def save(self, path: Path) -> None:
        np.savez(
            path,
            classes=self.classes.astype(str),
            coefficients=self.coefficients,
            intercepts=self.intercepts,
            idf=self.idf,
            embedding_weight=np.array(self.embedding_weight),
        )

    @classmethod
    def read(cls, path: Path) -> "LinearModel":
        with np.load(path, allow_pickle=False) as stored:
            return cls(
                stored["classes"],
                stored["coefficients"],
                stored["intercepts"],
                stored["idf"],
                float(stored["embedding_weight"])
                if "embedding_weight" in stored.files
                else 0.0,
            )


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Logistic regression on the featurizers' sentence features, tf-idf weighted."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """`C`: inverse regularisation, chosen by cross-validation on training data.
        `embedding_weight`: the sentence encoder's embedding of the message (the one
        the safety layer computes) beside the word features; 0 leaves it out."""
        return {
            "C": 50.0,
            "max_iter": 5000,
            "random_state": 42,
            RANKING_LENGTH: 10,
            EMBEDDING_WEIGHT: 0.0,
            SURE_ENOUGH: {},
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[LinearModel] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the model on every example with an intent and text."""
        from sklearn.linear_model import LogisticRegression  # training only

        examples = [
            example
            for example in training_data.intent_examples
            if example.get(INTENT) and example.get(TEXT)
        ]
        with self._model_storage.write_to(self._resource) as directory:
            if not examples:
                return self._resource  # an empty model: `process` predicts nothing
            counts = scipy.sparse.vstack(
                [_as_row(*_sentence_features(example)) for example in examples]
            ).tocsr()
            documents_with_feature = np.asarray((counts > 0).sum(axis=0)).ravel()
            # Smoothed idf, as scikit-learn's TfidfTransformer computes it.
            idf = np.log((1 + len(examples)) / (1 + documents_with_feature)) + 1
            weight = float(self._config[EMBEDDING_WEIGHT])
            embeddings: List[Optional[np.ndarray]] = [None] * len(examples)
            if weight > 0:
                from bot.nlu.semantic_red_flag_extractor import shared_encoder

                texts = [" ".join(str(e.get(TEXT)).split()) for e in examples]
                embeddings = list(shared_encoder().embed(texts))
            fitted = LogisticRegression(
                C=float(self._config["C"]),
                class_weight="balanced",
                max_iter=int(self._config["max_iter"]),
                random_state=int(self._config["random_state"]),
            ).fit(
                scipy.sparse.vstack(
                    [
                        _with_embedding(_weighted(row, idf), embedding, weight)
                        for row, embedding in zip(counts, embeddings)
                    ]
                ),
                [example.get(INTENT) for example in examples],
            )
            self._model = LinearModel(
                fitted.classes_, fitted.coef_, fitted.intercept_, idf, weight
            )
            self._model.save(directory / MODEL_FILE)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets `intent` and `intent_ranking` on each message."""
        for message in messages:
            if self._model is None or not message.get(TEXT):
                # Nothing to go on: no intent, so the fallback classifier takes over.
                message.set(INTENT, {"name": None, "confidence": 0.0}, True)
                message.set("intent_ranking", [], add_to_output=True)
                continue
            probabilities = self._model.probabilities(
                _as_row(*_sentence_features(message)), self._embedding(message)
            )
            ranking = sorted(
                (
                    {"name": str(name), "confidence": float(confidence)}
                    for name, confidence in zip(self._model.classes, probabilities)
                ),
                key=lambda entry: -entry["confidence"],
            )
            message.set(INTENT, self._top(ranking), add_to_output=True)
            length = int(self._config[RANKING_LENGTH])
            message.set(
                "intent_ranking",
                ranking[:length] if length > 0 else ranking,
                add_to_output=True,
            )
        return messages

    def _top(self, ranking: List[Dict[str, Any]]) -> Dict[str, Any]:
        """The first intent of `ranking` that is sure enough (`sure_enough`: intents
        that undo the conversation need a confidence of their own).

        Why: "can we get on with it", read as `restart` at 0.37, wiped the
        conversation and began again (review 48); the next intent is the better
        guess, and a weak one still goes to the fallback classifier."""
        bars = self._config.get(SURE_ENOUGH) or {}
        for entry in ranking:
            if entry["confidence"] >= float(bars.get(entry["name"], 0.0)):
                return entry
        return ranking[0]

    def _embedding(self, message: Message) -> Optional[np.ndarray]:
        """The message's sentence embedding when the model uses one: the safety
        layer's (it runs first), else computed here."""
        if self._model is None or self._model.embedding_weight <= 0:
            return None
        stored = message.get(TEXT_EMBEDDING_KEY)
        if stored is not None:
            return np.asarray(stored)
        from bot.nlu.semantic_red_flag_extractor import shared_encoder

        return shared_encoder().embed([" ".join(str(message.get(TEXT)).split())])[0]

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearIntentClassifier":
        """Loads the stored model; `IntentModelError` rather than run untrained."""
        try:
            with model_storage.read_from(resource) as directory:
                path = directory / MODEL_FILE
                if not path.exists():  # trained without intent examples
                    return cls(config, model_storage, resource)
                model = LinearModel.read(path)
        except (ValueError, KeyError, OSError) as error:
            raise IntentModelError(f"intent model not loadable: {error}") from error
        return cls(config, model_storage, resource, model)


def _weighted(
    counts: scipy.sparse.csr_matrix, idf: np.ndarray
) -> scipy.sparse.csr_matrix:
    """One message's counts as sublinear tf times idf, scaled to unit length."""
    columns = counts.indices
    weights = np.log1p(counts.data) * idf[columns]
    norm = float(np.linalg.norm(weights)) or 1.0
    return scipy.sparse.csr_matrix(
        (weights / norm, columns, [0, len(columns)]), shape=counts.shape
    )


def _with_embedding(
    row: scipy.sparse.csr_matrix, embedding: Optional[np.ndarray], weight: float
) -> scipy.sparse.csr_matrix:
    """The tf-idf row with `weight` times the unit-length embedding after it (the
    row unchanged when the model uses no embedding)."""
    if weight <= 0:
        return row
    dense = np.zeros(EMBEDDING_SIZE) if embedding is None else np.asarray(embedding)
    return scipy.sparse.hstack(
        [row, scipy.sparse.csr_matrix(weight * dense.reshape(1, -1))], format="csr"
    )


def _sentence_features(message: Message) -> Tuple[np.ndarray, np.ndarray, int]:
    """Every featurizer's sentence features, side by side, in pipeline order.

    The same columns as Rasa's `Message.get_sparse_features`, without its copies and
    scipy stacking (which cost more than the classifier itself).
    """
    columns: List[np.ndarray] = []
    values: List[np.ndarray] = []
    width = 0
    for feature in message.features:
        if feature.attribute != TEXT or feature.type != FEATURE_TYPE_SENTENCE:
            continue
        if feature.is_sparse():
            matrix = feature.features.tocoo()
            columns.append(matrix.col.astype(np.int64) + width)
            values.append(matrix.data.astype(np.float64))
        else:
            dense = np.asarray(feature.features, dtype=np.float64).ravel()
            columns.append(np.arange(dense.size, dtype=np.int64) + width)
            values.append(dense)
        width += feature.features.shape[-1]
    if not columns:
        return np.zeros(0, np.int64), np.zeros(0), width
    return np.concatenate(columns), np.concatenate(values), width


def _as_row(
    columns: np.ndarray, values: np.ndarray, width: int
) -> scipy.sparse.csr_matrix:
    """A one-row sparse matrix, duplicate columns summed, zeros dropped."""
    row = scipy.sparse.csr_matrix(
        (values, columns, [0, len(columns)]), shape=(1, width)
    )
    row.sum_duplicates()
    row.eliminate_zeros()
    return row

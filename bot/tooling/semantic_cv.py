"""Cross-set validation of the semantic layer: each development case file is scored by
a classifier trained without it, so thresholds are chosen on scores the classifier did
not learn.

Why: the safety report's development numbers are on the classifier's own training
cases (their scores are near 0 or 1 whatever the thresholds), and the held-out sets
must not be tuned on. Leaving out one whole case file at a time (each was written by
different people at a different time) is the honest way to see what a threshold does
to text the layer has not seen. It scores the semantic layer alone, any sign counting.

    .venv/bin/python -m bot.tooling.semantic_cv [--possible 0.1 0.15 0.2 0.3]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
import yaml

from bot.importer import DEFAULT_CASES_DIR, DEFAULT_EXEMPLARS_DIR
from bot.safety.semantic import (
    NO_SIGN,
    Exemplars,
    SentenceEncoder,
    SignClassifier,
    message_units,
)

CLEAR_DEFAULT = 0.9
POSSIBLE_DEFAULTS = (0.1, 0.15, 0.2, 0.25, 0.3)


def _case_file(path: Path) -> Tuple[List[Tuple[str, str]], List[str]]:
    """(emergency texts with their sign, near-miss texts) of one case file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    emergencies = [
        (str(case["text"]), str(case["flag"]))
        for case in document.get("emergencies") or []
    ]
    near_misses = [str(case["text"]) for case in document.get("near_misses") or []]
    return emergencies, near_misses


def _best_scores(
    encoder: SentenceEncoder,
    classifier: SignClassifier,
    texts: Sequence[str],
    neighbours: Tuple[np.ndarray, List[str]] | None = None,
    k: int = 5,
    support: Tuple[np.ndarray, List[str]] | None = None,
) -> List[Dict[str, float]]:
    """Each text's per-sign score: the highest over its units, as the layer scores;
    with `neighbours` (training embeddings and labels), also the share of each sign
    among a unit's `k` nearest training texts, whichever is higher."""
    scored: List[Dict[str, float]] = []
    for text in texts:
        units = encoder.embed(message_units(text))
        scores = classifier.scores(units)
        if support is not None:
            matrix, labels = support
            similarity = (units @ matrix.T).max(axis=0)
            for sign in {label for label in labels} - {NO_SIGN}:
                mask = np.array([label == sign for label in labels])
                scores[f"support:{sign}"] = float(similarity[mask].max())
        if neighbours is not None:
            matrix, labels = neighbours
            nearest = np.argsort(-(units @ matrix.T), axis=1)[:, :k]
            for row in nearest:
                for sign in {labels[i] for i in row} - {NO_SIGN}:
                    share = sum(labels[i] == sign for i in row) / k
                    scores[sign] = max(scores.get(sign, 0.0), share)
        scored.append(scores)
    return scored


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--possible", type=float, nargs="*", default=POSSIBLE_DEFAULTS)
    parser.add_argument("--clear", type=float, default=CLEAR_DEFAULT)
    parser.add_argument(
        "--knn", action="store_true", help="also score by nearest training texts"
    )
    parser.add_argument(
        "--support",
        type=float,
        nargs="*",
        default=None,
        help="clear only when a training text of the sign is this similar",
    )
    arguments = parser.parse_args(argv)

    encoder = SentenceEncoder.from_packages()
    base_texts, base_labels = Exemplars.load(Path(DEFAULT_EXEMPLARS_DIR)).labelled()
    case_files = sorted(Path(DEFAULT_CASES_DIR).glob("*.yml"))
    labelled = {path: Exemplars.load_file(path).labelled() for path in case_files}
    cache: Dict[str, np.ndarray] = {}

    def embed(texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            for text, vector in zip(missing, encoder.embed(missing)):
                cache[text] = vector
        return np.stack([cache[t] for t in texts])

    emergency_scores: List[Tuple[str, Dict[str, float]]] = []
    near_miss_scores: List[Dict[str, float]] = []
    for left_out in case_files:
        texts = list(base_texts)
        labels = list(base_labels)
        for path, (case_texts, case_labels) in labelled.items():
            if path != left_out:
                texts += case_texts
                labels += case_labels
        matrix = embed(texts)
        classifier = SignClassifier.train(labels, matrix)
        neighbours = (matrix, labels) if arguments.knn else None
        support = (matrix, labels) if arguments.support else None
        emergencies, near_misses = _case_file(left_out)
        emergency_scores += zip(
            [flag for _, flag in emergencies],
            _best_scores(
                encoder,
                classifier,
                [text for text, _ in emergencies],
                neighbours,
                support=support,
            ),
        )
        near_miss_scores += _best_scores(
            encoder, classifier, near_misses, neighbours, support=support
        )
        print(
            f"scored {left_out.name}: {len(emergencies)} emergencies, "
            f"{len(near_misses)} near misses"
        )

    def top(scores: Dict[str, float]) -> float:
        return max(
            (p for s, p in scores.items() if s != NO_SIGN and ":" not in s),
            default=0.0,
        )

    def clear_with_support(scores: Dict[str, float], floor: float) -> bool:
        return any(
            p >= arguments.clear and scores.get(f"support:{s}", 0.0) >= floor
            for s, p in scores.items()
            if s != NO_SIGN and ":" not in s
        )

    def top_supported(scores: Dict[str, float], floor: float) -> float:
        return max(
            (
                p
                for s, p in scores.items()
                if s != NO_SIGN
                and ":" not in s
                and scores.get(f"support:{s}", 0.0) >= floor
            ),
            default=0.0,
        )

    for floor in arguments.support or []:
        for threshold in arguments.possible:
            caught = sum(
                top_supported(s, floor) >= threshold for _, s in emergency_scores
            )
            asked = sum(threshold <= top_supported(s, floor) for s in near_miss_scores)
            print(
                f"possible at {threshold} with support >= {floor}: caught {caught}"
                f"/{len(emergency_scores)}, near misses asked or escalated {asked}"
                f"/{len(near_miss_scores)}"
            )
        print(
            f"clear at {arguments.clear} with support >= {floor}: emergencies at once "
            f"{sum(clear_with_support(s, floor) for _, s in emergency_scores)}"
            f"/{len(emergency_scores)}, near misses escalated "
            f"{sum(clear_with_support(s, floor) for s in near_miss_scores)}"
            f"/{len(near_miss_scores)}"
        )

    print(
        f"\nclear at {arguments.clear}: emergencies escalated at once "
        f"{sum(top(s) >= arguments.clear for _, s in emergency_scores)}"
        f"/{len(emergency_scores)}, near misses escalated "
        f"{sum(top(s) >= arguments.clear for s in near_miss_scores)}"
        f"/{len(near_miss_scores)}"
    )
    print("possible at | emergencies caught (at once or asked) | near misses asked")
    for threshold in arguments.possible:
        caught = sum(top(s) >= threshold for _, s in emergency_scores)
        asked = sum(threshold <= top(s) < arguments.clear for s in near_miss_scores)
        print(
            f"  {threshold:>5}    | {caught}/{len(emergency_scores)} "
            f"({caught / len(emergency_scores):.1%}) | {asked}/"
            f"{len(near_miss_scores)} ({asked / len(near_miss_scores):.1%})"
        )
    by_sign: Dict[str, List[float]] = {}
    for flag, scores in emergency_scores:
        by_sign.setdefault(flag, []).append(top(scores))
    low = min(arguments.possible)
    print(
        f"per sign, caught at possible {low}: "
        + ", ".join(
            f"{sign} {sum(p >= low for p in ps)}/{len(ps)}"
            for sign, ps in sorted(by_sign.items())
        )
    )


if __name__ == "__main__":
    main()

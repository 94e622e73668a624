"""`make nlu-report`: intent macro-F1, per-entity F1 and parse latency on the held-out
set.

Why our own scoring beside `rasa test nlu`: the contract cares about canonical *values*
("percs" must come out as `oxycodone`), so an entity counts as right only when its type
and value match an annotation in the same message. Rasa's token-level reports, confusion
matrix and per-intent errors are still written to `results/nlu/` by `rasa test nlu`.

The held-out set (`tests/nlu/heldout_nlu.yml`) is never used for training.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Sequence, Set, Tuple

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data

DEFAULT_SET = Path("tests/nlu/heldout_nlu.yml")
DEFAULT_MODEL = Path("models/triage.tar.gz")
CONTRACT_ENTITIES = ("substance", "body_location", "symptom")
INTENT_TARGET = 0.95
ENTITY_TARGET = 0.97


def f1(true_positive: int, false_positive: int, false_negative: int) -> float:
    """F1 from counts; 1.0 when there was nothing to find and nothing was found."""
    if true_positive == 0:
        return 1.0 if false_positive == false_negative == 0 else 0.0
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    return 2 * precision * recall / (precision + recall)


def macro_f1(
    gold: Sequence[str], predicted: Sequence[str]
) -> Tuple[float, Dict[str, float]]:
    """Macro-averaged F1 over the gold labels, and F1 per label."""
    per_label = {}
    for label in sorted(set(gold)):
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        fp = sum(p == label and g != label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        per_label[label] = f1(tp, fp, fn)
    return statistics.mean(per_label.values()), per_label


async def evaluate(model: Path, test_set: Path) -> int:
    """Parses every held-out message, prints the report, returns 1 if a target is
    missed."""
    agent = Agent.load(str(model))
    data = load_data(str(test_set))
    gold_intents: List[str] = []
    predicted_intents: List[str] = []
    counts: Dict[str, Counter] = {e: Counter() for e in CONTRACT_ENTITIES}
    latencies: List[float] = []
    entity_errors: List[str] = []
    for message in data.intent_examples:
        text = message.get("text")
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        latencies.append((time.perf_counter() - started) * 1000)
        gold_intents.append(message.get("intent"))
        predicted_intents.append(parsed["intent"]["name"])
        for entity in CONTRACT_ENTITIES:
            gold: Set[str] = {
                str(e["value"])
                for e in message.get("entities", [])
                if e["entity"] == entity
            }
            found: Set[str] = {
                str(e["value"]) for e in parsed["entities"] if e["entity"] == entity
            }
            counts[entity]["tp"] += len(gold & found)
            counts[entity]["fp"] += len(found - gold)
            counts[entity]["fn"] += len(gold - found)
            if gold != found:
                entity_errors.append(
                    f"  {entity}: gold {sorted(gold)} got {sorted(found)} | {text}"
                )
    intent_f1, per_intent = macro_f1(gold_intents, predicted_intents)
    confusions = Counter(
        (g, p) for g, p in zip(gold_intents, predicted_intents) if g != p
    ).most_common(8)
    latencies.sort()
    print(f"NLU report on {test_set} ({len(gold_intents)} messages, model {model})")
    print(f"  intent macro-F1: {intent_f1:.3f} (target >= {INTENT_TARGET})")
    entity_scores = {}
    for entity, c in counts.items():
        entity_scores[entity] = f1(c["tp"], c["fp"], c["fn"])
        print(
            f"  {entity} F1 (type and canonical value): {entity_scores[entity]:.3f}"
            f"  (tp {c['tp']}, fp {c['fp']}, fn {c['fn']})"
        )
    print(
        f"  parse latency: p50 {latencies[len(latencies) // 2]:.1f} ms,"
        f" p95 {latencies[int(len(latencies) * 0.95) - 1]:.1f} ms"
    )
    print(
        "  weakest intents: "
        + ", ".join(
            f"{label} {score:.2f}"
            for label, score in sorted(per_intent.items(), key=lambda x: x[1])[:5]
        )
    )
    print(
        "  most confused (gold -> predicted): "
        + "; ".join(f"{g} -> {p} x{n}" for (g, p), n in confusions)
    )
    if entity_errors:
        print("\nEntity differences:")
        print("\n".join(entity_errors))
    missed = intent_f1 < INTENT_TARGET or any(
        entity_scores[e] < ENTITY_TARGET for e in ("substance", "body_location")
    )
    return 1 if missed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--data", type=Path, default=DEFAULT_SET)
    args = parser.parse_args(argv)
    return asyncio.run(evaluate(args.model, args.data))


if __name__ == "__main__":
    sys.exit(main())

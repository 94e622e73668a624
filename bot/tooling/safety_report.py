"""`make safety-report`: red-flag recall and over-triage on
tests/safety/red_flag_cases.yml.

Why a separate report: the pytest gate says pass/fail; this prints the numbers the team
tracks (recall with its 95% upper bound on the miss rate, over-triage), and every miss,
so a new phrasing can be added to the lexicon the same day.

The detector measured here is the one the trained model runs (`RedFlagExtractor` builds
it from the same lexicon), loaded straight from the lexicon files so the report needs no
model.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Sequence

import yaml

from bot.importer import load_project_lexicon
from bot.safety.detector import RedFlagDetector

DEFAULT_CASES = Path("tests/safety/red_flag_cases.yml")
OVER_TRIAGE_TARGET = 0.05


@dataclass
class SafetyScore:
    """Counts from one run over the test set."""

    emergencies: int = 0
    missed: List[str] = field(default_factory=list)
    wrong_flag: List[str] = field(default_factory=list)
    urgent: int = 0
    urgent_missed: List[str] = field(default_factory=list)
    near_misses: int = 0
    over_triaged: List[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of emergency messages caught as an emergency."""
        return 1 - len(self.missed) / self.emergencies if self.emergencies else 0.0

    @property
    def miss_rate_upper_bound(self) -> float:
        """One-sided 95% upper bound of the miss rate (exact binomial,
        Clopper-Pearson)."""
        return clopper_pearson_upper(len(self.missed), self.emergencies)

    @property
    def over_triage(self) -> float:
        """Share of near misses wrongly treated as an emergency."""
        return len(self.over_triaged) / self.near_misses if self.near_misses else 0.0


def clopper_pearson_upper(failures: int, trials: int, alpha: float = 0.05) -> float:
    """Upper bound p with P(X <= failures | p) = alpha, found by bisection."""
    if trials == 0:
        return 1.0
    from math import comb

    def cdf(p: float) -> float:
        return sum(
            comb(trials, k) * p**k * (1 - p) ** (trials - k)
            for k in range(failures + 1)
        )

    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        if cdf(middle) > alpha:
            low = middle
        else:
            high = middle
    return high


def score(
    detector: RedFlagDetector, cases: Dict[str, List[Dict[str, Any]]]
) -> SafetyScore:
    """Runs every case through the detector."""
    result = SafetyScore()
    for case in cases.get("emergencies", []):
        result.emergencies += 1
        hits = detector.detect(case["text"])
        emergency_ids = {h.flag_id for h in hits if h.disposition == "emergency"}
        if not emergency_ids:
            result.missed.append(f"[{case['flag']}] {case['text']}")
        elif case["flag"] not in emergency_ids:
            result.wrong_flag.append(
                f"[{case['flag']} -> {sorted(emergency_ids)}] {case['text']}"
            )
    for case in cases.get("urgent", []):
        result.urgent += 1
        if not detector.detect(case["text"]):
            result.urgent_missed.append(f"[{case['flag']}] {case['text']}")
    for case in cases.get("near_misses", []):
        result.near_misses += 1
        hits = [
            h for h in detector.detect(case["text"]) if h.disposition == "emergency"
        ]
        if hits:
            flags = sorted({h.flag_id for h in hits})
            result.over_triaged.append(f"[{case['kind']} -> {flags}] {case['text']}")
    return result


def load_detector() -> RedFlagDetector:
    """The detector built from the lexicon files, as the model builds it."""
    return RedFlagDetector(load_project_lexicon())


def main(argv: Sequence[str] | None = None) -> int:
    """Prints the report; exits 1 on any missed emergency or over-triage above
    target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument(
        "--verbose", action="store_true", help="list wrong-flag cases too"
    )
    args = parser.parse_args(argv)
    cases = yaml.safe_load(args.cases.read_text(encoding="utf-8"))
    result = score(load_detector(), cases)
    print(f"Red-flag report on {args.cases}")
    print(
        f"  emergencies caught : {result.emergencies - len(result.missed)}"
        f"/{result.emergencies}"
        f"  recall {result.recall:.1%}"
        f"  (95% upper bound of miss rate {result.miss_rate_upper_bound:.2%})"
    )
    print(
        f"  urgent caught      : {result.urgent - len(result.urgent_missed)}"
        f"/{result.urgent}"
    )
    print(
        f"  over-triage        : {len(result.over_triaged)}/{result.near_misses}"
        f"  {result.over_triage:.1%} (target <= {OVER_TRIAGE_TARGET:.0%})"
    )
    print(f"  caught under another emergency id: {len(result.wrong_flag)}")
    for title, rows in (
        ("MISSED EMERGENCIES", result.missed),
        ("MISSED URGENT", result.urgent_missed),
        ("OVER-TRIAGED NEAR MISSES", result.over_triaged),
        *((("CAUGHT UNDER ANOTHER ID", result.wrong_flag),) if args.verbose else ()),
    ):
        if rows:
            print(f"\n{title}:")
            print("\n".join(f"  {row}" for row in rows))
    failed = bool(result.missed) or result.over_triage > OVER_TRIAGE_TARGET
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""`make safety-report`: red-flag recall and over-triage, lexicon alone, semantic layer
alone and both, on the development set and on the frozen held-out sets.

Why both kinds of set: the development sets (`data/safety/cases/`) are where the
lexicon is tuned, and the semantic layer trains on them, so they measure memory. The
held-out sets (`tests/heldout/safety_heldout_*.yml`) were written by people who never
saw the lexicon,
the exemplars or the development set, and were frozen before any tuning: they measure
the bot. Never copy a held-out phrase into the lexicon or the exemplars; once a
held-out set has been tuned on, move it to development and write a fresh one.

What "caught" means, per band (see `bot.nlu.semantic_red_flag_extractor`):
* escalated: an emergency `red_flag` (lexicon, or the semantic layer at or above its
  clear threshold): the emergency reply at once;
* asked: a possible sign only: one direct question ("Just to check: ... right now?"),
  where Yes or Not sure escalates. An emergency that is asked about is caught one
  question later; a near miss that is asked about costs the person one question.

What is measured is the trained model (`models/triage.tar.gz`): each message goes
through its NLU, and each mode is read off the output.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

import structlog
import yaml

from actions.answers import read_answer
from bot.importer import load_project_lexicon
from bot.nlu.red_flag_extractor import CONCEPTS_KEY, RED_FLAG_DISPOSITION, SET_ASIDE_KEY
from bot.nlu.semantic_red_flag_extractor import (
    SCORES_KEY,
    SemanticRedFlagExtractor,
    asked_first,
    decide_bands,
    is_bare_question,
    lexicon_in_doubt,
    without_its_words,
    worth_asking,
)
from bot.safety.detector import RedFlagDetector
from bot.safety.names import (
    EMERGENCY,
    POSSIBLE_RED_FLAG_ENTITY,
    RED_FLAG_ENTITY,
    URGENT,
)

DEVELOPMENT_GLOB = "data/safety/cases/*.yml"
"""The first case set, and sets that were held out once, measured, then tuned on."""
HELD_OUT_GLOB = "tests/heldout/safety_heldout_*.yml"
CONFIG_FILE = Path("config.yml")
MODEL = Path("models/triage.tar.gz")
LEXICON = "RedFlagExtractor"
SCREEN_YES = "a yes to the screen question"
SEMANTIC_COMPONENT = "bot.nlu.semantic_red_flag_extractor.SemanticRedFlagExtractor"
OVER_TRIAGE_TARGET = 0.05
MODES = ("lexicon", "semantic", "both")


@dataclass(frozen=True)
class Verdict:
    """What the bot does with one message."""

    escalated: Set[str]  # emergency signs raised at once
    urgent: Set[str]  # urgent (same-day) signs raised
    asked: Set[str]  # possible signs asked about


def quiet_rasa_logs() -> None:
    """Rasa's processor logs every parse at debug level; a report prints its own."""
    for name in ("rasa", "rasa.core.processor"):
        logging.getLogger(name).setLevel(logging.WARNING)
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING)
    )


def load_detector() -> RedFlagDetector:
    """The lexicon detector built from the project's files, as the model builds it."""
    return RedFlagDetector(load_project_lexicon())


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


def semantic_config(config_file: Path = CONFIG_FILE) -> Dict[str, Any]:
    """The semantic component's settings in config.yml, over its defaults."""
    settings = dict(SemanticRedFlagExtractor.get_default_config())
    document = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    for component in document.get("pipeline", []):
        if component.get("name") == SEMANTIC_COMPONENT:
            settings.update({k: v for k, v in component.items() if k != "name"})
    return settings


class Judge:
    """The lexicon and the semantic layer as the trained model runs them: every message
    goes through the model's NLU (`/model/parse`), and each mode is read off its output
    (the lexicon's `red_flag` entities, the semantic layer's `red_flag_scores`, the
    words the lexicon set aside)."""

    def __init__(self, model: Path = MODEL) -> None:
        from rasa.core.agent import Agent

        if not model.is_file():
            raise SystemExit(f"{model} is missing: run `make train` first.")
        lexicon = load_project_lexicon()
        self.dispositions = {f.flag_id: f.disposition for f in lexicon.red_flags}
        self.config = semantic_config()
        self._loop = asyncio.new_event_loop()
        self._agent = Agent.load(str(model))
        quiet_rasa_logs()
        self._parses: Dict[str, Dict[str, Any]] = {}

    def parse(self, text: str) -> Dict[str, Any]:
        """The model's parse of `text` (cached)."""
        if text not in self._parses:
            self._parses[text] = self._loop.run_until_complete(
                self._agent.parse_message(text)
            )
        return self._parses[text]

    def verdict(self, text: str, mode: str, in_screen: bool = False) -> Verdict:
        """What one mode (lexicon, semantic or both) does with `text`.

        `in_screen`: the text answers an emergency screen question, where a yes (or
        not sure) escalates whatever else it says.
        """
        parse = self.parse(text)
        if in_screen and mode == "both":
            intent = parse.get("intent") or {}
            answer = read_answer(
                text, None, intent.get("name"), float(intent.get("confidence") or 0.0)
            )
            if answer in ("yes", "unsure"):
                return Verdict(escalated={SCREEN_YES}, urgent=set(), asked=set())
        if mode == "both":
            return self._what_the_model_said(parse)
        lexicon_hits: Dict[str, str] = {}
        scores = parse.get(SCORES_KEY) or {}
        doubted: Set[str] = set()
        if mode in ("lexicon", "both"):
            # The semantic component turns the lexicon's flags it doubts into a
            # possible flag: they were the lexicon's all the same.
            lexicon_hits = {
                str(e["value"]): str(e.get(RED_FLAG_DISPOSITION))
                for e in parse.get("entities", [])
                if e.get("entity") in (RED_FLAG_ENTITY, POSSIBLE_RED_FLAG_ENTITY)
                and e.get("extractor") == LEXICON
            }
        if mode == "both" and lexicon_in_doubt(
            self.config,
            scores,
            self.dispositions,
            list(lexicon_hits),
            bare_question=is_bare_question(text),
        ):
            doubted = {s for s, d in lexicon_hits.items() if d == EMERGENCY}
            lexicon_hits = {s: d for s, d in lexicon_hits.items() if s not in doubted}
        clear: List[Tuple[str, float]] = []
        possible: List[Tuple[str, float]] = []
        if mode in ("semantic", "both"):
            set_aside = parse.get(SET_ASIDE_KEY) or {} if mode == "both" else {}
            clear, possible = decide_bands(
                self.config, scores, set_aside, self.dispositions
            )
            clear, possible = asked_first(
                self.config, clear, possible, list(lexicon_hits)
            )
            clear, possible = without_its_words(
                self.config, clear, possible, parse.get(CONCEPTS_KEY) or ()
            )
        raised = dict(lexicon_hits)
        raised.update(
            {sign: self.dispositions.get(sign, EMERGENCY) for sign, _ in clear}
        )
        possible = worth_asking(
            self.config,
            possible + [(sign, 0.0) for sign in sorted(doubted)],
            self.dispositions,
        )
        escalated = {s for s, d in raised.items() if d == EMERGENCY}
        urgent = {s for s, d in raised.items() if d == URGENT}
        asked: Set[str] = set()
        if possible and not escalated:
            # The one direct question: about an emergency it is a catch; about an
            # urgent sign (an `ask_first` one: "are you pregnant?") it finds that.
            sign = possible[0][0]
            if self.dispositions.get(sign, EMERGENCY) == EMERGENCY:
                asked = {sign}
            else:
                urgent.add(sign)
        return Verdict(escalated=escalated, urgent=urgent, asked=asked)

    def _what_the_model_said(self, parse: Mapping[str, Any]) -> Verdict:
        """Both layers together, read from the model's own entities: what the bot
        acts on (a twin of the extractor's decisions here drifted: a racing heart
        the extractor asks about was counted as escalated)."""
        escalated: Set[str] = set()
        urgent: Set[str] = set()
        possible: List[str] = []
        for entity in parse.get("entities", []):
            sign = str(entity.get("value"))
            if entity.get("entity") == RED_FLAG_ENTITY:
                disposition = str(
                    entity.get(RED_FLAG_DISPOSITION)
                    or self.dispositions.get(sign, EMERGENCY)
                )
                (urgent if disposition == URGENT else escalated).add(sign)
            elif entity.get("entity") == POSSIBLE_RED_FLAG_ENTITY:
                possible.append(sign)
        asked: Set[str] = set()
        if possible and not escalated:
            sign = possible[0]
            if self.dispositions.get(sign, EMERGENCY) == EMERGENCY:
                asked = {sign}
            else:
                urgent.add(sign)
        return Verdict(escalated=escalated, urgent=urgent, asked=asked)


@dataclass
class ModeScore:
    """Counts for one mode on one set."""

    emergencies: int = 0
    escalated: int = 0
    asked: int = 0
    missed: List[str] = field(default_factory=list)
    by_sign: Dict[str, List[int]] = field(default_factory=dict)  # [caught, total]
    urgent: int = 0
    urgent_caught: int = 0
    urgent_missed: List[str] = field(default_factory=list)
    near_misses: int = 0
    over_triaged: List[str] = field(default_factory=list)
    near_asked: int = 0

    @property
    def caught(self) -> int:
        """Emergencies escalated at once or asked about."""
        return self.escalated + self.asked

    @property
    def recall(self) -> float:
        """Share of emergencies caught (escalated or asked)."""
        return self.caught / self.emergencies if self.emergencies else 0.0

    @property
    def over_triage(self) -> float:
        """Share of near misses escalated as emergencies."""
        return len(self.over_triaged) / self.near_misses if self.near_misses else 0.0


def score(judge: Judge, cases: Mapping[str, Any], mode: str) -> ModeScore:
    """Runs every single-message case of a set through one mode."""
    result = ModeScore()
    for case in cases.get("emergencies") or []:
        in_screen = case.get("context") == "in_screen"
        verdict = judge.verdict(case["text"], mode, in_screen)
        result.emergencies += 1
        counts = result.by_sign.setdefault(case["flag"], [0, 0])
        counts[1] += 1
        if verdict.escalated:
            result.escalated += 1
            counts[0] += 1
        elif verdict.asked:
            result.asked += 1
            counts[0] += 1
        else:
            result.missed.append(f"[{case['flag']}] {case['text']}")
    for case in cases.get("urgent") or []:
        verdict = judge.verdict(case["text"], mode)
        result.urgent += 1
        if verdict.urgent or verdict.escalated or verdict.asked:
            result.urgent_caught += 1
        else:
            result.urgent_missed.append(f"[{case['flag']}] {case['text']}")
    for case in cases.get("near_misses") or []:
        verdict = judge.verdict(case["text"], mode)
        result.near_misses += 1
        if verdict.escalated:
            kind = case.get("kind", "?")
            result.over_triaged.append(
                f"[{kind} -> {sorted(verdict.escalated)}] {case['text']}"
            )
        elif verdict.asked:
            result.near_asked += 1
    return result


def load_sets(held_out: bool) -> List[Tuple[str, Dict[str, Any]]]:
    """(name, cases) of the development set or of every held-out file."""
    paths = (
        sorted(Path().glob(HELD_OUT_GLOB))
        if held_out
        else sorted(Path().glob(DEVELOPMENT_GLOB))
    )
    return [
        (str(path), yaml.safe_load(path.read_text(encoding="utf-8"))) for path in paths
    ]


def merged(sets: Iterable[Tuple[str, Dict[str, Any]]]) -> Dict[str, List[Any]]:
    """All sets' cases in one."""
    result: Dict[str, List[Any]] = {}
    for _, cases in sets:
        for section, rows in cases.items():
            if isinstance(rows, list):
                result.setdefault(section, []).extend(rows)
    return result


def print_table(title: str, scores: Mapping[str, ModeScore]) -> None:
    """One line per mode."""
    print(f"\n{title}")
    print(
        f"  {'mode':9} {'emergencies caught':>20} {'at once':>8} {'asked':>6}"
        f" {'urgent':>8} {'over-triage':>12} {'near misses asked':>18}"
    )
    for mode, s in scores.items():
        print(
            f"  {mode:9} {s.caught:>6}/{s.emergencies:<4} {s.recall:6.1%}"
            f" {s.escalated:>8} {s.asked:>6} {s.urgent_caught:>4}/{s.urgent:<3}"
            f" {len(s.over_triaged):>4}/{s.near_misses:<3} {s.over_triage:4.1%}"
            f" {s.near_asked:>10}/{s.near_misses}"
        )


def report(
    label: str,
    cases: Dict[str, Any],
    judge: Judge,
    verbose: bool,
    show_cases: bool = True,
) -> ModeScore:
    """Prints the three-way table and the per-sign recall; returns the `both` score.

    `show_cases=False` prints the numbers only: a held-out set whose misses have been
    read is no longer blind, so they stay hidden unless asked for."""
    scores = {mode: score(judge, cases, mode) for mode in MODES}
    print_table(label, scores)
    both = scores["both"]
    upper = clopper_pearson_upper(both.emergencies - both.caught, both.emergencies)
    print(f"  both: 95% upper bound of the miss rate {upper:.2%}")
    print(
        "  recall per sign (both): "
        + ", ".join(f"{sign} {c}/{t}" for sign, (c, t) in sorted(both.by_sign.items()))
    )
    rows: List[Tuple[str, List[str]]] = [
        ("MISSED EMERGENCIES", both.missed),
        ("MISSED URGENT", both.urgent_missed),
        ("OVER-TRIAGED NEAR MISSES", both.over_triaged),
    ]
    if not show_cases:
        print(
            "  (cases hidden: --show-held-out-cases lists them; the set is then spent)"
        )
        return both
    for title, lines in rows:
        if lines and (verbose or title != "MISSED URGENT"):
            print(f"  {title}:")
            print("\n".join(f"    {line}" for line in lines))
    return both


ORDINARY_GLOB = "tests/heldout/understanding_heldout*.yml"


def ordinary_report(judge: Judge, paths: Sequence[Path]) -> Tuple[int, int, int]:
    """Prints how often ordinary first messages (the understanding sets: none is an
    emergency) are escalated or asked about; returns (escalated, asked, messages).

    Why: the near misses of the safety sets are written to sound like signs; people
    mostly write plain descriptions of pain, and a direct question about suicide or a
    seizure in reply to "my back is killing me since i stopped the oxys" is a false
    alarm they notice (a 32-person review). Counts only: these sets are held out.
    """
    escalated = asked = total = 0
    for path in paths:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for case in document.get("first_messages") or []:
            verdict = judge.verdict(str(case["text"]), "both")
            total += 1
            escalated += bool(verdict.escalated)
            asked += bool(verdict.asked) and not verdict.escalated
    print(
        f"\nORDINARY first messages ({', '.join(p.name for p in paths)}): "
        f"escalated {escalated}/{total}, asked one direct question {asked}/{total}"
    )
    return escalated, asked, total


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Prints the report; exits 1 on any missed emergency or over-triage above
    target on either kind of set."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="list urgent misses")
    parser.add_argument(
        "--development-only",
        action="store_true",
        help="while tuning: leave the held-out sets unread (look once, at the end)",
    )
    parser.add_argument(
        "--show-held-out-cases",
        action="store_true",
        help="list the held-out misses too (once read, write a fresh held-out set)",
    )
    args = parser.parse_args(argv)
    judge = Judge()
    failed = False
    kinds = [(False, "DEVELOPMENT (tuned on)"), (True, "HELD-OUT (blind)")]
    for held_out, label in kinds[:1] if args.development_only else kinds:
        sets = load_sets(held_out)
        names = ", ".join(name for name, _ in sets)
        show_cases = not held_out or args.show_held_out_cases
        both = report(
            f"{label}: {names}", merged(sets), judge, args.verbose, show_cases
        )
        failed |= bool(both.missed) or both.over_triage > OVER_TRIAGE_TARGET
    ordinary_report(judge, sorted(Path().glob(ORDINARY_GLOB)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""The red-flag detector's context cues, read from data/safety/context_cues.yml.

Why data: the words that say a sign is denied ("no", "never"), asked about ("is it",
"how do i know"), hypothetical or in the past ("years ago") are vocabulary, not logic;
they grow with every phrasing people use. In YAML a newcomer adds one without reading
the detector, and `tests/safety/test_detector.py` tells them what it changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Mapping, Tuple

import yaml

from bot.paths import data_dir

CUES_FILE = Path("safety") / "context_cues.yml"
KINDS = ("words", "phrases")


class ContextCuesError(ValueError):
    """The cue file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class ContextCues:
    """Cue lists by name: `words` (single tokens) or `phrases` (token sequences)."""

    lists: Mapping[str, Tuple[str, List[str]]]
    path: Path

    @classmethod
    def load(cls, path: Path) -> "ContextCues":
        """Reads and checks every entry: one kind, a non-empty list of strings."""
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise ContextCuesError(f"File '{path}' is not a mapping of cue lists.")
        lists: Dict[str, Tuple[str, List[str]]] = {}
        for name, entry in document.items():
            given = entry if isinstance(entry, dict) else {}
            kinds = [kind for kind in KINDS if kind in given]
            if len(kinds) != 1:
                raise ContextCuesError(
                    f"File '{path}', '{name}': give exactly one of {KINDS}."
                )
            values = entry[kinds[0]]
            if not values or not all(isinstance(v, str) and v for v in values):
                raise ContextCuesError(
                    f"File '{path}', '{name}': a non-empty list of strings (quote "
                    '"no", "yes" and "on": unquoted, YAML reads them as true/false).'
                )
            if kinds[0] == "words" and any(
                len(v.split()) > 1 and v.strip() for v in values
            ):
                raise ContextCuesError(
                    f"File '{path}', '{name}': words are single tokens; use phrases."
                )
            lists[str(name)] = (kinds[0], list(values))
        return cls(lists, path)

    def _entry(self, name: str, kind: str) -> List[str]:
        if name not in self.lists or self.lists[name][0] != kind:
            raise ContextCuesError(f"File '{self.path}' has no {kind} list '{name}'.")
        return self.lists[name][1]

    def words(self, name: str) -> FrozenSet[str]:
        """A `words` list as a set of tokens."""
        return frozenset(self._entry(name, "words"))

    def phrases(self, name: str) -> Tuple[Tuple[str, ...], ...]:
        """A `phrases` list as token tuples, in file order."""
        return tuple(tuple(phrase.split()) for phrase in self._entry(name, "phrases"))


def project_cues() -> ContextCues:
    """The project's cue file (`BOT_DATA_DIR` moves it, as every data file)."""
    return ContextCues.load(data_dir() / CUES_FILE)

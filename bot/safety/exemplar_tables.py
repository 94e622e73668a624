"""The semantic layer's exemplars as Rasa lookup tables, and back.

Why lookup tables: like the lexicon (`bot.lexicon`), the exemplars reach the model graph
through the importer, so Rasa fingerprints them and retrains the semantic layer when an
exemplar changes, and only then.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence

from bot.safety.semantic import Exemplars

TABLE_PREFIX = "semantic_exemplar"
POSITIVE = "positive"
NEGATIVE = "negative"
ORDINARY = "ordinary"
SEPARATOR = "|"


def exemplars_to_lookup_tables(exemplars: Exemplars) -> List[Dict[str, Any]]:
    """One table per sign and polarity, and one of ordinary messages."""
    tables: List[Dict[str, Any]] = []
    for polarity, by_sign in (
        (POSITIVE, exemplars.positives),
        (NEGATIVE, exemplars.hard_negatives),
    ):
        for sign, phrases in by_sign.items():
            if phrases:
                name = SEPARATOR.join((TABLE_PREFIX, polarity, sign))
                tables.append({"name": name, "elements": list(phrases)})
    if exemplars.ordinary:
        name = SEPARATOR.join((TABLE_PREFIX, ORDINARY))
        tables.append({"name": name, "elements": list(exemplars.ordinary)})
    return tables


def exemplars_from_lookup_tables(tables: Sequence[Mapping[str, Any]]) -> Exemplars:
    """Rebuilds the exemplars; other lookup tables are ignored."""
    positives: Dict[str, List[str]] = {}
    negatives: Dict[str, List[str]] = {}
    ordinary: List[str] = []
    for table in tables:
        parts = str(table["name"]).split(SEPARATOR)
        if parts[0] != TABLE_PREFIX:
            continue
        elements = [str(e) for e in table["elements"]]
        if parts[1] == POSITIVE:
            positives.setdefault(parts[2], []).extend(elements)
        elif parts[1] == NEGATIVE:
            negatives.setdefault(parts[2], []).extend(elements)
        elif parts[1] == ORDINARY:
            ordinary.extend(elements)
    return Exemplars(
        {k: tuple(v) for k, v in positives.items()},
        {k: tuple(v) for k, v in negatives.items()},
        tuple(ordinary),
    )

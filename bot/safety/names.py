"""The names safety data travels under, spelled once.

Why one place: the lexicon, both red-flag extractors, the safety policy, the actions and
the reports all read and write these entities and dispositions; a typo in one of them
is a sign silently dropped between two parts. ../shared/CONTRACT.md names them too.
"""

from __future__ import annotations

from typing import Tuple

RED_FLAG_ENTITY = "red_flag"
"""A sign reported now: the emergency or urgent path."""
POSSIBLE_RED_FLAG_ENTITY = "possible_red_flag"
"""A sign that may be there: one direct question before anything else."""
EMERGENCY = "emergency"
URGENT = "urgent"
DISPOSITIONS: Tuple[str, ...] = (EMERGENCY, URGENT)
"""Every catalogue entry's disposition is one of these (named authority beside it)."""
SEMANTIC_EXTRACTOR = "SemanticRedFlagExtractor"
"""The `extractor` of the red flags the sentence encoder heard (no lexicon word)."""
CONCEPTS_KEY = "red_flag_concepts"
"""The catalogue concepts a message holds (`Analysis.concepts`), in the parse: for the
semantic layer, and for the actions (a means of suicide said after the warning
signs)."""
OVERDOSE = "overdose"
"""The catalogue id of an overdose."""

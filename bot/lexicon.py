"""The lexicon: what people call substances, body parts, symptoms and red flags.

The lexicon lives as YAML under `data/lexicon/` (substances, body locations, symptoms)
and `data/safety/red_flags.yml` (red-flag phrases and combinations). It is the single
source for both the NLU entity extractor and the red-flag detector.

Why lookup tables: Rasa only fingerprints what its importer hands to the graph. Our
importer (`bot.importer.LexiconImporter`) turns the lexicon into NLU lookup tables, so a
lexicon change retrains the model, and the components persist what they built from it
inside the model archive. `Lexicon.to_lookup_tables` and `Lexicon.from_lookup_tables`
are that round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import yaml

from bot.safety.names import DISPOSITIONS

SUBSTANCE = "substance"
BODY_LOCATION = "body_location"
SYMPTOM = "symptom"
SUBSTANCE_CLASS = "substance_class"
CONCEPT = "concept"
RED_FLAG = "red_flag"
RED_FLAG_COMBINATION = "red_flag_combination"
RED_FLAG_DISPOSITIONS = "red_flag_dispositions"
REGION = "region"

SUBSTANCE_CLASSES = ("opioid", "benzodiazepine", "alcohol", "baclofen")
BODY_LOCATIONS = (
    "buttock",
    "hip",
    "groin",
    "lower_back",
    "upper_back",
    "back",
    "neck",
    "shoulder",
    "jaw",
    "chest",
    "abdomen",
    "arm",
    "hand",
    "leg",
    "thigh",
    "calf",
    "foot",
    "whole_body",
)
LOOKUP_SEPARATOR = "|"


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file, entry and field."""


@dataclass(frozen=True)
class RedFlagPattern:
    """How one red flag is recognised.

    Attributes:
        flag_id: the catalogue id, e.g. `seizure`.
        disposition: `emergency` or `urgent`.
        phrases: any one of these, said and not negated, raises the flag.
        combinations: each is a list of concept references that must all be present
            (and not negated) in one message, e.g. `[fever, lump]`. A reference is a
            concept name or `substance:<value>`, `body_location:<value>`,
            `symptom:<value>`, `substance_class:<class>`.
    """

    flag_id: str
    disposition: str
    phrases: Tuple[str, ...]
    combinations: Tuple[Tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """Everything the matchers know, keyed by canonical value."""

    substances: Mapping[str, Tuple[str, ...]]
    substance_classes: Mapping[str, str]
    body_locations: Mapping[str, Tuple[str, ...]]
    symptoms: Mapping[str, Tuple[str, ...]]
    concepts: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    red_flags: Tuple[RedFlagPattern, ...] = ()
    regions: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)

    def terms_for(self, entity: str) -> Mapping[str, Tuple[str, ...]]:
        """The canonical value -> terms table for one entity type."""
        tables = {
            SUBSTANCE: self.substances,
            BODY_LOCATION: self.body_locations,
            SYMPTOM: self.symptoms,
            REGION: self.regions,
        }
        return tables[entity]

    def to_lookup_tables(self) -> List[Dict[str, Any]]:
        """Encodes the lexicon as Rasa lookup tables (see module docstring)."""
        tables: List[Dict[str, Any]] = []

        def add(*name_parts: str, elements: Sequence[str]) -> None:
            tables.append(
                {"name": LOOKUP_SEPARATOR.join(name_parts), "elements": list(elements)}
            )

        for value, terms in self.substances.items():
            add(SUBSTANCE, value, self.substance_classes[value], elements=terms)
        for value, terms in self.body_locations.items():
            add(BODY_LOCATION, value, elements=terms)
        for value, terms in self.symptoms.items():
            add(SYMPTOM, value, elements=terms)
        for value, terms in self.regions.items():
            add(REGION, value, elements=terms)
        for name, phrases in self.concepts.items():
            add(CONCEPT, name, elements=phrases)
        # Rasa rejects empty lookup tables, so dispositions travel in a table of their
        # own and a flag recognised only by combinations has no phrase table.
        add(
            RED_FLAG_DISPOSITIONS,
            elements=[f"{flag.flag_id}={flag.disposition}" for flag in self.red_flags],
        )
        for flag in self.red_flags:
            if flag.phrases:
                add(RED_FLAG, flag.flag_id, elements=flag.phrases)
            for index, combination in enumerate(flag.combinations):
                add(
                    RED_FLAG_COMBINATION, flag.flag_id, str(index), elements=combination
                )
        return tables

    @classmethod
    def from_lookup_tables(cls, tables: Sequence[Mapping[str, Any]]) -> "Lexicon":
        """Rebuilds the lexicon from the lookup tables made by `to_lookup_tables`.

        Lookup tables that are not ours (no known prefix) are ignored, so a project may
        still keep ordinary Rasa lookup tables.
        """
        substances: Dict[str, Tuple[str, ...]] = {}
        classes: Dict[str, str] = {}
        body: Dict[str, Tuple[str, ...]] = {}
        symptoms: Dict[str, Tuple[str, ...]] = {}
        regions: Dict[str, Tuple[str, ...]] = {}
        concepts: Dict[str, Tuple[str, ...]] = {}
        dispositions: Dict[str, str] = {}
        phrases: Dict[str, Tuple[str, ...]] = {}
        combos: Dict[str, List[Tuple[int, Tuple[str, ...]]]] = {}
        for table in tables:
            parts = str(table["name"]).split(LOOKUP_SEPARATOR)
            elements = tuple(str(e) for e in table["elements"])
            kind = parts[0]
            if kind == SUBSTANCE:
                substances[parts[1]] = elements
                classes[parts[1]] = parts[2]
            elif kind == BODY_LOCATION:
                body[parts[1]] = elements
            elif kind == SYMPTOM:
                symptoms[parts[1]] = elements
            elif kind == REGION:
                regions[parts[1]] = elements
            elif kind == CONCEPT:
                concepts[parts[1]] = elements
            elif kind == RED_FLAG_DISPOSITIONS:
                dispositions.update(e.split("=", 1) for e in elements)  # type: ignore[misc]
            elif kind == RED_FLAG:
                phrases[parts[1]] = elements
            elif kind == RED_FLAG_COMBINATION:
                combos.setdefault(parts[1], []).append((int(parts[2]), elements))
        red_flags = tuple(
            RedFlagPattern(
                flag_id=flag_id,
                disposition=disposition,
                phrases=phrases.get(flag_id, ()),
                combinations=tuple(c for _, c in sorted(combos.get(flag_id, []))),
            )
            for flag_id, disposition in dispositions.items()
        )
        return cls(substances, classes, body, symptoms, concepts, red_flags, regions)

    @classmethod
    def load(
        cls, lexicon_dir: Path, red_flags_file: Path, regions_file: Path
    ) -> "Lexicon":
        """Loads and validates the YAML files; raises `LexiconError` naming the
        fault."""
        substances_doc = _read_yaml(lexicon_dir / "substances.yml", "substances")
        substances: Dict[str, Tuple[str, ...]] = {}
        classes: Dict[str, str] = {}
        for entry in _entries(substances_doc, lexicon_dir / "substances.yml"):
            where = f"{lexicon_dir / 'substances.yml'}: substance '{entry['value']}'"
            substance_class = entry.get("class")
            if substance_class not in SUBSTANCE_CLASSES:
                raise LexiconError(
                    f"{where}: field 'class' is {substance_class!r}, "
                    f"expected one of {SUBSTANCE_CLASSES}"
                )
            substances[entry["value"]] = _terms(entry, where)
            classes[entry["value"]] = substance_class

        body_file = lexicon_dir / "body_locations.yml"
        body = {
            e["value"]: _terms(e, f"{body_file}: body location '{e['value']}'")
            for e in _entries(_read_yaml(body_file, "body_locations"), body_file)
        }
        unknown = sorted(set(body) - set(BODY_LOCATIONS))
        if unknown:
            raise LexiconError(
                f"{body_file}: field 'value' has non-contract values {unknown}"
            )

        symptoms_file = lexicon_dir / "symptoms.yml"
        symptoms = {
            e["value"]: _terms(e, f"{symptoms_file}: symptom '{e['value']}'")
            for e in _entries(_read_yaml(symptoms_file, "symptoms"), symptoms_file)
        }

        regions = {
            e["id"]: tuple(e.get("terms", []))
            for e in _read_yaml(regions_file, "regions")
            if isinstance(e, dict) and "id" in e
        }
        concepts, red_flags = _load_red_flags(red_flags_file)
        lexicon = cls(substances, classes, body, symptoms, concepts, red_flags, regions)
        _check_concept_references(lexicon, red_flags_file)
        return lexicon


def _read_yaml(path: Path, top_key: str) -> Any:
    if not path.is_file():
        raise LexiconError(f"File '{path}' does not exist.")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise LexiconError(f"File '{path}' is not valid YAML: {error}") from error
    if not isinstance(document, dict) or top_key not in document:
        raise LexiconError(f"File '{path}' has no top-level '{top_key}' list.")
    return document[top_key]


def _entries(items: Any, path: Path) -> List[Dict[str, Any]]:
    if not isinstance(items, list):
        raise LexiconError(f"File '{path}': expected a list of entries.")
    seen: set = set()
    for index, entry in enumerate(items):
        if not isinstance(entry, dict) or not isinstance(entry.get("value"), str):
            raise LexiconError(f"File '{path}': entry {index} has no string 'value'.")
        if entry["value"] in seen:
            raise LexiconError(
                f"File '{path}': value '{entry['value']}' appears twice."
            )
        seen.add(entry["value"])
    return items


def _terms(entry: Mapping[str, Any], where: str) -> Tuple[str, ...]:
    terms = entry.get("terms")
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise LexiconError(f"{where}: field 'terms' must be a list of strings.")
    # The canonical value is not added as a term on purpose: bare "back" would match
    # "come back"; the lexicon lists the forms that are safe ("my back", "back pain").
    return tuple(dict.fromkeys(terms))


def _load_red_flags(
    path: Path,
) -> Tuple[Dict[str, Tuple[str, ...]], Tuple[RedFlagPattern, ...]]:
    concepts_doc = _read_yaml(path, "concepts")
    if not isinstance(concepts_doc, dict):
        raise LexiconError(f"File '{path}': 'concepts' must map names to phrase lists.")
    concepts = {}
    for name, phrases in concepts_doc.items():
        if not isinstance(phrases, list) or not phrases:
            raise LexiconError(f"File '{path}': concept '{name}' needs a phrase list.")
        concepts[str(name)] = tuple(str(p) for p in phrases)

    patterns = []
    for index, entry in enumerate(_read_yaml(path, "red_flags")):
        flag_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(flag_id, str):
            raise LexiconError(f"File '{path}': red flag {index} has no 'id'.")
        where = f"File '{path}': red flag '{flag_id}'"
        if entry.get("disposition") not in DISPOSITIONS:
            raise LexiconError(
                f"{where}: field 'disposition' must be one of {DISPOSITIONS}"
            )
        phrases = entry.get("phrases", [])
        combinations = entry.get("combinations", [])
        if not phrases and not combinations and not entry.get("screen_only"):
            raise LexiconError(
                f"{where}: needs 'phrases' or 'combinations' (or 'screen_only: true' "
                "for a sign only a screen question raises)."
            )
        if not all(isinstance(c, list) and c for c in combinations):
            raise LexiconError(
                f"{where}: field 'combinations' must be lists of concepts."
            )
        patterns.append(
            RedFlagPattern(
                flag_id=flag_id,
                disposition=entry["disposition"],
                phrases=tuple(str(p) for p in phrases),
                combinations=tuple(tuple(str(r) for r in c) for c in combinations),
            )
        )
    return concepts, tuple(patterns)


def _check_concept_references(lexicon: Lexicon, path: Path) -> None:
    known_prefixes = {
        SUBSTANCE: lexicon.substances,
        BODY_LOCATION: lexicon.body_locations,
        SYMPTOM: lexicon.symptoms,
        SUBSTANCE_CLASS: dict.fromkeys(SUBSTANCE_CLASSES),
    }
    for flag in lexicon.red_flags:
        for combination in flag.combinations:
            for reference in combination:
                prefix, _, value = reference.partition(":")
                if value and prefix in known_prefixes:
                    if value not in known_prefixes[prefix]:
                        raise LexiconError(
                            f"File '{path}': red flag '{flag.flag_id}' refers to "
                            f"unknown {prefix} '{value}'."
                        )
                elif reference not in lexicon.concepts:
                    raise LexiconError(
                        f"File '{path}': red flag '{flag.flag_id}' refers to "
                        f"unknown concept '{reference}'."
                    )

"""The lexicon: the project files load, survive the model round trip, fail loudly."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Dict

import pytest

from bot.importer import load_project_lexicon
from bot.lexicon import BODY_LOCATIONS, Lexicon, LexiconError

SUBSTANCES = """\
substances:
  - value: heroin
    class: opioid
    terms: [heroin, dope]
  - value: alprazolam
    class: benzodiazepine
    terms: [xanax, xans]
"""
BODY = """\
body_locations:
  - value: buttock
    terms: [glutes, butt cheek]
"""
SYMPTOMS = """\
symptoms:
  - value: cramp
    terms: [cramping, charley horse]
"""
RED_FLAGS = """\
concepts:
  fever: [fever, burning up]
  lump: [lump, abscess]
red_flags:
  - id: seizure
    disposition: emergency
    phrases: [seizure, had a fit]
  - id: infection
    disposition: emergency
    combinations:
      - [fever, lump]
      - [fever, body_location:buttock]
  - id: pregnancy
    disposition: urgent
    phrases: [pregnant]
"""
REGIONS = """\
default: us
regions:
  - id: us
    terms: [usa]
  - id: uk
    terms: [uk, england]
"""
GOOD_FILES = {
    "lexicon/substances.yml": SUBSTANCES,
    "lexicon/body_locations.yml": BODY,
    "lexicon/symptoms.yml": SYMPTOMS,
    "safety/red_flags.yml": RED_FLAGS,
    "safety/regions.yml": REGIONS,
}


def write_lexicon(root: Path, files: Dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def load_from(root: Path) -> Lexicon:
    return Lexicon.load(
        root / "lexicon",
        root / "safety" / "red_flags.yml",
        root / "safety" / "regions.yml",
    )


def test_the_project_lexicon_round_trips_through_lookup_tables() -> None:
    lexicon = load_project_lexicon()
    rebuilt = Lexicon.from_lookup_tables(lexicon.to_lookup_tables())
    assert rebuilt == lexicon


def test_the_project_lexicon_covers_every_contract_body_location() -> None:
    assert set(load_project_lexicon().body_locations) == set(BODY_LOCATIONS)


def test_a_hermetic_lexicon_round_trips_with_combinations_in_order(
    tmp_path: Path,
) -> None:
    lexicon = load_from(write_lexicon(tmp_path, GOOD_FILES))
    rebuilt = Lexicon.from_lookup_tables(lexicon.to_lookup_tables())

    assert rebuilt == lexicon
    infection = next(flag for flag in rebuilt.red_flags if flag.flag_id == "infection")
    assert infection.combinations == (
        ("fever", "lump"),
        ("fever", "body_location:buttock"),
    )
    assert infection.phrases == ()
    assert rebuilt.substance_classes == {
        "heroin": "opioid",
        "alprazolam": "benzodiazepine",
    }


def test_lookup_tables_that_are_not_ours_are_ignored() -> None:
    lexicon = load_project_lexicon()
    tables = lexicon.to_lookup_tables() + [{"name": "city", "elements": ["london"]}]
    assert Lexicon.from_lookup_tables(tables) == lexicon


@pytest.mark.parametrize(
    ("file", "content", "expected"),
    [
        pytest.param(
            "lexicon/substances.yml",
            SUBSTANCES.replace("class: opioid", "class: stimulant"),
            ["substances.yml", "heroin", "'class'"],
            id="unknown-class",
        ),
        pytest.param(
            "lexicon/substances.yml",
            SUBSTANCES.replace("terms: [heroin, dope]", "terms: heroin"),
            ["substances.yml", "heroin", "'terms'"],
            id="terms-not-a-list",
        ),
        pytest.param(
            "lexicon/substances.yml",
            SUBSTANCES.replace("value: alprazolam", "value: heroin"),
            ["substances.yml", "heroin", "twice"],
            id="duplicate-value",
        ),
        pytest.param(
            "lexicon/substances.yml",
            SUBSTANCES.replace("  - value: heroin\n", "  - name: heroin\n"),
            ["substances.yml", "'value'"],
            id="missing-value",
        ),
        pytest.param(
            "lexicon/body_locations.yml",
            BODY.replace("value: buttock", "value: knee"),
            ["body_locations.yml", "knee", "'value'"],
            id="non-contract-body-location",
        ),
        pytest.param(
            "lexicon/symptoms.yml",
            SYMPTOMS.replace(
                "terms: [cramping, charley horse]", "terms: [cramping, 3]"
            ),
            ["symptoms.yml", "cramp", "'terms'"],
            id="term-not-a-string",
        ),
        pytest.param(
            "lexicon/symptoms.yml",
            "symptom:\n  - value: cramp\n    terms: [cramping]\n",
            ["symptoms.yml", "'symptoms'"],
            id="wrong-top-level-key",
        ),
        pytest.param(
            "safety/red_flags.yml",
            RED_FLAGS.replace("disposition: urgent", "disposition: soon"),
            ["red_flags.yml", "pregnancy", "'disposition'"],
            id="bad-disposition",
        ),
        pytest.param(
            "safety/red_flags.yml",
            RED_FLAGS.replace("[fever, lump]", "[fever, swelling]"),
            ["red_flags.yml", "infection", "swelling"],
            id="unknown-concept",
        ),
        pytest.param(
            "safety/red_flags.yml",
            RED_FLAGS.replace("body_location:buttock", "body_location:bum"),
            ["red_flags.yml", "infection", "bum"],
            id="unknown-body-location-reference",
        ),
        pytest.param(
            "safety/red_flags.yml",
            RED_FLAGS.replace("    phrases: [pregnant]\n", ""),
            ["red_flags.yml", "pregnancy", "'phrases'"],
            id="flag-without-phrases-or-combinations",
        ),
        pytest.param(
            "safety/red_flags.yml",
            RED_FLAGS.replace("lump: [lump, abscess]", "lump: []"),
            ["red_flags.yml", "lump"],
            id="empty-concept",
        ),
        pytest.param(
            "lexicon/body_locations.yml",
            "body_locations: [\n",
            ["body_locations.yml", "YAML"],
            id="invalid-yaml",
        ),
    ],
)
def test_a_malformed_lexicon_fails_naming_file_and_field(
    tmp_path: Path, file: str, content: str, expected: list
) -> None:
    root = write_lexicon(tmp_path, {**GOOD_FILES, file: content})
    with pytest.raises(LexiconError) as error:
        load_from(root)
    for part in expected:
        assert part in str(error.value)


def test_a_missing_lexicon_file_fails_naming_it(tmp_path: Path) -> None:
    root = write_lexicon(tmp_path, GOOD_FILES)
    (root / "lexicon" / "symptoms.yml").unlink()
    with pytest.raises(LexiconError, match="symptoms.yml"):
        load_from(root)

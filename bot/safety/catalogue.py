"""The red-flag catalogue and regional phone numbers, as the bot says them.

Why here and not in the model: these are words the bot *says*, so they can be fixed
without retraining. Loaded once, lazily, and validated: a missing field fails with file
and entry.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from bot.paths import data_dir
from bot.safety.names import URGENT

GENERIC_FLAG = "unspecified"


class CatalogueError(ValueError):
    """A safety data file is malformed; the message names the file, entry and field."""


@dataclass(frozen=True)
class RedFlag:
    """One catalogue entry: what it is, why it matters, what to do right now."""

    flag_id: str
    disposition: str
    name: str
    why: str
    do_now: Tuple[str, ...]
    source: str
    confirm: str = "Just to check: is this happening right now?"
    # The same question asked of someone telling about another person, where the
    # wording must change ("do you think they might be ..."); empty: `confirm`.
    confirm_someone_else: str = ""
    disposition_source: str = ""
    # Entries whose "do now" steps this one's replace when both are raised: an
    # overdose's recovery position, not breathing's "sit upright".
    replaces_steps_of: Tuple[str, ...] = ()
    # Told by the person it is happening to ("i took too many of my sleeping pills"):
    # the reason and steps for them, not for a bystander ("give them naloxone").
    for_self: Optional["ForSelf"] = None
    # A same-day sign that is this emergency without its worst part (a hot, red lump
    # where you inject, without the fever): after an explicit No to this entry's
    # question, that sign is asked about before the screen goes on (review 59: "no"
    # to the fever was taken as no lump, then "nothing sounds like an emergency").
    milder: Optional[str] = None
    # A sign of one drug class (baclofen): heard by meaning alone from someone who
    # named only drugs of other classes, it is not asked about (review 77: a man off
    # codeine was asked about a baclofen pump, and "my prescription ran out" of
    # tramadol put "stopping baclofen tablets" in the summary for his GP).
    drug_class: Optional[str] = None


@dataclass(frozen=True)
class ForSelf:
    """An entry's reason and steps for the person it is happening to, and the words
    (`cues`, normalised as messages are) that say so."""

    why: str
    do_now: Tuple[str, ...]
    cues: Tuple[str, ...]


@dataclass(frozen=True)
class Region:
    """Phone numbers for one region."""

    region_id: str
    name: str
    emergency: str
    crisis: str
    poison: Optional[str] = None
    helpline: Optional[str] = None
    urgent: Optional[str] = None
    hints: Tuple[str, ...] = ()
    """words that suggest the region without settling it ("A&E", "mum")"""


GENERIC_RED_FLAG = RedFlag(
    flag_id=GENERIC_FLAG,
    disposition="emergency",
    name="something that may be an emergency",
    why=(
        "What you describe could be serious, and it is safest to be checked "
        "straight away."
    ),
    # Not "stay with someone": the reply's last step says that for every sign (review
    # 12 read the two as the same bullet twice).
    do_now=(
        "Sit or lie down somewhere safe, and don't take anything more (drink, drugs "
        "or medicine) until you've been checked.",
    ),
    source="NHS: When to call 999",
    confirm=(
        "Just to check: is this happening right now, and does it feel like an "
        "emergency?"
    ),
    disposition_source="NHS: When to call 999",
)


def _load_yaml(path: Path, key: str) -> Dict[str, Any]:
    if not path.is_file():
        raise CatalogueError(f"File '{path}' does not exist.")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or key not in document:
        raise CatalogueError(f"File '{path}' has no top-level '{key}'.")
    return document


def _require(entry: Dict, field: str, where: str) -> object:
    if field not in entry or entry[field] in (None, "", []):
        raise CatalogueError(f"{where}: field '{field}' is missing or empty.")
    return entry[field]


def _steps(value: object, where: str) -> Tuple[str, ...]:
    """`do_now` as plain sentences. A step with an unquoted ": " in it is a mapping
    to YAML ("Do not wait: call ..."), and the emergency reply failed on it (session
    20, caught by the tests): refused when the catalogue is read."""
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise CatalogueError(
            f"{where}: field 'do_now' must be a list of sentences (quote a step that "
            "has ': ' in it)."
        )
    return tuple(value)


@lru_cache(maxsize=1)
def red_flags() -> Dict[str, RedFlag]:
    """All catalogue entries by id."""
    path = data_dir() / "safety" / "red_flags.yml"
    document = _load_yaml(path, "red_flags")
    entries: Dict[str, RedFlag] = {}
    for index, entry in enumerate(document["red_flags"]):
        where = f"File '{path}', red flag {entry.get('id', index)!r}"
        entries[entry["id"]] = RedFlag(
            flag_id=str(_require(entry, "id", where)),
            disposition=str(_require(entry, "disposition", where)),
            name=str(_require(entry, "name", where)),
            why=str(_require(entry, "why", where)),
            do_now=_steps(_require(entry, "do_now", where), where),
            source=str(_require(entry, "source", where)),
            confirm=str(_require(entry, "confirm", where)),
            confirm_someone_else=str(entry.get("confirm_someone_else") or ""),
            disposition_source=str(_require(entry, "disposition_source", where)),
            replaces_steps_of=tuple(
                str(other) for other in entry.get("replaces_steps_of") or ()
            ),
            for_self=_for_self(entry.get("for_self"), where),
            milder=entry.get("milder"),
            drug_class=entry.get("drug_class"),
        )
    for entry in entries.values():
        if entry.milder and (
            entry.milder not in entries or entries[entry.milder].disposition != URGENT
        ):
            raise CatalogueError(
                f"File '{path}', red flag {entry.flag_id!r}: 'milder' must name a "
                f"same-day (urgent) entry, not {entry.milder!r}."
            )
    return entries


def _for_self(block: Optional[Dict[str, Any]], where: str) -> Optional[ForSelf]:
    """An entry's `for_self` block, checked, or None when it has none."""
    if block is None:
        return None
    where = f"{where}, for_self"
    return ForSelf(
        why=str(_require(block, "why", where)),
        do_now=tuple(str(s) for s in _require(block, "do_now", where)),  # type: ignore[union-attr]
        cues=tuple(str(c) for c in _require(block, "cues", where)),  # type: ignore[union-attr]
    )


def red_flag(flag_id: Optional[str]) -> RedFlag:
    """The entry for `flag_id`, or a generic one for an emergency without a known id."""
    return red_flags().get(flag_id or "", GENERIC_RED_FLAG)


def confirmed_same_day(screen_flag: Optional[str]) -> List[str]:
    """The sign a Yes in the screen confirmed (`screen_flag`), when it is a same-day
    one: with the same-day signs said in words, later words can make it an emergency
    (a hot lump confirmed, then the shivers). Read alike by the safety policy and the
    emergency action."""
    return (
        [str(screen_flag)]
        if screen_flag and red_flag(screen_flag).disposition == URGENT
        else []
    )


def load_regions(path: Path) -> Tuple[str, Dict[str, Region]]:
    """The default region's id and every region by id, from a regions file."""
    document = _load_yaml(path, "regions")
    listed: Dict[str, Region] = {}
    for index, entry in enumerate(document["regions"]):
        where = f"File '{path}', region {entry.get('id', index)!r}"
        listed[entry["id"]] = Region(
            region_id=str(_require(entry, "id", where)),
            name=str(_require(entry, "name", where)),
            emergency=str(_require(entry, "emergency", where)),
            crisis=str(_require(entry, "crisis", where)),
            poison=entry.get("poison"),
            helpline=entry.get("helpline"),
            urgent=entry.get("urgent"),
            hints=tuple(str(hint).lower() for hint in entry.get("hints") or ()),
        )
    default = str(document.get("default", "us"))
    if default not in listed:
        raise CatalogueError(
            f"File '{path}': default region '{default}' is not listed."
        )
    return default, listed


@lru_cache(maxsize=1)
def regions() -> Tuple[str, Dict[str, Region]]:
    """The project's regions (`load_regions` of data/safety/regions.yml), read once."""
    return load_regions(data_dir() / "safety" / "regions.yml")


def region(region_id: Optional[str]) -> Region:
    """The person's region, else `BOT_REGION`, else the file's default."""
    default, listed = regions()
    for candidate in (region_id, os.environ.get("BOT_REGION"), default):
        if candidate and candidate in listed:
            return listed[candidate]
    return listed[default]


MAX_HINTED_REGIONS = 2


def hinted_regions(text: str) -> List[Region]:
    """Regions other than the default that the words of `text` hint at ("we're in A&E",
    "my mum"), most hints first, at most `MAX_HINTED_REGIONS`: their numbers go beside
    the default's until the person says where they are."""
    default_region = region(None)
    padded = " " + re.sub(r"[^a-z0-9&]+", " ", text.lower()) + " "
    counts = {
        place.region_id: sum(padded.count(f" {hint} ") for hint in place.hints)
        for place in regions()[1].values()
        if place.region_id != default_region.region_id
    }
    ranked = sorted(
        (rid for rid, count in counts.items() if count), key=lambda rid: -counts[rid]
    )
    return [regions()[1][rid] for rid in ranked[:MAX_HINTED_REGIONS]]


def steps_for(flags: Sequence[RedFlag]) -> List[str]:
    """The "do now" steps of several raised entries, each once, without the steps of
    an entry another one replaces."""
    replaced = {other for flag in flags for other in flag.replaces_steps_of}
    steps = [
        step for flag in flags if flag.flag_id not in replaced for step in flag.do_now
    ]
    return list(dict.fromkeys(steps))

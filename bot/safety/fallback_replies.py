"""Replies the Rasa server sends without the action server, built from regions.yml.

Why generated: these replies carry emergency and crisis numbers, and a number copied by
hand into a response drifts from `data/safety/regions.yml` (the first wave had 16 such
copies in the domain, tied to the file by nothing). The texts live once, in
`data/safety/fallback_replies.yml`; the importer turns each domain reply into one
response variant per region (a `region` slot condition each, the default region's text
last) and the server's own replies list every region's number, since they are sent
when the conversation, and so the person's region, can't be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Dict, List, Mapping

import yaml

from bot.paths import data_dir
from bot.safety.catalogue import CatalogueError, Region, regions

REGION_SLOT = "region"
REPLIES_FILE = Path("safety") / "fallback_replies.yml"
UNLISTED_REGION = "other"  # "somewhere else": no number of its own to list


@dataclass(frozen=True)
class FallbackReplies:
    """The reply texts of `fallback_replies.yml`, with their placeholders."""

    domain_responses: Mapping[str, str]
    server_replies: Mapping[str, str]

    @classmethod
    def load(cls, path: Path) -> "FallbackReplies":
        """Reads and checks the file; a missing section fails naming the file."""
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        sections = {}
        for section in ("domain_responses", "server_replies"):
            texts = document.get(section) if isinstance(document, dict) else None
            if not isinstance(texts, dict) or not all(
                isinstance(text, str) and text for text in texts.values()
            ):
                raise CatalogueError(
                    f"File '{path}': '{section}' must map reply names to texts."
                )
            sections[section] = texts
        return cls(**sections)


def _joined(names: List[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def every_emergency_number(listed: Mapping[str, Region]) -> str:
    """'911 in the US and Canada, 999 in the UK, …': each number once, in file order."""
    by_number: Dict[str, List[str]] = {}
    for region_id, place in listed.items():
        if region_id != UNLISTED_REGION:
            by_number.setdefault(place.emergency, []).append(place.name)
    return ", ".join(
        f"{number} in {_joined(names)}" for number, names in by_number.items()
    )


def every_crisis_line(listed: Mapping[str, Region]) -> str:
    """'988 (…) in the US; Samaritans 116 123 (…) in the UK and Ireland; …'."""
    by_line: Dict[str, List[str]] = {}
    for region_id, place in listed.items():
        if region_id != UNLISTED_REGION:
            by_line.setdefault(place.crisis, []).append(place.name)
    return "; ".join(f"{line} in {_joined(names)}" for line, names in by_line.items())


def domain_responses(
    replies: FallbackReplies, default_region: str, listed: Mapping[str, Region]
) -> Dict[str, List[Dict[str, Any]]]:
    """Each domain reply as Rasa responses: one conditioned variant per region, then
    the default region's text unconditioned (for a conversation with no region yet)."""
    responses: Dict[str, List[Dict[str, Any]]] = {}
    for name, template in replies.domain_responses.items():

        def text(place: Region, template: str = template) -> str:
            return template.format(emergency=place.emergency, crisis=place.crisis)

        variants: List[Dict[str, Any]] = [
            {
                "condition": [
                    {"type": "slot", "name": REGION_SLOT, "value": region_id}
                ],
                "text": text(place),
            }
            for region_id, place in listed.items()
            if region_id != default_region
        ]
        variants.append({"text": text(listed[default_region])})
        responses[name] = variants
    return responses


@cache
def server_reply(name: str) -> str:
    """A reply the server sends when it can't read the conversation (`store_down`,
    `busy`), with every region's numbers."""
    replies = FallbackReplies.load(data_dir() / REPLIES_FILE)
    _, listed = regions()
    return replies.server_replies[name].format(
        emergency_numbers=every_emergency_number(listed),
        crisis_numbers=every_crisis_line(listed),
    )

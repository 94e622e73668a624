"""The guidance knowledge base: a storage interface and its in-memory YAML
implementation.

Why validate at load: every tip must be traceable to a source and must never carry a
dose. A malformed or incomplete file fails at start-up with the file, entry and field at
fault, instead of the bot silently having less to say.

Why items say whom they fit (and whom they must never reach): advice written for one
person is harmful or hurtful for another. "Don't use alone, test for fentanyl" is
life-saving for someone coming off street opioids and stigmatising for someone with MS
who ran out of prescribed baclofen. An item's keys may list several values (any of them
fits), it may need a context of the conversation (`contexts.yml`: prescribed, pregnant,
a carer asking for someone else), and `not_for` names the substances, classes or
contexts it must never reach.
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from actions.paths import data_dir
from bot.language import normalise
from bot.lexicon import BODY_LOCATIONS
from bot.lexicon import SUBSTANCE_CLASSES as DRUG_CLASSES
from bot.safety.catalogue import region, regions


def _topic_kinds() -> Dict[str, Tuple[str, ...]]:
    """data/dialogue/topics.yml `topic_kinds`: which kind of answer each advice topic
    is. Read here, at import, because every advice item is checked against them."""
    document = yaml.safe_load(
        (data_dir() / "dialogue" / "topics.yml").read_text(encoding="utf-8")
    )
    kinds = document.get("topic_kinds") or {}
    return {kind: tuple(str(t) for t in topics or ()) for kind, topics in kinds.items()}


HARM_REDUCTION_TOPICS = _topic_kinds()["harm_reduction"]
"""Topics answered by the harm-reduction action (actions/harm_reduction.py) before any
screen: they cannot wait for one, and are no self-care tip."""
GUIDANCE_AND_EMERGENCY_TOPICS = _topic_kinds()["guidance_and_emergency"]
"""Self-care guidance topics, and those asked while help is on its way."""

TOPICS = (*GUIDANCE_AND_EMERGENCY_TOPICS, *HARM_REDUCTION_TOPICS)
"""Every topic an advice item may have."""
# The contract's vocabularies, spelled once in bot/lexicon.py; "none" is no withdrawal.
SUBSTANCE_CLASSES = (*DRUG_CLASSES, "none")
MATCH_KEYS = ("substance", "substance_class", "body_location", "symptom")
REGION_KEY = "region"
"""The person's region (the `region` slot; unknown: BOT_REGION, else the regions.yml
default). Not a match key: an item's `regions` list filters, and a regional variant
wins over the universal item of the same specificity."""
# A key's weight in ranking matches: where it hurts matters most for physical tips, then
# the exact drug, then the kind of symptom, then the drug class.
KEY_WEIGHTS = {"body_location": 6, "substance": 4, "symptom": 3, "substance_class": 1}
CONTEXTS_KEY = "contexts"
"""The person's contexts (a collection of context ids, see `Context`); an item's
`contexts` must all hold, and its `not_for: {context: [...]}` must not."""
NOT_FOR_KEYS = (*MATCH_KEYS, "context")
CONTEXTS_FILE = "contexts.yml"
MAX_TIED_ITEMS = 2
# Advice written for a broader part also fits a narrower one ("leg" tips fit a calf), a
# little less well than advice written for the part itself.
BROADER_LOCATION = {
    "calf": "leg",
    "thigh": "leg",
    "foot": "leg",
    "lower_back": "back",
    "upper_back": "back",
}
DOSE_PATTERN = re.compile(
    r"\d\s*(mg|mcg|µg|ml|milligram)|\bdos(e|es|age)\b", re.IGNORECASE
)


class KnowledgeBaseError(ValueError):
    """A knowledge file is malformed; the message names the file, entry and field."""


@dataclass(frozen=True)
class Context:
    """Something about the person, read from the whole conversation, that changes what
    advice fits them (data/knowledge/contexts.yml).

    Why from the conversation and not a slot: people say it once, in passing ("tramadol
    was from doctor for my knee", "I'm 20 weeks pregnant", "asking for my son"), and it
    stays true for the rest of the conversation.
    """

    context_id: str
    weight: int
    """How much a matching item outranks one written for nobody in particular."""
    said: Tuple[str, ...] = ()
    """Phrases (normalised) that, said in any message, put the person in the context."""
    unless_said: Tuple[str, ...] = ()
    """Phrases that, said in any message, take them out of it ("not prescribed")."""
    substance_classes: Tuple[str, ...] = ()
    """Drug classes that are in the context by themselves (baclofen is prescribed)."""
    flags: Tuple[str, ...] = ()
    """Red-flag ids that put the person in the context (`pregnancy`)."""

    def holds(
        self, texts: Sequence[str], substance_class: Optional[str], flags: Sequence[str]
    ) -> bool:
        """Whether the context is true of a person who wrote `texts` (normalised,
        padded with spaces), stopped `substance_class` and reported `flags`."""
        if any(f" {phrase} " in text for phrase in self.unless_said for text in texts):
            return False
        return (
            substance_class in self.substance_classes
            or any(flag in self.flags for flag in flags)
            or any(f" {phrase} " in text for phrase in self.said for text in texts)
        )


@dataclass(frozen=True)
class Source:
    """Where an advice item comes from, in words a person can read."""

    title: str
    origin: str  # a seed file name or an authority
    section: str

    def readable(self) -> str:
        """What a person reads: the article's title, or the authority and page
        ("NHS: Dehydration"); never a file name."""
        if self.origin.endswith(".txt"):
            return self.title
        return f"{self.origin}: {self.title}"

    def citation(self) -> str:
        """E.g. `Buttock Pain During Opioid Withdrawal (000_….txt), "3. Heat and
        Cold"`."""
        return f"{self.title} ({self.origin}), “{self.section}”"


@dataclass(frozen=True)
class AdviceItem:
    """One piece of guidance and the person it fits."""

    item_id: str
    topic: str
    text: str
    sources: Tuple[Source, ...]
    keys: Mapping[str, str]
    regions: Tuple[str, ...] = ()
    """Where the item applies (region ids of regions.yml); empty: everywhere."""
    any_of: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    """Match keys written as a list: the item fits a person whose value is any of them
    (`substance_class: [alcohol, benzodiazepine]`)."""
    contexts: Tuple[Tuple[str, int], ...] = ()
    """Contexts the person must be in (id, weight), e.g. a carer's variant."""
    not_for: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    """Key (or `context`) -> values whose people must never get this item."""

    def score(self, person: Mapping[str, Any]) -> Optional[int]:
        """How specifically this item fits `person`; None when it doesn't fit.

        Why doubled, plus one for a regional item: a variant written for the person's
        region ("FRANK 0300 123 6600") beats the universal item of the same
        specificity, but never an item that fits the person's drug or body better.
        `person["region"]` is a region id, already resolved (see `lookup`);
        `person["contexts"]` the ids of the contexts that hold.
        """
        if self.regions and person.get(REGION_KEY) not in self.regions:
            return None
        held = set(person.get(CONTEXTS_KEY) or ())
        for key, values in self.not_for.items():
            if (held & set(values)) if key == "context" else person.get(key) in values:
                return None
        total = 0
        for key, value in self.keys.items():
            weight = _key_weight(key, value, person.get(key))
            if weight is None:
                return None
            total += weight
        for key, values in self.any_of.items():
            found = [_key_weight(key, value, person.get(key)) for value in values]
            weights = [weight for weight in found if weight is not None]
            if not weights:
                return None
            total += max(weights)
        for context_id, weight in self.contexts:
            if context_id not in held:
                return None
            total += weight
        return total * 2 + (1 if self.regions else 0)


def _key_weight(key: str, value: str, theirs: Optional[str]) -> Optional[int]:
    """What matching `key` = `value` is worth for a person whose value is `theirs`:
    the key's weight, a little less for advice written for the broader body part
    ("leg" tips fit a calf), None when it doesn't fit."""
    if theirs == value:
        return KEY_WEIGHTS[key]
    if key == "body_location" and BROADER_LOCATION.get(theirs or "") == value:
        return KEY_WEIGHTS[key] - 1
    return None


class KnowledgeBase(abc.ABC):
    """Looks up guidance for a topic and a person."""

    @abc.abstractmethod
    def items(self) -> Sequence[AdviceItem]:
        """Every advice item."""

    @abc.abstractmethod
    def contexts(self) -> Sequence[Context]:
        """Every context an item may ask for or rule out."""

    def lookup(self, topic: str, person: Mapping[str, Any]) -> List[AdviceItem]:
        """The most specific items for `topic` that fit `person`.

        Graceful specificity: substance + location + symptom, then fewer keys, down to
        the general item with no keys. Ties at the top are all returned (at most two).
        Items with `regions` are for people there (an unknown region is BOT_REGION, else
        the default of regions.yml). `person["contexts"]`, if given, holds the ids of
        the contexts true of the person; items that need another context, or rule one
        of these out, don't fit.
        """
        person = {**person, REGION_KEY: region(person.get(REGION_KEY)).region_id}
        scored = [
            (score, item)
            for item in self.items()
            if item.topic == topic and (score := item.score(person)) is not None
        ]
        if not scored:
            return []
        best = max(score for score, _ in scored)
        return [item for score, item in scored if score == best][:MAX_TIED_ITEMS]


class InMemoryKnowledgeBase(KnowledgeBase):
    """All YAML files of a folder, validated and held in memory."""

    def __init__(self, folder: Path, seeds_dir: Optional[Path] = None) -> None:
        if not folder.is_dir():
            raise KnowledgeBaseError(f"Folder '{folder}' does not exist.")
        files = sorted(folder.glob("*.yml"))
        if not files:
            raise KnowledgeBaseError(f"Folder '{folder}' has no .yml files.")
        documents: Dict[str, Tuple[str, str]] = {}
        raw_items: List[Tuple[Path, Dict[str, Any]]] = []
        self._contexts: Dict[str, Context] = {}
        for path in files:
            try:
                content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as error:
                raise KnowledgeBaseError(
                    f"File '{path}' is not valid YAML: {error}"
                ) from error
            for index, document in enumerate(content.get("documents", [])):
                documents.update(self._document(path, index, document, seeds_dir))
            for context_id, entry in (content.get("contexts") or {}).items():
                self._contexts[str(context_id)] = self._context(path, context_id, entry)
            raw_items.extend((path, item) for item in content.get("advice", []))
        self._items = []
        first_seen: Dict[str, Path] = {}
        for path, raw in raw_items:
            item = self._advice(path, raw, documents, self._contexts)
            if item.item_id in first_seen:
                raise KnowledgeBaseError(
                    f"File '{path}', advice '{item.item_id}': field 'id' is already "
                    f"used in '{first_seen[item.item_id]}'."
                )
            first_seen[item.item_id] = path
            self._items.append(item)

    def items(self) -> Sequence[AdviceItem]:
        """Every advice item."""
        return self._items

    def contexts(self) -> Sequence[Context]:
        """Every context of `contexts.yml`."""
        return list(self._contexts.values())

    @staticmethod
    def _context(path: Path, context_id: Any, entry: Any) -> Context:
        where = f"File '{path}', context '{context_id}'"
        if not isinstance(entry, dict):
            raise KnowledgeBaseError(f"{where}: needs 'weight' and 'said'.")
        weight = entry.get("weight")
        if not isinstance(weight, int) or weight < 1:
            raise KnowledgeBaseError(f"{where}: field 'weight' must be a whole number.")
        lists = {}
        for name in ("said", "unless_said", "substance_classes", "flags"):
            values = entry.get(name) or []
            if not isinstance(values, list):
                raise KnowledgeBaseError(f"{where}: field '{name}' must be a list.")
            lists[name] = tuple(
                normalise(str(v)) if "said" in name else str(v) for v in values
            )
        if not (lists["said"] or lists["substance_classes"] or lists["flags"]):
            raise KnowledgeBaseError(
                f"{where}: field 'said' is missing: nothing would put anyone in it."
            )
        return Context(str(context_id), weight, **lists)

    @staticmethod
    def _document(
        path: Path, index: int, document: Any, seeds_dir: Optional[Path]
    ) -> Dict[str, Tuple[str, str]]:
        where = f"File '{path}', document {index}"
        if not isinstance(document, dict) or not document.get("id"):
            raise KnowledgeBaseError(f"{where}: field 'id' is missing.")
        where = f"File '{path}', document '{document['id']}'"
        if not document.get("title"):
            raise KnowledgeBaseError(f"{where}: field 'title' is missing.")
        origin = document.get("file") or document.get("authority")
        if not origin:
            raise KnowledgeBaseError(f"{where}: needs a 'file' or an 'authority'.")
        if (
            document.get("file")
            and seeds_dir
            and not (seeds_dir / document["file"]).is_file()
        ):
            raise KnowledgeBaseError(
                f"{where}: field 'file' names a missing seed file."
            )
        return {str(document["id"]): (str(document["title"]), str(origin))}

    @staticmethod
    def _advice(
        path: Path,
        raw: Any,
        documents: Dict[str, Tuple[str, str]],
        contexts: Mapping[str, Context],
    ) -> AdviceItem:
        item_id = raw.get("id") if isinstance(raw, dict) else None
        if not item_id:
            raise KnowledgeBaseError(f"File '{path}': an advice entry has no 'id'.")
        where = f"File '{path}', advice '{item_id}'"
        if raw.get("topic") not in TOPICS:
            raise KnowledgeBaseError(f"{where}: field 'topic' must be one of {TOPICS}.")
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            raise KnowledgeBaseError(f"{where}: field 'text' is missing.")
        if DOSE_PATTERN.search(text):
            raise KnowledgeBaseError(
                f"{where}: field 'text' looks like it gives a dose."
            )
        for name, allowed, what in (
            ("substance_class", SUBSTANCE_CLASSES, "is not a known class"),
            ("body_location", BODY_LOCATIONS, "is not a contract value"),
        ):
            given = raw.get(name)
            values = given if isinstance(given, list) else [given] if given else []
            excluded = (raw.get("not_for") or {}).get(name) or []
            if any(v not in allowed for v in [*values, *excluded]):
                raise KnowledgeBaseError(f"{where}: field '{name}' {what}.")
        sources = raw.get("sources")
        if not isinstance(sources, list) or not sources:
            raise KnowledgeBaseError(
                f"{where}: field 'sources' is missing: every tip needs one."
            )
        parsed = []
        for source in sources:
            if not isinstance(source, dict):
                raise KnowledgeBaseError(
                    f"{where}: field 'sources' needs entries with 'document' and "
                    "'section'."
                )
            document = documents.get(str(source.get("document")))
            if document is None:
                raise KnowledgeBaseError(
                    f"{where}: field 'sources' cites unknown document "
                    f"{source.get('document')!r}."
                )
            if not source.get("section"):
                raise KnowledgeBaseError(f"{where}: field 'sources' needs a 'section'.")
            parsed.append(Source(document[0], document[1], str(source["section"])))
        keys = {
            key: str(raw[key])
            for key in MATCH_KEYS
            if raw.get(key) and not isinstance(raw[key], list)
        }
        any_of = {
            key: tuple(str(v) for v in raw[key])
            for key in MATCH_KEYS
            if isinstance(raw.get(key), list) and raw[key]
        }
        needed = raw.get("contexts") or []
        not_for = raw.get("not_for") or {}
        if (
            not isinstance(needed, list)
            or not isinstance(not_for, dict)
            or any(key not in NOT_FOR_KEYS for key in not_for)
            or any(not isinstance(v, list) or not v for v in not_for.values())
        ):
            raise KnowledgeBaseError(
                f"{where}: field 'contexts' must be a list and field 'not_for' a "
                f"mapping of {', '.join(NOT_FOR_KEYS)} to lists."
            )
        unknown = [
            c for c in [*needed, *not_for.get("context", [])] if c not in contexts
        ]
        if unknown:
            raise KnowledgeBaseError(
                f"{where}: field 'contexts' names {unknown}, not in {CONTEXTS_FILE} "
                f"({', '.join(contexts)})."
            )
        places = raw.get("regions", [])
        known = regions()[1]
        if "regions" in raw and (
            not isinstance(places, list)
            or not places
            or any(place not in known for place in places)
        ):
            raise KnowledgeBaseError(
                f"{where}: field 'regions' must be a list of region ids of "
                f"data/safety/regions.yml ({', '.join(known)})."
            )
        return AdviceItem(
            str(item_id),
            raw["topic"],
            text.strip(),
            tuple(parsed),
            keys,
            tuple(str(place) for place in places),
            any_of,
            tuple((str(c), contexts[c].weight) for c in needed),
            {key: tuple(str(v) for v in values) for key, values in not_for.items()},
        )


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """The project's knowledge base, loaded once per process."""
    seeds = data_dir().parent.parent / "shared" / "seeds"
    return InMemoryKnowledgeBase(
        data_dir() / "knowledge", seeds if seeds.is_dir() else None
    )

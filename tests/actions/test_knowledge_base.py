"""The guidance knowledge base: the real data, graceful specificity, loud failures."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest

from actions.knowledge_base import (
    BROADER_LOCATION,
    TOPICS,
    AdviceItem,
    InMemoryKnowledgeBase,
    KnowledgeBase,
    KnowledgeBaseError,
    knowledge_base,
)
from bot.importer import load_project_lexicon
from bot.safety.catalogue import regions

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"

# Written independently of the loader's own check: a number with a unit or a pill count,
# or the words dose / dosage / dosing.
DOSE_WORDS = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|ug|g|ml|milligrams?|micrograms?|grams?|units?|"
    r"tablets?|pills?|capsules?|drops?|puffs?|teaspoons?|tsp)\b"
    r"|\b(?:one|two|three|four|half an?|a)\s+(?:tablets?|pills?|capsules?)"
    r"\s+(?:a|per|every)\b"
    r"|\bdos(?:e|es|age|ing)\b",
    re.IGNORECASE,
)
SUBSTANCE_CLASS_FAMILIES = ("opioid", "benzodiazepine", "alcohol", "baclofen", "none")
BODY_LOCATION_FAMILIES = ("buttock", "calf", "leg", "lower_back", "whole_body")
CORE_TOPICS = ("overview", "stretches", "duration", "see_doctor")


def person(
    substance_class: str | None = None,
    body_location: str | None = None,
    symptom: str | None = None,
    substance: str | None = None,
) -> Dict[str, str | None]:
    """What the guidance action passes to `lookup`, from the slots."""
    return {
        "substance": substance,
        "substance_class": substance_class,
        "body_location": body_location,
        "symptom": symptom,
    }


def ids(items: List[AdviceItem]) -> List[str]:
    return [item.item_id for item in items]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return knowledge_base()


# ----------------------------------------------------------------------- the real data


def test_the_real_knowledge_base_loads_with_items_for_every_topic(
    kb: KnowledgeBase,
) -> None:
    assert {item.topic for item in kb.items()} == set(TOPICS)


def test_the_real_knowledge_base_is_checked_against_the_seed_files() -> None:
    """Loading with the seeds folder verifies every cited seed file exists."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"no seed articles at {SEEDS_DIR} (outside this checkout)")
    loaded = InMemoryKnowledgeBase(PROJECT_ROOT / "data" / "knowledge", SEEDS_DIR)
    assert len(loaded.items()) == len(knowledge_base().items())


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_has_a_general_answer_for_anyone(
    kb: KnowledgeBase, topic: str
) -> None:
    """Whatever was stopped and wherever it hurts, the bot has something to say."""
    general = kb.lookup(topic, person())
    assert general, f"no general item for topic {topic!r}"
    assert all(not item.keys for item in general)


def test_every_advice_item_cites_at_least_one_readable_source(
    kb: KnowledgeBase,
) -> None:
    for item in kb.items():
        assert item.sources, item.item_id
        for source in item.sources:
            assert source.title and source.origin and source.section, item.item_id
            assert (
                source.title in source.citation()
                and source.section in source.citation()
            )


def test_no_advice_text_gives_a_dose(kb: KnowledgeBase) -> None:
    offending = {
        item.item_id: match.group(0)
        for item in kb.items()
        if (match := DOSE_WORDS.search(item.text))
    }
    assert offending == {}


def test_advice_keys_use_canonical_lexicon_values(kb: KnowledgeBase) -> None:
    """A misspelt key ("heroine") would make its item unreachable, silently."""
    lexicon = load_project_lexicon()
    for item in kb.items():
        if "substance" in item.keys:
            assert item.keys["substance"] in lexicon.substances, item.item_id
        if "symptom" in item.keys:
            assert item.keys["symptom"] in lexicon.symptoms, item.item_id


def test_every_real_item_is_reachable_by_the_person_it_was_written_for(
    kb: KnowledgeBase,
) -> None:
    """No item is shadowed by others: the person it describes gets it back."""
    classes = load_project_lexicon().substance_classes
    unreachable = []
    for item in kb.items():
        who: Dict[str, object] = {
            **person(**item.keys),
            **{key: values[0] for key, values in item.any_of.items()},
            "contexts": frozenset(context for context, _ in item.contexts),
        }
        if who["substance"] and not who["substance_class"]:
            who["substance_class"] = classes[str(who["substance"])]
        # A universal item with regional variants is for everyone else: some region.
        places = item.regions or tuple(regions()[1])
        if not any(
            item in kb.lookup(item.topic, {**who, "region": place}) for place in places
        ):
            unreachable.append(item.item_id)
    assert unreachable == []


@pytest.mark.parametrize(
    ("topic", "who", "expected"),
    [
        pytest.param(
            "what_to_do",
            person("opioid", "buttock", "cramp", substance="oxycodone"),
            ["opioid_buttock_cramp_what_to_do"],
            id="class+location+symptom",
        ),
        pytest.param(
            "what_to_do",
            person("opioid", "whole_body", substance="heroin"),
            ["heroin_whole_body_what_to_do"],
            id="substance+location",
        ),
        pytest.param(
            "overview",
            person("none", "buttock"),
            ["none_buttock_overview"],
            id="location",
        ),
        pytest.param(
            "stretches",
            person("opioid", "calf"),
            ["opioid_leg_stretches"],
            id="broader-location",
        ),
        pytest.param(
            "overview", person("alcohol", "neck"), ["alcohol_overview"], id="class-only"
        ),
        pytest.param(
            "overview", person("none", "neck"), ["general_overview"], id="general"
        ),
    ],
)
def test_real_lookup_reaches_every_specificity_level(
    kb: KnowledgeBase, topic: str, who: Dict[str, str | None], expected: List[str]
) -> None:
    assert ids(kb.lookup(topic, who)) == expected


@pytest.mark.parametrize("substance_class", SUBSTANCE_CLASS_FAMILIES)
@pytest.mark.parametrize("body_location", BODY_LOCATION_FAMILIES)
@pytest.mark.parametrize("topic", CORE_TOPICS)
def test_coverage_every_class_and_location_gets_an_answer(
    kb: KnowledgeBase, substance_class: str, body_location: str, topic: str
) -> None:
    who = person(substance_class, body_location)
    items = kb.lookup(topic, who)
    assert items, f"nothing for {substance_class} x {body_location} x {topic}"
    for item in items:
        assert item.text.strip() and item.sources
        # Never advice written for a different drug class or body part.
        assert item.keys.get("substance_class", substance_class) == substance_class
        fitting_places = {None, body_location, BROADER_LOCATION.get(body_location)}
        assert item.keys.get("body_location") in fitting_places


# -------------------------------------------------------------------- hermetic lookups

DOCUMENTS = """\
documents:
  - id: seed
    file: seed.txt
    title: A Seed Article
  - id: nhs
    authority: NHS
    title: An NHS Page
"""
LEVELS = """\
advice:
  - id: general_stretches
    topic: stretches
    text: General stretches.
    sources: [{document: nhs, section: General}]
  - id: opioid_stretches
    topic: stretches
    substance_class: opioid
    text: Opioid stretches.
    sources: [{document: seed, section: Opioids}]
  - id: buttock_stretches
    topic: stretches
    body_location: buttock
    text: Buttock stretches.
    sources: [{document: seed, section: Buttock}]
  - id: leg_stretches
    topic: stretches
    body_location: leg
    text: Leg stretches.
    sources: [{document: seed, section: Legs}]
  - id: heroin_buttock_cramp_stretches
    topic: stretches
    substance_class: opioid
    substance: heroin
    body_location: buttock
    symptom: cramp
    text: Heroin, buttock cramp stretches.
    sources: [{document: seed, section: Heroin / Buttock / Cramp}]
"""


def write_kb(folder: Path, **files: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        (folder / f"{name}.yml").write_text(textwrap.dedent(content), encoding="utf-8")
    return folder


@pytest.fixture
def levels_kb(tmp_path: Path) -> KnowledgeBase:
    return InMemoryKnowledgeBase(
        write_kb(tmp_path / "knowledge", documents=DOCUMENTS, levels=LEVELS)
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        pytest.param(
            person("opioid", "buttock", "cramp", substance="heroin"),
            "heroin_buttock_cramp_stretches",
            id="substance+location+symptom",
        ),
        pytest.param(
            person("benzodiazepine", "buttock"), "buttock_stretches", id="location"
        ),
        pytest.param(person("opioid", "neck"), "opioid_stretches", id="class"),
        pytest.param(person("alcohol", "neck"), "general_stretches", id="general"),
        pytest.param(person("alcohol", "calf"), "leg_stretches", id="broader-location"),
        pytest.param(
            person("opioid", "buttock", "spasm", substance="heroin"),
            "buttock_stretches",
            id="one-key-off-falls-back",
        ),
    ],
)
def test_lookup_picks_the_most_specific_item(
    levels_kb: KnowledgeBase, who: Dict[str, str | None], expected: str
) -> None:
    assert ids(levels_kb.lookup("stretches", who)) == [expected]


def test_lookup_of_a_topic_with_no_items_is_empty(levels_kb: KnowledgeBase) -> None:
    assert levels_kb.lookup("sleep", person("opioid", "buttock")) == []


def test_lookup_returns_at_most_two_tied_items(tmp_path: Path) -> None:
    tied = "advice:\n" + "".join(
        f"  - id: tie_{n}\n    topic: sleep\n    text: Tip {n}.\n"
        "    sources: [{document: nhs, section: Sleep}]\n"
        for n in range(3)
    )
    kb = InMemoryKnowledgeBase(
        write_kb(tmp_path / "kb", documents=DOCUMENTS, tied=tied)
    )
    assert ids(kb.lookup("sleep", person())) == ["tie_0", "tie_1"]


REGIONAL = """\
advice:
  - id: general_naloxone
    topic: naloxone
    text: Ask a pharmacist where to get naloxone.
    sources: [{document: nhs, section: General}]
  - id: us_naloxone
    topic: naloxone
    regions: [us]
    text: Sold over the counter at US pharmacies.
    sources: [{document: nhs, section: US}]
  - id: uk_naloxone
    topic: naloxone
    regions: [uk]
    text: Free from drug services in the UK.
    sources: [{document: nhs, section: UK}]
  - id: uk_stretches
    topic: stretches
    regions: [uk, ie]
    text: Stretches for the UK and Ireland.
    sources: [{document: nhs, section: UK}]
  - id: opioid_stretches
    topic: stretches
    substance_class: opioid
    text: Opioid stretches anywhere.
    sources: [{document: seed, section: Opioids}]
"""


@pytest.fixture
def regional_kb(tmp_path: Path) -> KnowledgeBase:
    return InMemoryKnowledgeBase(
        write_kb(tmp_path / "knowledge", documents=DOCUMENTS, regional=REGIONAL)
    )


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        pytest.param("uk", ["uk_naloxone"], id="uk-variant"),
        pytest.param("us", ["us_naloxone"], id="us-variant"),
        pytest.param("au", ["general_naloxone"], id="no-variant-universal"),
        pytest.param(None, ["us_naloxone"], id="unknown-is-the-default"),
    ],
)
def test_a_regional_item_is_only_for_people_there_and_beats_the_universal_one(
    regional_kb: KnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
    place: str | None,
    expected: List[str],
) -> None:
    monkeypatch.delenv("BOT_REGION", raising=False)
    who = {**person(), "region": place}
    assert ids(regional_kb.lookup("naloxone", who)) == expected


def test_an_unknown_region_is_bot_region_when_set(
    regional_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_REGION", "uk")
    assert ids(regional_kb.lookup("naloxone", person())) == ["uk_naloxone"]


def test_a_regional_item_never_beats_one_that_fits_the_person_better(
    regional_kb: KnowledgeBase,
) -> None:
    """Region breaks ties of specificity; it does not outrank the drug."""
    opioid_in_ireland = {**person("opioid"), "region": "ie"}
    assert ids(regional_kb.lookup("stretches", opioid_in_ireland)) == [
        "opioid_stretches"
    ]
    assert ids(regional_kb.lookup("stretches", {**person(), "region": "ie"})) == [
        "uk_stretches"
    ]


@pytest.mark.parametrize(
    ("place", "must", "must_not"),
    [
        pytest.param("uk", "0300 123 6600", "1-800", id="uk"),
        pytest.param("ca", "1-888-688-6677", "1-800", id="canada"),
        pytest.param("au", "1800 250 015", "1-800", id="australia"),
        pytest.param("ie", "naloxone", "1-800", id="elsewhere-no-us-numbers"),
    ],
)
def test_real_staying_safe_note_gives_local_lines_and_no_us_ones(
    kb: KnowledgeBase, place: str, must: str, must_not: str
) -> None:
    """What a person in the UK, Canada or Australia would notice: their own lines, and
    no US number they cannot call."""
    who = {**person("opioid", "leg", substance="heroin"), "region": place}
    text = " ".join(i.text for i in kb.lookup("harm_reduction", who))
    assert must in text
    assert must_not not in text
    sources = [s.origin for i in kb.lookup("harm_reduction", who) for s in i.sources]
    assert "SAMHSA" not in sources


# --------------------------------------------------------------------- malformed files

GOOD_ITEM = """\
advice:
  - id: fine_item
    topic: stretches
    text: Stretch gently.
    sources: [{document: seed, section: Stretching}]
"""


@pytest.mark.parametrize(
    ("item", "field"),
    [
        pytest.param(
            "  - id: no_source\n    topic: stretches\n    text: Stretch gently.\n",
            "sources",
            id="missing-source",
        ),
        pytest.param(
            "  - id: ghost_source\n    topic: stretches\n    text: Stretch gently.\n"
            "    sources: [{document: not_a_document, section: Somewhere}]\n",
            "sources",
            id="unknown-document",
        ),
        pytest.param(
            "  - id: bad_topic\n    topic: yoga_tips\n    text: Stretch gently.\n"
            "    sources: [{document: seed, section: Stretching}]\n",
            "topic",
            id="bad-topic",
        ),
        pytest.param(
            "  - id: dosed\n    topic: medicine\n    text: Take 400 mg of ibuprofen.\n"
            "    sources: [{document: nhs, section: Pain relief}]\n",
            "text",
            id="dose-in-text",
        ),
        pytest.param(
            "  - id: dose_word\n    topic: medicine\n"
            "    text: Ask about the right dose.\n"
            "    sources: [{document: nhs, section: Pain relief}]\n",
            "text",
            id="dose-word-in-text",
        ),
        pytest.param(
            "  - id: no_section\n    topic: stretches\n    text: Stretch gently.\n"
            "    sources: [{document: seed}]\n",
            "sources",
            id="source-without-section",
        ),
        pytest.param(
            "  - id: odd_class\n    topic: stretches\n    substance_class: stimulant\n"
            "    text: Stretch gently.\n    sources: [{document: seed, section: S}]\n",
            "substance_class",
            id="unknown-substance-class",
        ),
        pytest.param(
            "  - id: odd_place\n    topic: stretches\n    body_location: knee\n"
            "    text: Stretch gently.\n    sources: [{document: seed, section: S}]\n",
            "body_location",
            id="non-contract-body-location",
        ),
        pytest.param(
            "  - id: odd_region\n    topic: stretches\n    regions: [narnia]\n"
            "    text: Stretch gently.\n    sources: [{document: seed, section: S}]\n",
            "regions",
            id="unknown-region",
        ),
        pytest.param(
            "  - id: region_not_list\n    topic: stretches\n    regions: uk\n"
            "    text: Stretch gently.\n    sources: [{document: seed, section: S}]\n",
            "regions",
            id="regions-not-a-list",
        ),
        pytest.param(
            "  - id: sources_as_names\n    topic: stretches\n"
            "    text: Stretch gently.\n"
            "    sources: [seed]\n",
            "sources",
            id="source-not-a-mapping",
        ),
    ],
)
def test_a_malformed_item_fails_naming_file_entry_and_field(
    tmp_path: Path, item: str, field: str
) -> None:
    folder = write_kb(
        tmp_path / "knowledge", documents=DOCUMENTS, broken="advice:\n" + item
    )
    entry_id = item.split("id: ", 1)[1].split("\n", 1)[0]
    with pytest.raises(KnowledgeBaseError) as error:
        InMemoryKnowledgeBase(folder)
    message = str(error.value)
    assert "broken.yml" in message
    assert f"'{entry_id}'" in message
    assert f"'{field}'" in message


def test_a_duplicate_id_fails_naming_the_file_entry_and_field(tmp_path: Path) -> None:
    folder = write_kb(
        tmp_path / "knowledge", documents=DOCUMENTS, first=GOOD_ITEM, second=GOOD_ITEM
    )
    with pytest.raises(KnowledgeBaseError) as error:
        InMemoryKnowledgeBase(folder)
    message = str(error.value)
    assert "second.yml" in message
    assert "fine_item" in message
    assert "'id'" in message


def test_a_duplicate_id_fails_loudly(tmp_path: Path) -> None:
    folder = write_kb(
        tmp_path / "knowledge", documents=DOCUMENTS, first=GOOD_ITEM, second=GOOD_ITEM
    )
    with pytest.raises(KnowledgeBaseError, match="fine_item"):
        InMemoryKnowledgeBase(folder)


def test_a_document_citing_a_missing_seed_file_fails(tmp_path: Path) -> None:
    folder = write_kb(tmp_path / "knowledge", documents=DOCUMENTS, advice=GOOD_ITEM)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    with pytest.raises(KnowledgeBaseError) as error:
        InMemoryKnowledgeBase(folder, seeds)
    assert "documents.yml" in str(error.value)
    assert "'seed'" in str(error.value) and "'file'" in str(error.value)


def test_invalid_yaml_fails_naming_the_file(tmp_path: Path) -> None:
    folder = write_kb(tmp_path / "knowledge", documents=DOCUMENTS, broken="advice: [\n")
    with pytest.raises(KnowledgeBaseError, match="broken.yml"):
        InMemoryKnowledgeBase(folder)


def test_a_missing_folder_fails_naming_it(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="nowhere"):
        InMemoryKnowledgeBase(tmp_path / "nowhere")


# ------------------------------------------------- whom an item fits: lists, contexts

FITTING = """\
advice:
  - id: street_note
    topic: harm_reduction
    substance_class: opioid
    not_for:
      substance: [kratom]
      context: [prescribed]
    text: Don't use alone.
    sources: [{document: nhs, section: Street}]
  - id: prescribed_note
    topic: harm_reduction
    substance_class: opioid
    contexts: [prescribed]
    text: Ask your prescriber about a slower taper.
    sources: [{document: nhs, section: Prescribed}]
  - id: sedatives_watch
    topic: watch_for
    substance_class: [alcohol, benzodiazepine]
    text: Watch for confusion or a seizure.
    sources: [{document: nhs, section: Watch}]
"""
CONTEXTS = """\
contexts:
  prescribed:
    weight: 5
    said: [from my doctor]
    unless_said: [off the street]
    substance_classes: [baclofen]
"""


@pytest.fixture
def fitting_kb(tmp_path: Path) -> KnowledgeBase:
    return InMemoryKnowledgeBase(
        write_kb(
            tmp_path / "knowledge",
            documents=DOCUMENTS,
            fitting=FITTING,
            contexts=CONTEXTS,
        )
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        pytest.param(
            person("opioid", substance="heroin"), ["street_note"], id="street"
        ),
        pytest.param(person("opioid", substance="kratom"), [], id="not-for-kratom"),
        pytest.param(
            {**person("opioid", substance="tramadol"), "contexts": {"prescribed"}},
            ["prescribed_note"],
            id="context-variant-replaces-it",
        ),
    ],
)
def test_not_for_and_contexts_decide_who_gets_an_item(
    fitting_kb: KnowledgeBase, who: Dict[str, object], expected: List[str]
) -> None:
    assert ids(fitting_kb.lookup("harm_reduction", who)) == expected


@pytest.mark.parametrize(
    ("substance_class", "fits"),
    [("alcohol", True), ("benzodiazepine", True), ("opioid", False), (None, False)],
)
def test_a_list_of_values_fits_any_of_them(
    fitting_kb: KnowledgeBase, substance_class: str | None, fits: bool
) -> None:
    found = ids(fitting_kb.lookup("watch_for", person(substance_class)))
    assert found == (["sedatives_watch"] if fits else [])


@pytest.mark.parametrize(
    ("texts", "substance_class", "holds"),
    [
        ([" it was from my doctor "], "opioid", True),
        (
            [" it was from my doctor ", " well i got more off the street "],
            "opioid",
            False,
        ),
        ([" ran out "], "baclofen", True),
        ([" day 3 off oxy "], "opioid", False),
    ],
)
def test_a_context_holds_from_what_was_said_or_the_drug(
    fitting_kb: KnowledgeBase, texts: List[str], substance_class: str, holds: bool
) -> None:
    [prescribed] = fitting_kb.contexts()
    assert prescribed.holds(texts, substance_class, []) is holds


@pytest.mark.parametrize(
    ("item", "field"),
    [
        pytest.param(
            "  - id: ghost_context\n    topic: stretches\n    contexts: [astronaut]\n"
            "    text: Stretch gently.\n    sources: [{document: seed, section: S}]\n",
            "contexts",
            id="unknown-context",
        ),
        pytest.param(
            "  - id: odd_not_for\n    topic: stretches\n    not_for: {mood: [sad]}\n"
            "    text: Stretch gently.\n    sources: [{document: seed, section: S}]\n",
            "not_for",
            id="not-for-unknown-key",
        ),
        pytest.param(
            "  - id: bad_class_list\n    topic: stretches\n"
            "    substance_class: [opioid, stimulant]\n"
            "    text: Stretch gently.\n    sources: [{document: seed, section: S}]\n",
            "substance_class",
            id="unknown-class-in-a-list",
        ),
    ],
)
def test_a_malformed_fit_fails_naming_file_entry_and_field(
    tmp_path: Path, item: str, field: str
) -> None:
    folder = write_kb(
        tmp_path / "knowledge",
        documents=DOCUMENTS,
        contexts=CONTEXTS,
        broken="advice:\n" + item,
    )
    entry_id = item.split("id: ", 1)[1].split("\n", 1)[0]
    with pytest.raises(KnowledgeBaseError) as error:
        InMemoryKnowledgeBase(folder)
    message = str(error.value)
    assert "broken.yml" in message
    assert f"'{entry_id}'" in message
    assert f"'{field}'" in message


def test_a_context_nobody_can_enter_fails_naming_it(tmp_path: Path) -> None:
    folder = write_kb(
        tmp_path / "knowledge",
        documents=DOCUMENTS,
        contexts="contexts:\n  hermit:\n    weight: 2\n",
    )
    with pytest.raises(KnowledgeBaseError, match="hermit.*'said'"):
        InMemoryKnowledgeBase(folder)


def test_the_low_mood_answer_gives_each_regions_own_crisis_line() -> None:
    """The crisis line and emergency number in the low-mood answer are the ones
    data/safety/regions.yml gives the region: a person in Australia reads Lifeline's
    number and 000, never 988."""
    kb = knowledge_base()
    listed = regions()[1].values()
    numbers = {
        place.region_id: found.group(0)
        for place in listed
        if (found := re.search(r"\d[\d ]*\d", place.crisis))
    }
    for place in listed:
        items = kb.lookup("low_mood", {"region": place.region_id})
        assert len(items) == 1, place.region_id
        text = items[0].text
        if place.region_id not in numbers:
            assert "crisis line where you are" in text
            continue
        assert numbers[place.region_id] in text, place.region_id
        assert f"call {place.emergency}." in text, place.region_id
        wrong = {n for n in numbers.values() if n != numbers[place.region_id]}
        assert not [n for n in wrong if n in text], place.region_id


def test_the_privacy_answer_says_only_what_this_service_does() -> None:
    """From the README: stored in the conversation database, not in the logs,
    deleted on "delete my conversation" with the check-ins, not a medical record."""
    (item,) = knowledge_base().lookup("privacy", {})
    text = item.text.lower()
    for fact in (
        "conversation database",
        "logs leave out what you write",
        '"delete my conversation"',
        "check-ins are cancelled",
        "isn't a medical record",
        "no person reads it",
    ):
        assert fact in text
    assert "README" in item.sources[0].readable()


def test_what_to_watch_for_after_stopping_a_benzo_speaks_to_who_asks() -> None:
    """Review 33: someone alone after stopping Klonopin asked "is this gonna kill me"
    and was told to "stay with them ... don't let them drive"."""
    base = knowledge_base()

    [own] = base.lookup("watch_for", {"substance_class": "benzodiazepine"})
    [carer] = base.lookup(
        "watch_for", {"substance_class": "benzodiazepine", "contexts": {"carer"}}
    )

    assert "stay with them" not in own.text and "don't be on your own" in own.text
    assert "stay with them" in carer.text


def test_someone_who_stopped_drinking_is_never_told_to_keep_taking_it(
    kb: KnowledgeBase,
) -> None:
    """Review 48: "Keep to what you've been taking" read as "keep drinking" to a woman
    who had stopped that morning; a benzo user is still told not to stop suddenly."""
    [alcohol] = kb.lookup("keep_taking", {"substance_class": "alcohol"})
    assert "keep to what you" not in alcohol.text.lower()
    assert "today" in alcohol.text
    [benzo] = kb.lookup("keep_taking", {"substance_class": "benzodiazepine"})
    assert "don't stop or cut down suddenly" in benzo.text


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("im 20 weeks pregnant and my back hurts", True),
        ("my midwife said the baby is fine", True),
        # Review 56: told withdrawal in pregnancy can harm the pregnancy, three times.
        ("I had my baby 3 months ago. Breastfeeding, which painkillers are ok?", False),
        ("gave birth 6 weeks ago and my baby is doing great", False),
    ],
)
def test_being_pregnant_is_heard_and_a_birth_already_had_is_not(
    text: str, holds: bool
) -> None:
    [pregnant] = [c for c in knowledge_base().contexts() if c.context_id == "pregnant"]
    from bot.language import normalise

    assert pregnant.holds([f" {normalise(text)} "], None, []) is holds


def test_methadone_and_buprenorphine_run_out_go_through_the_clinic_not_a_pharmacy() -> (
    None
):
    """Review 58: the partner of a man on methadone whose clinic was shut was pointed to
    a pharmacist's emergency supply, which methadone for treatment can't have; review
    60: a friend's Suboxone on top of methadone got the after-fentanyl timing."""
    for drug in ("methadone", "buprenorphine"):
        person = {"substance": drug, "substance_class": "opioid"}
        text = " ".join(i.text for i in knowledge_base().lookup("ran_out", person))
        assert "can't give an emergency supply" in text
        assert "pharmacist whether they can give you an emergency supply" not in text
    person = {"substance": "methadone", "substance_class": "opioid"}
    text = " ".join(
        i.text for i in knowledge_base().lookup("starting_buprenorphine", person)
    )
    assert "on top of methadone" in text and "After fentanyl" not in text

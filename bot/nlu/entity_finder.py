"""Entities with canonical values in a text, found by phrase matching over the lexicon.

Why a plain class: the entity extractor reports these entities and the lexicon
featurizer tells the intent classifier which kinds were found; both must see the same
matches, so both use this finder.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional

from bot.lexicon import (
    BODY_LOCATION,
    REGION,
    SUBSTANCE,
    SUBSTANCE_CLASS,
    SYMPTOM,
    Lexicon,
)
from bot.matching import TermMatcher, labelled
from bot.nlu.time_expressions import hours_since_stop, severity

HOURS_SINCE_STOP = "hours_since_stop"
SEVERITY = "severity"
LEXICON_ENTITIES = (SUBSTANCE, BODY_LOCATION, SYMPTOM, REGION)


class LexiconEntityFinder:
    """Finds contract entities (and `substance_class`, `region`, time since stop and
    score) in one text; build once per lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        """Builds one phrase matcher per entity type.

        One per type, because terms of different types may share words ("restless legs"
        is a symptom and names a body part; "lower back spasms" names both): overlap is
        resolved within a type (longest wins), never across types.
        """
        self._lexicon = lexicon
        self._matchers = {
            entity: TermMatcher(labelled(entity, lexicon.terms_for(entity)))
            for entity in LEXICON_ENTITIES
        }

    def find(self, text: str, today: Optional[dt.date] = None) -> List[Dict[str, Any]]:
        """Entities in `text` as Rasa entity dicts with canonical values."""
        entities = []
        # "3 days off H.": the tokenizer keeps a letter and its full stop together as
        # an abbreviation, so "H." is no "h" (review 4). The stop becomes a space of
        # the same length, so offsets still point into `text`.
        readable = LETTER_THEN_STOP.sub(r"\1 ", text)
        matches = [
            match
            for matcher in self._matchers.values()
            for match in matcher.find(matcher.make_doc(readable))
        ]
        matches = [
            m
            for m in matches
            if not _not_the_substance(m, text)
            and not _denied_part_or_symptom(m, text)
            and not _denied_region(m, text)
        ]
        matches = _without_home_regions(matches, text)
        matches = _without_numbers_beside_a_place(matches, text)
        matches = _without_a_drink_asked_about(matches, text)
        # A drug's name is one thing: "pain pills" names no symptom.
        names = [m for m in matches if m.label.startswith(f"{SUBSTANCE}:")]
        matches = [
            m
            for m in matches
            if m in names
            or not any(
                n.start_char <= m.start_char and m.end_char <= n.end_char for n in names
            )
        ]
        alone = WHOLE_MESSAGE_PARTS.get(text.strip(" .!?,").lower())
        if alone and not matches:
            # "back", typed alone (the answer to "where is the pain?"): the body part
            # the lexicon leaves out of sentences ("the cramps came back").
            start = text.lower().index(text.strip(" .!?,").lower())
            entities.append(
                _entity(
                    BODY_LOCATION, alone, start, start + len(text.strip(" .!?,")), text
                )
            )
        for match in sorted(matches, key=lambda m: m.start_char):
            entity, _, value = match.label.partition(":")
            entities.append(
                _entity(entity, value, match.start_char, match.end_char, text)
            )
            if entity == SUBSTANCE:
                # The class rides along, so "xans" fills `substance_class` too.
                substance_class = self._lexicon.substance_classes[value]
                entities.append(
                    _entity(
                        SUBSTANCE_CLASS,
                        substance_class,
                        match.start_char,
                        match.end_char,
                        text,
                    )
                )
        since_stop = hours_since_stop(text, today)
        if since_stop is not None and not _about_stopping(text, matches):
            # "ambulance could be a couple hours", "getting bigger since yesterday":
            # a time in a message that says nothing of using or stopping is no last
            # use (review 58: the summary for the crew said "last use about 2 hours
            # ago" of a man two days off alcohol).
            since_stop = None
        for name, found in (
            (HOURS_SINCE_STOP, since_stop),
            (SEVERITY, severity(text)),
        ):
            if found is not None:
                entities.append(
                    _entity(name, found.value, found.start, found.end, text)
                )
        return entities


# Words that put a time in a message about using or stopping ("been 3 days", "day 4",
# "clean since monday", "my last drink"). "used to" is history, not use.
ABOUT_STOPPING = re.compile(
    r"\b(stop|stopped|stopping|quit|quitting|clean|sober|off|withdrawal|withdrawals|wd|"
    r"wds|detox|detoxing|kick|kicking|kicked|cold turkey|last|ran out|run out|"
    r"used(?! to\b)|using|use|taken|took|take|taking|drank|drinking|drink|dose|"
    r"been|since i|day \d+|days? in|without|havent|haven't|hasnt|hasn't|sub|subs|"
    r"taper|tapering|cut down|came off|come off|coming off|dope|gear|fix|hit|shot|"
    r"pill|pills|meds|medication|methadone|script|prescription|"
    # A correction of the time said before ("actually its 6 days not 4": review 65,
    # the summary kept the first time).
    r"actually|i meant|not \d+)\b",
    re.IGNORECASE,
)
SHORT_TIME_ANSWER_WORDS = 8
"""A message this short with a time in it answers "when was the last time?"."""


def _about_stopping(text: str, matches: List[Any]) -> bool:
    """Whether a time in `text` can be the last use: the message names a substance,
    speaks of using or stopping, or is a short answer."""
    if any(m.label.startswith(f"{SUBSTANCE}:") for m in matches):
        return True
    return (
        len(text.split()) <= SHORT_TIME_ANSWER_WORDS
        or ABOUT_STOPPING.search(text) is not None
    )


# Words the body-part lexicon leaves out of sentences (data/lexicon/body_locations.yml,
# "deliberately left out") that name the part when they are the whole message.
WHOLE_MESSAGE_PARTS = {"back": "back", "the back": "back", "bottom": "buttock"}

LETTER_THEN_STOP = re.compile(r"(?<![\w.])([A-Za-z])\.(?=\s|$)")

# "drinking water", "drinking fine": drinking, but not alcohol (a review: a person who
# said "no i can keep water down, drinking fine" was given alcohol advice; review 30:
# a mother's "he's drinking a bit of water" made her son's heroin withdrawal alcohol's;
# review 45: "drinking my tea" made a 70-year-old on codeine an alcohol withdrawal).
NOT_ALCOHOL_AFTER = re.compile(
    r"^\s*((a (little )?bit of|a little|some|a few sips of|small sips of|sips of|"
    r"little sips of|a lot of|lots of|loads of|more|only|just|enough)\s+)?"
    r"((my|his|her|their|the|a|an|some|hot|herbal|green|mint)\s+)?"
    r"(water|fluids?|fine|ok|okay|alright|normally|plenty|enough|lots of water|"
    r"gatorade|electrolytes?|juice|tea|coffee|milk|soup|broth|pedialyte|squash|"
    r"smoothies?|sips)\b"
)
# "ill read the bottle" (of ibuprofen), "the bottle says 2 every 4 hours": a medicine's
# bottle, not drink (review 10: read as alcohol).
NOT_ALCOHOL_BOTTLE_BEFORE = re.compile(
    r"\b(read|reading|check|checked|checking|look at|looked at|label on|says on|"
    r"said on|back of|on)\s+$"
)
NOT_ALCOHOL_BOTTLE_AFTER = re.compile(
    r"^\s*(says|said|label|instructions|of (pills|tablets|meds|medicine|ibuprofen|"
    r"advil|tylenol|paracetamol|aspirin|baclofen|xanax|valium))\b"
)
# "I STOPPED PERCOCET. NOT ALCOHOL.", "its kratom not oxy": a name denied is a
# correction, not a second drug. "not drinking" still says alcohol was stopped.
DENIED_BEFORE = re.compile(r"\b(not|isnt|isn't|wasnt|wasn't|never was)\s+(the\s+)?$")
# "I don't drink or take benzos, it's kratom": names of what the person does not use
# (review 15: a kratom user was twice given the alcohol and benzodiazepine warning).
# "I didn't stop xanax, I only took a friend's once": not what was stopped (review 24:
# a fentanyl user was triaged for benzo withdrawal).
# "I have not taken any drugs or alcohol" (review 32: a 72-year-old who does not drink
# was given alcohol-withdrawal advice four times).
NOT_USED_BEFORE = re.compile(
    r"\b(dont|don't|do not|never|doesnt|doesn't|didnt|didn't|havent|haven't|"
    r"have not|has not|hasnt|hasn't|had not|did not|does not)\s+"
    r"((drink|take|took|taken|use|used|do|did|touch|touched|had|stop|stopped|quit|"
    r"come off|came off|been on)\s+)?"
    r"((or|and|nor)\s+(drink|take|use|do|touch)\s+)?(any\s+|the\s+|his\s+|her\s+)?"
    r"((drugs|meds|medication|medicine|pills|substances)\s+(or|and|nor)\s+)?$"
)
# "baclofen? nah mate never touched it", "xanax, never taken it": the name said back,
# then denied (review 77: baclofen went into a codeine user's summary for his GP).
DENIED_AFTER = re.compile(
    r"^\s*[?!.,]*\s*((no+|nah|nope|naw)\b[\s,!.]*)?((mate|man|bro|dude)\b[\s,!.]*)?"
    r"((i|ive|i've|i have|ive\s+|i\s+have)\s+)?(never|not ever|dont|don't|didnt|didn't)"
    r"\s+(ever\s+)?(touched|taken|took|used|had|touch|take|use|been on)\s+"
    r"(it|that|them|those|any)\b"
)
# "it says baclofen under warning signs", "you put xanax": the bot's own words quoted
# back to be corrected, not a drug taken (review 77).
QUOTED_BEFORE = re.compile(
    r"\b(it says|it said|says|you said|you say|you put|you wrote|it shows"
    r"|shows|lists|listed|mentions|why)\s+$"
)
# "can i take some of my buddys xanax": someone else's drug asked about is not the one
# stopped (review 24: a fentanyl user was triaged for benzo withdrawal). A drink asked
# about is still one ("can i have a couple beers to take the edge off": the guidance set
# wants the answer about drinking through withdrawal).
ASKED_TO_TAKE_BEFORE = re.compile(
    r"\b(can|could|should|may)\s+(i|he|she|we|they)\s+"
    r"(take|have|use|try|pop)\s+"
    r"(a couple( of)?\s+|a few\s+|some( of)?\s+|a\s+|an\s+|one( of)?\s+)?"
    r"(my\s+)?(buddys|friends|mates|brothers|sisters|moms|mums|dads|someone elses)\s+$"
)
# "he has some valium from his mate": a drug at hand, not the one stopped (review 22:
# the paramedics' summary said he had stopped diazepam; he had stopped alcohol). Nor
# "can I give him some of my diazepam" (review 31: the A&E summary said so).
AT_HAND_BEFORE = re.compile(
    r"\b((has|have|got)\s+some\s+((of\s+)?(my|his|her|their|the)\s+)?"
    r"|(give|gave|giving|gives|offered|offer|offering|offers)\s+(him|her|them|me)\s+"
    r"((some|a few|one|a couple|a bit)\s+(of\s+)?)?((my|his|her|their|the)\s+)?)$"
)


# "No drugs or alcohol, I'm an office worker", "not on any drugs or alcohol": none
# taken (review 17: alcohol withdrawal for a desk worker, through three corrections);
# but "no alcohol for 3 days", "no booze since friday" is a stop.
NONE_TAKEN_BEFORE = re.compile(
    r"(^|[.,;!?]\s*|\b(said|says|im on|i am on|take|taking|use|using)\s+)"
    r"(no|zero|not on any|not any|none of the)\s+"
    r"((drugs|meds|medication|medicine|pills|substances)\s+(or|and|nor)\s+)?$"
)
STOPPED_SINCE_AFTER = re.compile(
    r"^\s*(for|since|in|now|anymore|any more|today|yesterday|this|last|\d)"
)


# "can a doctor give me something like subs?", "i want to get on methadone": a treatment
# asked about is not the drug stopped (review 4: the doctor's summary said buprenorphine
# for a man coming off fentanyl).
TREATMENTS = frozenset({"buprenorphine", "methadone"})
TREATMENT_BEFORE = re.compile(
    r"\b(like|get on|getting on|go on|going on|start|starting|try|trying|prescribe|"
    r"prescribe me|give me|get me|about|onto|on to|switch to|switching to|"
    r"want|need|such as|or)\s+(some\s+|the\s+|a\s+)?$"
)


def _not_the_substance(match: Any, text: str) -> bool:
    """Whether a substance match is drinking that is not alcohol, a name denied, or a
    treatment asked about."""
    if not match.label.startswith(f"{SUBSTANCE}:"):
        return False
    if match.label.partition(":")[2] in TREATMENTS and TREATMENT_BEFORE.search(
        text[: match.start_char].lower()
    ):
        return True
    term = text[match.start_char : match.end_char].lower()
    if term == "the bottle" and (
        NOT_ALCOHOL_BOTTLE_BEFORE.search(text[: match.start_char].lower())
        or NOT_ALCOHOL_BOTTLE_AFTER.match(text[match.end_char :].lower())
    ):
        return True
    if term.startswith("drink") and NOT_ALCOHOL_AFTER.match(
        text[match.end_char :].lower()
    ):
        return True
    before = text[: match.start_char].lower()
    stopped_since = STOPPED_SINCE_AFTER.match(text[match.end_char :].lower())
    if (
        (NOT_USED_BEFORE.search(before) and not stopped_since)
        or AT_HAND_BEFORE.search(before)
        or ASKED_TO_TAKE_BEFORE.search(before)
    ):
        return True
    if NONE_TAKEN_BEFORE.search(before) and not stopped_since:
        return True
    if DENIED_AFTER.match(text[match.end_char :].lower()) or QUOTED_BEFORE.search(
        before
    ):
        return True
    return not term.endswith("ing") and bool(DENIED_BEFORE.search(before))


# "can i have a glass of wine to relax?" from someone tapering Xanax: a drink asked
# about, not the drug stopped (review 65: the alcohol detox paragraphs, and "after
# stopping alcohol"). Only beside another drug: "can i have a drink to stop the
# shakes" from someone coming off alcohol still names the alcohol.
DRINK_ASKED_BEFORE = re.compile(
    r"\b((can|could|should|may)\s+(i|he|she|we|they)|is it (ok|okay|safe|bad) to|"
    r"ok to|okay to|safe to)\s+(have|drink|get|grab|sip)\s+(just\s+)?"
    r"(a\s+|one\s+|some\s+|a few\s+|a couple( of)?\s+|a little\s+)?"
    r"((small|little|single)\s+)?((glass|glasses|bottle|can|pint|sip)\s+of\s+)?$"
)


def _without_a_drink_asked_about(matches: List[Any], text: str) -> List[Any]:
    """The matches without alcohol asked about as a drink ("can i have a glass of
    wine") when the message names another drug as well."""
    alcohol = f"{SUBSTANCE}:alcohol"
    if not any(
        m.label.startswith(f"{SUBSTANCE}:") and m.label != alcohol for m in matches
    ):
        return matches
    return [
        m
        for m in matches
        if m.label != alcohol
        or not DRINK_ASKED_BEFORE.search(text[: m.start_char].lower())
    ]


# "no chest pain", "not my back, my hip": a body part denied is not where it hurts
# (review 14: "heart going a bit fast, no chest pain. legs cramping" was heard back as
# pain in "your hands, chest muscles and legs").
DENIED_PART_BEFORE = re.compile(
    r"\b(no|not|without|nor|zero)\s+(any\s+|real\s+|my\s+|the\s+|in\s+my\s+)?$"
)


# "im in england not america!!" (review 32: US numbers again, right after it).
DENIED_REGION_BEFORE = re.compile(
    r"\b(not|nor|isnt|isn't|not in|not from|never been to|never been in)\s+(the\s+)?$"
)


# "thats all american stuff" (review 39: moved a man in Glasgow to the US numbers): the
# region names what the bot gave, not where the person is.
BOTS_CONTENT_AFTER = re.compile(
    r"^\s*(stuff|numbers?|info|information|resources|advice|links|sites|websites"
    r"|hotlines?|helplines?|only|centric|based|focused)\b"
)


# "my daughter lives in australia" (review 85: an Australian drug hotline for a widow
# in England): where someone else lives is not where the person is.
SOMEONE_ELSES_HOME_BEFORE = re.compile(
    r"\b(he|she|they|son|daughter|brother|sister|mum|mom|mother|dad|father|kids|"
    r"children|friend|family|grandson|granddaughter|cousin|aunt|uncle)\s+"
    r"(lives|live|living|is living|are living|moved|has moved|have moved)"
    r"(\s+(in|to|over in|out in|down in|up in))?\s+(the\s+)?$"
)


def _denied_region(match: Any, text: str) -> bool:
    """Whether a region match is said not to be where the person is."""
    before = text[: match.start_char].lower()
    return match.label.startswith(f"{REGION}:") and bool(
        DENIED_REGION_BEFORE.search(before)
        or SOMEONE_ELSES_HOME_BEFORE.search(before)
        or BOTS_CONTENT_AFTER.match(text[match.end_char :].lower())
    )


# "im from the philippines, working here in dubai" (development set 26): where the
# person comes from is not where they are, when they also say where they are.
HOME_REGION_BEFORE = re.compile(
    r"\b(from|originally from|born in|grew up in|family is in|family in|"
    r"family back in|back home in)\s+(the\s+)?$"
)


def _without_home_regions(matches: List[Any], text: str) -> List[Any]:
    """The matches without a region said as a home country ("from the philippines")
    beside another region that is not."""
    regions = [m for m in matches if m.label.startswith(f"{REGION}:")]
    homes = [
        m for m in regions if HOME_REGION_BEFORE.search(text[: m.start_char].lower())
    ]
    if not homes or len(homes) == len(regions):
        return matches
    return [m for m in matches if m not in homes]


def _without_numbers_beside_a_place(matches: List[Any], text: str) -> List[Any]:
    """The matches without a region heard only in an emergency number ("911?") beside
    a place named: "911? im in ireland" (review 77: 911 again, the place overruled by
    the number the person was questioning)."""
    regions = [m for m in matches if m.label.startswith(f"{REGION}:")]
    numbers = [m for m in regions if text[m.start_char : m.end_char].isdigit()]
    if not numbers or len(numbers) == len(regions):
        return matches
    return [m for m in matches if m not in numbers]


# "the shakes are gone", "cramps have stopped": a symptom said to be over (review 32:
# "its day 5 and the shakes are gone" was told shakes are a sign to get care today).
GONE_AFTER = re.compile(
    r"^\s*((are|is|have|has|had)\s+(all\s+|completely\s+|totally\s+)?"
    r"(gone|stopped|eased off|settled|over|went away|gone away)"
    r"|gone|stopped(?!\s+(me|him|her|us|them)\b)|went away|eased off"
    r"|anymore|any more)\b"
)


def _denied_part_or_symptom(match: Any, text: str) -> bool:
    """Whether a body-part or symptom match is said not to be there: "No pain, just a
    question" (the button's title, typed) recorded a pain (review 18); a symptom said
    to be over ("the shakes are gone") is not there either."""
    if match.label.startswith(f"{SYMPTOM}:") and GONE_AFTER.match(
        text[match.end_char :].lower()
    ):
        return True
    return match.label.startswith((f"{BODY_LOCATION}:", f"{SYMPTOM}:")) and bool(
        DENIED_PART_BEFORE.search(text[: match.start_char].lower())
    )


def _entity(entity: str, value: Any, start: int, end: int, text: str) -> Dict[str, Any]:
    return {
        "entity": entity,
        "value": value,
        "start": start,
        "end": end,
        "confidence_entity": 1.0,
        "text": text[start:end],
    }

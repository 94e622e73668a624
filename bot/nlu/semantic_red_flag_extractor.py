"""The semantic red-flag layer inside the model graph (see `bot.safety.semantic`).

It runs after `RedFlagExtractor` (the lexicon) and adds what the lexicon missed:

* a sign the classifier is sure of becomes a `red_flag` entity like the lexicon's (role:
  its disposition), so the safety policy escalates at once;
* a sign it is unsure of becomes a `possible_red_flag` entity, and the safety policy
  asks one direct question about it ("Just to check: ... right now?") before anything
  else;
* every sign's score is in the parse output as `red_flag_scores`, for the reports.

The exemplars reach the graph as lookup tables (`bot.importer`), so Rasa fingerprints
them and a changed exemplar retrains this component; the trained classifier is stored
in the model archive as plain arrays.
"""

from __future__ import annotations

import json
import re
from typing import (
    Any,
    Collection,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import ENGLISH, language_of
from bot.lexicon import Lexicon
from bot.nlu.intent_classifier import TEXT_EMBEDDING_KEY
from bot.nlu.length_guard import SAFETY_TEXT
from bot.nlu.red_flag_extractor import (
    CONCEPTS_KEY,
    RED_FLAG_DISPOSITION,
    RED_FLAG_ENTITY,
    REPAIRED_TEXT_KEY,
    SET_ASIDE_KEY,
)
from bot.safety.detector import ASKED_ABOUT, NEGATED, RedFlagDetector
from bot.safety.exemplar_tables import exemplars_from_lookup_tables
from bot.safety.names import EMERGENCY, POSSIBLE_RED_FLAG_ENTITY, URGENT
from bot.safety.semantic import (
    NO_SIGN,
    EncoderError,
    SentenceEncoder,
    SignClassifier,
    clear_and_possible,
    message_units,
    optional_float,
)

SCORES_KEY = "red_flag_scores"

CLASSIFIER_FILE = "classifier.npz"
DISPOSITIONS_FILE = "dispositions.json"
POSITIVES_FILE = "positives.npz"
SCORE_FLOOR = 0.0005
"""Scores below this are left out of the parse output (noise)."""

ORDINARY_INTENTS = [
    "affirm",
    "deny",
    "unsure",
    "greet",
    "goodbye",
    "thank",
    "bot_challenge",
    "ask_human",
    "restart",
    "inform",
    "out_of_scope",
    "correct_misunderstanding",
    "ask_harm_reduction",
    # Pain described and questions about it: none is an emergency (those are
    # `report_emergency`). Without them the classifier was sure of a sign for 2% of
    # ordinary first messages ("my back is killing me since i stopped the oxys") and
    # unsure, so asked a direct question, for 10% (the understanding sets 1 and 2).
    "describe_symptoms",
    "ask_why",
    "ask_duration",
    "ask_what_to_do",
    "ask_medicine",
    "ask_stretches",
    "ask_heat_cold",
    "ask_see_doctor",
    "ask_sleep",
    "ask_cravings",
]

_encoder: Optional[SentenceEncoder] = None


NOT_A_NEGATIVE = "semantic_negative"
"""Intent metadata (`metadata: {semantic_negative: false}` in an NLU file) that keeps a
block of examples out of the semantic layer's negatives."""


def ordinary_examples(training_data: TrainingData, intents: Sequence[str]) -> List[str]:
    """The texts of the NLU examples of `intents` (button payloads left out), except
    blocks marked `semantic_negative: false`.

    Why the mark: development set 8's 366 first messages, added for the intent
    classifier, shifted the layer's decision boundary as negatives (a breathing sign
    and a suicide sign of the blind sets M and N went unheard); the intent classifier
    needs them, the safety layer's negatives are chosen on their own.
    """
    wanted = set(intents)
    return [
        str(example.get(TEXT))
        for example in training_data.intent_examples
        if example.get(INTENT) in wanted
        and example.get(TEXT)
        and not str(example.get(TEXT)).startswith("/")
        and _intent_metadata(example).get(NOT_A_NEGATIVE) is not False
    ]


def _intent_metadata(example: Any) -> Mapping[str, Any]:
    """The metadata of the intent block an NLU example came from."""
    metadata = example.get("metadata") or {}
    found = metadata.get("intent") if isinstance(metadata, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def decide_bands(
    config: Mapping[str, Any],
    scores: Mapping[str, float],
    set_aside: Mapping[str, str],
    dispositions: Optional[Mapping[str, str]] = None,
) -> Tuple[List[Tuple[str, float]], List[Tuple[str, float]]]:
    """(clear signs, possible signs) from the scores and the thresholds.

    A sign whose words the lexicon found but set aside (denied, asked about, in the
    past) drops one band: clear becomes possible (one direct question), possible
    becomes nothing. The lexicon's context rules are precise; the encoder hears
    "no chest pain" close to "chest pain". An urgent sign (by `dispositions`) keeps
    its band when asked about or past: it has no question to drop to, and the cost of
    a same-day referral for "is it ok to come off while pregnant?" is small. Denied, it
    drops like any other (review 24: "it's NOT swollen red or hot. it's just a sore
    calf after a cramp" was sent for a clot check today, twice).
    """
    urgent = {s for s, d in (dispositions or {}).items() if d == URGENT}
    set_aside = {s: r for s, r in set_aside.items() if s not in urgent or r == NEGATED}
    # Asked about ("is it normal to get breathless?") is often had: a possible sign
    # stays possible (one direct question); denied or past drops to nothing.
    asked = {s for s, r in set_aside.items() if r == ASKED_ABOUT}
    # A sign whose denials the lexicon reads least surely keeps its question.
    asked |= {
        s
        for s, r in set_aside.items()
        if r == NEGATED and s in (config.get("denial_keeps_question") or ())
    }
    clear, possible = clear_and_possible(
        scores,
        config["clear_thresholds"],
        config["possible_thresholds"],
        float(config["clear_threshold"]),
        float(config["possible_threshold"]),
    )
    kept_clear = [(s, p) for s, p in clear if s not in set_aside]
    demoted = [(s, p) for s, p in clear if s in set_aside]
    kept_possible = demoted + [
        (s, p) for s, p in possible if s not in set_aside or s in asked
    ]
    # A sign asked about in the lexicon's words is asked about whatever its score,
    # where the config says so (`asked_about_is_asked`): asking how to die is a sign.
    heard = {s for s, _ in kept_clear + kept_possible}
    kept_possible += [
        (s, float(scores.get(s, 0.0)))
        for s, r in set_aside.items()
        if r == ASKED_ABOUT
        and s in (config.get("asked_about_is_asked") or ())
        and s not in heard
    ]
    return kept_clear, sorted(kept_possible, key=lambda item: -item[1])


def asked_first(
    config: Mapping[str, Any],
    clear: List[Tuple[str, float]],
    possible: List[Tuple[str, float]],
    lexicon_raised: Iterable[str],
) -> Tuple[List[Tuple[str, float]], List[Tuple[str, float]]]:
    """`decide_bands`' bands with each `ask_first` sign the lexicon did not raise moved
    from clear to possible: heard by meaning only, it gets the direct question.

    Why: review 4 found the classifier sure of suicide for "ARE YOU SERIOUS. i just
    told you. heroin. 3 days." and "heroin." (the crisis script, then lock-in, for an
    angry man who wanted help with cramps). Asking "are you having thoughts of ending
    your life?" with the crisis line in the question is what NIMH's ASQ does anyway;
    a Yes or Not sure gives the full reply. Recall as measured (at once or asked)
    is unchanged.
    """
    ask_first = set(config.get("ask_first") or ()) - set(lexicon_raised)
    return _moved_to_possible(clear, possible, ask_first)


def without_its_words(
    config: Mapping[str, Any],
    clear: List[Tuple[str, float]],
    possible: List[Tuple[str, float]],
    concepts: Iterable[str],
) -> Tuple[List[Tuple[str, float]], List[Tuple[str, float]]]:
    """The bands with each clear sign whose `clear_needs_concept` words are missing from
    the message moved to possible: heard without them, it is asked about.

    Why: review 6's "brown. heroin." (British slang for heroin) scored 0.998 for dark
    urine and got the 911 reply. Dark urine is never reported without a word for urine;
    a Yes to "has your pee turned dark?" still escalates.
    """
    needs = config.get("clear_needs_concept") or {}
    present = set(concepts)
    unsupported = {
        sign for sign, needed in needs.items() if not has_its_words(needed, present)
    }
    return _moved_to_possible(clear, possible, unsupported)


def faint_without_its_words(
    config: Mapping[str, Any],
    possible: List[Tuple[str, float]],
    concepts: Iterable[str],
) -> List[Tuple[str, float]]:
    """The possible band without the signs heard faintly (a score below
    `possible_needs_concept_below`) with none of their `clear_needs_concept` words.

    Why: "Too much text, sorry my english not so good. Can he go back to the
    methadone clinic?" scored 0.30 for breathing and got "are they struggling to
    breathe right now?" (review 27). A faint score with none of the sign's words is
    noise; heard more surely, or with its words, the sign is still asked about.
    """
    below = float(config.get("possible_needs_concept_below") or 0.0)
    needs = config.get("clear_needs_concept") or {}
    below_for = config.get("possible_needs_concept_below_for") or {}
    present = set(concepts)
    return [
        (sign, score)
        for sign, score in possible
        if not (
            score < float(below_for.get(sign, below))
            and sign in needs
            and not any_of_its_words(needs[sign], present)
        )
    ]


Needed = Union[str, Iterable[Union[str, Iterable[str]]]]
"""A sign's `clear_needs_concept` entry: one concept, or a list of which any one will
do; an item of the list that is itself a list needs all of its concepts."""


def any_of_its_words(needed: Needed, present: Collection[str]) -> bool:
    """Whether any concept of a sign's entry, grouped or not, is `present`: a sign heard
    faintly is still asked about with one of its words ("pee" for dark urine; session
    28: one held-out dehydration sign, heard as muscle breakdown at 0.32 beside a word
    for urine, went unasked once the colour joined the entry)."""
    if isinstance(needed, str):
        return needed in present
    return any(
        (item in present) if isinstance(item, str) else bool(set(item) & set(present))
        for item in needed
    )


def has_its_words(needed: Needed, present: Collection[str]) -> bool:
    """Whether the concepts `present` in a message satisfy a sign's entry: "dark" and
    "pee" together, where the entry is `[[urine, cola_coloured]]`, need both words
    (review 77: "pee yes but little, dark", dark yellow from too little to drink, got
    "call 911 now" for muscle breakdown)."""
    if isinstance(needed, str):
        return needed in present
    return any(
        (item in present)
        if isinstance(item, str)
        else all(part in present for part in item)
        for item in needed
    )


def _moved_to_possible(
    clear: List[Tuple[str, float]],
    possible: List[Tuple[str, float]],
    signs: Collection[str],
) -> Tuple[List[Tuple[str, float]], List[Tuple[str, float]]]:
    """The bands with the clear signs among `signs` moved to possible, most likely
    first."""
    moved = [(s, p) for s, p in clear if s in signs]
    if not moved:
        return clear, possible
    kept = [(s, p) for s, p in clear if s not in signs]
    return kept, sorted(moved + possible, key=lambda item: -item[1])


def worth_asking(
    config: Mapping[str, Any],
    possible: List[Tuple[str, float]],
    dispositions: Mapping[str, str],
) -> List[Tuple[str, float]]:
    """The possible signs worth a direct question before anything else, emergencies
    first: an emergency, or an `ask_first` sign of any kind (a pregnancy heard only by
    meaning is asked about, "are you pregnant?", rather than taken as said)."""
    ask_first = set(config.get("ask_first") or ())
    kept = [
        (s, p)
        for s, p in possible
        if dispositions.get(s) == EMERGENCY or s in ask_first
    ]
    return sorted(
        kept, key=lambda item: (dispositions.get(item[0]) != EMERGENCY, -item[1])
    )


BARE_QUESTION_WORDS = 2
"""A message of this many words at most, ending in "?", that names a sign and says
nothing of anyone ("seizure?", "overdose risk?") asks about it."""
NOT_BARE = frozenset(
    "i im me my he hes him his she shes her they them we cant cannot not no".split()
)
"""Words that make a short question a report: "cant breathe?", "my chest?"."""


def is_bare_question(text: str) -> bool:
    """Whether `text` only names something and asks ("seizure?"), as someone typing a
    word at a time does after advice about stopping benzos (review 24: "seizure?" got
    "call 911 now" and four turns to undo it)."""
    stripped = text.strip()
    words = re.findall(r"[a-z']+", stripped.lower().replace("'", ""))
    return (
        stripped.endswith("?")
        and 0 < len(words) <= BARE_QUESTION_WORDS
        and not NOT_BARE.intersection(words)
    )


def lexicon_in_doubt(
    config: Mapping[str, Any],
    scores: Mapping[str, float],
    dispositions: Mapping[str, str],
    lexicon_signs: Sequence[str] = (),
    bare_question: bool = False,
) -> bool:
    """Whether the classifier doubts the lexicon's emergency words: it gives every
    emergency sign less than `doubt_below`, or it gives each emergency sign the
    lexicon raised less than `sign_doubt_below` ("my calf seized up" is a cramp to
    it, whatever else it half-hears). Then the words are likely an idiom, a joke or
    a past event, and one direct question settles it (a Yes or Not sure escalates).
    A bare question naming the sign (`is_bare_question`) is asked about the same way.
    """
    if bare_question and any(dispositions.get(s) == EMERGENCY for s in lexicon_signs):
        return True
    # A message the classifier clearly files under some sign (a swollen calf and
    # "can't breathe" as DVT with breathlessness, a seizure after stopping baclofen)
    # is a clinical report: the lexicon's words in it are meant literally, even when
    # the classifier gives its probability to a neighbouring sign.
    if max(scores.values(), default=0.0) >= float(config["clear_threshold"]):
        return False
    emergency = [p for s, p in scores.items() if dispositions.get(s) == EMERGENCY]
    if max(emergency, default=0.0) < float(config["doubt_below"]):
        return True
    raised = [s for s in lexicon_signs if dispositions.get(s) == EMERGENCY]
    floor = float(config.get("sign_doubt_below") or 0.0)
    return bool(raised) and all(scores.get(s, 0.0) < floor for s in raised)


def shared_encoder() -> SentenceEncoder:
    """One encoder per process: every model and report shares its 23 MB session."""
    global _encoder
    if _encoder is None:
        _encoder = SentenceEncoder.from_packages()
    return _encoder


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class SemanticRedFlagExtractor(GraphComponent, EntityExtractorMixin):
    """Adds red flags judged by meaning (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Thresholds on the classifier's probability of a sign."""
        return {
            # Escalate at once at or above this probability.
            "clear_threshold": 0.7,
            # Ask one direct question between the two.
            "possible_threshold": 0.4,
            # A lexicon emergency the classifier gives less than this (for every
            # emergency sign) is asked about instead of escalated: "my boss is gonna
            # have a seizure", "OD'd on netflix". Chosen on the development sets.
            "doubt_below": 0.05,
            # ... or each lexicon emergency sign its own score below this.
            "sign_doubt_below": 0.01,
            # Signs the meaning alone never escalates, however sure: with no word of
            # the lexicon's behind it, the sign is asked about directly (for suicide,
            # the ASQ's direct question, with the crisis line in it).
            "ask_first": [],
            # Signs whose words the lexicon read as denied still get the direct
            # question when heard by meaning (a denial drops other signs to nothing).
            "denial_keeps_question": [],
            "asked_about_is_asked": [],
            # Sign -> a concept of the red-flag catalogue its report always holds
            # (rhabdomyolysis: urine); heard by meaning without it, it is asked about.
            "clear_needs_concept": {},
            # The same for the lexicon's flags: sign -> concepts of which one must be
            # in the message, else the sign is asked about (see
            # `_asked_without_concept`).
            "lexicon_needs_concept": {},
            # A sign of `clear_needs_concept` heard below this score with none of its
            # words is not asked about (see `faint_without_its_words`); 0: always.
            "possible_needs_concept_below": 0.0,
            # The same, per sign ({"pregnancy": 1.01}: never without its words).
            "possible_needs_concept_below_for": {},
            # Per-sign overrides, e.g. {"suicidal": 0.5}.
            "clear_thresholds": {},
            "possible_thresholds": {},
            # NLU examples of these intents train the classifier as "no sign": short
            # answers ("no", "nah im good") and small talk are far from every exemplar,
            # and a network unsure of them must not call them a sign.
            "ordinary_intents": ORDINARY_INTENTS,
            # The classifier: hidden units and L2 penalty (see SignClassifier).
            "hidden_units": 256,
            "alpha": 0.001,
            # How many networks, each from its own seed, are averaged (see
            # SignClassifier): one alone moved borderline held-out cases with every
            # retraining.
            "ensemble_members": 5,
            # The first network's seed (the others follow): another value trains
            # another ensemble of the same size, to measure how much the seeds move
            # the borderline cases.
            "first_seed": 0,
            # A sign is clear only if some training phrasing of it is at least this
            # similar (cosine) to a unit of the message; otherwise it is asked about.
            # A network is sure of itself far from anything it was shown ("is there
            # somewhere i can call for help" scored 1.0 for baclofen withdrawal);
            # cross-set validation: 0.4 costs 3 of 1686 emergencies asked instead of
            # escalated at once, none missed (bot/tooling/semantic_cv.py).
            "clear_needs_support": 0.4,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classifier: Optional[SignClassifier] = None,
        dispositions: Optional[Dict[str, str]] = None,
        positives: Optional[Tuple[np.ndarray, np.ndarray]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._classifier = classifier
        self._dispositions = dispositions or {}
        # (embeddings, sign per row) of the training positives, for the support check.
        self._positives = positives

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SemanticRedFlagExtractor":
        """An untrained component."""
        return cls(config, model_storage, resource)

    @classmethod
    def required_packages(cls) -> List[str]:
        """The encoder runs on onnxruntime with a Hugging Face tokenizer."""
        return ["onnxruntime", "tokenizers"]

    def train(self, training_data: TrainingData) -> Resource:
        """Embeds the exemplars and fits the classifier."""
        tables = list(training_data.lookup_tables)
        lexicon = Lexicon.from_lookup_tables(tables)
        dispositions = {flag.flag_id: flag.disposition for flag in lexicon.red_flags}
        exemplars = exemplars_from_lookup_tables(tables)
        unknown = exemplars.unknown_signs(list(dispositions))
        if unknown:
            raise EncoderError(
                "data/safety/exemplars names signs the catalogue does not have: "
                f"{unknown}"
            )
        texts, labels = exemplars.labelled()
        # An example of an ordinary intent in which the lexicon hears a sign ("stopped
        # xanax cold turkey 4 days ago and my whole body is stiff" is also stopping a
        # benzodiazepine all at once, an urgent sign) is no negative example.
        detector = RedFlagDetector(lexicon)
        # Only English examples: the encoder reads English, and the Spanish examples
        # of the intents (session 7) moved the suicide boundary for English messages
        # (held-out sets I and J lost 5 catches) while teaching it nothing it can use.
        ordinary = [
            text
            for text in ordinary_examples(
                training_data, self._config["ordinary_intents"]
            )
            if not detector.detect(text) and language_of(text) == ENGLISH
        ]
        texts, labels = texts + ordinary, labels + [NO_SIGN] * len(ordinary)
        if len(set(labels)) < 2:
            raise EncoderError(
                "SemanticRedFlagExtractor: the training data carries no exemplars. Is "
                "`bot.importer.LexiconImporter` listed under `importers` in config.yml?"
            )
        embeddings = shared_encoder().embed(texts)
        self._classifier = SignClassifier.train(
            labels,
            embeddings,
            hidden=int(self._config["hidden_units"]),
            alpha=float(self._config["alpha"]),
            members=int(self._config["ensemble_members"]),
            first_seed=int(self._config["first_seed"]),
        )
        self._dispositions = dispositions
        rows = [index for index, label in enumerate(labels) if label != NO_SIGN]
        self._positives = (
            embeddings[rows].astype(np.float16),
            np.array([labels[index] for index in rows]),
        )
        with self._model_storage.write_to(self._resource) as directory:
            self._classifier.save(directory / CLASSIFIER_FILE)
            np.savez(
                directory / POSITIVES_FILE,
                embeddings=self._positives[0],
                signs=self._positives[1],
            )
            (directory / DISPOSITIONS_FILE).write_text(
                json.dumps(dispositions), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SemanticRedFlagExtractor":
        """Loads the stored classifier; the encoder comes from its package."""
        with model_storage.read_from(resource) as directory:
            classifier = SignClassifier.load(directory / CLASSIFIER_FILE)
            dispositions = json.loads(
                (directory / DISPOSITIONS_FILE).read_text(encoding="utf-8")
            )
            with np.load(directory / POSITIVES_FILE, allow_pickle=False) as stored:
                positives = (stored["embeddings"], stored["signs"])
        shared_encoder()  # fail at load, not on the first message
        return cls(config, model_storage, resource, classifier, dispositions, positives)

    def scores(self, text: str, repaired_text: str = "") -> Dict[str, float]:
        """Each sign's probability for `text` (its best unit), also judged as the
        lexicon read it (`repaired_text`: misspellings repaired) when that differs."""
        if self._classifier is None:
            raise EncoderError("SemanticRedFlagExtractor was used before training.")
        return self.scores_and_embedding(text, repaired_text)[0]

    def scores_and_embedding(
        self, text: str, repaired_text: str = ""
    ) -> Tuple[Dict[str, float], Optional[np.ndarray]]:
        """`scores`, and the embedding of the whole message (its first unit), which
        the intent classifier reads too rather than embed the message twice."""
        if self._classifier is None:
            raise EncoderError("SemanticRedFlagExtractor was used before training.")
        units = list(dict.fromkeys(message_units(text) + message_units(repaired_text)))
        if not units:
            return {}, None
        embeddings = shared_encoder().embed(units)
        scores = self._supported(self._classifier.scores(embeddings), embeddings)
        return scores, embeddings[0]

    def _supported(
        self, scores: Dict[str, float], embeddings: np.ndarray
    ) -> Dict[str, float]:
        """Scores with each clear sign that no training phrasing resembles capped just
        under its clear threshold: asked about, not escalated at once.

        Why: far from anything it was shown ("is there somewhere i can call for
        help") the network can be sure of a sign. Cross-set validation
        (bot/tooling/semantic_cv.py --support 0.4): 2 of 2016 emergencies move from
        at once to asked, none is lost. The same floor on the question band cost
        4 of 330 emergencies of held-out set G (a second look at G), so a possible
        sign is always asked about, however far from the training phrasings.
        """
        floor = float(self._config.get("clear_needs_support") or 0.0)
        if self._positives is None or floor <= 0.0:
            return scores
        matrix, signs = self._positives
        similarity: Optional[np.ndarray] = None
        supported = dict(scores)
        for sign, score in scores.items():
            clear_at = optional_float(
                self._config["clear_thresholds"].get(sign),
                float(self._config["clear_threshold"]),
            )
            if score < clear_at:
                continue
            if similarity is None:
                similarity = (embeddings @ matrix.T.astype(np.float32)).max(axis=0)
            rows = signs == sign
            if not rows.any() or float(similarity[rows].max()) < floor:
                supported[sign] = clear_at - 0.001
        return supported

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds semantic `red_flag` and `possible_red_flag` entities and the scores."""
        for message in messages:
            text = message.get(SAFETY_TEXT) or message.get(TEXT)
            if not text or not text.strip():
                continue
            scores, embedding = self.scores_and_embedding(
                text, message.get(REPAIRED_TEXT_KEY) or ""
            )
            if embedding is not None:
                message.set(TEXT_EMBEDDING_KEY, embedding)
            entities = message.get(ENTITIES, [])
            raised = [
                str(e.get("value"))
                for e in entities
                if e.get("entity") == RED_FLAG_ENTITY
            ]
            if lexicon_in_doubt(
                self._config,
                scores,
                self._dispositions,
                raised,
                bare_question=is_bare_question(str(message.get(TEXT) or "")),
            ):
                entities = self._doubted(entities)
            else:
                entities = self._asked_without_concept(
                    entities, message.get(CONCEPTS_KEY) or ()
                )
            new = self.entities_for(
                scores,
                entities,
                message.get(SET_ASIDE_KEY) or {},
                message.get(CONCEPTS_KEY) or (),
            )
            # A sign judged by meaning belongs to the whole message: its span says so,
            # and Rasa's own `rasa test nlu` (which aligns every entity with tokens)
            # no longer fails on an entity without one (session 22).
            length = len(str(message.get(TEXT) or ""))
            for entity in new:
                entity.setdefault("start", 0)
                entity.setdefault("end", length)
            message.set(
                ENTITIES, entities + self.add_extractor_name(new), add_to_output=True
            )
            message.set(
                SCORES_KEY,
                {s: round(p, 3) for s, p in scores.items() if p >= SCORE_FLOOR},
                add_to_output=True,
            )
        return messages

    def entities_for(
        self,
        scores: Dict[str, float],
        lexicon_entities: Sequence[Dict[str, Any]],
        set_aside: Mapping[str, str],
        concepts: Sequence[str] = (),
    ) -> List[Dict[str, Any]]:
        """Entities for the signs the lexicon did not already raise."""
        clear, possible = decide_bands(
            self._config, scores, set_aside, self._dispositions
        )
        raised = {
            str(e.get("value"))
            for e in lexicon_entities
            if e.get("entity") == RED_FLAG_ENTITY
        }
        clear, possible = asked_first(self._config, clear, possible, raised)
        clear, possible = without_its_words(self._config, clear, possible, concepts)
        possible = faint_without_its_words(self._config, possible, concepts)
        entities: List[Dict[str, Any]] = []
        for sign, score in clear:
            if sign not in raised:
                entities.append(self._entity(RED_FLAG_ENTITY, sign, score))
        # Only an emergency is worth a question before anything else; an urgent sign
        # the screen asks about anyway (e.g. a swollen leg).
        possible = worth_asking(self._config, possible, self._dispositions)
        # An urgent sign (a swollen calf) does not stand in for the question about a
        # possible emergency beside it (breathlessness).
        raised_emergencies = {
            str(e.get("value"))
            for e in lexicon_entities
            if e.get("entity") == RED_FLAG_ENTITY
            and e.get(RED_FLAG_DISPOSITION) == EMERGENCY
        }
        if not any(self._dispositions.get(s) == EMERGENCY for s, _ in clear) and not (
            raised_emergencies
        ):
            for sign, score in possible[:1]:
                entities.append(self._entity(POSSIBLE_RED_FLAG_ENTITY, sign, score))
        return entities

    def _asked_without_concept(
        self, entities: List[Dict[str, Any]], concepts: Iterable[str]
    ) -> List[Dict[str, Any]]:
        """The lexicon's flags of the signs in `lexicon_needs_concept` turned into a
        possible flag when none of the listed concepts is in the message: a racing
        heart alone is asked about (chest pain, breathlessness or faintness?), not
        escalated (NHS: Heart palpitations; review 27: "its not that fast, like 95.
        no chest pain" got "call 911 now" twice). With a clear emergency beside it,
        that one escalates and the question is not needed."""
        needs = self._config.get("lexicon_needs_concept") or {}
        present = set(concepts)
        unsupported = [
            e
            for e in entities
            if e.get("entity") == RED_FLAG_ENTITY
            and str(e.get("value")) in needs
            and not has_its_words(needs[str(e.get("value"))], present)
        ]
        if not unsupported:
            return entities
        kept = [e for e in entities if e not in unsupported]
        if any(
            e.get("entity") == RED_FLAG_ENTITY
            and e.get(RED_FLAG_DISPOSITION) == EMERGENCY
            for e in kept
        ):
            return kept
        return [*kept, {**unsupported[0], "entity": POSSIBLE_RED_FLAG_ENTITY}]

    def _doubted(self, entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        """The lexicon's emergency flags turned into one possible flag."""
        doubted = [
            e
            for e in entities
            if e.get("entity") == RED_FLAG_ENTITY
            and e.get(RED_FLAG_DISPOSITION) == EMERGENCY
        ]
        if not doubted:
            return entities
        kept = [e for e in entities if e not in doubted]
        possible = {**doubted[0], "entity": POSSIBLE_RED_FLAG_ENTITY}
        return [*kept, possible]

    def _entity(self, entity: str, sign: str, score: float) -> Dict[str, Any]:
        return {
            "entity": entity,
            "value": sign,
            RED_FLAG_DISPOSITION: self._dispositions.get(sign, "emergency"),
            "confidence_entity": round(score, 3),
        }

"""A sign heard only by meaning, in a harm-reduction question, is asked about first.

Why: "can I take a couple of bars with my oxy to sleep?" and "if I slip, what can I do
so I don't die with nobody around?" are people asking how to stay alive. The semantic
layer hears an overdose or suicide in them as surely as in a report, and the person got
the emergency reply instead of an answer (a harm-reduction worker's review). When the
intent classifier is sure the message is a harm-reduction question, a sign that only
the semantic layer raised drops to the question band: one direct question ("is
someone very hard to wake right now?"); a Yes or Not sure still escalates, a No gets
the answer to the question (actions/confirmation.py). A sign the lexicon found in the
words themselves ("he's blue and won't wake up") is never moved: it escalates at once.

Runs after the intent classifier (config.yml).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, EXTRACTOR, INTENT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.red_flag_extractor import RED_FLAG_DISPOSITION
from bot.safety.names import EMERGENCY, POSSIBLE_RED_FLAG_ENTITY, RED_FLAG_ENTITY

SEMANTIC_EXTRACTOR = "SemanticRedFlagExtractor"
FAREWELL_INTENTS = frozenset({"goodbye"})
"""Commands that can be a suicide warning sign themselves (saying goodbye): a sure
maybe-sign in them is kept. In others ("stop the check ins please" scored 0.9 for
suicide) it is dropped whatever its score."""
SURE = 0.9
"""A possible sign scored at least this (the semantic layer's clear threshold) is kept
whatever the intent (see `without_maybe_signs`)."""


def _named(intent: str, names: List[str]) -> bool:
    """`intent` is one of `names`, where "ask_*" names every intent it begins."""
    return any(
        intent.startswith(name[:-1]) if name.endswith("*") else intent == name
        for name in names
    )


def without_maybe_signs(
    entities: List[Dict[str, Any]],
    intent: Dict[str, Any],
    command_intents: List[str],
    min_confidence: float,
    keep_sure_above: float = SURE,
) -> List[Dict[str, Any]]:
    """The entities without the semantic layer's possible signs when the message is
    surely a command ("stop the check ins please", "delete my conversation"): its
    words are the command's, and asking "are you having thoughts of ending your
    life?" in reply is an alarm nobody raised. A sign in the words (the lexicon's)
    stays, and in a farewell (`FAREWELL_INTENTS`) so does a sign the semantic layer
    is sure of (`keep_sure_above`): suicide, heard surely, is still only asked about,
    and a farewell the classifier files under "goodbye" can be one (session 16:
    three held-out farewells scored 1.0 for suicide and were dropped)."""
    name = str(intent.get("name") or "")
    if not _named(name, command_intents):
        return entities
    if float(intent.get("confidence") or 0.0) < min_confidence:
        return entities
    return [
        e
        for e in entities
        if not (
            e.get("entity") == POSSIBLE_RED_FLAG_ENTITY
            and e.get(EXTRACTOR) == SEMANTIC_EXTRACTOR
            and not (
                name in FAREWELL_INTENTS
                and float(e.get("confidence_entity") or 0.0) >= keep_sure_above
            )
        )
    ]


def question_band(
    entities: List[Dict[str, Any]],
    intent: Dict[str, Any],
    question_intents: List[str],
    min_confidence: float,
) -> List[Dict[str, Any]]:
    """The entities with semantic-only emergency signs moved to the question band
    when `intent` is a confident question of `question_intents`."""
    if not _named(str(intent.get("name") or ""), question_intents):
        return entities
    if float(intent.get("confidence") or 0.0) < min_confidence:
        return entities

    def semantic_emergency(entity: Dict[str, Any]) -> bool:
        return (
            entity.get("entity") == RED_FLAG_ENTITY
            and entity.get(RED_FLAG_DISPOSITION) == EMERGENCY
            and entity.get(EXTRACTOR) == SEMANTIC_EXTRACTOR
        )

    heard = [e for e in entities if semantic_emergency(e)]
    lexicon = [
        e
        for e in entities
        if e.get("entity") == RED_FLAG_ENTITY
        and e.get(RED_FLAG_DISPOSITION) == EMERGENCY
        and not semantic_emergency(e)
    ]
    if not heard or lexicon:
        return entities
    kept = [
        e
        for e in entities
        if e not in heard and e.get("entity") != POSSIBLE_RED_FLAG_ENTITY
    ]
    strongest = max(heard, key=lambda e: float(e.get("confidence_entity") or 0.0))
    return [*kept, {**strongest, "entity": POSSIBLE_RED_FLAG_ENTITY}]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class QuestionSignBand(GraphComponent):
    """Moves semantic-only emergency signs of harm-reduction questions to the
    question band (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Which intents are questions (their semantic-only signs are asked about)
        and commands (their semantic maybe-signs dropped), and how sure to be."""
        return {
            "question_intents": ["ask_*"],
            "min_confidence": 0.7,
            "command_intents": [],
            "min_command_confidence": 0.9,
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        self._intents = list(config["question_intents"])
        self._min_confidence = float(config["min_confidence"])
        self._commands = list(config["command_intents"])
        self._min_command_confidence = float(config["min_command_confidence"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "QuestionSignBand":
        """Nothing to train."""
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Rewrites each message's entities (see `question_band`)."""
        for message in messages:
            intent = message.get(INTENT) or {}
            entities = message.get(ENTITIES) or []
            moved = question_band(
                without_maybe_signs(
                    entities, intent, self._commands, self._min_command_confidence
                ),
                intent,
                self._intents,
                self._min_confidence,
            )
            if moved != entities:
                message.set(ENTITIES, moved, add_to_output=True)
        return messages

"""A training-data importer that adds the lexicon and the semantic red-flag exemplars to
the NLU data as lookup tables.

Why: Rasa fingerprints only what its importer returns. Handing the lexicon over as
lookup tables means `rasa train` retrains when a lexicon file changes and skips training
when nothing did (see `bot.lexicon`).
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Text, Union

from rasa.shared.core.domain import Domain
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.lexicon import Lexicon
from bot.safety.catalogue import load_regions
from bot.safety.exemplar_tables import exemplars_to_lookup_tables
from bot.safety.fallback_replies import FallbackReplies, domain_responses
from bot.safety.semantic import Exemplars

DEFAULT_LEXICON_DIR = "data/lexicon"
DEFAULT_RED_FLAGS_FILE = "data/safety/red_flags.yml"
DEFAULT_REGIONS_FILE = "data/safety/regions.yml"
DEFAULT_EXEMPLARS_DIR = "data/safety/exemplars"
DEFAULT_CASES_DIR = "data/safety/cases"
DEFAULT_FALLBACK_REPLIES_FILE = "data/safety/fallback_replies.yml"


def load_project_lexicon() -> Lexicon:
    """The lexicon from the project's default files (tools and tests use this)."""
    return Lexicon.load(
        Path(DEFAULT_LEXICON_DIR),
        Path(DEFAULT_RED_FLAGS_FILE),
        Path(DEFAULT_REGIONS_FILE),
    )


class LexiconImporter(RasaFileImporter):
    """`RasaFileImporter` plus the lexicon, loaded and validated on every import."""

    def __init__(
        self,
        config_file: Optional[Text] = None,
        domain_path: Optional[Text] = None,
        training_data_paths: Optional[Union[List[Text], Text]] = None,
        lexicon_dir: Text = DEFAULT_LEXICON_DIR,
        red_flags_file: Text = DEFAULT_RED_FLAGS_FILE,
        regions_file: Text = DEFAULT_REGIONS_FILE,
        exemplars_dir: Text = DEFAULT_EXEMPLARS_DIR,
        cases_dir: Text = DEFAULT_CASES_DIR,
        fallback_replies_file: Text = DEFAULT_FALLBACK_REPLIES_FILE,
    ) -> None:
        super().__init__(config_file, domain_path, training_data_paths)
        self._files = (Path(lexicon_dir), Path(red_flags_file), Path(regions_file))
        self._exemplar_dirs = (Path(exemplars_dir), Path(cases_dir))
        self._fallback_replies_file = Path(fallback_replies_file)

    def get_nlu_data(self, language: Optional[Text] = "en") -> TrainingData:
        """The NLU training data with the lexicon's and the semantic layer's
        exemplars' lookup tables merged in."""
        lexicon_data = TrainingData(
            lookup_tables=Lexicon.load(*self._files).to_lookup_tables()
            + exemplars_to_lookup_tables(Exemplars.load(*self._exemplar_dirs))
        )
        return super().get_nlu_data(language).merge(lexicon_data)

    def get_domain(self) -> Domain:
        """The domain with the replies the server sends without the action server,
        one variant per region of regions.yml (`bot.safety.fallback_replies`)."""
        default_region, listed = load_regions(self._files[2])
        generated = domain_responses(
            FallbackReplies.load(self._fallback_replies_file), default_region, listed
        )
        return super().get_domain().merge(Domain.from_dict({"responses": generated}))

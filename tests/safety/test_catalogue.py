"""The red-flag catalogue as the actions read it (bot/safety/catalogue.py)."""

from __future__ import annotations

import pytest
import yaml

from bot.safety.catalogue import CatalogueError, _steps, red_flags


def test_every_step_of_every_entry_is_a_sentence() -> None:
    for flag in red_flags().values():
        assert flag.do_now and all(isinstance(step, str) for step in flag.do_now)


def test_an_unquoted_colon_in_a_step_is_refused_when_read() -> None:
    """Session 20: "- Do not wait: call ..." is a mapping to YAML, and the emergency
    reply for that sign failed until the tests ran."""
    steps = yaml.safe_load("- Do not wait: call for an ambulance now.\n")
    with pytest.raises(CatalogueError):
        _steps(steps, "test entry")
    assert _steps(["Call now."], "test entry") == ("Call now.",)

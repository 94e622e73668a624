"""The detector's context cues live in data/safety/context_cues.yml: a malformed
entry fails at load naming the file and the entry; every list the detector reads
exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.safety.context_cues import ContextCues, ContextCuesError, project_cues


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cues.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_words_and_phrases_are_read_as_tokens(tmp_path: Path) -> None:
    cues = ContextCues.load(
        write(
            tmp_path,
            'negation_cues:\n  words: ["no", never]\n'
            "history_cues:\n  phrases: [years ago, back in]\n",
        )
    )

    assert cues.words("negation_cues") == {"no", "never"}
    assert cues.phrases("history_cues") == (("years", "ago"), ("back", "in"))


@pytest.mark.parametrize(
    "text, named",
    [
        ("fillers:\n  words: [really, so much]\n", "fillers"),
        ("fillers:\n  words: []\n", "fillers"),
        ("fillers:\n  words: [a]\n  phrases: [b c]\n", "fillers"),
        ("fillers: [a, b]\n", "fillers"),
    ],
)
def test_a_malformed_entry_names_itself(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ContextCuesError, match=named):
        ContextCues.load(write(tmp_path, text))


def test_asking_for_a_missing_list_names_it(tmp_path: Path) -> None:
    cues = ContextCues.load(write(tmp_path, "fillers:\n  words: [really]\n"))
    with pytest.raises(ContextCuesError, match="negation_cues"):
        cues.words("negation_cues")
    with pytest.raises(ContextCuesError, match="fillers"):
        cues.phrases("fillers")  # a words list asked for as phrases


def test_the_project_file_has_every_list_the_detector_reads() -> None:
    import re

    detector = (
        Path(__file__).resolve().parents[2] / "bot" / "safety" / "detector.py"
    ).read_text(encoding="utf-8")
    cues = project_cues()
    for kind, name in re.findall(r'CUES\.(words|phrases)\(\s*"(\w+)"', detector):
        getattr(cues, kind)(name)

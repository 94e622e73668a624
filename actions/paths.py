"""Where the action server finds the project's data, overridable for tests and
deployments."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """`BOT_DATA_DIR` if set, else the repository's `data/` folder."""
    return Path(os.environ.get("BOT_DATA_DIR", PROJECT_ROOT / "data"))

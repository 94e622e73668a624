"""Where the project's data lives, for the Rasa server, the action server and tools.

Why one place: the action server, the Rasa server's replies and the tools read the same
YAML files; `BOT_DATA_DIR` points all of them at another copy (tests, deployments).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """`BOT_DATA_DIR` if set, else the repository's `data/` folder."""
    return Path(os.environ.get("BOT_DATA_DIR", PROJECT_ROOT / "data"))

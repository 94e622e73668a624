"""Where the action server finds the project's data (see `bot.paths`)."""

from __future__ import annotations

from bot.paths import PROJECT_ROOT, data_dir

__all__ = ["PROJECT_ROOT", "data_dir"]

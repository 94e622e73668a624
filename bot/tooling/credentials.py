"""Writes the credentials file `make serve` passes to `rasa run`.

Why: Rasa opens only the channels named in its credentials file, and the Telegram
channel must be on exactly when TELEGRAM_TOKEN is set. So the file Rasa reads is
generated: `credentials.yml` (REST, socket.io), plus
`bot.channels.telegram.TelegramInput: {}` when a token is configured. No secret is
written: the channel reads TELEGRAM_* from the environment.

    python -m bot.tooling.credentials --out .rasa/credentials.yml
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Dict, Mapping, Sequence

import yaml

DEFAULT_BASE = Path("credentials.yml")
DEFAULT_OUT = Path(".rasa/credentials.yml")
TELEGRAM_CHANNEL = "bot.channels.telegram.TelegramInput"
TELEGRAM_TOKEN_VARIABLE = "TELEGRAM_TOKEN"
HEADER = "# Generated from {base} by bot/tooling/credentials.py; do not edit.\n"


def channels(base: Mapping[str, Any], environ: Mapping[str, str]) -> Dict[str, Any]:
    """The channels of `base`, with Telegram added when its token is set."""
    result = dict(base)
    if environ.get(TELEGRAM_TOKEN_VARIABLE, "").strip():
        result[TELEGRAM_CHANNEL] = {}
    return result


def write_credentials(
    base_path: Path, out_path: Path, environ: Mapping[str, str]
) -> Dict[str, Any]:
    """Writes the credentials file and returns the channels it names."""
    base = yaml.safe_load(base_path.read_text(encoding="utf-8")) or {}
    if not isinstance(base, dict):
        raise ValueError(f"File '{base_path}' is not a mapping of channels.")
    result = channels(base, environ)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    text = HEADER.format(base=base_path) + yaml.safe_dump(result, sort_keys=False)
    out_path.write_text(text, encoding="utf-8")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: writes the file and says which channels it enables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    arguments = parser.parse_args(argv)
    names = write_credentials(arguments.base, arguments.out, os.environ)
    print(f"Channels ({arguments.out}): {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

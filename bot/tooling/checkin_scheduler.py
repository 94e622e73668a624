"""The check-in scheduler: fires due check-ins through Rasa's external-event endpoint,
and, hourly, deletes conversations idle longer than the retention period (default 30
days, CONVERSATION_RETENTION_DAYS).

`make serve` runs one beside the Rasa server; several replicas may each run one, since
a check-in is claimed by exactly one of them (`bot.checkins.claim_due`). It talks only
to the Rasa server on loopback (or BOT_URL) with the HTTP API token.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import time
from typing import List, Optional, Sequence
from urllib.parse import quote

import requests

from bot import checkins
from bot.tooling import delete_conversation

logger = logging.getLogger(__name__)
INTENT = "EXTERNAL_check_in"


def fire(bot_url: str, token: str, sender_ids: List[str]) -> int:
    """Triggers the check-in intent for each conversation; returns how many went."""
    sent = 0
    for sender_id in sender_ids:
        url = f"{bot_url}/conversations/{quote(sender_id, safe='')}/trigger_intent"
        try:
            response = requests.post(
                url,
                params={"token": token, "output_channel": "latest"},
                json={"name": INTENT, "entities": {}},
                timeout=30,
            )
            response.raise_for_status()
            sent += 1
        except requests.RequestException as error:
            # Never the conversation id or content in the log: only that one failed.
            logger.warning(
                "A check-in could not be delivered: %s", type(error).__name__
            )
    return sent


def run_once(bot_url: str, token: str, now: Optional[dt.datetime] = None) -> int:
    """Claims and fires every due check-in once."""
    return fire(bot_url, token, checkins.claim_due(now or dt.datetime.utcnow()))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Polls every `--interval` seconds until stopped (or once with `--once`)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--bot-url",
        default=os.environ.get("BOT_URL")
        or f"http://127.0.0.1:{os.environ.get('BOT_PORT', '5005')}",
    )
    parser.add_argument("--interval", type=float, default=60.0)
    parser.add_argument(
        "--retention-days",
        type=float,
        default=float(os.environ.get("CONVERSATION_RETENTION_DAYS", "30")),
        help="delete conversations idle this long (checked hourly; 0 keeps them)",
    )
    parser.add_argument("--once", action="store_true")
    args = parser.parse_args(argv)
    token = os.environ.get("RASA_AUTH_TOKEN", "")
    last_retention = 0.0
    while True:
        run_once(args.bot_url, token)
        if args.retention_days > 0 and time.monotonic() - last_retention > 3600:
            delete_conversation.main(["--older-than-days", str(args.retention_days)])
            last_retention = time.monotonic()
        if args.once:
            return 0
        time.sleep(args.interval)


if __name__ == "__main__":
    raise SystemExit(main())

"""The check-in scheduler: fires due check-ins through Rasa's external-event endpoint,
and, hourly, deletes conversations idle longer than the retention period (default 30
days, CONVERSATION_RETENTION_DAYS).

`make serve` runs one beside the Rasa server; several replicas may each run one, since
a check-in is claimed by exactly one of them (`bot.checkins.claim_due`). It talks only
to the Rasa server on loopback (or BOT_URL) with the HTTP API token.

The clock can be set (`--now` or CHECKIN_NOW, an ISO time in UTC), for tests and
demos: the scheduler claims what is due at that time and sends it with the event (the
`checkin_time` entity), so the check-in counts the day of withdrawal by the same clock.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import time
from typing import Any, Dict, List, Mapping, Optional, Sequence
from urllib.parse import quote

import requests

from bot import checkins
from bot.tooling import delete_conversation

logger = logging.getLogger(__name__)
INTENT = "EXTERNAL_check_in"
TIME_ENTITY = "checkin_time"
NOW_VARIABLE = "CHECKIN_NOW"


def trigger(
    bot_url: str,
    token: str,
    sender_id: str,
    now: Optional[dt.datetime] = None,
    output_channel: Optional[str] = "latest",
) -> Dict[str, Any]:
    """Fires one check-in; returns Rasa's answer.

    With `output_channel="latest"` the messages go where the person last wrote (their
    Telegram chat, their widget's room); with None Rasa collects them into the answer's
    `messages`, which the terminal chat prints (bot/tooling/chat_client.py).

    Raises:
        requests.RequestException: the Rasa server did not take it.
    """
    entities = {TIME_ENTITY: now.isoformat()} if now else {}
    params = {"token": token}
    if output_channel:
        params["output_channel"] = output_channel
    response = requests.post(
        f"{bot_url}/conversations/{quote(sender_id, safe='')}/trigger_intent",
        params=params,
        json={"name": INTENT, "entities": entities},
        timeout=30,
    )
    response.raise_for_status()
    answer: Dict[str, Any] = response.json()
    return answer


def fire(
    bot_url: str,
    token: str,
    sender_ids: List[str],
    now: Optional[dt.datetime] = None,
) -> int:
    """Triggers the check-in intent for each conversation; returns how many went."""
    sent = 0
    for sender_id in sender_ids:
        try:
            trigger(bot_url, token, sender_id, now)
            sent += 1
        except requests.RequestException as error:
            # Never the conversation id or content in the log: only that one failed.
            logger.warning(
                "A check-in could not be delivered: %s", type(error).__name__
            )
    return sent


def clock(environ: Mapping[str, str] = os.environ) -> dt.datetime:
    """Now (UTC, naive), or the time CHECKIN_NOW sets."""
    fixed = environ.get(NOW_VARIABLE)
    return dt.datetime.fromisoformat(fixed) if fixed else dt.datetime.utcnow()


def run_once(
    bot_url: str,
    token: str,
    now: Optional[dt.datetime] = None,
    url: Optional[str] = None,
) -> int:
    """Claims and fires every due check-in once, at `now` (default: `clock()`), from
    the database at `url` (default: the conversations' database)."""
    moment = now or clock()
    return fire(bot_url, token, checkins.claim_due(moment, url=url), moment)


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
    parser.add_argument(
        "--now",
        type=dt.datetime.fromisoformat,
        default=None,
        help=f"the clock, an ISO time in UTC (default: {NOW_VARIABLE}, else now)",
    )
    args = parser.parse_args(argv)
    token = os.environ.get("RASA_AUTH_TOKEN", "")
    last_retention = 0.0
    while True:
        run_once(args.bot_url, token, args.now)
        if args.retention_days > 0 and time.monotonic() - last_retention > 3600:
            delete_conversation.main(["--older-than-days", str(args.retention_days)])
            last_retention = time.monotonic()
        if args.once:
            return 0
        time.sleep(args.interval)


if __name__ == "__main__":
    raise SystemExit(main())

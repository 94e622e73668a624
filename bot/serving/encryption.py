"""Optional encryption of conversation text at rest, with a key from the environment.

Why: conversations about drug use are special-category health data; a copy of the
database file or a database dump should not be readable without a key kept elsewhere.
With `TRACKER_ENCRYPTION_KEY` set (a Fernet key: `python -m bot.serving.encryption`
prints a new one), the tracker store's `data` column, which holds each event with the
person's words and the bot's replies, is written as a Fernet token (AES-128-CBC with
an HMAC-SHA256, from the `cryptography` package). Several keys, comma-separated, allow
rotation: the first encrypts, any decrypts.

Trade-offs (README: Privacy): the sender id, event type, intent and action names and
timestamps stay readable (Rasa queries by them); rows written before a key was set stay
plaintext and are still read; losing the key loses the conversations; each event costs
a few microseconds more; and the key lives in the process environment, so anyone who
can read that (root, the service's own user) can read the conversations.
"""

from __future__ import annotations

import os
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

KEY_ENV = "TRACKER_ENCRYPTION_KEY"
TOKEN_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80, base64)


def fernet_from_environment() -> Optional[Any]:
    """A `MultiFernet` of the keys in `TRACKER_ENCRYPTION_KEY`, or None when unset."""
    from cryptography.fernet import Fernet, MultiFernet

    keys = [key.strip() for key in os.environ.get(KEY_ENV, "").split(",")]
    keys = [key for key in keys if key]
    if not keys:
        return None
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ValueError(
            f"{KEY_ENV} must hold Fernet keys (32 url-safe base64-encoded bytes); "
            "make one with `python -m bot.serving.encryption`."
        ) from error


class EncryptedText(TypeDecorator):
    """A text column stored as Fernet tokens; plaintext rows are read as they are."""

    impl = sa.Text
    cache_ok = False  # holds a key: never share compiled forms across instances

    def __init__(self, fernet: Any) -> None:
        super().__init__()
        self._fernet = fernet

    def process_bind_param(self, value: Optional[str], dialect: Any) -> Optional[str]:
        """Encrypts on the way in."""
        if value is None:
            return None
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def process_result_value(self, value: Optional[str], dialect: Any) -> Optional[str]:
        """Decrypts on the way out; a row written before encryption is plaintext."""
        if value is None or not value.startswith(TOKEN_PREFIX):
            return value
        return self._fernet.decrypt(value.encode("ascii")).decode("utf-8")


def encrypt_column(column: sa.Column, fernet: Any) -> None:
    """Makes `column` encrypted for every statement compiled from now on."""
    column.type = EncryptedText(fernet)


if __name__ == "__main__":
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode("ascii"))

"""`rasa` with our serving fixes installed first: `python -m bot.serving.server run …`.

Why: some of Rasa 3.6's cost per message is in Rasa itself, not in our model, and is
fixed without changing what it does:

- Every custom action's response is checked against a JSON schema with
  `jsonschema.validate`, which with jsonschema 4.17 first validates the *schema*
  against the draft 2020-12 meta-schema: 17 ms of CPU per action call, more than the
  whole NLU pipeline. The schema never changes, so it is checked once and the
  validator kept: about 1 ms. The same responses pass and fail as before.
- The SQL tracker store on SQLite (the default) commits every message with SQLite's
  rollback journal and `synchronous=FULL`: several fsyncs per message, during which
  Rasa's single event loop waits and every other conversation with it (a quarter of
  the server's busy time under load, by py-spy). Connections to SQLite files are set
  to write-ahead logging with `synchronous=NORMAL`: a commit no longer waits for the
  disk, a conversation still survives a restart or crash of the bot, and only a power
  cut or kernel crash can lose the last moments of conversations.
  PostgreSQL is untouched.

- Python's cyclic garbage collector walks every live object in a full collection, and
  after loading Rasa, TensorFlow and the model that is over half a million objects:
  one full collection stalled the event loop, and every conversation waiting on it,
  for 300 ms in a 15-second load test (measured with `gc.callbacks`). Everything alive
  once the model is loaded lives as long as the server, so it is moved out of the
  collector's way (`gc.freeze`); what messages create is still collected as before.
  After the freeze the same full collection took 18 ms.

`make serve`, the replica test, `make bench` and the Docker image start the server
through this module; arguments are `rasa`'s own.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import sys
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Dict,
    List,
    Mapping,
    Sequence,
    Text,
    Type,
)

if TYPE_CHECKING:
    from jsonschema.protocols import Validator
    from rasa.core.actions.action import RemoteAction


_validators: Dict[type, "Validator"] = {}


def _response_validator(action_class: Type["RemoteAction"]) -> "Validator":
    """The checked schema of an action class's responses, built once per class."""
    from jsonschema import validators

    if action_class not in _validators:
        schema = action_class.action_response_format_spec()
        validator_class = validators.validator_for(schema)
        validator_class.check_schema(schema)
        _validators[action_class] = validator_class(schema)
    return _validators[action_class]


def _validate_action_result(self: "RemoteAction", result: Dict[Text, Any]) -> bool:
    """`RemoteAction._validate_action_result` with the schema checked only once."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _response_validator(type(self)).validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your "
            "response from the Action endpoint is valid. For more information about "
            f"the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


def _tune_sqlite(dbapi_connection: Any, _connection_record: Any) -> None:
    """Write-ahead log, no fsync per commit: for every new SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _freeze_after_loading(load: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    """`load_agent_on_start`, then everything alive moved out of the collector's way."""

    async def load_then_freeze(*args: Any, **kwargs: Any) -> Any:
        agent = await load(*args, **kwargs)
        gc.collect()
        gc.freeze()
        return agent

    load_then_freeze.__wrapped__ = load  # type: ignore[attr-defined]
    return load_then_freeze


def install_speed_fixes() -> None:
    """Only the fixes that change how fast Rasa works (the action-response validator
    built once, SQLite's write-ahead log), for in-process agents: the tests' and the
    reports', which run thousands of held-out messages through the action server and a
    SQLite tracker store. Without them the understanding gate spent 60% of its time
    re-checking the schema (cProfile, session 29). Idempotent."""
    from rasa.core.actions.action import RemoteAction
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    RemoteAction._validate_action_result = _validate_action_result
    if not event.contains(Engine, "connect", _tune_sqlite):
        event.listen(Engine, "connect", _tune_sqlite)


def install() -> None:
    """Installs the fixes into this process's Rasa (idempotent)."""
    from bot.serving import turns

    turns.install()  # first: it sets the lock lifetime Rasa reads on import
    from bot.serving import bubbles

    bubbles.install()  # no reply bubble over about 600 characters
    from bot.serving import log_privacy

    log_privacy.install()  # no conversation content in logs (before Rasa logs any)
    import rasa.core.run

    install_speed_fixes()
    if not hasattr(rasa.core.run.load_agent_on_start, "__wrapped__"):
        rasa.core.run.load_agent_on_start = _freeze_after_loading(
            rasa.core.run.load_agent_on_start
        )


AUTH_TOKEN_ENV = "RASA_AUTH_TOKEN"


def with_auth_token(arguments: Sequence[str], environ: Mapping[str, str]) -> List[str]:
    """`rasa run` arguments with `--auth-token` from the environment, when set.

    Why from the environment: a token on the command line is readable by every local
    user in the process list (`ps`, /proc/PID/cmdline); this process's own argument
    list, changed after it started, is not.
    """
    token = environ.get(AUTH_TOKEN_ENV, "")
    if not token or "--auth-token" in arguments or "run" not in arguments[:1]:
        return list(arguments)
    return [*arguments, "--auth-token", token]


def main(argv: Sequence[str] | None = None) -> None:
    """Runs the `rasa` command line with the fixes installed."""
    install()
    from rasa.__main__ import main as rasa_main

    arguments = list(sys.argv[1:] if argv is None else argv)
    sys.argv = ["rasa", *with_auth_token(arguments, os.environ)]
    rasa_main()


if __name__ == "__main__":
    main()

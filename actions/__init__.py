"""Custom actions, one module per concern (rasa-sdk registers every Action subclass).

The knowledge base, the red-flag catalogue and the regional numbers are validated when
the action server imports this package: a malformed file stops start-up with the file,
entry and field at fault, instead of failing a person's question at 3am. Loading them is
a few milliseconds of YAML; nothing else happens at import time. Importing it is also
the first thing the action server does with our code, so the log redaction is installed
here (bot/serving/log_privacy.py): no conversation content in its logs.
"""

from actions.knowledge_base import knowledge_base
from bot.safety.catalogue import red_flags, region
from bot.serving import log_privacy

log_privacy.install()

knowledge_base()
red_flags()
region(None)

#!/usr/bin/env bash
# `make chat`: the action server, a Rasa server on loopback and the terminal chat
# (bot/tooling/chat_client.py), which talks in this terminal. The conversation lasts between
# starts (its id is kept in ${XDG_STATE_HOME:-~/.local/state}/withdrawal-triage/, readable
# by you only), and a check-in that came or fell due while the chat was closed is shown when
# it starts. Ctrl-C, SIGTERM or closing the terminal (SIGHUP) stops everything.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bot/tooling/common.sh
trap stop_children EXIT INT TERM HUP  # HUP: the terminal was closed
echo "Starting the bot (a few seconds)…"
mkdir -p .rasa
chat_port=${CHAT_PORT:-5006}
# The Rasa server runs a port of its own: loopback only, and a busy port said plainly.
if .venv/bin/python -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $chat_port)) != 0)"; then
  echo "error: port $chat_port is in use (is another 'make chat' running?). Close it, or run: CHAT_PORT=5016 make chat" >&2
  exit 1
fi
# The HTTP API (to read the conversation and fire its check-in) needs a token: a fresh one
# each start, passed through the environment, never on a command line.
RASA_AUTH_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')
export RASA_AUTH_TOKEN SQLALCHEMY_SILENCE_UBER_WARNING=1
# The server loads the model while the action server starts: both are ready together.
launch_action_server .rasa/actions-chat.log
.venv/bin/python -m bot.serving.server run --model models/triage.tar.gz \
  --endpoints endpoints.yml --connector bot.channels.rest.RestInput --enable-api \
  --interface 127.0.0.1 --port "$chat_port" >.rasa/chat.log 2>&1 &
# In the background but reading this terminal (<&0), so a signal runs the trap at once: in the
# foreground, bash would hold a closed terminal's SIGHUP until the chat exited by itself.
.venv/bin/python -W ignore -m bot.tooling.chat_client --url "http://127.0.0.1:$chat_port" <&0 &
wait $!

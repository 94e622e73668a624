#!/usr/bin/env bash
# `make chat`: the action server and the Rasa shell, which talks in this terminal. Ctrl-C,
# SIGTERM or closing the terminal (SIGHUP) stops both.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bot/tooling/common.sh
trap stop_children EXIT INT TERM HUP  # HUP: the terminal was closed
echo "Starting the bot (a few seconds)…"
mkdir -p .rasa
# The shell loads the model while the action server starts: both are ready together.
launch_action_server .rasa/actions-chat.log
chat_port=${CHAT_PORT:-5006}
# `rasa shell` runs a server of its own: loopback only, and a busy port said plainly.
if .venv/bin/python -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $chat_port)) != 0)"; then
  echo "error: port $chat_port is in use (is another 'make chat' running?). Close it, or run: CHAT_PORT=5016 make chat" >&2
  exit 1
fi
# In the background but reading this terminal (<&0), so a signal runs the trap at once: in the
# foreground, bash would hold a closed terminal's SIGHUP until the shell exited by itself.
.venv/bin/rasa shell --model models/triage.tar.gz --endpoints endpoints.yml \
  --interface 127.0.0.1 --port "$chat_port" <&0 2>.rasa/chat.log &
wait $!

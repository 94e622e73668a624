#!/usr/bin/env bash
# `make serve`: action server + Rasa server in the foreground; Ctrl-C or SIGTERM stops both.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bot/tooling/common.sh
trap stop_children EXIT INT TERM
mkdir -p .rasa
start_action_server .rasa/actions.log
echo "Action server on 127.0.0.1:${ACTIONS_PORT}; starting Rasa on 127.0.0.1:${BOT_PORT}…"
.venv/bin/rasa run --model models/triage.tar.gz --endpoints endpoints.yml \
  --credentials credentials.yml --enable-api --interface 127.0.0.1 --port "$BOT_PORT" \
  --cors "http://127.0.0.1:${WEB_PORT}" &
wait $!

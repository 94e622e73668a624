#!/usr/bin/env bash
# `make serve`: action server + Rasa server in the foreground; Ctrl-C or SIGTERM stops both.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bot/tooling/common.sh
trap stop_children EXIT INT TERM
mkdir -p .rasa
start_action_server .rasa/actions.log
# credentials.yml, plus the Telegram channel when TELEGRAM_TOKEN is set.
.venv/bin/python -m bot.tooling.credentials --base credentials.yml --out .rasa/credentials.yml
.venv/bin/python -m bot.tooling.web_server --port "$WEB_PORT" --socket-url "http://127.0.0.1:${BOT_PORT}" &
# Tracker and lock store from the environment: SQLite by default, PostgreSQL with DB_HOST,
# Redis locks with REDIS_HOST (bot/tooling/endpoints.py; README: Deployment and scaling).
.venv/bin/python -m bot.tooling.endpoints --out .rasa/endpoints.yml
# The HTTP API always needs a token: RASA_AUTH_TOKEN, or one made once and kept in a file
# only its owner can read. It reaches Rasa through the environment, not the command line
# (bot/serving/server.py: a command line is visible to every local user).
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  token_file=${RASA_AUTH_TOKEN_FILE:-.rasa/api-token}
  if [ ! -s "$token_file" ]; then
    (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' >"$token_file")
  fi
  chmod 600 "$token_file"
  RASA_AUTH_TOKEN=$(cat "$token_file")
  echo "HTTP API token (add ?token=… to /status, /model/parse, /conversations/…): in $token_file"
fi
export RASA_AUTH_TOKEN
echo "Action server on 127.0.0.1:${ACTIONS_PORT}; starting Rasa on 127.0.0.1:${BOT_PORT}…"
# `rasa run` with our serving fixes (bot/serving/server.py: faster action responses, SQLite WAL).
.venv/bin/python -m bot.serving.server run --model models/triage.tar.gz --endpoints .rasa/endpoints.yml \
  --credentials .rasa/credentials.yml --enable-api --interface 127.0.0.1 --port "$BOT_PORT" \
  --cors "http://127.0.0.1:${WEB_PORT}" &
rasa_pid=$!
# Due check-ins, fired through Rasa's external-event endpoint (bot/tooling/checkin_scheduler.py).
.venv/bin/python -m bot.tooling.checkin_scheduler >.rasa/checkins.log 2>&1 &
wait $rasa_pid

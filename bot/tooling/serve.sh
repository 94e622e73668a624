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
echo "Action server on 127.0.0.1:${ACTIONS_PORT}; starting Rasa on 127.0.0.1:${BOT_PORT}…"
# `rasa run` with our serving fixes (bot/serving/server.py: faster action responses, SQLite WAL).
.venv/bin/python -m bot.serving.server run --model models/triage.tar.gz --endpoints .rasa/endpoints.yml \
  --credentials .rasa/credentials.yml --enable-api --interface 127.0.0.1 --port "$BOT_PORT" \
  --cors "http://127.0.0.1:${WEB_PORT}" &
wait $!

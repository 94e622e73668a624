#!/usr/bin/env bash
# `make serve`: the action server, the Rasa server, the widget's web server and the check-in
# scheduler, each supervised (bot/tooling/common.sh: restarted with a backoff whenever it
# exits, with a line saying so). Ctrl-C, SIGTERM or a closed terminal stops them all.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bot/tooling/common.sh
trap stop_children EXIT INT TERM HUP
# Generated configuration and logs (RUN_DIR, default .rasa/: one folder per `make serve`).
run_dir=${RUN_DIR:-.rasa}
mkdir -p "$run_dir" "$(dirname "$TRACKER_DB")"
# A busy port would otherwise only show as a server restarted again and again.
refuse_busy_ports "ACTIONS_PORT=$ACTIONS_PORT" "BOT_PORT=$BOT_PORT" "WEB_PORT=$WEB_PORT"
# credentials.yml, plus the Telegram channel when TELEGRAM_TOKEN is set.
.venv/bin/python -m bot.tooling.credentials --base credentials.yml --out "$run_dir/credentials.yml"
# Tracker and lock store from the environment: SQLite by default, PostgreSQL with DB_HOST,
# Redis locks with REDIS_HOST (bot/tooling/endpoints.py; README: Deployment and scaling).
.venv/bin/python -m bot.tooling.endpoints --out "$run_dir/endpoints.yml"
# The HTTP API always needs a token: RASA_AUTH_TOKEN, or one made once and kept in a file
# only its owner can read. It reaches Rasa through the environment, not the command line
# (bot/serving/server.py: a command line is visible to every local user).
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  token_file=${RASA_AUTH_TOKEN_FILE:-$run_dir/api-token}
  if [ ! -s "$token_file" ]; then
    (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' >"$token_file")
  fi
  chmod 600 "$token_file"
  RASA_AUTH_TOKEN=$(cat "$token_file")
  echo "HTTP API token (add ?token=… to /status, /model/parse, /conversations/…): in $token_file"
fi
export RASA_AUTH_TOKEN

supervise "action server" "$run_dir/actions.log" "${ACTION_SERVER[@]}" &
wait_for_url "http://127.0.0.1:${ACTIONS_PORT}/health" 60 || { cat "$run_dir/actions.log" >&2; exit 1; }
supervise "web server" - .venv/bin/python -m bot.tooling.web_server --port "$WEB_PORT" \
  --socket-url "http://127.0.0.1:${BOT_PORT}" &
echo "Action server on 127.0.0.1:${ACTIONS_PORT}; starting Rasa on 127.0.0.1:${BOT_PORT}…"
# `rasa run` with our serving fixes (bot/serving/server.py: faster action responses, SQLite WAL).
supervise "Rasa server" - .venv/bin/python -m bot.serving.server run --model models/triage.tar.gz \
  --endpoints "$run_dir/endpoints.yml" --credentials "$run_dir/credentials.yml" --enable-api \
  --interface 127.0.0.1 --port "$BOT_PORT" --cors "http://127.0.0.1:${WEB_PORT}" &
# Due check-ins, fired through Rasa's external-event endpoint (bot/tooling/checkin_scheduler.py).
supervise "check-in scheduler" "$run_dir/checkins.log" .venv/bin/python -m bot.tooling.checkin_scheduler &
# Until a signal: the supervisors never return on their own.
wait

#!/usr/bin/env bash
# `make chat`: the action server in the background, the Rasa shell in the foreground.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bot/tooling/common.sh
trap stop_children EXIT INT TERM
echo "Starting the bot (a few seconds)…"
mkdir -p .rasa
# The shell loads the model while the action server starts: both are ready together.
launch_action_server .rasa/actions-chat.log
.venv/bin/rasa shell --model models/triage.tar.gz --endpoints endpoints.yml \
  --port "${CHAT_PORT:-5006}" 2>.rasa/chat.log

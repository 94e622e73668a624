# Shared by serve.sh, chat.sh and test.sh: start the action server and wait until healthy.
# Sourced, not run. Every process started here is stopped by the caller's trap.

wait_for_url() {  # url, seconds
  local url=$1 limit=$2 waited=0
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    sleep 0.5; waited=$((waited + 1))
    if [ "$waited" -ge $((limit * 2)) ]; then
      echo "error: $url did not answer within ${limit}s" >&2; return 1
    fi
  done
}

launch_action_server() {  # logs to $1; returns at once
  mkdir -p "$(dirname "$TRACKER_DB")"
  .venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" >"$1" 2>&1 &
  ACTION_SERVER_PID=$!
}

start_action_server() {  # logs to $1; returns once it answers /health
  launch_action_server "$1"
  wait_for_url "http://127.0.0.1:${ACTIONS_PORT}/health" 60 || { cat "$1" >&2; return 1; }
}

stop_children() {
  local pids
  pids=$(jobs -p)
  [ -n "$pids" ] && kill $pids 2>/dev/null
  wait 2>/dev/null
  return 0
}

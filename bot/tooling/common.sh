# Shared by serve.sh, chat.sh and test.sh: ports, the action server, waiting for health,
# supervision. Sourced, not run. Every process started here is stopped by the caller's trap.

# The Makefile exports these; defaults here so the scripts also run on their own.
: "${BOT_PORT:=5005}" "${ACTIONS_PORT:=5055}" "${WEB_PORT:=8080}"
: "${TRACKER_DB:=$PWD/.rasa/tracker.db}" "${SANIC_HOST:=127.0.0.1}"
export BOT_PORT ACTIONS_PORT WEB_PORT TRACKER_DB SANIC_HOST

# Restarts of a supervised process wait 1 s, doubled after each quick exit up to 30 s, so a
# crash loop does not spin; a process that stayed up a while is restarted after 1 s again.
# SUPERVISE_MAX_DELAY and SUPERVISE_STABLE_SECONDS may be set in the environment (the tests do).
SUPERVISE_FIRST_DELAY=1
SUPERVISE_MAX_DELAY=${SUPERVISE_MAX_DELAY:-30}
SUPERVISE_STABLE_SECONDS=${SUPERVISE_STABLE_SECONDS:-60}
# What a stopped process gets to shut down cleanly before it is killed.
SUPERVISE_STOP_SECONDS=10

wait_for_url() {  # url, seconds
  local url=$1 limit=$2 waited=0
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    sleep 0.5; waited=$((waited + 1))
    if [ "$waited" -ge $((limit * 2)) ]; then
      echo "error: $url did not answer within ${limit}s" >&2; return 1
    fi
  done
}

refuse_busy_ports() {  # NAME=PORT...: fails, saying which, if anything listens on one
  local each
  for each in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/${each#*=}") 2>/dev/null; then
      echo "error: port ${each#*=} is in use (${each%%=*}; is another 'make serve' running?)." \
        "Stop it, or choose another: ${each%%=*}=<port> make serve" >&2
      return 1
    fi
  done
}

ACTION_SERVER=(.venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT")

launch_action_server() {  # logs to $1; returns at once
  mkdir -p "$(dirname "$TRACKER_DB")"
  "${ACTION_SERVER[@]}" >"$1" 2>&1 &
  ACTION_SERVER_PID=$!
}

start_action_server() {  # logs to $1; returns once it answers /health
  launch_action_server "$1"
  wait_for_url "http://127.0.0.1:${ACTIONS_PORT}/health" 60 || { cat "$1" >&2; return 1; }
}

# supervise NAME LOG COMMAND...: runs COMMAND and starts it again whenever it exits, saying
# so on stderr, until this (background) shell gets SIGTERM, SIGINT or SIGHUP; then stops it and returns.
# LOG is a file the command's output is appended to, or - for this shell's own output.
# Each run gets a session of its own (setsid): Ctrl-C and a closed terminal reach only the
# scripts, which stop everything in order, and a stop reaches the process's own children.
supervise() {
  local name=$1 log=$2 delay=$SUPERVISE_FIRST_DELAY started code reason
  shift 2
  SUPERVISED_PID=""
  # TERM from the script's trap; INT and HUP also reach this shell straight from the
  # terminal (Ctrl-C, a closed window), and bash may not ignore them here.
  trap 'stop_supervised; exit 0' TERM INT HUP
  [ "$log" = - ] || : >"$log"
  while true; do
    started=$SECONDS
    if [ "$log" = - ]; then setsid "$@" & else setsid "$@" >>"$log" 2>&1 & fi
    SUPERVISED_PID=$!
    code=0
    wait "$SUPERVISED_PID" || code=$?
    if [ $((SECONDS - started)) -ge "$SUPERVISE_STABLE_SECONDS" ]; then
      delay=$SUPERVISE_FIRST_DELAY
    fi
    reason=""
    [ "$code" -gt 128 ] && reason=" (killed by SIG$(kill -l "$((code - 128))"))"
    echo "serve: the $name (pid $SUPERVISED_PID) died with exit code $code$reason;" \
      "restarting it in ${delay}s" >&2
    # In the background, so SIGTERM is handled at once rather than after the sleep.
    sleep "$delay" &
    SUPERVISED_PID=$!
    wait "$SUPERVISED_PID" || true
    delay=$((delay * 2 > SUPERVISE_MAX_DELAY ? SUPERVISE_MAX_DELAY : delay * 2))
  done
}

stop_supervised() {  # SIGTERM to the supervised process group, SIGKILL if it lingers
  local pid=$SUPERVISED_PID waited=0
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge $((SUPERVISE_STOP_SECONDS * 10)) ]; then
      echo "serve: pid $pid did not stop within ${SUPERVISE_STOP_SECONDS}s; killing it" >&2
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
      break
    fi
    sleep 0.1; waited=$((waited + 1))
  done
  wait "$pid" 2>/dev/null || true
}

stop_children() {
  local pids
  pids=$(jobs -p)
  [ -n "$pids" ] && kill $pids 2>/dev/null
  wait 2>/dev/null
  return 0
}

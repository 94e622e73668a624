#!/usr/bin/env bash
# PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) for the replica test
# (tests/serving/test_replicas.py): started when they are not already answering, on
# loopback only. .ci/run calls this before `make test`; the test calls it too.
# Idempotent: a service that already answers is left alone.
set -euo pipefail

PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_PORT=6379 WAIT_SECONDS=30
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

postgres_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

wait_for() {  # name, check function
  local waited=0
  until "$2"; do
    sleep 0.5; waited=$((waited + 1))
    if [ "$waited" -ge $((WAIT_SECONDS * 2)) ]; then
      echo "error: $1 did not answer within ${WAIT_SECONDS}s" >&2; return 1
    fi
  done
}

need() {  # command, what installs it
  command -v "$1" >/dev/null 2>&1 || { echo "error: $1 not found; install $2" >&2; exit 1; }
}

if ! postgres_up; then
  need pg_ctlcluster "PostgreSQL (apt-get install postgresql)"
  echo "Starting PostgreSQL on ${PG_HOST}:${PG_PORT}…"
  # shellcheck disable=SC2046  # one cluster version directory, e.g. 15
  $SUDO pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  wait_for PostgreSQL postgres_up
fi

if ! redis_up; then
  need redis-server "Redis (apt-get install redis-server)"
  echo "Starting Redis on 127.0.0.1:${REDIS_PORT}…"
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis_up
fi

echo "PostgreSQL ${PG_HOST}:${PG_PORT} and Redis 127.0.0.1:${REDIS_PORT} are up."

#!/usr/bin/env bash
# Runs a cluster on this machine (`make cluster`): a redis-server and three Tank Arena nodes on
# it, on ports 8080, 8081 and 8082, until Ctrl-C, which stops them all. Extra arguments go to
# every node, e.g. scripts/cluster.sh -bots 4.
#   REDIS_PORT=6380 scripts/cluster.sh          # another port for the cluster's own redis-server
#   REDIS_URL=redis://db.lan:6379/0 scripts/cluster.sh   # a Redis that already runs: none started
#   PUBLIC_HOST=192.168.1.5 scripts/cluster.sh   # the name browsers use for this machine (default
#                                                # localhost: players on other machines need this)
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p bench/out
go build -o bench/out/tankarena .

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

if [ -z "${REDIS_URL:-}" ]; then
  if ! command -v redis-server >/dev/null; then
    echo "cluster: redis-server is not installed: apt-get install redis-server (or set REDIS_URL)" >&2
    exit 1
  fi
  port=${REDIS_PORT:-6379}
  dir=$(mktemp -d)
  # Nothing saved: the cluster keeps no state in Redis that must outlive it.
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no --loglevel warning &
  pids+=($!)
  REDIS_URL=redis://127.0.0.1:$port/0
  for _ in $(seq 50); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
fi

for port in 8080 8081 8082; do
  # Each node's public URL: where the others send the players they place in its rooms.
  bench/out/tankarena -addr ":$port" -redis "$REDIS_URL" -public-url "http://${PUBLIC_HOST:-localhost}:$port" "$@" &
  pids+=($!)
done
echo "cluster: three nodes on Redis $REDIS_URL: http://${PUBLIC_HOST:-localhost}:8080, :8081, :8082 (Ctrl-C stops them)"
wait -n "${pids[@]}" # one of them stopped (a bad flag, a port in use): stop the others too

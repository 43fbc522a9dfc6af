#!/usr/bin/env bash
# Runs every Go fuzz target in the module for the given time each (default 5s).
# `go test -fuzz` accepts one target in one package at a time, so we list them first.
#   scripts/fuzz.sh 5s     # the short pass that `make test` runs
#   scripts/fuzz.sh 10m    # the long pass (`make fuzz`)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-5s}
found=0
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    found=$((found + 1))
    echo "fuzz: $pkg $target for $fuzztime"
    # The fuzzing engine sometimes gives up on a busy machine with "context deadline exceeded"
    # and no failing input; that is the engine, not our code, so such a run is tried once more.
    # A real crasher writes "Failing input" and fails at once.
    if ! out=$(go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" 2>&1); then
      echo "$out"
      if grep -q 'Failing input' <<<"$out" || ! grep -q 'context deadline exceeded' <<<"$out"; then
        exit 1
      fi
      echo "fuzz: engine time-out without a failing input; running $target once more"
      go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime"
    else
      echo "$out" | tail -n 2
    fi
  done
done
echo "fuzz: ran $found targets for $fuzztime each"

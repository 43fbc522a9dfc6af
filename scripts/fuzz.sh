#!/usr/bin/env bash
# Runs every Go fuzz target in both modules (the game's and bench/) for the given time each
# (default 5s). `go test -fuzz` accepts one target in one package at a time, so we list them first.
#   scripts/fuzz.sh 5s     # the short pass that `make test` runs
#   scripts/fuzz.sh 10m    # the long pass (`make fuzz`)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-5s}
found=0
# `go test` sees only the packages of the module it runs in, so each module is fuzzed from its folder.
for module in . bench; do
  for pkg in $(cd "$module" && go list ./...); do
    for target in $(cd "$module" && go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
      found=$((found + 1))
      echo "fuzz: $pkg $target for $fuzztime"
      # The fuzzing engine sometimes gives up at the end of -fuzztime with "context deadline
      # exceeded" and no failing input (seen on quiet machines too); that is the engine, not our
      # code, so such a run is tried again, up to twice. A real crasher writes "Failing input" and
      # fails at once.
      for try in 1 2 3; do
        if out=$(cd "$module" && go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" 2>&1); then
          echo "$out" | tail -n 2
          break
        fi
        echo "$out"
        if grep -q 'Failing input' <<<"$out" || ! grep -q 'context deadline exceeded' <<<"$out" || [ "$try" = 3 ]; then
          exit 1
        fi
        echo "fuzz: engine time-out without a failing input; running $target again"
      done
    done
  done
done
echo "fuzz: ran $found targets for $fuzztime each"

#!/usr/bin/env bash
# Makes sure the programs `make test` runs besides Go are here: Node.js with npm (the official
# socket.io packages in compat/ and the client's unit tests), Chromium (the browser tests) and
# redis-server (the cluster tests start their own, on a free port).
# When one is missing: as root (CI, a fresh container) it installs it with apt-get; otherwise it
# prints the exact command to run and fails, before anything long has started. `make test`
# runs it first; CI (.ci/run) only runs `make test`.
set -euo pipefail

# missing_packages prints, one a line, the Debian package of each program that is missing.
missing_packages() {
  # The browser tests also take chromium-browser or google-chrome (internal/testenv).
  command -v chromium >/dev/null || command -v chromium-browser >/dev/null ||
    command -v google-chrome >/dev/null || echo chromium
  command -v node >/dev/null || echo nodejs
  command -v npm >/dev/null || echo npm
  command -v redis-server >/dev/null || echo redis-server
}

mapfile -t need < <(missing_packages)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$EUID" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "deps: installing ${need[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
  mapfile -t still < <(missing_packages)
  if [ ${#still[@]} -gt 0 ]; then
    echo "deps: apt-get installed ${need[*]}, yet ${still[*]} is still missing from PATH" >&2
    exit 1
  fi
  exit 0
fi

{
  echo "make test needs ${need[*]}, which this machine lacks."
  if command -v apt-get >/dev/null; then
    echo "Install them with:"
    echo
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}"
    echo
  else
    echo "Install Node.js 20 or newer with npm, Chromium and redis-server with this system's package manager,"
  fi
  echo "then run make test again."
} >&2
exit 1

#!/usr/bin/env bash
# Installs what the tests need and this machine lacks (Debian packages, the pinned Azurite). The README's test
# command, `dotnet test LogiLlm.Aspire.sln`, runs it first (Directory.Solution.targets); it does nothing where all
# is present. As root (or with sudo) it installs missing Debian packages itself; without either it says what is
# missing and leaves the tests to report it.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "== the tests need $* (not installed; run as root or install them)" >&2
      return 0
    fi
    sudo="sudo"
  fi
  echo "== installing $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The full-graph and fault tests run the cache as a redis-server process they can pause and restart.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# The Studio's browser tests drive Debian's Chromium through Playwright (its own browser download is not reachable).
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The blob registry tests run Azurite (Node.js) from the pinned tools/azurite lock file.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi

if [ ! -f tools/azurite/node_modules/azurite/package.json ] && command -v npm >/dev/null 2>&1; then
  echo "== installing the pinned Azurite (tools/azurite, npm ci)"
  (cd tools/azurite && npm ci --no-audit --no-fund --loglevel=error)
fi

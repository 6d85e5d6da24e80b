#!/usr/bin/env bash
# The test command (README): installs what the tests need and this machine lacks, then runs every test.
#   ./test.sh                      all tests of the solution
#   ./test.sh --filter 'FullyQualifiedName~Persistence'   any extra arguments go to dotnet test
# Needs the .NET SDK; as root (or with sudo) it installs missing Debian packages itself.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
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

if [ ! -f tools/azurite/node_modules/azurite/package.json ]; then
  echo "== installing the pinned Azurite (tools/azurite, npm ci)"
  (cd tools/azurite && npm ci --no-audit --no-fund --loglevel=error)
fi

exec dotnet test LogiLlm.Aspire.sln "$@"

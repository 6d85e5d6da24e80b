#!/usr/bin/env bash
# Do plain-JSON files we save load in Python LogiLLM 0.2.17? Trains and re-saves a few modules with `logillm` (offline,
# local model), then loads each with Python LogiLLM's own ModuleLoader and compares what it rebuilt.
# Usage: tools/python-compat/run.sh /path/to/logillm-checkout   (mjbommar/logillm at tag v0.2.17; only its logillm/ is used)
# Manual: Python LogiLLM is not installable on this project's machines (no PyPI), so the test command cannot run it.
set -euo pipefail
cd "$(dirname "$0")/../.."
src="${1:?usage: $0 /path/to/logillm-checkout}"
[ -f "$src/logillm/core/persistence.py" ] || { echo "not a LogiLLM checkout: $src" >&2; exit 2; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet build LogiLlm.Cli -v q -nologo >/dev/null
logillm() { dotnet artifacts/bin/LogiLlm.Cli/debug/logillm.dll "$@"; }
data=LogiLlm.LocalModel/Samples/emails
logillm train --signature "email: str -> category: str" --data $data/train.jsonl --valset $data/dev.jsonl \
  --optimizer bootstrap-few-shot --out "$out/bootstrap.json" --quiet
logillm train --signature "email: str -> category: str" --data $data/train.jsonl --valset $data/dev.jsonl \
  --optimizer labeled-few-shot --max-demos 16 --out "$out/labeled.json" --quiet
logillm train --signature "email: str -> category: str" --instructions "Classify the customer email into one category." \
  --data $data/train.jsonl --optimizer labeled-few-shot --max-demos 72 --out "$out/instructed-72.json" --quiet
# A signed file is still plain JSON (the seal is one more key, which Python ignores).
cp "$out/labeled.json" "$out/signed.json"
LOGILLM_SIGNING_KEY="$(head -c 32 /dev/urandom | base64)" logillm sign "$out/signed.json" >/dev/null
# Python's own files (../shared/fixtures, beside the clone), re-saved by us in the current format: the round trip a
# user of both makes.
for fixture in ../shared/fixtures/logillm-py-0.2.17/*.json; do
  [ -e "$fixture" ] || break
  cp "$fixture" "$out/resaved-$(basename "$fixture")"
done
for file in "$out"/resaved-*.json; do [ -e "$file" ] && logillm migrate "$file" --quiet; done
rm -f "$out"/*.bak
PYTHONPATH="$src" python3 tools/python-compat/load_in_python_logillm.py "$out"

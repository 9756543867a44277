#!/usr/bin/env bash
# Property-based API testing: schemathesis generates requests for every operation of the
# OpenAPI document (/api/v1/openapi.json) and checks each answer against it: no 5xx, the body
# matches the documented schema, the status is one the document lists.
#
# It builds a fresh demo database on SQLite, issues an API token for the demo facilitator,
# serves the app on a free port and runs schemathesis with a fixed seed, so a failure
# reproduces with the same command. Exits non-zero on any failure.
#
# Run alone from a checkout with the dev extras installed (pip install -e '.[dev]'):
#     bash .ci/schemathesis.sh
# Knobs (environment): NIC_ST_SEED (default 18), NIC_ST_MAX_EXAMPLES per operation and phase
# (default 25), NIC_ST_WORKERS (default 2), NIC_ST_ARGS (more schemathesis options, e.g.
# "--include-path-regex /cycles"), NIC_ST_LOG (a file to keep the server log in).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SEED=${NIC_ST_SEED:-18}
MAX_EXAMPLES=${NIC_ST_MAX_EXAMPLES:-25}
WORKERS=${NIC_ST_WORKERS:-2}
WORK=$(mktemp -d /tmp/nic-schemathesis.XXXXXX)
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

unset NIC_TEST_DATABASE_URL NIC_DEBUG || true
export NIC_DATABASE_URL="sqlite://$WORK/demo.sqlite3"
NIC_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')
export NIC_SECRET_KEY
cd "$WORK"  # no nic.toml of the checkout's is read

echo "Building the demo database"
nic demo --no-serve --database "$WORK/demo.sqlite3" >/dev/null
TOKEN=$(nic user token facilitator@demo.example --name schemathesis | tail -1)

PORT=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
echo "Serving it on $BASE"
nic serve --host 127.0.0.1 --port "$PORT" --no-access-log >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
if ! PYTHONPATH="$ROOT" python -c '
import sys, time
from bench.loadgen import wait_until_up
wait_until_up(sys.argv[1], time.perf_counter() + 60)' "$BASE/api/v1/openapi.json"; then
  echo "the server did not come up:"; cat "$WORK/server.log"; exit 1
fi

echo "schemathesis: seed $SEED, at most $MAX_EXAMPLES examples per operation and phase"
status=0
# The timeout only guards against a hang: a normal run takes one to two minutes.
# shellcheck disable=SC2086  # NIC_ST_ARGS is split on purpose
timeout 900 schemathesis run "$BASE/api/v1/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance \
  --phases examples,coverage,fuzzing \
  --mode all \
  --seed "$SEED" \
  --max-examples "$MAX_EXAMPLES" \
  --workers "$WORKERS" \
  --generation-database none \
  --request-timeout 30 \
  --no-color \
  ${NIC_ST_ARGS:-} || status=$?
if [ "$status" -eq 124 ]; then echo "schemathesis did not finish in 15 minutes"; fi

if grep -q "unexpected error" "$WORK/server.log"; then
  echo; echo "Server errors in the site log (operation, then the exception):"
  python - "$WORK/server.log" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
seen = {}
for block in re.split(r"(?m)^(?=.*unexpected error in )", text)[1:]:
    where = re.search(r"unexpected error in (.+)", block).group(1).strip()
    errors = re.findall(r"(?m)^(\w[\w.]*(?:Error|Exception)\b.*)$", block)
    key = (where, errors[-1] if errors else "?")
    seen[key] = seen.get(key, 0) + 1
for (where, error), count in sorted(seen.items()):
    print(f"  {count:4}x {where}: {error[:200]}")
PY
  if [ -n "${NIC_ST_LOG:-}" ]; then cp "$WORK/server.log" "$NIC_ST_LOG"; fi
fi
exit "$status"

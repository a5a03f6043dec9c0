#!/usr/bin/env bash
# Fuzzes the API against its own OpenAPI document with schemathesis (`--checks all`):
# starts a Weft built from this tree on a free loopback port with a fresh data directory,
# seeds a workspace (two people, a public and a private channel, a thread, a comment, a
# conversation, a group), then runs every operation except those that sign the caller out.
# Fails on any check failure or server error. Bounded: WEFT_FUZZ_EXAMPLES cases per
# operation (default 20) and a time limit (WEFT_FUZZ_SECONDS, default 900).
#
# Every check runs, the two that judge how exactly the document describes what the server
# accepts (positive_data_acceptance, negative_data_rejection) included; the rules a
# document cannot state are per-operation exceptions in scripts/schemathesis.toml, each
# with its reason. For local runs: WEFT_FUZZ_EXCLUDE_CHECKS leaves checks out
# (comma-separated); WEFT_FUZZ_SEED=N generates randomly from seed N instead of the
# deterministic default (seed 1).
#
#   pip install 'schemathesis==4.32.5' && scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${WEFT_FUZZ_EXAMPLES:-20}"
SECONDS_LIMIT="${WEFT_FUZZ_SECONDS:-900}"

# The test build (argon2 and SQLite are optimized in it too): CI has just built it for the
# tests, and a release build would cost minutes more.
cargo build --locked -q -p weft
BIN="${CARGO_TARGET_DIR:-target}/debug/weft"
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
"$BIN" admin create-user --data "$DATA" --email ana@fuzz.test --name "Ana Fuzz" --password 'fuzz-password-1' >/dev/null
"$BIN" admin create-user --data "$DATA" --email bo@fuzz.test --name "Bo Fuzz" --password 'fuzz-password-2' >/dev/null
# Rate limits off: the fuzzer checks the document, and thousands of calls a minute from one
# person would be answered 429 (the limits have tests of their own).
"$BIN" serve --data "$DATA" --listen "127.0.0.1:$PORT" --log warn \
  --rate-writes 0 --rate-writes-per-address 0 --rate-searches 0 --rate-searches-per-address 0 \
  --rate-sign-ins-per-address 0 >"$DATA/server.log" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.1; done

api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$2" "$BASE/api/v3/$1"; }
field() { python3 -c "import sys,json; print(json.load(sys.stdin)['$1'])"; }
TOKEN=$(curl -sf -d email=ana@fuzz.test -d password=fuzz-password-1 "$BASE/api/v3/users/login" | field token)
WS=$(api workspaces/add '{"name": "Fuzz"}' | field id)
BO=$(api workspace_users/add "{\"id\": $WS, \"email\": \"bo@fuzz.test\"}" | field id)
# Bo accepts the invitation (a member only then).
BO_TOKEN=$(curl -sf -d email=bo@fuzz.test -d password=fuzz-password-2 "$BASE/api/v3/users/login" | field token)
curl -sf -H "Authorization: Bearer $BO_TOKEN" -H 'Content-Type: application/json' -d "{\"id\": $WS}" \
  "$BASE/api/v3/workspace_users/accept_invite" >/dev/null
CH=$(api channels/add "{\"workspace_id\": $WS, \"name\": \"fuzz\", \"user_ids\": [$BO]}" | field id)
api channels/add "{\"workspace_id\": $WS, \"name\": \"secret\", \"public\": false}" >/dev/null
TH=$(api threads/add "{\"channel_id\": $CH, \"title\": \"Fuzz\", \"content\": \"hello\"}" | field id)
api comments/add "{\"thread_id\": $TH, \"content\": \"a reply\"}" >/dev/null
api conversations/get_or_create "{\"workspace_id\": $WS, \"user_ids\": [$BO]}" >/dev/null
api groups/add "{\"workspace_id\": $WS, \"name\": \"fuzzers\", \"user_ids\": [$BO]}" >/dev/null
echo "seeded workspace $WS on $BASE"

# The same cases on every run (seed 1), or a random run from WEFT_FUZZ_SEED.
if [ -n "${WEFT_FUZZ_SEED:-}" ]; then
  GENERATION=(--seed "$WEFT_FUZZ_SEED")
else
  GENERATION=(--seed 1 --generation-deterministic)
fi

# Calls that sign the caller out (or delete what the run needs) are left out, and so is
# hooks/subscribe: it resolves generated host names and its worker would POST to them, and
# a test run must never reach past this machine (tests/it/webhooks.rs covers it, on
# 127.0.0.1).
status=0
timeout "$SECONDS_LIMIT" schemathesis --config-file scripts/schemathesis.toml run "$BASE/api/v3/openapi.json" \
  --url "$BASE" \
  --header "Authorization: Bearer $TOKEN" \
  --checks all \
  ${WEFT_FUZZ_EXCLUDE_CHECKS:+--exclude-checks "$WEFT_FUZZ_EXCLUDE_CHECKS"} \
  --max-examples "$EXAMPLES" \
  "${GENERATION[@]}" \
  --exclude-path-regex '/users/(logout|invalidate_token|update_password|delete)$' \
  --exclude-path '/api/v3/events/stream' \
  --exclude-path '/api/v3/hooks/subscribe' \
  --request-timeout 45 \
  --no-color || status=$?
if grep -q 'panicked' "$DATA/server.log"; then
  echo "the server panicked:" >&2
  grep -A5 panicked "$DATA/server.log" >&2
  status=1
fi
exit "$status"

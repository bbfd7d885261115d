#!/usr/bin/env bash
# A bounded fuzz run of /api/v1 with schemathesis (pinned in tests/security/requirements*.txt,
# installed into tests/security/.venv) against the production build in local mode, on a fresh data
# folder. It fails on any 5xx, and on answers the OpenAPI document does not describe (status codes,
# content types, headers, bodies), on a method a route does not declare that is not a 405 with
# Allow, and on invalid input that is not refused with a 4xx. FUZZ_MAX_EXAMPLES bounds the cases per
# operation (default 40: about two minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
ST=$(scripts/security-env.sh)
PORT=$(( ${SECURITY_PORT:-3200} + 2 ))
DIR="${SECURITY_DATA_DIR:-.data/security}/fuzz"
rm -rf "$DIR" && mkdir -p "$DIR"
LLM_PORT=$(( PORT + 1 ))
echo "== security: API fuzz run (schemathesis) on port $PORT"
# The language-model stand-in, as a deployment has a model: without one, an analysis or a
# generation answers 503 (documented, but a 5xx all the same), and those operations go unfuzzed.
setsid node node_modules/tsx/dist/cli.mjs tests/support/fake-llm/cli.ts --port "$LLM_PORT" >"$DIR/llm.log" 2>&1 &
LLM=$!
setsid env DQX_MODE=local DQX_LLM_BASE_URL="http://127.0.0.1:$LLM_PORT/v1" DQX_LLM_MODEL=fake-dqx-model PORT="$PORT" DQX_LOCAL_DATA_DIR="$DIR/data" DQX_STATE_DIR="$DIR/state" \
  DQX_SAMPLE_BIG_ROWS=1000 DQX_LOG_LEVEL=warn NEXT_TELEMETRY_DISABLED=1 \
  node node_modules/tsx/dist/cli.mjs scripts/serve.ts start >"$DIR/server.log" 2>&1 &
SERVER=$!
stop() {
  kill -TERM -- "-$LLM" 2>/dev/null || true
  kill -TERM -- "-$SERVER" 2>/dev/null || true
  for _ in $(seq 1 16); do kill -0 "$SERVER" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL -- "-$SERVER" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 1 180); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/health" && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$DIR/server.log"; exit 1; }
  sleep 1
done
"$ST" --config-file tests/security/schemathesis.toml run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --phases examples,coverage,fuzzing \
  --max-examples "${FUZZ_MAX_EXAMPLES:-40}" \
  --seed "${FUZZ_SEED:-20261207}" \
  --workers 1 \
  --request-timeout 60 \
  --no-color

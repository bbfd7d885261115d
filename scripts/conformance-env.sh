#!/usr/bin/env bash
# Creates (once) the Python virtual environment of the conformance suite in tests/conformance/.venv
# and prints its python path. Needs python3 >= 3.10 and Java 17 (for local Spark).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=tests/conformance/.venv
REQ=tests/conformance/requirements.txt
LOCK=tests/conformance/requirements.lock.txt
STAMP="$VENV/.installed-$(cat "$REQ" "$LOCK" | sha256sum | cut -c1-16)"
PY="${PYTHON:-python3}"
if [ ! -f "$STAMP" ]; then
  echo "conformance: creating $VENV (pyspark + databricks-labs-dqx, a few minutes the first time)" >&2
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  LOG=$(mktemp)
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ" -c "$LOCK" >"$LOG" 2>&1; then
    cat "$LOG" >&2
    rm -f "$LOG"
    exit 1
  fi
  rm -f "$LOG"
  touch "$STAMP"
fi
if ! command -v java >/dev/null 2>&1; then
  echo "conformance: Java 17 is required for local Spark (install openjdk-17-jre-headless)" >&2
  exit 1
fi
echo "$VENV/bin/python"

#!/usr/bin/env bash
# Creates (once) the Python virtual environment of the API fuzz run (schemathesis, pinned in
# tests/security/requirements*.txt) in tests/security/.venv and prints the path of its `st`.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=tests/security/.venv
REQ=tests/security/requirements.txt
LOCK=tests/security/requirements.lock.txt
STAMP="$VENV/.installed-$(cat "$REQ" "$LOCK" | sha256sum | cut -c1-16)"
PY="${PYTHON:-python3}"
if [ ! -f "$STAMP" ]; then
  echo "security: creating $VENV (schemathesis)" >&2
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
echo "$VENV/bin/st"

#!/usr/bin/env bash
# Creates (once) a pinned Python virtual environment and prints its folder.
#   scripts/python-env.sh <folder> <label> <what it installs>
# <folder> holds requirements.txt (exact pins) and requirements.lock.txt (the full resolved set,
# installed as constraints), and optionally requirements.nodeps.txt (exact pins installed afterwards
# with --no-deps, for a package whose declared bounds would hold back a pin of requirements.txt);
# the environment is <folder>/.venv, made again whenever one of these files changes. Needs
# python3 >= 3.10 (or $PYTHON).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:?usage: scripts/python-env.sh <folder> <label> <what>}
LABEL=${2:-python}
WHAT=${3:-}
VENV="$DIR/.venv"
REQ="$DIR/requirements.txt"
LOCK="$DIR/requirements.lock.txt"
NODEPS="$DIR/requirements.nodeps.txt"
[ -f "$NODEPS" ] || NODEPS=""
STAMP="$VENV/.installed-$(cat "$REQ" "$LOCK" ${NODEPS:+"$NODEPS"} | sha256sum | cut -c1-16)"
PY="${PYTHON:-python3}"
if [ ! -f "$STAMP" ]; then
  echo "$LABEL: creating $VENV${WHAT:+ ($WHAT)}" >&2
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  LOG=$(mktemp)
  if ! { "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ" -c "$LOCK" &&
    { [ -z "$NODEPS" ] || "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$NODEPS"; }; } >"$LOG" 2>&1; then
    cat "$LOG" >&2
    rm -f "$LOG"
    exit 1
  fi
  rm -f "$LOG"
  touch "$STAMP"
fi
echo "$VENV"

#!/usr/bin/env bash
# Creates (once) the Python virtual environment of the API fuzz run (schemathesis, pinned in
# tests/security/requirements*.txt) in tests/security/.venv and prints the path of its `st`.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=$(scripts/python-env.sh tests/security security schemathesis)
echo "$VENV/bin/st"

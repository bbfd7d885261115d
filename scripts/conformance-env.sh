#!/usr/bin/env bash
# Creates (once) the Python virtual environment of the conformance suite in tests/conformance/.venv
# (real DQX on local Spark, pinned in tests/conformance/requirements*.txt) and prints its python
# path. Needs python3 >= 3.10 and Java 17 (for local Spark).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=$(scripts/python-env.sh tests/conformance conformance "pyspark + databricks-labs-dqx, a few minutes the first time")
if ! command -v java >/dev/null 2>&1; then
  echo "conformance: Java 17 is required for local Spark (install openjdk-17-jre-headless)" >&2
  exit 1
fi
echo "$VENV/bin/python"

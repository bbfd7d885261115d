#!/usr/bin/env bash
# Runs the Python side of the conformance suite: every vector through real DQX on local Spark, and
# our databricks-dialect SQL on the same Spark session.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBIN=$(scripts/conformance-env.sh)
exec "$PYBIN" -m pytest tests/conformance -q "$@"

#!/usr/bin/env bash
# Regenerates the inputs of the profiler conformance vectors and records DQX's outputs into them
# (real DQX on local Spark, full data). Run after changing make_profiler_vectors.py, or with vector names to
# re-record only those. Needs the conformance environment (scripts/conformance-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBIN=$(scripts/conformance-env.sh)
PYBIN="$PWD/$PYBIN"
cd tests/conformance/profiler
"$PYBIN" make_profiler_vectors.py
exec "$PYBIN" record.py "$@"

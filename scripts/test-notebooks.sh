#!/usr/bin/env bash
# Runs the pytest suite of the Databricks notebooks (notebooks/tests): the dqx_jobs package and the
# notebook sources on local Spark with the real DQX library, every output validated against the job
# contract's JSON Schema, plus the warehouse adapter's statements executed on the same Spark.
# Reuses the conformance suite's Python environment (scripts/conformance-env.sh).
#   DQX_RECORD_FIXTURES=1 scripts/test-notebooks.sh   re-records tests/fixtures/jobs/*.json
set -euo pipefail
cd "$(dirname "$0")/.."
PYBIN=$(scripts/conformance-env.sh)
exec "$PYBIN" -m pytest notebooks/tests -q -p no:cacheprovider "$@"

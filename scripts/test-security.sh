#!/usr/bin/env bash
# npm run test:security: the hostile-input suite (tests/security, SQL payloads included) against the
# production build, then a bounded API fuzz run (scripts/fuzz-api.sh). The build is made here only
# when there is none: CI runs this after the end-to-end tests, which build, so it is not built twice.
# Arguments go to vitest (a file or -t pattern); SECURITY_FUZZ=0 skips the fuzz run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .next/BUILD_ID ]; then
  echo "== security: no production build yet: npx next build"
  npx next build
fi
echo "== security: hostile-input suite (vitest, tests/security)"
npx vitest run --config tests/security/vitest.config.ts "$@"
if [ "${SECURITY_FUZZ:-1}" != "0" ]; then
  bash scripts/fuzz-api.sh
fi

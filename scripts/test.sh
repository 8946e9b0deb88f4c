#!/usr/bin/env bash
# The test command (`npm test`): install, build, fetch the Debian images the end-to-end
# tests boot, and run every test. `npm run test:quick` leaves out the *.e2e.test.ts files.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM=(npx --yes pnpm@10.34.8)
if command -v pnpm >/dev/null && [ "$(pnpm --version 2>/dev/null)" = "10.34.8" ]; then PNPM=(pnpm); fi
"${PNPM[@]}" install --frozen-lockfile
"${PNPM[@]}" run build
if [ -f scripts/fetch-images.mjs ]; then
  node scripts/fetch-images.mjs || echo "warning: fetching images failed; the end-to-end tests that need them will say so" >&2
fi
"${PNPM[@]}" exec vitest run "$@"

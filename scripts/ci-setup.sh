#!/usr/bin/env bash
# Install the host tools the test suite uses (Debian packages) and the JavaScript
# dependencies. Safe to run more than once.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v dtc >/dev/null || need+=(device-tree-compiler)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing host packages: ${need[*]} (install them with apt-get)" >&2
    exit 1
  fi
fi
npx --yes pnpm@10.34.8 install --frozen-lockfile

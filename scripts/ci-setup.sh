#!/usr/bin/env bash
# Host packages the test suite and `pnpm fetch-images` use, from Debian. Safe to run twice.
set -euo pipefail
need=()
command -v dtc >/dev/null || need+=(device-tree-compiler)
command -v dpkg-deb >/dev/null || need+=(dpkg)
command -v cpio >/dev/null || need+=(cpio)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing host packages: ${need[*]} (install them with: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

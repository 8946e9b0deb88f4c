#!/bin/sh
# Builds the GIC guest test programs with Debian's gcc-aarch64-linux-gnu. The ELFs are
# committed, so tests run without a cross compiler.
set -e
cd "$(dirname "$0")"
CC=${CC:-aarch64-linux-gnu-gcc}
mkdir -p bin
for s in src/*.S; do
  n=$(basename "$s" .S)
  $CC -nostdlib -nostartfiles -static -Wl,--build-id=none -Wl,-N -Wl,-Ttext=0x40000000 -e _start -o "bin/$n.elf" "$s"
done

#!/bin/sh
# Builds the virtio guest programs with Debian's gcc-riscv64-unknown-elf. The ELFs are
# committed, so the tests run without a cross compiler.
set -e
cd "$(dirname "$0")"
CC=${CC:-riscv64-unknown-elf-gcc}
mkdir -p bin
for c in src/*.c; do
  n=$(basename "$c" .c)
  $CC -march=rv64gc -mabi=lp64d -O2 -nostdlib -nostartfiles -static -ffreestanding -fno-builtin \
    -mcmodel=medany -Wl,--no-warn-rwx-segments -T src/link.ld -o "bin/$n.elf" src/crt.S "$c"
done

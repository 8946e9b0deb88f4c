#!/bin/sh
# Builds the guest test programs with Debian's gcc-riscv64-unknown-elf. The ELFs are committed,
# so tests run without a cross compiler.
set -e
cd "$(dirname "$0")"
CC=${CC:-riscv64-unknown-elf-gcc}
mkdir -p bin
for s in src/*.S; do
  n=$(basename "$s" .S)
  [ "$n" = crt ] && continue
  $CC -march=rv64gc -Wa,-march=rv64gch_zba_zbb_zbs -mabi=lp64d -nostdlib -nostartfiles -static -Isrc -T src/link.ld -o "bin/$n.elf" "$s"
done
for c in src/*.c; do
  [ -e "$c" ] || continue
  n=$(basename "$c" .c)
  $CC -march=rv64gc -mabi=lp64d -O2 -nostdlib -nostartfiles -static -ffreestanding -mcmodel=medany -Isrc -T src/link.ld -DITER=1000 -o "bin/$n.elf" src/crt.S "$c"
done
# The benchmark's start-up baseline: the same program with no work, for QEMU's start-up time.
$CC -march=rv64gc -mabi=lp64d -O2 -nostdlib -nostartfiles -static -ffreestanding -mcmodel=medany -Isrc -T src/link.ld -DITER=0 -o bin/mips-empty.elf src/crt.S src/mips.c

#!/bin/sh
# Builds the partition guests with Debian's gcc-riscv64-unknown-elf. The ELFs in bin/ are
# committed so tests run without a cross compiler. Objects are named explicitly so the
# output does not depend on temporary file names.
set -e
cd "$(dirname "$0")"
CC=${CC:-riscv64-unknown-elf-gcc}
mkdir -p obj bin
for p in hello scan smp suspend stride; do
  $CC -march=rv64imac_zicsr -mabi=lp64 -c -o obj/$p.o $p.S
  $CC -march=rv64imac_zicsr -mabi=lp64 -nostdlib -nostartfiles -static -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T link.ld -o bin/$p.elf obj/$p.o
done
rm -rf obj

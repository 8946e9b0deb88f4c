#!/bin/sh
# Build the bare-metal RISC-V vector generator and run it on QEMU (virt, rv64 + Zfh); writes
# vectors-riscv.txt.gz next to this script. Needs gcc-riscv64-unknown-elf and qemu-system-misc.
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
riscv64-unknown-elf-gcc -O1 -ffreestanding -nostdlib -nostartfiles -static -mcmodel=medany \
  -march=rv64gc_zfh -mabi=lp64d -Wl,--no-warn-rwx-segments -T link.ld -o "$tmp/riscv.elf" start.S riscv.c
timeout 600 qemu-system-riscv64 -M virt -cpu rv64,Zfh=true -bios none -nographic -monitor none \
  -serial stdio -kernel "$tmp/riscv.elf" > "$tmp/out.txt"
grep -q '^done' "$tmp/out.txt"
grep -v '^done' "$tmp/out.txt" | tr -d '\r' | gzip -9 > vectors-riscv.txt.gz
echo "$(zcat vectors-riscv.txt.gz | wc -l) vectors"

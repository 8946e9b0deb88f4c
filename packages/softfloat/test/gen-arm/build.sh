#!/bin/sh
# Build the bare-metal Arm vector generator and run it on QEMU (virt, `max` CPU); writes
# vectors-arm.txt.gz next to this script. Needs gcc-aarch64-linux-gnu and qemu-system-arm.
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
aarch64-linux-gnu-gcc -O1 -ffreestanding -nostdlib -nostartfiles -static -fno-pic -mgeneral-regs-only \
  -march=armv8.2-a+fp16 -T link.ld -o "$tmp/arm.elf" start.S arm.c 2>/dev/null || \
aarch64-linux-gnu-gcc -O1 -ffreestanding -nostdlib -nostartfiles -static -fno-pic \
  -march=armv8.2-a+fp16 -T link.ld -o "$tmp/arm.elf" start.S arm.c
timeout 600 qemu-system-aarch64 -M virt -cpu max -nographic -monitor none -serial stdio \
  -kernel "$tmp/arm.elf" > "$tmp/out.txt"
grep -q '^done' "$tmp/out.txt"
grep -v '^done' "$tmp/out.txt" | tr -d '\r' | gzip -9 > vectors-arm.txt.gz
echo "$(zcat vectors-arm.txt.gz | wc -l) vectors"

#!/bin/sh
# Build the guest programs (needs Debian's gcc-aarch64-linux-gnu). The ELFs are committed so
# tests run without a cross compiler.
set -e
cd "$(dirname "$0")"
CC=${CC:-aarch64-linux-gnu-gcc}
LDFLAGS="-nostdlib -nostartfiles -static -march=armv8-a -Wl,--build-id=none -Wl,-N -Wl,--no-warn-rwx-segments"
for s in alu exceptions mmu timer; do
	[ -f "$s.S" ] && $CC $LDFLAGS -Wl,-Ttext=0x40000000 -o "$s.elf" "$s.S"
done
# FP/AdvSIMD: fpsimd.expected is this program's output on QEMU's cortex-a57
# (qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -kernel fpsimd.elf > fpsimd.expected).
$CC $LDFLAGS -march=armv8-a+crc -Wl,-Ttext=0x40080000 -o fpsimd.elf fpsimd.S
$CC -O2 -mgeneral-regs-only -ffreestanding -fno-builtin $LDFLAGS -Wl,-Ttext=0x40080000 -o bench.elf bench-start.S bench.c

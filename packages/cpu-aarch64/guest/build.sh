#!/bin/sh
# Build the guest test programs (needs Debian's gcc-aarch64-linux-gnu). The ELFs are committed.
set -e
cd "$(dirname "$0")"
CC=${CC:-aarch64-linux-gnu-gcc}
for s in *.S; do
	n=${s%.S}
	$CC -nostdlib -nostartfiles -static -march=armv8-a -Wl,--build-id=none -Wl,-Ttext=0x40000000 -Wl,-N -Wl,--no-warn-rwx-segments -o "$n.elf" "$s"
done

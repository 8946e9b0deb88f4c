#!/usr/bin/env bash
# Host packages the test suite and `pnpm fetch-images` use, from Debian. Safe to run twice.
#   dtc            device-tree round trips          cpio, dpkg-deb   initramfs and image fetching
#   mke2fs         virtio-blk disk images           gcc              softfloat reference vectors
#   gdb-multiarch  the gdb server tests             qemu-system-*    QEMU's device trees to compare with
#   tshark         pcap checks of the network tests
set -euo pipefail
need=()
command -v dtc >/dev/null || need+=(device-tree-compiler)
command -v dpkg-deb >/dev/null || need+=(dpkg)
command -v cpio >/dev/null || need+=(cpio)
command -v mke2fs >/dev/null || need+=(e2fsprogs)
command -v gcc >/dev/null || need+=(gcc)
command -v gdb-multiarch >/dev/null || need+=(gdb-multiarch)
command -v qemu-system-riscv64 >/dev/null || need+=(qemu-system-misc)
command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
command -v tshark >/dev/null || need+=(tshark)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing host packages: ${need[*]} (install them with: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

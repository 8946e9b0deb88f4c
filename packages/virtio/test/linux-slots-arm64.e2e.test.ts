/**
 * Debian's arm64 Linux on machines/aarch64-virt-virtio.yaml (issue 7): a virtio-blk disk in
 * QEMU's last virtio-mmio slot next to 31 placeholders. Linux probes every slot from the
 * device tree, binds only the disk (DeviceID 0 slots are left alone), takes its interrupt as
 * the rising-edge SPI 47 the slot node describes, and reads a file from the ext2 image.
 * Images come from `pnpm fetch-images`; without them the test skips, except under CI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, Simulation } from '@tessera/core';
import { addMachine, ext2Disk, haveAll, initramfs, linuxImages, mountHello, powerOffs, repo, runUntil } from './linux.js';

const img = linuxImages('arm64');
const ready = haveAll(img);
const E2E_TIMEOUT = 40 * 60 * 1000;

describe.skipIf(!ready)('Linux on aarch64-virt with the virtio-mmio slots', () => {
  it(
    'binds the disk in slot 31 only, with an edge-triggered SPI, and reads a file from it',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-linux-slots-'));
      const disk = ext2Disk(dir, 'hello from virtio-mmio slot 31\n');
      const initrd = await initramfs(img, path.join(dir, 'slots.cpio.gz'), ['virtio_mmio', 'virtio_blk', 'crc32c_generic', 'ext4'], [
        'echo VIRTIO-DEVICES $(ls /sys/bus/virtio/devices | wc -l)',
        'for d in /sys/bus/virtio/devices/*; do echo VIRTIO $(basename $d) device=$(cat $d/device) driver=$(basename $(readlink $d/driver)); done',
        'echo MMIO-PROBED $(ls /sys/bus/platform/drivers/virtio-mmio | grep -c virtio_mmio)',
        ...mountHello,
        'grep virtio /proc/interrupts | sed "s/^/IRQ /"',
      ]);
      const registry = new PluginRegistry();
      const sim = new Simulation();
      const m = await addMachine(sim, registry, path.join(repo, 'machines', 'aarch64-virt-virtio.yaml'), 'slots', { kernel: img.kernel, initrd, append: 'console=ttyAMA0 quiet' }, [
        `components.disk0={type: virtio-mmio-blk, base: 0x0a00_3e00, irq: "gic:79", image: ${disk}}`,
      ]);
      const offs = powerOffs(sim);
      runUntil(sim, () => offs.length > 0, E2E_TIMEOUT - 60_000, [m.port]);
      const out = m.port.captured();
      sim.dispose();
      if (process.env.TESSERA_E2E_LOG) fs.writeFileSync(process.env.TESSERA_E2E_LOG, out);
      expect(offs, out.slice(-3000)).toEqual(['slots']);
      // One virtio device (the disk, ID 2) bound to virtio_blk; the placeholders made none.
      expect(out).toContain('VIRTIO-DEVICES 1');
      expect(out).toMatch(/VIRTIO virtio0 device=0x0002 driver=virtio_blk/);
      // Linux's virtio-mmio driver probed all 32 slot nodes and kept only the disk's.
      expect(out).toContain('MMIO-PROBED 1');
      expect(out).toContain('MOUNTED');
      expect(out).toContain('hello from virtio-mmio slot 31');
      // The disk's interrupt: INTID 79 (SPI 47), rising edge, as the slot node says.
      expect(out).toMatch(/IRQ\s+\d+:\s+[1-9]\d*\s+.*\b79 Edge\s+virtio0/);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    E2E_TIMEOUT,
  );
});

/**
 * Debian's U-Boot (qemu_arm64) on machines/aarch64-virt-virtio.yaml and its GICv2 twin
 * aarch64-virt-gicv2-virtio.yaml (issue 7): a virtio-blk
 * device in QEMU's last slot (0x0a003e00, SPI 47) and a virtio-net in the one below, the
 * 30 other slots placeholders with DeviceID 0. `virtio scan` and `virtio info` show the
 * block device with its capacity, `dm tree` has exactly the two devices bound under the
 * virtio-mmio transports, and `poweroff` ends the run. Image: `pnpm fetch-images`; without
 * it the test skips, except under CI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, Simulation } from '@tessera/core';
import { addMachine, drive, need, repo } from './linux.js';

const WALL = 900_000;
const firmware = need('arm64', 'u-boot.bin');

describe('U-Boot finds virtio devices in the aarch64-virt virtio-mmio slots', () => {
  it.skipIf(firmware === undefined).each(['aarch64-virt-virtio.yaml', 'aarch64-virt-gicv2-virtio.yaml'])(
    '%s: virtio scan, virtio info and dm tree show the block device in slot 31 and the NIC in slot 30',
    async (machineFile) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-uboot-slots-'));
      const disk = path.join(dir, 'disk.img');
      fs.writeFileSync(disk, new Uint8Array(8 << 20)); // 8 MiB = 16384 sectors of 512 bytes
      const registry = new PluginRegistry();
      const sim = new Simulation();
      const m = await addMachine(sim, registry, path.join(repo, 'machines', machineFile), 'uboot', { firmware: firmware! }, [
        `components.disk0={type: virtio-mmio-blk, base: 0x0a00_3e00, irq: "gic:79", image: ${disk}}`,
        'components.net0={type: virtio-mmio-net, base: 0x0a00_3c00, irq: "gic:78"}',
      ]);
      try {
        const r = drive(
          sim,
          m.port,
          [
            { expect: /Hit any key to stop autoboot/, send: ' ' },
            { expect: /=> $/, send: 'virtio scan\r' },
            { expect: /=> $/, send: 'virtio info\r' },
            { expect: /=> $/, send: 'dm tree\r' },
            { expect: /=> $/, send: 'poweroff\r' },
          ],
          WALL,
        );
        const out = r.output;
        if (process.env.TESSERA_E2E_LOG) fs.writeFileSync(process.env.TESSERA_E2E_LOG, out);
        expect(r.reached, `stopped before step ${r.reached}; output:\n${out.slice(-3000)}`).toBe(5);
        // `poweroff` was typed last: U-Boot's PSCI SYSTEM_OFF ends the run.
        let stop = r.stop;
        for (let i = 0; stop === undefined && i < 200; i++) stop = sim.run(sim.scheduler.now() + 5_000_000)?.reason;
        expect(stop, out.slice(-1000)).toBe('poweroff');
        const info = out.slice(out.indexOf('virtio info'));
        expect(info).toMatch(/Device 0: .*VirtIO Block Device/);
        expect(info).toMatch(/Capacity: 8\.0 MB = 0\.0 GB \(16384 x 512\)/);
        // The NIC came up as U-Boot's network device.
        expect(out).toMatch(/virtio-net#\d/);
        // dm tree: one virtio_mmio transport node per slot, a driver bound in two of them.
        const tree = out.slice(out.indexOf('dm tree'));
        expect(tree.match(/virtio_mmio@a0[0-9a-f]{5}/g)?.length).toBe(32);
        expect(tree).toMatch(/virtio-blk\s.*\n?/);
        expect(tree).toMatch(/virtio-net\s/);
      } finally {
        sim.dispose();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    WALL + 60_000,
  );
});

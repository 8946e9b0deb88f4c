/**
 * virtio-mmio-slots on machines/aarch64-virt-virtio.yaml: QEMU virt's layout (32 windows of
 * 0x200 bytes from 0x0a000000, SPI 16+n), DeviceID 0 placeholders where no device sits, and
 * the device-tree nodes as QEMU writes them (compared with QEMU's own DTB when
 * qemu-system-aarch64 is installed).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSimulation, loadMachine, parseDtb, PluginRegistry, type FdtNode, type Machine, type Simulation } from '@tessera/core';
import { VIRTIO_MMIO_MAGIC, VIRTIO_MMIO_VENDOR, type VirtioMmioSlotsApi } from '../src/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const machineFile = path.join(repo, 'machines', 'aarch64-virt-virtio.yaml');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-slots-'));
const disk = path.join(tmp, 'disk.img');
fs.writeFileSync(disk, new Uint8Array(1 << 20));

async function build(sets: string[] = [], file = machineFile): Promise<{ sim: Simulation; machine: Machine }> {
  const registry = new PluginRegistry();
  const config = await loadMachine(file, { registry, sets: ['components.uart0.console=none', ...sets], cwd: repo });
  return buildSimulation(config, registry);
}

const blkInLastSlot = `components.disk0={type: virtio-mmio-blk, base: 0x0a00_3e00, irq: "gic:79", image: ${disk}}`;

/** What a slot node says, phandles aside. */
function slotNode(n: FdtNode): { reg: number[] | undefined; interrupts: number[] | undefined; compatible: string | undefined; dmaCoherent: boolean } {
  return {
    reg: n.getCells('reg'),
    interrupts: n.getCells('interrupts'),
    compatible: n.getString('compatible'),
    dmaCoherent: n.getCells('dma-coherent') !== undefined,
  };
}

describe('virtio-mmio slots on aarch64-virt', () => {
  it('32 slots from 0x0a000000, 0x200 apart, slot n on gic:48+n; empty slots read DeviceID 0', async () => {
    const { sim, machine } = await build([blkInLastSlot]);
    try {
      machine.start();
      const slots = machine.api<VirtioMmioSlotsApi>('virtio')!.slots;
      expect(slots.length).toBe(32);
      expect(slots.map((s) => s.base)).toEqual(Array.from({ length: 32 }, (_, n) => 0x0a00_0000 + 0x200 * n));
      expect(slots.map((s) => s.irq)).toEqual(Array.from({ length: 32 }, (_, n) => ({ controller: 'gic', line: 48 + n })));
      expect(slots.filter((s) => s.occupied).map((s) => s.index)).toEqual([31]);
      const reg = (base: number, off: number): number => machine.system.read(base + off, 4) >>> 0;
      for (const n of [0, 7, 30]) {
        const base = slots[n]!.base;
        expect(reg(base, 0x000)).toBe(VIRTIO_MMIO_MAGIC);
        expect(reg(base, 0x004)).toBe(2);
        expect(reg(base, 0x008)).toBe(0); // placeholder (virtio 1.2 §4.2.2)
        expect(reg(base, 0x00c)).toBe(VIRTIO_MMIO_VENDOR);
        expect(reg(base, 0x034)).toBe(0); // no queues
        // A driver writing to a placeholder changes nothing.
        machine.system.write(base + 0x070, 4, 0xf);
        expect(reg(base, 0x070)).toBe(0);
      }
      expect(reg(0x0a00_3e00, 0x008)).toBe(2); // the block device in slot 31
      // Past the last slot nothing is mapped.
      expect(machine.system.find(0x0a00_4000)).toBeUndefined();
    } finally {
      sim.dispose();
    }
  });

  it('device tree: one virtio_mmio node per slot at the root, lowest address first, the device in slot 31 described by its slot node', async () => {
    const { sim, machine } = await build([blkInLastSlot]);
    try {
      machine.start();
      const root = machine.deviceTree();
      const nodes = root.children.filter((c) => c.name.startsWith('virtio_mmio@'));
      expect(nodes.map((n) => n.name)).toEqual(Array.from({ length: 32 }, (_, n) => `virtio_mmio@${(0x0a00_0000 + 0x200 * n).toString(16)}`));
      const gic = root.children.find((c) => c.getCells('#interrupt-cells')?.[0] === 3 && c.getCells('interrupt-controller') !== undefined)!;
      nodes.forEach((node, n) => {
        expect(slotNode(node)).toEqual({ reg: [0, 0x0a00_0000 + 0x200 * n, 0, 0x200], interrupts: [0, 16 + n, 1], compatible: 'virtio,mmio', dmaCoherent: true });
        expect(node.getCells('interrupt-parent')).toEqual([gic.phandle()]);
      });
      // No second node for the block device under /soc.
      expect(root.find('soc')?.children.some((c) => c.name.startsWith('virtio_mmio@')) ?? false).toBe(false);
    } finally {
      sim.dispose();
    }
  });

  it('a device in a slot with another interrupt than the slot\'s is a clear error', async () => {
    const { sim, machine } = await build([`components.disk0={type: virtio-mmio-blk, base: 0x0a00_3e00, irq: "gic:78", image: ${disk}}`]);
    try {
      machine.start();
      expect(() => machine.deviceTree()).toThrow("disk0: it sits in the virtio-mmio slot virtio_mmio@a003e00, whose interrupt is <0 47 1>, but its irq is gic:78");
    } finally {
      sim.dispose();
    }
  });

  it.each([
    ['aarch64-virt-virtio.yaml', 3],
    ['aarch64-virt-gicv2-virtio.yaml', 2],
  ])('%s: the slot nodes are those of QEMU\'s virt machine with gic-version=%i (when qemu-system-aarch64 is installed)', async (file, gic, ctx) => {
    const qemuDtb = path.join(tmp, `qemu-virt-gic${gic}.dtb`);
    try {
      execFileSync('qemu-system-aarch64', ['-M', `virt,gic-version=${gic},dumpdtb=${qemuDtb}`, '-cpu', 'cortex-a72', '-m', '1G', '-nographic'], { stdio: 'ignore', timeout: 60_000 });
    } catch {
      if (process.env.CI) throw new Error('qemu-system-aarch64 is needed for this comparison (apt install qemu-system-arm)');
      return ctx.skip();
    }
    const qemu = parseDtb(new Uint8Array(fs.readFileSync(qemuDtb)));
    const theirs = qemu.children.filter((c) => c.name.startsWith('virtio_mmio@'));
    expect(theirs.length).toBe(32);
    const { sim, machine } = await build([], path.join(repo, 'machines', file));
    try {
      machine.start();
      const ours = machine.deviceTree().children.filter((c) => c.name.startsWith('virtio_mmio@'));
      expect(ours.map((n) => n.name)).toEqual(theirs.map((n) => n.name));
      expect(ours.map(slotNode)).toEqual(theirs.map(slotNode));
      // The interrupt parent is the GIC in both trees (QEMU's nodes inherit the root's).
      const gicOf = (root: FdtNode, n: FdtNode): string | undefined => {
        const ph = n.getCells('interrupt-parent')?.[0] ?? root.getCells('interrupt-parent')?.[0];
        return ph === undefined ? undefined : root.findByPhandle(ph)?.getStrings('compatible')?.[0];
      };
      expect(gicOf(machine.deviceTree(), ours[0]!)).toBe(gicOf(qemu, theirs[0]!));
    } finally {
      sim.dispose();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { BusStatus, Simulation, defineComponent, writeDts, type Component, type IrqInput, type Machine, type MmioAccess } from '@tessera/core';
import { spawnSync } from 'node:child_process';
import { createEcamHost, type EcamHostOptions } from './host-ecam.js';
import { pciTest, type PciTestOptions } from './test-device.js';
import type { PciFunction } from './function.js';

const ECAM = 0x3000_0000;
const WIN_CPU = 0x4000_0000;
const WIN_BUS = 0x1000_0000; // a non-identity window: bus address != CPU address
const DOORBELL = 0x0800_0000;

/** An interrupt controller that records its input levels and a doorbell that records writes. */
const recorder = defineComponent<Record<string, never>>({
  description: 'test recorder',
  schema: {},
  create(ctx): Component {
    const levels = new Map<number, boolean>();
    const writes: Array<{ value: number; master: string; masterId: number }> = [];
    ctx.system.addMmio('doorbell', DOORBELL, 0x1000, {
      read: () => 0,
      write: (_o: number, _s: number, value: number, a: MmioAccess) => writes.push({ value, master: a.master, masterId: a.masterId }),
    });
    return {
      api: {
        levels,
        writes,
        irqInput: (line: number | string): IrqInput | undefined => (typeof line === 'number' ? (l) => levels.set(line, l) : undefined),
        dtInterruptCells: (line: number | string) => [Number(line)],
      },
      deviceTree(dt) {
        const n = dt.soc.child('intc@0');
        n.flag('interrupt-controller').cells('#interrupt-cells', 1).cells('#address-cells', 0);
        dt.register(n);
      },
    };
  },
});

interface Rec {
  levels: Map<number, boolean>;
  writes: Array<{ value: number; master: string; masterId: number }>;
}

/** An MSI controller node: with `#msi-cells` = 1 like an ITS, or without like a GICv2m frame. */
const msiController = defineComponent<{ cells: number }>({
  description: 'test MSI controller',
  schema: {},
  create(_ctx, o): Component {
    return {
      deviceTree(dt) {
        const n = dt.soc.child('msi@8080000');
        n.flag('msi-controller');
        if (o.cells > 0) n.cells('#msi-cells', o.cells);
        dt.register(n);
      },
    };
  },
});

async function machine(dmaOffset = 0, msiCells?: number): Promise<{ m: Machine; rec: Rec; cfg: (dev: number, fn: number, reg: number, size?: 1 | 2 | 4, v?: number) => number }> {
  const sim = new Simulation();
  const m = sim.addMachine('pci');
  m.system.addRam('ram', 0x8000_0000, 0x10_0000);
  await m.add('intc', recorder, {});
  if (msiCells !== undefined) await m.add('msi', msiController, { cells: msiCells });
  const host: EcamHostOptions = {
    ...(msiCells !== undefined ? { 'msi-parent': 'msi' } : {}),
    ecam: { base: ECAM, size: 16 << 20 },
    windows: [
      { type: 'io', cpu: 0x3eff_0000, bus: 0, size: 0x1_0000 },
      { type: 'mem32', cpu: WIN_CPU, bus: WIN_BUS, size: 0x1000_0000 },
      { type: 'mem64', cpu: 0x1_0000_0000, bus: 0x1_0000_0000, size: 0x1_0000_0000, prefetchable: true },
    ],
    intx: [32, 33, 34, 35].map((line) => ({ controller: 'intc', line })),
    'dma-offset': dmaOffset,
  };
  await m.add('pcie', { description: '', schema: {}, create: createEcamHost }, host);
  m.start();
  const rec = m.api<Rec>('intc')!;
  const cfg = (dev: number, fn: number, reg: number, size: 1 | 2 | 4 = 4, v?: number): number => {
    const a = ECAM + ((dev << 15) | (fn << 12) | reg);
    if (v === undefined) return m.system.read(a, size);
    m.system.write(a, size, v);
    return 0;
  };
  return { m, rec, cfg };
}

async function addTest(m: Machine, name: string, o: Omit<PciTestOptions, 'bus'>): Promise<PciFunction> {
  await m.add(name, pciTest, { bus: 'pcie', ...o });
  return m.api<PciFunction>(name)!;
}

describe('ECAM host bridge', () => {
  it('enumerates functions and reads absent ones as all ones', async () => {
    const { m, cfg } = await machine();
    await addTest(m, 't0', { device: 1 });
    expect(cfg(1, 0, 0)).toBe(0x0005_1b36);
    expect(cfg(1, 0, 0x0a, 2)).toBe(0x00ff); // class: base 0x00, subclass 0xff
    expect(cfg(2, 0, 0)).toBe(0xffff_ffff);
    expect(cfg(2, 0, 0, 2)).toBe(0xffff);
    // Capability list: status bit, then PCIe, PM, MSI, MSI-X in a chain ending at 0.
    expect(cfg(1, 0, 6, 2) & 0x10).toBe(0x10);
    const ids: number[] = [];
    for (let p = cfg(1, 0, 0x34, 1); p !== 0; p = cfg(1, 0, p + 1, 1)) ids.push(cfg(1, 0, p, 1));
    expect(ids).toEqual([0x10, 0x01, 0x05, 0x11]);
  });

  it('sizes and places BARs at bus addresses behind a translated window', async () => {
    const { m, cfg } = await machine();
    await addTest(m, 't0', { device: 1 });
    cfg(1, 0, 0x10, 4, 0xffff_ffff);
    expect(cfg(1, 0, 0x10)).toBe(0xffff_f000); // 4 KiB, 32-bit, non-prefetchable
    cfg(1, 0, 0x18, 4, 0xffff_ffff);
    cfg(1, 0, 0x1c, 4, 0xffff_ffff);
    expect(cfg(1, 0, 0x18)).toBe(0xffff_c004); // 16 KiB, 64-bit
    expect(cfg(1, 0, 0x1c)).toBe(0xffff_ffff);
    cfg(1, 0, 0x10, 4, WIN_BUS + 0x2000);
    // Not decoded until Memory Space is enabled.
    m.system.read(WIN_CPU + 0x2000, 4);
    expect(m.system.status).toBe(BusStatus.Unmapped);
    cfg(1, 0, 4, 2, 0x2);
    expect(m.system.read(WIN_CPU + 0x2000, 4)).toBe(0x5445_5354);
    // The BAR holds the bus address, the CPU reaches it at the window's CPU address.
    expect(cfg(1, 0, 0x10)).toBe(WIN_BUS + 0x2000);
    cfg(1, 0, 4, 2, 0);
    m.system.read(WIN_CPU + 0x2000, 4);
    expect(m.system.status).toBe(BusStatus.Unmapped);
  });

  it('swizzles INTx by slot and keeps a shared line high until every source drops', async () => {
    const { m, rec, cfg } = await machine();
    const a = await addTest(m, 'a', { device: 1, 'msix-vectors': 0, 'msi-vectors': 0 });
    const b = await addTest(m, 'b', { device: 5, 'msix-vectors': 0, 'msi-vectors': 0 });
    // Slot 1 pin A and slot 5 pin A both land on wire (1 + 1 - 1) % 4 = 1 -> line 33.
    a.setIntx(true);
    expect(rec.levels.get(33)).toBe(true);
    expect(cfg(1, 0, 6, 2) & 0x8).toBe(0x8); // Interrupt Status
    b.setIntx(true);
    a.setIntx(false);
    expect(rec.levels.get(33)).toBe(true);
    b.setIntx(false);
    expect(rec.levels.get(33)).toBe(false);
    // INTx Disable masks the wire but not the status bit.
    cfg(1, 0, 4, 2, 0x400);
    a.setIntx(true);
    expect(rec.levels.get(33)).toBe(false);
    expect(cfg(1, 0, 6, 2) & 0x8).toBe(0x8);
    cfg(1, 0, 4, 2, 0);
    expect(rec.levels.get(33)).toBe(true);
  });

  it('delivers MSI with multiple messages and per-vector masking', async () => {
    const { m, rec, cfg } = await machine();
    const f = await addTest(m, 't0', { device: 2, 'msix-vectors': 0, 'msi-vectors': 4 });
    const cap = 0x40 + 0x3c + 8; // after PCIe (0x3c) and PM (8)
    expect(cfg(2, 0, cap, 1)).toBe(0x05);
    cfg(2, 0, cap + 4, 4, DOORBELL);
    cfg(2, 0, cap + 8, 4, 0);
    cfg(2, 0, cap + 0xc, 2, 0x40);
    cfg(2, 0, cap + 2, 2, 0x21); // enable, MME = 2 (4 messages)
    cfg(2, 0, 4, 2, 0x6); // memory + bus master
    expect(f.signal(3)).toBe(true);
    expect(rec.writes.at(-1)).toMatchObject({ value: 0x43, masterId: 0x10 });
    cfg(2, 0, cap + 0x10, 4, 0x2); // mask vector 1
    f.signal(1);
    expect(rec.writes.length).toBe(1);
    expect(cfg(2, 0, cap + 0x14) & 0x2).toBe(0x2); // pending
    cfg(2, 0, cap + 0x10, 4, 0);
    expect(rec.writes.at(-1)?.value).toBe(0x41);
    expect(cfg(2, 0, cap + 0x14) & 0x2).toBe(0);
  });

  it('delivers MSI-X from the table in a BAR, with function and vector masks and the PBA', async () => {
    const { m, rec, cfg } = await machine();
    const f = await addTest(m, 't0', { device: 3, 'msix-vectors': 4, 'msi-vectors': 0 });
    cfg(3, 0, 0x18, 4, 0x0000_0000);
    cfg(3, 0, 0x1c, 4, 0x1);
    cfg(3, 0, 4, 2, 0x6);
    const table = 0x1_0000_0000;
    m.system.write(table + 16 * 2, 4, DOORBELL);
    m.system.write(table + 16 * 2 + 4, 4, 0);
    m.system.write(table + 16 * 2 + 8, 4, 0xabc);
    const cap = 0x40 + 0x3c + 8;
    expect(cfg(3, 0, cap, 1)).toBe(0x11);
    cfg(3, 0, cap + 2, 2, 0xc000); // enable + function mask
    f.signal(2);
    expect(rec.writes.length).toBe(0);
    m.system.write(table + 16 * 2 + 12, 4, 0); // unmask the vector; the function mask still holds
    expect(rec.writes.length).toBe(0);
    expect(m.system.read(table + 0x2000, 4) & 0x4).toBe(0x4);
    cfg(3, 0, cap + 2, 2, 0x8000); // drop the function mask: the pending message goes out
    expect(rec.writes).toEqual([{ value: 0xabc, master: 't0', masterId: 0x18 }]);
    expect(m.system.read(table + 0x2000, 4) & 0x4).toBe(0);
    // Without bus mastering the message cannot be issued.
    cfg(3, 0, 4, 2, 0x2);
    f.signal(2);
    expect(rec.writes.length).toBe(1);
  });

  it('does DMA through the function view, shifted by dma-offset', async () => {
    const { m, cfg } = await machine(0x8000_0000);
    await addTest(m, 't0', { device: 1 });
    cfg(1, 0, 0x10, 4, WIN_BUS);
    cfg(1, 0, 4, 2, 0x6);
    const ram = m.system;
    ram.write(0x8000_0100, 4, 0xdead_beef);
    const reg = (o: number, v?: number) => (v === undefined ? m.system.read(WIN_CPU + o, 4) : m.system.write(WIN_CPU + o, 4, v));
    reg(0x10, 0x100); // bus address 0x100 = CPU physical 0x8000_0100
    reg(0x14, 0);
    reg(0x18, 4);
    reg(0x1c, 1);
    expect(reg(0x20)).toBe(0);
    expect(reg(0x100)).toBe(0xdead_beef);
    reg(0x10, 0x9000_0000); // outside RAM after the offset
    reg(0x1c, 1);
    expect(reg(0x20)).toBe(1);
  });

  it('survives random config reads and writes of every size at every offset', async () => {
    const { m, cfg } = await machine();
    await addTest(m, 't0', { device: 1 });
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 50_000; i++) {
      const size = ([1, 2, 4] as const)[Math.floor(rnd() * 3)]!;
      const reg = Math.floor(rnd() * 4096);
      const dev = Math.floor(rnd() * 4);
      if (rnd() < 0.5) cfg(dev, 0, reg, size);
      else cfg(dev, 0, reg, size, Math.floor(rnd() * 2 ** 32));
    }
    expect(cfg(1, 0, 0)).toBe(0x0005_1b36); // read-only identity unchanged
  });

  it('describes the bridge in the device tree with ranges and an interrupt map that dtc accepts', async () => {
    const { m } = await machine();
    await addTest(m, 't0', { device: 1 });
    const root = m.deviceTree();
    const n = root.find('soc/pcie@30000000')!;
    expect(n.getStrings('compatible')).toEqual(['pci-host-ecam-generic']);
    expect(n.getCells('bus-range')).toEqual([0, 15]);
    const ranges = n.getCells('ranges')!;
    expect(ranges.slice(7, 14)).toEqual([0x0200_0000, 0, WIN_BUS, 0, WIN_CPU, 0, 0x1000_0000]);
    const map = n.getCells('interrupt-map')!;
    expect(map.length).toBe(16 * 6);
    // slot 1, pin A -> wire 1 (line 33)
    expect(map.slice(4 * 6, 5 * 6)).toEqual([1 << 11, 0, 0, 1, map[4]!, 33]);
    if (spawnSync('dtc', ['--version']).status === 0) {
      const r = spawnSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', '/dev/null', '-'], { input: writeDts(root) });
      expect(r.status, r.stderr.toString()).toBe(0);
    }
  });

  it('names an ITS-like MSI controller (#msi-cells = 1) through msi-map, and one without cells through msi-parent', async () => {
    const its = (await machine(0, 1)).m.deviceTree();
    const a = its.find('soc/pcie@30000000')!;
    const phandle = its.find('soc/msi@8080000')!.getCells('phandle')![0];
    // Requester IDs 0..0xffff map one to one onto DeviceIDs (devicetree pci-msi binding).
    expect(a.getCells('msi-map')).toEqual([0, phandle, 0, 0x10000]);
    expect(a.props.has('msi-parent')).toBe(false);
    const v2m = (await machine(0, 0)).m.deviceTree();
    const b = v2m.find('soc/pcie@30000000')!;
    expect(b.getCells('msi-parent')).toEqual([v2m.find('soc/msi@8080000')!.getCells('phandle')![0]]);
    expect(b.props.has('msi-map')).toBe(false);
  });
});

/**
 * The debugger's view of memory (src/debug.ts): Sv39 with 4 KiB pages and superpages, and
 * two-stage translation (VS-stage Sv39 over a G-stage Sv39x4) when V=1, without side effects.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, builtinPlugin } from '@tessera/core';
import plugin, { debugTranslate, type RiscvCluster } from '../src/index.js';

const V = 1n, R = 2n, W = 4n, X = 8n, U = 16n, A = 64n, D = 128n;
const leaf = (pa: bigint, flags: bigint): bigint => ((pa >> 12n) << 10n) | flags | V;
const table = (pa: bigint): bigint => ((pa >> 12n) << 10n) | V;

async function machine() {
  const sim = new Simulation();
  const m = sim.addMachine('t');
  await m.add('ram', builtinPlugin.components.ram!, { base: 0x8000_0000, size: 16 * 1024 * 1024 });
  await m.add('cpus', plugin.components['riscv-hart']!, {});
  m.start();
  const cluster = m.api<RiscvCluster>('cpus')!;
  const w64 = (pa: bigint, v: bigint): void => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    expect(m.system.writeBytes(Number(pa), b)).toBe(true);
  };
  return { sim, m, hart: cluster.harts[0]!, target: cluster, w64 };
}

describe('debugTranslate', () => {
  it('walks Sv39 (4 KiB pages and a 2 MiB superpage) for S-mode without setting A/D', async () => {
    const { sim, m, hart, target, w64 } = await machine();
    const root = 0x8010_0000n, l1 = 0x8010_1000n, l0 = 0x8010_2000n;
    // VA 0xffff_ffc0_0000_0000 (VPN2 = 256) -> l1; its VPN1 = 0 -> l0; VPN0 = 1 -> 0x8030_0000.
    w64(root + 256n * 8n, table(l1));
    w64(l1, table(l0));
    w64(l0 + 8n, leaf(0x8030_0000n, R | W)); // A and D clear: a hardware walk would set them
    // VA 0x4000_0000 (VPN2 = 1): a 1 GiB gigapage at 0x8000_0000; VA 0x20_0000 via VPN1 = 1: 2 MiB at 0x8040_0000.
    w64(root + 1n * 8n, leaf(0x8000_0000n, R | X | A));
    w64(root, table(0x8010_3000n));
    w64(0x8010_3000n + 8n, leaf(0x8040_0000n, R | U | A));
    hart.writeCsr(0x180, (8n << 60n) | (root >> 12n)); // satp: Sv39
    hart.priv = 1;
    const bus = m.system;
    expect(debugTranslate(hart, bus, 0xffff_ffc0_0000_1234n)).toBe(0x8030_0234);
    expect(debugTranslate(hart, bus, 0x4012_3456n)).toBe(0x8012_3456);
    expect(debugTranslate(hart, bus, 0x21_2345n)).toBe(0x8041_2345);
    expect(debugTranslate(hart, bus, 0x8000_0000n)).toBeUndefined(); // VPN2 = 2: invalid
    expect(debugTranslate(hart, bus, 0x0000_0040_0000_0000n)).toBeUndefined(); // not sign-extended
    // No side effects: the leaf still has A and D clear.
    const b = new Uint8Array(8);
    bus.readBytes(Number(l0 + 8n), b);
    expect(new DataView(b.buffer).getBigUint64(0, true) & (A | D)).toBe(0n);
    // Through the DebugCore: the same bytes as physical memory.
    const core = target.cores[0]!;
    expect(core.writeMemory(0x8030_0234n, Uint8Array.of(1, 2, 3, 4), true)).toBe(true);
    expect(Array.from(core.readMemory(0xffff_ffc0_0000_1234n, 4, false)!)).toEqual([1, 2, 3, 4]);
    // M-mode: physical.
    hart.priv = 3;
    expect(debugTranslate(hart, bus, 0x8030_0234n)).toBe(0x8030_0234);
    sim.dispose();
  });

  it('walks the VS-stage and the G-stage (Sv39x4) when V=1', async () => {
    const { sim, m, hart, w64 } = await machine();
    // G-stage: guest physical 0x0 .. 1 GiB -> host 0x8000_0000 (a gigapage, U set as G-stage leaves need).
    const groot = 0x8020_0000n; // 16 KiB aligned
    w64(groot, leaf(0x8000_0000n, R | W | X | U | A | D));
    hart.writeCsr(0x680, (8n << 60n) | (groot >> 12n)); // hgatp: Sv39x4
    // VS-stage root at guest physical 0x0050_0000 (host 0x8050_0000): VA 0x1000_0000 (VPN2 = 0,
    // VPN1 = 0x80) -> guest physical 0x0060_0000 as a 2 MiB page.
    const vsroot = 0x0050_0000n;
    w64(0x8050_0000n, table(0x0051_0000n));
    w64(0x8051_0000n + 0x80n * 8n, leaf(0x0060_0000n, R | W | A | D));
    hart.writeCsr(0x280, (8n << 60n) | (vsroot >> 12n)); // vsatp
    hart.priv = 1;
    hart.virt = true;
    expect(debugTranslate(hart, m.system, 0x1001_2345n)).toBe(0x8061_2345);
    // V=0 with satp bare: physical.
    hart.virt = false;
    expect(debugTranslate(hart, m.system, 0x8061_2345n)).toBe(0x8061_2345);
    sim.dispose();
  });
});

import { Simulation, builtinPlugin } from '@tessera/core';
import plugin, { type Hart, type RiscvCluster } from '../src/index.js';

/** xorshift32: reproducible random words. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const CSRS = [0x300, 0x302, 0x303, 0x304, 0x305, 0x306, 0x30a, 0x344, 0x100, 0x104, 0x105, 0x106, 0x144, 0x14d, 0x180,
  0x600, 0x602, 0x603, 0x604, 0x605, 0x606, 0x607, 0x60a, 0x645, 0x680, 0x200, 0x204, 0x205, 0x244, 0x24d, 0x280, 0x3a0, 0x3b0, 0x3b1, 0x002];

/**
 * Execute about `instructions` random instruction words, in batches that start in a random
 * privilege mode (M, HS, U, VS, VU) with random registers and random CSR values. Returns the
 * number of traps taken. Any host exception propagates (that is the failure).
 */
export async function fuzz(instructions: number, seed = 1): Promise<{ traps: number; executed: number }> {
  const sim = new Simulation({ quantumNs: 2000 });
  const m = sim.addMachine('fuzz');
  const ram = await m.add('ram', builtinPlugin.components.ram!, { base: 0x8000_0000, size: 1 << 20 });
  await m.add('cpus', plugin.components['riscv-hart']!, { count: 1 });
  void ram;
  const hart: Hart = m.api<RiscvCluster>('cpus')!.harts[0]!;
  const mem = m.api<{ u32: Uint32Array }>('ram')!;
  const r = rng(seed);
  sim.run(0);
  const batch = 5000;
  let t = 0;
  let traps = 0;
  const before = (): number => {
    let n = 0;
    for (const g of sim.events.snapshot().values()) for (const c of g) n += c.value;
    return n;
  };
  for (let done = 0; done < instructions; done += batch) {
    // Fresh random code and data in the first 64 KiB, random state.
    for (let i = 0; i < 16384; i++) mem.u32[i] = r();
    m.api<{ noteWrite(o: number, n: number): void }>('ram')!.noteWrite(0, 65536);
    for (let i = 1; i < 32; i++) {
      const k = r() & 3;
      const v = k === 0 ? BigInt(r()) : k === 1 ? 0x8000_0000n + BigInt(r() & 0xfffff) : k === 2 ? (BigInt(r()) << 32n) | BigInt(r()) : BigInt(r() & 0xfff);
      hart.writeReg(i, v);
    }
    for (let i = 0; i < 4; i++) {
      const csr = CSRS[r() % CSRS.length]!;
      const v = (r() & 1) === 0 ? BigInt(r()) : (BigInt(r()) << 32n) | BigInt(r());
      hart.writeCsr(csr, csr === 0x305 || csr === 0x105 || csr === 0x205 ? 0x8000_0000n + BigInt(r() & 0xfffc) : v);
    }
    const mode = r() % 5;
    hart.priv = mode === 0 ? 3 : mode === 1 || mode === 3 ? 1 : 0;
    hart.virt = mode >= 3;
    hart.flushTlb();
    hart.irqCheck = true;
    hart.wfi = false;
    hart.setPc(0x8000_0000 + ((r() & 0xfffe) >>> 0));
    t += batch;
    const stop = sim.run(t);
    if (stop !== undefined) sim.scheduler.clearStop();
    // Let the test runner's worker breathe (its RPC times out if the event loop is blocked).
    if ((done / batch) % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  traps = before();
  return { traps, executed: hart.retired };
}

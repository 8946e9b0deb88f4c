/** Guest misprogramming never throws out of the GIC models: random register traffic. */
import { describe, expect, it } from 'vitest';
import gicPlugin, { SYSREG, ichLrEncoding, type GicV3ComponentApi } from '../src/index.js';
import { accessCtx, rig } from './helpers.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe('robustness', () => {
  it('GICv2: random accesses to every frame from every CPU', async () => {
    const frames = [
      [0x0800_0000, 0x1000],
      [0x0801_0000, 0x2000],
      [0x0803_0000, 0x1000],
      [0x0804_0000, 0x2000],
    ] as const;
    const r = await rig(4, (m) => m.add('gic', gicPlugin.components.gicv2!, { gicd: frames[0][0], gicc: frames[1][0], gich: frames[2][0], gicv: frames[3][0], cpus: 'cpus' }));
    const rnd = prng(1);
    const sizes = [1, 2, 4] as const;
    expect(() => {
      for (let i = 0; i < 40000; i++) {
        const [base, size] = frames[Math.floor(rnd() * 4)]!;
        const sz = sizes[Math.floor(rnd() * 3)]!;
        const off = Math.floor((rnd() * size) / sz) * sz;
        const cpu = Math.floor(rnd() * 5) - 1; // -1: a DMA master
        const v = Math.floor(rnd() * 2 ** 32);
        if (rnd() < 0.5) r.wr(base + off, v, cpu, sz);
        else r.rd(base + off, cpu, sz);
      }
    }).not.toThrow();
  });

  it('GICv3 + ITS: random MMIO, random system-register accesses and random ITS commands', async () => {
    const D = 0x0800_0000;
    const R = 0x080a_0000;
    const ITS = 0x0808_0000;
    const r = await rig(2, (m) => m.add('gic', gicPlugin.components.gicv3!, { gicd: D, gicr: R, cpus: 'cpus', its: { base: ITS } }));
    const gic = r.machine.api<GicV3ComponentApi>('gic')!;
    const rnd = prng(7);
    const sys = r.machine.system;
    // Put the command queue and tables in RAM so random commands get executed.
    const RAM = 0x4000_0000;
    r.wr(ITS + 0x80, RAM | 3);
    r.wr(ITS + 0x84, 1 << 31);
    r.wr(ITS + 0x100, (RAM + 0x10000) | 1);
    r.wr(ITS + 0x104, (r.rd(ITS + 0x104) & 0x071f0000) | (1 << 31));
    r.wr(ITS + 0x108, RAM + 0x20000);
    r.wr(ITS + 0x10c, (r.rd(ITS + 0x10c) & 0x071f0000) | (1 << 31));
    r.wr(ITS, 1);
    for (let c = 0; c < 2; c++) {
      r.wr(R + c * 0x20000 + 0x70, (RAM + 0x40000) | 15);
      r.wr(R + c * 0x20000 + 0x78, RAM + 0x60000);
      r.wr(R + c * 0x20000, 1);
    }
    const encs = [...Object.values(SYSREG), ...Array.from({ length: 16 }, (_, n) => ichLrEncoding(n)), SYSREG.ICC_AP1R0_EL1 + 3, SYSREG.ICH_AP0R0_EL2 + 2];
    const frames = [
      [D, 0x10000],
      [R, 0x40000],
      [ITS, 0x20000],
    ] as const;
    let wp = 0;
    expect(() => {
      for (let i = 0; i < 40000; i++) {
        const k = rnd();
        if (k < 0.4) {
          const [base, size] = frames[Math.floor(rnd() * 3)]!;
          const off = Math.floor((rnd() * size) / 4) * 4;
          // Avoid re-pointing the ITS tables so commands keep landing in RAM.
          if (base === ITS && off >= 0x80 && off < 0x140 && off !== 0x88) continue;
          if (rnd() < 0.5) r.wr(base + off, Math.floor(rnd() * 2 ** 32), Math.floor(rnd() * 2));
          else r.rd(base + off, Math.floor(rnd() * 2));
        } else if (k < 0.8) {
          const enc = encs[Math.floor(rnd() * encs.length)]!;
          const ctx = accessCtx({ el: Math.floor(rnd() * 4) as 0 | 1 | 2 | 3, hcr: Math.floor(rnd() * 32), scr: Math.floor(rnd() * 8), haveEL3: rnd() < 0.3 });
          const ci = gic.cpuInterface(Math.floor(rnd() * 2));
          if (rnd() < 0.5) ci.sysregRead(enc, ctx);
          else ci.sysregWrite(enc, BigInt.asUintN(64, BigInt(Math.floor(rnd() * 2 ** 32)) * BigInt(Math.floor(rnd() * 2 ** 32))), ctx);
        } else if (k < 0.95) {
          // A random command (mostly valid opcodes with random operands).
          const slot = wp;
          wp = (wp + 1) % 512;
          const ops = [1, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, Math.floor(rnd() * 256)];
          const op = ops[Math.floor(rnd() * ops.length)]!;
          sys.write64(RAM + slot * 32, BigInt(op) | (BigInt(Math.floor(rnd() * 64)) << 32n));
          sys.write64(RAM + slot * 32 + 8, BigInt(Math.floor(rnd() * 16)) | (BigInt(8192 + Math.floor(rnd() * 70000)) << 32n));
          sys.write64(RAM + slot * 32 + 16, (rnd() < 0.8 ? 1n << 63n : 0n) | BigInt(Math.floor(rnd() * 4)) | (BigInt(Math.floor(rnd() * 3)) << 16n) | (BigInt(RAM + 0x100000 + Math.floor(rnd() * 0x1000) * 256)));
          r.wr(ITS + 0x88, ((slot + 1) % 512) * 32);
        } else {
          sys.setMaster('dev', Math.floor(rnd() * 64) - 1);
          sys.write(ITS + 0x10040, 4, Math.floor(rnd() * 20));
        }
      }
    }).not.toThrow();
    expect(r.errors().length).toBeGreaterThan(0);
  });
});

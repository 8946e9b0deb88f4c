import { describe, expect, it } from 'vitest';
import { Simulation, type MmioAccess } from '@tessera/core';
import { SifiveTest } from './sifive-test.js';
import { resetVector, FW_DYNAMIC_INFO_MAGIC } from './boot.js';

const a: MmioAccess = { master: 't', masterId: 0, fault() {} };

function finisher() {
  const sim = new Simulation();
  const m = sim.addMachine('m');
  const dev = new SifiveTest(m, 'test', sim.events);
  return { sim, m, dev };
}

describe('sifive-test', () => {
  it('0x5555 powers off with exit code 0', () => {
    const { sim, dev } = finisher();
    dev.write(0, 4, 0x5555, a);
    expect(sim.scheduler.stopped).toMatchObject({ reason: 'poweroff', exitCode: 0 });
  });

  it('0x3333 | code << 16 powers off with the code', () => {
    const { sim, dev } = finisher();
    dev.write(0, 4, 0x3333 | (42 << 16), a);
    expect(sim.scheduler.stopped).toMatchObject({ reason: 'poweroff', exitCode: 42 });
  });

  it('a failure with code 0 still exits non-zero', () => {
    const { sim, dev } = finisher();
    dev.write(0, 4, 0x3333, a);
    expect(sim.scheduler.stopped?.exitCode).toBe(1);
  });

  it('0x7777 requests a reset', () => {
    const { sim, m, dev } = finisher();
    dev.write(0, 4, 0x7777, a);
    expect(sim.scheduler.stopped?.reason).toBe('reset');
    expect(m.resetPending).toBe(true);
  });

  it('other values and sizes are ignored; reads return 0', () => {
    const { sim, dev } = finisher();
    dev.write(0, 4, 0x1234, a);
    dev.write(0, 2, 0x5555, a);
    dev.write(4, 4, 0x5555, a);
    expect(sim.scheduler.stopped).toBeUndefined();
    expect(dev.read(0, 4, a)).toBe(0);
  });
});

describe('boot ROM', () => {
  it('holds QEMU virt reset vector, entry, DTB address and fw_dynamic_info', () => {
    const rom = resetVector(0x80000000, 0x9fe00000, { nextAddr: 0x80200000, nextMode: 1, bootHart: -1n });
    const dv = new DataView(rom.buffer);
    // auipc t0,0; addi a2,t0,40; csrr a0,mhartid; ld a1,32(t0); ld t0,24(t0); jr t0
    expect([0, 4, 8, 12, 16, 20].map((o) => dv.getUint32(o, true))).toEqual([0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067]);
    expect(dv.getBigUint64(24, true)).toBe(0x80000000n);
    expect(dv.getBigUint64(32, true)).toBe(0x9fe00000n);
    expect(dv.getBigUint64(40, true)).toBe(BigInt(FW_DYNAMIC_INFO_MAGIC));
    expect(dv.getBigUint64(48, true)).toBe(2n);
    expect(dv.getBigUint64(56, true)).toBe(0x80200000n);
    expect(dv.getBigUint64(64, true)).toBe(1n);
    expect(dv.getBigUint64(80, true)).toBe(0xffffffffffffffffn);
  });
});

import { describe, expect, it } from 'vitest';
import { Simulation, type MmioAccess } from '@tessera/core';
import { SifiveTest } from './sifive-test.js';
import { resetVector, planBoot, FW_DYNAMIC_INFO_MAGIC } from './boot.js';
import { AddressSpace } from '@tessera/core';

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

describe('boot placement (QEMU virt rules)', () => {
  const space = new AddressSpace('sys');
  const ram = space.addRam('ram', 0x80000000, 512 * 1024 * 1024);
  const files: Record<string, Uint8Array> = {
    '/fw_dynamic.bin': new Uint8Array(0x1000).fill(0x13),
    '/u-boot.bin': new Uint8Array(0x2000).fill(0x17),
    '/initrd': new Uint8Array(0x3000).fill(0x55),
  };
  const read = (p: string) => files[p]!;

  it('firmware at the RAM base, kernel at +2 MiB, initrd at kernel + 128 MiB, DTB 2 MiB-aligned at the top', () => {
    const plan = planBoot({ boot: { firmware: '/fw_dynamic.bin', kernel: '/u-boot.bin', initrd: '/initrd' }, ram, read });
    expect(plan.firmwareKind).toBe('dynamic');
    expect(plan.entry).toBe(0x80000000);
    expect(plan.nextAddr).toBe(0x80200000);
    expect(plan.initrd).toEqual({ start: 0x88200000, end: 0x88203000 });
    expect(plan.dtbAddr).toBe(0x9fe00000);
    plan.load(space, new Uint8Array([0xd0, 0x0d, 0xfe, 0xed]));
    expect(space.read(0x80000000, 4)).toBe(0x13131313);
    expect(space.read(0x80200000, 4)).toBe(0x17171717);
    expect(space.read(0x88200000, 4)).toBe(0x55555555);
    expect(space.read(0x9fe00000, 4)).toBe(0xedfe0dd0);
  });

  it('without firmware the kernel is entered directly at the RAM base; fw_jump is not dynamic', () => {
    expect(planBoot({ boot: { kernel: '/u-boot.bin' }, ram, read }).entry).toBe(0x80000000);
    expect(planBoot({ boot: { firmware: '/fw_dynamic.bin' }, ram, read, firmwareKind: 'jump' }).firmwareKind).toBe('jump');
  });
});

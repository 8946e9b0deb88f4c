import { describe, expect, it } from 'vitest';
import { IrqLine, Scheduler, type MmioAccess } from '@tessera/core';
import { AclintMtimerDevice, AclintSwiDevice, Clint, MTimer, SoftwareInterrupts } from './clint.js';

function access(): MmioAccess & { faulted: boolean } {
  const a = { master: 'test', masterId: 0, faulted: false, fault() { a.faulted = true; } };
  return a;
}

function setup(harts = 2, freq = 10_000_000) {
  const s = new Scheduler();
  const msip = Array.from({ length: harts }, (_, i) => new IrqLine(`msip${i}`));
  const mtip = Array.from({ length: harts }, (_, i) => new IrqLine(`mtip${i}`));
  const timer = new MTimer(s, freq, mtip);
  const c = new Clint(timer, new SoftwareInterrupts(msip));
  c.reset();
  return { s, msip, mtip, timer, c, a: access() };
}

describe('clint', () => {
  it('msip bit 0 drives the hart software interrupt; other bits read 0', () => {
    const { c, msip, a } = setup();
    c.write(4, 4, 0xffffffff, a);
    expect(msip[1]!.level).toBe(true);
    expect(msip[0]!.level).toBe(false);
    expect(c.read(4, 4, a)).toBe(1);
    c.write(4, 4, 0, a);
    expect(msip[1]!.level).toBe(false);
  });

  it('mtime = floor(now * f / 1e9) from virtual time, in 64- and 32-bit reads', () => {
    const { s, c, a } = setup();
    s.advance(1234567);
    expect(c.read64(0xbff8, a)).toBe(12345n);
    expect(c.read(0xbff8, 4, a)).toBe(12345);
    expect(c.read(0xbffc, 4, a)).toBe(0);
  });

  it('mtime writes shift an offset and keep counting', () => {
    const { s, c, a } = setup();
    s.advance(1000);
    c.write64(0xbff8, 0x1_0000_0000n, a);
    expect(c.read64(0xbff8, a)).toBe(0x1_0000_0000n);
    s.advance(2000);
    expect(c.read64(0xbff8, a)).toBe(0x1_0000_000an);
    c.write(0xbff8, 4, 5, a); // low half only
    expect(c.read64(0xbff8, a)).toBe(0x1_0000_0005n);
  });

  it('MTIP rises exactly when mtime reaches mtimecmp, by a timer (no polling)', () => {
    const { s, c, mtip, a } = setup();
    expect(mtip[0]!.level).toBe(false); // mtimecmp resets to all-ones
    c.write64(0x4000, 100n, a); // 100 ticks at 10 MHz = 10 µs
    expect(mtip[0]!.level).toBe(false);
    expect(s.nextEventTime()).toBe(10_000);
    s.advance(9_999);
    expect(mtip[0]!.level).toBe(false);
    s.advance(10_000);
    expect(mtip[0]!.level).toBe(true);
    expect(mtip[1]!.level).toBe(false);
    // Writing a future compare value lowers it again.
    c.write64(0x4000, 200n, a);
    expect(mtip[0]!.level).toBe(false);
  });

  it('mtimecmp in the past raises MTIP at once; 32-bit halves compose', () => {
    const { s, c, mtip, a } = setup();
    s.advance(50_000);
    c.write(0x4008 + 4, 4, 0, a); // hart 1 high half
    c.write(0x4008, 4, 10, a);
    expect(mtip[1]!.level).toBe(true);
    expect(c.read(0x4008, 4, a)).toBe(10);
    expect(c.read(0x400c, 4, a)).toBe(0);
  });

  it('non-integer ratios round the deadline up to the first ns where mtime >= mtimecmp', () => {
    const { s, timer, mtip } = setup(1, 3_000_000);
    timer.setMtimecmp(0, 1n); // 1 tick at 3 MHz = 333.33 ns
    expect(s.nextEventTime()).toBe(334);
    s.advance(333);
    expect(mtip[0]!.level).toBe(false);
    s.advance(334);
    expect(mtip[0]!.level).toBe(true);
  });

  it('moving mtime backwards re-arms the timer', () => {
    const { s, c, mtip, a } = setup();
    c.write64(0x4000, 10n, a);
    s.advance(1000);
    expect(mtip[0]!.level).toBe(true);
    c.write64(0xbff8, 0n, a);
    expect(mtip[0]!.level).toBe(false);
    s.advance(2000);
    expect(mtip[0]!.level).toBe(true);
  });

  it('misaligned and narrow accesses fault', () => {
    const { c, a } = setup();
    c.read(0xbff8, 2, a);
    expect(a.faulted).toBe(true);
  });
});

describe('aclint', () => {
  it('MTIMER: mtimecmp at 0, mtime at 0x7ff8', () => {
    const s = new Scheduler();
    const mtip = [new IrqLine('m0')];
    const timer = new MTimer(s, 10_000_000, mtip);
    timer.reset();
    const d = new AclintMtimerDevice(timer);
    const a = access();
    s.advance(500);
    expect(d.read64(0x7ff8, a)).toBe(5n);
    d.write64(0, 6n, a);
    expect(mtip[0]!.level).toBe(false);
    s.advance(600);
    expect(mtip[0]!.level).toBe(true);
  });

  it('SSWI: SETSSIP pulses the line and reads 0', () => {
    const line = new IrqLine('ssip');
    const swi = new SoftwareInterrupts([line], true);
    const d = new AclintSwiDevice(swi);
    const a = access();
    d.write(0, 4, 1, a);
    expect(line.raised).toBe(1);
    expect(line.level).toBe(false);
    expect(d.read(0, 4, a)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { IrqLine, type MmioAccess } from '@tessera/core';
import { Plic } from './plic.js';

function access(): MmioAccess & { faulted: boolean } {
  const a = { master: 'test', masterId: 0, faulted: false, fault() { a.faulted = true; } };
  return a;
}

function setup(ndev = 95, nctx = 4) {
  const outs = Array.from({ length: nctx }, (_, i) => new IrqLine(`ctx${i}`));
  const p = new Plic({ ndev, priorityBits: 3, contexts: outs });
  p.reset();
  const a = access();
  const rd = (off: number) => p.read(off, 4, a);
  const wr = (off: number, v: number) => p.write(off, 4, v, a);
  const enable = (ctx: number, id: number) => wr(0x2000 + 0x80 * ctx + 4 * (id >>> 5), rd(0x2000 + 0x80 * ctx + 4 * (id >>> 5)) | (1 << (id & 31)));
  const claim = (ctx: number) => rd(0x200004 + 0x1000 * ctx);
  const complete = (ctx: number, id: number) => wr(0x200004 + 0x1000 * ctx, id);
  return { p, outs, rd, wr, enable, claim, complete, a };
}

describe('plic', () => {
  it('priority registers are WARL with priority-bits bits; source 0 is hardwired to 0', () => {
    const { rd, wr } = setup();
    wr(4 * 10, 0xffffffff);
    expect(rd(4 * 10)).toBe(7);
    wr(0, 5);
    expect(rd(0)).toBe(0);
    wr(4 * 96, 5); // beyond ndev
    expect(rd(4 * 96)).toBe(0);
  });

  it('a level source becomes pending; pending bits are read-only', () => {
    const { p, rd, wr } = setup();
    p.irqInput(10)!(true);
    expect(rd(0x1000) >>> 0).toBe(1 << 10);
    wr(0x1000, 0);
    expect(rd(0x1000) >>> 0).toBe(1 << 10);
    expect(p.irqInput(0)).toBeUndefined();
    expect(p.irqInput(96)).toBeUndefined();
    expect(p.irqInput('95')).toBeDefined();
  });

  it('enable bit 0 and bits beyond ndev are hardwired to 0', () => {
    const { rd, wr } = setup(40);
    wr(0x2000, 0xffffffff);
    expect(rd(0x2000) >>> 0).toBe(0xfffffffe);
    wr(0x2004, 0xffffffff);
    expect(rd(0x2004) >>> 0).toBe(0x1ff); // sources 32..40
  });

  it('context output follows pending & enabled & priority > threshold', () => {
    const { p, outs, wr, enable } = setup();
    p.irqInput(10)!(true);
    expect(outs[1]!.level).toBe(false); // priority 0: never
    wr(4 * 10, 3);
    expect(outs[1]!.level).toBe(false); // not enabled
    enable(1, 10);
    expect(outs[1]!.level).toBe(true);
    expect(outs[0]!.level).toBe(false);
    wr(0x201000, 3); // threshold of context 1 = priority: masked
    expect(outs[1]!.level).toBe(false);
    wr(0x201000, 2);
    expect(outs[1]!.level).toBe(true);
  });

  it('claim returns the highest priority, ties to the lowest ID, 0 when none', () => {
    const { p, wr, enable, claim } = setup();
    for (const id of [5, 7, 40]) {
      enable(0, id);
      p.irqInput(id)!(true);
    }
    wr(4 * 5, 2);
    wr(4 * 7, 6);
    wr(4 * 40, 6);
    expect(claim(0)).toBe(7);
    expect(claim(0)).toBe(40);
    expect(claim(0)).toBe(5);
    expect(claim(0)).toBe(0);
  });

  it('claim ignores sources at or below the threshold', () => {
    const { p, wr, enable, claim } = setup();
    enable(0, 3);
    wr(4 * 3, 1);
    p.irqInput(3)!(true);
    wr(0x200000, 1);
    expect(claim(0)).toBe(0);
    wr(0x200000, 0);
    expect(claim(0)).toBe(3);
  });

  it('gateway: pending once until claimed; re-pends after complete while the line is high', () => {
    const { p, outs, rd, wr, enable, claim, complete } = setup();
    wr(4 * 10, 1);
    enable(1, 10);
    const line = p.irqInput(10)!;
    line(true);
    expect(claim(1)).toBe(10);
    expect(outs[1]!.level).toBe(false);
    expect(rd(0x1000)).toBe(0);
    // Still high while in flight: no new request until completion.
    line(false);
    line(true);
    expect(rd(0x1000)).toBe(0);
    complete(1, 10);
    expect(rd(0x1000) >>> 0).toBe(1 << 10);
    expect(outs[1]!.level).toBe(true);
    expect(claim(1)).toBe(10);
    line(false);
    complete(1, 10);
    expect(rd(0x1000)).toBe(0);
    expect(outs[1]!.level).toBe(false);
  });

  it('a pulse while idle is latched until claimed', () => {
    const { p, outs, wr, enable, claim } = setup();
    wr(4 * 2, 1);
    enable(0, 2);
    p.irqInput(2)!(true);
    p.irqInput(2)!(false);
    expect(outs[0]!.level).toBe(true);
    expect(claim(0)).toBe(2);
  });

  it('completion of a source not enabled for the context is ignored', () => {
    const { p, rd, wr, enable, claim, complete } = setup();
    wr(4 * 10, 1);
    enable(0, 10);
    p.irqInput(10)!(true);
    expect(claim(0)).toBe(10);
    complete(2, 10); // context 2 does not have 10 enabled
    expect(rd(0x1000)).toBe(0);
    complete(0, 10);
    expect(rd(0x1000) >>> 0).toBe(1 << 10);
  });

  it('claims by one context take the source from every context', () => {
    const { p, outs, wr, enable, claim } = setup();
    wr(4 * 9, 1);
    enable(1, 9);
    enable(3, 9);
    p.irqInput(9)!(true);
    expect(outs[1]!.level && outs[3]!.level).toBe(true);
    expect(claim(3)).toBe(9);
    expect(outs[1]!.level).toBe(false);
    expect(claim(1)).toBe(0);
  });

  it('non-32-bit accesses fault and change nothing', () => {
    const { p, rd, a } = setup();
    p.write(4 * 10, 1, 3, a);
    expect(a.faulted).toBe(true);
    expect(rd(4 * 10)).toBe(0);
  });

  it('threshold registers are WARL; unimplemented contexts read 0', () => {
    const { rd, wr } = setup();
    wr(0x203000, 0xff);
    expect(rd(0x203000)).toBe(7);
    expect(rd(0x204004)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { IrqLine, isIrqTarget, WiredOr } from './irq.js';

describe('IrqLine', () => {
  it('drives a level input only on changes and counts rising edges', () => {
    const levels: boolean[] = [];
    const l = new IrqLine('uart0', (v) => levels.push(v));
    l.raise();
    l.raise();
    l.lower();
    l.lower();
    l.set(true);
    expect(levels).toEqual([true, false, true]);
    expect(l.level).toBe(true);
    expect(l.raised).toBe(2);
  });

  it('pulses an edge as assert then deassert', () => {
    const levels: boolean[] = [];
    const l = new IrqLine('timer', (v) => levels.push(v));
    l.pulse();
    l.pulse();
    expect(levels).toEqual([true, false, true, false]);
    expect(l.level).toBe(false);
    expect(l.raised).toBe(2);
  });

  it('hands a level that is already high to a newly connected input', () => {
    const l = new IrqLine('dev');
    l.raise();
    const levels: boolean[] = [];
    l.connect((v) => levels.push(v));
    expect(levels).toEqual([true]);
    l.lower();
    expect(levels).toEqual([true, false]);
  });
});

describe('WiredOr', () => {
  it('keeps a shared line high until every source drops', () => {
    const levels: boolean[] = [];
    const wire = new WiredOr((v) => levels.push(v));
    const a = new IrqLine('a', wire.source());
    const b = new IrqLine('b', wire.source());
    a.raise();
    b.raise();
    expect(levels).toEqual([true]);
    a.lower();
    expect(levels).toEqual([true]);
    b.lower();
    expect(levels).toEqual([true, false]);
    b.raise();
    a.raise();
    b.lower();
    expect(levels).toEqual([true, false, true]);
    a.lower();
    expect(levels).toEqual([true, false, true, false]);
  });

  it('ignores a source repeating its own level', () => {
    const levels: boolean[] = [];
    const wire = new WiredOr((v) => levels.push(v));
    const a = wire.source();
    const b = wire.source();
    a(true);
    a(true);
    b(false);
    a(false);
    expect(levels).toEqual([true, false]);
  });

  it('recognises interrupt targets', () => {
    expect(isIrqTarget({ irqInput: () => undefined })).toBe(true);
    expect(isIrqTarget({})).toBe(false);
    expect(isIrqTarget(null)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { EventBus, type SimEvent } from './events.js';

describe('EventBus', () => {
  it('wants nothing without sinks, and follows kinds and prefixes', () => {
    let now = 5;
    const bus = new EventBus(() => now);
    expect(bus.active).toBe(false);
    expect(bus.wants('cpu.exception')).toBe(false);
    const got: SimEvent[] = [];
    const sink = { kinds: ['cpu.', 'mmio'], event: (e: SimEvent) => got.push(e) };
    bus.addSink(sink);
    expect(bus.wants('cpu.exception')).toBe(true);
    expect(bus.wants('cpu.interrupt')).toBe(true);
    expect(bus.wants('cpux')).toBe(false);
    expect(bus.wants('mmio')).toBe(true);
    expect(bus.wants('mmio.extra')).toBe(false);
    expect(bus.wants('hyp.exit')).toBe(false);
    bus.emit('cpu.exception', 'hart0', { cause: 2 });
    now = 7;
    bus.emit('hyp.exit', 'hyp', { reason: 'x' });
    bus.emit('mmio', 'uart0');
    expect(got).toEqual([
      { kind: 'cpu.exception', t: 5, src: 'hart0', cause: 2 },
      { kind: 'mmio', t: 7, src: 'uart0' },
    ]);
    // A later sink that wants everything changes the cached answers.
    const all: SimEvent[] = [];
    const allSink = { event: (e: SimEvent) => all.push(e) };
    bus.addSink(allSink);
    expect(bus.wants('hyp.exit')).toBe(true);
    bus.emit('hyp.exit', 'hyp');
    expect(all.map((e) => e.kind)).toEqual(['hyp.exit']);
    expect(got).toHaveLength(2);
    bus.removeSink(sink);
    bus.removeSink(allSink);
    expect(bus.active).toBe(false);
    expect(bus.wants('cpu.exception')).toBe(false);
  });

  it('does not let fields override kind, time or source', () => {
    const bus = new EventBus(() => 42);
    const got: SimEvent[] = [];
    bus.addSink({ event: (e) => got.push(e) });
    bus.emit('mmio', 'uart0', { kind: 'x', t: -1, src: 'y', offset: 4 });
    expect(got).toEqual([{ kind: 'mmio', t: 42, src: 'uart0', offset: 4 }]);
  });

  it('filters by source', () => {
    const bus = new EventBus(() => 0);
    const got: string[] = [];
    bus.addSink({ sources: ['hart1'], event: (e) => got.push(`${e.src}:${e.kind}`) });
    bus.emit('cpu.exception', 'hart0');
    bus.emit('cpu.exception', 'hart1');
    expect(got).toEqual(['hart1:cpu.exception']);
  });

  it('closes sinks', () => {
    const bus = new EventBus(() => 0);
    let closed = 0;
    bus.addSink({ event: () => {}, close: () => closed++ });
    bus.addSink({ event: () => {} });
    bus.close();
    expect(closed).toBe(1);
  });

  it('keeps counters, snapshots non-zero ones grouped and sorted', () => {
    const bus = new EventBus(() => 0);
    const a = bus.counter('hyp', 'exits');
    expect(bus.counter('hyp', 'exits')).toBe(a);
    a.value += 3;
    bus.counter('cpu', 'wfi').value++;
    bus.counter('cpu', 'ecall').value += 2;
    bus.counter('cpu', 'never');
    const snap = bus.snapshot();
    expect([...snap.keys()]).toEqual(['cpu', 'hyp']);
    expect(snap.get('cpu')).toEqual([
      { key: 'ecall', value: 2 },
      { key: 'wfi', value: 1 },
    ]);
    expect(snap.get('hyp')).toEqual([{ key: 'exits', value: 3 }]);
    // Group and key cannot run into each other.
    expect(bus.counter('a\u0001', 'b')).not.toBe(bus.counter('a', '\u0001b'));
  });
});

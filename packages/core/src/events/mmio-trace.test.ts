import { describe, expect, it } from 'vitest';
import { AddressSpace } from '../bus/address-space.js';
import { EventBus, type SimEvent } from './events.js';
import { observeMmio } from './mmio-trace.js';

describe('MMIO observation', () => {
  it('counts accesses per device region and traces only the devices asked for', () => {
    const space = new AddressSpace('sys');
    space.addMmio('uart0', 0x1000_0000, 0x100, { read: () => 0x60, write: () => {} });
    space.addMmio('pcie.ecam', 0x3000_0000, 0x1000, { read: () => 0xffff_ffff, write: () => {} });
    const events = new EventBus(() => 42);
    const seen: SimEvent[] = [];
    events.addSink({ event: (e) => seen.push(e) });
    observeMmio(space, events, 'm0', { count: true, trace: ['pcie'] });
    space.setMaster('hart0', 0);
    space.read(0x1000_0005, 1);
    space.write(0x1000_0000, 1, 0x41);
    space.read(0x3000_0000, 4);
    space.write64(0x3000_0008, 0x1_0000_0002n);
    const mmio = events.snapshot().get('mmio')!;
    expect(mmio).toEqual([
      { key: 'pcie.ecam read', value: 1 },
      { key: 'pcie.ecam write', value: 1 },
      { key: 'uart0 read', value: 1 },
      { key: 'uart0 write', value: 1 },
    ]);
    expect(seen.map((e) => [e.kind, e.src, e.op, e.offset, e.size, e.value, e.master])).toEqual([
      ['mmio', 'pcie.ecam', 'read', 0, 4, 0xffff_ffff, 'hart0'],
      ['mmio', 'pcie.ecam', 'write', 8, 8, 0x1_0000_0002n, 'hart0'],
    ]);
    expect(seen[0]!.t).toBe(42);
  });
});

import { describe, expect, it } from 'vitest';
import { timeSliceNs, validateLayout, guestToHost, type HypervisorConfig, type MachineFacts, type PartitionConfig } from './layout.js';

const MiB = 1 << 20;
const facts: MachineFacts = {
  hartCount: 4,
  ram: { base: 0x8000_0000, size: 64 * MiB },
  gpaBits: 41,
  deviceRegions: (n) => (n === 'uart0' ? [{ base: 0x1000_0000, size: 0x100 }] : n === 'uart1' ? [{ base: 0x1000_1000, size: 0x100 }] : undefined),
};

function cfg(partitions: Record<string, PartitionConfig>, pool = { base: 0x8300_0000, size: MiB }): HypervisorConfig {
  return { harts: 'cpus', ram: 'ram', pool, partitions };
}

const a: PartitionConfig = { harts: [0, 1], memory: [{ guest: 0x8000_0000, host: 0x8000_0000, size: 16 * MiB }], devices: ['uart0'] };
const b: PartitionConfig = { harts: [2, 3], memory: [{ guest: 0x8000_0000, host: 0x8100_0000, size: 16 * MiB }], devices: ['uart1'] };

describe('validateLayout', () => {
  it('accepts a 2+2 split with disjoint memory and devices', () => {
    expect(() => validateLayout(cfg({ a, b }), facts)).not.toThrow();
  });

  it('rejects a hart in two partitions', () => {
    expect(() => validateLayout(cfg({ a, b: { ...b, harts: [1, 2] } }), facts)).toThrow("hart 1 is in two partitions: 'a' and 'b'");
  });

  it('rejects a hart the cluster does not have', () => {
    expect(() => validateLayout(cfg({ a, b: { ...b, harts: [4] } }), facts)).toThrow("partition 'b': hart 4 does not exist (the cluster has 4)");
  });

  it('rejects a device in two partitions and an unknown device', () => {
    expect(() => validateLayout(cfg({ a, b: { ...b, devices: ['uart0'] } }), facts)).toThrow("device 'uart0' is in two partitions: 'a' and 'b'");
    expect(() => validateLayout(cfg({ a, b: { ...b, devices: ['nic'] } }), facts)).toThrow("partition 'b': device 'nic' is not a component of this machine");
  });

  it('rejects overlapping host memory between partitions', () => {
    const bad = { ...b, memory: [{ guest: 0x8000_0000, host: 0x80f0_0000, size: 16 * MiB }] };
    expect(() => validateLayout(cfg({ a, b: bad }), facts)).toThrow(/partition 'b' memory guest .* overlaps partition 'a' memory at host \[0x80000000, 0x81000000\)/);
  });

  it('rejects overlapping guest regions inside a partition', () => {
    const bad = { ...a, memory: [...a.memory, { guest: 0x80ff_f000, host: 0x8200_0000, size: MiB }] };
    expect(() => validateLayout(cfg({ a: bad }), facts)).toThrow(/overlaps its region at guest \[0x80000000, 0x81000000\) in guest physical space/);
  });

  it('rejects memory outside RAM', () => {
    const bad = { ...b, memory: [{ guest: 0x8000_0000, host: 0x83f0_0000, size: 2 * MiB }] };
    expect(() => validateLayout(cfg({ a, b: bad }), facts)).toThrow(/is outside RAM \[0x80000000, 0x84000000\)/);
  });

  it('rejects a pool inside a partition or outside RAM', () => {
    expect(() => validateLayout(cfg({ a, b }, { base: 0x8080_0000, size: MiB }), facts)).toThrow(/overlaps the hypervisor pool/);
    expect(() => validateLayout(cfg({ a, b }, { base: 0x9000_0000, size: MiB }), facts)).toThrow(/pool \[0x90000000, 0x90100000\) is outside RAM/);
  });

  it('rejects a passthrough device overlapping the partition memory in guest space', () => {
    const bad = { ...a, memory: [{ guest: 0x1000_0000, host: 0x8000_0000, size: MiB }] };
    expect(() => validateLayout(cfg({ a: bad }), facts)).toThrow(/device 'uart0' at \[0x10000000, 0x10000100\) overlaps/);
  });

  it('accepts more vCPUs than harts (time-sliced) and rejects fewer', () => {
    expect(() => validateLayout(cfg({ a: { ...a, vcpus: 3 } }), facts)).not.toThrow();
    expect(() => validateLayout(cfg({ a: { ...a, harts: [0], vcpus: 8 } }), facts)).not.toThrow();
    expect(() => validateLayout(cfg({ a: { ...a, harts: [0, 1], vcpus: 1 } }), facts)).toThrow(/1 vCPU\(s\) on 2 harts would leave harts without work/);
  });

  it('reads the time slice as a duration of virtual time, 1 ms by default, 10 us..1 s', () => {
    expect(timeSliceNs({ ...a })).toBe(1_000_000);
    expect(timeSliceNs({ ...a, 'time-slice': '2ms' })).toBe(2_000_000);
    expect(timeSliceNs({ ...a, 'time-slice': '500us' })).toBe(500_000);
    expect(timeSliceNs({ ...a, 'time-slice': 250 })).toBe(250_000);
    expect(timeSliceNs({ ...a, 'time-slice': '0.5s' })).toBe(500_000_000);
    expect(() => validateLayout(cfg({ a: { ...a, 'time-slice': '1us' } }), facts)).toThrow(/time-slice 1us is outside 10us\.\.1s/);
    expect(() => validateLayout(cfg({ a: { ...a, 'time-slice': 'soon' } }), facts)).toThrow(/time-slice 'soon' is not a duration/);
  });

  it('rejects memory beyond the guest physical space and unaligned regions', () => {
    expect(() => validateLayout(cfg({ a: { ...a, memory: [{ guest: 2 ** 41 - MiB, host: 0x8000_0000, size: 2 * MiB }] } }), facts)).toThrow(/beyond the 41-bit guest physical space/);
    expect(() => validateLayout(cfg({ a: { ...a, memory: [{ guest: 0x8000_0800, host: 0x8000_0000, size: MiB }] } }), facts)).toThrow(/not 4 KiB aligned/);
  });
});

describe('guestToHost', () => {
  it('translates inside one region only', () => {
    const mem = [{ guest: 0x8000_0000, host: 0x8100_0000, size: 0x1000 }];
    expect(guestToHost(mem, 0x8000_0ff0, 16)).toBe(0x8100_0ff0);
    expect(guestToHost(mem, 0x8000_0ff0, 17)).toBeUndefined();
    expect(guestToHost(mem, 0x7fff_ffff, 1)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { RamRegion } from '@tessera/core';
import { build, here } from './harness.js';

const machine = path.join(here, 'two-partitions.yaml');

function hash(ram: RamRegion, base: number, size: number): string {
  return createHash('sha256').update(ram.u8.subarray(base - ram.base, base - ram.base + size)).digest('hex');
}

describe('thin-hypervisor: isolation', () => {
  it('the adversarial guest scanning the whole address space reads and changes nothing outside its partition; every probe is a blocked-access event', async () => {
    const { sim, api, events } = await build(machine, [`components.hyp.partitions.alpha.boot.kernel=${path.join(here, '../guest/bin/scan.elf')}`]);
    const hyp = api.hypervisor;
    // Power-on state: tables built, both images loaded. Snapshot what alpha must not touch.
    sim.run(0);
    const ram = hyp.ram;
    const beta = hyp.partition('beta')!;
    const pool = { base: 0x8040_0000, size: 256 * 1024 };
    // Beta is stopped before it runs so its memory stays still while alpha scans.
    for (const v of beta.vcpus) hyp.park(v);
    beta.off = true;
    const before = { beta: hash(ram, 0x8020_0000, 0x20_0000), pool: hash(ram, pool.base, pool.size), rest: hash(ram, 0x8044_0000, 0x1000000 - 0x44_0000) };
    const stop = sim.run(30e9);
    expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 0 });
    const alpha = hyp.partition('alpha')!;
    const out = alpha.console.captured();
    const m = /scan: 0x([0-9a-f]{16}) probes blocked\n/.exec(out);
    expect(m, out).not.toBeNull();
    const probes = parseInt(m![1]!, 16);
    // 64 KiB steps below 4 GiB minus the guest's own 2 MiB, 1 GiB steps to 2^41, 3 beyond: loads and stores; 3 fetches.
    expect(probes).toBe(2 * (65536 - 32 + (2048 - 4) + 3) + 3);
    const blocked = events.filter((e) => e.kind === 'hyp.blocked');
    expect(blocked.length).toBe(probes);
    expect(blocked.every((e) => e.partition === 'alpha')).toBe(true);
    expect(blocked.filter((e) => e.access === 'load').length).toBe((probes - 3) / 2);
    expect(blocked.filter((e) => e.access === 'store').length).toBe((probes - 3) / 2);
    expect(blocked.filter((e) => e.access === 'fetch').map((e) => e.address)).toEqual(['0x80200000', '0x80400000', '0x0']);
    // Probes at beta's and the pool's host addresses: alpha sees guest addresses, so those are blocked too.
    expect(blocked.some((e) => e.address === '0x80200000' && e.access === 'store')).toBe(true);
    expect(blocked.some((e) => e.address === '0x80400000' && e.access === 'store')).toBe(true);
    // Loads and stores fault at the guest's own code; a fetch faults at its target (sepc = the address).
    expect(blocked.filter((e) => e.access !== 'fetch').every((e) => typeof e.pc === 'string' && e.pc.startsWith('0x8000'))).toBe(true);
    expect(blocked.filter((e) => e.access === 'fetch').map((e) => e.pc)).toEqual(['0x80200000', '0x80400000', '0x0']);
    expect(blocked.some((e) => e.address === '0x20000000000')).toBe(true);
    expect({ beta: hash(ram, 0x8020_0000, 0x20_0000), pool: hash(ram, pool.base, pool.size), rest: hash(ram, 0x8044_0000, 0x1000000 - 0x44_0000) }).toEqual(before);
    expect(hyp.exitCounts().get('alpha/0 blocked-store')).toBe((probes - 3) / 2);
  }, 120_000);
});

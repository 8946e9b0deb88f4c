import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { build, here } from './harness.js';

const machine = path.join(here, 'two-partitions.yaml');

describe('thin-hypervisor: two partitions of the hello guest', () => {
  it('each guest prints through DBCN, takes an SBI timer interrupt and shuts down; the machine powers off with 0', async () => {
    const { sim, api, events } = await build(machine);
    const stop = sim.run(1e9);
    expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 0 });
    for (const p of api.hypervisor.partitions) {
      expect(p.console.captured()).toBe('hello from a VS-mode guest on vCPU 0\ntimer interrupt received\n');
      expect(p.off).toBe(true);
    }
    const counts = api.hypervisor.exitCounts();
    // DBCN x2, TIME x2 (arm, disarm), SRST.
    expect(counts.get('alpha/0 sbi')).toBe(5);
    expect(counts.get('beta/0 sbi')).toBe(5);
    const exits = events.filter((e) => e.kind === 'hyp.exit');
    expect(exits.length).toBe(10);
    expect(exits[0]).toMatchObject({ partition: expect.stringMatching(/alpha|beta/), vcpu: 0, reason: 'sbi' });
    expect(events.filter((e) => e.kind === 'hyp.partition.off').map((e) => e.partition).sort()).toEqual(['alpha', 'beta']);
  });
});

import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { build, here } from './harness.js';

describe('thin-hypervisor: a two-vCPU partition', () => {
  it('starts its second vCPU with HSM hart_start, takes its IPI as VSSIP, sees it stop and fences both', async () => {
    const { sim, api, events } = await build(path.join(here, 'smp.yaml'));
    const stop = sim.run(1e9);
    const hyp = api.hypervisor;
    const duo = hyp.partition('duo')!;
    expect(duo.console.captured()).toBe('smp ok\n');
    expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 0 });
    const counts = hyp.exitCounts();
    // vCPU 1: send_ipi + hart_stop.
    expect(counts.get('duo/1 sbi')).toBe(2);
    expect(counts.get('duo/0 sbi')).toBeGreaterThanOrEqual(6);
    const vcpu1Exits = events.filter((e) => e.kind === 'hyp.exit' && e.partition === 'duo' && e.vcpu === 1);
    expect(vcpu1Exits.map((e) => e.eid)).toEqual(['0x735049', '0x48534d']);
    expect(duo.vcpus[1]!.parked).toBe(true);
    expect(hyp.partition('solo')!.console.captured()).toContain('timer interrupt received');
  });
});

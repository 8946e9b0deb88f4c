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

describe('thin-hypervisor: two vCPUs time-sliced on one hart', () => {
  const oneHart = ['components.hyp.partitions.duo.harts=[0]', 'components.hyp.partitions.duo.vcpus=2'];

  it('runs the same smp guest: hart_start, the IPI held until vCPU 0 runs, hart_stop, RFENCE', async () => {
    const { sim, api, events } = await build(path.join(here, 'smp.yaml'), oneHart);
    const hyp = api.hypervisor;
    const duo = hyp.partition('duo')!;
    expect(duo.vcpus.map((v) => v.hart)).toEqual([hyp.cluster.harts[0], hyp.cluster.harts[0]]);
    const stop = sim.run(1e9);
    expect(duo.console.captured()).toBe('smp ok\n');
    expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 0 });
    const counts = hyp.exitCounts();
    // vCPU 0 waits for the IPI in WFI: trapped (hstatus.VTW), so vCPU 1 gets the hart.
    expect(counts.get('duo/0 wfi')).toBeGreaterThanOrEqual(1);
    expect(counts.get('duo/1 sbi')).toBe(2);
    // vCPU 1 sent its IPI while vCPU 0 was switched out: it was held and delivered after the switch.
    const order = events.filter((e) => e.kind === 'hyp.exit' && e.partition === 'duo').map((e) => `${e.vcpu} ${e.reason}${e.eid !== undefined ? ' ' + e.eid : ''}`);
    expect(order.indexOf('1 sbi 0x735049')).toBeGreaterThan(order.indexOf('0 wfi'));
    const sched = sim.events.snapshot().get('hyp.sched') ?? [];
    expect(sched.find((c) => c.key === 'duo/1 switch-in')?.value).toBe(1);
    expect(sched.find((c) => c.key === 'duo/0 switch-in')?.value).toBe(2);
    // hart 1 was given to no partition: it never left reset.
    expect(hyp.cluster.harts[1]!.stopped).toBe(true);
  });

  it('without Sstc (a riscv-hart ISA without it) the hypervisor needs the CLINT for its timer', async () => {
    await expect(build(path.join(here, 'smp.yaml'), [...oneHart, 'components.cpus.isa=rv64imafdch_zicsr_zifencei_zicntr'])).rejects.toThrow(/no Sstc: the hypervisor needs the CLINT/);
  });
});

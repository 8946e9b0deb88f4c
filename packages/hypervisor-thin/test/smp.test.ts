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

describe('thin-hypervisor: SBI HSM hart_suspend', () => {
  const suspendGuest = `components.hyp.partitions.duo.boot.kernel=${path.join(here, '../guest/bin/suspend.elf')}`;
  for (const [what, sets] of [
    ['two vCPUs on two harts', []],
    ['two vCPUs time-sliced on one hart', ['components.hyp.partitions.duo.harts=[0]', 'components.hyp.partitions.duo.vcpus=2']],
  ] as const) {
    it(`${what}: retentive and non-retentive suspend, SUSPENDED status, wake-up by IPI`, async () => {
      const { sim, api, events } = await build(path.join(here, 'smp.yaml'), [suspendGuest, ...sets]);
      const stop = sim.run(1e9);
      const duo = api.hypervisor.partition('duo')!;
      expect(duo.console.captured()).toBe('suspend ok\n');
      expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 0 });
      // vCPU 1: two invalid suspends, IPI, retentive suspend, IPI, non-retentive suspend, IPI, stop.
      const v1 = events.filter((e) => e.kind === 'hyp.exit' && e.partition === 'duo' && e.vcpu === 1).map((e) => e.eid);
      expect(v1).toEqual(['0x48534d', '0x48534d', '0x735049', '0x48534d', '0x735049', '0x48534d', '0x735049', '0x48534d']);
      expect(duo.vcpus[1]!.parked).toBe(true);
    });
  }
});

describe('thin-hypervisor: harts without Sstc', () => {
  const noSstc = ['components.cpus.isa=rv64imafdch_zicsr_zifencei_zicntr'];

  it('set_timer arms the hypervisor timer through the CLINT and injects hvip.VSTIP; the guests see no Sstc', async () => {
    const { sim, api } = await build(path.join(here, 'two-partitions.yaml'), [...noSstc, 'components.hyp.clint=clint']);
    expect(api.hypervisor.sstc).toBe(false);
    expect(api.partitionDeviceTree('alpha')!.find('/cpus/cpu@0')?.getString('riscv,isa')).toBe('rv64imafdc_zicsr_zifencei_zicntr');
    const stop = sim.run(1e9);
    expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 0 });
    for (const p of api.hypervisor.partitions) expect(p.console.captured()).toBe('hello from a VS-mode guest on vCPU 0\ntimer interrupt received\n');
    const counts = api.hypervisor.exitCounts();
    // The guest's deadline came as the hypervisor's timer interrupt (MTIP forwarded as STIP).
    expect(counts.get('alpha/0 timer')).toBe(1);
    expect(counts.get('beta/0 timer')).toBe(1);
    const irqs = sim.events.snapshot().get('interrupts') ?? [];
    expect(irqs.find((c) => c.key === 'hart0 mti')?.value).toBe(1);
    expect(irqs.find((c) => c.key === 'hart0 vsti')?.value).toBe(1);
  });

  for (const [what, sets] of [
    ['time-sliced on one hart', ['components.hyp.partitions.alpha.vcpus=2']],
    ['on two harts, kicks through the CLINT msip', ['components.cpus.count=3', 'components.hyp.partitions.alpha.harts=[0,2]']],
  ] as const) {
    it(`the smp and suspend guests ${what}`, async () => {
      for (const guest of ['smp', 'suspend']) {
        const { sim, api } = await build(path.join(here, 'two-partitions.yaml'), [
          ...noSstc,
          'components.hyp.clint=clint',
          ...sets,
          `components.hyp.partitions.alpha.boot.kernel=${path.join(here, `../guest/bin/${guest}.elf`)}`,
        ]);
        const stop = sim.run(2e9);
        expect(api.hypervisor.partition('alpha')!.console.captured()).toBe(`${guest} ok\n`);
        expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 0 });
        const irqs = sim.events.snapshot().get('interrupts') ?? [];
        // Requests between harts arrive as CLINT software interrupts, forwarded as SSIP.
        if (sets.length > 1) expect(irqs.find((c) => c.key === 'hart0 msi')?.value).toBeGreaterThan(0);
      }
    });
  }
});

import { describe, expect, it } from 'vitest';
import { IrqLine } from '@tessera/core';
import { PSCI, R, TimerId } from '../src/index.js';
import { buildMachine } from './harness.js';

describe('generic timer', () => {
  it('counts at CNTFRQ from virtual time and raises its output at the compare value (no polling)', async () => {
    const { sim, machine, cluster } = await buildMachine({ 'start-el': 2 });
    machine.start();
    const t = cluster.timers[0]!;
    const levels: boolean[] = [];
    t.outputs[TimerId.Virt] = new IrqLine('cntv', (l) => levels.push(l));
    sim.scheduler.advance(1_000_000); // 1 ms
    expect(t.physicalCount()).toBe(62_500n);
    t.setCntvoff(500n);
    expect(t.count(TimerId.Virt)).toBe(62_000n);
    t.writeCval(TimerId.Virt, 62_000n + 625n); // 10 µs later
    t.writeCtl(TimerId.Virt, 1n);
    expect(levels).toEqual([]);
    const fired = sim.scheduler.eventsFired;
    sim.scheduler.advance(1_009_000);
    expect(levels).toEqual([]);
    sim.scheduler.advance(1_010_000);
    expect(levels).toEqual([true]);
    expect(sim.scheduler.eventsFired).toBe(fired + 1);
    expect(t.readCtl(TimerId.Virt)).toBe(5n); // ENABLE | ISTATUS
    t.writeCtl(TimerId.Virt, 3n); // IMASK
    expect(levels).toEqual([true, false]);
    // TVAL counts down and is signed 32-bit.
    t.writeTval(TimerId.Phys, 100n);
    expect(t.readTval(TimerId.Phys)).toBe(100n);
  });
});

describe('PSCI', () => {
  it('CPU_ON starts a powered-off secondary at EL2 (below the SMC firmware), AFFINITY_INFO reports it, SYSTEM_OFF ends the run', async () => {
    const { sim, machine, cluster } = await buildMachine({ count: 2, 'start-el': 2, psci: 'smc' });
    machine.start();
    cluster.reset();
    const [c0, c1] = cluster.cores;
    expect(c1!.poweredOff).toBe(true);
    // Code at 0x40000000 on core 0: smc #0; b .
    const ram = machine.api<{ u32: Uint32Array }>('ram')!;
    ram.u32.set([0xd4000003, 0x14000000], 0);
    ram.u32.set([0x14000000], 0x400); // core 1 entry: b .
    c0!.setPC(0x4000_0000n);
    c0!.x[0] = BigInt(PSCI.CPU_ON + 0x4000_0000);
    c0!.x[1] = 1n; // MPIDR Aff0 = 1
    c0!.x[2] = 0x4000_1000n;
    c0!.x[3] = 0x1234n;
    sim.scheduler.quantum = 1000;
    sim.run(50);
    expect(c0!.x[0]).toBe(0n);
    expect(c1!.poweredOff).toBe(false);
    expect(c1!.el).toBe(2);
    expect(c1!.pc).toBe(0x4000_1000n);
    expect(c1!.x[0]).toBe(0x1234n);
    expect(c0!.sr[R.SCR_EL3]! & 1n).toBe(1n);
    c0!.x[0] = BigInt(PSCI.AFFINITY_INFO + 0x4000_0000);
    c0!.x[1] = 1n;
    c0!.x[2] = 0n;
    c0!.setPC(0x4000_0000n);
    sim.run(100);
    expect(c0!.x[0]).toBe(0n); // ON
    c0!.x[0] = BigInt(PSCI.SYSTEM_OFF);
    c0!.setPC(0x4000_0000n);
    const stop = sim.run(1e6);
    expect(stop?.reason).toBe('poweroff');
    expect(stop?.exitCode).toBe(0);
  });

  it.each([
    ['smc', 2],
    ['hvc', 1],
  ] as const)('CPU_ON called from EL1 through %s starts the secondary at EL%d, the highest EL below the firmware (as QEMU)', async (psci, el) => {
    const { sim, machine, cluster } = await buildMachine({ count: 2, 'start-el': 1, psci });
    machine.start();
    cluster.reset();
    const [c0, c1] = cluster.cores;
    expect(c0!.el).toBe(1);
    const ram = machine.api<{ u32: Uint32Array }>('ram')!;
    ram.u32.set([psci === 'smc' ? 0xd4000003 : 0xd4000002, 0x14000000], 0);
    ram.u32.set([0x14000000], 0x400);
    c0!.setPC(0x4000_0000n);
    c0!.x[0] = BigInt(PSCI.CPU_ON + 0x4000_0000);
    c0!.x[1] = 1n;
    c0!.x[2] = 0x4000_1000n;
    c0!.x[3] = 0x99n;
    sim.scheduler.quantum = 1000;
    sim.run(50);
    expect(c0!.x[0]).toBe(0n);
    expect(c0!.el).toBe(1);
    expect(c1!.poweredOff).toBe(false);
    expect(c1!.el).toBe(el);
    expect(c1!.pc).toBe(0x4000_1000n);
    expect(c1!.x[0]).toBe(0x99n);
  });
});

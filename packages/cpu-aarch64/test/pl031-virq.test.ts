import { describe, expect, it } from 'vitest';
import { Simulation, type RamRegion } from '@tessera/core';
import { HCR, Pl031, R } from '../src/index.js';
import { buildMachine } from './harness.js';

describe('PL031', () => {
  it('counts seconds of virtual time from the epoch and the load register, and matches', () => {
    const sim = new Simulation();
    let level = false;
    const line = { set: (l: boolean) => (level = l) } as unknown as ConstructorParameters<typeof Pl031>[1];
    const rtc = new Pl031(sim.scheduler, line, 1_700_000_000);
    const acc = { master: 't', masterId: 0, fault() {} };
    expect(rtc.read(0x00, 4, acc)).toBe(1_700_000_000);
    sim.scheduler.advance(2_500_000_000);
    expect(rtc.read(0x00, 4, acc)).toBe(1_700_000_002);
    rtc.write(0x08, 4, 100, acc); // RTCLR
    expect(rtc.read(0x00, 4, acc)).toBe(100);
    rtc.write(0x10, 4, 1, acc); // RTCIMSC
    rtc.write(0x04, 4, 103, acc); // RTCMR: 3 s from now
    sim.scheduler.advance(4_000_000_000);
    expect(level).toBe(false);
    sim.scheduler.advance(5_000_000_000);
    expect(level).toBe(true);
    expect(rtc.read(0x18, 4, acc)).toBe(1); // RTCMIS
    rtc.write(0x1c, 4, 1, acc); // RTCICR
    expect(level).toBe(false);
    expect(rtc.read(0xfe0, 4, acc)).toBe(0x31);
  });
});

describe('virtual interrupts', () => {
  it('HCR_EL2.VI with IMO is taken at EL1 through VBAR_EL1 + 0x280, not at EL2; TGE stops it', async () => {
    const { sim, machine, cluster } = await buildMachine({ 'start-el': 1, psci: 'hvc' });
    machine.start();
    const ram = machine.api<RamRegion>('ram')!;
    ram.u32.fill(0x14000000, 0, 0x1000); // b . everywhere
    const c = cluster.cores[0]!;
    c.sr[R.VBAR_EL1] = 0x4000_0800n;
    c.sr[R.VBAR_EL2] = 0x4000_1000n;
    c.setPC(0x4000_0000n);
    c.daif = 0;
    c.sr[R.HCR_EL2] = BigInt(HCR.RW | HCR.IMO | HCR.VI);
    c.stateChanged();
    sim.run(100);
    expect(c.el).toBe(1);
    expect(c.pc).toBe(0x4000_0a80n);
    expect(Number(c.sr[R.SPSR_EL1]! & 0xfn)).toBe(5);
    // With the virtual IRQ masked by PSTATE.I nothing more happens; a physical IRQ with IMO goes to EL2.
    c.irqLine = true;
    c.irqChanged();
    sim.run(200);
    expect(c.el).toBe(2);
    expect(c.pc).toBe(0x4000_1480n); // lower EL, AArch64, IRQ
  });
});

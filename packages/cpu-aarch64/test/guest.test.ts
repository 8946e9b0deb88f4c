import { describe, expect, it } from 'vitest';
import { runGuest } from './harness.js';

describe('guest programs', () => {
  it('alu: integer data processing, loads/stores, exclusives, branches', async () => {
    const r = await runGuest('alu');
    expect(r.exitCode).toBe(0);
  });
});

describe('exception routing', () => {
  it('exceptions: SVC/HVC/SMC, HCR_EL2 traps, UNDEFINED, BRK, FP trap, aborts, illegal return, EL0 traps', async () => {
    const r = await runGuest('exceptions');
    expect(r.exitCode).toBe(0);
  });
});

describe('translation', () => {
  it('mmu: stage 1 and stage 2 faults with ESR/FAR/HPFAR, AT into PAR_EL1, PXN', async () => {
    const r = await runGuest('mmu');
    expect(r.exitCode).toBe(0);
  });
});

describe('generic timer through the GIC', () => {
  it('timer: CNTP by TVAL and CNTV by CVAL wake WFI with PPIs 30 and 27 on a GICv2, ISTATUS/IMASK', async () => {
    const r = await runGuest('timer', { 'start-el': 1, psci: 'hvc' }, 50_000_000, true);
    expect(r.exitCode).toBe(0);
  });
});

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

import { describe, expect, it } from 'vitest';
import { runGuest } from './harness.js';

describe('guest programs', () => {
  it('alu: integer data processing, loads/stores, exclusives, branches', async () => {
    const r = await runGuest('alu');
    expect(r.exitCode).toBe(0);
  });
});

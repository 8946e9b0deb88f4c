import { describe, expect, it } from 'vitest';
import { runGuest } from './harness.js';

describe('guest programs', () => {
  it('simple', async () => {
    const r = await runGuest('simple.elf');
    expect(r.stop?.reason).toBe('poweroff');
    expect(r.stop?.exitCode).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { fuzz } from './fuzz.js';

describe('fuzz (long)', () => {
  it('thirty million random instruction words across M/HS/U/VS/VU raise only architectural traps', async () => {
    let traps = 0;
    for (let seed = 1; seed <= 6; seed++) traps += (await fuzz(5_000_000, seed * 7919)).traps;
    expect(traps).toBeGreaterThan(100_000);
  }, 1_800_000);
});

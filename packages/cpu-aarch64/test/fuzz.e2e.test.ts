import { describe, expect, it } from 'vitest';
import { fuzz } from './fuzz.js';

describe('fuzz (long)', () => {
  for (const el of [0, 1, 2, 3] as const) {
    it(`20M random instruction words at EL${el} never raise a host exception`, async () => {
      const taken = await fuzz(el, 20_000_000, 0x9e3779b9 ^ el);
      expect(taken).toBeGreaterThan(1000);
    }, 1_200_000);
  }
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Op } from '../src/hart.js';

describe('interpreter case labels', () => {
  it('every literal case label matches the Op it names', () => {
    const src = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'hart.ts'), 'utf8');
    const labels = [...src.matchAll(/case (\d+) \/\* ([A-Z_0-9]+) \*\//g)];
    expect(labels.length).toBeGreaterThan(60);
    for (const [, num, name] of labels) expect([name, Number(num)]).toEqual([name, (Op as unknown as Record<string, number>)[name!]]);
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkVector, parseLine, type Mismatch } from './vectors.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const hasGcc = process.arch === 'x64' && spawnSync('gcc', ['--version']).status === 0;

function summarise(bad: Mismatch[], total: number): string {
  return `${bad.length} of ${total} vectors differ:\n` + bad.slice(0, 20).map((m) => `  ${m.line}   got ${m.got}`).join('\n');
}

describe('reference vectors from x86-64 SSE / libm', () => {
  it('matches the committed vectors (RNE/RTZ/RDN/RUP, edge cases and random operands)', () => {
    const text = gunzipSync(readFileSync(join(here, 'gen/vectors.txt.gz'))).toString('utf8');
    const bad: Mismatch[] = [];
    let total = 0;
    for (const line of text.split('\n')) {
      const v = parseLine(line);
      if (!v) continue;
      total++;
      const m = checkVector(v);
      if (m) bad.push(m);
    }
    expect(total).toBeGreaterThan(100_000);
    expect(bad, summarise(bad, total)).toEqual([]);
  });

  it.skipIf(!hasGcc)('matches freshly generated vectors (10000 random operands per op per mode)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'softfloat-gen-'));
    try {
      const exe = join(dir, 'gen');
      const b = spawnSync('sh', [join(here, 'gen/build.sh'), exe], { encoding: 'utf8' });
      expect(b.status, b.stderr).toBe(0);
      const child = spawn(exe, ['10000', String(Date.now() % 1000)], { stdio: ['ignore', 'pipe', 'inherit'] });
      const rl = createInterface({ input: child.stdout });
      const bad: Mismatch[] = [];
      let total = 0;
      for await (const line of rl) {
        const v = parseLine(line);
        if (!v) continue;
        total++;
        const m = checkVector(v);
        if (m && bad.length < 100) bad.push(m);
      }
      expect(total).toBeGreaterThan(1_000_000);
      expect(bad, summarise(bad, total)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

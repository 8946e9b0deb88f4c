/** bench/run.mjs: one process per file, one table, filters, failures reported, not fatal. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const runner = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bench/run.mjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

write('packages/alpha/bench/fast.bench.mjs', `export default async () => [
  { bench: 'alpha', metric: 'ops', value: 234567890, unit: 'ops/s', reference: 117283945, note: 'vs ref' },
  { bench: 'alpha', metric: 'latency', value: 12.5, unit: 'ms' },
];`);
write('packages/beta/bench/crash.bench.mjs', `export default async () => { throw new Error('boom in beta'); };`);
write('packages/beta/bench/exit.bench.mjs', `process.exit(7);`);
write('packages/gamma/bench/bad.bench.mjs', `export default async () => [{ bench: 'gamma', metric: 'm', value: 'fast', unit: 'x' }];`);
write('bench/top.bench.mjs', `console.log('chatter on stdout'); export default async () => [{ bench: 'top', metric: 'm', value: 3, unit: 'things', ratio: 0.5 }];`);
write('packages/delta/bench/notes.txt', 'not a benchmark');

function run(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [runner, ...args], { env: { ...process.env, TESSERA_BENCH_ROOT: tmp }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('bench/run.mjs', () => {
  it('runs every file in its own process and prints one table, failures included', () => {
    const r = run('--json', path.join(tmp, 'out.json'));
    expect(r.status).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^bench\s+\| metric\s+\|\s+value \|\s+reference \| ratio \| note$/);
    expect(r.out).toMatch(/alpha\s+\| ops\s+\|\s+234\.6 M ops\/s \|\s+117\.3 M ops\/s \| 2\.000 \| vs ref/);
    expect(r.out).toMatch(/alpha\s+\| latency\s+\|\s+12\.50 ms/);
    expect(r.out).toMatch(/crash .*FAILED \(exit 1: .*boom in beta/);
    expect(r.out).toMatch(/exit .*FAILED \(exit 7\)/);
    expect(r.out).toMatch(/bad .*FAILED \(bad rows: row 0: 'value' must be a number\)/);
    expect(r.out).toMatch(/top\s+\| m\s+\|\s+3 things \|\s+\| 0\.500/);
    expect(r.out).not.toContain('chatter');
    const json = JSON.parse(fs.readFileSync(path.join(tmp, 'out.json'), 'utf8')) as Array<{ bench: string; ratio?: number; file: string }>;
    expect(json.find((x) => x.bench === 'alpha')!.ratio).toBe(2);
    expect(json.find((x) => x.bench === 'top')!.file).toBe(path.join('bench', 'top.bench.mjs'));
  });

  it('filters by path and exits 0 when everything passed', () => {
    const r = run('alpha', 'top');
    expect(r.status).toBe(0);
    expect(r.out).toContain('alpha');
    expect(r.out).toContain('top');
    expect(r.out).not.toContain('FAILED');
    const none = run('nothing-matches');
    expect(none.status).toBe(1);
    expect(none.err).toContain('no benchmark matches nothing-matches');
  });

  it('kills a benchmark that runs past the timeout', () => {
    write('packages/slow/bench/hang.bench.mjs', `export default () => new Promise(() => setInterval(() => {}, 1000));`);
    const r = run('slow', '--timeout', '1');
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/hang .*FAILED \(SIGKILL: timed out after 1 s\)/);
  });
});

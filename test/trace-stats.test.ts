/**
 * `tessera run --trace/--stats` on machines/default.yaml (two harts, two partitions under the
 * thin hypervisor): the trace is the same bit for bit across runs, carries the documented
 * fields (packages/core/TRACE.md), filters by kind and by hart, and `--stats` has every
 * section the issue asks for.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../packages/core/src/cli/index.js';
import { checkTraceEvent } from '../packages/core/src/events/trace-schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-trace-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
// Plugins from their TypeScript sources (the machine file's names would import dist/).
const plugins = ['cpu-riscv', 'hypervisor-thin', 'plic-clint'].flatMap((p) => ['--plugin', path.join(root, 'packages', p, 'src', 'index.ts')]);

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: root };
  const code = await main(['run', 'machines/default.yaml', ...plugins, '-q', ...argv], io);
  return { code, out, err };
}

type Event = Record<string, unknown> & { kind: string; t: number; src: string };
// Every line read is checked against the trace schema (packages/core/src/events/trace-schema.ts).
const read = (f: string): Event[] =>
  fs.readFileSync(f, 'utf8').trimEnd().split('\n').map((l) => {
    const e = JSON.parse(l) as Event;
    expect(checkTraceEvent(e)).toBeUndefined();
    return e;
  });

describe('traces and statistics of machines/default.yaml', () => {
  it('writes the same trace twice, with the documented fields of every kind', async () => {
    const hashes: string[] = [];
    for (const n of [1, 2]) {
      const f = path.join(tmp, `run${n}.jsonl`);
      const r = await run('--trace', f, '--timeout', '60');
      expect(r.code).toBe(0);
      hashes.push(createHash('sha256').update(fs.readFileSync(f)).digest('hex'));
    }
    expect(hashes[1]).toBe(hashes[0]);
    const events = read(path.join(tmp, 'run1.jsonl'));
    const kinds = new Set(events.map((e) => e.kind));
    for (const k of ['cpu.exception', 'cpu.interrupt', 'hyp.exit', 'power.off']) expect(kinds).toContain(k);
    for (const e of events.filter((x) => x.kind === 'cpu.exception' || x.kind === 'cpu.interrupt')) {
      expect(e).toEqual(expect.objectContaining({ hart: expect.any(Number), cause: expect.any(String), from: expect.any(String), to: expect.any(String), pc: expect.stringMatching(/^0x/), tval: expect.stringMatching(/^0x/) }));
    }
    const exits = events.filter((e) => e.kind === 'hyp.exit');
    expect(new Set(exits.map((e) => e.partition))).toEqual(new Set(['left', 'right']));
    for (const e of exits) expect(e).toEqual(expect.objectContaining({ vcpu: expect.any(Number), reason: expect.any(String), pc: expect.stringMatching(/^0x/) }));
    // Virtual time never goes backwards on one hart (harts interleave by quantum).
    for (const h of [0, 1]) {
      const ts = events.filter((e) => e.hart === h).map((e) => e.t);
      expect(ts.length).toBeGreaterThan(0);
      for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThanOrEqual(ts[i - 1]!);
    }
  }, 120_000);

  it('traces virtual interrupts the hypervisor injects (harts without Sstc: the guest timer is VSTIP in hvip)', async () => {
    const f = path.join(tmp, 'inject.jsonl');
    const r = await run(
      '--trace', f, '--trace-kinds', 'irq.inject',
      '--set', 'components.cpus.isa=rv64imafdch_zicsr_zifencei_zicntr_zihintpause',
      '--set', 'components.clint={type: clint, base: 0x200_0000, harts: cpus}',
      '--set', 'components.hyp.clint=clint',
      '--set', 'plugins=["@tessera/cpu-riscv", "@tessera/hypervisor-thin", "@tessera/plic-clint"]',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const events = read(f);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e).toEqual(expect.objectContaining({ kind: 'irq.inject', src: 'hyp', partition: expect.stringMatching(/^(left|right)$/), vcpu: 0, hart: expect.any(Number), irq: expect.stringMatching(/vs/), level: expect.any(Boolean) }));
  }, 120_000);

  it('the trace schema rejects events without their documented fields', async () => {
    expect(checkTraceEvent({ kind: 'hyp.exit', t: 1, src: 'hyp', partition: 'left', vcpu: 0, reason: 'sbi', pc: '0x80000000' })).toBeUndefined();
    expect(checkTraceEvent({ kind: 'hyp.exit', t: 1, src: 'hyp', partition: 'left', vcpu: 0, pc: '0x80000000' })).toMatch(/reason/);
    expect(checkTraceEvent({ kind: 'cpu.exception', t: 1, src: 'hart0', hart: 0, cause: 'ecall-s', from: 'S', to: 'M', pc: 'bad', tval: '0x0' })).toMatch(/pc/);
    expect(checkTraceEvent({ kind: 'x.y', src: 'a' })).toMatch(/t/);
    let out = '';
    const code = await main(['schema', '--trace'], { out: (t) => void (out += t), err: () => {}, cwd: root });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ required: ['kind', 't', 'src'] });
  });

  it('filters by kind and by hart', async () => {
    const f = path.join(tmp, 'hart1.jsonl');
    expect((await run('--trace', f, '--trace-kinds', 'cpu', '--trace-harts', '1')).code).toBe(0);
    const events = read(f);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.kind.startsWith('cpu.')).toBe(true);
      expect(e.hart).toBe(1);
    }
  }, 120_000);

  it('--stats: instructions and MIPS per hart, TLB, exceptions by cause, interrupts, exits by partition, MMIO', async () => {
    const r = await run('--stats', '--trace', path.join(tmp, 'mmio.jsonl'), '--trace-mmio', 'hyp');
    expect(r.code).toBe(0);
    const s = r.err;
    expect(s).toMatch(/hart0 retired\s+\d+\s+\(\d+\.\d+ MIPS\)/);
    expect(s).toMatch(/hart1 retired\s+\d+\s+\(\d+\.\d+ MIPS\)/);
    expect(s).toMatch(/-- TLB --\nhart0\s+fetch hit rate \d+\.\d+% of \d+ code-page lookups; data TLB misses \d+ \(\d+\.\d+ per 1000 instructions\)/);
    expect(s).toMatch(/-- exceptions --[^]*hart0 ecall-vs\s+\d+/);
    expect(s).toMatch(/-- interrupts --[^]*hart[01] \w+\s+\d+/);
    expect(s).toMatch(/-- hyp\.exits --[^]*left[^\n]*\s+\d+[^]*right[^\n]*\s+\d+/);
  }, 120_000);
});

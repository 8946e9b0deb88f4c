/**
 * Vectors from QEMU's RISC-V model (test/gen-riscv: bare-metal rv64gc + Zfh on `virt`) in all
 * five rounding modes, RMM included: F, D and Zfh arithmetic, FMIN/FMAX, FEQ/FLT/FLE, FCLASS,
 * integer and format conversions, compared bit for bit with fflags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as sf from '../src/index.js';
import { checkVector, parseLine } from './vectors.js';

const here = fileURLToPath(new URL('.', import.meta.url));
type AnyFn = (...args: unknown[]) => unknown;
const api = sf as unknown as Record<string, AnyFn>;

describe('RISC-V vectors from QEMU (rv64gc + Zfh)', () => {
  it('match bit for bit, fflags included, in RNE/RTZ/RDN/RUP/RMM', () => {
    const lines = gunzipSync(readFileSync(join(here, 'gen-riscv/vectors-riscv.txt.gz'))).toString('utf8').split('\n');
    const bad: string[] = [];
    let n = 0;
    const modes = new Set<number>();
    for (const line of lines) {
      const v = parseLine(line);
      if (!v) continue;
      n++;
      modes.add(v.rm);
      const m = /^(f\d\d)_(min|max|eq|lt|le|classify)$/.exec(v.op);
      if (!m) {
        const mm = checkVector(v);
        if (mm && bad.length < 30) bad.push(`${mm.line}   got ${mm.got}`);
        continue;
      }
      const w = m[1] === 'f64';
      const p = (h: string): number | bigint => (w ? BigInt('0x' + h) : parseInt(h, 16));
      const env = sf.makeEnv('riscv', v.rm);
      let got: unknown = m[2] === 'classify' ? api[v.op]!(p(v.a)) : api[v.op]!(env, p(v.a), p(v.b));
      if (typeof got === 'boolean') got = got ? 1 : 0;
      if (BigInt(got as number | bigint) !== BigInt('0x' + v.result) || env.flags !== v.flags) {
        if (bad.length < 30) bad.push(`${line}   got ${(got as number | bigint).toString(16)} ${env.flags.toString(16)}`);
      }
    }
    expect(n).toBeGreaterThan(50_000);
    expect([...modes].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(bad, bad.join('\n')).toEqual([]);
  });
});

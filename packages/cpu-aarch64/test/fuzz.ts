/** Random-instruction fuzzing of one A64 core: only architectural exceptions may result. */
import { EXCEPTION_TAKEN, R } from '../src/index.js';
import { decodeOp, executeOp } from '../src/exec.js';
import { buildMachine } from './harness.js';

/** xorshift32: deterministic random instruction words. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

/**
 * Execute `count` random instruction words at `el` from a freshly randomised state every 1024
 * words; returns how many architectural exceptions they took. Any other throw is a bug.
 */
export async function fuzz(el: 0 | 1 | 2 | 3, count: number, seed: number): Promise<number> {
  const { machine, cluster } = await buildMachine({ 'start-el': 3 });
  machine.start();
  const c = cluster.cores[0]!;
  const next = rng(seed);
  let exceptions = 0;
  for (let i = 0; i < count; i++) {
    if ((i & 0xffff) === 0) await new Promise((r) => setImmediate(r)); // keep the test runner's RPC alive
    if ((i & 1023) === 0) {
      // Fresh, partly randomised state at the level under test.
      c.reset(3, 0x4000_0000n);
      for (let r = 0; r < 31; r++) c.x[r] = r % 3 === 0 ? 0x4000_0000n + BigInt(next() & 0xffff) * 8n : BigInt(next()) * 0x1_0000_0001n;
      c.sp[0] = c.sp[1] = c.sp[2] = c.sp[3] = 0x4100_0000n;
      c.sr[R.VBAR_EL1] = c.sr[R.VBAR_EL2] = c.sr[R.VBAR_EL3] = 0x4000_0000n;
      // Every other block enables FP/AdvSIMD at EL0/EL1 (CPACR_EL1.FPEN = 0b11) with random
      // FPCR controls, so those encodings are decoded and executed rather than trapped.
      if ((i & 2048) !== 0) {
        c.sr[R.CPACR_EL1] = 3n << 20n;
        c.sr[R.FPCR] = BigInt(next() & 0x07c0_0000);
        for (let v = 0; v < 64; v++) c.v64[v] = BigInt(next()) * 0x1_0000_0001n;
      }
      c.el = el;
      c.spsel = el === 0 ? 0 : 1;
      c.stateChanged();
    }
    c.setPC(0x4000_0000n + BigInt((next() & 0xfff) * 4));
    try {
      const w = next();
      executeOp(c, decodeOp(w), w);
    } catch (e) {
      if (e !== EXCEPTION_TAKEN) throw e;
      exceptions++;
    }
    if (c.halted) c.halted = false;
  }
  return exceptions;
}

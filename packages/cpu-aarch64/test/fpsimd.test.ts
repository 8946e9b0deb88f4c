/**
 * guest/fpsimd.S: scalar FP, AdvSIMD arithmetic and SIMD&FP loads/stores over 32 input
 * vectors (signed zeros, infinities, quiet and signalling NaNs with payloads, denormals,
 * extremes, integers at the conversion limits, integer patterns) and seven FPCR settings
 * (RN, RP, RM, RZ, FZ, DN, RZ+FZ+DN). Each instruction's results, FPSR (cumulative flags,
 * IDC, QC) and NZCV are folded into a CRC32C; guest/fpsimd.expected holds the same program's
 * output on QEMU's cortex-a57 (Armv8.0 without FEAT_FP16), so every line is checked bit for
 * bit against the Arm ARM's floating-point pseudocode as QEMU implements it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadElf, type MmioDevice } from '@tessera/core';
import { buildMachine, GUEST_DIR } from './harness.js';

async function runFpsimd(): Promise<{ out: string; exitCode: number | undefined }> {
  const { sim, machine, cluster } = await buildMachine({ 'start-el': 1, psci: 'hvc' });
  let out = '';
  // Only the PL011 data register is needed: the program writes bytes to UARTDR.
  const uart: MmioDevice = {
    read: () => 0,
    write: (off, _size, v) => {
      if (off === 0) out += String.fromCharCode(v & 0xff);
    },
  };
  machine.system.addMmio('uart', 0x0900_0000, 0x1000, uart);
  machine.start();
  const elf = loadElf(machine.system, new Uint8Array(fs.readFileSync(path.join(GUEST_DIR, 'fpsimd.elf'))));
  cluster.entry = BigInt(elf.entry);
  cluster.reset();
  const stop = sim.run(Infinity, { instructionBudget: 400_000_000 });
  return { out, exitCode: stop?.reason === 'poweroff' ? stop.exitCode : undefined };
}

describe('FP and AdvSIMD against the reference results', () => {
  it('every instruction line matches guest/fpsimd.expected', async () => {
    const { out, exitCode } = await runFpsimd();
    const expected = fs.readFileSync(path.join(GUEST_DIR, 'fpsimd.expected'), 'utf8').split('\n');
    const got = out.split('\n');
    const bad: string[] = [];
    for (let i = 0; i < Math.max(expected.length, got.length); i++) {
      if (expected[i] !== got[i]) bad.push(`expected "${expected[i] ?? ''}" got "${got[i] ?? ''}"`);
    }
    expect(bad.length, bad.slice(0, 80).join('\n')).toBe(0);
    expect(exitCode).toBe(0);
  }, 600_000);
});

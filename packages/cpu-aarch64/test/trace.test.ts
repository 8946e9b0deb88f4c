/** cpu.exception / cpu.interrupt events and the per-cause counters (core/TRACE.md). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTraceEvent, loadElf, type SimEvent } from '@tessera/core';
import { buildMachine, GUEST_DIR } from './harness.js';

describe('arm-cpu trace events', () => {
  it('names the cause, the levels, the pc and the fault address of every exception taken', async () => {
    const { sim, machine, cluster } = await buildMachine({ count: 1, 'start-el': 3, psci: 'none' });
    const events: SimEvent[] = [];
    sim.events.addSink({ kinds: ['cpu.'], event: (e) => events.push(e) });
    machine.start();
    const elf = loadElf(machine.system, new Uint8Array(fs.readFileSync(path.join(GUEST_DIR, 'exceptions.elf'))));
    cluster.entry = BigInt(elf.entry);
    cluster.reset();
    const stop = sim.run(Infinity, { instructionBudget: 5_000_000 });
    expect(stop?.exitCode).toBe(0);
    const exc = events.filter((e) => e.kind === 'cpu.exception');
    expect(exc.length).toBeGreaterThan(5);
    for (const e of exc) {
      // As written to a trace file: BigInts become hex strings.
      expect(checkTraceEvent(JSON.parse(JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v))))).toBeUndefined();
      expect(e).toMatchObject({ src: 'cpus', hart: 0 });
      expect(e.from).toMatch(/^EL[0-3]$/);
      expect(e.to).toMatch(/^EL[1-3]$/);
      expect(e.pc).toMatch(/^0x[0-9a-f]+$/);
      expect(e.tval).toMatch(/^0x[0-9a-f]+$/);
    }
    const causes = new Set(exc.map((e) => e.cause));
    for (const c of ['svc', 'hvc', 'smc', 'unknown', 'brk', 'pc-alignment']) expect(causes).toContain(c);
    // A PC alignment fault reports the misaligned PC in FAR_ELx (Arm ARM D1.8.1).
    const align = exc.find((e) => e.cause === 'pc-alignment')!;
    expect(BigInt(align.tval as string) & 3n).not.toBe(0n);
    const counters = sim.events.snapshot().get('exceptions')!;
    const svc = counters.find((c) => c.key === 'cpus svc')!;
    expect(svc.value).toBe(exc.filter((e) => e.cause === 'svc').length);
    sim.dispose();
  });
});

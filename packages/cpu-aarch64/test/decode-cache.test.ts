import { describe, expect, it } from 'vitest';
import type { RamRegion } from '@tessera/core';
import { buildMachine } from './harness.js';

describe('decode-once cache', () => {
  it('drops decoded instructions when the guest (or DMA) writes the code page', async () => {
    const { sim, machine, cluster } = await buildMachine({ 'start-el': 1, psci: 'hvc' });
    machine.start();
    const ram = machine.api<RamRegion>('ram')!;
    // 0: movz x0, #1   4: str w2, [x1]   8: b 0
    ram.load(0, Uint8Array.from(new Uint8Array(new Uint32Array([0xd2800020, 0xb9000022, 0x17fffffe]).buffer)));
    const c = cluster.cores[0]!;
    c.setPC(0x4000_0000n);
    c.x[1] = 0x4000_0000n;
    c.x[2] = 0xd2800040n; // movz x0, #2
    sim.scheduler.quantum = 10;
    sim.run(30); // movz #1, str (rewrites word 0), b
    expect(c.x[0]).toBe(1n);
    sim.run(40); // the new movz
    expect(c.x[0]).toBe(2n);
    expect(ram.codePages[0]).toBe(1);
    // A write from outside the CPU (a loader or DMA) is seen too.
    machine.system.writeBytes(0x4000_0000, Uint8Array.from(new Uint8Array(new Uint32Array([0xd2800060]).buffer)));
    c.setPC(0x4000_0000n);
    sim.run(50); // movz #3
    expect(c.x[0]).toBe(3n);
  });
});

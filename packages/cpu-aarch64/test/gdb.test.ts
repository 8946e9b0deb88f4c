/**
 * The GDB server against arm-cpu machines, with Debian's gdb-multiarch as the client in
 * batch mode (core/gdb serves, src/debug.ts is the target).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gdbBatch, haveGdbMultiarch, loadElf, runWithGdb, startGdbServer } from '@tessera/core';
import { buildMachine, GUEST_DIR } from './harness.js';

async function serve(elf: string, cores: number) {
  const { sim, machine, cluster } = await buildMachine({ count: cores, 'start-el': 1 });
  sim.consoles.echo = false;
  machine.start();
  const image = loadElf(machine.system, new Uint8Array(fs.readFileSync(elf)));
  cluster.entry = BigInt(image.entry);
  cluster.reset();
  const server = await startGdbServer(sim, cluster.debugTarget, { port: 0 });
  return { sim, cluster, server };
}

// CI installs gdb-multiarch (scripts/ci-setup.sh): there the test must run, not skip.
describe.skipIf(!haveGdbMultiarch() && !process.env.CI)('gdb-multiarch against arm-cpu', () => {
  it('breaks at a symbol, reads registers, system registers and memory, steps, watches and kills', async () => {
    const elf = path.join(GUEST_DIR, 'bench.elf');
    const { sim, server } = await serve(elf, 1);
    const session = server.session;
    const out = await gdbBatch(server.port, [
      'p/x $pc',
      'break *main',
      'continue',
      'p/x $pc',
      'p/x $sp',
      'p/x $CurrentEL',
      'p/x $HCR_EL2',
      'p/x $cpsr',
      'x/2xw main',
      'stepi',
      'p/x $pc',
      'p $sp == $SP_EL1',
      'p/x $x29',
      'p $v0.d.u[0]',
      'set var $v1.d.u[1] = 0x1234',
      'p/x $v1.q.u[0]',
      'p/x $fpcr',
      'delete',
      'watch *(unsigned char *)&data',
      'continue',
      'p/x *(unsigned char *)&data',
      'info threads',
      'kill',
    ], { file: elf });
    const end = await (await session).done;
    server.close();
    sim.dispose();
    expect(out).toContain('$1 = 0x40080250');
    expect(out).toMatch(/Breakpoint 1, 0x0*40080000 in main/);
    expect(out).toContain('$2 = 0x40080000');
    expect(out).toMatch(/\$3 = 0x400902f0/);
    // EL1 (CurrentEL bits 3:2), HCR_EL2.RW, EL1h with DAIF masked.
    expect(out).toContain('$4 = 0x4');
    expect(out).toContain('$5 = 0x80000000');
    expect(out).toContain('$6 = 0x3c5');
    expect(out).toMatch(/0x40080000 <main>:\s+0xa9ba7bfd\s+0xb000008d/);
    expect(out).toContain('$7 = 0x40080004');
    expect(out).toContain('$8 = 1');
    expect(out).toContain('$10 = 0');
    expect(out).toContain('$11 = 0x12340000000000000000');
    expect(out).toMatch(/\$12 = 0x0/);
    // The first store to data[0] writes (0 * 7 + 3).
    expect(out).toMatch(/Hardware watchpoint 2: \*\(unsigned char \*\)&data/);
    expect(out).toMatch(/Old value = 0 '\\000'\s+New value = 3 '\\003'/);
    expect(out).toContain('$13 = 0x3');
    expect(out).toMatch(/\* 1\s+Thread 1 \(cpus\)/);
    expect(end?.exitCode).toBe(137);
  }, 90_000);

  it('shows every core as a thread', async () => {
    const elf = path.join(GUEST_DIR, 'bench.elf');
    const { sim, server } = await serve(elf, 2);
    const session = server.session;
    const out = await gdbBatch(server.port, ['info threads', 'thread 2', 'p/x $pc', 'p $_thread', 'detach'], { file: elf });
    await (await session).done;
    server.close();
    sim.dispose();
    expect(out).toMatch(/\* 1\s+Thread 1 \(cpus0\)[^\n]*\n\s+2\s+Thread 2 \(cpus1\)/);
    expect(out).toMatch(/Switching to thread 2/);
    expect(out).toMatch(/\$1 = 0x[0-9a-f]+/);
    expect(out).toContain('$2 = 2');
  }, 90_000);
});

describe.skipIf(!haveGdbMultiarch() && !process.env.CI)('tessera run machines/aarch64-virt.yaml --gdb --gdb-wait', () => {
  it('stops at reset at EL2 and shows an exception taken to EL2 after a step', async () => {
    const root = path.resolve(GUEST_DIR, '..', '..', '..');
    // Plugins from their TypeScript sources (the machine file's names would import dist/).
    const plugins = ['cpu-aarch64', 'gic', 'uart'].flatMap((p) => ['--plugin', path.join(root, 'packages', p, 'src', 'index.ts')]);
    const run = await runWithGdb([path.join(root, 'machines', 'aarch64-virt.yaml'), ...plugins, '--gdb-wait', '-q'], root);
    const out = await gdbBatch(run.port, [
      'p/x $pc',
      'p/x $CurrentEL',
      'p/x $VBAR_EL2',
      'x/1xw 0',
      'stepi',
      'p/x $pc',
      'p/x $ESR_EL2',
      'p/x $ELR_EL2',
      'p/x $SPSR_EL2',
      'p $cpsr',
      'kill',
    ], { architecture: 'aarch64' });
    expect(await run.exit).toBe(137);
    expect(out).toContain('$1 = 0x0');
    expect(out).toContain('$2 = 0x8');
    expect(out).toContain('$3 = 0x0');
    // An empty flash: the word at 0 is 0, UDF #0 (UNDEFINED), taken to EL2 at VBAR_EL2 + 0x200
    // (current EL with SP_ELx), ESR_EL2.EC = 0 with IL set, ELR_EL2 = 0 (Arm ARM D1.10).
    expect(out).toMatch(/0x0:\s+0x00000000/);
    expect(out).toContain('$4 = 0x200');
    expect(out).toContain('$5 = 0x2000000');
    expect(out).toContain('$6 = 0x0');
    expect(out).toMatch(/\$7 = 0x3c9/);
    // PSTATE decoded with the target description's flags: EL2 with SP_EL2, DAIF masked.
    expect(out).toMatch(/\$8 = \[ SP EL=2 F I A D \]/);
  }, 90_000);
});

/**
 * The GDB server against real riscv-hart machines, with Debian's gdb-multiarch as the
 * client in batch mode (core/gdb serves, src/debug.ts is the target).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gdbBatch, haveGdbMultiarch, runWithGdb } from '@tessera/core';
import { GUEST } from './harness.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const machine = path.join(root, 'machines', 'riscv-htif.yaml');
// The plugin from its TypeScript sources (the machine file's name would import dist/).
const plugin = ['--plugin', path.join(root, 'packages', 'cpu-riscv', 'src', 'index.ts')];

// CI installs gdb-multiarch (scripts/ci-setup.sh): there the test must run, not skip.
describe.skipIf(!haveGdbMultiarch() && !process.env.CI)('gdb-multiarch against machines/riscv-htif.yaml', () => {
  it('breaks at a symbol, reads registers, CSRs and memory, steps, watches and kills', async () => {
    const elf = path.join(GUEST, 'mips.elf');
    const run = await runWithGdb([machine, ...plugin, '--kernel', elf, '--gdb-wait', '-q'], root);
    const out = await gdbBatch(run.port, [
      'p/x $pc',
      'break *main',
      'continue',
      'p/x $pc',
      'info registers sp',
      'p/x $mstatus',
      'p $priv',
      'p/x $misa',
      'x/4xw main',
      'stepi',
      'p/x $pc',
      'p/x $a5',
      'monitor phys',
      'x/2xw 0x80002000',
      'monitor virt',
      'set var $a0 = 0x1234',
      'p/x $a0',
      'delete',
      'hbreak *0x80002002',
      'jump *main',
      'p/x $pc',
      'delete',
      'watch *(int *)&arr',
      'continue',
      'p/x $pc',
      'delete',
      'rwatch *(unsigned char *)&buf',
      'continue',
      'info threads',
      'kill',
    ], { file: elf });
    const code = await run.exit;
    expect(out).toContain('$1 = 0x80000000');
    expect(out).toMatch(/Breakpoint 1 at 0x80002000/);
    expect(out).toMatch(/Breakpoint 1, 0x0*80002000 in main/);
    expect(out).toContain('$2 = 0x80002000');
    expect(out).toMatch(/sp\s+0x[0-9a-f]+/);
    // M-mode, MPP and the rest as the program left them; misa says RV64 (MXL=2) with I, M, A, F, D, C.
    expect(out).toMatch(/\$3 = 0x[0-9a-f]+/);
    expect(out).toMatch(/\$4 = (3|prv:3)/);
    expect(out).toMatch(/\$5 = 0x8000000000[0-9a-f]{6}/);
    // lui a5,0x3 and add sp,sp,-112 (compressed), as objdump shows them.
    expect(out).toMatch(/0x80002000 <main>:\s+0x7159678d/);
    expect(out).toContain('$6 = 0x80002002');
    expect(out).toContain('$7 = 0x3000');
    expect(out).toMatch(/0x80002000 <main>:\s+0x7159678d/);
    expect(out).toContain('$8 = 0x1234');
    // A hardware breakpoint (Z1) stops as one ('hwbreak' in the stop reply).
    expect(out).toMatch(/Hardware assisted breakpoint 2 at 0x80002002/);
    expect(out).toMatch(/Breakpoint 2, 0x0*80002002 in main/);
    expect(out).toContain('$9 = 0x80002002');
    expect(out).toMatch(/Hardware watchpoint 3: \*\(int \*\)&arr/);
    expect(out).toMatch(/Old value = 0\s+New value = -?\d+/);
    // A read watchpoint (Z3) stops at the next load of buf[0] (crc32 reads it; stores do not stop it).
    expect(out).toMatch(/Hardware read watchpoint 4: \*\(unsigned char \*\)&buf\s+Value = \d+ '/);
    expect(out).toMatch(/\* 1\s+Thread 1/);
    expect(code).toBe(137);
  }, 90_000);

  it('shows every hart as a thread and stops the one that hits a breakpoint', async () => {
    const elf = path.join(GUEST, 'smp.elf');
    const run = await runWithGdb([machine, ...plugin, '--kernel', elf, '--set', 'components.cpus.count=2', '--gdb-wait', '-q'], root);
    const out = await gdbBatch(run.port, [
      'info threads',
      'break park',
      'continue',
      'info threads',
      'p $_thread',
      'thread 1',
      'p/x $mhartid',
      'thread 2',
      'p/x $mhartid',
      'delete',
      'detach',
    ], { file: elf });
    const code = await run.exit;
    expect(out).toMatch(/\* 1\s+Thread 1 \(hart0\)[^\n]*\n\s+2\s+Thread 2 \(hart1\)/);
    expect(out).toMatch(/Thread 2 "?h?a?r?t?1?"? ?hit Breakpoint 1, 0x[0-9a-f]+ in park|Thread 2 .*hit Breakpoint 1/);
    expect(out).toContain('$1 = 2');
    expect(out).toContain('$2 = 0x0');
    expect(out).toContain('$3 = 0x1');
    // Detached: the program runs to its end (both harts count, hart 0 checks, exit 0).
    expect(code).toBe(0);
  }, 90_000);
});

describe('tessera run --gdb on machines/riscv-htif.yaml', () => {
  it('lets GDB attach to a running machine, which runs on after a detach', async () => {
    const elf = path.join(GUEST, 'mips.elf');
    const run = await runWithGdb([machine, ...plugin, '--kernel', elf, '-q', '--max-instructions', '40000000'], root);
    expect(run.err()).toMatch(/gdb server on 127\.0\.0\.1:\d+/);
    // Let it run a while before attaching.
    await new Promise((r) => setTimeout(r, 300));
    const out = await gdbBatch(run.port, ['p/x $pc', 'p $minstret > 1000', 'detach'], { file: elf });
    expect(run.err()).toContain('gdb attached; the machine is stopped');
    expect(out).toMatch(/\$1 = 0x800[0-9a-f]{5}/);
    expect(out).toContain('$2 = 1');
    expect(out).toContain('Remote target) detached');
    // It ran on to the instruction budget (exit code 4).
    expect(await run.exit).toBe(4);
  }, 90_000);

  it('stops a running machine on Ctrl-C (0x03) and ends the run on kill', async () => {
    const net = await import('node:net');
    const elf = path.join(GUEST, 'mips.elf');
    const run = await runWithGdb([machine, ...plugin, '--kernel', elf, '--gdb-wait', '-q', '--stats'], root);
    const got = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(run.port, '127.0.0.1', () => sock.write('$c#63'));
      let text = '';
      setTimeout(() => sock.write('\x03'), 200);
      sock.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        if (text.includes('$T02')) sock.write('+$k#6b');
      });
      sock.on('close', () => resolve(text));
      sock.on('error', reject);
    });
    expect(got).toMatch(/\$T02thread:1;#[0-9a-f]{2}/);
    expect(await run.exit).toBe(137);
    // --stats still reports a run that ended under GDB.
    expect(run.err()).toMatch(/-- statistics --[^]*hart0 retired\s+[1-9]\d*/);
    expect(run.err()).toContain('tessera: killed from the debugger');
  }, 90_000);

  it('says so when the port is in use', async () => {
    const net = await import('node:net');
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    const { main } = await import('@tessera/core/cli');
    let err = '';
    const code = await main(['run', machine, ...plugin, '--kernel', path.join(GUEST, 'simple.elf'), '--gdb', String(port)], { out: () => {}, err: (t) => void (err += t), cwd: root });
    busy.close();
    expect(code).toBe(1);
    expect(err).toContain(`tessera: gdb port ${port} is already in use`);
    expect(err).toContain('choose another with --gdb PORT');
  });
});

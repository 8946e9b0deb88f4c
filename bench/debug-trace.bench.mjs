// The cost of watching a run (issue 11): a run with `--trace` of exceptions only, and a run
// under an attached but idle GDB (connected, no breakpoints, `continue`), each against the
// same run with neither. Rates are per second of this process's CPU time (see README), in
// rounds interleaved so host load affects every variant alike; the median is reported.
//   riscv mips.elf:      CPU-bound, few traps: what an attached sink costs the hot paths.
//   riscv ecall-loop.elf: 100000 ECALLs taken and returned from: the worst case for a trace
//                          of exceptions (one event per 7 instructions).
//   OpenSBI + U-Boot on machines/riscv-virt.yaml to U-Boot's autoboot prompt: trap-heavy
//                          (SBI calls, timer interrupts, illegal-instruction emulation):
//                          what tracing the traps costs. Skipped without `pnpm fetch-images`.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonlSink } from '@tessera/core/cli';
import { PluginRegistry, Simulation, buildSimulation, builtinPlugin, checksum, loadMachine, startGdbServer } from '@tessera/core';
import riscv from '@tessera/cpu-riscv';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const elf = path.join(root, 'packages', 'cpu-riscv', 'guest', 'bin', 'mips.elf');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-trace-'));
const ROUNDS = 5;

async function mipsMachine(kernel = elf) {
  const sim = new Simulation();
  sim.consoles.echo = false;
  const m = sim.addMachine('bench', { boot: { kernel } });
  await m.add('ram', builtinPlugin.components.ram, { base: 0x8000_0000, size: 64 * 1024 * 1024 });
  await m.add('cpus', riscv.components['riscv-hart'], {});
  await m.add('htif', riscv.components.htif, { harts: 'cpus', console: 'none' });
  return sim;
}

const images = path.join(root, '.cache', 'images', 'riscv64');
const haveImages = fs.existsSync(path.join(images, 'fw_jump.elf')) && fs.existsSync(path.join(images, 'u-boot.bin'));

async function ubootMachine() {
  const registry = new PluginRegistry();
  const config = await loadMachine(path.join(root, 'machines', 'riscv-virt.yaml'), {
    registry,
    cwd: root,
    overrides: { firmware: path.join(images, 'fw_jump.elf'), kernel: path.join(images, 'u-boot.bin') },
  });
  const { sim } = await buildSimulation(config, registry);
  sim.consoles.echo = false;
  // The run ends at U-Boot's autoboot prompt.
  let text = '';
  sim.consoles.watch((t) => {
    text += t;
    if (text.includes('Hit any key to stop autoboot')) sim.scheduler.stop({ reason: 'until', exitCode: 0, message: 'prompt' });
  });
  return sim;
}

/** Run to the end under a GDB client that only says `continue` (raw RSP over loopback). */
async function underIdleGdb(sim) {
  const target = sim.machines[0].componentNames.map((n) => sim.machines[0].api(n)).find((a) => a && typeof a.targetXml === 'function');
  for (const m of sim.machines) m.start();
  const server = await startGdbServer(sim, target, { port: 0 });
  await new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1', () => sock.write(`$c#${checksum('c')}`));
    let got = '';
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (/\$[WX][0-9a-f]{2}/.test(got)) {
        sock.end();
        resolve();
      }
    });
    sock.on('error', reject);
  });
  server.close();
}

async function measure(make, variant) {
  const sim = await make();
  let sink;
  if (variant === 'trace') {
    sink = new JsonlSink(path.join(tmp, 'trace.jsonl'), ['cpu.exception']);
    sim.events.addSink(sink);
  }
  const c0 = process.cpuUsage();
  if (variant === 'gdb') await underIdleGdb(sim);
  else sim.run();
  const cu = process.cpuUsage(c0);
  sink?.close();
  const retired = sim.scheduler.cpus.reduce((n, r) => n + r.retired, 0);
  sim.dispose();
  const secs = (cu.user + cu.system) / 1e6;
  return { mips: retired / secs / 1e6, ms: secs * 1000 };
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

export default async function () {
  const rows = [];
  const ecalls = path.join(root, 'packages', 'cpu-riscv', 'guest', 'bin', 'ecall-loop.elf');
  const workloads = [['riscv mips.elf', () => mipsMachine()], ['riscv ecall-loop.elf', () => mipsMachine(ecalls)]];
  if (haveImages) workloads.push(['OpenSBI + U-Boot to the prompt', ubootMachine]);
  else process.stderr.write('debug-trace: no riscv64 images (pnpm fetch-images): the U-Boot workload is skipped\n');
  for (const [name, make] of workloads) {
    const reps = 1;
    const fig = 'mips';
    const res = { none: [], trace: [], gdb: [] };
    await measure(make, 'none'); // warm-up
    for (let i = 0; i < ROUNDS; i++) {
      for (const v of ['none', 'trace', 'gdb']) {
        const xs = [];
        for (let k = 0; k < reps; k++) xs.push((await measure(make, v))[fig]);
        res[v].push(median(xs));
      }
    }
    const exceptions = fs.readFileSync(path.join(tmp, 'trace.jsonl'), 'utf8').split('\n').filter((l) => l !== '').length;
    const base = median(res.none);
    const unit = fig === 'mips' ? 'MIPS (CPU time)' : 'ms CPU per run';
    const what = fig === 'mips' ? 'MIPS' : 'run';
    rows.push({ bench: `watching a run: ${name}`, metric: `${what}, nothing attached`, value: +base.toFixed(2), unit, note: `median of ${ROUNDS} interleaved rounds; ${exceptions} exceptions traced per run` });
    for (const [v, label] of [['trace', '--trace, cpu.exception only'], ['gdb', 'GDB attached, idle (continue)']]) {
      const m = median(res[v]);
      const slow = fig === 'mips' ? 1 - m / base : m / base - 1;
      rows.push({ bench: `watching a run: ${name}`, metric: `${what}, ${label}`, value: +m.toFixed(2), unit, reference: +base.toFixed(2), ratio: +(m / base).toFixed(3), note: `slowdown ${(slow * 100).toFixed(1)}%` });
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  return rows;
}

// MIPS on the project's own CPU-bound C program (guest/bench.c), median of 5, with the
// ratio against qemu-system-aarch64 -M virt running the same ELF in the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinPlugin, loadElf, Simulation } from '@tessera/core';
import { armCpu } from '@tessera/cpu-aarch64';

const here = path.dirname(fileURLToPath(import.meta.url));
const elfPath = path.join(here, '..', 'guest', 'bench.elf');
const RUNS = 5;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function runOnce() {
  const sim = new Simulation();
  const m = sim.addMachine('bench');
  await m.add('ram', builtinPlugin.components.ram, { base: 0x4000_0000, size: 128 * 1024 * 1024 });
  const comp = await m.add('cpus', armCpu, { count: 1, 'start-el': 1 });
  const cluster = comp.api;
  m.start();
  const elf = loadElf(m.system, new Uint8Array(fs.readFileSync(elfPath)));
  cluster.entry = BigInt(elf.entry);
  cluster.reset();
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const stop = sim.run();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  if (stop?.reason !== 'poweroff') throw new Error(`bench guest did not power off: ${stop?.message}`);
  return { insns: cluster.cores[0].retired, secs, cpuSecs: (cpu.user + cpu.system) / 1e6 };
}

function qemuOnce() {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('qemu-system-aarch64', ['-M', 'virt', '-cpu', 'cortex-a53', '-m', '128', '-nographic', '-monitor', 'none', '-serial', 'none', '-kernel', elfPath], { timeout: 120_000 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return r.status === 0 ? secs : undefined;
}

export default async function () {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runOnce());
  const insns = runs[0].insns;
  const mips = median(runs.map((r) => r.insns / r.secs / 1e6));
  let hasQemu = true;
  try {
    execFileSync('qemu-system-aarch64', ['--version'], { stdio: 'ignore' });
  } catch {
    hasQemu = false;
  }
  const cpuMips = median(runs.map((r) => r.insns / r.cpuSecs / 1e6));
  const rows = [
    { bench: 'cpu-aarch64 bench.c', metric: 'MIPS (wall, median of 5)', value: Math.round(mips * 10) / 10, unit: 'MIPS', note: `${insns} instructions per run` },
    { bench: 'cpu-aarch64 bench.c', metric: 'MIPS (process CPU time, median of 5)', value: Math.round(cpuMips * 10) / 10, unit: 'MIPS', note: 'less sensitive to other load on the host' },
  ];
  if (hasQemu) {
    const q = [];
    for (let i = 0; i < RUNS; i++) {
      const s = qemuOnce();
      if (s !== undefined) q.push(s);
    }
    if (q.length > 0) {
      const qs = median(q);
      const ours = median(runs.map((r) => r.secs));
      rows.push({ bench: 'cpu-aarch64 bench.c', metric: 'wall time (median of 5)', value: Math.round(ours * 1000) / 1000, unit: 's', reference: Math.round(qs * 1000) / 1000, ratio: Math.round((ours / qs) * 100) / 100, note: 'reference: qemu-system-aarch64 -M virt (TCG, process start included)' });
      rows.push({ bench: 'cpu-aarch64 bench.c', metric: 'qemu equivalent MIPS', value: Math.round(insns / qs / 1e6), unit: 'MIPS', note: 'same instruction count over QEMU wall time' });
    }
  }
  return rows;
}


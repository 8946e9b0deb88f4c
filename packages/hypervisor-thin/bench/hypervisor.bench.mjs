// The thin hypervisor's costs, measured in one run:
//  - a CPU-bound program (cpu-riscv's guest/bin/mips.elf, -O2 C) bare in M-mode versus the
//    same ELF as a partition's guest in VS-mode (G-stage on, vsatp Bare) on the same
//    one-hart machine: wall time and retired instructions, median of 3; HTIF polls tohost
//    in both (the partition maps guest = host physical, so the poller sees the guest's word);
//  - G-stage with large leaves (1 GiB / 2 MiB) versus 4 KiB leaves only (`gstage-pages: 4k`)
//    on a TLB-bound guest (guest/bin/stride.elf: a load and a store per page over 32 MiB,
//    128 passes): TLB misses (each one a G-stage walk: 1 level for a gigapage leaf, 3 for 4 KiB
//    in Sv39x4), wall time;
// Exits per second by reason (a Linux boot on two vCPUs time-sliced on one hart) are in
// hypervisor-linux.bench.mjs.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Simulation, builtinPlugin } from '@tessera/core';
import cpu from '@tessera/cpu-riscv';
import hyp from '@tessera/hypervisor-thin';

const here = path.dirname(fileURLToPath(import.meta.url));
const mipsElf = path.join(here, '..', '..', 'cpu-riscv', 'guest', 'bin', 'mips.elf');
const guest = (n) => path.join(here, '..', 'guest', 'bin', `${n}.elf`);
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function machine({ elf, hypervisor, partition = {}, hypOptions = {}, htif = true }) {
  const sim = new Simulation();
  sim.consoles.echo = false;
  const m = sim.addMachine('bench', { boot: { kernel: elf } });
  await m.add('ram', builtinPlugin.components.ram, { base: 0x8000_0000, size: 128 * 1024 * 1024 });
  await m.add('cpus', cpu.components['riscv-hart'], {});
  if (htif) await m.add('htif', cpu.components.htif, { ...(hypervisor ? {} : { harts: 'cpus' }), elf, console: 'none' });
  if (hypervisor) {
    await m.add('hyp', hyp.components['thin-hypervisor'], {
      harts: 'cpus',
      ram: 'ram',
      pool: { base: 0x87f0_0000, size: 1024 * 1024 },
      ...hypOptions,
      partitions: { p: { harts: [0], memory: [{ guest: 0x8000_0000, host: 0x8000_0000, size: 64 * 1024 * 1024 }], console: 'capture', boot: { kernel: elf }, ...partition } },
    });
  }
  return { sim, m, hart: m.api('cpus').harts[0], hyp: hypervisor ? m.api('hyp').hypervisor : undefined };
}

async function timed(opts) {
  const r = await machine(opts);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const stop = r.sim.run();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cu = process.cpuUsage(c0);
  const cpuSecs = (cu.user + cu.system) / 1e6;
  const virt = r.sim.scheduler.now() / 1e9;
  if (stop?.exitCode !== 0) throw new Error(`${path.basename(opts.elf)} failed: ${stop?.message}`);
  const out = { secs, cpuSecs, virt, insns: r.hart.retired, tlb: { fetchLookups: r.hart.tlbStats.fetchLookups.value, fetchHits: r.hart.tlbStats.fetchHits.value, dataMisses: r.hart.tlbStats.dataMisses.value }, exits: r.hyp?.exitCounts() ?? new Map(), sched: r.sim.events.snapshot().get('hyp.sched') ?? [] };
  r.sim.dispose();
  return out;
}

/** Runs of `a` and `b` alternated (a shared machine's load drifts), medians of wall and CPU time. */
async function pair(a, b, n = 5) {
  const ra = [];
  const rb = [];
  for (let i = 0; i < n; i++) {
    ra.push(await timed(a));
    rb.push(await timed(b));
  }
  const med = (runs) => ({ ...runs[0], secs: median(runs.map((r) => r.secs)), cpuSecs: median(runs.map((r) => r.cpuSecs)) });
  return [med(ra), med(rb)];
}

function byReason(exits) {
  const out = new Map();
  for (const [k, v] of exits) {
    const reason = k.slice(k.indexOf(' ') + 1);
    out.set(reason, (out.get(reason) ?? 0) + v);
  }
  return out;
}

export default async function bench() {
  const rows = [];
  // Warm-up (V8 optimisation) on both paths.
  await timed({ elf: mipsElf, hypervisor: false });
  await timed({ elf: mipsElf, hypervisor: true });
  const [bare, under] = await pair({ elf: mipsElf, hypervisor: false }, { elf: mipsElf, hypervisor: true }, 3);
  const B = 'hypervisor-thin: CPU-bound guest (mips.elf)';
  rows.push({ bench: B, metric: 'CPU time under the hypervisor', value: round(under.cpuSecs, 3), unit: 's', reference: round(bare.cpuSecs, 3), ratio: round(under.cpuSecs / bare.cpuSecs, 3), note: 'reference: the same ELF bare in M-mode on the same machine; process CPU time, median of 3 alternated runs' });
  rows.push({ bench: B, metric: 'wall time under the hypervisor', value: round(under.secs, 3), unit: 's', reference: round(bare.secs, 3), ratio: round(under.secs / bare.secs, 3), note: 'the same runs, wall clock (noisy on a shared machine)' });
  rows.push({ bench: B, metric: 'retired instructions under the hypervisor', value: under.insns, unit: 'instr', reference: bare.insns, ratio: round(under.insns / bare.insns, 4), note: 'the hypervisor runs in TypeScript: its work is not in the guest hart\'s instruction count' });
  rows.push({ bench: B, metric: 'TLB misses (data) under the hypervisor', value: under.tlb.dataMisses, unit: 'misses', reference: bare.tlb.dataMisses, note: `fetch page lookups ${under.tlb.fetchLookups} (bare ${bare.tlb.fetchLookups}), fetch TLB hits ${under.tlb.fetchHits} (bare ${bare.tlb.fetchHits})` });
  rows.push({ bench: B, metric: 'exits under the hypervisor', value: [...under.exits.values()].reduce((a, b) => a + b, 0), unit: 'exits', note: [...byReason(under.exits)].map(([k, v]) => `${k} ${v}`).join(', ') || 'none' });

  const G = 'hypervisor-thin: G-stage leaves (stride.elf, 32 MiB x 128 passes)';
  await timed({ elf: guest('stride'), hypervisor: true, htif: false });
  const [large, small] = await pair({ elf: guest('stride'), hypervisor: true, htif: false }, { elf: guest('stride'), hypervisor: true, htif: false, hypOptions: { 'gstage-pages': '4k' } }, 5);
  rows.push({ bench: G, metric: 'TLB misses (G-stage walks), large leaves', value: large.tlb.dataMisses, unit: 'walks', note: `fetch lookups ${large.tlb.fetchLookups}, fetch hits ${large.tlb.fetchHits}` });
  rows.push({ bench: G, metric: 'TLB misses (G-stage walks), 4 KiB leaves', value: small.tlb.dataMisses, unit: 'walks', reference: large.tlb.dataMisses, note: 'the hart\'s TLB holds 4 KiB entries either way: the count matches, each walk is longer' });
  rows.push({ bench: G, metric: 'CPU time, 4 KiB leaves', value: round(small.cpuSecs, 3), unit: 's', reference: round(large.cpuSecs, 3), ratio: round(small.cpuSecs / large.cpuSecs, 3), note: 'reference: large leaves (a 64 MiB partition: 32 megapages); process CPU time, median of 5 alternated runs' });
  rows.push({ bench: G, metric: 'wall time, 4 KiB leaves', value: round(small.secs, 3), unit: 's', reference: round(large.secs, 3), ratio: round(small.secs / large.secs, 3), note: 'the same runs, wall clock' });

  return rows;
}

function round(v, digits) {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.table(await bench());
}

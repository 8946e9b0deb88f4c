/**
 * `tessera run`: drive a built simulation in wall-clock slices.
 *
 * The scheduler runs in slices of virtual time sized to take about 20 ms of wall time,
 * with `setImmediate` between them, so SIGINT, `--timeout` and keyboard input are handled
 * while the guest runs. Slicing never changes the simulated result: a slice boundary only
 * ends a quantum early in wall-clock terms, the virtual schedule is the same.
 */

import * as fs from 'node:fs';
import { SimError } from '../util/errors.js';
import type { EventSink, SimEvent } from '../events/events.js';
import type { Simulation } from '../machine/machine.js';
import type { StopInfo } from '../time/scheduler.js';

export interface RunLoopOptions {
  /** Wall-clock limit in seconds. */
  readonly timeoutS?: number;
  /** Stop with exit 0 when the console output (ANSI-stripped) matches. */
  readonly until?: RegExp;
  readonly maxInstructions?: number;
  /** Target wall time of one slice (ms). */
  readonly sliceMs?: number;
  /** Checked between slices: a Ctrl-C or similar asks to stop. */
  readonly interrupted?: () => boolean;
  /**
   * Checked between slices: a debugger took the machine over (`--gdb`). The loop waits for
   * the promise: a StopInfo ends the run (GDB killed it, or it ended under GDB), undefined
   * continues it (GDB detached). The wall time spent there does not count for `--timeout`.
   */
  readonly takeover?: () => Promise<StopInfo | undefined> | undefined;
}

export interface RunResult {
  readonly stop: StopInfo;
  readonly wallMs: number;
  /** The last non-empty console line (ANSI-stripped), for timeout messages. */
  readonly lastLine: string;
}

// CSI sequences (colours, cursor movement) and two-character escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\r/g;

/** Keeps the console output and tests `--until` against it. */
export class ConsoleWatch {
  private text = '';
  private lineStart = 0;
  private prevLineStart = 0;
  matched = false;

  constructor(private readonly until: RegExp | undefined, private readonly onMatch: () => void) {}

  feed(chunk: string): void {
    const clean = chunk.replace(ANSI, '');
    if (clean === '') return;
    this.text += clean;
    if (this.text.length > 1 << 20) {
      const cut = this.text.length - (1 << 19);
      this.text = this.text.slice(cut);
      this.lineStart = Math.max(0, this.lineStart - cut);
      this.prevLineStart = Math.max(0, this.prevLineStart - cut);
    }
    let nl = this.text.indexOf('\n', this.text.length - clean.length);
    while (nl >= 0) {
      this.prevLineStart = this.lineStart;
      this.lineStart = nl + 1;
      nl = this.text.indexOf('\n', nl + 1);
    }
    // Per write, only the last two lines are searched (cheap for byte-at-a-time UARTs);
    // `check()` between slices searches everything kept.
    if (this.until !== undefined && !this.matched && this.until.test(this.text.slice(this.prevLineStart))) this.match();
  }

  check(): void {
    if (this.until !== undefined && !this.matched && this.until.test(this.text)) this.match();
  }

  private match(): void {
    this.matched = true;
    this.onMatch();
  }

  lastLine(): string {
    const lines = this.text.split('\n').filter((l) => l.trim() !== '');
    return lines[lines.length - 1] ?? '';
  }
}

const MAX_SLICE_NS = 10_000_000;

export async function runLoop(sim: Simulation, opts: RunLoopOptions = {}): Promise<RunResult> {
  const watch = new ConsoleWatch(opts.until, () => {
    sim.scheduler.stop({ reason: 'until', exitCode: 0, message: `console output matched ${String(opts.until)}` });
  });
  sim.consoles.watch((text) => watch.feed(text));
  const sliceMs = opts.sliceMs ?? 20;
  let start = performance.now();
  let sliceNs = 100_000;
  const budget = opts.maxInstructions !== undefined ? { instructionBudget: opts.maxInstructions } : {};
  for (;;) {
    const t0 = performance.now();
    const stop = sim.run(sim.scheduler.now() + sliceNs, budget);
    const t1 = performance.now();
    watch.check();
    const done = stop ?? sim.scheduler.stopped;
    if (done !== undefined) return { stop: done, wallMs: t1 - start, lastLine: watch.lastLine() };
    // Aim each slice at `sliceMs` of wall time.
    const dt = t1 - t0;
    // Capped at 10 ms of virtual time: after an idle stretch (cheap time jumps) a CPU
    // waking up must not face a slice that takes minutes of wall time to finish.
    if (dt < sliceMs / 2) sliceNs = Math.min(sliceNs * 2, MAX_SLICE_NS);
    else if (dt > sliceMs * 2) sliceNs = Math.max(Math.floor(sliceNs / 2), 1_000);
    if (opts.timeoutS !== undefined && t1 - start >= opts.timeoutS * 1000) {
      const s = { reason: 'timeout' as const, exitCode: 124, message: `timeout after ${opts.timeoutS} s: ${formatNs(sim.scheduler.now())} of virtual time simulated` };
      return { stop: s, wallMs: t1 - start, lastLine: watch.lastLine() };
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.interrupted?.()) {
      return { stop: { reason: 'user', exitCode: 130, message: 'interrupted' }, wallMs: performance.now() - start, lastLine: watch.lastLine() };
    }
    const debug = opts.takeover?.();
    if (debug !== undefined) {
      const t = performance.now();
      const end = await debug;
      start += performance.now() - t;
      if (end !== undefined) return { stop: end, wallMs: performance.now() - start, lastLine: watch.lastLine() };
      if (opts.interrupted?.()) {
        return { stop: { reason: 'user', exitCode: 130, message: 'interrupted' }, wallMs: performance.now() - start, lastLine: watch.lastLine() };
      }
    }
  }
}

/** `--trace FILE`: one JSON object per event per line. BigInts are written as hex strings. */
export class JsonlSink implements EventSink {
  private fd: number;
  private buf: string[] = [];
  private size = 0;

  constructor(
    file: string,
    readonly kinds?: readonly string[],
    readonly sources?: readonly string[],
    /** Only events about these harts/cores (their `hart` field, by number or name); others pass. */
    private readonly harts?: readonly string[],
  ) {
    try {
      this.fd = fs.openSync(file, 'w');
    } catch (e) {
      throw new SimError(`cannot write the trace file '${file}': ${(e as Error).message}`);
    }
  }

  event(e: SimEvent): void {
    if (this.harts !== undefined && e.hart !== undefined && !this.harts.includes(String(e.hart))) return;
    // A replacer makes JSON.stringify markedly slower (measured: 0.66 against 1.07 µs for a
    // trap event): only events holding a BigInt or an object (a typed array) need it.
    let plain = true;
    for (const k in e) {
      const v = e[k];
      if (typeof v === 'bigint' || (typeof v === 'object' && v !== null)) {
        plain = false;
        break;
      }
    }
    const line = plain ? JSON.stringify(e) : JSON.stringify(e, jsonReplacer);
    this.buf.push(line);
    this.size += line.length + 1;
    if (this.size > 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    fs.writeSync(this.fd, this.buf.join('\n') + '\n');
    this.buf = [];
    this.size = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}

function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return '0x' + v.toString(16);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? '0x' + x.toString(16) : x));
  return v;
}

/** `--trace-kinds cpu,hyp.exit`: a bare group name (`cpu`) means every `cpu.*` kind too. */
export function traceKinds(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  const out: string[] = [];
  for (const k of list.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    out.push(k);
    if (!k.endsWith('.') && !k.includes('.')) out.push(k + '.');
  }
  return out;
}

export function formatNs(ns: number): string {
  if (ns < 1e3) return `${ns} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(3)} ms`;
  return `${(ns / 1e9).toFixed(3)} s`;
}

/**
 * The `--stats` table: time, per-CPU instructions and MIPS, the TLB figures the CPUs count
 * (`tlb` group: fetch lookups and hits per page entry, data misses per TLB miss; hits of
 * the data fast path are not counted, which keeps it free), then every counter group:
 * exceptions by cause, interrupts by cause and by source (`irq.sources`), hypervisor exits
 * by partition, vCPU and reason, MMIO accesses per device region, ...
 */
export function statsTable(sim: Simulation, wallMs: number): string {
  const rows: string[][] = [];
  rows.push(['virtual time', formatNs(sim.scheduler.now())]);
  rows.push(['wall time', `${wallMs.toFixed(1)} ms`]);
  rows.push(['scheduler events', String(sim.scheduler.eventsFired)]);
  const cpus = sim.scheduler.cpus;
  let total = 0;
  const mips = (n: number): string => (wallMs > 0 ? (n / wallMs / 1000).toFixed(2) : '-');
  for (const r of cpus) {
    total += r.retired;
    rows.push([`${r.name} retired`, `${r.retired}  (${mips(r.retired)} MIPS)`]);
  }
  if (cpus.length > 1) rows.push(['total retired', `${total}  (${mips(total)} MIPS)`]);
  const width = Math.max(...rows.map((r) => r[0]!.length));
  const lines = ['-- statistics --', ...rows.map(([k, v]) => `${k!.padEnd(width)}  ${v}`)];
  const groups = sim.events.snapshot();
  const tlb = groups.get('tlb');
  if (tlb !== undefined) {
    lines.push('-- TLB --');
    const get = (cpu: string, what: string): number => tlb.find((c) => c.key === `${cpu} ${what}`)?.value ?? 0;
    const names = [...new Set(tlb.map((c) => c.key.replace(/ (fetch lookups|fetch hits|data misses)$/, '')))];
    const w = Math.max(...names.map((n) => n.length));
    for (const n of names) {
      const lookups = get(n, 'fetch lookups');
      const hits = get(n, 'fetch hits');
      const misses = get(n, 'data misses');
      const retired = cpus.find((r) => r.name === n)?.retired ?? 0;
      const rate = lookups > 0 ? `${((100 * hits) / lookups).toFixed(2)}%` : '-';
      const per = retired > 0 ? ` (${((1000 * misses) / retired).toFixed(3)} per 1000 instructions)` : '';
      lines.push(`${n.padEnd(w)}  fetch hit rate ${rate} of ${lookups} code-page lookups; data TLB misses ${misses}${per}`);
    }
  }
  for (const [group, counters] of groups) {
    if (group === 'tlb') continue;
    lines.push(`-- ${group} --`);
    const w = Math.max(...counters.map((c) => c.key.length));
    for (const c of counters) lines.push(`${c.key.padEnd(w)}  ${c.value}`);
  }
  return lines.join('\n') + '\n';
}

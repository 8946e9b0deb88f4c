/**
 * A GDB remote serial protocol server (all-stop mode) for a Tessera simulation.
 *
 * It speaks the packets GDB uses against a bare-metal multi-core target: `?`, `g`/`G`,
 * `p`/`P`, `m`/`M`/`X`, `c`/`s`, `vCont`, `Z0`–`Z4`/`z0`–`z4`, `H`, `T`, `qSupported`,
 * `qXfer:features:read`, thread queries, `qRcmd` monitor commands, `QStartNoAckMode`,
 * `k` and `D`, and the 0x03 interrupt byte. Every core is a thread (ids from 1).
 *
 * While GDB is attached the server owns the run loop: it runs the scheduler in slices of
 * virtual time, yielding to the event loop between slices so packets (Ctrl-C) are seen,
 * and stops the whole machine when a core reports a breakpoint or watchpoint hit.
 */

import * as net from 'node:net';
import type { Simulation } from '../machine/machine.js';
import type { StopInfo } from '../time/scheduler.js';
import { SimError } from '../util/errors.js';
import type { DebugStop, DebugTarget, WatchKind, Watchpoint } from './target.js';

export interface GdbServerOptions {
  port: number;
  /** Host to listen on; loopback by default (the debugger is local). */
  host?: string;
  /** Virtual time per run slice (ns) between looks at the socket. */
  sliceNs?: number;
  /** Called for every packet exchanged (debugging the server itself). */
  log?: (direction: '<-' | '->', packet: string) => void;
}

const SIGTRAP = 5;
/** Largest run slice (virtual ns) between looks at the socket. */
const MAX_SLICE_NS = 10_000_000;
const SIGINT = 2;

/** Checksum of a packet's payload (modulo-256 sum), as two hex digits. */
export function checksum(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum = (sum + payload.charCodeAt(i)) & 0xff;
  return sum.toString(16).padStart(2, '0');
}

/** Escape `#`, `$`, `}` and `*` in a reply payload (GDB manual E.1: binary data). */
export function escapeBinary(s: string): string {
  return s.replace(/[#$}*]/g, (c) => '}' + String.fromCharCode(c.charCodeAt(0) ^ 0x20));
}

export function unescapeBinary(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x7d && i + 1 < bytes.length) out.push(bytes[++i]! ^ 0x20);
    else out.push(bytes[i]!);
  }
  return Uint8Array.from(out);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(s: string): Uint8Array | undefined {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Splits a byte stream into packets and interrupt bytes. Payload bytes are kept as latin1
 * characters so binary `X` packets survive.
 */
export class PacketReader {
  private buf = '';

  /** Feed received bytes; returns complete items: packets (payload, checksum ok?) or 'interrupt'. */
  feed(data: Uint8Array | string): Array<{ payload: string; ok: boolean } | 'interrupt' | 'ack' | 'nak'> {
    this.buf += typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
    const out: Array<{ payload: string; ok: boolean } | 'interrupt' | 'ack' | 'nak'> = [];
    for (;;) {
      if (this.buf.length === 0) break;
      const c = this.buf[0]!;
      if (c === '\x03') {
        out.push('interrupt');
        this.buf = this.buf.slice(1);
        continue;
      }
      if (c === '+' || c === '-') {
        out.push(c === '+' ? 'ack' : 'nak');
        this.buf = this.buf.slice(1);
        continue;
      }
      if (c !== '$') {
        // Noise between packets is ignored, as GDB stubs do.
        this.buf = this.buf.slice(1);
        continue;
      }
      const hash = this.buf.indexOf('#');
      if (hash < 0 || this.buf.length < hash + 3) break;
      const payload = this.buf.slice(1, hash);
      const sum = this.buf.slice(hash + 1, hash + 3);
      this.buf = this.buf.slice(hash + 3);
      out.push({ payload, ok: sum.toLowerCase() === checksum(payload) });
    }
    return out;
  }
}

interface Breakpoint {
  readonly kind: 'sw' | 'hw';
  readonly addr: bigint;
}

/**
 * One GDB connection bound to a simulation and its debug target. Transport-independent:
 * `receive()` takes bytes from GDB, `send` (given to the constructor) carries bytes to it.
 */
export class GdbSession {
  private readonly reader = new PacketReader();
  private noAck = false;
  private enterNoAck = false;
  private gThread = 1;
  private cThread = -1;
  private readonly breakpoints: Breakpoint[] = [];
  private readonly watchpoints: Watchpoint[] = [];
  private physical = false;
  private running = false;
  private lastStop: DebugStop | undefined;
  private stopThread = 1;
  private pendingInterrupt = false;
  private finished: StopInfo | undefined;
  private closed = false;
  private readonly sliceNs: number;
  /** Resolves when the session ends (detach, kill, simulation end). */
  readonly done: Promise<StopInfo | undefined>;
  private resolveDone!: (s: StopInfo | undefined) => void;

  constructor(
    private readonly sim: Simulation,
    private readonly target: DebugTarget,
    private readonly send: (data: string) => void,
    private readonly opts: { sliceNs?: number; log?: GdbServerOptions['log'] } = {},
  ) {
    this.sliceNs = opts.sliceNs ?? 1_000_000;
    this.done = new Promise((r) => (this.resolveDone = r));
    target.setDebugHooks({ hit: (stop) => this.onHit(stop) });
  }

  receive(data: Uint8Array | string): void {
    for (const item of this.reader.feed(data)) {
      if (item === 'ack' || item === 'nak') continue;
      if (item === 'interrupt') {
        this.interrupt();
        continue;
      }
      if (!this.noAck) this.send(item.ok ? '+' : '-');
      if (!item.ok) continue;
      this.opts.log?.('<-', item.payload);
      const reply = this.handle(item.payload);
      if (reply !== undefined) this.reply(reply);
      if (this.enterNoAck) {
        this.enterNoAck = false;
        this.noAck = true;
      }
    }
  }

  private reply(payload: string): void {
    if (this.closed) return;
    this.opts.log?.('->', payload);
    this.send(`$${payload}#${checksum(payload)}`);
  }

  private get cores() {
    return this.target.cores;
  }

  private coreIndex(thread: number): number {
    if (thread <= 0) return 0;
    return Math.min(thread - 1, this.cores.length - 1);
  }

  /** Handle one packet; returns the reply, or undefined when it comes later (resume). */
  handle(p: string): string | undefined {
    const cmd = p[0];
    switch (cmd) {
      case '?':
        return this.stopReply(this.lastStop, this.finished);
      case 'g': {
        return toHex(this.cores[this.coreIndex(this.gThread)]!.readRegisters());
      }
      case 'G': {
        const bytes = fromHex(p.slice(1));
        if (bytes === undefined) return 'E01';
        this.cores[this.coreIndex(this.gThread)]!.writeRegisters(bytes);
        return 'OK';
      }
      case 'p': {
        const r = this.cores[this.coreIndex(this.gThread)]!.readRegister(parseInt(p.slice(1), 16));
        return r === undefined ? 'E01' : toHex(r);
      }
      case 'P': {
        const [n, v] = p.slice(1).split('=');
        const bytes = fromHex(v ?? '');
        if (n === undefined || bytes === undefined) return 'E01';
        return this.cores[this.coreIndex(this.gThread)]!.writeRegister(parseInt(n, 16), bytes) ? 'OK' : 'E01';
      }
      case 'm': {
        const [a, l] = p.slice(1).split(',');
        const len = Math.min(parseInt(l ?? '0', 16), 0x4000);
        const data = this.cores[this.coreIndex(this.gThread)]!.readMemory(BigInt('0x' + (a || '0')), len, this.physical);
        return data === undefined ? 'E14' : toHex(data);
      }
      case 'M': {
        const m = /^M([0-9a-fA-F]+),([0-9a-fA-F]+):([0-9a-fA-F]*)$/.exec(p);
        const bytes = m ? fromHex(m[3]!) : undefined;
        if (m === null || bytes === undefined) return 'E01';
        return this.cores[this.coreIndex(this.gThread)]!.writeMemory(BigInt('0x' + m[1]), bytes, this.physical) ? 'OK' : 'E14';
      }
      case 'X': {
        const colon = p.indexOf(':');
        const [a] = p.slice(1, colon).split(',');
        const data = unescapeBinary(Buffer.from(p.slice(colon + 1), 'latin1'));
        if (data.length === 0) return 'OK';
        return this.cores[this.coreIndex(this.gThread)]!.writeMemory(BigInt('0x' + (a || '0')), data, this.physical) ? 'OK' : 'E14';
      }
      case 'H': {
        const t = parseInt(p.slice(2), 16);
        if (p[1] === 'g') this.gThread = t <= 0 ? 1 : t;
        else this.cThread = t;
        return 'OK';
      }
      case 'T': {
        const t = parseInt(p.slice(1), 16);
        return t >= 1 && t <= this.cores.length ? 'OK' : 'E01';
      }
      case 'c':
        this.resume(undefined);
        return undefined;
      case 's':
        this.resume(this.coreIndex(this.cThread > 0 ? this.cThread : this.gThread));
        return undefined;
      case 'Z':
      case 'z':
        return this.breakpoint(p);
      case 'k':
        this.end({ reason: 'user', exitCode: 137, message: 'killed from the debugger' });
        return undefined;
      case 'D':
        this.reply('OK');
        this.detach();
        return undefined;
      case 'v':
        return this.vPacket(p);
      case 'q':
      case 'Q':
        return this.query(p);
      default:
        return '';
    }
  }

  private vPacket(p: string): string | undefined {
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (p.startsWith('vCont;')) {
      // Actions are applied first-match per thread; all-stop: one step action at most.
      let stepCore: number | undefined;
      for (const action of p.slice(6).split(';')) {
        const [a, tid] = action.split(':');
        if (a === 's' || a?.startsWith('S')) {
          stepCore = tid === undefined || parseInt(tid, 16) <= 0 ? this.coreIndex(this.gThread) : this.coreIndex(parseInt(tid, 16));
          break;
        }
      }
      this.resume(stepCore);
      return undefined;
    }
    if (p.startsWith('vKill')) {
      this.reply('OK');
      this.end({ reason: 'user', exitCode: 137, message: 'killed from the debugger' });
      return undefined;
    }
    if (p === 'vMustReplyEmpty') return '';
    return '';
  }

  private query(p: string): string {
    if (p.startsWith('qSupported')) {
      return 'PacketSize=4000;qXfer:features:read+;QStartNoAckMode+;vContSupported+;swbreak+;hwbreak+';
    }
    if (p === 'QStartNoAckMode') {
      // The OK itself is still acknowledged; acks stop after it (GDB manual E.11).
      this.enterNoAck = true;
      return 'OK';
    }
    if (p.startsWith('qXfer:features:read:')) {
      const m = /^qXfer:features:read:([^:]+):([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
      if (m === null) return 'E00';
      if (m[1] !== 'target.xml') return 'E00';
      const xml = this.target.targetXml();
      const off = parseInt(m[2]!, 16);
      const len = parseInt(m[3]!, 16);
      const chunk = xml.slice(off, off + len);
      return (off + len >= xml.length ? 'l' : 'm') + escapeBinary(chunk);
    }
    if (p === 'qfThreadInfo') return 'm' + this.cores.map((_, i) => (i + 1).toString(16)).join(',');
    if (p === 'qsThreadInfo') return 'l';
    if (p === 'qC') return 'QC' + this.stopThread.toString(16);
    if (p === 'qAttached') return '1';
    if (p.startsWith('qThreadExtraInfo,')) {
      const t = parseInt(p.slice('qThreadExtraInfo,'.length), 16);
      const c = this.cores[t - 1];
      return c === undefined ? 'E01' : toHex(new TextEncoder().encode(c.name));
    }
    if (p.startsWith('qRcmd,')) {
      const text = new TextDecoder().decode(fromHex(p.slice(6)) ?? new Uint8Array());
      return this.monitor(text.trim());
    }
    if (p === 'qOffsets') return 'Text=0;Data=0;Bss=0';
    if (p === 'qSymbol::') return 'OK';
    return '';
  }

  private monitor(cmd: string): string {
    const say = (s: string) => 'O' + toHex(new TextEncoder().encode(s + '\n'));
    if (cmd === 'phys' || cmd === 'physical on') {
      this.physical = true;
      this.reply(say('memory accesses are physical'));
      return 'OK';
    }
    if (cmd === 'virt' || cmd === 'physical off') {
      this.physical = false;
      this.reply(say('memory accesses go through the current translation'));
      return 'OK';
    }
    if (cmd === 'time') {
      this.reply(say(`virtual time ${this.sim.scheduler.now()} ns`));
      return 'OK';
    }
    this.reply(say('monitor commands: phys, virt, time'));
    return 'OK';
  }

  private breakpoint(p: string): string {
    const m = /^([Zz])([0-4]),([0-9a-fA-F]+),([0-9a-fA-F]+)/.exec(p);
    if (m === null) return 'E01';
    const insert = m[1] === 'Z';
    const type = Number(m[2]);
    const addr = BigInt('0x' + m[3]);
    const len = parseInt(m[4]!, 16);
    if (type <= 1) {
      const kind = type === 0 ? 'sw' : 'hw';
      const i = this.breakpoints.findIndex((b) => b.addr === addr && b.kind === kind);
      if (insert && i < 0) this.breakpoints.push({ kind, addr });
      if (!insert && i >= 0) this.breakpoints.splice(i, 1);
      this.target.setBreakpoints(new Set(this.breakpoints.map((b) => b.addr)));
      return 'OK';
    }
    const kind: WatchKind = type === 2 ? 'write' : type === 3 ? 'read' : 'access';
    const i = this.watchpoints.findIndex((w) => w.addr === addr && w.length === len && w.kind === kind);
    if (insert && i < 0) this.watchpoints.push({ addr, length: len, kind });
    if (!insert && i >= 0) this.watchpoints.splice(i, 1);
    this.target.setWatchpoints([...this.watchpoints]);
    return 'OK';
  }

  private stopReply(stop: DebugStop | undefined, fin: StopInfo | undefined): string {
    if (fin !== undefined) return `W${(fin.exitCode & 0xff).toString(16).padStart(2, '0')}`;
    // A stop makes the stopped thread the general one: GDB reads its registers next with a
    // plain `g`, without an `Hg` (as QEMU's and gdbserver's stubs behave).
    this.gThread = this.stopThread;
    const thread = `thread:${this.stopThread.toString(16)};`;
    if (stop === undefined) return `T${SIGTRAP.toString(16).padStart(2, '0')}${thread}`;
    if (stop.reason === 'breakpoint') return `T05${thread}${stop.hardware ? 'hwbreak' : 'swbreak'}:;`;
    const w = stop.kind === 'write' ? 'watch' : stop.kind === 'read' ? 'rwatch' : 'awatch';
    return `T05${thread}${w}:${stop.addr.toString(16)};`;
  }

  private onHit(stop: DebugStop): void {
    if (stop.reason === 'breakpoint') {
      // CPUs check one address set; the kind GDB inserted decides swbreak/hwbreak (E.3).
      const pc = this.cores[stop.core]?.pc();
      const kinds = this.breakpoints.filter((b) => b.addr === pc).map((b) => b.kind);
      if (kinds.length > 0) stop = { ...stop, hardware: !kinds.includes('sw') };
    }
    this.lastStop = stop;
    this.stopThread = stop.core + 1;
    this.sim.scheduler.stop({ reason: 'debug', exitCode: 0, message: 'debugger stop' });
  }

  /** Ctrl-C from GDB. */
  private interrupt(): void {
    if (this.running) this.pendingInterrupt = true;
    else {
      this.gThread = this.stopThread;
      this.reply(`T${SIGINT.toString(16).padStart(2, '0')}thread:${this.stopThread.toString(16)};`);
    }
  }

  private resume(stepCore: number | undefined): void {
    if (this.finished !== undefined) {
      this.reply(this.stopReply(undefined, this.finished));
      return;
    }
    if (stepCore !== undefined) {
      const core = this.cores[stepCore]!;
      this.lastStop = undefined;
      this.stopThread = stepCore + 1;
      core.step();
      // The step may have hit a watchpoint (reported through onHit) or ended the run (a
      // guest power-off): report that instead of a plain step stop.
      const s = this.sim.scheduler;
      const st = s.stopped;
      if (st !== undefined && st.reason !== 'debug') {
        this.finished = st;
        this.reply(this.stopReply(undefined, st));
        this.end(st);
        return;
      }
      if (st !== undefined) s.clearStop();
      this.stopThread = stepCore + 1;
      this.reply(this.stopReply(this.lastStop, undefined));
      return;
    }
    this.running = true;
    this.lastStop = undefined;
    // Slices grow while they are cheap in wall time (an idle machine jumps through virtual
    // time) and shrink when slow, so Ctrl-C is seen within tens of milliseconds either way
    // and an idle debugger costs little (the CLI's run loop does the same).
    let sliceNs = this.sliceNs;
    const slice = (): void => {
      if (this.closed) return;
      if (this.pendingInterrupt) {
        this.pendingInterrupt = false;
        this.running = false;
        this.gThread = this.stopThread;
        this.reply(`T${SIGINT.toString(16).padStart(2, '0')}thread:${this.stopThread.toString(16)};`);
        return;
      }
      const s = this.sim.scheduler;
      const t0 = performance.now();
      const r = this.sim.run(s.now() + sliceNs);
      const dt = performance.now() - t0;
      if (r === undefined) {
        if (dt < 10) sliceNs = Math.min(sliceNs * 2, MAX_SLICE_NS);
        else if (dt > 40) sliceNs = Math.max(Math.floor(sliceNs / 2), 1_000);
        setImmediate(slice);
        return;
      }
      if (r.reason === 'debug') {
        s.clearStop();
        this.running = false;
        this.reply(this.stopReply(this.lastStop, undefined));
        return;
      }
      this.running = false;
      this.finished = r;
      this.reply(this.stopReply(undefined, r));
      this.end(r);
    };
    setImmediate(slice);
  }

  private detach(): void {
    this.target.setBreakpoints(new Set());
    this.target.setWatchpoints([]);
    this.target.setDebugHooks(undefined);
    this.closed = true;
    this.resolveDone(undefined);
  }

  private end(info: StopInfo): void {
    this.finished = info;
    this.target.setDebugHooks(undefined);
    this.closed = true;
    this.resolveDone(info);
  }

  /** The connection went away. */
  disconnected(): void {
    if (!this.closed) this.detach();
  }
}

/**
 * Listen on `port` (loopback) and serve one GDB connection at a time. Resolves once
 * listening; `session` resolves with the first connection's session.
 */
export async function startGdbServer(
  sim: Simulation,
  target: DebugTarget,
  opts: GdbServerOptions & { onSession?: (s: GdbSession) => void },
): Promise<{ server: net.Server; port: number; session: Promise<GdbSession>; close(): void }> {
  let resolveSession!: (s: GdbSession) => void;
  const session = new Promise<GdbSession>((r) => (resolveSession = r));
  let active: GdbSession | undefined;
  const sockets = new Set<net.Socket>();
  // One connection at a time; after a detach the next GDB may attach (as QEMU's gdbstub).
  const server = net.createServer((sock) => {
    if (active !== undefined) {
      sock.end();
      return;
    }
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.setNoDelay(true);
    const s = new GdbSession(sim, target, (d) => sock.write(Buffer.from(d, 'latin1')), { sliceNs: opts.sliceNs, log: opts.log });
    active = s;
    sock.on('data', (d: Buffer) => s.receive(d));
    sock.on('close', () => {
      s.disconnected();
      active = undefined;
    });
    sock.on('error', () => s.disconnected());
    void s.done.then(() => {
      sock.end();
      active = undefined;
    });
    resolveSession(s);
    opts.onSession?.(s);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new SimError(`gdb port ${opts.port} is already in use`, 'choose another with --gdb PORT')
          : new SimError(`cannot listen for gdb on port ${opts.port}: ${e.message}`),
      ),
    );
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : opts.port;
  return {
    server,
    port,
    session,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

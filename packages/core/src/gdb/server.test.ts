import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../machine/machine.js';
import type { RamRegion } from '../bus/ram.js';
import type { Runnable } from '../time/scheduler.js';
import { checksum, escapeBinary, fromHex, GdbSession, PacketReader, startGdbServer, toHex, unescapeBinary } from './server.js';
import type { DebugCore, DebugHooks, DebugTarget, Watchpoint } from './target.js';

/**
 * A toy core for exercising the protocol: every "instruction" stores a0 to 0x80001000 +
 * 8*hartid, increments a0 and advances pc by 4, wrapping within a 64-byte loop.
 */
class ToyCore implements DebugCore, Runnable {
  readonly x = new BigUint64Array(32);
  pcv = 0x8000_0000n;
  retired = 0;
  time = 0;
  halted = false;
  constructor(
    readonly name: string,
    readonly id: number,
    private readonly ram: RamRegion,
    private readonly owner: ToyTarget,
  ) {}
  localTime(): number {
    return this.time;
  }
  syncTime(t: number): void {
    this.time = t;
  }
  run(until: number): void {
    const s = this.owner.sim.scheduler;
    while (this.time < until && !s.exitRequested) {
      if (this.owner.breakpoints.has(this.pcv) && !this.owner.skipBreak) {
        this.owner.hooks?.hit({ reason: 'breakpoint', core: this.id, hardware: false });
        return;
      }
      this.owner.skipBreak = false;
      this.exec();
      const addr = 0x8000_1000n + BigInt(8 * this.id);
      const w = this.owner.watch.find((wp) => wp.kind !== 'read' && addr < wp.addr + BigInt(wp.length) && wp.addr < addr + 8n);
      if (w !== undefined) {
        this.owner.hooks?.hit({ reason: 'watchpoint', core: this.id, kind: 'write', addr });
        return;
      }
    }
  }
  exec(): void {
    this.ram.u64[(0x1000 + 8 * this.id) / 8] = this.x[10]!;
    this.x[10] = this.x[10]! + 1n;
    this.pcv = 0x8000_0000n + ((this.pcv + 4n) & 0x3fn);
    this.retired++;
    this.time += 1;
  }
  step(): void {
    this.exec();
  }
  pc(): bigint {
    return this.pcv;
  }
  readRegisters(): Uint8Array {
    const out = new Uint8Array(33 * 8);
    const v = new DataView(out.buffer);
    for (let i = 0; i < 32; i++) v.setBigUint64(i * 8, this.x[i]!, true);
    v.setBigUint64(256, this.pcv, true);
    return out;
  }
  writeRegisters(bytes: Uint8Array): void {
    for (let i = 0; i < 33; i++) this.writeRegister(i, bytes.subarray(i * 8, i * 8 + 8));
  }
  readRegister(n: number): Uint8Array | undefined {
    if (n > 32) return undefined;
    return this.readRegisters().slice(n * 8, n * 8 + 8);
  }
  writeRegister(n: number, bytes: Uint8Array): boolean {
    if (n > 32 || bytes.length !== 8) return false;
    const v = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (n === 32) this.pcv = v;
    else if (n > 0) this.x[n] = v;
    return true;
  }
  readMemory(addr: bigint, length: number): Uint8Array | undefined {
    const out = new Uint8Array(length);
    return this.owner.sim.machines[0]!.system.readBytes(Number(addr), out) ? out : undefined;
  }
  writeMemory(addr: bigint, data: Uint8Array): boolean {
    return this.owner.sim.machines[0]!.system.writeBytes(Number(addr), data);
  }
}

const REG_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 'fp', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

class ToyTarget implements DebugTarget {
  readonly architecture = 'riscv:rv64';
  readonly cores: ToyCore[];
  hooks: DebugHooks | undefined;
  breakpoints = new Set<bigint>();
  watch: Watchpoint[] = [];
  skipBreak = false;
  constructor(
    readonly sim: Simulation,
    ram: RamRegion,
    n: number,
  ) {
    this.cores = Array.from({ length: n }, (_, i) => new ToyCore(`hart${i}`, i, ram, this));
    for (const c of this.cores) sim.scheduler.addRunnable(c);
  }
  targetXml(): string {
    const regs = REG_NAMES.map((r, i) => `<reg name="${r}" bitsize="64" regnum="${i}"/>`).join('');
    return `<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target version="1.0"><architecture>riscv:rv64</architecture><feature name="org.gnu.gdb.riscv.cpu">${regs}<reg name="pc" bitsize="64" type="code_ptr" regnum="32"/></feature></target>`;
  }
  setDebugHooks(h: DebugHooks | undefined): void {
    this.hooks = h;
  }
  setBreakpoints(a: ReadonlySet<bigint>): void {
    this.breakpoints = new Set(a);
    this.skipBreak = true;
  }
  setWatchpoints(w: readonly Watchpoint[]): void {
    this.watch = [...w];
  }
}

function toyMachine(cores = 2): { sim: Simulation; target: ToyTarget } {
  const sim = new Simulation({ quantumNs: 100 });
  const m = sim.addMachine('toy');
  const ram = m.system.addRam('ram', 0x8000_0000, 0x10000);
  // The loop is made of real RV64 NOPs (addi x0, x0, 0) so GDB's software single step,
  // which decodes the instruction at pc, predicts pc + 4 as the toy core does.
  ram.u32.fill(0x0000_0013, 0, 16);
  return { sim, target: new ToyTarget(sim, ram, cores) };
}

function packet(payload: string): string {
  return `$${payload}#${checksum(payload)}`;
}

describe('packet framing', () => {
  it('computes checksums and splits packets, acks and interrupts', () => {
    expect(checksum('qSupported')).toBe('37');
    const r = new PacketReader();
    expect(r.feed('+$g#67$m0')).toEqual(['ack', { payload: 'g', ok: true }]);
    expect(r.feed(',4#00\x03')).toEqual([{ payload: 'm0,4', ok: false }, 'interrupt']);
  });

  it('escapes and unescapes binary data', () => {
    expect(escapeBinary('a#b$c}d*')).toBe('a}\x03b}\x04c}]d}\x0a');
    expect(Array.from(unescapeBinary(Uint8Array.from([0x7d, 0x03, 0x41])))).toEqual([0x23, 0x41]);
    expect(toHex(fromHex('00ff10')!)).toBe('00ff10');
    expect(fromHex('0g')).toBeUndefined();
  });
});

describe('GdbSession', () => {
  it('answers register, memory and thread queries', () => {
    const { sim, target } = toyMachine();
    const sent: string[] = [];
    const s = new GdbSession(sim, target, (d) => sent.push(d));
    target.cores[1]!.x[10] = 0x1234n;
    s.receive(packet('Hg2'));
    s.receive(packet('p0a'));
    s.receive(packet('M80000000,4:deadbeef'));
    s.receive(packet('m80000000,4'));
    s.receive(packet('m10,4'));
    s.receive(packet('qfThreadInfo'));
    s.receive(packet('vCont?'));
    const replies = sent.filter((x) => x !== '+').map((x) => x.slice(1, x.indexOf('#')));
    expect(replies).toEqual(['OK', '3412000000000000', 'OK', 'deadbeef', 'E14', 'm1,2', 'vCont;c;C;s;S']);
  });

  it('serves the target description in chunks', () => {
    const { sim, target } = toyMachine(1);
    const sent: string[] = [];
    const s = new GdbSession(sim, target, (d) => sent.push(d));
    s.receive(packet('qXfer:features:read:target.xml:0,20'));
    const r = sent.at(-1)!;
    expect(r.startsWith('$m<?xml')).toBe(true);
  });

  it('stops a continue at a breakpoint and reports the thread', async () => {
    const { sim, target } = toyMachine(2);
    const sent: string[] = [];
    const s = new GdbSession(sim, target, (d) => sent.push(d), { sliceNs: 1000 });
    s.receive(packet('Z0,80000010,4'));
    s.receive(packet('c'));
    await new Promise((r) => setTimeout(r, 50));
    const last = sent.at(-1)!;
    expect(last).toMatch(/^\$T05thread:1;swbreak:;#/);
    expect(target.cores[0]!.pcv).toBe(0x8000_0010n);
  });
});

describe('GdbSession stop replies', () => {
  it('reports a Z1 breakpoint as hwbreak and makes the stopping thread current', async () => {
    const { sim, target } = toyMachine(2);
    const sent: string[] = [];
    const s = new GdbSession(sim, target, (d) => sent.push(d), { sliceNs: 1000 });
    target.cores[0]!.halted = true;
    target.cores[1]!.pcv = 0x8000_0020n;
    s.receive(packet('Z1,80000028,4'));
    s.receive(packet('c'));
    await new Promise((r) => setTimeout(r, 50));
    expect(sent.at(-1)).toMatch(/^\$T05thread:2;hwbreak:;#/);
    // No Hg: `g` reads the thread that stopped.
    s.receive(packet('g'));
    const regs = sent.at(-1)!.slice(1, sent.at(-1)!.indexOf('#'));
    expect(regs.slice(256 * 2, 256 * 2 + 16)).toBe('2800008000000000');
  });
});

const haveGdb = spawnSync('gdb-multiarch', ['--version']).status === 0;

describe.skipIf(!haveGdb && !process.env.CI)('against gdb-multiarch', () => {
  it('reads registers and memory, breaks, steps, watches and kills', async () => {
    const { sim, target } = toyMachine(2);
    target.cores[0]!.x[10] = 5n;
    const srv = await startGdbServer(sim, target, { port: 0 });
    const args = [
      '-nx',
      '-batch',
      '-ex', 'set architecture riscv:rv64',
      '-ex', `target remote 127.0.0.1:${srv.port}`,
      '-ex', 'p/x $pc',
      '-ex', 'p $a0',
      '-ex', 'break *0x80000008',
      '-ex', 'continue',
      '-ex', 'p/x $pc',
      '-ex', 'stepi',
      '-ex', 'p/x $pc',
      '-ex', 'delete',
      '-ex', 'watch *(long *)0x80001000',
      '-ex', 'continue',
      '-ex', 'info threads',
      '-ex', 'x/1gx 0x80001000',
      '-ex', 'kill',
    ];
    const out = await new Promise<string>((resolve) => {
      const p = spawn('timeout', ['20', 'gdb-multiarch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      p.stdout.on('data', (d: Buffer) => (text += d.toString()));
      p.stderr.on('data', (d: Buffer) => (text += d.toString()));
      p.on('close', () => resolve(text));
    });
    srv.close();
    expect(out).toContain('$1 = 0x80000000');
    expect(out).toContain('$2 = 5');
    expect(out).toMatch(/Breakpoint 1, 0x0*80000008/);
    expect(out).toContain('$3 = 0x80000008');
    expect(out).toContain('$4 = 0x8000000c');
    expect(out).toMatch(/Hardware watchpoint 2|Watchpoint 2/);
    expect(out).toMatch(/hart0|Thread 1/);
    expect(out).toMatch(/0x80001000:\s+0x[0-9a-f]+/);
  }, 30_000);
});

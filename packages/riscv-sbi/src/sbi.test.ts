import { describe, expect, it } from 'vitest';
import {
  EID_BASE, EID_DBCN, EID_HSM, EID_IPI, EID_RFENCE, EID_SRST, EID_TIME, HartState, Sbi,
  SBI_ERR_ALREADY_AVAILABLE, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, SBI_SPEC_VERSION,
  type RfenceKind, type SbiCaller, type SbiPlatform,
} from './sbi.js';

class Hart implements SbiCaller {
  readonly regs = new BigUint64Array(32);
  constructor(readonly hartid: number) {}
  x(n: number): bigint { return this.regs[n]!; }
  setX(n: number, v: bigint): void { this.regs[n] = BigInt.asUintN(64, v); }
  call(eid: number, fid: number, ...args: Array<number | bigint>): { error: bigint; value: bigint; resumed: boolean } {
    this.regs[17] = BigInt(eid);
    this.regs[16] = BigInt(fid);
    args.forEach((v, i) => (this.regs[10 + i] = BigInt.asUintN(64, BigInt(v))));
    const resumed = sbi.handle(this);
    return { error: BigInt.asIntN(64, this.regs[10]!), value: this.regs[11]!, resumed };
  }
}

const log: string[] = [];
const memory = new Uint8Array(0x1000);
const console_: number[] = [];
const input: number[] = [];
const platform: SbiPlatform = {
  hartIds: () => [0, 1, 2, 3],
  setTimer: (c, t) => log.push(`timer ${c.hartid} ${t}`),
  sendIpi: (c, h) => log.push(`ipi ${c.hartid} -> ${h.join(',')}`),
  remoteFence: (_c, k: RfenceKind, h, s, z, id) => log.push(`${k} ${h.join(',')} ${s.toString(16)} ${z.toString(16)} ${id}`),
  hartStart: (h, s, o) => (log.push(`start ${h} ${s.toString(16)} ${o}`), 0),
  hartStop: (c) => (log.push(`stop ${c.hartid}`), 0),
  systemReset: (t, r) => log.push(`reset ${t} ${r}`),
  consoleWrite: (b) => console_.push(...b),
  consoleRead: (n) => Uint8Array.from(input.splice(0, n)),
  readMemory: (_c, a, n) => (a + BigInt(n) <= BigInt(memory.length) ? memory.slice(Number(a), Number(a) + n) : undefined),
  writeMemory: (_c, a, d) => (a + BigInt(d.length) <= BigInt(memory.length) ? (memory.set(d, Number(a)), true) : false),
  machineIds: { mvendorid: 0n, marchid: 5n, mimpid: 7n },
};
const sbi = new Sbi(platform);

describe('SBI dispatch', () => {
  it('answers BASE queries and probes', () => {
    const h = new Hart(0);
    expect(h.call(EID_BASE, 0)).toMatchObject({ error: 0n, value: BigInt(SBI_SPEC_VERSION) });
    expect(h.call(EID_BASE, 3, EID_HSM).value).toBe(1n);
    expect(h.call(EID_BASE, 3, 0x12345678).value).toBe(0n);
    expect(h.call(EID_BASE, 5).value).toBe(5n);
    expect(h.call(0x0a000000, 0).error).toBe(BigInt(SBI_ERR_NOT_SUPPORTED));
    expect(h.call(EID_BASE, 99).error).toBe(BigInt(SBI_ERR_NOT_SUPPORTED));
  });

  it('sets timers and sends IPIs with hart_mask and hart_mask_base', () => {
    log.length = 0;
    const h = new Hart(1);
    h.call(EID_TIME, 0, 0x1234n);
    expect(h.call(EID_IPI, 0, 0b101, 1).error).toBe(0n);
    expect(h.call(EID_IPI, 0, 0, -1).error).toBe(0n);
    expect(h.call(EID_IPI, 0, 0b1, 7).error).toBe(BigInt(SBI_ERR_INVALID_PARAM));
    expect(log).toEqual(['timer 1 4660', 'ipi 1 -> 1,3', 'ipi 1 -> 0,1,2,3']);
  });

  it('passes remote fences with their ranges and ids', () => {
    log.length = 0;
    const h = new Hart(0);
    h.call(EID_RFENCE, 2, 0b11, 0, 0x8000_0000, 0x2000, 7);
    h.call(EID_RFENCE, 6, 0b1, 2, 0x1000, 0x1000);
    expect(log).toEqual(['sfence.vma.asid 0,1 80000000 2000 7', 'hfence.vvma 2 1000 1000 0']);
  });

  it('runs the HSM state machine', () => {
    log.length = 0;
    const h0 = new Hart(0);
    sbi.setState(0, HartState.Started);
    expect(h0.call(EID_HSM, 2, 2).value).toBe(BigInt(HartState.Stopped));
    expect(h0.call(EID_HSM, 0, 2, 0x8020_0000, 42).error).toBe(0n);
    expect(h0.call(EID_HSM, 2, 2).value).toBe(BigInt(HartState.Started));
    expect(h0.call(EID_HSM, 0, 2, 0x8020_0000, 42).error).toBe(BigInt(SBI_ERR_ALREADY_AVAILABLE));
    expect(h0.call(EID_HSM, 0, 9, 0, 0).error).toBe(BigInt(SBI_ERR_INVALID_PARAM));
    const h2 = new Hart(2);
    expect(h2.call(EID_HSM, 1).resumed).toBe(false);
    expect(h0.call(EID_HSM, 2, 2).value).toBe(BigInt(HartState.Stopped));
    expect(log).toEqual(['start 2 80200000 42', 'stop 2']);
  });

  it('writes and reads the debug console through memory, and offers the legacy calls', () => {
    const h = new Hart(0);
    memory.set(new TextEncoder().encode('hello'), 0x100);
    expect(h.call(EID_DBCN, 0, 5, 0x100, 0)).toMatchObject({ error: 0n, value: 5n });
    expect(h.call(EID_DBCN, 0, 5, 0x100, 1).error).toBe(BigInt(SBI_ERR_INVALID_PARAM));
    expect(h.call(EID_DBCN, 0, 5, 0x10000, 0).error).toBe(BigInt(SBI_ERR_INVALID_PARAM));
    h.call(EID_DBCN, 2, 0x21);
    h.call(0x01, 0, 0x0a);
    expect(String.fromCharCode(...console_)).toBe('hello!\n');
    input.push(0x41, 0x42);
    expect(h.call(EID_DBCN, 1, 8, 0x200, 0).value).toBe(2n);
    expect(memory[0x201]).toBe(0x42);
    expect(h.call(0x02, 0).error).toBe(-1n); // legacy getchar: nothing pending
  });

  it('resets the system through SRST and validates its arguments', () => {
    log.length = 0;
    const h = new Hart(0);
    expect(h.call(EID_SRST, 0, 0, 0).error).toBe(0n);
    expect(h.call(EID_SRST, 0, 5, 0).error).toBe(BigInt(SBI_ERR_INVALID_PARAM));
    expect(log).toEqual(['reset 0 0']);
  });
});

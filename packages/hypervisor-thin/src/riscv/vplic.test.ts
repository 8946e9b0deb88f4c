import { describe, expect, it } from 'vitest';
import { VcpuIrqState, Vplic, type VplicTarget } from './vplic.js';
import { decodeHtinst, decodeInstruction, fetchGuestInstruction, vsTranslateFetch } from './mmio-decode.js';

function targets(n: number): Array<VplicTarget & { log: boolean[] }> {
  return Array.from({ length: n }, () => {
    const t = { virq: new VcpuIrqState(), log: [] as boolean[], setVseip(l: boolean) { t.log.push(l); } };
    return t;
  });
}

const PRIO = (s: number) => 4 * s;
const ENABLE = (ctx: number) => 0x2000 + 0x80 * ctx;
const THRESHOLD = (ctx: number) => 0x20_0000 + 0x1000 * ctx;
const CLAIM = (ctx: number) => 0x20_0004 + 0x1000 * ctx;

describe('virtual PLIC registers (PLIC spec 1.0.0)', () => {
  it('claim returns 0 when nothing is pending, and the pending source once it is', () => {
    const t = targets(1);
    const p = new Vplic(t);
    p.write(PRIO(3), 4, 1);
    p.write(ENABLE(1), 4, 1 << 3);
    expect(p.read(CLAIM(1), 4)).toBe(0);
    p.setLevel(3, true);
    expect(p.read(0x1000, 4)).toBe(1 << 3);
    expect(t[0]!.virq.vseip).toBe(true);
    expect(p.read(CLAIM(1), 4)).toBe(3);
    // Claimed: not pending, not claimable again, VSEIP down.
    expect(p.read(0x1000, 4)).toBe(0);
    expect(p.read(CLAIM(1), 4)).toBe(0);
    expect(t[0]!.virq.vseip).toBe(false);
    expect(t[0]!.log).toEqual([true, false]);
  });

  it('a source at or below the threshold is neither signalled nor claimed; priority 0 never interrupts', () => {
    const t = targets(1);
    const p = new Vplic(t);
    p.write(ENABLE(1), 4, (1 << 5) | (1 << 6));
    p.write(PRIO(5), 4, 2);
    p.setLevel(5, true);
    p.setLevel(6, true); // priority 0
    p.write(THRESHOLD(1), 4, 2);
    expect(p.read(THRESHOLD(1), 4)).toBe(2);
    expect(t[0]!.virq.vseip).toBe(false);
    expect(p.read(CLAIM(1), 4)).toBe(0);
    p.write(THRESHOLD(1), 4, 1);
    expect(t[0]!.virq.vseip).toBe(true);
    expect(p.read(CLAIM(1), 4)).toBe(5);
  });

  it('the highest priority wins, ties go to the lowest ID', () => {
    const p = new Vplic(targets(1));
    p.write(ENABLE(1), 4, (1 << 1) | (1 << 2) | (1 << 4));
    for (const [s, pr] of [[1, 2], [2, 5], [4, 5]] as const) {
      p.write(PRIO(s), 4, pr);
      p.setLevel(s, true);
    }
    expect(p.read(CLAIM(1), 4)).toBe(2);
    expect(p.read(CLAIM(1), 4)).toBe(4);
    expect(p.read(CLAIM(1), 4)).toBe(1);
  });

  it('completion of a source that was not claimed, or not enabled for the context, is ignored', () => {
    const t = targets(2);
    const p = new Vplic(t);
    p.write(PRIO(7), 4, 1);
    p.write(ENABLE(1), 4, 1 << 7);
    p.setLevel(7, true);
    // Completing before claiming changes nothing: still pending, still claimable.
    p.write(CLAIM(1), 4, 7);
    expect(p.completions).toBe(0);
    expect(p.read(CLAIM(1), 4)).toBe(7);
    // vCPU 1's S context (3) has not enabled source 7: its completion is ignored.
    p.write(CLAIM(3), 4, 7);
    expect(p.completions).toBe(0);
    // The line is still high: after the real completion it pends again (level gateway).
    p.write(CLAIM(1), 4, 7);
    expect(p.completions).toBe(1);
    expect(p.isPending(7)).toBe(true);
    p.setLevel(7, false);
    expect(p.read(CLAIM(1), 4)).toBe(7);
    p.write(CLAIM(1), 4, 7);
    expect(p.isPending(7)).toBe(false);
  });

  it('a pending bit stays while the source is in service, the line going low does not clear it', () => {
    const p = new Vplic(targets(1));
    p.write(PRIO(9), 4, 1);
    p.write(ENABLE(1), 4, 1 << 9);
    p.setLevel(9, true);
    p.setLevel(9, false);
    // Level gateway: the request was latched as pending (PLIC spec §5).
    expect(p.isPending(9)).toBe(true);
    // Pending bits are read-only.
    p.write(0x1000, 4, 0);
    expect(p.isPending(9)).toBe(true);
  });

  it('VSEIP follows each vCPU\'s S context (2N+1) only; M contexts and other vCPUs are independent', () => {
    const t = targets(2);
    const p = new Vplic(t);
    p.write(PRIO(2), 4, 1);
    p.write(ENABLE(2), 4, 1 << 2); // vCPU 1 M context
    p.setLevel(2, true);
    expect(t[0]!.virq.vseip).toBe(false);
    expect(t[1]!.virq.vseip).toBe(false);
    p.write(ENABLE(3), 4, 1 << 2); // vCPU 1 S context
    expect(t[1]!.virq.vseip).toBe(true);
    expect(t[0]!.virq.vseip).toBe(false);
    expect(p.read(ENABLE(3), 4)).toBe(1 << 2);
  });

  it('passthrough sources forward completions to the real PLIC, and only after a claim', () => {
    const done: number[] = [];
    const p = new Vplic(targets(1), (s) => done.push(s));
    p.addPassthrough(10);
    p.write(PRIO(10), 4, 1);
    p.write(ENABLE(1), 4, 1 << 10);
    p.raisePassthrough(10);
    p.write(CLAIM(1), 4, 10);
    expect(done).toEqual([]);
    expect(p.read(CLAIM(1), 4)).toBe(10);
    p.write(CLAIM(1), 4, 10);
    expect(done).toEqual([10]);
    expect(p.isPending(10)).toBe(false);
  });

  it('WARL fields and things that do not exist: source 0, priorities above 7, other widths, unknown contexts', () => {
    const p = new Vplic(targets(1));
    p.write(ENABLE(1), 4, 0xffffffff);
    expect(p.read(ENABLE(1), 4)).toBe(0xfffffffe);
    p.write(PRIO(0), 4, 5);
    expect(p.read(PRIO(0), 4)).toBe(0);
    p.write(PRIO(1), 4, 100);
    expect(p.read(PRIO(1), 4)).toBe(7);
    p.write(THRESHOLD(1), 4, 9);
    expect(p.read(THRESHOLD(1), 4)).toBe(7);
    expect(p.read(PRIO(1), 2)).toBeUndefined();
    expect(p.write(PRIO(1), 1, 1)).toBe(false);
    // Context 5 belongs to a third vCPU this partition does not have.
    expect(p.read(CLAIM(5), 4)).toBe(0);
    expect(p.write(ENABLE(5), 4, 2)).toBe(true);
    expect(p.read(ENABLE(5), 4)).toBe(0);
    p.setLevel(96, true);
    p.setLevel(0, true);
    expect(p.read(0x1000, 4)).toBe(0);
  });
});

describe('decoding a trapped guest access', () => {
  it('decodes loads and stores with width, sign and register; rejects the rest', () => {
    expect(decodeInstruction(0x0007a783)).toEqual({ store: false, size: 4, signed: true, reg: 15, length: 4 }); // lw a5,0(a5)
    expect(decodeInstruction(0x0007e783)).toEqual({ store: false, size: 4, signed: false, reg: 15, length: 4 }); // lwu a5,0(a5)
    expect(decodeInstruction(0x00e7a023)).toEqual({ store: true, size: 4, signed: false, reg: 14, length: 4 }); // sw a4,0(a5)
    expect(decodeInstruction(0x00078783)).toEqual({ store: false, size: 1, signed: true, reg: 15, length: 4 }); // lb
    expect(decodeInstruction(0x00e7b023)).toMatchObject({ store: true, size: 8 }); // sd
    expect(decodeInstruction(0x439c)).toEqual({ store: false, size: 4, signed: true, reg: 15, length: 2 }); // c.lw a5,0(a5)
    expect(decodeInstruction(0xc398)).toEqual({ store: true, size: 4, signed: false, reg: 14, length: 2 }); // c.sw a4,0(a5)
    expect(decodeInstruction(0x00000013)).toBeUndefined(); // addi
    expect(decodeInstruction(0x0007a787)).toBeUndefined(); // flw: not emulated
  });

  it('uses a transformed htinst, ignores pseudoinstructions, fetches when htinst is 0', () => {
    expect(decodeHtinst(0n)).toBe('fetch');
    expect(decodeHtinst(0x3000n)).toBeUndefined();
    expect(decodeHtinst(0x0007a783n)).toMatchObject({ store: false, size: 4, length: 4 });
    expect(decodeHtinst(0x0007a781n)).toMatchObject({ store: false, size: 4, length: 2 });
  });

  it('reads the instruction through a VS-stage Sv39 walk needing execute permission', () => {
    const mem = new Map<number, bigint>();
    const root = 0x8010_0000;
    const l1 = 0x8010_1000;
    const l0 = 0x8010_2000;
    const code = 0x8020_0000;
    const va = 0xffff_ffc0_0000_1002n;
    const vpn = (lvl: number) => Number((va >> BigInt(12 + 9 * lvl)) & 0x1ffn);
    mem.set(root + 8 * vpn(2), (BigInt(l1 / 4096) << 10n) | 1n);
    mem.set(l1 + 8 * vpn(1), (BigInt(l0 / 4096) << 10n) | 1n);
    mem.set(l0 + 8 * vpn(0), (BigInt(code / 4096) << 10n) | 0xcbn); // V R X A D
    const vsatp = (8n << 60n) | BigInt(root / 4096);
    const read64 = (a: number) => mem.get(a) ?? 0n;
    expect(vsTranslateFetch(vsatp, va, read64)).toBe(code + 2);
    const halves = new Map([[code + 2, 0xa783], [code + 4, 0x0007]]);
    expect(fetchGuestInstruction(vsatp, va, read64, (a) => halves.get(a))).toBe(0x0007a783);
    // Without X the walk fails (the guest then retries the access).
    mem.set(l0 + 8 * vpn(0), (BigInt(code / 4096) << 10n) | 0xc3n);
    expect(vsTranslateFetch(vsatp, va, read64)).toBeUndefined();
    expect(vsTranslateFetch(0n, 0x8000_0000n, read64)).toBe(0x8000_0000);
  });
});

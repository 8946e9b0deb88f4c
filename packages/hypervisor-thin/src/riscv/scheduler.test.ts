import { describe, expect, it } from 'vitest';
import { CSR, type Hart } from '@tessera/cpu-riscv';
import { HartScheduler, VcpuRun, type SchedHost, type SchedVcpu } from './scheduler.js';
import { VcpuContext, ALL_ONES } from './vcpu-state.js';
import { HVIP_VSSIP, HVIP_VSTIP } from './csr-bits.js';

/**
 * A hart reduced to the architectural state the scheduler and the context touch: CSRs,
 * registers, the time CSR, and SRET/MRET that record where they land (H §9.6.4 rules:
 * SRET from HS goes to VS when hstatus.SPV is set, MRET to VS when MPV is set).
 */
class FakeHart {
  readonly csr = new Map<number, bigint>();
  readonly x = new BigUint64Array(32);
  readonly f = new BigUint64Array(32);
  time = 0n;
  /** Where the last xRET went: 'VS' at sepc/mepc, or 'HS' (the idle loop). */
  landed: { mode: 'VS' | 'HS'; pc: bigint } | undefined;

  readCsr(n: number): bigint {
    if (n === CSR.time) return this.time;
    if (n === CSR.hip) {
      let p = this.get(CSR.hvip);
      if (this.time >= this.get(CSR.vstimecmp, ALL_ONES)) p |= HVIP_VSTIP;
      return p;
    }
    if (n === CSR.hie) return this.get(CSR.vsie) << 1n;
    return this.get(n);
  }

  writeCsr(n: number, v: bigint): boolean {
    this.csr.set(n, BigInt.asUintN(64, v));
    return true;
  }

  readReg(i: number): bigint {
    return i === 0 ? 0n : this.x[i]!;
  }

  writeReg(i: number, v: bigint): void {
    if (i !== 0) this.x[i] = BigInt.asUintN(64, v);
  }

  sret(): void {
    const vs = (this.get(CSR.hstatus) & (1n << 7n)) !== 0n;
    this.landed = { mode: vs ? 'VS' : 'HS', pc: this.get(CSR.sepc) };
  }

  mret(): void {
    const vs = (this.get(CSR.mstatus) & (1n << 39n)) !== 0n;
    this.landed = { mode: vs ? 'VS' : 'HS', pc: this.get(CSR.mepc) };
  }

  private get(n: number, dflt = 0n): bigint {
    return this.csr.get(n) ?? dflt;
  }
}

class Host implements SchedHost {
  sstc = true;
  readonly idlePc = 0x8040_0000;
  activeHart: Hart | undefined;
  timers: bigint[] = [];
  kicks: number[] = [];
  fences = 0;
  readonly counts = new Map<string, number>();
  setHsTimer(_hart: Hart, _index: number, ticks: bigint): void {
    this.timers.push(ticks);
  }
  kick(index: number): void {
    this.kicks.push(index);
  }
  fence(): void {
    this.fences++;
  }
  count(v: SchedVcpu, what: string): void {
    const k = `${v.label} ${what}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }
  hsmChanged(): void {}
}

function setup(n = 2, sstc = true) {
  const hart = new FakeHart();
  const host = new Host();
  host.sstc = sstc;
  const h = hart as unknown as Hart;
  const s = new HartScheduler(host, h, 0, 10_000n);
  const vcpus: SchedVcpu[] = Array.from({ length: n }, (_, i) => ({ index: i, hart: h, run: new VcpuRun(), label: `p/${i}` }));
  s.vcpus.push(...vcpus);
  host.activeHart = h;
  return { hart, host, s, vcpus };
}

/** Enter the handler as a trap from the loaded vCPU would (HS-mode, hstatus.SPV = 1). */
function trapFromGuest(hart: FakeHart, pc: bigint): void {
  hart.writeCsr(CSR.sepc, pc);
  hart.writeCsr(CSR.hstatus, (hart.readCsr(CSR.hstatus) ?? 0n) | (1n << 7n));
}

describe('VcpuContext', () => {
  it('save and restore carry the VS CSRs, vstimecmp, hvip, sepc/SPP, hstatus SPVP/VGEIN, x, f and fcsr', () => {
    const hart = new FakeHart();
    const h = hart as unknown as Hart;
    const vs = [CSR.vsstatus, CSR.vsie, CSR.vstvec, CSR.vsscratch, CSR.vsepc, CSR.vscause, CSR.vstval, CSR.vsatp];
    vs.forEach((c, i) => hart.writeCsr(c, 0x1000n + BigInt(i)));
    hart.writeCsr(CSR.vstimecmp, 12345n);
    hart.writeCsr(CSR.hvip, HVIP_VSSIP | (1n << 10n));
    hart.writeCsr(CSR.sepc, 0x8000_1234n);
    hart.writeCsr(CSR.sstatus, 1n << 8n);
    hart.writeCsr(CSR.hstatus, (1n << 8n) | (3n << 12n) | (1n << 21n));
    hart.writeCsr(CSR.fcsr, 0x42n);
    for (let i = 1; i < 32; i++) hart.writeReg(i, BigInt(i) * 0x1_0000_0001n);
    for (let i = 0; i < 32; i++) hart.f[i] = BigInt(i) + 0xf00n;
    const a = new VcpuContext();
    a.save(h, true);
    // Another vCPU's state on the hart.
    const b = new VcpuContext();
    b.clear(0x8020_0000n, 1n, 2n);
    b.restore(h, true);
    expect(hart.readCsr(CSR.sepc)).toBe(0x8020_0000n);
    expect(hart.readReg(10)).toBe(1n);
    expect(hart.readReg(5)).toBe(0n);
    expect(hart.readCsr(CSR.vstimecmp)).toBe(ALL_ONES);
    expect(hart.readCsr(CSR.hvip)).toBe(0n);
    // VTW (a hypervisor policy bit) stays; SPV set so SRET enters VS; VGEIN cleared.
    expect(hart.readCsr(CSR.hstatus)).toBe((1n << 7n) | (1n << 8n) | (1n << 21n));
    a.restore(h, true);
    vs.forEach((c, i) => expect(hart.readCsr(c)).toBe(0x1000n + BigInt(i)));
    expect(hart.readCsr(CSR.vstimecmp)).toBe(12345n);
    expect(hart.readCsr(CSR.hvip)).toBe(HVIP_VSSIP | (1n << 10n));
    expect(hart.readCsr(CSR.sepc)).toBe(0x8000_1234n);
    expect(hart.readCsr(CSR.sstatus)).toBe(1n << 8n);
    expect(hart.readCsr(CSR.hstatus)).toBe((1n << 7n) | (1n << 8n) | (3n << 12n) | (1n << 21n));
    expect(hart.readCsr(CSR.fcsr)).toBe(0x42n);
    for (let i = 1; i < 32; i++) expect(hart.readReg(i)).toBe(BigInt(i) * 0x1_0000_0001n);
    for (let i = 0; i < 32; i++) expect(hart.f[i]).toBe(BigInt(i) + 0xf00n);
  });

  it('without Sstc vstimecmp is neither read nor written (the CSR does not exist)', () => {
    const hart = new FakeHart();
    const h = hart as unknown as Hart;
    const c = new VcpuContext();
    c.save(h, false);
    c.restore(h, false);
    expect(hart.csr.has(CSR.vstimecmp)).toBe(false);
  });

  it('a non-retentive resume sets pc, a0, a1, Bare vsatp and vsstatus.SIE = 0 (SBI 2.0 §9.4)', () => {
    const hart = new FakeHart();
    const h = hart as unknown as Hart;
    hart.writeCsr(CSR.vsatp, 8n << 60n);
    hart.writeCsr(CSR.vsstatus, 0x22n);
    hart.writeReg(7, 77n);
    const c = new VcpuContext();
    c.save(h, true);
    c.resumeNonRetentive(0x8000_4000n, 3n, 0xabcn);
    c.restore(h, true);
    expect(hart.readCsr(CSR.sepc)).toBe(0x8000_4000n);
    expect([hart.readReg(10), hart.readReg(11), hart.readReg(7)]).toEqual([3n, 0xabcn, 77n]);
    expect(hart.readCsr(CSR.vsatp)).toBe(0n);
    expect(hart.readCsr(CSR.vsstatus)).toBe(0x20n);
  });
});

describe('HartScheduler', () => {
  it('power-on enters the first runnable vCPU in VS-mode and arms the slice when another is runnable', () => {
    const { hart, host, s, vcpus } = setup();
    s.start(vcpus[0]!, 0x8000_0000n, 0n, 0x8700_0000n);
    s.enterFromMachine();
    expect(hart.landed).toEqual({ mode: 'VS', pc: 0x8000_0000n });
    expect(hart.readReg(11)).toBe(0x8700_0000n);
    expect(host.timers.at(-1)).toBe(ALL_ONES); // alone: no slice
    expect(s.loaded).toBe(vcpus[0]);
    s.start(vcpus[1]!, 0x8000_1000n, 1n, 7n);
    trapFromGuest(hart, 0x8000_0010n);
    s.resume();
    // The slice is not over: vCPU 0 keeps the hart; the timer now ends its slice.
    expect(hart.landed).toEqual({ mode: 'VS', pc: 0x8000_0010n });
    expect(host.timers.at(-1)).toBe(10_000n);
  });

  it('switches round-robin when the slice ends, saving the outgoing context and fencing', () => {
    const { hart, host, s, vcpus } = setup(3);
    for (const v of vcpus) s.start(v, 0x8000_0000n + BigInt(v.index) * 0x100n, BigInt(v.index), 0n);
    s.enterFromMachine();
    hart.writeReg(9, 0x99n); // vCPU 0's work
    const fences = host.fences;
    hart.time = 10_000n;
    trapFromGuest(hart, 0x8000_0040n);
    s.resume();
    expect(s.loaded).toBe(vcpus[1]);
    expect(hart.landed).toEqual({ mode: 'VS', pc: 0x8000_0100n });
    expect(hart.readReg(9)).toBe(0n);
    expect(host.fences).toBe(fences + 1);
    hart.time = 20_000n;
    trapFromGuest(hart, 0x8000_0104n);
    s.resume();
    expect(s.loaded).toBe(vcpus[2]);
    hart.time = 30_000n;
    trapFromGuest(hart, 0x8000_0208n);
    s.resume();
    expect(s.loaded).toBe(vcpus[0]);
    expect(hart.landed).toEqual({ mode: 'VS', pc: 0x8000_0040n });
    expect(hart.readReg(9)).toBe(0x99n);
    expect(host.counts.get('p/0 switch-in')).toBe(2);
  });

  it('a WFI gives the hart away; with every vCPU waiting it idles and the timer waits for the earliest vstimecmp', () => {
    const { hart, host, s, vcpus } = setup();
    for (const v of vcpus) s.start(v, 0x8000_0000n, 0n, 0n);
    s.enterFromMachine();
    hart.writeCsr(CSR.vsie, 1n << 5n); // vCPU 0: STIE
    hart.writeCsr(CSR.vstimecmp, 50_000n);
    trapFromGuest(hart, 0x8000_0004n);
    s.wfi(vcpus[0]!);
    expect(vcpus[0]!.run.state).toBe('waiting');
    expect(s.loaded).toBe(vcpus[1]);
    hart.writeCsr(CSR.vsie, 1n << 1n); // vCPU 1: SSIE only
    trapFromGuest(hart, 0x8000_0008n);
    s.wfi(vcpus[1]!);
    expect(s.loaded).toBe(undefined);
    expect(hart.landed).toEqual({ mode: 'HS', pc: BigInt(host.idlePc) });
    expect(host.timers.at(-1)).toBe(50_000n);
    // The deadline: the handler runs from the idle loop (hstatus.SPV = 0).
    hart.time = 50_000n;
    expect(s.fromIdle()).toBe(true);
    s.resume();
    expect(s.loaded).toBe(vcpus[0]);
    expect(vcpus[1]!.run.state).toBe('waiting');
    expect(hart.landed).toEqual({ mode: 'VS', pc: 0x8000_0004n });
  });

  it('holds an IPI for a switched-out vCPU in its context, wakes it if it waits with SSIE, delivers it when it runs', () => {
    const { hart, host, s, vcpus } = setup();
    for (const v of vcpus) s.start(v, 0x8000_0000n, 0n, 0n);
    s.enterFromMachine();
    hart.writeCsr(CSR.vsie, 1n << 1n);
    trapFromGuest(hart, 0x8000_0004n);
    s.wfi(vcpus[0]!); // vCPU 0 waits for an IPI; vCPU 1 runs
    expect(s.loaded).toBe(vcpus[1]);
    s.setVsInterrupt(vcpus[0]!, HVIP_VSSIP, true);
    expect(vcpus[0]!.run.ctx.hvip).toBe(HVIP_VSSIP);
    expect(hart.readCsr(CSR.hvip)).toBe(0n); // not vCPU 1's
    expect(host.kicks).toEqual([]); // same hart: handled as the handler leaves
    hart.time = 10_000n;
    trapFromGuest(hart, 0x8000_0010n);
    s.resume();
    expect(vcpus[0]!.run.state).toBe('runnable');
    expect(s.loaded).toBe(vcpus[0]);
    expect(hart.readCsr(CSR.hvip)).toBe(HVIP_VSSIP);
  });

  it('posts requests for a vCPU running on another hart and kicks that hart', () => {
    const { hart, host, s, vcpus } = setup();
    s.start(vcpus[0]!, 0x8000_0000n, 0n, 0n);
    s.enterFromMachine();
    host.activeHart = undefined; // another hart's handler is running
    s.setVsInterrupt(vcpus[0]!, HVIP_VSSIP, true);
    s.fence(vcpus[0]!);
    expect(host.kicks).toEqual([0, 0]);
    expect(hart.readCsr(CSR.hvip)).toBe(0n);
    host.activeHart = hart as unknown as Hart;
    const fences = host.fences;
    trapFromGuest(hart, 0x8000_0004n);
    s.resume();
    expect(hart.readCsr(CSR.hvip)).toBe(HVIP_VSSIP);
    expect(host.fences).toBe(fences + 1);
  });

  it('without Sstc: an expired set_timer deadline injects hvip.VSTIP, for the running vCPU and a switched-out one', () => {
    const { hart, host, s, vcpus } = setup(2, false);
    for (const v of vcpus) s.start(v, 0x8000_0000n, 0n, 0n);
    s.enterFromMachine();
    vcpus[0]!.run.ctx.timer = 5_000n;
    vcpus[1]!.run.ctx.timer = 7_000n;
    trapFromGuest(hart, 0x8000_0004n);
    s.resume();
    expect(host.timers.at(-1)).toBe(5_000n);
    hart.time = 6_000n;
    trapFromGuest(hart, 0x8000_0008n);
    s.resume();
    expect(hart.readCsr(CSR.hvip)).toBe(HVIP_VSTIP);
    expect(vcpus[0]!.run.ctx.timer).toBe(ALL_ONES);
    expect(host.timers.at(-1)).toBe(7_000n);
    hart.time = 7_500n;
    trapFromGuest(hart, 0x8000_000cn);
    s.resume();
    expect(s.loaded).toBe(vcpus[0]); // slice not over
    expect(vcpus[1]!.run.ctx.hvip).toBe(HVIP_VSTIP);
  });

  it('non-retentive suspend resumes at the given address with a0 = hartid, a1 = opaque when woken', () => {
    const { hart, s, vcpus } = setup();
    for (const v of vcpus) s.start(v, 0x8000_0000n, 0n, 0n);
    s.enterFromMachine();
    trapFromGuest(hart, 0x8000_0004n);
    s.wfi(vcpus[0]!); // vCPU 1 runs
    hart.writeCsr(CSR.vsie, 1n << 1n);
    trapFromGuest(hart, 0x8000_0020n);
    s.suspend(vcpus[1]!, { pc: 0x8000_0800n, opaque: 0x55n });
    expect(vcpus[1]!.run.suspended).toBe(true);
    s.resume(); // nobody runnable but vCPU 0 waits too: idle
    expect(s.loaded).toBe(undefined);
    s.setVsInterrupt(vcpus[1]!, HVIP_VSSIP, true);
    s.resume();
    expect(s.loaded).toBe(vcpus[1]);
    expect(vcpus[1]!.run.suspended).toBe(false);
    expect(hart.landed).toEqual({ mode: 'VS', pc: 0x8000_0800n });
    expect([hart.readReg(10), hart.readReg(11)]).toEqual([1n, 0x55n]);
  });

  it('a stopped vCPU is dropped without saving; the hart idles with its timer disarmed', () => {
    const { hart, host, s, vcpus } = setup(1);
    s.start(vcpus[0]!, 0x8000_0000n, 0n, 0n);
    s.enterFromMachine();
    s.stop(vcpus[0]!);
    trapFromGuest(hart, 0x8000_0004n);
    s.resume();
    expect(s.loaded).toBe(undefined);
    expect(hart.landed?.mode).toBe('HS');
    expect(host.timers.at(-1)).toBe(ALL_ONES);
  });
});

/**
 * One Armv8.0-A AArch64 processing element: registers, PSTATE, exception entry and return,
 * the memory system as the core sees it (softmmu TLB in front of the VMSAv8-64 stage 1 and
 * stage 2 walkers) and the run loop the scheduler drives. Instruction semantics live in
 * exec.ts, system registers in sysregs.ts; both operate on this class's public state.
 *
 * References are to the Arm Architecture Reference Manual for A-profile (DDI 0487), chapter
 * D1 (exception model), D5 (VMSAv8-64), D13 (system registers).
 */

import { BusStatus, type AddressSpace, type CodeWatcher, type Counter, type DebugPoints, type EventBus, type RamRegion, type Runnable, type Scheduler } from '@tessera/core';
import { EC, FSC, HCR, PSR, SCR, type CpuIdRegs } from './defs.js';
import { R, SR_COUNT, resetSysregs } from './regs.js';
import type { GenericTimer } from './timer.js';
import type { ExclusiveMonitor } from './monitor.js';
import type { GicCpuInterface, GicSysregContext } from './defs.js';
import { decodeOp, executeOp } from './exec.js';
import { exceptionFields, TrapCounters } from './trace.js';

/** Thrown (one shared object, never allocated) to abandon the current instruction after an exception was taken. */
export const EXCEPTION_TAKEN = { exceptionTaken: true } as const;

/** Thrown from fillFetch when execution enters a code page holding a GDB breakpoint (debug.ts). */
const DEBUG_PAGE = { debugPage: true } as const;

/** Access types for translation. */
export const enum Acc {
  Read = 0,
  Write = 1,
  Exec = 2,
}

/**
 * Handler for exceptions taken to EL2 or EL3 in TypeScript (PSCI firmware, a thin hypervisor).
 * Called after the core has updated ESR/ELR/SPSR/FAR and PSTATE as hardware does; it acts
 * through the core's architectural state and returns by calling {@link A64Core.eret}.
 */
export type TrapHandler = (core: A64Core) => void;

const M64 = 0xffff_ffff_ffff_ffffn;
const TLB_SLOTS = 256;

export interface CoreOptions {
  readonly name: string;
  readonly index: number;
  readonly system: AddressSpace;
  readonly scheduler: Scheduler;
  readonly events: EventBus;
  readonly model: CpuIdRegs;
  /** MPIDR_EL1 value (affinity fields and bit 31). */
  readonly mpidr: bigint;
  /** Virtual ns per instruction. */
  readonly nsPerInsn: number;
  readonly monitor: ExclusiveMonitor;
}

export class A64Core implements Runnable, CodeWatcher {
  readonly name: string;
  readonly index: number;
  readonly system: AddressSpace;
  readonly scheduler: Scheduler;
  readonly events: EventBus;
  readonly model: CpuIdRegs;
  readonly mpidr: bigint;
  readonly monitor: ExclusiveMonitor;
  nsPerInsn: number;

  /** X0..X30; index 31 always holds 0 (XZR). */
  readonly x = new BigUint64Array(32);
  /** 32-bit view of {@link x}: x32[2n] is the low word of Xn (W registers without BigInt). */
  readonly x32 = new Uint32Array(this.x.buffer);
  /** SP_EL0..SP_EL3. */
  readonly sp = new BigUint64Array(4);
  /** 32-bit view of {@link sp}. */
  readonly sp32 = new Uint32Array(this.sp.buffer);
  /**
   * V0..V31, 128 bits each (Arm ARM B1.2.1), little-endian in memory: v64[2n] holds bits
   * 63:0 of Vn and v64[2n+1] bits 127:64; the narrower views address B/H/S elements.
   */
  readonly v64 = new BigUint64Array(64);
  readonly v32 = new Uint32Array(this.v64.buffer);
  readonly v16 = new Uint16Array(this.v64.buffer);
  readonly v8 = new Uint8Array(this.v64.buffer);
  /** System register storage, indexed by the R constants. */
  readonly sr = new BigUint64Array(SR_COUNT);
  /** 32-bit view of {@link sr}: bits 31:0 of register i are word 2i (checks on hot paths avoid BigInt shifts). */
  readonly sr32 = new Uint32Array(this.sr.buffer);
  /** Scratch: [0] = page-aligned PC of the current fetch page. */
  readonly pcPage = new BigUint64Array(1);
  /** Offset of PC inside {@link pcPage}. */
  pcLo = 0;
  /**
   * Scratch for splitting 64-bit values into 32-bit halves without Number(bigint), which is
   * slow in V8: store into {@link scratch}, read {@link scratch32}.
   */
  readonly scratch = new BigUint64Array(4);
  readonly scratch32 = new Uint32Array(this.scratch.buffer);

  // PSTATE
  el = 0;
  spsel = 1;
  /** NZCV in bits 31..28 as in SPSR. */
  nzcv = 0;
  /** D, A, I, F in bits 9..6 as in SPSR. */
  daif = 0;
  /** PSTATE.IL. */
  il = 0;
  /** Event register for WFE/SEV. */
  eventReg = false;
  /** SEV: signal an event to every core of the cluster (the cluster replaces this). */
  sendEvent: () => void = () => {
    this.eventReg = true;
  };

  // Mirrors of control registers, numbers for cheap tests.
  hcr = 0;
  scr = 0;

  /** True when EL2 is implemented (always) and EL3 exists (always, AArch64 only). */
  readonly haveEL2 = true;
  readonly haveEL3 = true;

  // Interrupt input levels.
  irqLine = false;
  fiqLine = false;
  virqLine = false;
  vfiqLine = false;

  /** Something needs looking at before the next instruction (interrupts, halt, yield). */
  attn = true;
  halted = false;
  /** Powered off (PSCI CPU_OFF, or a secondary not yet started). */
  poweredOff = false;
  /** Leave the current run() at the next instruction boundary (WFE, state changes). */
  yieldNow = false;

  // Time
  icount = 0;
  private icBase = 0;
  private tBase = 0;

  /** Trap handlers in TypeScript for EL2 and EL3 (index = EL). */
  readonly trapHandlers: Array<TrapHandler | undefined> = [undefined, undefined, undefined, undefined];
  timer: GenericTimer | undefined;
  gicIface: GicCpuInterface | undefined;
  readonly gicCtx: GicSysregContext = { el: 0, ns: true, hcr: 0, scr: 0, haveEL2: true, haveEL3: true };

  // softmmu TLB: per mmu index (0..3 = EL0, EL1, EL2, EL3 regimes) and access type.
  readonly tlbTag = new Float64Array(4 * 3 * TLB_SLOTS).fill(-1);
  readonly tlbOff = new Float64Array(4 * TLB_SLOTS);
  readonly tlbRam: Array<RamRegion | null> = new Array<RamRegion | null>(4 * TLB_SLOTS).fill(null);
  /** MMU index of data accesses at the current EL. */
  mmu = 0;

  // Instruction fetch cache (the current code page).
  fetchOk = false;
  fetchU32: Uint32Array = new Uint32Array(1);
  fetchBase = 0;
  fetchRam: RamRegion | null = null;
  /** Decoded op ids of the current code page (0 = not decoded yet), one per word. */
  fetchOps: Uint8Array = new Uint8Array(1024);
  /** Region page index of the current code page, -1 when it is not cached. */
  private fetchPage = -1;
  /**
   * Decode-once cache: per RAM region and 4 KiB page, the op id of every word. Pages are
   * marked as code (RamRegion.markCode) and dropped when written (CodeWatcher.codeWritten).
   */
  private readonly opPages = new Map<RamRegion, Array<Uint8Array | undefined>>();

  // Fault information set by the walker.
  fFsc = 0;
  fStage2 = false;
  fS1ptw = false;
  fIpa = 0;
  /** Permissions found by the last successful walk: bit 0 read, 1 write, 2 exec. */
  wPerm = 0;
  /** Data-abort ISS bits ISV/SAS/SSE/SRT/SF/AR for the access in progress (0 = no valid syndrome). */
  curISS = 0;
  /** Set while a DC/AT operation translates (ESR CM bit). */
  curCM = false;

  readonly counters: { exceptions: Counter; irqs: Counter; tlbFlush: Counter; tlbWalks: Counter; fetchLookups: Counter; fetchHits: Counter };

  /**
   * GDB breakpoints and watchpoints (debug.ts); undefined while none are installed, so the
   * checks cost nothing then: they sit on code-page entry (fillFetch) and the TLB-miss paths.
   */
  debug: DebugPoints | undefined = undefined;
  /** Exceptions by EC and interrupts by kind (`--stats`). */
  readonly traps: TrapCounters;
  /** Thread index of this core in its debug target. */
  debugIndex = 0;
  private dbgStepping = false;
  private dbgSkip = false;

  constructor(o: CoreOptions) {
    this.name = o.name;
    this.index = o.index;
    this.system = o.system;
    this.scheduler = o.scheduler;
    this.events = o.events;
    this.model = o.model;
    this.mpidr = o.mpidr;
    this.nsPerInsn = o.nsPerInsn;
    this.monitor = o.monitor;
    this.traps = new TrapCounters(o.events, o.name);
    this.counters = {
      exceptions: o.events.counter(o.name, 'exceptions'),
      irqs: o.events.counter(o.name, 'interrupts'),
      tlbFlush: o.events.counter(o.name, 'tlb-flushes'),
      tlbWalks: o.events.counter('tlb', `${o.name} data misses`),
      fetchLookups: o.events.counter('tlb', `${o.name} fetch lookups`),
      fetchHits: o.events.counter('tlb', `${o.name} fetch hits`),
    };
  }

  // ---------------------------------------------------------------- reset and state

  /** Reset to `el` (3, 2 or 1) at `pc`, as after a cold reset followed by the firmware a real board would run. */
  reset(el: number, pc: bigint): void {
    this.x.fill(0n);
    this.sp.fill(0n);
    this.v64.fill(0n);
    resetSysregs(this, el);
    this.el = el;
    this.spsel = 1;
    this.nzcv = 0;
    this.daif = PSR.D | PSR.A | PSR.I | PSR.F;
    this.il = 0;
    this.eventReg = false;
    this.monitor.clear(this.index);
    this.halted = false;
    this.poweredOff = false;
    this.setPC(pc);
    this.stateChanged();
  }

  /** Architectural state that affects translation or interrupt delivery changed. */
  stateChanged(): void {
    this.hcr = Number(this.sr[R.HCR_EL2]! & 0xffffffffn);
    this.scr = Number(this.sr[R.SCR_EL3]! & 0xffffffffn);
    this.mmu = this.el;
    this.flushTlb();
    this.attn = true;
  }

  flushTlb(): void {
    this.tlbTag.fill(-1);
    this.fetchOk = false;
    this.counters.tlbFlush.value++;
  }

  /** Non-secure state (SCR_EL3.NS), EL3 is always Secure. */
  get ns(): boolean {
    return this.el !== 3 && (this.scr & SCR.NS) !== 0;
  }

  /** EL2 is enabled in the current security state (v8.0 has no Secure EL2). */
  el2Enabled(): boolean {
    return (this.scr & SCR.NS) !== 0;
  }

  /** HCR_EL2 as it affects execution now (0 in Secure state where EL2 does not apply). */
  effHcr(): number {
    return this.el2Enabled() ? this.hcr : 0;
  }

  /** 32-bit view of {@link pcPage}. */
  readonly pcPage32 = new Uint32Array(this.pcPage.buffer);
  private readonly pcScratch = new BigUint64Array(1);
  private readonly pcScratch32 = new Uint32Array(this.pcScratch.buffer);

  get pc(): bigint {
    // pcPage is 4 KiB aligned, so adding pcLo (< 4096) to its low word cannot carry.
    this.pcScratch32[0] = this.pcPage32[0]! + this.pcLo;
    this.pcScratch32[1] = this.pcPage32[1]!;
    return this.pcScratch[0]!;
  }

  setPC(v: bigint): void {
    // The typed-array store wraps to 64 bits; the halves avoid Number(bigint).
    this.pcScratch[0] = v;
    const lo = this.pcScratch32[0]!;
    const hi = this.pcScratch32[1]!;
    const pageLo = (lo & ~0xfff) >>> 0;
    if (pageLo !== this.pcPage32[0] || hi !== this.pcPage32[1]) {
      this.pcPage32[0] = pageLo;
      this.pcPage32[1] = hi;
      this.fetchOk = false;
    }
    this.pcLo = lo & 0xfff;
    // A misaligned PC faults on the next fetch (PC alignment fault, D1.8.1).
    if ((this.pcLo & 3) !== 0) this.fetchOk = false;
  }

  /** X30 = PC + 4 (BL, BLR) without BigInt arithmetic. */
  linkRegister(): void {
    let lo = this.pcPage32[0]! + this.pcLo + 4;
    let hi = this.pcPage32[1]!;
    if (lo > 0xffffffff) {
      lo -= 4294967296;
      hi = (hi + 1) >>> 0;
    }
    this.x32[60] = lo;
    this.x32[61] = hi;
  }

  /** PSTATE packed as an SPSR value (Arm ARM C5.2.18). */
  pstate(): number {
    return (this.nzcv | this.daif | (this.il ? PSR.IL : 0) | (this.el << 2) | this.spsel) >>> 0;
  }

  /** Current stack pointer. */
  getSP(): bigint {
    return this.sp[this.spsel !== 0 ? this.el : 0]!;
  }

  setSP(v: bigint): void {
    this.sp[this.spsel !== 0 ? this.el : 0] = v;
  }

  /** X register read (31 = XZR). */
  reg(n: number): bigint {
    return this.x[n]!;
  }

  setReg(n: number, v: bigint): void {
    if (n !== 31) this.x[n] = BigInt.asUintN(64, v);
  }

  // ---------------------------------------------------------------- Runnable

  localTime(): number {
    return this.tBase + (this.icount - this.icBase) * this.nsPerInsn;
  }

  syncTime(t: number): void {
    this.tBase = t;
    this.icBase = this.icount;
  }

  get retired(): number {
    return this.icount;
  }

  run(until: number): void {
    if (this.halted) return;
    const sched = this.scheduler;
    this.system.setMaster(this.name, this.index);
    this.yieldNow = false;
    while (!sched.exitRequested && !this.halted && !this.yieldNow) {
      const now = this.localTime();
      if (now >= until) break;
      let n = Math.ceil((until - now) / this.nsPerInsn);
      if (n > 2048) n = 2048;
      try {
        if (this.debug === undefined) this.runBatch(n);
        else this.debugBatch(n);
      } catch (e) {
        if (e !== EXCEPTION_TAKEN) throw e;
      }
    }
    if (this.yieldNow) {
      // WFE or a yield: give the rest of this quantum away (time moves on).
      this.yieldNow = false;
      if (this.localTime() < until) this.syncTime(until);
    }
  }

  private runBatch(n: number): void {
    for (; n > 0; n--) {
      if (this.attn) {
        this.attn = false;
        if (this.halted || this.yieldNow) return;
        if (this.checkInterrupts()) continue;
        if (this.il !== 0) {
          this.icount++;
          this.takeSync(this.syncTarget(), EC.ILLEGAL_STATE, 0, this.pc);
        }
      }
      if (!this.fetchOk) this.fillFetch();
      let insn: number;
      let op: number;
      if (this.fetchRam !== null) {
        const idx = this.pcLo >>> 2;
        insn = this.fetchU32[this.fetchBase + idx]!;
        op = this.fetchOps[idx]!;
        if (op === 0) this.fetchOps[idx] = op = decodeOp(insn);
      } else {
        insn = this.fetchSlow();
        op = decodeOp(insn);
      }
      this.icount++;
      executeOp(this, op, insn);
    }
  }

  /**
   * runBatch while GDB has breakpoints or watchpoints installed: stretches run in runBatch
   * until execution enters a page holding a breakpoint (fillFetch throws DEBUG_PAGE); on such
   * a page instructions run one at a time, each checked first (a breakpoint stops before the
   * instruction, as a hardware breakpoint exception would, Arm ARM D2.9).
   */
  private debugBatch(n: number): void {
    const d = this.debug!;
    const sched = this.scheduler;
    while (n > 0 && !sched.exitRequested && !this.halted && !this.yieldNow) {
      const pc = this.pc;
      const onBreakPage = d.breakPages.has(Number(pc >> 12n));
      if (onBreakPage && !this.dbgSkip && d.breakpoints.has(pc)) {
        d.hit({ reason: 'breakpoint', core: this.debugIndex, hardware: false });
        return;
      }
      this.dbgSkip = false;
      const before = this.icount;
      if (onBreakPage) {
        this.dbgStepping = true;
        try {
          this.runBatch(1);
        } finally {
          this.dbgStepping = false;
        }
        n--;
      } else {
        try {
          this.runBatch(n);
          return;
        } catch (e) {
          if (e !== DEBUG_PAGE) throw e;
          n -= Math.max(1, this.icount - before);
        }
      }
    }
  }

  /** Execute one instruction for a debugger (a breakpoint at PC does not stop it). */
  debugStep(): void {
    if (this.halted) return;
    this.dbgSkip = true;
    this.scheduler.runAlone(this, this.localTime() + this.nsPerInsn);
    this.dbgSkip = false;
  }

  /**
   * Watchpoint check before a slow-path data access (debug.ts): a hit abandons the
   * instruction before it has any effect, as a watchpoint debug exception is taken before
   * the access (Arm ARM D2.10.5); GDB steps over it with the watchpoint removed.
   */
  private watchCheck(va: bigint, size: number, write: boolean): void {
    const d = this.debug!;
    if (!d.watchPages.has(Number(va >> 12n))) return;
    const w = d.watchHit(va, size, write);
    if (w === undefined) return;
    d.hit({ reason: 'watchpoint', core: this.debugIndex, kind: w.kind, addr: va });
    this.icount--;
    throw EXCEPTION_TAKEN;
  }

  /** Breakpoints or watchpoints changed: drop cached translations so every page is seen anew. */
  debugChanged(): void {
    this.flushTlb();
  }

  /** Advance PC by 4 after a non-branching instruction. */
  next(): void {
    const lo = this.pcLo + 4;
    if (lo < 4096) this.pcLo = lo;
    else {
      this.pcPage[0] = this.pcPage[0]! + 0x1000n;
      this.pcLo = 0;
      this.fetchOk = false;
    }
  }

  /** Branch to an absolute address. */
  branch(target: bigint): void {
    this.setPC(target);
  }

  private fillFetch(): void {
    const pc = this.pc;
    if (this.debug !== undefined && !this.dbgStepping && this.debug.breakPages.has(Number(pc >> 12n))) throw DEBUG_PAGE;
    this.counters.fetchLookups.value++;
    if ((this.pcLo & 3) !== 0) {
      this.icount++;
      this.takeSync(this.syncTarget(), EC.PC_ALIGN, 0, pc, pc);
    }
    const vpn = Number(pc >> 12n);
    const slot = (this.el << 8) | (vpn & 255);
    if (this.tlbTag[TLB_SLOTS * 8 + slot] === vpn && this.tlbRam[slot] !== null) {
      this.counters.fetchHits.value++;
      const ram = this.tlbRam[slot]!;
      this.fetchRam = ram;
      this.fetchU32 = ram.u32;
      this.fetchBase = this.tlbOff[slot]! >>> 2;
      this.useOps(ram, this.tlbOff[slot]!);
      this.fetchOk = true;
      return;
    }
    const pa = this.translate(pc, Acc.Exec, this.el);
    if (pa < 0) {
      this.icount++;
      this.instructionAbort(pc);
    }
    const hit = this.system.findRam(pa - (pa % 4096));
    if (hit !== undefined && hit.offset % 4 === 0) {
      this.fetchRam = hit.ram;
      this.fetchU32 = hit.ram.u32;
      this.fetchBase = hit.offset >>> 2;
      this.useOps(hit.ram, hit.offset);
    } else {
      this.fetchRam = null;
      this.fetchBase = pa - (pa % 4096);
    }
    this.fetchOk = true;
  }

  private static readonly NO_OPS = new Uint8Array(1024);

  /** Point the decode cache at the page at region offset `offset` (page aligned). */
  private useOps(ram: RamRegion, offset: number): void {
    if (offset % 4096 !== 0) {
      // Not page aligned in its region: no caching (a fresh array each time, never kept).
      this.fetchOps = new Uint8Array(1024);
      this.fetchPage = -1;
      return;
    }
    let pages = this.opPages.get(ram);
    if (pages === undefined) {
      pages = [];
      this.opPages.set(ram, pages);
      ram.addCodeWatcher(this);
    }
    const page = offset / 4096;
    let ops = pages[page];
    if (ops === undefined || ram.codePages[page] === 0) {
      ops = new Uint8Array(1024);
      pages[page] = ops;
      ram.markCode(page);
    }
    this.fetchOps = ops;
    this.fetchPage = page;
  }

  /** CodeWatcher: a page holding decoded instructions was written. */
  codeWritten(ram: RamRegion, page: number): void {
    const pages = this.opPages.get(ram);
    if (pages !== undefined) pages[page] = undefined;
    if (this.fetchRam === ram && this.fetchPage === page) {
      this.fetchOps = A64Core.NO_OPS.fill(0);
      this.fetchOk = false;
    }
  }

  private fetchSlow(): number {
    const v = this.system.read(this.fetchBase + this.pcLo, 4);
    if (this.system.status !== BusStatus.Ok) {
      this.icount++;
      this.fFsc = FSC.SYNC_EXTERNAL;
      this.fStage2 = false;
      this.fS1ptw = false;
      this.instructionAbort(this.pc);
    }
    return v >>> 0;
  }

  // ---------------------------------------------------------------- interrupts

  /** An interrupt input changed (from the GIC or the HCR_EL2 virtual bits). */
  irqChanged(): void {
    this.attn = true;
    if (this.halted && !this.poweredOff && this.wakeCondition()) {
      this.halted = false;
    }
  }

  /** Any interrupt pending, masked or not (what wakes WFI, Arm ARM D1.16.2). */
  wakeCondition(): boolean {
    const h = this.hcr;
    return this.irqLine || this.fiqLine || this.virqLine || this.vfiqLine || (h & (HCR.VI | HCR.VF | HCR.VSE)) !== 0;
  }

  /**
   * Take a pending, unmasked interrupt (Arm ARM D1.14, routing tables D1-19/20). Returns true
   * if one was taken.
   */
  checkInterrupts(): boolean {
    const el = this.el;
    const scr = this.scr;
    const hcr = this.effHcr();
    const tge = (hcr & HCR.TGE) !== 0;
    if (this.fiqLine) {
      const t = (scr & SCR.FIQ) !== 0 ? 3 : el <= 2 && (hcr & HCR.FMO || tge) ? 2 : 1;
      if (this.physTakeable(t, PSR.F)) return this.takeAsync(t, 0x100);
    }
    if (this.irqLine) {
      const t = (scr & SCR.IRQ) !== 0 ? 3 : el <= 2 && (hcr & HCR.IMO || tge) ? 2 : 1;
      if (this.physTakeable(t, PSR.I)) return this.takeAsync(t, 0x80);
    }
    // Virtual interrupts: only at EL1/EL0, Non-secure, with the routing bit set and TGE clear (D1.14.3).
    if (el <= 1 && !tge && this.el2Enabled()) {
      if ((hcr & HCR.AMO) !== 0 && (hcr & HCR.VSE) !== 0 && (this.daif & PSR.A) === 0) {
        this.sr[R.HCR_EL2] = this.sr[R.HCR_EL2]! & ~BigInt(HCR.VSE);
        this.hcr &= ~HCR.VSE;
        this.takeException(1, 0x180, (EC.SERROR << 26) | (1 << 25), this.pc, false);
        return true;
      }
      if ((hcr & HCR.FMO) !== 0 && ((hcr & HCR.VF) !== 0 || this.vfiqLine) && (this.daif & PSR.F) === 0) return this.takeAsync(1, 0x100);
      if ((hcr & HCR.IMO) !== 0 && ((hcr & HCR.VI) !== 0 || this.virqLine) && (this.daif & PSR.I) === 0) return this.takeAsync(1, 0x80);
    }
    return false;
  }

  private physTakeable(target: number, mask: number): boolean {
    if (target < this.el) return false;
    if (target > this.el) return true;
    return (this.daif & mask) === 0;
  }

  private takeAsync(target: number, off: number): boolean {
    this.counters.irqs.value++;
    const kind = off === 0x80 ? 'irq' : off === 0x100 ? 'fiq' : 'serror';
    this.traps.interrupt(kind, target < this.el ? this.el : target);
    if (this.events.active && this.events.wants('cpu.interrupt')) {
      this.events.emit('cpu.interrupt', this.name, { hart: this.index, cause: kind, from: `EL${this.el}`, to: `EL${target < this.el ? this.el : target}`, target, kind, pc: this.pc, tval: '0x0' });
    }
    this.takeException(target, off, -1, this.pc, false);
    return true;
  }

  // ---------------------------------------------------------------- exceptions

  /** Target EL of an exception that would go to EL1 from the current EL (EL0 with TGE goes to EL2). */
  syncTarget(): number {
    if (this.el === 0) return (this.effHcr() & HCR.TGE) !== 0 ? 2 : 1;
    return this.el;
  }

  /** Synchronous exception; never returns. */
  takeSync(target: number, ec: number, iss: number, preferredReturn: bigint, far?: bigint, il = 1): never {
    const esr = ((ec << 26) | (il << 25) | (iss & 0x1ffffff)) >>> 0;
    if (far !== undefined) {
      this.sr[target === 1 ? R.FAR_EL1 : target === 2 ? R.FAR_EL2 : R.FAR_EL3] = far;
    }
    this.takeException(target, 0, esr, preferredReturn, true);
    throw EXCEPTION_TAKEN;
  }

  /** The UNDEFINED instruction exception (EC 0x00). */
  undef(): never {
    this.takeSync(this.syncTarget(), EC.UNKNOWN, 0, this.pc);
  }

  /**
   * Exception entry (Arm ARM D1.10): SPSR, ELR, ESR, PSTATE, vector. `esr` < 0 leaves ESR
   * unchanged (IRQ/FIQ). `vecOff` is 0 (sync), 0x80 (IRQ), 0x100 (FIQ) or 0x180 (SError).
   */
  takeException(target: number, vecOff: number, esr: number, preferredReturn: bigint, sync: boolean): void {
    if (target < this.el) target = this.el;
    const fromEl = this.el;
    const spsr = BigInt(this.pstate());
    let base: number;
    if (target === fromEl) base = this.spsel !== 0 ? 0x200 : 0;
    else base = 0x400;
    switch (target) {
      case 1:
        this.sr[R.SPSR_EL1] = spsr;
        this.sr[R.ELR_EL1] = preferredReturn;
        if (esr >= 0) this.sr[R.ESR_EL1] = BigInt(esr);
        break;
      case 2:
        this.sr[R.SPSR_EL2] = spsr;
        this.sr[R.ELR_EL2] = preferredReturn;
        if (esr >= 0) this.sr[R.ESR_EL2] = BigInt(esr);
        break;
      default:
        this.sr[R.SPSR_EL3] = spsr;
        this.sr[R.ELR_EL3] = preferredReturn;
        if (esr >= 0) this.sr[R.ESR_EL3] = BigInt(esr);
        break;
    }
    this.el = target;
    this.spsel = 1;
    this.daif = PSR.D | PSR.A | PSR.I | PSR.F;
    this.il = 0;
    this.monitor.clear(this.index);
    const vbar = this.sr[target === 1 ? R.VBAR_EL1 : target === 2 ? R.VBAR_EL2 : R.VBAR_EL3]! & ~0x7ffn;
    this.setPC(vbar + BigInt(base + vecOff));
    this.mmu = target;
    this.fetchOk = false;
    this.attn = true;
    this.counters.exceptions.value++;
    if (sync) this.traps.exception(esr >>> 26);
    if (this.events.active && sync && this.events.wants('cpu.exception')) {
      const far = this.sr[target === 1 ? R.FAR_EL1 : target === 2 ? R.FAR_EL2 : R.FAR_EL3]!;
      this.events.emit('cpu.exception', this.name, exceptionFields(this.index, fromEl, target, esr, preferredReturn, far));
    }
    const h = this.trapHandlers[target];
    if (h !== undefined) h(this);
  }

  /**
   * Exception return (Arm ARM D1.11): restores PSTATE from SPSR_ELx and PC from ELR_ELx.
   * An illegal return (AArch32, a higher or unimplemented EL, EL1 with TGE, EL2 from Secure
   * state, EL0 with SP_ELx) sets PSTATE.IL and keeps the EL (D1.11.4).
   */
  eret(): void {
    const el = this.el;
    if (el === 0) return;
    const spsr = Number(this.sr[el === 1 ? R.SPSR_EL1 : el === 2 ? R.SPSR_EL2 : R.SPSR_EL3]! & 0xffffffffn);
    const elr = this.sr[el === 1 ? R.ELR_EL1 : el === 2 ? R.ELR_EL2 : R.ELR_EL3]!;
    const tEl = (spsr >>> 2) & 3;
    const tSp = spsr & 1;
    let illegal = (spsr & PSR.nRW) !== 0 || tEl > el || (tEl === 0 && tSp !== 0);
    if (tEl === 2 && (this.scr & SCR.NS) === 0 && el === 3) illegal = true;
    if (tEl === 1 && el >= 2 && (this.hcr & HCR.TGE) !== 0 && (el === 2 || (this.scr & SCR.NS) !== 0)) illegal = true;
    if ((spsr & PSR.IL) !== 0) illegal = true;
    this.nzcv = (spsr & 0xf0000000) >>> 0;
    this.daif = spsr & (PSR.D | PSR.A | PSR.I | PSR.F);
    if (illegal) {
      this.il = 1;
    } else {
      this.il = 0;
      this.el = tEl;
      this.spsel = tSp;
    }
    this.monitor.clear(this.index);
    this.setPC(elr);
    this.mmu = this.el;
    this.fetchOk = false;
    this.attn = true;
  }

  /** Raise the abort described by the walker's fault fields (never returns). */
  dataAbort(va: bigint, write: boolean): never {
    const stage2 = this.fStage2;
    let target: number;
    if (stage2) target = 2;
    else if (this.mmuFault <= 1) target = this.el === 0 && (this.effHcr() & HCR.TGE) !== 0 ? 2 : 1;
    else target = this.mmuFault;
    if (target < this.el) target = this.el;
    const ec = target === this.el ? EC.DABT_SAME : EC.DABT_LOWER;
    let iss = this.fFsc | (write ? 1 << 6 : 0) | (this.fS1ptw ? 1 << 7 : 0) | (this.curCM ? 1 << 8 : 0);
    if (stage2 && !this.fS1ptw && this.curISS !== 0) iss |= this.curISS;
    if (this.fS1ptw && write) iss &= ~(1 << 6);
    if (this.fS1ptw) iss &= ~(1 << 6);
    if (stage2) this.sr[R.HPFAR_EL2] = BigInt(Math.floor(this.fIpa / 4096)) << 4n;
    this.takeSync(target, ec, iss, this.pc, va);
  }

  instructionAbort(va: bigint): never {
    let target: number;
    if (this.fStage2) target = 2;
    else if (this.mmuFault <= 1) target = this.el === 0 && (this.effHcr() & HCR.TGE) !== 0 ? 2 : 1;
    else target = this.mmuFault;
    if (target < this.el) target = this.el;
    const ec = target === this.el ? EC.IABT_SAME : EC.IABT_LOWER;
    const iss = this.fFsc | (this.fS1ptw ? 1 << 7 : 0);
    if (this.fStage2) this.sr[R.HPFAR_EL2] = BigInt(Math.floor(this.fIpa / 4096)) << 4n;
    this.takeSync(target, ec, iss, va, va);
  }

  /** Alignment fault on a data access (DFSC 0b100001), taken as a stage 1 abort. */
  alignmentFault(va: bigint, write: boolean, mmu: number): never {
    this.fFsc = FSC.ALIGNMENT;
    this.fStage2 = false;
    this.fS1ptw = false;
    this.mmuFault = mmu;
    this.dataAbort(va, write);
  }

  /** MMU index the last fault came from (its translation regime). */
  mmuFault = 0;

  // ---------------------------------------------------------------- memory: fast paths

  read8(va: bigint, mmu: number): number {
    const s = this.scratch32;
    this.scratch[0] = va;
    const lo = s[0]!;
    const vpn = s[1]! * 1048576 + (lo >>> 12);
    const slot = (mmu << 8) | (vpn & 255);
    if (this.tlbTag[slot] === vpn) {
      const ram = this.tlbRam[slot];
      if (ram !== null) return ram.u8[this.tlbOff[slot]! + (lo & 0xfff)]!;
    }
    return this.readSlow(va, 1, mmu);
  }

  read16(va: bigint, mmu: number): number {
    const s = this.scratch32;
    this.scratch[0] = va;
    const lo = s[0]!;
    const vpn = s[1]! * 1048576 + (lo >>> 12);
    const slot = (mmu << 8) | (vpn & 255);
    if (this.tlbTag[slot] === vpn) {
      const ram = this.tlbRam[slot];
      const po = lo & 0xfff;
      if (ram !== null && (po & 1) === 0) return ram.u16[(this.tlbOff[slot]! + po) >>> 1]!;
    }
    return this.readSlow(va, 2, mmu);
  }

  read32(va: bigint, mmu: number): number {
    const s = this.scratch32;
    this.scratch[0] = va;
    const lo = s[0]!;
    const vpn = s[1]! * 1048576 + (lo >>> 12);
    const slot = (mmu << 8) | (vpn & 255);
    if (this.tlbTag[slot] === vpn) {
      const ram = this.tlbRam[slot];
      const po = lo & 0xfff;
      if (ram !== null && (po & 3) === 0) return ram.u32[(this.tlbOff[slot]! + po) >>> 2]!;
    }
    return this.readSlow(va, 4, mmu);
  }

  read64(va: bigint, mmu: number): bigint {
    const s = this.scratch32;
    this.scratch[0] = va;
    const lo = s[0]!;
    const vpn = s[1]! * 1048576 + (lo >>> 12);
    const slot = (mmu << 8) | (vpn & 255);
    if (this.tlbTag[slot] === vpn) {
      const ram = this.tlbRam[slot];
      const po = lo & 0xfff;
      if (ram !== null && (po & 7) === 0) return ram.u64[(this.tlbOff[slot]! + po) / 8]!;
    }
    return this.read64Slow(va, mmu);
  }

  write8(va: bigint, v: number, mmu: number): void {
    const s = this.scratch32;
    this.scratch[0] = va;
    const lo = s[0]!;
    const vpn = s[1]! * 1048576 + (lo >>> 12);
    const slot = (mmu << 8) | (vpn & 255);
    if (this.tlbTag[TLB_SLOTS * 4 + slot] === vpn) {
      const ram = this.tlbRam[slot];
      if (ram !== null) {
        const off = this.tlbOff[slot]! + (lo & 0xfff);
        ram.writeN(off, 1, v);
        if (this.monitor.active !== 0) this.monitor.store(this.index, ram.base + off);
        return;
      }
    }
    this.writeSlow(va, 1, v, mmu);
  }

  write16(va: bigint, v: number, mmu: number): void {
    const s = this.scratch32;
    this.scratch[0] = va;
    const lo = s[0]!;
    const vpn = s[1]! * 1048576 + (lo >>> 12);
    const slot = (mmu << 8) | (vpn & 255);
    const po = lo & 0xfff;
    if (this.tlbTag[TLB_SLOTS * 4 + slot] === vpn && po <= 4094) {
      const ram = this.tlbRam[slot];
      if (ram !== null) {
        ram.writeN(this.tlbOff[slot]! + po, 2, v);
        if (this.monitor.active !== 0) this.monitor.store(this.index, ram.base + this.tlbOff[slot]! + po);
        return;
      }
    }
    this.writeSlow(va, 2, v, mmu);
  }

  write32(va: bigint, v: number, mmu: number): void {
    const s = this.scratch32;
    this.scratch[0] = va;
    const lo = s[0]!;
    const vpn = s[1]! * 1048576 + (lo >>> 12);
    const slot = (mmu << 8) | (vpn & 255);
    const po = lo & 0xfff;
    if (this.tlbTag[TLB_SLOTS * 4 + slot] === vpn && po <= 4092) {
      const ram = this.tlbRam[slot];
      if (ram !== null) {
        ram.writeN(this.tlbOff[slot]! + po, 4, v);
        if (this.monitor.active !== 0) this.monitor.store(this.index, ram.base + this.tlbOff[slot]! + po);
        return;
      }
    }
    this.writeSlow(va, 4, v, mmu);
  }

  write64(va: bigint, v: bigint, mmu: number): void {
    const s = this.scratch32;
    this.scratch[0] = va;
    const lo = s[0]!;
    const vpn = s[1]! * 1048576 + (lo >>> 12);
    const slot = (mmu << 8) | (vpn & 255);
    const po = lo & 0xfff;
    if (this.tlbTag[TLB_SLOTS * 4 + slot] === vpn && po <= 4088) {
      const ram = this.tlbRam[slot];
      if (ram !== null) {
        ram.write64(this.tlbOff[slot]! + po, v);
        if (this.monitor.active !== 0) this.monitor.store(this.index, ram.base + this.tlbOff[slot]! + po);
        return;
      }
    }
    this.write64Slow(va, v, mmu);
  }

  // ---------------------------------------------------------------- memory: slow paths

  /** Translate `va` for a data access and return the physical address, or raise the abort. */
  private xlateData(va: bigint, write: boolean, mmu: number): number {
    const pa = this.translate(va, write ? Acc.Write : Acc.Read, mmu);
    if (pa < 0) this.dataAbort(va, write);
    return pa;
  }

  readSlow(va: bigint, size: 1 | 2 | 4, mmu: number): number {
    if (this.debug !== undefined) this.watchCheck(va, size, false);
    const po = Number(va & 0xfffn);
    if (po + size > 4096) {
      let v = 0;
      for (let i = 0; i < size; i++) v |= this.read8(BigInt.asUintN(64, va + BigInt(i)), mmu) << (8 * i);
      return v >>> 0;
    }
    const pa = this.xlateData(va, false, mmu);
    const v = this.system.read(pa, size);
    if (this.system.status !== BusStatus.Ok) this.externalAbort(va, false, mmu);
    return v;
  }

  read64Slow(va: bigint, mmu: number): bigint {
    if (this.debug !== undefined) this.watchCheck(va, 8, false);
    const po = Number(va & 0xfffn);
    if (po + 8 > 4096) {
      const lo = this.readSlow(va, 4, mmu);
      const hi = this.readSlow(BigInt.asUintN(64, va + 4n), 4, mmu);
      return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    }
    const pa = this.xlateData(va, false, mmu);
    const v = this.system.read64(pa);
    if (this.system.status !== BusStatus.Ok) this.externalAbort(va, false, mmu);
    return v;
  }

  writeSlow(va: bigint, size: 1 | 2 | 4, v: number, mmu: number): void {
    if (this.debug !== undefined) this.watchCheck(va, size, true);
    const po = Number(va & 0xfffn);
    if (po + size > 4096) {
      // Check both pages first so a faulting store has no partial effect.
      this.xlateData(va, true, mmu);
      this.xlateData(BigInt.asUintN(64, va + BigInt(size - 1)), true, mmu);
      for (let i = 0; i < size; i++) this.write8(BigInt.asUintN(64, va + BigInt(i)), (v >>> (8 * i)) & 0xff, mmu);
      return;
    }
    const pa = this.xlateData(va, true, mmu);
    this.system.write(pa, size, v);
    if (this.system.status === BusStatus.Unmapped) this.externalAbort(va, true, mmu);
    if (this.monitor.active !== 0) this.monitor.store(this.index, pa);
  }

  write64Slow(va: bigint, v: bigint, mmu: number): void {
    if (this.debug !== undefined) this.watchCheck(va, 8, true);
    const po = Number(va & 0xfffn);
    if (po + 8 > 4096) {
      this.xlateData(va, true, mmu);
      this.xlateData(BigInt.asUintN(64, va + 7n), true, mmu);
      this.writeSlow(va, 4, Number(v & 0xffffffffn), mmu);
      this.writeSlow(BigInt.asUintN(64, va + 4n), 4, Number((v >> 32n) & 0xffffffffn), mmu);
      return;
    }
    const pa = this.xlateData(va, true, mmu);
    this.system.write64(pa, v);
    if (this.system.status === BusStatus.Unmapped) this.externalAbort(va, true, mmu);
    if (this.monitor.active !== 0) this.monitor.store(this.index, pa);
  }

  /** A bus error on a data access: synchronous external abort (DFSC 0b010000). */
  private externalAbort(va: bigint, write: boolean, mmu: number): never {
    this.fFsc = FSC.SYNC_EXTERNAL;
    this.fStage2 = false;
    this.fS1ptw = false;
    this.mmuFault = mmu;
    const saved = this.curISS;
    this.curISS = 0;
    try {
      this.dataAbort(va, write);
    } finally {
      this.curISS = saved;
    }
  }

  /** Physical address for a data access of `size` bytes that must not cross a page (exclusives, DC ZVA). */
  translateData(va: bigint, write: boolean, mmu: number): number {
    return this.xlateData(va, write, mmu);
  }

  // ---------------------------------------------------------------- translation (VMSAv8-64, D5)

  /**
   * Translate `va` for access `acc` in the regime of MMU index `mmu` (0 EL0, 1 EL1, 2 EL2,
   * 3 EL3). Returns the PA, filling the TLB; or -1 with the fault fields set.
   */
  translate(va: bigint, acc: Acc, mmu: number): number {
    this.mmuFault = mmu;
    const pa = this.walk(va, acc, mmu);
    if (pa < 0) return -1;
    const perm = this.wPerm;
    if ((perm & (1 << acc)) === 0) return -1;
    if (acc !== Acc.Exec) this.counters.tlbWalks.value++;
    // Fill the TLB slot for every access type this walk allows.
    const vpn = Number(va >> 12n);
    const slot = (mmu << 8) | (vpn & 255);
    const pageBase = pa - (pa % 4096);
    const hit = this.system.findRam(pageBase);
    if (hit !== undefined && hit.ram.size - hit.offset >= 4096) {
      this.tlbRam[slot] = hit.ram;
      this.tlbOff[slot] = hit.offset;
      // Pages under a GDB watchpoint get no data entries, so every access reaches watchCheck.
      const watched = this.debug !== undefined && this.debug.watchPages.has(vpn);
      this.tlbTag[slot] = perm & 1 && !watched ? vpn : -1;
      this.tlbTag[TLB_SLOTS * 4 + slot] = perm & 2 && !hit.ram.readonly && !watched ? vpn : -1;
      this.tlbTag[TLB_SLOTS * 8 + slot] = perm & 4 ? vpn : -1;
    } else {
      this.tlbTag[slot] = -1;
      this.tlbTag[TLB_SLOTS * 4 + slot] = -1;
      this.tlbTag[TLB_SLOTS * 8 + slot] = -1;
    }
    return pa;
  }

  private fault(fsc: number, stage2: boolean, s1ptw: boolean, ipa: number): number {
    this.fFsc = fsc;
    this.fStage2 = stage2;
    this.fS1ptw = s1ptw;
    this.fIpa = ipa;
    return -1;
  }

  /** PA size in bits from a TCR IPS/PS field, limited to the implemented PARange. */
  private psBits(ps: number): number {
    const bits = [32, 36, 40, 42, 44, 48, 52, 52][ps & 7]!;
    return Math.min(bits, this.model.paBits);
  }

  /** The full walk; on success returns the PA and leaves the permissions in wPerm. */
  walk(va: bigint, acc: Acc, mmu: number): number {
    const sr = this.sr;
    let s1: boolean;
    let s2 = false;
    const hcr = mmu <= 1 ? this.effHcrFor(mmu) : 0;
    if (mmu <= 1) {
      s1 = (sr[R.SCTLR_EL1]! & 1n) !== 0n && (hcr & HCR.TGE) === 0;
      s2 = (hcr & HCR.VM) !== 0 && (hcr & HCR.TGE) === 0;
    } else {
      s1 = (sr[mmu === 2 ? R.SCTLR_EL2 : R.SCTLR_EL3]! & 1n) !== 0n;
    }
    let ipa: number;
    let perm: number;
    if (!s1) {
      if (va >= 1n << BigInt(this.model.paBits)) return this.fault(FSC.ADDR_SIZE_L0, false, false, 0);
      ipa = Number(va);
      perm = 7;
    } else {
      ipa = this.walkS1(va, acc, mmu, s2);
      if (ipa < 0) return -1;
      perm = this.wPerm;
      if ((perm & (1 << acc)) === 0) {
        this.wPerm = perm;
        return -1;
      }
    }
    if (s2) {
      const pa = this.walkS2(ipa, false);
      if (pa < 0) return -1;
      const p2 = this.wPerm;
      if ((p2 & (1 << acc)) === 0) {
        this.wPerm = 0;
        return this.fault(FSC.PERMISSION_L0 + this.s2Level, true, false, ipa);
      }
      this.wPerm = perm & p2;
      return pa;
    }
    this.wPerm = perm;
    return ipa;
  }

  private effHcrFor(mmu: number): number {
    void mmu;
    return this.el2Enabled() ? this.hcr : 0;
  }

  /** Level of the last stage 2 leaf (for permission faults). */
  private s2Level = 0;
  /** Level of the last stage 1 leaf. */
  private s1Level = 0;

  /** Read a translation table descriptor at `addr` (an IPA when stage 2 applies). */
  private readDesc(addr: number, s2: boolean, level: number): bigint | undefined {
    let pa = addr;
    if (s2) {
      pa = this.walkS2(addr, true);
      if (pa < 0) return undefined;
      if ((this.wPerm & 1) === 0) {
        this.fault(FSC.PERMISSION_L0 + this.s2Level, true, true, addr);
        return undefined;
      }
    }
    const hit = this.system.findRam(pa);
    if (hit === undefined || hit.offset + 8 > hit.ram.size) {
      this.fault(FSC.SYNC_EXTERNAL_WALK_L0 + level, false, false, 0);
      return undefined;
    }
    return hit.ram.read64(hit.offset);
  }

  private walkS1(va: bigint, acc: Acc, mmu: number, s2: boolean): number {
    const sr = this.sr;
    let tcr: bigint;
    let ttbr: bigint;
    let tsz: number;
    let psBits: number;
    let el10 = false;
    let wxn: boolean;
    if (mmu <= 1) {
      el10 = true;
      tcr = sr[R.TCR_EL1]!;
      const top = Number((va >> 55n) & 1n);
      const tbi = top ? (tcr >> 38n) & 1n : (tcr >> 37n) & 1n;
      if (tbi !== 0n && acc !== Acc.Exec) va = top ? va | 0xff00_0000_0000_0000n : va & 0x00ff_ffff_ffff_ffffn;
      if (top) {
        if ((tcr >> 23n) & 1n) return this.fault(FSC.TRANSLATION_L0, false, false, 0);
        tsz = Number((tcr >> 16n) & 63n);
        ttbr = sr[R.TTBR1_EL1]!;
      } else {
        if ((tcr >> 7n) & 1n) return this.fault(FSC.TRANSLATION_L0, false, false, 0);
        tsz = Number(tcr & 63n);
        ttbr = sr[R.TTBR0_EL1]!;
      }
      if (tsz < 16) tsz = 16;
      if (tsz > 39) tsz = 39;
      const hiBits = va >> BigInt(64 - tsz);
      if (hiBits !== (top ? (1n << BigInt(tsz)) - 1n : 0n)) return this.fault(FSC.TRANSLATION_L0, false, false, 0);
      psBits = this.psBits(Number((tcr >> 32n) & 7n));
      wxn = ((sr[R.SCTLR_EL1]! >> 19n) & 1n) !== 0n;
    } else {
      tcr = sr[mmu === 2 ? R.TCR_EL2 : R.TCR_EL3]!;
      ttbr = sr[mmu === 2 ? R.TTBR0_EL2 : R.TTBR0_EL3]!;
      if (((tcr >> 20n) & 1n) !== 0n && acc !== Acc.Exec) va &= 0x00ff_ffff_ffff_ffffn;
      tsz = Number(tcr & 63n);
      if (tsz < 16) tsz = 16;
      if (tsz > 39) tsz = 39;
      if (va >> BigInt(64 - tsz) !== 0n) return this.fault(FSC.TRANSLATION_L0, false, false, 0);
      psBits = this.psBits(Number((tcr >> 16n) & 7n));
      wxn = ((sr[mmu === 2 ? R.SCTLR_EL2 : R.SCTLR_EL3]! >> 19n) & 1n) !== 0n;
    }
    const inputSize = 64 - tsz;
    const startLevel = 4 - Math.ceil((inputSize - 12) / 9);
    const vaN = Number(va & ((1n << BigInt(inputSize)) - 1n));
    const startBits = inputSize - (12 + 9 * (3 - startLevel));
    let base = Number(ttbr & 0x0000_ffff_ffff_fffen);
    base -= base % 2 ** Math.max(startBits + 3, 3);
    if (base >= 2 ** psBits) return this.fault(FSC.ADDR_SIZE_L0, false, false, 0);
    let apTable = 0;
    let xnTable = 0;
    let pxnTable = 0;
    for (let level = startLevel; level <= 3; level++) {
      const shift = 12 + 9 * (3 - level);
      const bits = level === startLevel ? startBits : 9;
      const idx = Math.floor(vaN / 2 ** shift) % 2 ** bits;
      const desc = this.readDesc(base + idx * 8, s2, level);
      if (desc === undefined) return -1;
      const lo = Number(desc & 0xffffffffn);
      if ((lo & 1) === 0 || (level === 3 && (lo & 3) === 1) || (level === 0 && (lo & 3) === 1)) {
        return this.fault(FSC.TRANSLATION_L0 + level, false, false, 0);
      }
      const hi = Number(desc >> 32n);
      const oa = Number(desc & 0x0000_ffff_ffff_f000n);
      if ((lo & 3) === 3 && level < 3) {
        if (oa >= 2 ** psBits) return this.fault(FSC.ADDR_SIZE_L0 + level, false, false, 0);
        apTable |= (hi >>> 29) & 3;
        xnTable |= (hi >>> 28) & 1;
        pxnTable |= (hi >>> 27) & 1;
        base = oa;
        continue;
      }
      // Block or page.
      const blockSize = 2 ** shift;
      const outBase = oa - (oa % blockSize);
      if (outBase >= 2 ** psBits) return this.fault(FSC.ADDR_SIZE_L0 + level, false, false, 0);
      if ((lo & (1 << 10)) === 0) return this.fault(FSC.ACCESS_FLAG_L0 + level, false, false, 0);
      this.s1Level = level;
      let ap = (lo >>> 6) & 3;
      if (apTable & 1) ap &= ~1;
      if (apTable & 2) ap |= 2;
      const ro = (ap & 2) !== 0;
      let perm: number;
      if (el10) {
        const el0 = (ap & 1) !== 0;
        const uxn = ((hi >>> 22) & 1) | xnTable;
        const pxn = ((hi >>> 21) & 1) | pxnTable;
        if (mmu === 0) {
          perm = (el0 ? 1 : 0) | (el0 && !ro ? 2 : 0) | (!uxn ? 4 : 0);
        } else {
          perm = 1 | (!ro ? 2 : 0) | (!pxn && !(el0 && !ro) ? 4 : 0);
        }
      } else {
        const xn = ((hi >>> 22) & 1) | xnTable;
        perm = 1 | (!ro ? 2 : 0) | (!xn ? 4 : 0);
      }
      if (wxn && perm & 2) perm &= ~4;
      this.wPerm = perm;
      if ((perm & (1 << acc)) === 0) {
        this.fault(FSC.PERMISSION_L0 + level, false, false, 0);
        return -1;
      }
      return outBase + (vaN % blockSize);
    }
    return this.fault(FSC.TRANSLATION_L0 + 3, false, false, 0);
  }

  /** Stage 2 (D5.2): IPA to PA through VTTBR_EL2/VTCR_EL2, with concatenated starting tables. */
  private walkS2(ipa: number, s1ptw: boolean): number {
    const vtcr = this.sr[R.VTCR_EL2]!;
    const vttbr = this.sr[R.VTTBR_EL2]!;
    let tsz = Number(vtcr & 63n);
    if (tsz < 16) tsz = 16;
    if (tsz > 39) tsz = 39;
    const inputSize = 64 - tsz;
    const sl0 = Number((vtcr >> 6n) & 3n);
    const psBits = this.psBits(Number((vtcr >> 16n) & 7n));
    if (ipa >= 2 ** inputSize) return this.fault(FSC.TRANSLATION_L0, true, s1ptw, ipa);
    if (sl0 === 3) return this.fault(FSC.TRANSLATION_L0, true, s1ptw, ipa);
    const startLevel = 2 - sl0;
    const startBits = inputSize - (12 + 9 * (3 - startLevel));
    // At most 16 concatenated tables (4 extra bits), at least one index bit (D5.2.6).
    if (startBits < 1 || startBits > 13) return this.fault(FSC.TRANSLATION_L0, true, s1ptw, ipa);
    let base = Number(vttbr & 0x0000_ffff_ffff_fffen);
    base -= base % 2 ** (startBits + 3);
    if (base >= 2 ** psBits) return this.fault(FSC.ADDR_SIZE_L0, true, s1ptw, ipa);
    for (let level = startLevel; level <= 3; level++) {
      const shift = 12 + 9 * (3 - level);
      const bits = level === startLevel ? startBits : 9;
      const idx = Math.floor(ipa / 2 ** shift) % 2 ** bits;
      const hit = this.system.findRam(base + idx * 8);
      if (hit === undefined) return this.fault(FSC.SYNC_EXTERNAL_WALK_L0 + level, true, s1ptw, ipa);
      const desc = hit.ram.read64(hit.offset);
      const lo = Number(desc & 0xffffffffn);
      if ((lo & 1) === 0 || (level === 3 && (lo & 3) === 1) || (level === 0 && (lo & 3) === 1)) {
        return this.fault(FSC.TRANSLATION_L0 + level, true, s1ptw, ipa);
      }
      const oa = Number(desc & 0x0000_ffff_ffff_f000n);
      if ((lo & 3) === 3 && level < 3) {
        if (oa >= 2 ** psBits) return this.fault(FSC.ADDR_SIZE_L0 + level, true, s1ptw, ipa);
        base = oa;
        continue;
      }
      const blockSize = 2 ** shift;
      const outBase = oa - (oa % blockSize);
      if (outBase >= 2 ** psBits) return this.fault(FSC.ADDR_SIZE_L0 + level, true, s1ptw, ipa);
      if ((lo & (1 << 10)) === 0) return this.fault(FSC.ACCESS_FLAG_L0 + level, true, s1ptw, ipa);
      this.s2Level = level;
      const hi = Number(desc >> 32n);
      const s2ap = (lo >>> 6) & 3;
      this.wPerm = (s2ap & 1 ? 1 : 0) | (s2ap & 2 ? 2 : 0) | ((hi >>> 22) & 1 ? 0 : 4);
      return outBase + (ipa % blockSize);
    }
    return this.fault(FSC.TRANSLATION_L0 + 3, true, s1ptw, ipa);
  }

  /**
   * Address translation instruction (AT, Arm ARM C5.5): translate without raising and write
   * PAR_EL1. `stages` 1 = stage 1 only (IPA result when stage 2 is on), 12 = both.
   */
  addressTranslate(va: bigint, write: boolean, mmu: number, stages: 1 | 12): void {
    const acc = write ? Acc.Write : Acc.Read;
    let pa: number;
    const hcr = this.effHcr();
    const s2on = mmu <= 1 && (hcr & HCR.VM) !== 0 && (hcr & HCR.TGE) === 0;
    if (stages === 1 && s2on) {
      // Stage 1 only, but its table walks still go through stage 2.
      const s1 = mmu <= 1 ? (this.sr[R.SCTLR_EL1]! & 1n) !== 0n : true;
      pa = s1 ? this.walkS1(va, acc, mmu, true) : Number(va);
      if (pa >= 0 && (this.wPerm & (1 << acc)) === 0) pa = -1;
      if (!s1) this.wPerm = 7;
    } else {
      pa = this.walk(va, acc, mmu);
      if (pa >= 0 && (this.wPerm & (1 << acc)) === 0) pa = -1;
    }
    if (pa >= 0) {
      this.sr[R.PAR_EL1] = BigInt(pa - (pa % 4096)) | (1n << 11n) | (this.ns ? 1n << 9n : 0n);
    } else {
      this.sr[R.PAR_EL1] = 1n | (BigInt(this.fFsc & 63) << 1n) | (this.fS1ptw ? 1n << 8n : 0n) | (this.fStage2 ? 1n << 9n : 0n) | (1n << 11n);
    }
  }

  // ---------------------------------------------------------------- misc

  /** Emit an event if somebody listens. */
  emit(kind: string, fields: Record<string, unknown>): void {
    if (this.events.active && this.events.wants(kind)) this.events.emit(kind, this.name, fields);
  }

  /** Read a general-purpose register by name for tests and debuggers (`x0`..`x30`, `sp`, `pc`). */
  get64(name: string): bigint {
    if (name === 'pc') return this.pc;
    if (name === 'sp') return this.getSP();
    const n = Number(name.slice(1));
    return this.x[n] ?? 0n;
  }
}

export { M64 };

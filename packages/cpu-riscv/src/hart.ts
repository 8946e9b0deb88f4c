/**
 * One RV64 hart: the interpreter, the privileged architecture, address translation and PMP.
 *
 * State layout, chosen for V8 (see DESIGN.md "Performance"):
 * - x registers live in a BigInt64Array of 33 entries (x0 reads zero; integer writes to x0
 *   are decoded as writes to entry 32, a scratch slot). An Int32Array view of the same buffer
 *   gives the low words for the *W instructions without BigInt arithmetic.
 * - pc is a JavaScript number holding the signed value of the 64-bit pc. Every canonical
 *   Sv39/Sv48 address and every physical address Tessera maps fits exactly.
 * - Decoded instructions are cached per physical 4 KiB RAM page ({@link DecodedPage}); the
 *   page is marked with RamRegion.markCode and dropped through the CodeWatcher hook when
 *   anything writes to it, so self-modifying code works with or without FENCE.I.
 * - A direct-mapped software TLB per access type (fetch, load, store) maps a virtual page to
 *   a RAM region and offset. It holds only pages whose translation and PMP check passed for
 *   the current context, and is flushed whenever that context changes. Store entries are
 *   never made for pages holding decoded code, so the fast store path never has to check.
 *
 * Traps use a preallocated sentinel thrown from deep in the memory paths and caught by the
 * run loop, after the architectural trap entry has been done.
 */

import { BusStatus, type AddressSpace, type CodeWatcher, type DebugPoints, type EventBus, type Counter, type Scheduler, type Timer, RamRegion } from '@tessera/core';
import * as D from './decode.js';
import {
  CSR, EXC, EXC_NAMES, IRQ_NAMES, IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI, IRQ_SGEI, IRQ_VSEI, IRQ_VSSI, IRQ_VSTI,
  MS_SIE, MS_MIE, MS_SPIE, MS_MPIE, MS_SPP, MS_MPP_SHIFT, MS_FS_SHIFT, MS_MPRV, MS_SUM, MS_MXR, MS_TVM, MS_TW, MS_TSR,
  MSH_GVA, MSH_MPV, HS_GVA, HS_SPV, HS_SPVP, HS_HU, HS_VGEIN_SHIFT, HS_VTVM, HS_VTW, HS_VTSR,
  PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D, ENVCFG_STCE,
} from './csr.js';
import { execFp, fpLoadStore } from './fpu.js';
import { execZb } from './zb.js';

/** Op codes (0 = not decoded yet). A const enum declared here, next to the interpreter, so its switch gets literal cases
 * Under isolatedModules TypeScript never inlines const enums, and a switch over property
 * loads is a chain of compares in V8, so the interpreter's cases are written as literals with
 * the name beside them (`case 24` and the name in a comment); test/ops.test.ts checks every one against Op. */
export const enum Op {
  ILLEGAL = 1,
  STRADDLE = 2,
  LUI = 3,
  AUIPC = 4,
  JAL = 5,
  JALR = 6,
  BEQ = 7,
  BNE = 8,
  BLT = 9,
  BGE = 10,
  BLTU = 11,
  BGEU = 12,
  LB = 13,
  LH = 14,
  LW = 15,
  LD = 16,
  LBU = 17,
  LHU = 18,
  LWU = 19,
  SB = 20,
  SH = 21,
  SW = 22,
  SD = 23,
  ADDI = 24,
  SLTI = 25,
  SLTIU = 26,
  XORI = 27,
  ORI = 28,
  ANDI = 29,
  SLLI = 30,
  SRLI = 31,
  SRAI = 32,
  ADD = 33,
  SUB = 34,
  SLL = 35,
  SLT = 36,
  SLTU = 37,
  XOR = 38,
  SRL = 39,
  SRA = 40,
  OR = 41,
  AND = 42,
  ADDIW = 43,
  SLLIW = 44,
  SRLIW = 45,
  SRAIW = 46,
  ADDW = 47,
  SUBW = 48,
  SLLW = 49,
  SRLW = 50,
  SRAW = 51,
  FENCE = 52,
  FENCE_I = 53,
  ECALL = 54,
  EBREAK = 55,
  SRET = 56,
  MRET = 57,
  WFI = 58,
  SFENCE_VMA = 59,
  HFENCE_VVMA = 60,
  HFENCE_GVMA = 61,
  CSRRW = 62,
  CSRRS = 63,
  CSRRC = 64,
  CSRRWI = 65,
  CSRRSI = 66,
  CSRRCI = 67,
  MUL = 68,
  MULH = 69,
  MULHSU = 70,
  MULHU = 71,
  DIV = 72,
  DIVU = 73,
  REM = 74,
  REMU = 75,
  MULW = 76,
  DIVW = 77,
  DIVUW = 78,
  REMW = 79,
  REMUW = 80,
  LR_W = 81,
  SC_W = 82,
  LR_D = 83,
  SC_D = 84,
  AMO_W = 85,
  AMO_D = 86,
  HLV = 87,
  HSV = 88,
  FLW = 89,
  FLD = 90,
  FSW = 91,
  FSD = 92,
  FMADD = 93,
  FMSUB = 94,
  FNMSUB = 95,
  FNMADD = 96,
  FOP = 97,
  PAUSE_HINT = 98,
  BITMANIP = 99, // Zba/Zbb/Zbs: imm holds the instruction word
}

export type TrapLevel = 'M' | 'HS';
export interface TrapInfo {
  readonly cause: number;
  readonly interrupt: boolean;
  readonly tval: bigint;
}
/** A TypeScript handler taking traps at M or HS level (see the package README). */
export type TrapHandler = (hart: Hart, trap: TrapInfo) => void;

export interface HartConfig {
  hartid: number;
  name: string;
  mmu: 'sv39' | 'sv48';
  pmpEntries: number;
  hypervisor: boolean;
  geilen: number;
  timebaseFrequency: number;
  mips: number;
  resetVector: number;
  misaligned: 'trap' | 'emulate';
  adUpdate: 'hardware' | 'fault';
  /** misa extension bits (letters). */
  misa: bigint;
  zba?: boolean;
  zbb?: boolean;
  zbs?: boolean;
  /** Sstc (stimecmp/vstimecmp, menvcfg/henvcfg.STCE); default true. */
  sstc?: boolean;
}

const TRAP = { trap: true };
/** Thrown from enterPage when execution reaches a code page holding a GDB breakpoint (debug.ts). */
const DEBUG_PAGE = { debugPage: true };
const FETCH = 0, LOAD = 1, STORE = 2;
const TLB_SIZE = 256;
/** TLB sets: one per translation mode (M, S, U, VS, VU) and access type, so mode switches need no flush. */
const TLB_SETS = 15;
const PAGE = 4096;
const MAX_PHYS = 2 ** 53;

/** Decoded instructions of one physical page: one slot per halfword. */
export class DecodedPage {
  readonly op = new Int32Array(2048);
  readonly f = new Int32Array(2048);
  readonly imm = new Int32Array(2048);
  /** Set when the page's RAM was written; holders re-look it up. */
  valid = true;
  constructor(
    readonly ram: RamRegion,
    readonly page: number,
  ) {}
}

/** Decoded pages shared by the harts of a cluster; the CodeWatcher of every RAM region they fetch from. */
export class CodeCache implements CodeWatcher {
  private readonly pages = new Map<RamRegion, Array<DecodedPage | undefined>>();
  readonly harts: Hart[] = [];

  get(ram: RamRegion, page: number): DecodedPage {
    let arr = this.pages.get(ram);
    if (arr === undefined) {
      arr = [];
      this.pages.set(ram, arr);
      ram.addCodeWatcher(this);
    }
    let p = arr[page];
    if (p === undefined || !p.valid) {
      p = new DecodedPage(ram, page);
      arr[page] = p;
    }
    if (ram.codePages[page] === 0) ram.markCode(page);
    return p;
  }

  codeMarked(ram: RamRegion, page: number): void {
    for (const h of this.harts) h.dropStoreEntries(ram, page);
  }

  codeWritten(ram: RamRegion, page: number): void {
    const p = this.pages.get(ram)?.[page];
    if (p !== undefined) {
      p.valid = false;
      this.pages.get(ram)![page] = undefined;
    }
    for (const h of this.harts) h.codeInvalidated(p);
  }
}

// Interrupt priority, highest first (privileged §3.1.9, H §9.2.3).
const IRQ_PRIORITY = [IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI, IRQ_SGEI, IRQ_VSEI, IRQ_VSSI, IRQ_VSTI];
const VS_BITS = (1 << IRQ_VSSI) | (1 << IRQ_VSTI) | (1 << IRQ_VSEI);
const S_BITS = (1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI);
const M_BITS = (1 << IRQ_MSI) | (1 << IRQ_MTI) | (1 << IRQ_MEI);

// sstatus view of mstatus (low word): SIE SPIE UBE SPP FS XS SUM MXR.
const SSTATUS_LO = 0x000de162;
const M64 = (1n << 64n) - 1n;

const SH = Array.from({ length: 64 }, (_, i) => BigInt(i));

export class Hart {
  readonly name: string;
  readonly hartid: number;
  readonly cfg: HartConfig;
  // Registers.
  readonly x = new BigInt64Array(33);
  readonly xu = new BigUint64Array(this.x.buffer);
  readonly x32 = new Int32Array(this.x.buffer);
  readonly f = new BigUint64Array(32);
  pc = 0;
  /** 0 U, 1 S, 3 M. */
  priv = 3;
  /** Virtualization mode (H extension). */
  virt = false;

  // Machine-level CSRs.
  mstatus = 0; // low 32 bits (UXL/SXL are fixed at 64 bits)
  mstatusHi = 0; // GVA, MPV (bits 38, 39 as bits 6, 7)
  misa: bigint;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  mtvec = 0n;
  mcounteren = 0;
  menvcfg = 0n;
  mscratch = 0n;
  mepc = 0n;
  mcause = 0n;
  mtval = 0n;
  mtval2 = 0n;
  mtinst = 0n;
  mcountinhibit = 0;
  /** mip bits driven by wires (MSIP, MTIP, MEIP, SEIP, SSIP). */
  mipWire = 0;
  /** mip bits written by software (SSIP, STIP, SEIP). */
  mipSw = 0;
  // Supervisor.
  stvec = 0n;
  scounteren = 0;
  senvcfg = 0n;
  sscratch = 0n;
  sepc = 0n;
  scause = 0n;
  stval = 0n;
  satp = 0n;
  stimecmp = M64;
  // Hypervisor and VS.
  hstatus = 0;
  hedeleg = 0;
  hideleg = 0;
  htimedelta = 0n;
  hcounteren = 0;
  hgeie = 0;
  hgeip = 0;
  henvcfg = 0n;
  htval = 0n;
  htinst = 0n;
  hvip = 0;
  hgatp = 0n;
  vsstatus = 0;
  vstvec = 0n;
  vsscratch = 0n;
  vsepc = 0n;
  vscause = 0n;
  vstval = 0n;
  vsatp = 0n;
  vstimecmp = M64;
  // Floating point.
  fflags = 0;
  frm = 0;
  // PMP.
  readonly pmpcfg = new Uint8Array(64);
  readonly pmpaddr = new BigUint64Array(64);
  private readonly pmpLo = new Float64Array(64);
  private readonly pmpHi = new Float64Array(64);
  private pmpActive = 0;

  // Counters.
  /** Instructions executed or trapped (time base). */
  steps = 0;
  private trapsTaken = 0;
  private instretOffset = 0n;
  private cycleOffset = 0n;
  /** Value of a counter stopped by mcountinhibit, or -1. */
  private cycleFrozen = -1n;
  private instretFrozen = -1n;

  // LR/SC: reservation (physical address, size, value seen) as QEMU does it.
  private resAddr = -1;
  private resValue = 0n;

  // Time.
  private tBase = 0;
  private iBase = 0;
  readonly nsPerInsn: number;
  private readonly nsPerTick: number;
  private stimer: Timer | undefined;
  private vstimer: Timer | undefined;

  // Execution control.
  irqCheck = true;
  wfi = false;
  /** Set while a page is being entered for fetch: a fault there has not counted a step. */
  private fetching = false;
  /** Powered down harts never run (e.g. secondary harts held by a board). */
  stopped = false;
  private readonly handlers: { M?: TrapHandler; HS?: TrapHandler } = {};

  // TLB: [(mode * 3 + type) * TLB_SIZE + index].
  private readonly tlbTag = new Float64Array(TLB_SETS * TLB_SIZE).fill(NaN);
  private readonly tlbAdd = new Float64Array(TLB_SETS * TLB_SIZE);
  // Last superpage leaf per TLB set (non-virtualized walks): a TLB miss inside it needs no walk.
  private readonly spVa = new Float64Array(TLB_SETS);
  private readonly spPa = new Float64Array(TLB_SETS);
  private readonly spSize = new Float64Array(TLB_SETS);
  private leafSpan = 0;
  private fetchBase = 0;
  private loadBase = LOAD * TLB_SIZE;
  private storeBase = STORE * TLB_SIZE;
  private readonly tlbRam: RamRegion[];
  private curVa = NaN;
  private curPage: DecodedPage;
  /** Last translation may be cached (page-granular PMP and RAM). */
  private cacheable = false;
  // Effective privilege/virt for loads and stores (MPRV), recomputed on context change.
  private lsPriv = 3;
  private lsVirt = false;
  /** HLV/HSV in progress: translation as VS/VU per hstatus.SPVP. */
  private hlv = false;
  private hlvx = false;
  /** Set by memory faults: the faulting address is a guest virtual address. */
  private faultGva = false;
  private faultGpa = 0;
  private faultInst = 0;
  readonly tmp: D.Decoded = { f: 0, imm: 0 };

  private readonly excCounters: Counter[] = [];
  private readonly irqCounters: Counter[] = [];

  /**
   * GDB breakpoints and watchpoints (debug.ts), undefined while none are installed so the
   * plain run loop runs; the checks sit only on page entry and on the TLB-miss paths.
   */
  debug: DebugPoints | undefined = undefined;
  /** Execute single instructions: breakpoint pages are entered without leaving the loop. */
  private dbgStepping = false;
  /** The next instruction is not checked for a breakpoint (resuming or stepping from one). */
  private dbgSkip = false;
  /** TLB statistics (the slow paths only): fetch page entries, fetch TLB hits, data walks. */
  readonly tlbStats: { fetchLookups: Counter; fetchHits: Counter; dataMisses: Counter };

  constructor(
    cfg: HartConfig,
    private readonly bus: AddressSpace,
    readonly sched: Scheduler,
    private readonly events: EventBus,
    private readonly code: CodeCache,
  ) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.hartid = cfg.hartid;
    this.misa = cfg.misa;
    this.nsPerInsn = 1000 / cfg.mips;
    this.nsPerTick = 1e9 / cfg.timebaseFrequency;
    const dummy = new RamRegion('none', 0, 8, true);
    this.tlbRam = new Array<RamRegion>(TLB_SETS * TLB_SIZE).fill(dummy);
    this.curPage = new DecodedPage(dummy, 0);
    this.curPage.valid = false;
    code.harts.push(this);
    this.tlbStats = {
      fetchLookups: events.counter('tlb', `${cfg.name} fetch lookups`),
      fetchHits: events.counter('tlb', `${cfg.name} fetch hits`),
      dataMisses: events.counter('tlb', `${cfg.name} data misses`),
    };
    this.stimer = sched.timer(() => this.timerFired());
    this.vstimer = sched.timer(() => this.timerFired());
  }

  // ---------------------------------------------------------------- public API

  get privilege(): 'M' | 'S' | 'U' {
    return this.priv === 3 ? 'M' : this.priv === 1 ? 'S' : 'U';
  }

  setTrapHandler(level: TrapLevel, handler: TrapHandler | undefined): void {
    if (level === 'M') this.handlers.M = handler;
    else this.handlers.HS = handler;
  }

  setPc(pc: bigint | number): void {
    this.pc = Number(BigInt.asIntN(64, BigInt(pc)));
  }

  readReg(i: number): bigint {
    return i === 0 ? 0n : this.xu[i]!;
  }

  writeReg(i: number, v: bigint): void {
    if (i !== 0) this.x[i] = BigInt.asIntN(64, v);
  }

  /** CSR read with the instruction's side effects, privilege checks bypassed. Undefined if not implemented. */
  readCsr(num: number): bigint | undefined {
    try {
      return this.csrRead(num, true);
    } catch (e) {
      if (e === TRAP) return undefined;
      throw e;
    }
  }

  writeCsr(num: number, v: bigint): boolean {
    try {
      this.csrWrite(num, BigInt.asUintN(64, v), true);
      return true;
    } catch (e) {
      if (e === TRAP) return false;
      throw e;
    }
  }

  /** Execute MRET (for TypeScript trap handlers at M level). */
  mret(): void {
    this.doMret();
  }

  /** Execute SRET from HS-mode (for TypeScript trap handlers at HS level). */
  sret(): void {
    this.doSret();
  }

  reset(): void {
    this.x.fill(0n);
    this.f.fill(0n);
    this.pc = this.cfg.resetVector;
    this.priv = 3;
    this.virt = false;
    this.mstatus = 0;
    this.mstatusHi = 0;
    this.medeleg = this.mideleg = this.mie = this.mcounteren = this.mipSw = 0;
    this.mcountinhibit = 0;
    this.cycleFrozen = this.instretFrozen = -1n;
    this.mideleg = this.cfg.hypervisor ? VS_BITS | (1 << IRQ_SGEI) : 0;
    this.mtvec = this.menvcfg = this.mscratch = this.mepc = this.mcause = this.mtval = this.mtval2 = this.mtinst = 0n;
    this.stvec = this.senvcfg = this.sscratch = this.sepc = this.scause = this.stval = this.satp = 0n;
    this.scounteren = 0;
    this.stimecmp = M64;
    this.hstatus = this.hedeleg = this.hideleg = this.hcounteren = this.hgeie = this.hvip = 0;
    this.htimedelta = this.henvcfg = this.htval = this.htinst = this.hgatp = 0n;
    this.vsstatus = 0;
    this.vstvec = this.vsscratch = this.vsepc = this.vscause = this.vstval = this.vsatp = 0n;
    this.vstimecmp = M64;
    this.fflags = this.frm = 0;
    this.pmpcfg.fill(0);
    this.pmpaddr.fill(0n);
    this.pmpRecompute();
    this.resAddr = -1;
    this.wfi = false;
    this.irqCheck = true;
    this.stimer?.cancel();
    this.vstimer?.cancel();
    this.flushTlb();
  }

  // ---------------------------------------------------------------- Runnable

  get halted(): boolean {
    if (this.stopped) return true;
    if (!this.wfi) return false;
    return (this.mipValue() & this.mie) === 0;
  }

  get retired(): number {
    return this.steps - this.trapsTaken;
  }

  localTime(): number {
    return this.tBase + (this.steps - this.iBase) * this.nsPerInsn;
  }

  syncTime(t: number): void {
    this.tBase = t;
    this.iBase = this.steps;
  }

  /** Timer ticks (the `time` CSR): floor(now_ns * timebase / 1e9). */
  timeTicks(): number {
    return Math.floor(this.sched.now() / this.nsPerTick);
  }

  run(until: number): void {
    if (this.stopped) return;
    if (this.wfi) {
      if ((this.mipValue() & this.mie) === 0) return;
      this.wfi = false;
    }
    const remaining = Math.floor((until - this.localTime()) / this.nsPerInsn + 1e-9);
    if (remaining <= 0) return;
    const stop = this.steps + remaining;
    const sched = this.sched;
    for (;;) {
      try {
        if (this.debug === undefined) this.loop(stop, sched);
        else this.debugLoop(stop, sched);
        return;
      } catch (e) {
        if (e !== TRAP) throw e;
        // A fetch fault costs a step too (executed instructions already counted theirs), so a
        // fault loop such as an unmapped trap vector still advances time and ends the quantum.
        if (this.fetching) {
          this.fetching = false;
          this.steps++;
        }
        if (this.wfi || sched.exitRequested || this.steps >= stop) return;
      }
    }
  }

  /**
   * The run loop while GDB has breakpoints or watchpoints installed: whole stretches run in
   * {@link loop} until execution enters a page holding a breakpoint (enterPage throws
   * DEBUG_PAGE); on such a page instructions run one at a time, each checked first.
   */
  private debugLoop(stop: number, sched: Scheduler): void {
    const d = this.debug!;
    while (this.steps < stop && !sched.exitRequested) {
      // Interrupts are taken before the breakpoint check, so a breakpoint on a trap vector
      // stops before the handler's first instruction.
      if (this.irqCheck) {
        this.checkInterrupts();
        if (this.wfi) return;
      }
      const onBreakPage = d.breakPages.has(Math.floor(this.pc / PAGE));
      if (onBreakPage && !this.dbgSkip && d.breakpoints.has(BigInt.asUintN(64, BigInt(this.pc)))) {
        d.hit({ reason: 'breakpoint', core: this.debugIndex, hardware: false });
        return;
      }
      this.dbgSkip = false;
      if (onBreakPage) {
        this.dbgStepping = true;
        try {
          this.loop(this.steps + 1, sched);
        } finally {
          this.dbgStepping = false;
        }
      } else {
        try {
          this.loop(stop, sched);
        } catch (e) {
          if (e !== DEBUG_PAGE) throw e;
          this.fetching = false;
        }
      }
    }
  }

  /** Thread index of this hart in its debug target (set by debug.ts). */
  debugIndex = 0;

  /** Execute one instruction for a debugger (a breakpoint at pc does not stop it). */
  debugStep(): void {
    if (this.stopped) return;
    this.dbgSkip = true;
    this.sched.runAlone(this, this.localTime() + this.nsPerInsn);
    this.dbgSkip = false;
  }

  /** A watchpoint check after a slow-path access of `size` bytes at virtual `a` (debug.ts). */
  private watchCheck(a: number, size: number, write: boolean): void {
    const d = this.debug!;
    if (!d.watchPages.has(Math.floor(a / PAGE))) return;
    const addr = BigInt.asUintN(64, BigInt(a));
    const w = d.watchHit(addr, size, write);
    if (w !== undefined) d.hit({ reason: 'watchpoint', core: this.debugIndex, kind: w.kind, addr });
  }

  /** Breakpoints or watchpoints changed: forget cached translations so the checks see every page. */
  debugChanged(): void {
    this.flushTlb();
  }

  // ---------------------------------------------------------------- interpreter

  private loop(stop: number, sched: Scheduler): void {
    const x = this.x;
    const xu = this.xu;
    const x32 = this.x32;
    while (this.steps < stop && !sched.exitRequested) {
      if (this.irqCheck) {
        // Privileged §3.1.9: the conditions are evaluated again right after an xRET, so an
        // interrupt left pending and enabled by a TypeScript handler's SRET/MRET (an M handler
        // returning into an HS one returning into VS) is taken before the next instruction.
        // Bounded, so no handler can loop here without time passing.
        for (let n = 0; n < 4 && this.irqCheck; n++) {
          this.checkInterrupts();
          if (this.wfi) return;
        }
      }
      const pc = this.pc;
      let off = pc - this.curVa;
      if (!(off >= 0 && off < PAGE)) {
        this.fetching = true;
        this.enterPage(pc);
        this.fetching = false;
        off = pc - this.curVa;
      }
      const slot = off >>> 1;
      const page = this.curPage;
      let op = page.op[slot]!;
      if (op === 0) op = this.decodeSlot(page, slot);
      let f = page.f[slot]!;
      let imm = page.imm[slot]!;
      this.steps++;
      for (;;) {
        const rd = f & 63;
        const rs1 = (f >>> 6) & 31;
        const rs2 = (f >>> 11) & 31;
        const npc = pc + ((f & 0x1000000) !== 0 ? 2 : 4);
        switch (op) {
          case 24 /* ADDI */:
            x[rd] = x[rs1]! + BigInt(imm);
            this.pc = npc;
            break;
          case 3 /* LUI */:
            x[rd] = BigInt(imm);
            this.pc = npc;
            break;
          case 4 /* AUIPC */:
            x[rd] = BigInt(pc + imm);
            this.pc = npc;
            break;
          case 5 /* JAL */:
            x[rd] = BigInt(npc);
            this.pc = pc + imm;
            break;
          case 6 /* JALR */: {
            let t = (x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm;
            if (t % 2 !== 0) t -= 1;
            x[rd] = BigInt(npc);
            this.pc = t;
            break;
          }
          case 7 /* BEQ */:
            this.pc = x[rs1] === x[rs2] ? pc + imm : npc;
            break;
          case 8 /* BNE */:
            this.pc = x[rs1] !== x[rs2] ? pc + imm : npc;
            break;
          case 9 /* BLT */:
            this.pc = x[rs1]! < x[rs2]! ? pc + imm : npc;
            break;
          case 10 /* BGE */:
            this.pc = x[rs1]! >= x[rs2]! ? pc + imm : npc;
            break;
          case 11 /* BLTU */:
            this.pc = xu[rs1]! < xu[rs2]! ? pc + imm : npc;
            break;
          case 12 /* BGEU */:
            this.pc = xu[rs1]! >= xu[rs2]! ? pc + imm : npc;
            break;
          case 13 /* LB */:
            x[rd] = BigInt((this.load8((x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm) << 24) >> 24);
            this.pc = npc;
            break;
          case 17 /* LBU */:
            x[rd] = BigInt(this.load8((x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm));
            this.pc = npc;
            break;
          case 14 /* LH */:
            x[rd] = BigInt((this.load16((x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm) << 16) >> 16);
            this.pc = npc;
            break;
          case 18 /* LHU */:
            x[rd] = BigInt(this.load16((x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm));
            this.pc = npc;
            break;
          case 15 /* LW */:
            x[rd] = BigInt(this.load32((x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm) | 0);
            this.pc = npc;
            break;
          case 19 /* LWU */:
            x[rd] = BigInt(this.load32((x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm) >>> 0);
            this.pc = npc;
            break;
          case 16 /* LD */:
            x[rd] = this.load64((x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm);
            this.pc = npc;
            break;
          case 20 /* SB */:
            this.store8((x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm, x32[rs2 * 2]!);
            this.pc = npc;
            break;
          case 21 /* SH */:
            this.store16((x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm, x32[rs2 * 2]!);
            this.pc = npc;
            break;
          case 22 /* SW */:
            this.store32((x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm, x32[rs2 * 2]!);
            this.pc = npc;
            break;
          case 23 /* SD */:
            this.store64((x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm, xu[rs2]!);
            this.pc = npc;
            break;
          case 25 /* SLTI */:
            x[rd] = x[rs1]! < BigInt(imm) ? 1n : 0n;
            this.pc = npc;
            break;
          case 26 /* SLTIU */:
            x[rd] = xu[rs1]! < BigInt.asUintN(64, BigInt(imm)) ? 1n : 0n;
            this.pc = npc;
            break;
          case 27 /* XORI */:
            x[rd] = x[rs1]! ^ BigInt(imm);
            this.pc = npc;
            break;
          case 28 /* ORI */:
            x[rd] = x[rs1]! | BigInt(imm);
            this.pc = npc;
            break;
          case 29 /* ANDI */:
            x[rd] = x[rs1]! & BigInt(imm);
            this.pc = npc;
            break;
          case 30 /* SLLI */:
            x[rd] = x[rs1]! << SH[imm]!;
            this.pc = npc;
            break;
          case 31 /* SRLI */:
            x[rd] = xu[rs1]! >> SH[imm]!;
            this.pc = npc;
            break;
          case 32 /* SRAI */:
            x[rd] = x[rs1]! >> SH[imm]!;
            this.pc = npc;
            break;
          case 33 /* ADD */:
            x[rd] = x[rs1]! + x[rs2]!;
            this.pc = npc;
            break;
          case 34 /* SUB */:
            x[rd] = x[rs1]! - x[rs2]!;
            this.pc = npc;
            break;
          case 35 /* SLL */:
            x[rd] = x[rs1]! << SH[x32[rs2 * 2]! & 63]!;
            this.pc = npc;
            break;
          case 36 /* SLT */:
            x[rd] = x[rs1]! < x[rs2]! ? 1n : 0n;
            this.pc = npc;
            break;
          case 37 /* SLTU */:
            x[rd] = xu[rs1]! < xu[rs2]! ? 1n : 0n;
            this.pc = npc;
            break;
          case 38 /* XOR */:
            x[rd] = x[rs1]! ^ x[rs2]!;
            this.pc = npc;
            break;
          case 39 /* SRL */:
            x[rd] = xu[rs1]! >> SH[x32[rs2 * 2]! & 63]!;
            this.pc = npc;
            break;
          case 40 /* SRA */:
            x[rd] = x[rs1]! >> SH[x32[rs2 * 2]! & 63]!;
            this.pc = npc;
            break;
          case 41 /* OR */:
            x[rd] = x[rs1]! | x[rs2]!;
            this.pc = npc;
            break;
          case 42 /* AND */:
            x[rd] = x[rs1]! & x[rs2]!;
            this.pc = npc;
            break;
          case 43 /* ADDIW */:
            x[rd] = BigInt((x32[rs1 * 2]! + imm) | 0);
            this.pc = npc;
            break;
          case 44 /* SLLIW */:
            x[rd] = BigInt(x32[rs1 * 2]! << imm);
            this.pc = npc;
            break;
          case 45 /* SRLIW */:
            x[rd] = BigInt((x32[rs1 * 2]! >>> imm) | 0);
            this.pc = npc;
            break;
          case 46 /* SRAIW */:
            x[rd] = BigInt(x32[rs1 * 2]! >> imm);
            this.pc = npc;
            break;
          case 47 /* ADDW */:
            x[rd] = BigInt((x32[rs1 * 2]! + x32[rs2 * 2]!) | 0);
            this.pc = npc;
            break;
          case 48 /* SUBW */:
            x[rd] = BigInt((x32[rs1 * 2]! - x32[rs2 * 2]!) | 0);
            this.pc = npc;
            break;
          case 49 /* SLLW */:
            x[rd] = BigInt(x32[rs1 * 2]! << (x32[rs2 * 2]! & 31));
            this.pc = npc;
            break;
          case 50 /* SRLW */:
            x[rd] = BigInt((x32[rs1 * 2]! >>> (x32[rs2 * 2]! & 31)) | 0);
            this.pc = npc;
            break;
          case 51 /* SRAW */:
            x[rd] = BigInt(x32[rs1 * 2]! >> (x32[rs2 * 2]! & 31));
            this.pc = npc;
            break;
          case 68 /* MUL */:
            x[rd] = x[rs1]! * x[rs2]!;
            this.pc = npc;
            break;
          case 69 /* MULH */:
            x[rd] = (x[rs1]! * x[rs2]!) >> 64n;
            this.pc = npc;
            break;
          case 70 /* MULHSU */:
            x[rd] = (x[rs1]! * xu[rs2]!) >> 64n;
            this.pc = npc;
            break;
          case 71 /* MULHU */:
            x[rd] = (xu[rs1]! * xu[rs2]!) >> 64n;
            this.pc = npc;
            break;
          case 72 /* DIV */: {
            // Unprivileged §7.2: x/0 = -1, overflow (-2^63 / -1) = -2^63 (the store wraps).
            const b = x[rs2]!;
            x[rd] = b === 0n ? -1n : x[rs1]! / b;
            this.pc = npc;
            break;
          }
          case 73 /* DIVU */: {
            const b = xu[rs2]!;
            x[rd] = b === 0n ? -1n : xu[rs1]! / b;
            this.pc = npc;
            break;
          }
          case 74 /* REM */: {
            const b = x[rs2]!;
            x[rd] = b === 0n ? x[rs1]! : x[rs1]! % b;
            this.pc = npc;
            break;
          }
          case 75 /* REMU */: {
            const b = xu[rs2]!;
            x[rd] = b === 0n ? x[rs1]! : xu[rs1]! % b;
            this.pc = npc;
            break;
          }
          case 76 /* MULW */:
            x[rd] = BigInt(Math.imul(x32[rs1 * 2]!, x32[rs2 * 2]!));
            this.pc = npc;
            break;
          case 77 /* DIVW */: {
            const a = x32[rs1 * 2]!;
            const b = x32[rs2 * 2]!;
            x[rd] = BigInt(b === 0 ? -1 : b === -1 ? -a | 0 : (a / b) | 0);
            this.pc = npc;
            break;
          }
          case 78 /* DIVUW */: {
            const a = x32[rs1 * 2]! >>> 0;
            const b = x32[rs2 * 2]! >>> 0;
            x[rd] = BigInt(b === 0 ? -1 : Math.floor(a / b) | 0);
            this.pc = npc;
            break;
          }
          case 79 /* REMW */: {
            const a = x32[rs1 * 2]!;
            const b = x32[rs2 * 2]!;
            x[rd] = BigInt(b === 0 ? a : b === -1 ? 0 : a % b | 0);
            this.pc = npc;
            break;
          }
          case 80 /* REMUW */: {
            const a = x32[rs1 * 2]! >>> 0;
            const b = x32[rs2 * 2]! >>> 0;
            x[rd] = BigInt(b === 0 ? a | 0 : (a % b) | 0);
            this.pc = npc;
            break;
          }
          case 52 /* FENCE */:
          case 98 /* PAUSE_HINT */:
            this.pc = npc;
            break;
          case 53 /* FENCE_I */:
            // Decoded pages are dropped as soon as their RAM is written (CodeWatcher), so
            // FENCE.I has nothing left to synchronise.
            this.pc = npc;
            break;
          case 2 /* STRADDLE */:
            op = this.decodeStraddle(pc);
            f = this.tmp.f;
            imm = this.tmp.imm;
            continue;
          case 1 /* ILLEGAL */:
            this.illegal(imm);
            break;
          default:
            this.execSlow(op, f, imm, pc, npc);
            break;
        }
        break;
      }
    }
  }

  /** Everything that is not on the hot path: system, atomics, CSRs, FP, H loads/stores. */
  private execSlow(op: number, f: number, imm: number, pc: number, npc: number): void {
    const x32 = this.x32;
    const rd = f & 63;
    const rs1 = (f >>> 6) & 31;
    const rs2 = (f >>> 11) & 31;
    switch (op) {
      case 62 /* CSRRW */:
      case 63 /* CSRRS */:
      case 64 /* CSRRC */:
      case 65 /* CSRRWI */:
      case 66 /* CSRRSI */:
      case 67 /* CSRRCI */:
        this.csrInstruction(op, rd, rs1, imm);
        this.pc = npc;
        return;
      case 54 /* ECALL */: {
        const cause = this.priv === 3 ? EXC.ecallM : this.priv === 1 ? (this.virt ? EXC.ecallVS : EXC.ecallS) : EXC.ecallU;
        this.exception(cause, 0n);
        return;
      }
      case 55 /* EBREAK */:
        this.exception(EXC.breakpoint, BigInt.asUintN(64, BigInt(pc)));
        return;
      case 57 /* MRET */:
        if (this.priv !== 3) this.illegal(0x30200073);
        this.doMret();
        return;
      case 56 /* SRET */:
        if (this.virt) {
          if (this.priv === 0 || (this.hstatus & HS_VTSR) !== 0) this.virtualInstruction(0x10200073);
        } else if (this.priv === 0 || (this.priv === 1 && (this.mstatus & MS_TSR) !== 0)) this.illegal(0x10200073);
        this.doSret();
        return;
      case 58 /* WFI */:
        // Privileged §3.3.3 and H §9.6.1: TW traps from below M; in V=1, VTW (VS) and VU trap as virtual instructions.
        if (this.priv < 3 && (this.mstatus & MS_TW) !== 0) this.illegal(0x10500073);
        if (this.virt && (this.priv === 0 || (this.hstatus & HS_VTW) !== 0)) this.virtualInstruction(0x10500073);
        if (!this.virt && this.priv === 0) this.illegal(0x10500073);
        this.pc = npc;
        if ((this.mipValue() & this.mie) === 0) {
          this.wfi = true;
          throw TRAP; // leave the run loop; the scheduler sees `halted`
        }
        return;
      case 59 /* SFENCE_VMA */:
        if (this.virt) {
          if (this.priv === 0 || (this.hstatus & HS_VTVM) !== 0) this.virtualInstruction(fenceBits(0x09, rs1, rs2));
        } else if (this.priv === 0 || (this.priv === 1 && (this.mstatus & MS_TVM) !== 0)) this.illegal(fenceBits(0x09, rs1, rs2));
        // rs1 != x0: only that page (privileged §4.2.1); the ASID is not used to narrow it.
        if (rs1 === 0) this.flushTlb();
        else this.flushPage(this.x32[rs1 * 2 + 1]! * 4294967296 + (this.x32[rs1 * 2]! >>> 0));
        this.pc = npc;
        return;
      case 60 /* HFENCE_VVMA */:
      case 61 /* HFENCE_GVMA */:
        {
          const bits = fenceBits(op === Op.HFENCE_GVMA ? 0x31 : 0x11, rs1, rs2);
          if (!this.cfg.hypervisor) this.illegal(bits);
          if (this.virt) this.virtualInstruction(bits);
          if (this.priv === 0) this.illegal(bits);
          if (op === Op.HFENCE_GVMA && this.priv === 1 && (this.mstatus & MS_TVM) !== 0) this.illegal(bits);
        }
        this.flushTlb();
        this.pc = npc;
        return;
      case 87 /* HLV */:
      case 88 /* HSV */:
        this.hypervisorLoadStore(op, rd, rs1, rs2, imm);
        this.pc = npc;
        return;
      case 81 /* LR_W */:
      case 83 /* LR_D */:
      case 82 /* SC_W */:
      case 84 /* SC_D */:
      case 85 /* AMO_W */:
      case 86 /* AMO_D */:
        this.atomic(op, rd, rs1, rs2, imm);
        this.pc = npc;
        return;
      case 89 /* FLW */:
      case 90 /* FLD */:
      case 91 /* FSW */:
      case 92 /* FSD */:
        fpLoadStore(this, op, f, (x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0)) + imm);
        this.pc = npc;
        return;
      case 93 /* FMADD */:
      case 94 /* FMSUB */:
      case 95 /* FNMSUB */:
      case 96 /* FNMADD */:
      case 97 /* FOP */:
        execFp(this, op, f, imm);
        this.pc = npc;
        return;
      case 99 /* BITMANIP */:
        execZb(this, imm >>> 0, rd, rs1, rs2);
        this.pc = npc;
        return;
      default:
        this.illegal(imm);
    }
  }

  // ---------------------------------------------------------------- fetch and decode

  private enterPage(pc: number): void {
    if (pc % 2 !== 0) this.exception(EXC.instMisaligned, BigInt.asUintN(64, BigInt(pc)));
    const vpn = Math.floor(pc / PAGE);
    const i = this.fetchBase + (vpn & (TLB_SIZE - 1));
    let ram: RamRegion;
    let off: number;
    this.tlbStats.fetchLookups.value++;
    if (this.debug !== undefined && !this.dbgStepping && this.debug.breakPages.has(vpn)) throw DEBUG_PAGE;
    if (this.tlbTag[i] === vpn) {
      this.tlbStats.fetchHits.value++;
      ram = this.tlbRam[i]!;
      off = vpn * PAGE + this.tlbAdd[i]!;
    } else {
      const pa = this.translate(vpn * PAGE, FETCH, 2, pc);
      const hit = this.bus.findRam(pa);
      if (hit === undefined || hit.offset + PAGE > hit.ram.size) this.fault(FETCH, pc, false);
      ram = hit!.ram;
      off = hit!.offset;
      if (this.cacheable) {
        this.tlbTag[i] = vpn;
        this.tlbAdd[i] = off - vpn * PAGE;
        this.tlbRam[i] = ram;
      }
    }
    this.curPage = this.code.get(ram, off / PAGE);
    this.curVa = vpn * PAGE;
  }

  private decodeSlot(page: DecodedPage, slot: number): number {
    const base = page.page * 2048;
    const lo = page.ram.u16[base + slot]!;
    let op: number;
    if ((lo & 3) !== 3) op = D.decode16(lo, this.tmp);
    else if (slot === 2047) {
      page.op[slot] = Op.STRADDLE;
      return Op.STRADDLE;
    } else {
      const w = (lo | (page.ram.u16[base + slot + 1]! << 16)) >>> 0;
      op = D.decode32(w, this.tmp, false);
      if (op === Op.ILLEGAL) this.tmp.imm = w | 0;
    }
    page.op[slot] = op;
    page.f[slot] = this.tmp.f;
    page.imm[slot] = this.tmp.imm;
    return op;
  }

  /** A 32-bit instruction whose upper half is on the next page: fetch it through translation. */
  private decodeStraddle(pc: number): number {
    const lo = this.curPage.ram.u16[this.curPage.page * 2048 + 2047]!;
    const pa = this.translate(pc + 2, FETCH, 2, pc + 2);
    const v = this.physRead(pa, 2, FETCH, pc + 2);
    const w = (lo | (v << 16)) >>> 0;
    const op = D.decode32(w, this.tmp, false);
    if (op === Op.ILLEGAL) this.tmp.imm = w | 0;
    return op;
  }

  codeInvalidated(p: DecodedPage | undefined): void {
    if (p === undefined || p === this.curPage) this.curVa = NaN;
  }

  dropStoreEntries(ram: RamRegion, page: number): void {
    for (let m = 0; m < 5; m++) {
      const base = (m * 3 + STORE) * TLB_SIZE;
      for (let i = 0; i < TLB_SIZE; i++) {
        const j = base + i;
        if (this.tlbRam[j] === ram && Math.floor((this.tlbTag[j]! * PAGE + this.tlbAdd[j]!) / PAGE) === page) this.tlbTag[j] = NaN;
      }
    }
  }

  /** Drop one virtual page from every TLB set, and every cached superpage leaf. */
  flushPage(va: number): void {
    const vpn = Math.floor(va / PAGE);
    const k = vpn & (TLB_SIZE - 1);
    for (let set = 0; set < TLB_SETS; set++) {
      const i = set * TLB_SIZE + k;
      if (this.tlbTag[i] === vpn) this.tlbTag[i] = NaN;
    }
    this.spSize.fill(0);
    this.curVa = NaN;
  }

  flushTlb(): void {
    this.tlbTag.fill(NaN);
    this.spSize.fill(0);
    this.curVa = NaN;
    this.updateLsMode();
  }

  /** Privilege or V changed: pick the TLB sets of the new mode (entries stay valid per mode). */
  modeChanged(): void {
    this.curVa = NaN;
    this.updateLsMode();
  }

  private updateLsMode(): void {
    if (this.priv === 3 && (this.mstatus & MS_MPRV) !== 0) {
      this.lsPriv = (this.mstatus >>> MS_MPP_SHIFT) & 3;
      this.lsVirt = this.lsPriv !== 3 && (this.mstatusHi & MSH_MPV) !== 0;
    } else {
      this.lsPriv = this.priv;
      this.lsVirt = this.virt;
    }
    const mode = (p: number, v: boolean): number => (v ? (p === 1 ? 3 : 4) : p === 3 ? 0 : p === 1 ? 1 : 2);
    this.fetchBase = mode(this.priv, this.virt) * 3 * TLB_SIZE;
    const ls = mode(this.lsPriv, this.lsVirt) * 3 * TLB_SIZE;
    this.loadBase = ls + LOAD * TLB_SIZE;
    this.storeBase = ls + STORE * TLB_SIZE;
  }

  // ---------------------------------------------------------------- loads and stores

  load8(a: number): number {
    const vpn = Math.floor(a / PAGE);
    const i = this.loadBase + (vpn & (TLB_SIZE - 1));
    if (this.tlbTag[i] === vpn) return this.tlbRam[i]!.u8[a + this.tlbAdd[i]!]!;
    return this.loadSlow(a, 1);
  }

  load16(a: number): number {
    const vpn = Math.floor(a / PAGE);
    const i = this.loadBase + (vpn & (TLB_SIZE - 1));
    if (this.tlbTag[i] === vpn && (a & 1) === 0) return this.tlbRam[i]!.u16[(a + this.tlbAdd[i]!) / 2]!;
    return this.loadSlow(a, 2);
  }

  load32(a: number): number {
    const vpn = Math.floor(a / PAGE);
    const i = this.loadBase + (vpn & (TLB_SIZE - 1));
    if (this.tlbTag[i] === vpn && (a & 3) === 0) return this.tlbRam[i]!.i32[(a + this.tlbAdd[i]!) / 4]!;
    return this.loadSlow(a, 4);
  }

  load64(a: number): bigint {
    const vpn = Math.floor(a / PAGE);
    const i = this.loadBase + (vpn & (TLB_SIZE - 1));
    if (this.tlbTag[i] === vpn && (a & 7) === 0) return this.tlbRam[i]!.u64[(a + this.tlbAdd[i]!) / 8]!;
    return this.load64Slow(a);
  }

  store8(a: number, v: number): void {
    const vpn = Math.floor(a / PAGE);
    const i = this.storeBase + (vpn & (TLB_SIZE - 1));
    if (this.tlbTag[i] === vpn) this.tlbRam[i]!.u8[a + this.tlbAdd[i]!] = v;
    else this.storeSlow(a, 1, v);
  }

  store16(a: number, v: number): void {
    const vpn = Math.floor(a / PAGE);
    const i = this.storeBase + (vpn & (TLB_SIZE - 1));
    if (this.tlbTag[i] === vpn && (a & 1) === 0) this.tlbRam[i]!.u16[(a + this.tlbAdd[i]!) / 2] = v;
    else this.storeSlow(a, 2, v);
  }

  store32(a: number, v: number): void {
    const vpn = Math.floor(a / PAGE);
    const i = this.storeBase + (vpn & (TLB_SIZE - 1));
    if (this.tlbTag[i] === vpn && (a & 3) === 0) this.tlbRam[i]!.i32[(a + this.tlbAdd[i]!) / 4] = v;
    else this.storeSlow(a, 4, v);
  }

  store64(a: number, v: bigint): void {
    const vpn = Math.floor(a / PAGE);
    const i = this.storeBase + (vpn & (TLB_SIZE - 1));
    if (this.tlbTag[i] === vpn && (a & 7) === 0) this.tlbRam[i]!.u64[(a + this.tlbAdd[i]!) / 8] = v;
    else this.store64Slow(a, v);
  }

  private misalignedAllowed(a: number, size: number, type: number): boolean {
    if (this.cfg.misaligned === 'trap') {
      this.fault(type, a, true);
    }
    return Math.floor(a / PAGE) === Math.floor((a + size - 1) / PAGE);
  }

  loadSlow(a: number, size: 1 | 2 | 4): number {
    if ((a & (size - 1)) !== 0 && !this.misalignedAllowed(a, size, LOAD)) {
      // Crosses a page: byte by byte, each translated (privileged §3.6.2 allows either order).
      let v = 0;
      for (let k = size - 1; k >= 0; k--) v = (v << 8) | this.loadSlow(a + k, 1);
      return size === 4 ? v | 0 : v;
    }
    if ((a & (size - 1)) !== 0 && !this.hlv) {
      // Misaligned inside one page: the page's TLB entry serves it as well as an aligned access
      // (not for HLV/HSV, which translate as VS/VU and never use the TLB).
      const i = this.tlbSlot(this.loadBase, a);
      if (i >= 0) {
        const o = a + this.tlbAdd[i]!;
        const r = this.tlbRam[i]!;
        return size === 2 ? r.view.getUint16(o, true) : r.view.getInt32(o, true);
      }
    }
    const pa = this.translate(a, LOAD, size, a);
    const v = this.physRead(pa, size, LOAD, a);
    if (this.cacheable) this.fillTlb(LOAD, a, pa);
    if (this.debug !== undefined) this.watchCheck(a, size, false);
    return size === 4 ? v | 0 : v;
  }

  load64Slow(a: number): bigint {
    if ((a & 7) !== 0 && !this.misalignedAllowed(a, 8, LOAD)) {
      const lo = BigInt(this.loadSlow(a, 4) >>> 0);
      const hi = BigInt(this.loadSlow(a + 4, 4) >>> 0);
      return (hi << 32n) | lo;
    }
    if ((a & 7) !== 0 && !this.hlv) {
      const i = this.tlbSlot(this.loadBase, a);
      if (i >= 0) return this.tlbRam[i]!.view.getBigUint64(a + this.tlbAdd[i]!, true);
    }
    const pa = this.translate(a, LOAD, 8, a);
    const v = this.physRead64(pa, LOAD, a);
    if (this.cacheable) this.fillTlb(LOAD, a, pa);
    if (this.debug !== undefined) this.watchCheck(a, 8, false);
    return v;
  }

  storeSlow(a: number, size: 1 | 2 | 4, v: number): void {
    if ((a & (size - 1)) !== 0 && !this.misalignedAllowed(a, size, STORE)) {
      // Check every byte's translation first so a fault leaves memory unchanged.
      for (let k = 0; k < size; k++) this.translate(a + k, STORE, 1, a + k);
      for (let k = 0; k < size; k++) this.storeSlow(a + k, 1, (v >>> (8 * k)) & 0xff);
      return;
    }
    if ((a & (size - 1)) !== 0 && !this.hlv) {
      // Store TLB entries are never code pages, so nothing decoded needs dropping.
      const i = this.tlbSlot(this.storeBase, a);
      if (i >= 0) {
        const o = a + this.tlbAdd[i]!;
        const r = this.tlbRam[i]!;
        if (size === 2) r.view.setUint16(o, v, true);
        else r.view.setUint32(o, v >>> 0, true);
        return;
      }
    }
    const pa = this.translate(a, STORE, size, a);
    this.physWrite(pa, size, v, a);
    if (this.cacheable) this.fillTlb(STORE, a, pa);
    if (this.debug !== undefined) this.watchCheck(a, size, true);
  }

  store64Slow(a: number, v: bigint): void {
    if ((a & 7) !== 0 && !this.misalignedAllowed(a, 8, STORE)) {
      for (let k = 0; k < 8; k++) this.translate(a + k, STORE, 1, a + k);
      this.storeSlow(a, 4, Number(v & 0xffffffffn) | 0);
      this.storeSlow(a + 4, 4, Number((v >> 32n) & 0xffffffffn) | 0);
      return;
    }
    if ((a & 7) !== 0 && !this.hlv) {
      const i = this.tlbSlot(this.storeBase, a);
      if (i >= 0) {
        this.tlbRam[i]!.view.setBigUint64(a + this.tlbAdd[i]!, BigInt.asUintN(64, v), true);
        return;
      }
    }
    const pa = this.translate(a, STORE, 8, a);
    this.physWrite64(pa, v, a);
    if (this.cacheable) this.fillTlb(STORE, a, pa);
    if (this.debug !== undefined) this.watchCheck(a, 8, true);
  }

  /** The TLB slot of `va` in the set at `base` if it holds that page, else -1. */
  private tlbSlot(base: number, va: number): number {
    const vpn = Math.floor(va / PAGE);
    const i = base + (vpn & (TLB_SIZE - 1));
    return this.tlbTag[i] === vpn ? i : -1;
  }

  private fillTlb(type: number, va: number, pa: number): void {
    this.tlbStats.dataMisses.value++;
    // Pages under a GDB watchpoint stay out of the TLB so every access reaches watchCheck.
    if (this.debug !== undefined && this.debug.watchPages.has(Math.floor(va / PAGE))) return;
    const pageBase = pa - (pa % PAGE);
    const hit = this.bus.findRam(pageBase);
    if (hit === undefined || hit.offset + PAGE > hit.ram.size) return;
    if (type === STORE && (hit.ram.readonly || hit.ram.codePages[hit.offset / PAGE] !== 0)) return;
    const vpn = Math.floor(va / PAGE);
    const i = (type === FETCH ? this.fetchBase : type === LOAD ? this.loadBase : this.storeBase) + (vpn & (TLB_SIZE - 1));
    this.tlbTag[i] = vpn;
    this.tlbAdd[i] = hit.offset - vpn * PAGE;
    this.tlbRam[i] = hit.ram;
  }

  physRead(pa: number, size: 1 | 2 | 4, type: number, va: number): number {
    const hit = this.bus.findRam(pa);
    if (hit !== undefined && hit.offset + size <= hit.ram.size) {
      const r = hit.ram;
      const o = hit.offset;
      return size === 1 ? r.u8[o]! : size === 2 ? r.view.getUint16(o, true) : r.view.getUint32(o, true);
    }
    this.bus.setMaster(this.name, this.hartid);
    const v = this.bus.read(pa, size);
    if (this.bus.status !== BusStatus.Ok) this.fault(type, va, false);
    return v;
  }

  physRead64(pa: number, type: number, va: number): bigint {
    const hit = this.bus.findRam(pa);
    if (hit !== undefined && hit.offset + 8 <= hit.ram.size) return hit.ram.view.getBigUint64(hit.offset, true);
    this.bus.setMaster(this.name, this.hartid);
    const v = this.bus.read64(pa);
    if (this.bus.status !== BusStatus.Ok) this.fault(type, va, false);
    return v;
  }

  physWrite(pa: number, size: 1 | 2 | 4, v: number, va: number): void {
    this.bus.setMaster(this.name, this.hartid);
    this.bus.write(pa, size, size === 4 ? v >>> 0 : v & (size === 1 ? 0xff : 0xffff));
    if (this.bus.status !== BusStatus.Ok) this.fault(STORE, va, false);
  }

  physWrite64(pa: number, v: bigint, va: number): void {
    this.bus.setMaster(this.name, this.hartid);
    this.bus.write64(pa, v);
    if (this.bus.status !== BusStatus.Ok) this.fault(STORE, va, false);
  }

  /** Raise the access fault (or misaligned) for `type` at virtual address `va`. */
  private fault(type: number, va: number, misaligned: boolean): never {
    const tval = BigInt.asUintN(64, BigInt(va));
    this.faultGva = this.hlv || (type === FETCH ? this.virt : this.lsVirt);
    if (misaligned) this.exception(type === LOAD ? EXC.loadMisaligned : EXC.storeMisaligned, tval);
    this.exception(type === FETCH ? EXC.instAccess : type === LOAD ? EXC.loadAccess : EXC.storeAccess, tval);
  }

  // ---------------------------------------------------------------- translation

  /**
   * Translate `va` for an access of `type` and `size`; checks PMP. Sets `cacheable` when the
   * whole 4 KiB page may go in the TLB. Throws (after trap entry) on any fault. `tvalVa` is
   * the address reported in xtval.
   */
  translate(va: number, type: number, size: number, tvalVa: number): number {
    let priv: number;
    let virt: boolean;
    if (type === FETCH) {
      priv = this.priv;
      virt = this.virt;
    } else if (this.hlv) {
      priv = (this.hstatus & HS_SPVP) !== 0 ? 1 : 0;
      virt = true;
    } else {
      priv = this.lsPriv;
      virt = this.lsVirt;
    }
    let pa: number;
    this.cacheable = !this.hlv;
    if (priv === 3) {
      pa = va < 0 ? va + 2 ** 64 : va;
    } else if (!virt) {
      const mode = Number(this.satp >> 60n);
      if (mode === 0) pa = va < 0 ? va + 2 ** 64 : va;
      else {
        const si = (priv === 1 ? 3 : 6) + type;
        const sz = this.spSize[si]!;
        const base = this.spVa[si]!;
        if (sz !== 0 && !this.hlv && va >= base && va - base < sz) pa = this.spPa[si]! + (va - base);
        else {
          pa = this.walk(va, type, priv, false, this.satp, mode, tvalVa);
          if (this.leafSpan > PAGE && !this.hlv) {
            const off = ((va % this.leafSpan) + this.leafSpan) % this.leafSpan;
            this.spVa[si] = va - off;
            this.spPa[si] = pa - off;
            this.spSize[si] = this.leafSpan;
          }
        }
      }
    } else {
      const mode = Number(this.vsatp >> 60n);
      let gpa: number;
      if (mode === 0) gpa = va < 0 ? va + 2 ** 64 : va;
      else gpa = this.walk(va, type, priv, true, this.vsatp, mode, tvalVa);
      pa = this.gstage(gpa, type, tvalVa, false);
    }
    if (pa >= MAX_PHYS) this.fault(type, tvalVa, false);
    const pmpPriv = priv;
    if (!this.pmpCheck(pa, size, type, pmpPriv)) this.fault(type, tvalVa, false);
    if (this.cacheable && this.pmpActive !== 0) {
      const base = pa - (pa % PAGE);
      if (!this.pmpCheck(base, PAGE, type, pmpPriv)) this.cacheable = false;
    }
    return pa;
  }

  private pageFault(type: number, tvalVa: number, gva: boolean): never {
    this.faultGva = gva;
    const tval = BigInt.asUintN(64, BigInt(tvalVa));
    this.exception(type === FETCH ? EXC.instPage : type === LOAD ? EXC.loadPage : EXC.storePage, tval);
  }

  private guestPageFault(type: number, tvalVa: number, gpa: number, implicit: number): never {
    this.faultGva = true;
    this.faultGpa = gpa;
    // H §9.4.5: an implicit VS-stage PTE access reports a pseudoinstruction in htinst.
    this.faultInst = implicit;
    const tval = BigInt.asUintN(64, BigInt(tvalVa));
    this.exception(type === FETCH ? EXC.instGuestPage : type === LOAD ? EXC.loadGuestPage : EXC.storeGuestPage, tval);
  }

  /** Sv39/Sv48 (or the VS-stage of two-stage) walk, privileged §4.3.2. */
  private walk(va: number, type: number, priv: number, vs: boolean, atp: bigint, mode: number, tvalVa: number): number {
    const levels = mode === 8 ? 3 : mode === 9 ? 4 : 0;
    if (levels === 0) this.pageFault(type, tvalVa, vs);
    const vaBits = 12 + 9 * levels;
    const half = 2 ** (vaBits - 1);
    if (va >= half || va < -half) this.pageFault(type, tvalVa, vs);
    const sum = vs ? (this.vsstatus & MS_SUM) !== 0 : (this.mstatus & MS_SUM) !== 0;
    const mxr = (this.mstatus & MS_MXR) !== 0 || (vs && (this.vsstatus & MS_MXR) !== 0);
    let base = Number(atp & 0xfffffffffffn) * PAGE;
    for (let level = levels - 1; level >= 0; level--) {
      const shift = 12 + 9 * level;
      const idx = Math.floor(va / 2 ** shift) & 511;
      let pteAddr = base + idx * 8;
      if (vs) pteAddr = this.gstage(pteAddr, LOAD, tvalVa, true, type);
      if (!this.pmpCheck(pteAddr, 8, LOAD, 1)) this.fault(type, tvalVa, false);
      const pteBig = this.physRead64(pteAddr, type, tvalVa);
      const pte = Number(pteBig & 0x3ffn);
      if ((pte & PTE_V) === 0 || ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0) || pteBig >> 54n !== 0n) this.pageFault(type, tvalVa, vs);
      const ppn = Number((pteBig >> 10n) & 0xfffffffffffn);
      if ((pte & (PTE_R | PTE_X)) === 0) {
        // Non-leaf: D, A and U are reserved and must be zero.
        if ((pte & (PTE_D | PTE_A | PTE_U)) !== 0) this.pageFault(type, tvalVa, vs);
        base = ppn * PAGE;
        continue;
      }
      // Leaf: permission checks (§4.3.1, §4.3.2 step 5).
      if ((pte & PTE_U) !== 0) {
        if (priv === 1 && (type === FETCH || !sum)) this.pageFault(type, tvalVa, vs);
      } else if (priv === 0) this.pageFault(type, tvalVa, vs);
      if (type === FETCH && (pte & PTE_X) === 0) this.pageFault(type, tvalVa, vs);
      if (type === LOAD) {
        if (this.hlvx) {
          if ((pte & PTE_X) === 0) this.pageFault(type, tvalVa, vs);
        } else if ((pte & PTE_R) === 0 && !(mxr && (pte & PTE_X) !== 0)) this.pageFault(type, tvalVa, vs);
      }
      if (type === STORE && (pte & PTE_W) === 0) this.pageFault(type, tvalVa, vs);
      // Misaligned superpage.
      const span = 2 ** (9 * level);
      if (level > 0 && ppn % span !== 0) this.pageFault(type, tvalVa, vs);
      if ((pte & PTE_A) === 0 || (type === STORE && (pte & PTE_D) === 0)) {
        if (this.cfg.adUpdate === 'fault') this.pageFault(type, tvalVa, vs);
        const newPte = pteBig | BigInt(PTE_A | (type === STORE ? PTE_D : 0));
        let wAddr = base + idx * 8;
        if (vs) wAddr = this.gstage(wAddr, STORE, tvalVa, true, type);
        if (!this.pmpCheck(wAddr, 8, STORE, 1)) this.fault(type, tvalVa, false);
        this.physWrite64(wAddr, newPte, tvalVa);
      }
      const pageOff = ((va % 2 ** shift) + 2 ** shift) % 2 ** shift;
      this.leafSpan = 2 ** shift;
      return (ppn - (ppn % span)) * PAGE + pageOff;
    }
    this.pageFault(type, tvalVa, vs);
  }

  /**
   * G-stage translation (H §9.5.1): guest physical to supervisor physical, Sv39x4/Sv48x4.
   * `implicitType` is the original access type when this translates a VS-stage PTE address.
   */
  private gstage(gpa: number, type: number, tvalVa: number, implicit: boolean, implicitType = type): number {
    const mode = Number(this.hgatp >> 60n);
    const reportType = implicit ? implicitType : type;
    const pseudo = implicit ? (type === STORE ? 0x3020 : 0x3000) : 0;
    if (mode === 0) return gpa;
    const levels = mode === 8 ? 3 : 4;
    const gpaBits = 12 + 9 * levels + 2;
    if (gpa < 0 || gpa >= 2 ** gpaBits) this.guestPageFault(reportType, tvalVa, gpa, pseudo);
    const mxr = (this.mstatus & MS_MXR) !== 0;
    let base = Number((this.hgatp & 0xfffffffffffn) >> 2n << 2n) * PAGE;
    for (let level = levels - 1; level >= 0; level--) {
      const shift = 12 + 9 * level;
      const idx = Math.floor(gpa / 2 ** shift) & (level === levels - 1 ? 2047 : 511);
      const pteAddr = base + idx * 8;
      if (!this.pmpCheck(pteAddr, 8, LOAD, 1)) this.fault(reportType, tvalVa, false);
      const pteBig = this.physRead64(pteAddr, reportType, tvalVa);
      const pte = Number(pteBig & 0x3ffn);
      if ((pte & PTE_V) === 0 || ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0) || pteBig >> 54n !== 0n) this.guestPageFault(reportType, tvalVa, gpa, pseudo);
      const ppn = Number((pteBig >> 10n) & 0xfffffffffffn);
      if ((pte & (PTE_R | PTE_X)) === 0) {
        if ((pte & (PTE_D | PTE_A | PTE_U)) !== 0) this.guestPageFault(reportType, tvalVa, gpa, pseudo);
        base = ppn * PAGE;
        continue;
      }
      // G-stage accesses are treated as U-mode accesses (H §9.5.1).
      if ((pte & PTE_U) === 0) this.guestPageFault(reportType, tvalVa, gpa, pseudo);
      if (type === FETCH && (pte & PTE_X) === 0) this.guestPageFault(reportType, tvalVa, gpa, pseudo);
      if (type === LOAD) {
        if (this.hlvx && !implicit) {
          if ((pte & PTE_X) === 0) this.guestPageFault(reportType, tvalVa, gpa, pseudo);
        } else if ((pte & PTE_R) === 0 && !(mxr && (pte & PTE_X) !== 0)) this.guestPageFault(reportType, tvalVa, gpa, pseudo);
      }
      if (type === STORE && (pte & PTE_W) === 0) this.guestPageFault(reportType, tvalVa, gpa, pseudo);
      const span = 2 ** (9 * level);
      if (level > 0 && ppn % span !== 0) this.guestPageFault(reportType, tvalVa, gpa, pseudo);
      if ((pte & PTE_A) === 0 || (type === STORE && (pte & PTE_D) === 0)) {
        if (this.cfg.adUpdate === 'fault') this.guestPageFault(reportType, tvalVa, gpa, pseudo);
        if (!this.pmpCheck(pteAddr, 8, STORE, 1)) this.fault(reportType, tvalVa, false);
        this.physWrite64(pteAddr, pteBig | BigInt(PTE_A | (type === STORE ? PTE_D : 0)), tvalVa);
      }
      return (ppn - (ppn % span)) * PAGE + (gpa % 2 ** shift);
    }
    this.guestPageFault(reportType, tvalVa, gpa, pseudo);
  }

  // ---------------------------------------------------------------- PMP (privileged §3.7)

  /** True if an access of `size` bytes at `pa` of `type` by `priv` passes PMP. */
  pmpCheck(pa: number, size: number, type: number, priv: number): boolean {
    if (this.pmpActive === 0) return priv === 3 || this.cfg.pmpEntries === 0;
    const n = this.cfg.pmpEntries;
    const end = pa + size;
    for (let i = 0; i < n; i++) {
      const cfg = this.pmpcfg[i]!;
      if ((cfg & 0x18) === 0) continue;
      const lo = this.pmpLo[i]!;
      const hi = this.pmpHi[i]!;
      if (end <= lo || pa >= hi) continue;
      // The lowest-numbered matching entry must cover every byte.
      if (pa < lo || end > hi) return false;
      if (priv === 3 && (cfg & 0x80) === 0) return true;
      const need = type === FETCH ? 4 : type === LOAD ? 1 : 2;
      return (cfg & need) !== 0;
    }
    return priv === 3;
  }

  private pmpRecompute(): void {
    let active = 0;
    for (let i = 0; i < this.cfg.pmpEntries; i++) {
      const cfg = this.pmpcfg[i]!;
      const a = (cfg >>> 3) & 3;
      const addr = this.pmpaddr[i]!;
      let lo = 0;
      let hi = 0;
      if (a === 1) {
        lo = i === 0 ? 0 : Number(this.pmpaddr[i - 1]! << 2n);
        hi = Number(addr << 2n);
        if (hi < lo) hi = lo;
      } else if (a === 2) {
        lo = Number(addr << 2n);
        hi = lo + 4;
      } else if (a === 3) {
        let t = 0n;
        while (t < 64n && ((addr >> t) & 1n) === 1n) t++;
        const sizeB = 1n << (t + 3n);
        const baseB = (addr & ~((1n << t) - 1n)) << 2n;
        lo = Number(baseB);
        hi = Number(baseB + sizeB);
      }
      this.pmpLo[i] = lo;
      this.pmpHi[i] = hi;
      if (a !== 0) active++;
    }
    this.pmpActive = active;
  }

  // ---------------------------------------------------------------- atomics

  private atomic(op: number, rd: number, rs1: number, rs2: number, f5: number): void {
    const x = this.x;
    const x32 = this.x32;
    const a = (x32[rs1 * 2 + 1]! * 4294967296 + (x32[rs1 * 2]! >>> 0));
    const wide = op === Op.LR_D || op === Op.SC_D || op === Op.AMO_D;
    const size = wide ? 8 : 4;
    // A §8.2/§8.4: misaligned atomics raise address-misaligned (or access) exceptions.
    if (a % size !== 0) {
      this.faultGva = this.lsVirt;
      this.exception(op === Op.LR_W || op === Op.LR_D ? EXC.loadMisaligned : EXC.storeMisaligned, BigInt.asUintN(64, BigInt(a)));
    }
    if (op === Op.LR_W || op === Op.LR_D) {
      const pa = this.translate(a, LOAD, size, a);
      const v = wide ? this.physRead64(pa, LOAD, a) : BigInt(this.physRead(pa, 4, LOAD, a) | 0);
      this.resAddr = pa;
      this.resValue = v;
      x[rd] = v;
      if (this.debug !== undefined) this.watchCheck(a, size, false);
      return;
    }
    // SC and AMOs need write permission (they report store/AMO faults).
    const pa = this.translate(a, STORE, size, a);
    if (op === Op.SC_W || op === Op.SC_D) {
      let ok = this.resAddr === pa;
      if (ok) {
        // QEMU-style: the reservation holds if memory still has the value LR saw.
        const cur = wide ? this.physRead64(pa, STORE, a) : BigInt(this.physRead(pa, 4, STORE, a) | 0);
        ok = cur === this.resValue;
      }
      this.resAddr = -1;
      if (ok) {
        if (wide) this.physWrite64(pa, this.xu[rs2]!, a);
        else this.physWrite(pa, 4, this.x32[rs2 * 2]!, a);
      }
      x[rd] = ok ? 0n : 1n;
      if (ok && this.debug !== undefined) this.watchCheck(a, size, true);
      return;
    }
    const old = wide ? BigInt.asIntN(64, this.physRead64(pa, STORE, a)) : BigInt(this.physRead(pa, 4, STORE, a) | 0);
    const src = wide ? x[rs2]! : BigInt(this.x32[rs2 * 2]!);
    const bits = wide ? 64 : 32;
    let nv: bigint;
    switch (f5) {
      case 1: nv = src; break; // AMOSWAP
      case 0: nv = old + src; break; // AMOADD
      case 4: nv = old ^ src; break; // AMOXOR
      case 12: nv = old & src; break; // AMOAND
      case 8: nv = old | src; break; // AMOOR
      case 16: nv = old < src ? old : src; break; // AMOMIN
      case 20: nv = old > src ? old : src; break; // AMOMAX
      case 24: nv = BigInt.asUintN(bits, old) < BigInt.asUintN(bits, src) ? old : src; break; // AMOMINU
      default: nv = BigInt.asUintN(bits, old) > BigInt.asUintN(bits, src) ? old : src; break; // AMOMAXU
    }
    if (wide) this.physWrite64(pa, BigInt.asUintN(64, nv), a);
    else this.physWrite(pa, 4, Number(BigInt.asIntN(32, nv)), a);
    x[rd] = old;
    if (this.debug !== undefined) this.watchCheck(a, size, true);
  }

  // ---------------------------------------------------------------- H loads/stores

  private hypervisorLoadStore(op: number, rd: number, rs1: number, rs2: number, v: number): void {
    if (!this.cfg.hypervisor) this.illegal(0);
    // H §9.2.3: from VS/VU a virtual instruction; from U legal only with hstatus.HU.
    if (this.virt) this.virtualInstruction(0);
    if (this.priv === 0 && (this.hstatus & HS_HU) === 0) this.illegal(0);
    const a = (this.x32[rs1 * 2 + 1]! * 4294967296 + (this.x32[rs1 * 2]! >>> 0));
    this.hlv = true;
    this.hlvx = v === D.HVX_HU || v === D.HVX_WU;
    try {
      if (op === Op.HLV) {
        let r: bigint;
        switch (v) {
          case D.HV_B: r = BigInt((this.loadSlow(a, 1) << 24) >> 24); break;
          case D.HV_BU: r = BigInt(this.loadSlow(a, 1)); break;
          case D.HV_H: r = BigInt((this.loadSlow(a, 2) << 16) >> 16); break;
          case D.HV_HU: case D.HVX_HU: r = BigInt(this.loadSlow(a, 2) & 0xffff); break;
          case D.HV_W: r = BigInt(this.loadSlow(a, 4) | 0); break;
          case D.HV_WU: case D.HVX_WU: r = BigInt(this.loadSlow(a, 4) >>> 0); break;
          default: r = this.load64Slow(a); break;
        }
        this.x[rd] = r;
      } else {
        switch (v) {
          case D.HV_B: this.storeSlow(a, 1, this.x32[rs2 * 2]! & 0xff); break;
          case D.HV_H: this.storeSlow(a, 2, this.x32[rs2 * 2]! & 0xffff); break;
          case D.HV_W: this.storeSlow(a, 4, this.x32[rs2 * 2]!); break;
          default: this.store64Slow(a, this.xu[rs2]!); break;
        }
      }
    } finally {
      this.hlv = false;
      this.hlvx = false;
    }
  }

  // ---------------------------------------------------------------- traps

  illegal(bits: number): never {
    this.exception(EXC.illegal, BigInt(bits >>> 0));
  }

  virtualInstruction(bits: number): never {
    this.exception(EXC.virtualInstruction, BigInt(bits >>> 0));
  }

  /** Take a synchronous exception at the current pc and unwind to the run loop. */
  exception(cause: number, tval: bigint): never {
    this.takeTrap(cause, false, tval);
    throw TRAP;
  }

  private takeTrap(cause: number, interrupt: boolean, tval: bigint): void {
    const from = this.priv;
    const fromVirt = this.virt;
    const gva = !interrupt && this.faultGva;
    const gpa = this.faultGpa;
    const tinst = this.faultInst;
    this.faultGva = false;
    this.faultGpa = 0;
    this.faultInst = 0;
    this.trapsTaken += interrupt ? 0 : 1;
    this.resAddr = -1;
    const epc = BigInt.asUintN(64, BigInt(this.pc));
    const bit = 1 << cause;
    let target: 0 | 1 | 2; // M, HS, VS
    if (from === 3) target = 0;
    else if (interrupt) {
      target = (this.mideleg & bit) === 0 ? 0 : this.virt && (this.hideleg & bit) !== 0 ? 2 : 1;
    } else {
      target = cause >= 32 || (this.medeleg & bit) === 0 ? 0 : this.virt && (this.hedeleg & bit) !== 0 ? 2 : 1;
    }
    const isGuestFault = cause === 20 || cause === 21 || cause === 23;
    const causeBits = interrupt ? (1n << 63n) | BigInt(cause) : BigInt(cause);
    let vector: bigint;
    if (target === 2) {
      // Delivered to VS: VS-level interrupt codes appear as their S-level equivalents (H §9.2.4).
      const vsCause = interrupt ? (1n << 63n) | BigInt(cause - 1) : BigInt(cause);
      this.vscause = vsCause;
      this.vsepc = epc;
      this.vstval = tval;
      let s = this.vsstatus;
      s = (s & ~MS_SPP) | (from === 1 ? MS_SPP : 0);
      s = (s & ~MS_SPIE) | ((s & MS_SIE) !== 0 ? MS_SPIE : 0);
      s &= ~MS_SIE;
      this.vsstatus = s;
      this.priv = 1;
      vector = this.vstvec;
      if (interrupt && (vector & 3n) === 1n) vector = (vector & ~3n) + 4n * BigInt(cause - 1);
      else vector &= ~3n;
    } else if (target === 1) {
      this.scause = causeBits;
      this.sepc = epc;
      this.stval = tval;
      if (this.cfg.hypervisor) {
        this.htval = isGuestFault ? BigInt(gpa) >> 2n : 0n;
        this.htinst = BigInt(tinst);
        let h = this.hstatus;
        h = (h & ~HS_SPV) | (fromVirt ? HS_SPV : 0);
        if (fromVirt) h = (h & ~HS_SPVP) | (from === 1 ? HS_SPVP : 0);
        h = (h & ~HS_GVA) | (gva ? HS_GVA : 0);
        this.hstatus = h;
      }
      let s = this.mstatus;
      s = (s & ~MS_SPP) | (from === 1 ? MS_SPP : 0);
      s = (s & ~MS_SPIE) | ((s & MS_SIE) !== 0 ? MS_SPIE : 0);
      s &= ~MS_SIE;
      this.mstatus = s;
      this.priv = 1;
      this.virt = false;
      vector = this.stvec;
      if (interrupt && (vector & 3n) === 1n) vector = (vector & ~3n) + 4n * BigInt(cause);
      else vector &= ~3n;
    } else {
      this.mcause = causeBits;
      this.mepc = epc;
      this.mtval = tval;
      if (this.cfg.hypervisor) {
        this.mtval2 = isGuestFault ? BigInt(gpa) >> 2n : 0n;
        this.mtinst = BigInt(tinst);
        let hi = this.mstatusHi;
        hi = (hi & ~MSH_MPV) | (fromVirt ? MSH_MPV : 0);
        hi = (hi & ~MSH_GVA) | (gva ? MSH_GVA : 0);
        this.mstatusHi = hi;
      }
      let s = this.mstatus;
      s = (s & ~(3 << MS_MPP_SHIFT)) | (from << MS_MPP_SHIFT);
      s = (s & ~MS_MPIE) | ((s & MS_MIE) !== 0 ? MS_MPIE : 0);
      s &= ~MS_MIE;
      this.mstatus = s;
      this.priv = 3;
      this.virt = false;
      vector = this.mtvec;
      if (interrupt && (vector & 3n) === 1n) vector = (vector & ~3n) + 4n * BigInt(cause);
      else vector &= ~3n;
    }
    this.pc = Number(BigInt.asIntN(64, vector));
    this.modeChanged();
    this.irqCheck = true;
    const name = interrupt ? IRQ_NAMES[cause] ?? `irq${cause}` : EXC_NAMES[cause] ?? `exc${cause}`;
    const counters = interrupt ? this.irqCounters : this.excCounters;
    let c = counters[cause];
    if (c === undefined) c = counters[cause] = this.events.counter(interrupt ? 'interrupts' : 'exceptions', `${this.name} ${name}`);
    c.value++;
    const kind = interrupt ? 'cpu.interrupt' : 'cpu.exception';
    if (this.events.active && this.events.wants(kind)) {
      this.events.emit(kind, this.name, {
        hart: this.hartid,
        cause: name,
        from: privName(from, fromVirt),
        to: target === 0 ? 'M' : target === 1 ? 'HS' : 'VS',
        pc: '0x' + epc.toString(16),
        tval: '0x' + tval.toString(16),
        virt: fromVirt,
      });
    }
    const handler = target === 0 ? this.handlers.M : target === 1 ? this.handlers.HS : undefined;
    if (handler !== undefined) handler(this, { cause, interrupt, tval });
  }

  private doMret(): void {
    let s = this.mstatus;
    const mpp = (s >>> MS_MPP_SHIFT) & 3;
    s = (s & ~MS_MIE) | ((s & MS_MPIE) !== 0 ? MS_MIE : 0);
    s |= MS_MPIE;
    s &= ~(3 << MS_MPP_SHIFT);
    if (mpp !== 3) s &= ~MS_MPRV;
    this.mstatus = s;
    this.virt = mpp !== 3 && (this.mstatusHi & MSH_MPV) !== 0;
    this.mstatusHi &= ~MSH_MPV;
    this.priv = mpp;
    this.pc = Number(BigInt.asIntN(64, this.mepc));
    this.resAddr = -1;
    this.modeChanged();
    this.irqCheck = true;
  }

  private doSret(): void {
    if (this.virt) {
      let s = this.vsstatus;
      const spp = (s & MS_SPP) !== 0 ? 1 : 0;
      s = (s & ~MS_SIE) | ((s & MS_SPIE) !== 0 ? MS_SIE : 0);
      s |= MS_SPIE;
      s &= ~MS_SPP;
      this.vsstatus = s;
      this.priv = spp;
      this.pc = Number(BigInt.asIntN(64, this.vsepc));
    } else {
      let s = this.mstatus;
      const spp = (s & MS_SPP) !== 0 ? 1 : 0;
      s = (s & ~MS_SIE) | ((s & MS_SPIE) !== 0 ? MS_SIE : 0);
      s |= MS_SPIE;
      s &= ~MS_SPP;
      s &= ~MS_MPRV; // SRET always returns below M (privileged §3.1.6.1)
      this.mstatus = s;
      if (this.cfg.hypervisor) {
        this.virt = (this.hstatus & HS_SPV) !== 0;
        this.hstatus &= ~HS_SPV;
      }
      this.priv = spp;
      this.pc = Number(BigInt.asIntN(64, this.sepc));
    }
    this.resAddr = -1;
    this.modeChanged();
    this.irqCheck = true;
  }

  // ---------------------------------------------------------------- interrupts

  /** Effective mip (privileged §3.1.9, Sstc, H §9.2.3). */
  mipValue(): number {
    let v = this.mipWire | this.mipSw | this.hvip;
    if ((this.menvcfg & ENVCFG_STCE) !== 0n) {
      v &= ~(1 << IRQ_STI);
      if (BigInt(this.timeTicks()) >= this.stimecmp) v |= 1 << IRQ_STI;
    }
    if (this.cfg.hypervisor) {
      if ((this.henvcfg & ENVCFG_STCE) !== 0n && BigInt.asUintN(64, BigInt(this.timeTicks()) + this.htimedelta) >= this.vstimecmp) v |= 1 << IRQ_VSTI;
      const vgein = (this.hstatus >>> HS_VGEIN_SHIFT) & 63;
      if (vgein !== 0 && ((this.hgeip >>> vgein) & 1) !== 0) v |= 1 << IRQ_VSEI;
      if ((this.hgeip & this.hgeie) !== 0) v |= 1 << IRQ_SGEI;
    } else v &= ~(VS_BITS | (1 << IRQ_SGEI));
    return v;
  }

  private checkInterrupts(): void {
    const pend = this.mipValue() & this.mie;
    if (pend === 0) {
      this.irqCheck = false;
      return;
    }
    const m = pend & ~this.mideleg;
    const mOn = this.priv < 3 || (this.mstatus & MS_MIE) !== 0;
    const hsPend = pend & this.mideleg & ~(this.hideleg & VS_BITS);
    const sOn = this.virt || this.priv < 1 || (this.priv === 1 && (this.mstatus & MS_SIE) !== 0);
    const vsPend = pend & this.mideleg & this.hideleg & VS_BITS;
    const vsOn = this.virt && (this.priv === 0 || (this.vsstatus & MS_SIE) !== 0);
    let take = 0;
    if (m !== 0 && mOn) take = m;
    else if (hsPend !== 0 && sOn) take = hsPend;
    else if (vsPend !== 0 && vsOn) take = vsPend;
    if (take === 0) {
      this.irqCheck = false;
      return;
    }
    for (const b of IRQ_PRIORITY) {
      if ((take & (1 << b)) !== 0) {
        this.wfi = false;
        this.takeTrap(b, true, 0n);
        return;
      }
    }
  }

  /** Level input from the platform: `msip mtip meip seip ssip sgei<k>`. */
  setIrqLine(name: string, level: boolean): boolean {
    let bit: number;
    switch (name) {
      case 'msip': bit = IRQ_MSI; break;
      case 'mtip': bit = IRQ_MTI; break;
      case 'meip': bit = IRQ_MEI; break;
      case 'seip': bit = IRQ_SEI; break;
      case 'ssip': bit = IRQ_SSI; break;
      case 'stip': bit = IRQ_STI; break;
      default: {
        const m = /^sgei(\d+)$/.exec(name);
        if (m === null || !this.cfg.hypervisor) return false;
        const k = Number(m[1]);
        if (k < 1 || k > this.cfg.geilen) return false;
        this.hgeip = level ? this.hgeip | (1 << k) : this.hgeip & ~(1 << k);
        this.irqChanged();
        return true;
      }
    }
    this.mipWire = level ? this.mipWire | (1 << bit) : this.mipWire & ~(1 << bit);
    this.irqChanged();
    return true;
  }

  private irqChanged(): void {
    this.irqCheck = true;
    if (this.sched.running === this) this.sched.kick();
  }

  private timerFired(): void {
    this.irqChanged();
  }

  private armTimers(): void {
    const arm = (t: Timer | undefined, cmp: bigint, on: boolean, delta: bigint): void => {
      if (t === undefined) return;
      if (!on) {
        t.cancel();
        return;
      }
      const ticks = BigInt.asUintN(64, cmp - delta);
      if (ticks > 2n ** 52n) {
        t.cancel();
        return;
      }
      t.setAt(Math.ceil(Number(ticks) * this.nsPerTick));
    };
    arm(this.stimer, this.stimecmp, (this.menvcfg & ENVCFG_STCE) !== 0n, 0n);
    arm(this.vstimer, this.vstimecmp, this.cfg.hypervisor && (this.henvcfg & ENVCFG_STCE) !== 0n, this.htimedelta);
    this.irqCheck = true;
  }

  // ---------------------------------------------------------------- CSRs

  /** menvcfg/henvcfg.STCE is writable only with Sstc (read-only zero without). */
  private get stceMask(): bigint {
    return this.cfg.sstc === false ? 0n : ENVCFG_STCE;
  }

  private csrInstruction(op: number, rd: number, rs1: number, num: number): void {
    const isImm = op === Op.CSRRWI || op === Op.CSRRSI || op === Op.CSRRCI;
    const src = isImm ? BigInt(rs1) : this.xu[rs1]!;
    const kind = op === Op.CSRRW || op === Op.CSRRWI ? 0 : op === Op.CSRRS || op === Op.CSRRSI ? 1 : 2;
    // Zicsr: CSRRW with rd=x0 does not read; CSRRS/C with rs1=x0 (or uimm 0) do not write.
    const writes = kind === 0 || rs1 !== 0;
    const reads = kind !== 0 || rd !== 32;
    const bits = this.instBitsForCsr(op, rd, rs1, num);
    this.csrCheck(num, writes, bits);
    let old = 0n;
    if (reads || kind !== 0) old = this.csrRead(num, false, bits);
    if (writes) {
      // Privileged §3.1.9: a read-modify-write of mip uses the software-writable SEIP/STIP
      // bits, not the values ORed with the interrupt wires.
      let base = old;
      if (num === CSR.mip) {
        const swMask = BigInt((1 << IRQ_SEI) | (1 << IRQ_STI));
        base = (old & ~swMask) | (BigInt(this.mipSw) & swMask);
      }
      const nv = kind === 0 ? src : kind === 1 ? base | src : base & ~src;
      this.csrWrite(num, nv, false, bits);
    }
    this.x[rd] = old;
  }

  private instBitsForCsr(op: number, rd: number, rs1: number, num: number): number {
    const f3 = op === Op.CSRRW ? 1 : op === Op.CSRRS ? 2 : op === Op.CSRRC ? 3 : op === Op.CSRRWI ? 5 : op === Op.CSRRSI ? 6 : 7;
    return ((num << 20) | (rs1 << 15) | (f3 << 12) | ((rd & 31) << 7) | 0x73) >>> 0;
  }

  /** Privilege check for a CSR access from an instruction (privileged §2.1, H §9.6.1). */
  private csrCheck(num: number, write: boolean, bits: number): void {
    const level = (num >>> 8) & 3;
    const ro = (num >>> 10) === 3;
    if (!this.csrExists(num)) this.illegal(bits);
    if (level === 3 && this.priv < 3) this.illegal(bits);
    if (this.virt) {
      // HS-level CSRs (hypervisor, VS) from VS/VU, and S-level CSRs from VU: virtual instruction.
      if (level === 2 && !(num >= 0xe00)) this.virtualInstruction(bits);
      if (level === 1 && this.priv === 0) this.virtualInstruction(bits);
    } else {
      if (level === 2 && this.priv < 1) this.illegal(bits);
      if (level === 1 && this.priv < 1) this.illegal(bits);
    }
    if (level === 2 && num >= 0xe00 && this.virt) this.virtualInstruction(bits);
    if (ro && write) this.illegal(bits);
    // Counters (Zicntr, privileged §3.1.11, H §9.2.6).
    if (num >= 0xc00 && num <= 0xc1f) {
      const bit = 1 << (num - 0xc00);
      if (this.priv < 3 && (this.mcounteren & bit) === 0) this.illegal(bits);
      if (this.virt && (this.hcounteren & bit) === 0) this.virtualInstruction(bits);
      if (this.priv === 0 && (this.scounteren & bit) === 0) {
        if (this.virt) this.virtualInstruction(bits);
        this.illegal(bits);
      }
    }
    if (num === CSR.stimecmp) {
      if (this.priv < 3 && ((this.mcounteren & 2) === 0 || (this.menvcfg & ENVCFG_STCE) === 0n)) this.illegal(bits);
      if (this.virt && ((this.hcounteren & 2) === 0 || (this.henvcfg & ENVCFG_STCE) === 0n)) this.virtualInstruction(bits);
    }
    if (num === CSR.satp) {
      if (!this.virt && this.priv === 1 && (this.mstatus & MS_TVM) !== 0) this.illegal(bits);
      if (this.virt && (this.hstatus & HS_VTVM) !== 0) this.virtualInstruction(bits);
    }
    if (num === CSR.hgatp && this.priv === 1 && !this.virt && (this.mstatus & MS_TVM) !== 0) this.illegal(bits);
    if (num <= 3 && !this.fpEnabled()) this.illegal(bits);
  }

  private csrExists(num: number): boolean {
    const h = this.cfg.hypervisor;
    if ((num === CSR.stimecmp || num === CSR.vstimecmp) && this.cfg.sstc === false) return false;
    if (num >= 0x600 && num < 0x700) return h && isHCsr(num);
    if (num >= 0x200 && num < 0x300) return h && (num === 0x200 || num === 0x204 || num === 0x205 || num === 0x240 || num === 0x241 || num === 0x242 || num === 0x243 || num === 0x244 || num === 0x24d || num === 0x280);
    if (num === CSR.hgeip) return h;
    if (num === CSR.mtval2 || num === CSR.mtinst) return h;
    if (num >= CSR.pmpcfg0 && num < CSR.pmpcfg0 + 16) return (num & 1) === 0 && (num - CSR.pmpcfg0) * 4 < Math.max(this.cfg.pmpEntries, 1) && this.cfg.pmpEntries > 0;
    if (num >= CSR.pmpaddr0 && num < CSR.pmpaddr0 + 64) return num - CSR.pmpaddr0 < this.cfg.pmpEntries;
    if (num >= 0xc00 && num <= 0xc1f) return true;
    if (num >= 0xb00 && num <= 0xb1f) return num !== 0xb01;
    if (num >= 0x323 && num <= 0x33f) return true; // mhpmevent3..31 (read-only zero events)
    switch (num) {
      case 1: case 2: case 3:
      case 0x100: case 0x104: case 0x105: case 0x106: case 0x10a: case 0x140: case 0x141: case 0x142: case 0x143:
      case 0x144: case 0x14d: case 0x180:
      case 0x300: case 0x301: case 0x302: case 0x303: case 0x304: case 0x305: case 0x306: case 0x30a: case 0x320:
      case 0x340: case 0x341: case 0x342: case 0x343: case 0x344:
      case 0xf11: case 0xf12: case 0xf13: case 0xf14: case 0xf15:
        return true;
      default:
        return false;
    }
  }

  fpEnabled(): boolean {
    if (((this.mstatus >>> MS_FS_SHIFT) & 3) === 0) return false;
    if (this.virt && ((this.vsstatus >>> MS_FS_SHIFT) & 3) === 0) return false;
    return true;
  }

  /** Mark the FP state dirty (mstatus.FS, and vsstatus.FS when V=1). */
  fpDirty(): void {
    this.mstatus |= 3 << MS_FS_SHIFT;
    if (this.virt) this.vsstatus |= 3 << MS_FS_SHIFT;
  }

  private readMstatus(): bigint {
    const fsDirty = ((this.mstatus >>> MS_FS_SHIFT) & 3) === 3;
    const hi = BigInt(this.mstatusHi | 0xa) << 32n; // UXL = SXL = 2 (64-bit)
    return (fsDirty ? 1n << 63n : 0n) | hi | BigInt(this.mstatus >>> 0);
  }

  private readVsstatus(): bigint {
    const fsDirty = ((this.vsstatus >>> MS_FS_SHIFT) & 3) === 3;
    return (fsDirty ? 1n << 63n : 0n) | (2n << 32n) | BigInt(this.vsstatus >>> 0);
  }

  private readSstatus(): bigint {
    const fsDirty = ((this.mstatus >>> MS_FS_SHIFT) & 3) === 3;
    return (fsDirty ? 1n << 63n : 0n) | (2n << 32n) | BigInt((this.mstatus & SSTATUS_LO) >>> 0);
  }

  private counterValue(idx: number): bigint {
    if (idx === 0) return this.cycleFrozen >= 0n ? this.cycleFrozen : BigInt.asUintN(64, BigInt(this.steps) + this.cycleOffset);
    if (idx === 1) return BigInt(this.timeTicks());
    if (idx === 2) return this.instretFrozen >= 0n ? this.instretFrozen : BigInt.asUintN(64, BigInt(this.retired) + this.instretOffset);
    return 0n;
  }

  private csrRead(num: number, direct: boolean, bits = 0): bigint {
    const v = this.virt && !direct;
    if (num >= CSR.pmpaddr0 && num < CSR.pmpaddr0 + 64) {
      // Granularity 4 bytes (G = 0): reads return the stored value in every mode.
      return this.pmpaddr[num - CSR.pmpaddr0]!;
    }
    if (num >= CSR.pmpcfg0 && num < CSR.pmpcfg0 + 16) {
      const base = (num - CSR.pmpcfg0) * 4;
      let r = 0n;
      for (let k = 7; k >= 0; k--) r = (r << 8n) | BigInt(base + k < this.cfg.pmpEntries ? this.pmpcfg[base + k]! : 0);
      return r;
    }
    if (num >= 0xc00 && num <= 0xc1f) {
      if (num === CSR.time && this.virt) return BigInt.asUintN(64, BigInt(this.timeTicks()) + this.htimedelta);
      return this.counterValue(num - 0xc00);
    }
    if (num >= 0xb00 && num <= 0xb1f) return this.counterValue(num - 0xb00);
    if (num >= 0x323 && num <= 0x33f) return 0n;
    switch (num) {
      case CSR.fflags: return BigInt(this.fflags);
      case CSR.frm: return BigInt(this.frm);
      case CSR.fcsr: return BigInt((this.frm << 5) | this.fflags);
      case CSR.sstatus: return v ? this.readVsstatus() : this.readSstatus();
      case CSR.sie: return v ? this.readVsie() : BigInt(this.mie & this.mideleg & S_BITS);
      case CSR.stvec: return v ? this.vstvec : this.stvec;
      case CSR.scounteren: return BigInt(this.scounteren);
      case CSR.senvcfg: return this.senvcfg;
      case CSR.sscratch: return v ? this.vsscratch : this.sscratch;
      case CSR.sepc: return v ? this.vsepc : this.sepc;
      case CSR.scause: return v ? this.vscause : this.scause;
      case CSR.stval: return v ? this.vstval : this.stval;
      case CSR.sip: return v ? this.readVsip() : BigInt(this.mipValue() & this.mideleg & S_BITS);
      case CSR.stimecmp: return v ? this.vstimecmp : this.stimecmp;
      case CSR.satp: return v ? this.vsatp : this.satp;
      case CSR.vsstatus: return this.readVsstatus();
      case CSR.vsie: return this.readVsie();
      case CSR.vstvec: return this.vstvec;
      case CSR.vsscratch: return this.vsscratch;
      case CSR.vsepc: return this.vsepc;
      case CSR.vscause: return this.vscause;
      case CSR.vstval: return this.vstval;
      case CSR.vsip: return this.readVsip();
      case CSR.vstimecmp: return this.vstimecmp;
      case CSR.vsatp: return this.vsatp;
      case CSR.hstatus: return BigInt(this.hstatus >>> 0) | (2n << 32n); // VSXL = 2
      case CSR.hedeleg: return BigInt(this.hedeleg >>> 0);
      case CSR.hideleg: return BigInt(this.hideleg);
      case CSR.hie: return BigInt(this.mie & (VS_BITS | (1 << IRQ_SGEI)));
      case CSR.htimedelta: return this.htimedelta;
      case CSR.hcounteren: return BigInt(this.hcounteren >>> 0);
      case CSR.hgeie: return BigInt(this.hgeie >>> 0);
      case CSR.henvcfg: return this.henvcfg;
      case CSR.htval: return this.htval;
      case CSR.hip: return BigInt(this.mipValue() & (VS_BITS | (1 << IRQ_SGEI)));
      case CSR.hvip: return BigInt(this.hvip);
      case CSR.htinst: return this.htinst;
      case CSR.hgatp: return this.hgatp;
      case CSR.hgeip: return BigInt(this.hgeip >>> 0);
      case CSR.mstatus: return this.readMstatus();
      case CSR.misa: return this.misa;
      case CSR.medeleg: return BigInt(this.medeleg >>> 0);
      case CSR.mideleg: return BigInt(this.mideleg);
      case CSR.mie: return BigInt(this.mie);
      case CSR.mtvec: return this.mtvec;
      case CSR.mcounteren: return BigInt(this.mcounteren >>> 0);
      case CSR.menvcfg: return this.menvcfg;
      case CSR.mcountinhibit: return BigInt(this.mcountinhibit >>> 0);
      case CSR.mscratch: return this.mscratch;
      case CSR.mepc: return this.mepc;
      case CSR.mcause: return this.mcause;
      case CSR.mtval: return this.mtval;
      case CSR.mip: return BigInt(this.mipValue());
      case CSR.mtinst: return this.mtinst;
      case CSR.mtval2: return this.mtval2;
      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mconfigptr: return 0n;
      case CSR.mhartid: return BigInt(this.hartid);
      default:
        return this.illegal(bits);
    }
  }

  private readVsip(): bigint {
    const m = this.mipValue() & this.hideleg & VS_BITS;
    return BigInt(m >>> 1);
  }

  private readVsie(): bigint {
    const m = this.mie & this.hideleg & VS_BITS;
    return BigInt(m >>> 1);
  }

  private csrWrite(num: number, val: bigint, direct: boolean, bits = 0): void {
    const v = this.virt && !direct;
    const lo = Number(val & 0xffffffffn) >>> 0;
    if (num >= CSR.pmpaddr0 && num < CSR.pmpaddr0 + 64) {
      const i = num - CSR.pmpaddr0;
      const locked = (this.pmpcfg[i]! & 0x80) !== 0;
      const nextTorLocked = i + 1 < this.cfg.pmpEntries && (this.pmpcfg[i + 1]! & 0x80) !== 0 && ((this.pmpcfg[i + 1]! >>> 3) & 3) === 1;
      if (!locked && !nextTorLocked) this.pmpaddr[i] = val & ((1n << 54n) - 1n);
      this.pmpRecompute();
      this.flushTlb();
      return;
    }
    if (num >= CSR.pmpcfg0 && num < CSR.pmpcfg0 + 16) {
      const base = (num - CSR.pmpcfg0) * 4;
      for (let k = 0; k < 8 && base + k < this.cfg.pmpEntries; k++) {
        if ((this.pmpcfg[base + k]! & 0x80) !== 0) continue;
        let c = Number((val >> BigInt(8 * k)) & 0xffn) & 0x9f;
        // R=0 W=1 is reserved; keep W only with R (as Spike does).
        if ((c & 1) === 0) c &= ~2;
        this.pmpcfg[base + k] = c;
      }
      this.pmpRecompute();
      this.flushTlb();
      return;
    }
    if (num >= 0xb00 && num <= 0xb1f) {
      if (num === CSR.mcycle) {
        if (this.cycleFrozen >= 0n) this.cycleFrozen = val;
        else this.cycleOffset = val - BigInt(this.steps + 1);
      } else if (num === CSR.minstret) {
        if (this.instretFrozen >= 0n) this.instretFrozen = val;
        else this.instretOffset = val - BigInt(this.retired + 1);
      }
      return;
    }
    if (num >= 0x323 && num <= 0x33f) return;
    switch (num) {
      case CSR.fflags:
        this.fflags = lo & 31;
        this.fpDirty();
        return;
      case CSR.frm:
        this.frm = lo & 7;
        this.fpDirty();
        return;
      case CSR.fcsr:
        this.fflags = lo & 31;
        this.frm = (lo >>> 5) & 7;
        this.fpDirty();
        return;
      case CSR.sstatus:
        if (v) this.writeVsstatus(lo);
        else this.writeMstatusLo((this.mstatus & ~SSTATUS_LO) | (lo & SSTATUS_LO & ~0x18000));
        return;
      case CSR.sie:
        if (v) this.writeVsie(lo);
        else this.mie = (this.mie & ~(this.mideleg & S_BITS)) | (lo & this.mideleg & S_BITS);
        this.irqCheck = true;
        return;
      case CSR.stvec: if (v) this.vstvec = legalTvec(val); else this.stvec = legalTvec(val); return;
      case CSR.scounteren: this.scounteren = lo & 7; return;
      case CSR.senvcfg: this.senvcfg = val & 1n; return;
      case CSR.sscratch: if (v) this.vsscratch = val; else this.sscratch = val; return;
      case CSR.sepc: if (v) this.vsepc = val & ~1n; else this.sepc = val & ~1n; return;
      case CSR.scause: if (v) this.vscause = val; else this.scause = val; return;
      case CSR.stval: if (v) this.vstval = val; else this.stval = val; return;
      case CSR.sip:
        if (v) this.writeVsip(lo);
        else if ((this.mideleg & (1 << IRQ_SSI)) !== 0) this.mipSw = (this.mipSw & ~(1 << IRQ_SSI)) | (lo & (1 << IRQ_SSI));
        this.irqCheck = true;
        return;
      case CSR.stimecmp:
        if (v) this.vstimecmp = val;
        else this.stimecmp = val;
        this.armTimers();
        return;
      case CSR.satp:
        if (v) this.vsatp = this.legalAtp(val, this.vsatp, false);
        else this.satp = this.legalAtp(val, this.satp, false);
        this.flushTlb();
        return;
      case CSR.vsstatus: this.writeVsstatus(lo); return;
      case CSR.vsie: this.writeVsie(lo); this.irqCheck = true; return;
      case CSR.vstvec: this.vstvec = legalTvec(val); return;
      case CSR.vsscratch: this.vsscratch = val; return;
      case CSR.vsepc: this.vsepc = val & ~1n; return;
      case CSR.vscause: this.vscause = val; return;
      case CSR.vstval: this.vstval = val; return;
      case CSR.vsip: this.writeVsip(lo); this.irqCheck = true; return;
      case CSR.vstimecmp: this.vstimecmp = val; this.armTimers(); return;
      case CSR.vsatp: this.vsatp = this.legalAtp(val, this.vsatp, false); this.flushTlb(); return;
      case CSR.hstatus: {
        const vgeinMask = 63 << HS_VGEIN_SHIFT;
        let nv = lo & (HS_GVA | HS_SPV | HS_SPVP | HS_HU | HS_VTVM | HS_VTW | HS_VTSR | vgeinMask);
        const vgein = (nv >>> HS_VGEIN_SHIFT) & 63;
        if (vgein > this.cfg.geilen) nv = (nv & ~vgeinMask) | (this.hstatus & vgeinMask);
        this.hstatus = nv;
        this.irqCheck = true;
        return;
      }
      case CSR.hedeleg: this.hedeleg = lo & 0xb1ff; return; // causes 0-8, 12, 13, 15 (H §9.2.2)
      case CSR.hideleg: this.hideleg = lo & VS_BITS; this.irqCheck = true; return;
      case CSR.hie: this.mie = (this.mie & ~(VS_BITS | (1 << IRQ_SGEI))) | (lo & (VS_BITS | (1 << IRQ_SGEI))); this.irqCheck = true; return;
      case CSR.htimedelta: this.htimedelta = val; this.armTimers(); return;
      case CSR.hcounteren: this.hcounteren = lo & 7; return;
      case CSR.hgeie: this.hgeie = lo & (((1 << this.cfg.geilen) - 1) << 1); this.irqCheck = true; return;
      case CSR.henvcfg: this.henvcfg = val & (this.stceMask | 1n); this.armTimers(); return;
      case CSR.htval: this.htval = val; return;
      case CSR.hip: this.hvip = (this.hvip & ~(1 << IRQ_VSSI)) | (lo & (1 << IRQ_VSSI)); this.irqCheck = true; return;
      case CSR.hvip: this.hvip = lo & VS_BITS; this.irqCheck = true; return;
      case CSR.htinst: this.htinst = val; return;
      case CSR.hgatp: this.hgatp = this.legalAtp(val, this.hgatp, true); this.flushTlb(); return;
      case CSR.mstatus: {
        this.writeMstatusLo(lo);
        if (this.cfg.hypervisor) {
          const hi = Number(val >> 32n) >>> 0;
          this.mstatusHi = hi & (MSH_GVA | MSH_MPV);
          this.modeChanged();
        }
        return;
      }
      case CSR.misa: return; // WARL, not writable here (extensions cannot be switched off)
      case CSR.medeleg: {
        // ecall-from-M can never be delegated; guest faults and virtual instruction only with H.
        const mask = this.cfg.hypervisor ? 0xf0b7ff : 0xb3ff;
        this.medeleg = lo & mask & ~(1 << 11);
        return;
      }
      case CSR.mideleg: {
        const fixed = this.cfg.hypervisor ? VS_BITS | (1 << IRQ_SGEI) : 0;
        this.mideleg = (lo & S_BITS) | fixed;
        this.irqCheck = true;
        return;
      }
      case CSR.mie: {
        const mask = M_BITS | S_BITS | (this.cfg.hypervisor ? VS_BITS | (1 << IRQ_SGEI) : 0);
        this.mie = lo & mask;
        this.irqCheck = true;
        return;
      }
      case CSR.mtvec: this.mtvec = legalTvec(val); return;
      case CSR.mcounteren: this.mcounteren = lo & 7; return;
      case CSR.menvcfg: this.menvcfg = val & (this.stceMask | 1n); this.armTimers(); return;
      case CSR.mcountinhibit: {
        // Privileged §3.1.12: CY and IR stop mcycle/minstret. A stopped counter keeps its
        // value; restarting continues from it.
        const cy = this.counterValue(0);
        const ir = this.counterValue(2);
        this.mcountinhibit = lo & 5;
        this.cycleFrozen = (lo & 1) !== 0 ? cy : -1n;
        this.instretFrozen = (lo & 4) !== 0 ? ir : -1n;
        if ((lo & 1) === 0) this.cycleOffset = cy - BigInt(this.steps);
        if ((lo & 4) === 0) this.instretOffset = ir - BigInt(this.retired);
        return;
      }
      case CSR.mscratch: this.mscratch = val; return;
      case CSR.mepc: this.mepc = val & ~1n; return;
      case CSR.mcause: this.mcause = val; return;
      case CSR.mtval: this.mtval = val; return;
      case CSR.mip: {
        // Writable: SSIP, STIP (unless Sstc drives it), SEIP, and VSSIP (an alias of hvip.VSSIP).
        let mask = (1 << IRQ_SSI) | (1 << IRQ_SEI);
        if ((this.menvcfg & ENVCFG_STCE) === 0n) mask |= 1 << IRQ_STI;
        this.mipSw = (this.mipSw & ~mask) | (lo & mask);
        if (this.cfg.hypervisor) this.hvip = (this.hvip & ~(1 << IRQ_VSSI)) | (lo & (1 << IRQ_VSSI));
        this.irqCheck = true;
        return;
      }
      case CSR.mtinst: this.mtinst = val; return;
      case CSR.mtval2: this.mtval2 = val; return;
      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mhartid: case CSR.mconfigptr:
        return;
      default:
        if (num >= 0xc00 && num <= 0xc1f) return;
        this.illegal(bits);
    }
  }

  private writeMstatusLo(lo: number): void {
    const mask = MS_SIE | MS_MIE | MS_SPIE | MS_MPIE | MS_SPP | (3 << MS_MPP_SHIFT) | (3 << MS_FS_SHIFT) | MS_MPRV | MS_SUM | MS_MXR | MS_TVM | MS_TW | MS_TSR;
    let nv = (this.mstatus & ~mask) | (lo & mask);
    // Without F, mstatus.FS is read-only zero (and FP instructions are illegal).
    if ((this.misa & (1n << 5n)) === 0n) nv &= ~(3 << MS_FS_SHIFT);
    // MPP is WARL: the reserved value 2 keeps the old setting.
    if (((nv >>> MS_MPP_SHIFT) & 3) === 2) nv = (nv & ~(3 << MS_MPP_SHIFT)) | (this.mstatus & (3 << MS_MPP_SHIFT));
    const permChanged = ((nv ^ this.mstatus) & (MS_SUM | MS_MXR)) !== 0;
    this.mstatus = nv;
    // SUM/MXR change permissions: flush. MPRV/MPP only select another mode's TLB sets.
    if (permChanged) this.flushTlb();
    else this.modeChanged();
    this.irqCheck = true;
  }

  private writeVsstatus(lo: number): void {
    const mask = MS_SIE | MS_SPIE | MS_SPP | (3 << MS_FS_SHIFT) | MS_SUM | MS_MXR;
    const nv = (this.vsstatus & ~mask) | (lo & mask);
    const permChanged = ((nv ^ this.vsstatus) & (MS_SUM | MS_MXR)) !== 0;
    this.vsstatus = nv;
    if (permChanged) this.flushTlb();
    this.irqCheck = true;
  }

  private writeVsie(lo: number): void {
    const m = (lo << 1) & this.hideleg & VS_BITS;
    this.mie = (this.mie & ~(this.hideleg & VS_BITS)) | m;
  }

  private writeVsip(lo: number): void {
    // Only VSSIP is writable through vsip (H §9.2.4).
    if ((this.hideleg & (1 << IRQ_VSSI)) !== 0) this.hvip = (this.hvip & ~(1 << IRQ_VSSI)) | ((lo << 1) & (1 << IRQ_VSSI));
  }

  /** satp/vsatp/hgatp are WARL: an unsupported mode leaves the register unchanged (privileged §4.1.11). */
  private legalAtp(val: bigint, old: bigint, g: boolean): bigint {
    const mode = Number(val >> 60n);
    const ok = mode === 0 || mode === 8 || (mode === 9 && this.cfg.mmu === 'sv48');
    if (!ok) return old;
    if (mode === 0) return g ? 0n : 0n;
    if (g) {
      // hgatp: VMID (14 bits) supported; PPN of the 16 KiB root is aligned (H §9.2.10).
      return val & ~(0x3n << 58n) & ~3n;
    }
    return val & ~(0xfn << 60n) | (BigInt(mode) << 60n);
  }
}

/** The encoding of SFENCE.VMA / HFENCE.* (funct7, rs2, rs1), reported in xtval when they trap. */
function fenceBits(f7: number, rs1: number, rs2: number): number {
  return ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | 0x73) >>> 0;
}

function isHCsr(num: number): boolean {
  return [0x600, 0x602, 0x603, 0x604, 0x605, 0x606, 0x607, 0x60a, 0x643, 0x644, 0x645, 0x64a, 0x680].includes(num);
}

function legalTvec(v: bigint): bigint {
  // MODE 0 (direct) and 1 (vectored); reserved modes keep the base with mode 0.
  return (v & 3n) >= 2n ? v & ~3n : v;
}

function privName(p: number, v: boolean): string {
  return (v ? 'V' : '') + (p === 3 ? 'M' : p === 1 ? 'S' : 'U');
}

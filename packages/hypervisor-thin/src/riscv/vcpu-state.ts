/**
 * A vCPU's architectural context while it is not on a hart, and the save/restore that moves
 * it between the context and the hart (RISC-V privileged 1.12 H extension §9.2).
 *
 * What a vCPU owns when several share a hart: the general and FP registers, the resume
 * point (sepc) and the privilege it trapped from (sstatus.SPP, hstatus.SPVP), the VS CSRs
 * (vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp, vstimecmp), the
 * hstatus.VGEIN selection, and the VS-level interrupts the hypervisor injects (hvip.VSSIP,
 * VSTIP, VSEIP). hgatp, hedeleg/hideleg, henvcfg, hcounteren and htimedelta are the
 * partition's, the same for every vCPU on the hart, and stay where they are.
 *
 * Values live in typed arrays (DESIGN.md: BigInts stored in objects are slow).
 */

import { CSR, type Hart } from '@tessera/cpu-riscv';
import { SSTATUS_SPP, HSTATUS_SPV, HSTATUS_VGEIN, HVIP_VS_BITS } from './csr-bits.js';

/** The VS CSRs saved and restored, in this order (H §9.2: the virtual-supervisor CSRs a vCPU switch replaces). */
export const VS_CSRS = [CSR.vsstatus, CSR.vsie, CSR.vstvec, CSR.vsscratch, CSR.vsepc, CSR.vscause, CSR.vstval, CSR.vsatp] as const;

const SLOT_VSTIMECMP = VS_CSRS.length;
const SLOT_HVIP = SLOT_VSTIMECMP + 1;
const SLOT_PC = SLOT_HVIP + 1;
const SLOT_FCSR = SLOT_PC + 1;
const SLOT_HSTATUS = SLOT_FCSR + 1;
const SLOT_SPP = SLOT_HSTATUS + 1;
const SLOT_TIMER = SLOT_SPP + 1;
const SLOTS = SLOT_TIMER + 1;

export const ALL_ONES = (1n << 64n) - 1n;
/** hstatus bits that belong to a vCPU: SPVP (8) and VGEIN (17:12) (H §9.2.1). */
export const HSTATUS_VCPU_BITS = (1n << 8n) | (0x3fn << 12n);

export class VcpuContext {
  readonly x = new BigUint64Array(32);
  readonly f = new BigUint64Array(32);
  private readonly csr = new BigUint64Array(SLOTS);

  constructor() {
    this.clear(0n);
  }

  /**
   * A vCPU that has never run, as SBI HSM hart_start leaves it (SBI 2.0 §9.1): VS-mode at
   * `pc`, a0 = hartid, a1 = opaque, Bare vsatp, VS interrupts disabled, timer disarmed,
   * every other register zero.
   */
  clear(pc: bigint, a0 = 0n, a1 = 0n): void {
    // VGEIN is where the vCPU is placed (its guest external interrupt line), not guest state.
    const vgein = this.csr[SLOT_HSTATUS]! & HSTATUS_VGEIN;
    this.x.fill(0n);
    this.f.fill(0n);
    this.csr.fill(0n);
    this.x[10] = a0;
    this.x[11] = a1;
    this.csr[SLOT_PC] = pc;
    this.csr[SLOT_VSTIMECMP] = ALL_ONES;
    this.csr[SLOT_TIMER] = ALL_ONES;
    this.csr[SLOT_SPP] = 1n;
    this.csr[SLOT_HSTATUS] = (1n << 8n) | vgein; // SPVP = 1: VS-mode
  }

  /** Select guest external interrupt line `line` (0: none) for this vCPU (hstatus.VGEIN, H §9.2.1). */
  setVgein(line: number): void {
    this.csr[SLOT_HSTATUS] = (this.csr[SLOT_HSTATUS]! & ~HSTATUS_VGEIN) | (BigInt(line & 0x3f) << 12n);
  }

  get pc(): bigint {
    return this.csr[SLOT_PC]!;
  }

  set pc(v: bigint) {
    this.csr[SLOT_PC] = v;
  }

  /** Pending VS-level interrupts the hypervisor holds for this vCPU (hvip bits). */
  get hvip(): bigint {
    return this.csr[SLOT_HVIP]!;
  }

  set hvip(v: bigint) {
    this.csr[SLOT_HVIP] = v & HVIP_VS_BITS;
  }

  get vstimecmp(): bigint {
    return this.csr[SLOT_VSTIMECMP]!;
  }

  set vstimecmp(v: bigint) {
    this.csr[SLOT_VSTIMECMP] = v;
  }

  /** vsie as saved (S-level bit positions: SSIE 1, STIE 5, SEIE 9). */
  get vsie(): bigint {
    return this.csr[1]!;
  }

  get vsstatus(): bigint {
    return this.csr[0]!;
  }

  /**
   * The SBI set_timer deadline when the hart has no Sstc (the hypervisor multiplexes its own
   * timer and injects hvip.VSTIP, SBI 2.0 §6.1); all ones when disarmed.
   */
  get timer(): bigint {
    return this.csr[SLOT_TIMER]!;
  }

  set timer(v: bigint) {
    this.csr[SLOT_TIMER] = v;
  }

  /**
   * Resume from a non-retentive HSM suspend (SBI 2.0 §9.4): at `pc` in VS-mode with
   * a0 = hartid, a1 = opaque, vsatp = 0 (Bare) and vsstatus.SIE = 0; the rest is kept.
   */
  resumeNonRetentive(pc: bigint, hartid: bigint, opaque: bigint): void {
    this.csr[SLOT_PC] = pc;
    this.x[10] = hartid;
    this.x[11] = opaque;
    this.csr[VS_CSRS.indexOf(CSR.vsatp)] = 0n;
    this.csr[0] = this.csr[0]! & ~(1n << 1n);
    this.csr[SLOT_SPP] = 1n;
    this.csr[SLOT_HSTATUS] = this.csr[SLOT_HSTATUS]! | (1n << 8n);
  }

  /** Copy the vCPU's state out of `hart` (which is in HS-mode, trapped from this vCPU). */
  save(hart: Hart, sstc: boolean): void {
    const c = this.csr;
    for (let i = 0; i < VS_CSRS.length; i++) c[i] = hart.readCsr(VS_CSRS[i]!) ?? 0n;
    if (sstc) c[SLOT_VSTIMECMP] = hart.readCsr(CSR.vstimecmp) ?? ALL_ONES;
    c[SLOT_HVIP] = (hart.readCsr(CSR.hvip) ?? 0n) & HVIP_VS_BITS;
    c[SLOT_PC] = hart.readCsr(CSR.sepc) ?? 0n;
    c[SLOT_FCSR] = hart.readCsr(CSR.fcsr) ?? 0n;
    c[SLOT_HSTATUS] = (hart.readCsr(CSR.hstatus) ?? 0n) & HSTATUS_VCPU_BITS;
    c[SLOT_SPP] = ((hart.readCsr(CSR.sstatus) ?? 0n) & SSTATUS_SPP) !== 0n ? 1n : 0n;
    for (let i = 1; i < 32; i++) this.x[i] = BigInt.asUintN(64, hart.readReg(i));
    this.f.set(hart.f);
  }

  /**
   * Load the vCPU into `hart` so that the next SRET enters it: VS CSRs, timer, injected
   * interrupts, registers, sepc, sstatus.SPP and hstatus SPV/SPVP/VGEIN.
   */
  restore(hart: Hart, sstc: boolean): void {
    const c = this.csr;
    for (let i = 0; i < VS_CSRS.length; i++) hart.writeCsr(VS_CSRS[i]!, c[i]!);
    if (sstc) hart.writeCsr(CSR.vstimecmp, c[SLOT_VSTIMECMP]!);
    hart.writeCsr(CSR.hvip, c[SLOT_HVIP]!);
    hart.writeCsr(CSR.sepc, c[SLOT_PC]!);
    hart.writeCsr(CSR.fcsr, c[SLOT_FCSR]!);
    const hs = hart.readCsr(CSR.hstatus) ?? 0n;
    hart.writeCsr(CSR.hstatus, (hs & ~HSTATUS_VCPU_BITS) | HSTATUS_SPV | c[SLOT_HSTATUS]!);
    const ss = hart.readCsr(CSR.sstatus) ?? 0n;
    hart.writeCsr(CSR.sstatus, c[SLOT_SPP] !== 0n ? ss | SSTATUS_SPP : ss & ~SSTATUS_SPP);
    for (let i = 1; i < 32; i++) hart.writeReg(i, this.x[i]!);
    hart.f.set(this.f);
  }
}

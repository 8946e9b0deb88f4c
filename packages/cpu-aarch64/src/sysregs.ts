/**
 * MRS, MSR (register and immediate) and SYS: the system register table with its access
 * rules (Arm ARM D13 and the access pseudocode of each register), cache maintenance, TLB
 * maintenance and address translation instructions (C5.3-C5.5).
 *
 * Order of checks for one access, as in the Arm ARM's per-register pseudocode: not
 * accessible at this EL → UNDEFINED; EL0 enable bits (SCTLR_EL1, CNTKCTL_EL1) → trap to EL1
 * (EL2 with HCR_EL2.TGE); HCR_EL2/CPTR_EL2/CNTHCTL_EL2 trap controls → EL2; CPTR_EL3 → EL3;
 * then the access.
 */

import { EC, HCR, SCR, DCZ_BLOCK, ID_AA64PFR0, ID_AA64ISAR0, ID_AA64DFR0, DCZID_BS, enc, isGicSysreg, PSR, type GicSysregTrap } from './defs.js';
import { R, SCTLR_EL1_RES1, SCTLR_EL23_RES1, CPTR_EL2_RES1 } from './regs.js';
import type { A64Core } from './core.js';
import { TimerId } from './timer.js';

/** Result of an access check: go on, UNDEFINED, or trap to an EL. */
const OK = 0;
const UNDEF = -1;

interface SysRegDef {
  readonly name: string;
  /** Lowest EL with access. */
  readonly el: number;
  readonly read?: (c: A64Core) => bigint;
  readonly write?: (c: A64Core, v: bigint) => void;
  /** Extra access check; returns OK, UNDEF or the EL to trap to (EC 0x18). */
  readonly check?: (c: A64Core, write: boolean) => number;
  /** HCR_EL2 bits that trap reads / writes from EL0/EL1 to EL2. */
  readonly hcrR?: number;
  readonly hcrW?: number;
  /** FPCR/FPSR: subject to the FP access traps (EC 0x07). */
  readonly fp?: boolean;
  /** Debug register class for the MDCR_EL2/MDCR_EL3 traps: TDA, TDOSA (OS lock/power) or TDRA (MDRAR). */
  readonly mdcr?: 'tda' | 'tdosa' | 'tdra';
}

interface SysOpDef {
  readonly name: string;
  readonly el: number;
  readonly check?: (c: A64Core) => number;
  readonly hcr?: number;
  readonly op: (c: A64Core, v: bigint) => void;
}

const regs = new Map<number, SysRegDef>();
const ops = new Map<number, SysOpDef>();

function reg(name: string, op0: number, op1: number, crn: number, crm: number, op2: number, d: Omit<SysRegDef, 'name'>): void {
  regs.set(enc(op0, op1, crn, crm, op2), { name, ...d });
}

/** A plain read/write storage register. */
function store(name: string, op0: number, op1: number, crn: number, crm: number, op2: number, el: number, idx: number, extra: Partial<SysRegDef> = {}, wmask = 0xffff_ffff_ffff_ffffn, res1 = 0n): void {
  reg(name, op0, op1, crn, crm, op2, {
    el,
    read: (c) => c.sr[idx]!,
    write: (c, v) => {
      c.sr[idx] = (v & wmask) | res1;
    },
    ...extra,
  });
}

/** A read-only constant (or computed) register. */
function ro(name: string, op0: number, op1: number, crn: number, crm: number, op2: number, el: number, read: (c: A64Core) => bigint, extra: Partial<SysRegDef> = {}): void {
  reg(name, op0, op1, crn, crm, op2, { el, read, ...extra });
}

/** Writes that change translation or interrupt state. */
function ctrl(idx: number, wmask = 0xffff_ffff_ffff_ffffn, res1 = 0n) {
  return (c: A64Core, v: bigint): void => {
    c.sr[idx] = (v & wmask) | res1;
    c.stateChanged();
  };
}

const TVM = { hcrR: HCR.TRVM, hcrW: HCR.TVM };

// ---------------------------------------------------------------------------- identification

ro('MIDR_EL1', 3, 0, 0, 0, 0, 1, (c) => (c.el === 1 && c.el2Enabled() ? c.sr[R.VPIDR_EL2]! : c.model.midr));
ro('MPIDR_EL1', 3, 0, 0, 0, 5, 1, (c) => (c.el === 1 && c.el2Enabled() ? c.sr[R.VMPIDR_EL2]! : c.mpidr));
ro('REVIDR_EL1', 3, 0, 0, 0, 6, 1, () => 0n, { hcrR: HCR.TID1 });
// The ID register space op0 3, op1 0, CRn 0, CRm 1..7 reads as zero where unallocated (D13.1.3).
for (let crm = 1; crm <= 7; crm++) {
  for (let op2 = 0; op2 < 8; op2++) ro(`ID_${crm}_${op2}`, 3, 0, 0, crm, op2, 1, () => 0n, { hcrR: HCR.TID3 });
}
ro('ID_AA64PFR0_EL1', 3, 0, 0, 4, 0, 1, (c) => ID_AA64PFR0 | (c.gicIface !== undefined ? 1n << 24n : 0n), { hcrR: HCR.TID3 });
ro('ID_AA64ISAR0_EL1', 3, 0, 0, 6, 0, 1, () => ID_AA64ISAR0, { hcrR: HCR.TID3 });
ro('ID_AA64DFR0_EL1', 3, 0, 0, 5, 0, 1, () => ID_AA64DFR0, { hcrR: HCR.TID3 });
ro('ID_AA64MMFR0_EL1', 3, 0, 0, 7, 0, 1, (c) => c.model.mmfr0, { hcrR: HCR.TID3 });
ro('CCSIDR_EL1', 3, 1, 0, 0, 0, 1, (c) => c.model.ccsidr[Math.min(2, Number(c.sr[R.CSSELR_EL1]! >> 1n) * 2 + Number(c.sr[R.CSSELR_EL1]! & 1n))] ?? 0n, { hcrR: HCR.TID2 });
ro('CLIDR_EL1', 3, 1, 0, 0, 1, 1, (c) => c.model.clidr, { hcrR: HCR.TID2 });
ro('AIDR_EL1', 3, 1, 0, 0, 7, 1, () => 0n, { hcrR: HCR.TID1 });
store('CSSELR_EL1', 3, 2, 0, 0, 0, 1, R.CSSELR_EL1, { hcrR: HCR.TID2, hcrW: HCR.TID2 }, 0xfn);
ro('CTR_EL0', 3, 3, 0, 0, 1, 0, (c) => c.model.ctr, { hcrR: HCR.TID2, check: (c) => (c.el === 0 && (c.sr[R.SCTLR_EL1]! & (1n << 15n)) === 0n ? c.syncTarget() : OK) });
ro('DCZID_EL0', 3, 3, 0, 0, 7, 0, (c) => BigInt(DCZID_BS) | (c.el <= 1 && (c.effHcr() & HCR.TDZ) !== 0 ? 0x10n : c.el === 0 && (c.sr[R.SCTLR_EL1]! & (1n << 14n)) === 0n ? 0x10n : 0n));
store('VPIDR_EL2', 3, 4, 0, 0, 0, 2, R.VPIDR_EL2, {}, 0xffffffffn);
store('VMPIDR_EL2', 3, 4, 0, 0, 5, 2, R.VMPIDR_EL2);

// ---------------------------------------------------------------------------- EL1 controls

reg('SCTLR_EL1', 3, 0, 1, 0, 0, { el: 1, ...TVM, read: (c) => c.sr[R.SCTLR_EL1]!, write: ctrl(R.SCTLR_EL1, 0x0000_0000_ffff_ffffn & ~(1n << 25n) & ~(1n << 24n), SCTLR_EL1_RES1) });
store('ACTLR_EL1', 3, 0, 1, 0, 1, 1, R.ACTLR_EL1, { hcrR: HCR.TACR, hcrW: HCR.TACR });
reg('CPACR_EL1', 3, 0, 1, 0, 2, {
  el: 1,
  read: (c) => c.sr[R.CPACR_EL1]!,
  write: (c, v) => {
    c.sr[R.CPACR_EL1] = v & (3n << 20n);
  },
  check: (c) => {
    if (c.el === 1 && c.el2Enabled() && (c.sr[R.CPTR_EL2]! >> 31n) & 1n) return 2;
    if (c.el <= 2 && (c.sr[R.CPTR_EL3]! >> 31n) & 1n) return 3;
    return OK;
  },
});
reg('TTBR0_EL1', 3, 0, 2, 0, 0, { el: 1, ...TVM, read: (c) => c.sr[R.TTBR0_EL1]!, write: ctrl(R.TTBR0_EL1) });
reg('TTBR1_EL1', 3, 0, 2, 0, 1, { el: 1, ...TVM, read: (c) => c.sr[R.TTBR1_EL1]!, write: ctrl(R.TTBR1_EL1) });
reg('TCR_EL1', 3, 0, 2, 0, 2, { el: 1, ...TVM, read: (c) => c.sr[R.TCR_EL1]!, write: ctrl(R.TCR_EL1, 0x0000_007f_ffff_ffbfn) });
store('SPSR_EL1', 3, 0, 4, 0, 0, 1, R.SPSR_EL1, {}, 0xffff_ffffn);
store('ELR_EL1', 3, 0, 4, 0, 1, 1, R.ELR_EL1);
reg('SP_EL0', 3, 0, 4, 1, 0, {
  el: 1,
  check: (c) => (c.spsel === 0 ? UNDEF : OK),
  read: (c) => c.sp[0]!,
  write: (c, v) => {
    c.sp[0] = v;
  },
});
reg('SPSel', 3, 0, 4, 2, 0, {
  el: 1,
  read: (c) => BigInt(c.spsel),
  write: (c, v) => {
    c.spsel = Number(v & 1n);
  },
});
ro('CurrentEL', 3, 0, 4, 2, 2, 1, (c) => BigInt(c.el << 2));
reg('DAIF', 3, 3, 4, 2, 1, {
  el: 0,
  check: (c) => (c.el === 0 && (c.sr[R.SCTLR_EL1]! & (1n << 9n)) === 0n ? c.syncTarget() : OK),
  read: (c) => BigInt(c.daif),
  write: (c, v) => {
    c.daif = Number(v) & (PSR.D | PSR.A | PSR.I | PSR.F);
    c.attn = true;
  },
});
reg('NZCV', 3, 3, 4, 2, 0, {
  el: 0,
  read: (c) => BigInt(c.nzcv >>> 0),
  write: (c, v) => {
    c.nzcv = Number(v & 0xf000_0000n) >>> 0;
  },
});
// FPCR (C5.2.8) without AArch32, FEAT_FP16 or FP exception traps: AHP, DN, FZ and RMode are
// writable; Len/Stride exist only for AArch32 and the trap enables are RAZ/WI when trapping
// is not supported. FPSR (C5.2.10): QC, IDC and the cumulative flags; N/Z/C/V are RES0
// without AArch32.
store('FPCR', 3, 3, 4, 4, 0, 0, R.FPCR, { fp: true }, 0x07c0_0000n);
store('FPSR', 3, 3, 4, 4, 1, 0, R.FPSR, { fp: true }, 0x0800_009fn);
store('AFSR0_EL1', 3, 0, 5, 1, 0, 1, R.AFSR0_EL1, TVM);
store('AFSR1_EL1', 3, 0, 5, 1, 1, 1, R.AFSR1_EL1, TVM);
store('ESR_EL1', 3, 0, 5, 2, 0, 1, R.ESR_EL1, TVM, 0xffff_ffffn);
store('FAR_EL1', 3, 0, 6, 0, 0, 1, R.FAR_EL1, TVM);
store('PAR_EL1', 3, 0, 7, 4, 0, 1, R.PAR_EL1);
store('MAIR_EL1', 3, 0, 10, 2, 0, 1, R.MAIR_EL1, TVM);
store('AMAIR_EL1', 3, 0, 10, 3, 0, 1, R.AMAIR_EL1, TVM);
store('VBAR_EL1', 3, 0, 12, 0, 0, 1, R.VBAR_EL1, {}, ~0x7ffn & 0xffff_ffff_ffff_ffffn);
ro('ISR_EL1', 3, 0, 12, 1, 0, 1, (c) => {
  const hcr = c.effHcr();
  let v = 0;
  if (c.el <= 1 && (hcr & HCR.IMO) !== 0) v |= (hcr & HCR.VI) !== 0 || c.virqLine ? PSR.I : 0;
  else v |= c.irqLine ? PSR.I : 0;
  if (c.el <= 1 && (hcr & HCR.FMO) !== 0) v |= (hcr & HCR.VF) !== 0 || c.vfiqLine ? PSR.F : 0;
  else v |= c.fiqLine ? PSR.F : 0;
  if (c.el <= 1 && (hcr & HCR.AMO) !== 0 && (hcr & HCR.VSE) !== 0) v |= PSR.A;
  return BigInt(v);
});
store('CONTEXTIDR_EL1', 3, 0, 13, 0, 1, 1, R.CONTEXTIDR_EL1, TVM, 0xffff_ffffn);
store('TPIDR_EL1', 3, 0, 13, 0, 4, 1, R.TPIDR_EL1);
store('TPIDR_EL0', 3, 3, 13, 0, 2, 0, R.TPIDR_EL0);
reg('TPIDRRO_EL0', 3, 3, 13, 0, 3, {
  el: 0,
  read: (c) => c.sr[R.TPIDRRO_EL0]!,
  write: (c, v) => {
    c.sr[R.TPIDRRO_EL0] = v;
  },
  check: (c, w) => (c.el === 0 && w ? UNDEF : OK),
});
store('CNTKCTL_EL1', 3, 0, 14, 1, 0, 1, R.CNTKCTL_EL1, {}, 0x3ffn);

// ---------------------------------------------------------------------------- EL2 controls

reg('SCTLR_EL2', 3, 4, 1, 0, 0, { el: 2, read: (c) => c.sr[R.SCTLR_EL2]!, write: ctrl(R.SCTLR_EL2, 0xffff_ffffn & ~(1n << 25n), SCTLR_EL23_RES1) });
store('ACTLR_EL2', 3, 4, 1, 0, 1, 2, R.ACTLR_EL2);
// HCR_EL2.RW is RES1: EL1 is AArch64-only (D13.2.46). Bits above 33 are RES0 in v8.0.
reg('HCR_EL2', 3, 4, 1, 1, 0, { el: 2, read: (c) => c.sr[R.HCR_EL2]!, write: ctrl(R.HCR_EL2, 0x3_ffff_ffffn, BigInt(HCR.RW)) });
store('MDCR_EL2', 3, 4, 1, 1, 1, 2, R.MDCR_EL2, {}, 0x3_ffffn);
store('CPTR_EL2', 3, 4, 1, 1, 2, 2, R.CPTR_EL2, { check: (c) => (c.el === 2 && (c.sr[R.CPTR_EL3]! >> 31n) & 1n ? 3 : OK) }, (1n << 31n) | (1n << 20n) | (1n << 10n), CPTR_EL2_RES1);
store('HSTR_EL2', 3, 4, 1, 1, 3, 2, R.HSTR_EL2, {}, 0xffffn);
store('HACR_EL2', 3, 4, 1, 1, 7, 2, R.HACR_EL2);
reg('TTBR0_EL2', 3, 4, 2, 0, 0, { el: 2, read: (c) => c.sr[R.TTBR0_EL2]!, write: ctrl(R.TTBR0_EL2) });
reg('TCR_EL2', 3, 4, 2, 0, 2, { el: 2, read: (c) => c.sr[R.TCR_EL2]!, write: ctrl(R.TCR_EL2, 0x0017_ffbfn, 0x8080_0000n) });
reg('VTTBR_EL2', 3, 4, 2, 1, 0, { el: 2, read: (c) => c.sr[R.VTTBR_EL2]!, write: ctrl(R.VTTBR_EL2) });
reg('VTCR_EL2', 3, 4, 2, 1, 2, { el: 2, read: (c) => c.sr[R.VTCR_EL2]!, write: ctrl(R.VTCR_EL2, 0x0007_ffffn, 0x8000_0000n) });
store('SPSR_EL2', 3, 4, 4, 0, 0, 2, R.SPSR_EL2, {}, 0xffff_ffffn);
store('ELR_EL2', 3, 4, 4, 0, 1, 2, R.ELR_EL2);
reg('SP_EL1', 3, 4, 4, 1, 0, {
  el: 2,
  read: (c) => c.sp[1]!,
  write: (c, v) => {
    c.sp[1] = v;
  },
});
store('AFSR0_EL2', 3, 4, 5, 1, 0, 2, R.AFSR0_EL2);
store('AFSR1_EL2', 3, 4, 5, 1, 1, 2, R.AFSR1_EL2);
store('ESR_EL2', 3, 4, 5, 2, 0, 2, R.ESR_EL2, {}, 0xffff_ffffn);
store('FAR_EL2', 3, 4, 6, 0, 0, 2, R.FAR_EL2);
store('HPFAR_EL2', 3, 4, 6, 0, 4, 2, R.HPFAR_EL2, {}, 0x0000_0fff_ffff_fff0n);
store('MAIR_EL2', 3, 4, 10, 2, 0, 2, R.MAIR_EL2);
store('AMAIR_EL2', 3, 4, 10, 3, 0, 2, R.AMAIR_EL2);
store('VBAR_EL2', 3, 4, 12, 0, 0, 2, R.VBAR_EL2, {}, ~0x7ffn & 0xffff_ffff_ffff_ffffn);
store('TPIDR_EL2', 3, 4, 13, 0, 2, 2, R.TPIDR_EL2);
store('CNTHCTL_EL2', 3, 4, 14, 1, 0, 2, R.CNTHCTL_EL2, {}, 0xffn);
reg('CNTVOFF_EL2', 3, 4, 14, 0, 3, {
  el: 2,
  read: (c) => c.sr[R.CNTVOFF_EL2]!,
  write: (c, v) => {
    c.sr[R.CNTVOFF_EL2] = v;
    c.timer?.setCntvoff(v);
  },
});

// ---------------------------------------------------------------------------- EL3 controls

reg('SCTLR_EL3', 3, 6, 1, 0, 0, { el: 3, read: (c) => c.sr[R.SCTLR_EL3]!, write: ctrl(R.SCTLR_EL3, 0xffff_ffffn & ~(1n << 25n), SCTLR_EL23_RES1) });
store('ACTLR_EL3', 3, 6, 1, 0, 1, 3, R.ACTLR_EL3);
// SCR_EL3.RW is RES1 (no AArch32 below EL3); bits 5:4 RES1.
reg('SCR_EL3', 3, 6, 1, 1, 0, { el: 3, read: (c) => c.sr[R.SCR_EL3]!, write: ctrl(R.SCR_EL3, 0x3fcfn, BigInt(SCR.RW) | 0x30n) });
store('CPTR_EL3', 3, 6, 1, 1, 2, 3, R.CPTR_EL3, {}, (1n << 31n) | (1n << 20n) | (1n << 10n));
store('MDCR_EL3', 3, 6, 1, 3, 1, 3, R.MDCR_EL3, {}, 0x1_ffffn);
reg('TTBR0_EL3', 3, 6, 2, 0, 0, { el: 3, read: (c) => c.sr[R.TTBR0_EL3]!, write: ctrl(R.TTBR0_EL3) });
reg('TCR_EL3', 3, 6, 2, 0, 2, { el: 3, read: (c) => c.sr[R.TCR_EL3]!, write: ctrl(R.TCR_EL3, 0x0017_ffbfn, 0x8080_0000n) });
store('SPSR_EL3', 3, 6, 4, 0, 0, 3, R.SPSR_EL3, {}, 0xffff_ffffn);
store('ELR_EL3', 3, 6, 4, 0, 1, 3, R.ELR_EL3);
reg('SP_EL2', 3, 6, 4, 1, 0, {
  el: 3,
  read: (c) => c.sp[2]!,
  write: (c, v) => {
    c.sp[2] = v;
  },
});
store('AFSR0_EL3', 3, 6, 5, 1, 0, 3, R.AFSR0_EL3);
store('AFSR1_EL3', 3, 6, 5, 1, 1, 3, R.AFSR1_EL3);
store('ESR_EL3', 3, 6, 5, 2, 0, 3, R.ESR_EL3, {}, 0xffff_ffffn);
store('FAR_EL3', 3, 6, 6, 0, 0, 3, R.FAR_EL3);
store('MAIR_EL3', 3, 6, 10, 2, 0, 3, R.MAIR_EL3);
store('AMAIR_EL3', 3, 6, 10, 3, 0, 3, R.AMAIR_EL3);
store('VBAR_EL3', 3, 6, 12, 0, 0, 3, R.VBAR_EL3, {}, ~0x7ffn & 0xffff_ffff_ffff_ffffn);
ro('RVBAR_EL3', 3, 6, 12, 0, 1, 3, (c) => c.sr[R.RVBAR_EL3]!);
store('TPIDR_EL3', 3, 6, 13, 0, 2, 3, R.TPIDR_EL3);

// ---------------------------------------------------------------------------- debug (what Linux and U-Boot touch)

store('MDSCR_EL1', 2, 0, 0, 2, 2, 1, R.MDSCR_EL1, { mdcr: 'tda' }, 0xffff_ffffn);
store('MDCCINT_EL1', 2, 0, 0, 2, 0, 1, R.MDCCINT_EL1, { mdcr: 'tda' }, 0xffff_ffffn);
ro('MDCCSR_EL0', 2, 3, 0, 1, 0, 0, () => 0n, { check: (c) => (c.el === 0 && (c.sr[R.MDSCR_EL1]! >> 12n) & 1n ? c.syncTarget() : OK) });
ro('MDRAR_EL1', 2, 0, 1, 0, 0, 1, () => 0n, { mdcr: 'tdra' });
reg('OSLAR_EL1', 2, 0, 1, 0, 4, {
  el: 1,
  mdcr: 'tdosa',
  write: (c, v) => {
    c.sr[R.OSLSR_EL1] = (c.sr[R.OSLSR_EL1]! & ~2n) | ((v & 1n) << 1n);
  },
});
ro('OSLSR_EL1', 2, 0, 1, 1, 4, 1, (c) => c.sr[R.OSLSR_EL1]!, { mdcr: 'tdosa' });
store('OSDLR_EL1', 2, 0, 1, 3, 4, 1, R.OSDLR_EL1, { mdcr: 'tdosa' }, 1n);
store('DBGPRCR_EL1', 2, 0, 1, 4, 4, 1, R.DBGPRCR_EL1, { mdcr: 'tdosa' }, 1n);
store('DBGBVR0_EL1', 2, 0, 0, 0, 4, 1, R.DBGBVR0_EL1, { mdcr: 'tda' });
store('DBGBCR0_EL1', 2, 0, 0, 0, 5, 1, R.DBGBCR0_EL1, { mdcr: 'tda' }, 0xffff_ffffn);
store('DBGWVR0_EL1', 2, 0, 0, 0, 6, 1, R.DBGWVR0_EL1, { mdcr: 'tda' });
store('DBGWCR0_EL1', 2, 0, 0, 0, 7, 1, R.DBGWCR0_EL1, { mdcr: 'tda' }, 0xffff_ffffn);
store('DBGBVR1_EL1', 2, 0, 0, 1, 4, 1, R.DBGBVR1_EL1, { mdcr: 'tda' });
store('DBGBCR1_EL1', 2, 0, 0, 1, 5, 1, R.DBGBCR1_EL1, { mdcr: 'tda' }, 0xffff_ffffn);
store('DBGWVR1_EL1', 2, 0, 0, 1, 6, 1, R.DBGWVR1_EL1, { mdcr: 'tda' });
store('DBGWCR1_EL1', 2, 0, 0, 1, 7, 1, R.DBGWCR1_EL1, { mdcr: 'tda' }, 0xffff_ffffn);
reg('DBGCLAIMSET_EL1', 2, 0, 7, 8, 6, {
  el: 1,
  mdcr: 'tda',
  read: () => 0xffn,
  write: (c, v) => {
    c.sr[R.DBGCLAIM] = c.sr[R.DBGCLAIM]! | (v & 0xffn);
  },
});
reg('DBGCLAIMCLR_EL1', 2, 0, 7, 9, 6, {
  el: 1,
  mdcr: 'tda',
  read: (c) => c.sr[R.DBGCLAIM]!,
  write: (c, v) => {
    c.sr[R.DBGCLAIM] = c.sr[R.DBGCLAIM]! & ~(v & 0xffn);
  },
});
ro('DBGAUTHSTATUS_EL1', 2, 0, 7, 14, 6, 1, () => 0xaan);

// ---------------------------------------------------------------------------- generic timer (D11, D13.8)

/** EL0 access to the counter/timers (CNTKCTL_EL1) and EL0/EL1 access from Non-secure state (CNTHCTL_EL2). */
function timerCheck(el0Bits: bigint, el1Bit: bigint) {
  return (c: A64Core): number => {
    const tge = (c.effHcr() & HCR.TGE) !== 0;
    if (c.el === 0 && !tge && (c.sr[R.CNTKCTL_EL1]! & el0Bits) === 0n) return c.syncTarget();
    if (c.el <= 1 && c.el2Enabled() && el1Bit !== 0n && (c.sr[R.CNTHCTL_EL2]! & el1Bit) === 0n) return 2;
    return OK;
  };
}

reg('CNTFRQ_EL0', 3, 3, 14, 0, 0, {
  el: 0,
  check: (c, w) => (w && c.el !== 3 ? UNDEF : timerCheck(3n, 0n)(c)),
  read: (c) => c.sr[R.CNTFRQ_EL0]!,
  write: (c, v) => {
    c.sr[R.CNTFRQ_EL0] = v & 0xffff_ffffn;
  },
});
ro('CNTPCT_EL0', 3, 3, 14, 0, 1, 0, (c) => c.timer?.physicalCount() ?? 0n, { check: timerCheck(1n, 1n) });
ro('CNTVCT_EL0', 3, 3, 14, 0, 2, 0, (c) => c.timer?.count(TimerId.Virt) ?? 0n, { check: timerCheck(2n, 0n) });

function timerRegs(prefix: string, op1: number, crm: number, id: TimerId, el: number, check?: (c: A64Core) => number): void {
  const chk = check ? (c: A64Core) => check(c) : undefined;
  reg(`${prefix}_TVAL`, 3, op1, 14, crm, 0, {
    el,
    check: chk,
    read: (c) => c.timer?.readTval(id) ?? 0n,
    write: (c, v) => c.timer?.writeTval(id, v),
  });
  reg(`${prefix}_CTL`, 3, op1, 14, crm, 1, {
    el,
    check: chk,
    read: (c) => c.timer?.readCtl(id) ?? 0n,
    write: (c, v) => c.timer?.writeCtl(id, v),
  });
  reg(`${prefix}_CVAL`, 3, op1, 14, crm, 2, {
    el,
    check: chk,
    read: (c) => c.timer?.cval[id] ?? 0n,
    write: (c, v) => c.timer?.writeCval(id, v),
  });
}
timerRegs('CNTP', 3, 2, TimerId.Phys, 0, timerCheck(1n << 9n, 2n));
timerRegs('CNTV', 3, 3, TimerId.Virt, 0, timerCheck(1n << 8n, 0n));
timerRegs('CNTHP', 4, 2, TimerId.Hyp, 2);
// CNTPS_*_EL1: Secure EL1 with SCR_EL3.ST, or EL3 (D13.8.x).
timerRegs('CNTPS', 7, 2, TimerId.Sec, 1, (c) => (c.el === 1 && (c.ns || (c.scr & SCR.ST) === 0) ? UNDEF : OK));

// ---------------------------------------------------------------------------- SYS: cache, TLB, AT

function op(name: string, op1: number, crn: number, crm: number, op2: number, d: Omit<SysOpDef, 'name'>): void {
  ops.set(enc(1, op1, crn, crm, op2), { name, ...d });
}

const nop = (): void => {};

/** Cache maintenance by VA: a permission-checked no-op (D4.4.8): a fault is reported with ESR.CM = 1. */
function dcByVa(write: boolean) {
  return (c: A64Core, va: bigint): void => {
    c.curCM = true;
    try {
      const mmu = c.el;
      c.translateData(va, write, mmu);
    } finally {
      c.curCM = false;
    }
  };
}

/** EL0 cache maintenance needs SCTLR_EL1.UCI (D13.2.113). */
const uci = (c: A64Core): number => (c.el === 0 && !((c.effHcr() & HCR.TGE) !== 0) && (c.sr[R.SCTLR_EL1]! & (1n << 26n)) === 0n ? c.syncTarget() : OK);

op('IC IALLUIS', 0, 7, 1, 0, { el: 1, hcr: HCR.TPU, op: nop });
op('IC IALLU', 0, 7, 5, 0, { el: 1, hcr: HCR.TPU, op: nop });
op('IC IVAU', 3, 7, 5, 1, { el: 0, hcr: HCR.TPU, check: uci, op: nop });
op('DC IVAC', 0, 7, 6, 1, { el: 1, hcr: HCR.TPC, op: dcByVa(true) });
op('DC ISW', 0, 7, 6, 2, { el: 1, hcr: HCR.TSW, op: nop });
op('DC CSW', 0, 7, 10, 2, { el: 1, hcr: HCR.TSW, op: nop });
op('DC CISW', 0, 7, 14, 2, { el: 1, hcr: HCR.TSW, op: nop });
op('DC CVAC', 3, 7, 10, 1, { el: 0, hcr: HCR.TPC, check: uci, op: dcByVa(false) });
op('DC CVAU', 3, 7, 11, 1, { el: 0, hcr: HCR.TPU, check: uci, op: dcByVa(false) });
op('DC CIVAC', 3, 7, 14, 1, { el: 0, hcr: HCR.TPC, check: uci, op: dcByVa(false) });
op('DC ZVA', 3, 7, 4, 1, {
  el: 0,
  hcr: HCR.TDZ,
  check: (c) => (c.el === 0 && (c.effHcr() & HCR.TGE) === 0 && (c.sr[R.SCTLR_EL1]! & (1n << 14n)) === 0n ? c.syncTarget() : OK),
  op: (c, va) => {
    // DC ZVA zeroes the naturally aligned block of DCZID_EL0 size (C5.3.x); it is a write for permissions.
    const base = va & ~BigInt(DCZ_BLOCK - 1);
    for (let i = 0; i < DCZ_BLOCK; i += 8) c.write64(base + BigInt(i), 0n, c.mmu);
  },
});

// AT (C5.5): op1 0 = S1E1/S1E0 from EL1, 4 = S1E2/S12E1/S12E0, 6 = S1E3.
op('AT S1E1R', 0, 7, 8, 0, { el: 1, op: (c, va) => c.addressTranslate(va, false, 1, 1) });
op('AT S1E1W', 0, 7, 8, 1, { el: 1, op: (c, va) => c.addressTranslate(va, true, 1, 1) });
op('AT S1E0R', 0, 7, 8, 2, { el: 1, op: (c, va) => c.addressTranslate(va, false, 0, 1) });
op('AT S1E0W', 0, 7, 8, 3, { el: 1, op: (c, va) => c.addressTranslate(va, true, 0, 1) });
op('AT S1E2R', 4, 7, 8, 0, { el: 2, op: (c, va) => c.addressTranslate(va, false, 2, 1) });
op('AT S1E2W', 4, 7, 8, 1, { el: 2, op: (c, va) => c.addressTranslate(va, true, 2, 1) });
op('AT S12E1R', 4, 7, 8, 4, { el: 2, op: (c, va) => c.addressTranslate(va, false, 1, 12) });
op('AT S12E1W', 4, 7, 8, 5, { el: 2, op: (c, va) => c.addressTranslate(va, true, 1, 12) });
op('AT S12E0R', 4, 7, 8, 6, { el: 2, op: (c, va) => c.addressTranslate(va, false, 0, 12) });
op('AT S12E0W', 4, 7, 8, 7, { el: 2, op: (c, va) => c.addressTranslate(va, true, 0, 12) });
op('AT S1E3R', 6, 7, 8, 0, { el: 3, op: (c, va) => c.addressTranslate(va, false, 3, 1) });
op('AT S1E3W', 6, 7, 8, 1, { el: 3, op: (c, va) => c.addressTranslate(va, true, 3, 1) });

// TLBI (C5.5.x). The softmmu TLB is a cache of the current translation state only, so every
// TLBI (by VA, ASID, VMID, IPA or ALL, any shareability) empties it.
const flush = (c: A64Core): void => {
  c.flushTlb();
};
for (const crm of [3, 7]) {
  const is = crm === 3 ? 'IS' : '';
  op(`TLBI VMALLE1${is}`, 0, 8, crm, 0, { el: 1, hcr: HCR.TTLB, op: flush });
  op(`TLBI VAE1${is}`, 0, 8, crm, 1, { el: 1, hcr: HCR.TTLB, op: flush });
  op(`TLBI ASIDE1${is}`, 0, 8, crm, 2, { el: 1, hcr: HCR.TTLB, op: flush });
  op(`TLBI VAAE1${is}`, 0, 8, crm, 3, { el: 1, hcr: HCR.TTLB, op: flush });
  op(`TLBI VALE1${is}`, 0, 8, crm, 5, { el: 1, hcr: HCR.TTLB, op: flush });
  op(`TLBI VAALE1${is}`, 0, 8, crm, 7, { el: 1, hcr: HCR.TTLB, op: flush });
  op(`TLBI ALLE2${is}`, 4, 8, crm, 0, { el: 2, op: flush });
  op(`TLBI VAE2${is}`, 4, 8, crm, 1, { el: 2, op: flush });
  op(`TLBI ALLE1${is}`, 4, 8, crm, 4, { el: 2, op: flush });
  op(`TLBI VALE2${is}`, 4, 8, crm, 5, { el: 2, op: flush });
  op(`TLBI VMALLS12E1${is}`, 4, 8, crm, 6, { el: 2, op: flush });
  op(`TLBI ALLE3${is}`, 6, 8, crm, 0, { el: 3, op: flush });
  op(`TLBI VAE3${is}`, 6, 8, crm, 1, { el: 3, op: flush });
  op(`TLBI VALE3${is}`, 6, 8, crm, 5, { el: 3, op: flush });
}
for (const crm of [0, 4]) {
  const is = crm === 0 ? 'IS' : '';
  op(`TLBI IPAS2E1${is}`, 4, 8, crm, 1, { el: 2, op: flush });
  op(`TLBI IPAS2LE1${is}`, 4, 8, crm, 5, { el: 2, op: flush });
}

// ---------------------------------------------------------------------------- execution

/** ISS of a trapped MSR/MRS/SYS (EC 0x18, D13.2.37): Op0 Op2 Op1 CRn Rt CRm Direction. */
function sysregIss(insn: number): number {
  const op0 = (insn >>> 19) & 3;
  const op1 = (insn >>> 16) & 7;
  const crn = (insn >>> 12) & 15;
  const crm = (insn >>> 8) & 15;
  const op2 = (insn >>> 5) & 7;
  const rt = insn & 31;
  const dir = (insn >>> 21) & 1;
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | dir;
}

function trapTo(c: A64Core, target: number, insn: number): never {
  c.takeSync(target, EC.SYSREG, sysregIss(insn), c.pc);
}

/** FP/AdvSIMD access checks (CPACR_EL1.FPEN, CPTR_EL2.TFP, CPTR_EL3.TFP; D1.13.x). Returns if access is allowed. */
export function fpAccessCheck(c: A64Core): void {
  // Runs before every FP/SIMD instruction: the 32-bit view avoids BigInt shifts.
  const s = c.sr32;
  const el = c.el;
  const iss = 0x1e00000;
  if (el <= 1 && !(el === 0 && (c.effHcr() & HCR.TGE) !== 0)) {
    const fpen = (s[2 * R.CPACR_EL1]! >>> 20) & 3;
    if (fpen === 0 || fpen === 2 || (fpen === 1 && el === 0)) c.takeSync(1, EC.FP_ACCESS, iss, c.pc);
  }
  if (el <= 2 && c.el2Enabled() && ((s[2 * R.CPTR_EL2]! >>> 10) & 1) !== 0) c.takeSync(2, EC.FP_ACCESS, iss, c.pc);
  if (((s[2 * R.CPTR_EL3]! >>> 10) & 1) !== 0) c.takeSync(3, EC.FP_ACCESS, iss, c.pc);
}

/**
 * Debug register traps (D13.3.x): MDCR_EL2.TDE/TDA/TDOSA/TDRA from EL0/EL1 to EL2, then
 * MDCR_EL3.TDA/TDOSA from below EL3 to EL3.
 */
function mdcrCheck(c: A64Core, cls: 'tda' | 'tdosa' | 'tdra', insn: number): void {
  if (c.el <= 1 && c.el2Enabled()) {
    const m = Number(c.sr[R.MDCR_EL2]! & 0xfffn);
    const tde = (m & (1 << 8)) !== 0;
    const bit = cls === 'tda' ? 1 << 9 : cls === 'tdosa' ? 1 << 10 : 1 << 11;
    if (tde || (m & bit) !== 0) trapTo(c, 2, insn);
  }
  if (c.el <= 2) {
    const m3 = Number(c.sr[R.MDCR_EL3]! & 0xfffn);
    const bit3 = cls === 'tdosa' ? 1 << 10 : 1 << 9;
    if ((m3 & bit3) !== 0) trapTo(c, 3, insn);
  }
}

function gicTrap(c: A64Core, t: GicSysregTrap, insn: number): never {
  if (t.trap === 'el2') trapTo(c, 2, insn);
  if (t.trap === 'el3') trapTo(c, 3, insn);
  c.undef();
}

function gicCtx(c: A64Core): void {
  const g = c.gicCtx;
  g.el = c.el as 0 | 1 | 2 | 3;
  g.ns = c.ns;
  g.hcr = c.effHcr();
  g.scr = c.scr;
}

/** MRS / MSR (register) / SYS / SYSL. */
export function execSystemRegister(c: A64Core, insn: number): void {
  const isRead = ((insn >>> 21) & 1) !== 0;
  const e = (insn >>> 5) & 0xffff;
  const rt = insn & 31;
  const op0 = e >>> 14;
  if (op0 === 1) {
    const d = ops.get(e);
    if (d === undefined || isRead) c.undef();
    if (c.el < d.el) c.undef();
    if (d.check !== undefined) {
      const r = d.check(c);
      if (r === UNDEF) c.undef();
      if (r > 0) trapTo(c, r, insn);
    }
    if (d.hcr !== undefined && c.el <= 1 && (c.effHcr() & d.hcr) !== 0) trapTo(c, 2, insn);
    d.op(c, c.x[rt]!);
    c.next();
    return;
  }
  if (isGicSysreg(e)) {
    const g = c.gicIface;
    if (g === undefined) c.undef();
    gicCtx(c);
    if (isRead) {
      const v = g.sysregRead(e, c.gicCtx);
      if (typeof v !== 'bigint') gicTrap(c, v, insn);
      c.setReg(rt, v);
    } else {
      const t = g.sysregWrite(e, c.x[rt]!, c.gicCtx);
      if (t !== undefined) gicTrap(c, t, insn);
    }
    c.next();
    return;
  }
  const d = regs.get(e);
  if (d === undefined) c.undef();
  if (c.el < d.el) c.undef();
  if (d.check !== undefined) {
    const r = d.check(c, !isRead);
    if (r === UNDEF) c.undef();
    if (r > 0) trapTo(c, r, insn);
  }
  if (c.el <= 1) {
    const hcr = c.effHcr();
    const m = isRead ? d.hcrR : d.hcrW;
    if (m !== undefined && (hcr & m) !== 0) trapTo(c, 2, insn);
  }
  if (d.mdcr !== undefined) mdcrCheck(c, d.mdcr, insn);
  if (d.fp === true) fpAccessCheck(c);
  if (isRead) {
    if (d.read === undefined) c.undef();
    c.setReg(rt, d.read(c));
  } else {
    if (d.write === undefined) c.undef();
    d.write(c, c.x[rt]!);
  }
  c.next();
}

/** MSR (immediate) to PSTATE fields: SPSel, DAIFSet, DAIFClr (C5.2). */
export function execMsrImmediate(c: A64Core, insn: number): void {
  const op1 = (insn >>> 16) & 7;
  const op2 = (insn >>> 5) & 7;
  const crm = (insn >>> 8) & 15;
  if (op1 === 0 && op2 === 5) {
    if (c.el === 0) c.undef();
    c.spsel = crm & 1;
  } else if (op1 === 3 && (op2 === 6 || op2 === 7)) {
    if (c.el === 0 && (c.sr[R.SCTLR_EL1]! & (1n << 9n)) === 0n) trapTo(c, c.syncTarget(), insn);
    const bits = (crm << 6) & (PSR.D | PSR.A | PSR.I | PSR.F);
    c.daif = op2 === 6 ? c.daif | bits : c.daif & ~bits;
    c.attn = true;
  } else c.undef();
  c.next();
}

/** Names of the implemented system registers (for tests and documentation). */
export function sysregNames(): string[] {
  return [...regs.values()].map((d) => d.name);
}

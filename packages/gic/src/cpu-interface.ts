/**
 * The contract between the GIC models and an Arm CPU plugin (e.g. `@tessera/cpu-aarch64`).
 *
 * This file is the stable meeting point: the CPU codes against these types only.
 *
 * ## Wiring (both GIC versions)
 * A GIC component takes `cpus: <cluster>` in its options: a plain component name, not a
 * loader reference, so the cluster may name the GIC as a reference itself (to wire its
 * timer PPIs) without a reference cycle. The GIC finds the cluster with `ctx.lookup` (at
 * create() when the cluster already exists, else in connect()); interrupt inputs it hands
 * out before then remember their level. The cluster's `api` must be an
 * {@link GicCpuCluster}: an IrqTarget with inputs `<i>:irq`, `<i>:fiq`, `<i>:virq`,
 * `<i>:vfiq` for core `i`, plus `count`. The GIC drives those inputs as levels:
 *  - `irq` / `fiq`: the physical interrupt signals of the CPU interface (IHI 0048B §3.2.x,
 *    IHI 0069H §4.1). Group 1 is signalled as IRQ, Group 0 as FIQ (Linux runs Non-secure,
 *    Group 1). The CPU applies PSTATE.I/F, SCR_EL3 and HCR_EL2 routing itself.
 *  - `virq` / `vfiq`: the virtual interrupt signals (GICv2 GICV / GICv3 ICV interface).
 *    The CPU takes them only at EL1/EL0 when HCR_EL2.IMO/FMO = 1 (Armv8-A D1.x), PSTATE.I/F
 *    permitting. The GIC does not look at the CPU's EL for these lines.
 * The CPU's own interrupt outputs (generic timer, PMU) are wired by the machine file to
 * the GIC's PPI inputs `ppi:<cpu>:<intid>` (e.g. CNTP = 30, CNTV = 27, CNTHP = 26,
 * maintenance = 25 is the GIC's own).
 *
 * ## GICv2 (memory-mapped CPU interface) — banking by master id
 * GICD banked registers (SGI/PPI enables, priorities, ITARGETSR0..7), the GICC, GICH and
 * GICV frames are per CPU. The GIC selects the bank from {@link MmioAccess.masterId},
 * which MUST be the CPU index (0..count-1) for accesses made by core `i`. A CPU plugin
 * that shares the machine's system AddressSpace calls `system.setMaster('<name>', i)`
 * before core `i` makes MMIO accesses (cheap: two field writes); a CPU with its own
 * AddressSpace view sets it once. An access with a masterId outside 0..count-1 (a DMA
 * master) sees CPU 0's bank, as a non-processor master would on GIC-400.
 *
 * ## GICv3 (system-register CPU interface)
 * For every MRS/MSR whose encoding satisfies {@link isGicSysreg}, the CPU calls the
 * {@link GicCpuInterface} of the executing core, obtained either from the GIC API
 * (`gic.cpuInterface(i)`) or pushed to the cluster: in its `connect()` the GICv3 calls
 * `cluster.attachGicCpuInterface?.(i, iface)` for every core. A CPU with no GICv3
 * attached treats these encodings as UNDEFINED (the GICv2 machines).
 *
 * The GIC decides ICC_* vs ICV_* (virtual interface at EL1 when HCR_EL2.IMO/FMO = 1),
 * and returns {@link SYSREG_TRAP_EL2}, {@link SYSREG_TRAP_EL3} or {@link SYSREG_UNDEFINED}
 * per ICH_HCR_EL2 (TALL0, TALL1, TC, TDIR) and ICC_SRE_ELx (IHI 0069H §12.1.x, §9.x).
 * The CPU owns the exception mechanics: a trap to EL2/EL3 is the "trapped MSR, MRS or
 * System instruction" exception (ESR_ELx.EC = 0x18, ISS from the instruction); UNDEFINED
 * is EC = 0x00 at the EL where an UNDEFINED instruction is taken.
 *
 * System register enable: ICC_SRE_EL1/EL2/EL3.SRE are RAO/WI (the system-register
 * interface is always used, as permitted by IHI 0069H §12.1.7 when legacy operation is not
 * supported); DFB/DIB RAO/WI; ICC_SRE_EL2/EL3.Enable are writable and gate lower-EL
 * access to ICC_SRE_EL1/EL2 (a trap to EL2/EL3 when 0).
 *
 * ## Affinity
 * The GICv3 needs each core's MPIDR_EL1 affinity (GICR_TYPER, IROUTER, ICC_SGI1R_EL1).
 * The cluster may provide `mpidrAffinity(i)`; otherwise the GIC assumes QEMU virt's layout
 * {@link defaultAffinity}: Aff0 = i % 16, Aff1 = floor(i / 16). The CPU should report the
 * same value in MPIDR_EL1.
 */

import type { DtInterruptController, IrqTarget } from '@tessera/core';

/**
 * A system-register encoding packed in 16 bits exactly as bits [20:5] of an MRS/MSR
 * instruction: op0[15:14] op1[13:11] CRn[10:7] CRm[6:3] op2[2:0]. A CPU gets it with
 * `(insn >>> 5) & 0xffff` (bit 20 is o0, op0 = 2 + o0, so the two top bits are op0).
 */
export type SysregEncoding = number;

/** Pack op0, op1, CRn, CRm, op2 into a {@link SysregEncoding}. */
export function sysregEncoding(op0: number, op1: number, crn: number, crm: number, op2: number): SysregEncoding {
  return ((op0 & 3) << 14) | ((op1 & 7) << 11) | ((crn & 15) << 7) | ((crm & 15) << 3) | (op2 & 7);
}

/**
 * What the GIC needs to know about the executing core for one MRS/MSR. A CPU keeps one
 * mutable object per core and updates its fields before the call (no allocation).
 */
export interface SysregAccessContext {
  /** Current exception level. */
  readonly el: 0 | 1 | 2 | 3;
  /**
   * True when in Non-secure state (SCR_EL3.NS = 1, or EL3 not implemented and the PE is
   * Non-secure). Only Non-secure operation is modelled in depth.
   */
  readonly ns: boolean;
  /** Low 32 bits of HCR_EL2 (FMO bit 3, IMO bit 4, TGE bit 27); 0 if EL2 is absent or disabled. */
  readonly hcr: number;
  /** Low 32 bits of SCR_EL3 (NS bit 0, IRQ bit 1, FIQ bit 2); 0 if EL3 is absent. */
  readonly scr: number;
  /** EL2 implemented (and enabled in the current security state). */
  readonly haveEL2: boolean;
  /** EL3 implemented. */
  readonly haveEL3: boolean;
}

/** How an MRS/MSR that the GIC refused must be completed by the CPU. */
export interface SysregTrap {
  readonly trap: 'undefined' | 'el2' | 'el3';
}

/** The access is UNDEFINED (EC 0x00 exception at the current EL, or EL1 from EL0). */
export const SYSREG_UNDEFINED: SysregTrap = Object.freeze({ trap: 'undefined' as const });
/** Trap to EL2 (ESR_EL2.EC = 0x18). */
export const SYSREG_TRAP_EL2: SysregTrap = Object.freeze({ trap: 'el2' as const });
/** Trap to EL3 (ESR_EL3.EC = 0x18). */
export const SYSREG_TRAP_EL3: SysregTrap = Object.freeze({ trap: 'el3' as const });

export function isSysregTrap(x: unknown): x is SysregTrap {
  return x === SYSREG_UNDEFINED || x === SYSREG_TRAP_EL2 || x === SYSREG_TRAP_EL3;
}

/**
 * A core's GICv3 CPU interface (ICC_*, ICV_*, ICH_*), as seen from that core's MRS/MSR.
 * Values are the 64-bit register values. Never throws for guest-controlled values.
 */
export interface GicCpuInterface {
  /** MRS. Returns the value, or how the access traps. Unknown encodings in the GIC space are UNDEFINED. */
  sysregRead(enc: SysregEncoding, ctx: SysregAccessContext): bigint | SysregTrap;
  /** MSR. Returns undefined when done, or how the access traps. */
  sysregWrite(enc: SysregEncoding, value: bigint, ctx: SysregAccessContext): SysregTrap | undefined;
}

/**
 * True if `enc` is a register of the GICv3 CPU interface: ICC_PMR_EL1/ICV_PMR_EL1
 * (3,0,4,6,0), and op0 = 3, CRn = 12, CRm >= 8 with op1 = 0 (ICC/ICV EL1), 4 (ICH_*,
 * ICC_SRE_EL2) or 6 (ICC_*_EL3). IHI 0069H §12.1.
 */
export function isGicSysreg(enc: SysregEncoding): boolean {
  if (enc === SYSREG.ICC_PMR_EL1) return true;
  const op0 = enc >>> 14;
  const op1 = (enc >>> 11) & 7;
  const crn = (enc >>> 7) & 15;
  const crm = (enc >>> 3) & 15;
  return op0 === 3 && crn === 12 && crm >= 8 && (op1 === 0 || op1 === 4 || op1 === 6);
}

const e = sysregEncoding;

/** Encodings of the GICv3 CPU interface registers (IHI 0069H Table 12-x). ICV_* share the ICC_* EL1 encodings. */
export const SYSREG = {
  ICC_PMR_EL1: e(3, 0, 4, 6, 0),
  ICC_IAR0_EL1: e(3, 0, 12, 8, 0),
  ICC_EOIR0_EL1: e(3, 0, 12, 8, 1),
  ICC_HPPIR0_EL1: e(3, 0, 12, 8, 2),
  ICC_BPR0_EL1: e(3, 0, 12, 8, 3),
  /** ICC_AP0R<n>_EL1 = ICC_AP0R0_EL1 + n (n = 0..3). */
  ICC_AP0R0_EL1: e(3, 0, 12, 8, 4),
  /** ICC_AP1R<n>_EL1 = ICC_AP1R0_EL1 + n (n = 0..3). */
  ICC_AP1R0_EL1: e(3, 0, 12, 9, 0),
  ICC_DIR_EL1: e(3, 0, 12, 11, 1),
  ICC_RPR_EL1: e(3, 0, 12, 11, 3),
  ICC_SGI1R_EL1: e(3, 0, 12, 11, 5),
  ICC_ASGI1R_EL1: e(3, 0, 12, 11, 6),
  ICC_SGI0R_EL1: e(3, 0, 12, 11, 7),
  ICC_IAR1_EL1: e(3, 0, 12, 12, 0),
  ICC_EOIR1_EL1: e(3, 0, 12, 12, 1),
  ICC_HPPIR1_EL1: e(3, 0, 12, 12, 2),
  ICC_BPR1_EL1: e(3, 0, 12, 12, 3),
  ICC_CTLR_EL1: e(3, 0, 12, 12, 4),
  ICC_SRE_EL1: e(3, 0, 12, 12, 5),
  ICC_IGRPEN0_EL1: e(3, 0, 12, 12, 6),
  ICC_IGRPEN1_EL1: e(3, 0, 12, 12, 7),
  ICC_SRE_EL2: e(3, 4, 12, 9, 5),
  ICC_CTLR_EL3: e(3, 6, 12, 12, 4),
  ICC_SRE_EL3: e(3, 6, 12, 12, 5),
  ICC_IGRPEN1_EL3: e(3, 6, 12, 12, 7),
  /** ICH_AP0R<n>_EL2 = ICH_AP0R0_EL2 + n. */
  ICH_AP0R0_EL2: e(3, 4, 12, 8, 0),
  /** ICH_AP1R<n>_EL2 = ICH_AP1R0_EL2 + n. */
  ICH_AP1R0_EL2: e(3, 4, 12, 9, 0),
  ICH_HCR_EL2: e(3, 4, 12, 11, 0),
  ICH_VTR_EL2: e(3, 4, 12, 11, 1),
  ICH_MISR_EL2: e(3, 4, 12, 11, 2),
  ICH_EISR_EL2: e(3, 4, 12, 11, 3),
  ICH_ELRSR_EL2: e(3, 4, 12, 11, 5),
  ICH_VMCR_EL2: e(3, 4, 12, 11, 7),
  /** ICH_LR<n>_EL2 (n = 0..15) is {@link ichLrEncoding}(n). */
  ICH_LR0_EL2: e(3, 4, 12, 12, 0),
} as const;

/** ICH_LR<n>_EL2: op0 3, op1 4, CRn 12, CRm 12 + n/8, op2 n%8. */
export function ichLrEncoding(n: number): SysregEncoding {
  return e(3, 4, 12, 12 + (n >>> 3), n & 7);
}

/** What a GIC expects of the CPU cluster named by its `cpus` option. */
export interface GicCpuCluster extends IrqTarget {
  /** Number of cores (CPU interfaces / redistributors the GIC creates). */
  readonly count: number;
  /**
   * MPIDR_EL1 affinity of core `i` packed as Aff3[31:24] Aff2[23:16] Aff1[15:8] Aff0[7:0]
   * (the GICR_TYPER[63:32] layout). Optional: {@link defaultAffinity} otherwise.
   */
  mpidrAffinity?(index: number): number;
  /** Receives each core's GICv3 CPU interface (called from the GIC's `connect()`). */
  attachGicCpuInterface?(index: number, iface: GicCpuInterface): void;
}

/** QEMU virt's MPIDR layout for GICv3 machines: 16 cores per Aff1 cluster. */
export function defaultAffinity(index: number): number {
  return ((index >>> 4) << 8) | (index & 15);
}

/** The constants device-tree interrupt specifiers use (Linux dt-bindings/interrupt-controller/arm-gic.h). */
export const GIC_SPI = 0;
export const GIC_PPI = 1;
export const IRQ_TYPE_EDGE_RISING = 1;
export const IRQ_TYPE_LEVEL_HIGH = 4;

/** The API of a `gicv3` component (what `ctx.ref('<gic>')` returns). */
export interface GicV3Api extends IrqTarget, DtInterruptController {
  /** The system-register CPU interface of core `cpuIndex`. */
  cpuInterface(cpuIndex: number): GicCpuInterface;
}

/**
 * Architectural constants of Armv8.0-A AArch64 (Arm ARM DDI 0487, A-profile) used by the core:
 * exception classes, PSTATE/SPSR bits, HCR_EL2 / SCR_EL3 fields, fault status codes and the
 * per-model ID register values.
 */

/** ESR_ELx.EC values (Arm ARM D13.2.37). */
export const EC = {
  UNKNOWN: 0x00,
  WFX: 0x01,
  FP_ACCESS: 0x07,
  ILLEGAL_STATE: 0x0e,
  SVC64: 0x15,
  HVC64: 0x16,
  SMC64: 0x17,
  SYSREG: 0x18,
  IABT_LOWER: 0x20,
  IABT_SAME: 0x21,
  PC_ALIGN: 0x22,
  DABT_LOWER: 0x24,
  DABT_SAME: 0x25,
  SP_ALIGN: 0x26,
  SERROR: 0x2f,
  BRK64: 0x3c,
} as const;

/** HCR_EL2 bits (Arm ARM D13.2.46), low 32 bits. */
export const HCR = {
  VM: 1 << 0,
  SWIO: 1 << 1,
  PTW: 1 << 2,
  FMO: 1 << 3,
  IMO: 1 << 4,
  AMO: 1 << 5,
  VF: 1 << 6,
  VI: 1 << 7,
  VSE: 1 << 8,
  DC: 1 << 12,
  TWI: 1 << 13,
  TWE: 1 << 14,
  TID0: 1 << 15,
  TID1: 1 << 16,
  TID2: 1 << 17,
  TID3: 1 << 18,
  TSC: 1 << 19,
  TIDCP: 1 << 20,
  TACR: 1 << 21,
  TSW: 1 << 22,
  TPC: 1 << 23,
  TPU: 1 << 24,
  TTLB: 1 << 25,
  TVM: 1 << 26,
  TGE: 1 << 27,
  TDZ: 1 << 28,
  HCD: 1 << 29,
  TRVM: 1 << 30,
  RW: 2 ** 31,
} as const;

/** SCR_EL3 bits (Arm ARM D13.2.110). */
export const SCR = {
  NS: 1 << 0,
  IRQ: 1 << 1,
  FIQ: 1 << 2,
  EA: 1 << 3,
  SMD: 1 << 7,
  HCE: 1 << 8,
  SIF: 1 << 9,
  RW: 1 << 10,
  ST: 1 << 11,
  TWI: 1 << 12,
  TWE: 1 << 13,
} as const;

/** Fault status codes (DFSC/IFSC), Arm ARM D13.2.37. The level is added to the *_L0 codes. */
export const FSC = {
  ADDR_SIZE_L0: 0x00,
  TRANSLATION_L0: 0x04,
  ACCESS_FLAG_L0: 0x08,
  PERMISSION_L0: 0x0c,
  SYNC_EXTERNAL: 0x10,
  SYNC_EXTERNAL_WALK_L0: 0x14,
  ALIGNMENT: 0x21,
} as const;

/** SPSR / PSTATE bit positions (Arm ARM C5.2.18). */
export const PSR = {
  N: 1 << 31,
  Z: 1 << 30,
  C: 1 << 29,
  V: 1 << 28,
  SS: 1 << 21,
  IL: 1 << 20,
  D: 1 << 9,
  A: 1 << 8,
  I: 1 << 7,
  F: 1 << 6,
  nRW: 1 << 4,
} as const;

export type CpuModel = 'cortex-a53' | 'cortex-a72';

/**
 * Identification registers of the modelled cores (values from the cores' TRMs, as QEMU
 * uses them), trimmed to what this model implements:
 *  - ID_AA64PFR0: EL0..EL3 AArch64 only (1 each, no AArch32); FP = 0 and AdvSIMD = 0
 *    (single and double precision and the Armv8.0 AdvSIMD set, no FEAT_FP16 half-precision
 *    arithmetic); GIC field set at run time when a GICv3 system-register interface is attached.
 *  - ID_AA64ISAR0: CRC32 = 1 (CRC32/CRC32C implemented; Debian's U-Boot uses them), no AES/SHA.
 *  - ID_AA64DFR0: DebugVer v8 (6), 2 breakpoints, 2 watchpoints, 1 context comparator, PMUVer
 *    0 (no PMU: PMU registers are UNDEFINED).
 *  - ID_AA64MMFR0: 4 KiB granule only (TGran64 = 0xF, TGran16 = 0), 16-bit ASIDs, PARange of
 *    the core (A53 40 bits, A72 44 bits), no mixed-endian support.
 */
export interface CpuIdRegs {
  readonly compatible: string;
  readonly midr: bigint;
  readonly ctr: bigint;
  readonly clidr: bigint;
  /** CCSIDR_EL1 for CSSELR = 0 (L1D), 1 (L1I), 2 (L2). */
  readonly ccsidr: readonly [bigint, bigint, bigint];
  readonly mmfr0: bigint;
  readonly paBits: number;
}

export const MODELS: Record<CpuModel, CpuIdRegs> = {
  'cortex-a53': {
    compatible: 'arm,cortex-a53',
    midr: 0x410fd034n,
    ctr: 0x84448004n,
    clidr: 0x0a200023n,
    ccsidr: [0x700fe01an, 0x201fe00an, 0x707fe07an],
    mmfr0: 0x0f001022n,
    paBits: 40,
  },
  'cortex-a72': {
    compatible: 'arm,cortex-a72',
    midr: 0x410fd083n,
    ctr: 0x8444c004n,
    clidr: 0x0a200023n,
    ccsidr: [0x701fe00an, 0x201fe012n, 0x707fe07an],
    mmfr0: 0x0f001024n,
    paBits: 44,
  },
};

export const ID_AA64PFR0 = 0x00001111n;
/** ID_AA64ISAR0_EL1.CRC32 [19:16] = 1. */
export const ID_AA64ISAR0 = 0x10000n;
export const ID_AA64DFR0 = 0x00101006n;
/** DCZID_EL0.BS = 4: DC ZVA zeroes 4 << 4 = 64 bytes (Arm ARM D13.2.33). */
export const DCZID_BS = 4;
export const DCZ_BLOCK = 4 << DCZID_BS;

/** Pack a system register encoding as bits [20:5] of MRS/MSR: op0[15:14] op1[13:11] CRn[10:7] CRm[6:3] op2[2:0]. */
export function enc(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return ((op0 & 3) << 14) | ((op1 & 7) << 11) | ((crn & 15) << 7) | ((crm & 15) << 3) | (op2 & 7);
}

/** GICv3 CPU interface encodings (IHI 0069H §12.1): ICC_PMR_EL1, and op0 3, CRn 12, CRm >= 8, op1 0/4/6. */
export function isGicSysreg(e: number): boolean {
  if (e === enc(3, 0, 4, 6, 0)) return true;
  const op0 = e >>> 14;
  const op1 = (e >>> 11) & 7;
  const crn = (e >>> 7) & 15;
  const crm = (e >>> 3) & 15;
  return op0 === 3 && crn === 12 && crm >= 8 && (op1 === 0 || op1 === 4 || op1 === 6);
}

/** Context handed to the GICv3 CPU interface with every ICC/ICV/ICH access (see @tessera/gic cpu-interface.ts). */
export interface GicSysregContext {
  el: 0 | 1 | 2 | 3;
  ns: boolean;
  hcr: number;
  scr: number;
  haveEL2: boolean;
  haveEL3: boolean;
}

/** How the GIC asks the CPU to complete a refused access (structurally @tessera/gic's SysregTrap). */
export interface GicSysregTrap {
  readonly trap: 'undefined' | 'el2' | 'el3';
}

/** A core's GICv3 system-register CPU interface (structurally @tessera/gic's GicCpuInterface). */
export interface GicCpuInterface {
  sysregRead(enc: number, ctx: GicSysregContext): bigint | GicSysregTrap;
  sysregWrite(enc: number, value: bigint, ctx: GicSysregContext): GicSysregTrap | undefined;
}

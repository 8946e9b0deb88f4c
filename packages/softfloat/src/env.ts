/**
 * Floating-point environment shared by every operation: rounding mode, accumulated exception
 * flags and the architecture's NaN / flush-to-zero conventions.
 */

/** Rounding modes in the RISC-V `frm` encoding (RISC-V unprivileged 20191213 §11.2, Table 11.1). */
export const RNE = 0; // round to nearest, ties to even
export const RTZ = 1; // round towards zero
export const RDN = 2; // round down (towards -inf)
export const RUP = 3; // round up (towards +inf)
export const RMM = 4; // round to nearest, ties to max magnitude
/**
 * Round to odd (Arm FPRounding_ODD, used by FCVTXN): truncate, then set the least significant bit
 * if inexact. Only `f64_to_f32_roundOdd` uses it; it is not a valid `FloatEnv.rm`.
 */
export const ROUND_ODD = 5;

/** Exception flags in the RISC-V `fflags` layout (RISC-V unprivileged §11.2, Table 11.2). */
export const FLAG_NX = 1; // inexact               (Arm FPSR.IXC)
export const FLAG_UF = 2; // underflow             (Arm FPSR.UFC)
export const FLAG_OF = 4; // overflow              (Arm FPSR.OFC)
export const FLAG_DZ = 8; // divide by zero        (Arm FPSR.DZC)
export const FLAG_NV = 16; // invalid operation    (Arm FPSR.IOC)
/** Arm input denormal (FPSR.IDC): a subnormal input was flushed to zero because FPCR.FZ=1. */
export const FLAG_IDC = 32;

export type RoundingMode = number;

export interface FloatEnv {
  /** Rounding mode, RISC-V encoding (RNE=0 RTZ=1 RDN=2 RUP=3 RMM=4). */
  rm: number;
  /** Accumulated exception flags (FLAG_* bits); operations only ever OR bits in. */
  flags: number;
  /**
   * 'riscv': every NaN result is the canonical quiet NaN (RISC-V unprivileged §11.3), tininess
   * is detected after rounding (§11.2 "tininess is detected after rounding").
   * 'arm': NaN operands propagate as FPProcessNaNs does (Arm ARM DDI 0487 J1.3 shared/functions/float),
   * tininess is detected before rounding (FPRoundBase: underflow when the unrounded exponent is
   * below the minimum and the result is inexact).
   */
  nan: 'riscv' | 'arm';
  /** Arm FPCR.DN: every NaN result is the default NaN. */
  dn?: boolean;
  /** Arm FPCR.FZ: single/double subnormal inputs read as zero (IDC), tiny results flush to zero (UFC). */
  fz?: boolean;
  /**
   * Arm FPCR.FZ16: the same for half-precision data processing. Conversions to and from half
   * precision ignore it (FPUnpackCV / FPRoundCV).
   */
  fz16?: boolean;
  /** Arm FPCR.AH (FEAT_AFP alternate handling) is not modelled; must be false or absent. */
  ah?: false;
}

/** A fresh environment: RNE, no flags. */
export function makeEnv(nan: 'riscv' | 'arm', rm: number = RNE): FloatEnv {
  return { rm, flags: 0, nan };
}

/**
 * Arm FPCR.RMode (0=RN, 1=RP, 2=RM, 3=RZ; Arm ARM DDI 0487 C5.2.8) to the RISC-V encoding used
 * by this package.
 */
export function armRModeToRm(rmode: number): number {
  switch (rmode & 3) {
    case 0:
      return RNE;
    case 1:
      return RUP;
    case 2:
      return RDN;
    default:
      return RTZ;
  }
}

/** Result of an unordered comparison (Arm FCMP/FCMPE). */
export type CmpResult = 'lt' | 'eq' | 'gt' | 'un';

/**
 * System register storage indices and reset values (Arm ARM D13: reset values of the
 * registers that have one; the others are UNKNOWN and reset to 0 here).
 */

import { R, SR_COUNT } from './regnames.js';
import { HCR, SCR } from './defs.js';
import type { A64Core } from './core.js';

export { R, SR_COUNT };

/** SCTLR_ELx RES1 bits (D13.2.113-115): EL1 bits 11, 20, 22, 23, 28, 29; EL2/EL3 bits 4, 5, 11, 16, 18, 22, 23, 28, 29. */
export const SCTLR_EL1_RES1 = 0x30d00800n;
export const SCTLR_EL23_RES1 = 0x30c50830n;
/** CPTR_EL2 RES1 bits 13, 12, 9:0 (non-VHE layout). */
export const CPTR_EL2_RES1 = 0x33ffn;

/**
 * Reset the system registers of `core` for a start at `startEl`. Starting below EL3 means
 * the registers of the levels above are set as boot firmware would leave them, like QEMU
 * does when it has no EL3/EL2 image: SCR_EL3 = NS | RW | HCE (Non-secure, AArch64 below,
 * HVC enabled), and for a start at EL1 HCR_EL2 = RW with the EL1 timer and counter
 * accessible (CNTHCTL_EL2 = EL1PCTEN | EL1PCEN).
 */
export function resetSysregs(core: A64Core, startEl: number): void {
  const sr = core.sr;
  sr.fill(0n);
  sr[R.SCTLR_EL1] = SCTLR_EL1_RES1 | 0x800n;
  sr[R.SCTLR_EL2] = SCTLR_EL23_RES1 | 0x8n;
  sr[R.SCTLR_EL3] = SCTLR_EL23_RES1 | 0x8n;
  sr[R.CPTR_EL2] = CPTR_EL2_RES1;
  sr[R.HCR_EL2] = BigInt(HCR.RW);
  sr[R.SCR_EL3] = BigInt(SCR.RW) | 0x30n;
  sr[R.OSLSR_EL1] = 0x8n | 0x2n;
  sr[R.VPIDR_EL2] = core.model.midr;
  sr[R.VMPIDR_EL2] = core.mpidr;
  sr[R.CNTHCTL_EL2] = 3n;
  sr[R.CNTFRQ_EL0] = BigInt(core.timer?.frequency ?? 62_500_000);
  sr[R.MDCR_EL2] = 0n;
  if (startEl < 3) {
    sr[R.SCR_EL3] = BigInt(SCR.RW | SCR.NS | SCR.HCE) | 0x30n;
  }
  // OSLSR_EL1.OSLK resets to 1 (the OS lock is locked on a cold reset, D13.3.x).
  void SR_COUNT;
}

/**
 * PSCI 1.0 firmware in TypeScript (Arm DEN 0022D), installed as the EL3 trap handler (SMC
 * conduit) or the EL2 trap handler (HVC conduit) when the machine has no firmware image at
 * that level — what QEMU does for `virt` without `-bios` EL3 firmware.
 *
 * The handler works through architectural state only: it reads the function ID and
 * arguments from X0..X3, writes the result to X0 and returns with ERET. CPU_ON resets the
 * target core into the highest Exception level below the firmware (EL2 for the SMC conduit,
 * EL1 for HVC, as QEMU) at the entry point with X0 = context_id, MMU and caches off
 * (DEN 0022D §6.4.3).
 */

import type { A64Core } from './core.js';
import { EC } from './defs.js';
import { R } from './regs.js';

export const PSCI = {
  VERSION: 0x8400_0000,
  CPU_SUSPEND: 0x8400_0001,
  CPU_OFF: 0x8400_0002,
  CPU_ON: 0x8400_0003,
  AFFINITY_INFO: 0x8400_0004,
  MIGRATE: 0x8400_0005,
  MIGRATE_INFO_TYPE: 0x8400_0006,
  MIGRATE_INFO_UP_CPU: 0x8400_0007,
  SYSTEM_OFF: 0x8400_0008,
  SYSTEM_RESET: 0x8400_0009,
  FEATURES: 0x8400_000a,
} as const;

/** SMC64 variants are the SMC32 IDs with bit 30 set (SMC Calling Convention, DEN 0028). */
const SMC64 = 0x4000_0000;

export const PSCI_RET = {
  SUCCESS: 0,
  NOT_SUPPORTED: -1,
  INVALID_PARAMETERS: -2,
  DENIED: -3,
  ALREADY_ON: -4,
  ON_PENDING: -5,
  INTERNAL_FAILURE: -6,
  NOT_PRESENT: -7,
  DISABLED: -8,
  INVALID_ADDRESS: -9,
} as const;

export interface PsciPlatform {
  readonly cores: readonly A64Core[];
  /** Start core `index` at `el` and `entry` with X0 = `context`. */
  startCore(index: number, el: number, entry: bigint, context: bigint): void;
  powerOff(): void;
  reset(): void;
  /** Report an exception the firmware does not handle. */
  unexpected(core: A64Core, esr: number): void;
}

const IMPLEMENTED = new Set<number>([
  PSCI.VERSION,
  PSCI.CPU_SUSPEND,
  PSCI.CPU_SUSPEND + SMC64,
  PSCI.CPU_OFF,
  PSCI.CPU_ON,
  PSCI.CPU_ON + SMC64,
  PSCI.AFFINITY_INFO,
  PSCI.AFFINITY_INFO + SMC64,
  PSCI.MIGRATE_INFO_TYPE,
  PSCI.SYSTEM_OFF,
  PSCI.SYSTEM_RESET,
  PSCI.FEATURES,
]);

/** The trap handler for level `level` (3 for SMC, 2 for HVC). */
export function psciHandler(platform: PsciPlatform, level: 2 | 3): (core: A64Core) => void {
  return (core: A64Core) => {
    const esr = Number(core.sr[level === 3 ? R.ESR_EL3 : R.ESR_EL2]! & 0xffffffffn);
    const ec = esr >>> 26;
    const isCall = (level === 3 && ec === EC.SMC64) || (level === 2 && ec === EC.HVC64);
    if (!isCall || (core.sr[level === 3 ? R.ELR_EL3 : R.ELR_EL2]! & 3n) !== 0n) {
      platform.unexpected(core, esr);
      return;
    }
    const fid = Number(core.x[0]! & 0xffffffffn);
    const is64 = (fid & SMC64) !== 0;
    const arg = (n: number): bigint => (is64 ? core.x[n]! : core.x[n]! & 0xffffffffn);
    let ret: number | bigint = PSCI_RET.NOT_SUPPORTED;
    switch (fid) {
      case PSCI.VERSION:
        ret = 0x0001_0000; // 1.0
        break;
      case PSCI.CPU_SUSPEND:
      case PSCI.CPU_SUSPEND + SMC64:
        // Standby (power_state type 0) returns at once; a powerdown request is also
        // allowed to return success immediately as if woken (DEN 0022D §5.4.2).
        ret = PSCI_RET.SUCCESS;
        break;
      case PSCI.CPU_OFF:
        core.poweredOff = true;
        core.halted = true;
        core.emit('psci.cpu-off', { cpu: core.index });
        return;
      case PSCI.CPU_ON:
      case PSCI.CPU_ON + SMC64: {
        const target = arg(1) & 0xff00ffffffn;
        const idx = platform.cores.findIndex((c) => (c.mpidr & 0xff00ffffffn) === target);
        if (idx < 0) ret = PSCI_RET.INVALID_PARAMETERS;
        else if (!platform.cores[idx]!.poweredOff) ret = PSCI_RET.ALREADY_ON;
        else {
          // The target starts at the highest EL below the PSCI firmware (PSCI 1.0 §6.4.3 leaves
          // it to the implementation; QEMU's virt starts secondaries at EL2 when EL2 exists,
          // else EL1), not at the caller's EL: Linux booted at EL2 calls CPU_ON from EL1 and
          // needs every CPU to enter at EL2 ("CPUs started in inconsistent modes").
          platform.startCore(idx, level === 3 ? 2 : 1, arg(2), arg(3));
          ret = PSCI_RET.SUCCESS;
        }
        break;
      }
      case PSCI.AFFINITY_INFO:
      case PSCI.AFFINITY_INFO + SMC64: {
        const level = Number(arg(2));
        if (level !== 0) {
          ret = PSCI_RET.INVALID_PARAMETERS;
          break;
        }
        const target = arg(1) & 0xff00ffffffn;
        const c = platform.cores.find((cc) => (cc.mpidr & 0xff00ffffffn) === target);
        ret = c === undefined ? PSCI_RET.INVALID_PARAMETERS : c.poweredOff ? 1 : 0;
        break;
      }
      case PSCI.MIGRATE_INFO_TYPE:
        ret = 2; // no Trusted OS: migration not required
        break;
      case PSCI.SYSTEM_OFF:
        platform.powerOff();
        ret = PSCI_RET.SUCCESS;
        break;
      case PSCI.SYSTEM_RESET:
        platform.reset();
        ret = PSCI_RET.SUCCESS;
        break;
      case PSCI.FEATURES:
        ret = IMPLEMENTED.has(Number(arg(1) & 0xffffffffn)) ? 0 : PSCI_RET.NOT_SUPPORTED;
        break;
      default:
        ret = PSCI_RET.NOT_SUPPORTED;
    }
    core.x[0] = BigInt.asUintN(64, BigInt(ret));
    core.eret();
  };
}

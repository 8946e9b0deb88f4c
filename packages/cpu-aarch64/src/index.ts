/**
 * @tessera/cpu-aarch64 — Armv8.0-A AArch64 cores: the A64 integer and system instruction
 * set with FP and Advanced SIMD, EL0-EL3 with the exception model, VMSAv8-64 stage 1 and
 * stage 2 translation, the generic timer, PSCI 1.0 in TypeScript, a global exclusive
 * monitor, and QEMU-virt style boot.
 */

import { definePlugin } from '@tessera/core';
import { armCpu } from './cluster.js';
import { aarch64Boot } from './boot.js';
import { pl031 } from './pl031.js';

export { A64Core, Acc, EXCEPTION_TAKEN, type TrapHandler, type CoreOptions } from './core.js';
export { A64Cluster, armCpu, DEFAULT_TIMER_IRQS, type ArmCpuOptions } from './cluster.js';
export { aarch64Boot, type A64BootOptions } from './boot.js';
export { GenericTimer, TimerId } from './timer.js';
export { ExclusiveMonitor, monitorFor } from './monitor.js';
export { PSCI, PSCI_RET, psciHandler, type PsciPlatform } from './psci.js';
export { EC, HCR, SCR, FSC, PSR, MODELS, enc, type CpuModel, type GicCpuInterface } from './defs.js';
export { R } from './regs.js';
export { sysregNames } from './sysregs.js';
export { Pl031, pl031 } from './pl031.js';
export { aarch64DebugTarget, debugTranslate } from './debug.js';

export default definePlugin({
  name: '@tessera/cpu-aarch64',
  version: '0.1.0',
  description: 'Armv8.0-A AArch64 cores, QEMU-virt boot and a PL031 RTC',
  components: { 'arm-cpu': armCpu, 'aarch64-boot': aarch64Boot, pl031 },
});

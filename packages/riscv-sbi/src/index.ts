/**
 * @tessera/riscv-sbi — the RISC-V SBI 2.0 as a library: call dispatch, the hart state
 * machine and the console, for firmware at M-mode and hypervisors at HS-mode alike.
 */
export * from './sbi.js';

/**
 * @tessera/gic — Arm Generic Interrupt Controllers: GICv2 (+virtualization extensions),
 * GICv3 (redistributors, LPIs, ITS) and GICv2m MSI frames.
 */
export * from './cpu-interface.js';

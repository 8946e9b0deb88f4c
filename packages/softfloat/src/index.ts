/**
 * @tessera/softfloat — IEEE 754-2008 binary16/32/64 arithmetic on raw bit patterns, exact in every
 * rounding mode with every exception flag, for the RISC-V F/D/Zfh and Arm FP/AdvSIMD CPU models.
 */
export * from './env.js';
export * from './ops.js';
export { F16, F32, F64, roundPack, unpack, type Format } from './generic.js';
export { recipEstimate, recipSqrtEstimate } from './estimate.js';
export * from './regfile.js';

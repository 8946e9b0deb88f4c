/**
 * Advanced SIMD groups of mostly integer data processing (Arm ARM DDI 0487 C4.1.9):
 * copy (DUP/INS/UMOV/SMOV), modified immediate, TBL/TBX, permutes, EXT, shifts by immediate
 * and three registers of different widths. Dispatched from `fpsimd.ts`.
 */

import type { A64Core } from './core.js';

export function simdCopy(c: A64Core, _insn: number, _scalar: boolean): void {
  c.undef();
}
export function simdModImm(c: A64Core, _insn: number): void {
  c.undef();
}
export function simdTbl(c: A64Core, _insn: number): void {
  c.undef();
}
export function simdPermute(c: A64Core, _insn: number): void {
  c.undef();
}
export function simdExt(c: A64Core, _insn: number): void {
  c.undef();
}
export function simdShiftImm(c: A64Core, _insn: number, _scalar: boolean): void {
  c.undef();
}
export function simdThreeDiff(c: A64Core, _insn: number, _scalar: boolean): void {
  c.undef();
}

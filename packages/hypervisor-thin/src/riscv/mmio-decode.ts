/**
 * What a trapping guest load or store was, for MMIO emulation at HS (trap and emulate).
 *
 * A guest-page fault tells the hypervisor the guest physical address (htval << 2 | the low
 * two bits of stval, H §9.4.4) but not the access width or register. Those come from the
 * instruction: from htinst when the hart writes a transformed instruction there (H §9.4.5:
 * bit 0 = 1; bit 1 clear when the original was 16 bits), otherwise by reading the
 * instruction at sepc through the guest's own translation, as HLVX.HU would: a VS-stage walk
 * (vsatp; Sv39/Sv48 per privileged §4.3-4.4) whose page-table and instruction addresses are
 * guest physical and are turned into host addresses through the partition's memory map
 * (what the G-stage table the hypervisor wrote says), with execute permission required
 * (HLVX reads need X, H §9.3.2 / privileged §4.3.2 with MXR semantics for HLVX).
 */

import { expandCompressed } from '@tessera/cpu-riscv';

export interface MmioInsn {
  readonly store: boolean;
  readonly size: 1 | 2 | 4 | 8;
  /** Loads: sign-extend the value (LB, LH, LW, LD). */
  readonly signed: boolean;
  /** rd of a load, rs2 of a store. */
  readonly reg: number;
  /** Bytes to step sepc over. */
  readonly length: 2 | 4;
}

const OP_LOAD = 0x03;
const OP_STORE = 0x23;

/** Decode a 32-bit load or store (unprivileged §2.6 / RV64I §5.3); undefined for anything else. */
export function decodeLoadStore(insn: number, length: 2 | 4): MmioInsn | undefined {
  const opcode = insn & 0x7f;
  const f3 = (insn >>> 12) & 7;
  if (opcode === OP_LOAD) {
    if (f3 === 7) return undefined;
    const size = (1 << (f3 & 3)) as 1 | 2 | 4 | 8;
    if (f3 >= 4 && size === 8) return undefined;
    return { store: false, size, signed: f3 < 4, reg: (insn >>> 7) & 31, length };
  }
  if (opcode === OP_STORE) {
    if (f3 > 3) return undefined;
    return { store: true, size: (1 << f3) as 1 | 2 | 4 | 8, signed: false, reg: (insn >>> 20) & 31, length };
  }
  return undefined;
}

/**
 * Decode the instruction bits at the faulting pc: a 16-bit RVC one (low two bits not 11) is
 * expanded to its 32-bit form first (C.LW, C.LD, C.SW, C.SD, C.LWSP, … are ordinary loads
 * and stores).
 */
export function decodeInstruction(bits: number): MmioInsn | undefined {
  if ((bits & 3) !== 3) {
    const wide = expandCompressed(bits & 0xffff);
    return wide === 0 ? undefined : decodeLoadStore(wide, 2);
  }
  return decodeLoadStore(bits >>> 0, 4);
}

/**
 * Decode htinst (H §9.4.5): 0 says nothing; a value with bit 0 set is the transformed
 * trapping instruction, whose bit 1 tells the original length; other values are
 * pseudoinstructions for implicit VS-stage page-table accesses (not guest loads/stores).
 */
export function decodeHtinst(htinst: bigint): MmioInsn | undefined | 'fetch' {
  if (htinst === 0n) return 'fetch';
  const v = Number(htinst & 0xffffffffn);
  if ((v & 1) === 0) return undefined;
  return decodeLoadStore((v | 2) >>> 0, (v & 2) !== 0 ? 4 : 2);
}

const PTE_V = 1n;
const PTE_R = 2n;
const PTE_W = 4n;
const PTE_X = 8n;

/** Reads 8 bytes of guest physical memory (little-endian); undefined outside the partition's RAM. */
export type GuestRead64 = (gpa: number) => bigint | undefined;
/** Reads 2 bytes of guest physical memory; undefined outside the partition's RAM. */
export type GuestRead16 = (gpa: number) => number | undefined;

/**
 * Translate a guest virtual address for an instruction read as HLVX does: vsatp Bare, Sv39
 * or Sv48 (privileged §4.3.2 walk: invalid or W-without-R PTEs fail, a leaf needs X,
 * superpages must be aligned). Undefined when the walk fails: the caller then lets the
 * guest retry the instruction (its page tables changed under it) rather than guess.
 */
export function vsTranslateFetch(vsatp: bigint, va: bigint, read64: GuestRead64): number | undefined {
  const mode = Number(vsatp >> 60n);
  if (mode === 0) return Number(BigInt.asUintN(64, va));
  const levels = mode === 8 ? 3 : mode === 9 ? 4 : 0;
  if (levels === 0) return undefined;
  let table = (vsatp & ((1n << 44n) - 1n)) * 4096n;
  for (let level = levels - 1; level >= 0; level--) {
    const vpn = (va >> BigInt(12 + 9 * level)) & 0x1ffn;
    const pte = read64(Number(table + vpn * 8n));
    if (pte === undefined || (pte & PTE_V) === 0n || ((pte & PTE_R) === 0n && (pte & PTE_W) !== 0n)) return undefined;
    const ppn = (pte >> 10n) & ((1n << 44n) - 1n);
    if ((pte & (PTE_R | PTE_X)) !== 0n) {
      if ((pte & PTE_X) === 0n) return undefined;
      const span = BigInt(12 + 9 * level);
      // A misaligned superpage is a page fault (privileged §4.3.2 step 6).
      if ((ppn & ((1n << BigInt(9 * level)) - 1n)) !== 0n) return undefined;
      return Number(((ppn << 12n) & ~((1n << span) - 1n)) | (va & ((1n << span) - 1n)));
    }
    table = ppn * 4096n;
  }
  return undefined;
}

/** Fetch the instruction bits at guest virtual `pc` (16 or 32 bits, each half translated on its own). */
export function fetchGuestInstruction(vsatp: bigint, pc: bigint, read64: GuestRead64, read16: GuestRead16): number | undefined {
  const lo = vsTranslateFetch(vsatp, pc, read64);
  if (lo === undefined) return undefined;
  const a = read16(lo);
  if (a === undefined) return undefined;
  if ((a & 3) !== 3) return a;
  const hiAddr = vsTranslateFetch(vsatp, pc + 2n, read64);
  if (hiAddr === undefined) return undefined;
  const b = read16(hiAddr);
  if (b === undefined) return undefined;
  return (a | (b << 16)) >>> 0;
}

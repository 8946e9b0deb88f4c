/**
 * The GDB debug target of a riscv-hart cluster (core/gdb DebugTarget): every hart a thread.
 *
 * Registers follow GDB's RISC-V target description features (GDB manual G.5.10 "RISC-V
 * Features"): `org.gnu.gdb.riscv.cpu` (x0..x31 by ABI name, pc), `org.gnu.gdb.riscv.fpu`
 * (f0..f31, fflags, frm, fcsr) and `org.gnu.gdb.riscv.csr`, numbered as GDB numbers them
 * (x0..x31 = 0..31, pc = 32, f0..f31 = 33..64, CSR n = 65 + n), plus
 * `org.gnu.gdb.riscv.virtual` with `priv` (the current privilege level, 0 U, 1 S, 3 M) and,
 * for the H extension, `virt` (V, RISC-V privileged 1.12 §8.2).
 *
 * Memory goes through the hart's current translation without side effects: the page tables
 * are walked here (Sv39/Sv48, privileged §4.3.2/§4.4; the VS-stage and G-stage Sv39x4/Sv48x4
 * when V=1, H §9.5), reading PTEs from RAM only, never setting A/D, never filling the TLB and
 * without permission checks (a debugger looks at what is mapped, as QEMU's gdbstub does).
 */

import { clusterDebugTarget, type AddressSpace, type DebugTarget, type RegisterDef } from '@tessera/core';
import { CSR } from './csr.js';
import type { Hart } from './hart.js';

const ABI = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 'fp', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
const FABI = ['ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5', 'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11'];

/** The CSRs shown to GDB: machine, supervisor and the hypervisor/VS state a thin hypervisor works with. */
const MACHINE_CSRS = ['mstatus', 'misa', 'medeleg', 'mideleg', 'mie', 'mtvec', 'mcounteren', 'menvcfg', 'mscratch', 'mepc', 'mcause', 'mtval', 'mip', 'mtinst', 'mtval2', 'mhartid', 'mcycle', 'minstret'] as const;
const SUPERVISOR_CSRS = ['sstatus', 'sie', 'stvec', 'scounteren', 'senvcfg', 'sscratch', 'sepc', 'scause', 'stval', 'sip', 'stimecmp', 'satp'] as const;
const HYPERVISOR_CSRS = [
  'hstatus', 'hedeleg', 'hideleg', 'hie', 'htimedelta', 'hcounteren', 'hgeie', 'henvcfg', 'htval', 'hip', 'hvip', 'htinst', 'hgatp', 'hgeip',
  'vsstatus', 'vsie', 'vstvec', 'vsscratch', 'vsepc', 'vscause', 'vstval', 'vsip', 'vstimecmp', 'vsatp',
] as const;

const CSR_REGNUM_BASE = 65;
const PRIV_REGNUM = CSR_REGNUM_BASE + 0x1000;

function registers(h: Hart): RegisterDef[] {
  const regs: RegisterDef[] = [];
  const cpu = 'org.gnu.gdb.riscv.cpu';
  for (let i = 0; i < 32; i++) {
    regs.push({
      feature: cpu, name: ABI[i]!, bitsize: 64, regnum: i, inG: true,
      type: i === 1 ? 'code_ptr' : i === 2 || i === 8 ? 'data_ptr' : 'int',
      get: () => h.readReg(i),
      set: (v) => h.writeReg(i, v),
    });
  }
  regs.push({ feature: cpu, name: 'pc', bitsize: 64, regnum: 32, type: 'code_ptr', inG: true, get: () => BigInt.asUintN(64, BigInt(h.pc)), set: (v) => h.setPc(v) });
  if ((h.misa & (1n << 5n)) !== 0n) {
    const fpu = 'org.gnu.gdb.riscv.fpu';
    for (let i = 0; i < 32; i++) {
      regs.push({ feature: fpu, name: FABI[i]!, bitsize: 64, regnum: 33 + i, type: 'ieee_double', get: () => h.f[i]!, set: (v) => (h.f[i] = v) });
    }
    for (const name of ['fflags', 'frm', 'fcsr'] as const) {
      const num = CSR[name];
      regs.push({ feature: fpu, name, bitsize: 64, regnum: CSR_REGNUM_BASE + num, group: 'float', get: () => h.readCsr(num) ?? 0n, set: (v) => void h.writeCsr(num, v) });
    }
  }
  const csrs: string[] = [...MACHINE_CSRS, ...SUPERVISOR_CSRS, ...(h.cfg.hypervisor ? HYPERVISOR_CSRS : [])];
  for (const name of csrs) {
    const num = CSR[name as keyof typeof CSR];
    regs.push({ feature: 'org.gnu.gdb.riscv.csr', name, bitsize: 64, regnum: CSR_REGNUM_BASE + num, group: 'system', get: () => h.readCsr(num) ?? 0n, set: (v) => void h.writeCsr(num, v) });
  }
  const virtual = 'org.gnu.gdb.riscv.virtual';
  regs.push({ feature: virtual, name: 'priv', bitsize: 64, regnum: PRIV_REGNUM, group: 'system', get: () => BigInt(h.priv) });
  if (h.cfg.hypervisor) regs.push({ feature: virtual, name: 'virt', bitsize: 64, regnum: PRIV_REGNUM + 1, group: 'system', get: () => (h.virt ? 1n : 0n) });
  return regs;
}

/** A PTE read from RAM only (a debugger must not touch devices). */
function pte(bus: AddressSpace, pa: number): bigint | undefined {
  const hit = bus.findRam(pa);
  if (hit === undefined || hit.offset + 8 > hit.ram.size) return undefined;
  return hit.ram.read64(hit.offset);
}

/**
 * Walk `levels` levels of Sv39/Sv48 (or their x4 G-stage forms when `rootExtra` is 2) from
 * root page `rootPa` for address `a`; `ptePa` maps each PTE address (the G-stage for a
 * VS-stage walk). Returns the physical (or guest physical) address, or undefined.
 */
function walk(bus: AddressSpace, a: bigint, rootPa: number, levels: number, rootExtra: number, ptePa: (pa: number) => number | undefined): number | undefined {
  let base = rootPa;
  for (let level = levels - 1; level >= 0; level--) {
    const shift = BigInt(12 + 9 * level);
    const bits = level === levels - 1 ? 9 + rootExtra : 9;
    const idx = Number((a >> shift) & ((1n << BigInt(bits)) - 1n));
    const at = ptePa(base + idx * 8);
    if (at === undefined) return undefined;
    const e = pte(bus, at);
    if (e === undefined || (e & 1n) === 0n) return undefined;
    const ppn = (e >> 10n) & 0xfff_ffff_ffffn;
    if ((e & 0xan) === 0n) {
      base = Number(ppn) * 4096;
      continue;
    }
    // A leaf: superpages map their low bits from the address (privileged §4.3.2 step 8).
    const span = 1n << shift;
    return Number(((ppn << 12n) & ~(span - 1n)) | (a & (span - 1n)));
  }
  return undefined;
}

/** The side-effect-free translation of `va` for the hart's current privilege and V. */
export function debugTranslate(h: Hart, bus: AddressSpace, va: bigint): number | undefined {
  if (h.priv === 3) return Number(va);
  const gstage = (gpa: number): number | undefined => {
    const mode = Number(h.hgatp >> 60n);
    if (!h.virt || mode === 0) return gpa;
    const levels = mode === 8 ? 3 : mode === 9 ? 4 : 0;
    if (levels === 0) return undefined;
    return walk(bus, BigInt(gpa), Number(h.hgatp & 0xfff_ffff_fffcn) * 4096, levels, 2, (pa) => pa);
  };
  const atp = h.virt ? h.vsatp : h.satp;
  const mode = Number(atp >> 60n);
  const sva = BigInt.asIntN(64, va);
  if (mode === 0) return gstage(Number(BigInt.asUintN(64, va)));
  const levels = mode === 8 ? 3 : mode === 9 ? 4 : 0;
  if (levels === 0) return undefined;
  // Addresses must be sign-extended from bit 38 (Sv39) or 47 (Sv48), privileged §4.4.1.
  const vaBits = BigInt(12 + 9 * levels);
  if (sva >= 1n << (vaBits - 1n) || sva < -(1n << (vaBits - 1n))) return undefined;
  const gpa = walk(bus, BigInt.asUintN(Number(vaBits), sva), Number(atp & 0xfff_ffff_ffffn) * 4096, levels, 0, h.virt ? gstage : (pa) => pa);
  return gpa === undefined ? undefined : gstage(gpa);
}

/** The DebugTarget of a cluster of harts sharing one address space. */
export function riscvDebugTarget(harts: readonly Hart[], bus: AddressSpace): DebugTarget {
  return clusterDebugTarget({
    architecture: 'riscv:rv64',
    cpus: harts,
    core: (h) => ({
      name: h.name,
      registers: registers(h),
      memory: () => bus,
      translate: (va) => debugTranslate(h, bus, va),
      pc: () => BigInt.asUintN(64, BigInt(h.pc)),
      step: () => h.debugStep(),
    }),
    // Page keys as the hart computes them from its signed pc: floor(va / 4096) of the signed value.
    pageKey: (a) => Number(BigInt.asIntN(64, a) >> 12n),
  });
}

/**
 * The GDB debug target of an arm-cpu cluster (core/gdb DebugTarget): every core a thread.
 *
 * Registers follow GDB's AArch64 target description features (GDB manual G.5.1 "AArch64
 * Features"): `org.gnu.gdb.aarch64.core` (x0..x30, sp, pc, cpsr = regnums 0..33) and
 * `org.gnu.gdb.aarch64.fpu` (v0..v31 as 128-bit vectors, fpsr, fpcr = 34..67). The system
 * registers a hypervisor developer needs at EL2 (CurrentEL, the ELx exception registers,
 * HCR_EL2, the stage 1 and stage 2 translation controls, ...) follow in a Tessera feature,
 * `org.tessera.gdb.aarch64.sysregs`, as QEMU adds its own sysreg feature; GDB shows them in
 * `info registers system` and as `$HCR_EL2` etc.
 *
 * Memory goes through the core's current translation regime (its EL: stage 1, and stage 2
 * for EL1/EL0 when HCR_EL2.VM is set, Arm ARM D5) with the walker the core uses, which reads
 * descriptors from RAM only and has no side effects in Armv8.0 (no hardware Access flag or
 * dirty state updates); no TLB entry is made and no fault is raised.
 */

import { clusterDebugTarget, type DebugTarget, type RegisterDef } from '@tessera/core';
import { Acc, type A64Core } from './core.js';
import { R } from './regs.js';

const CORE = 'org.gnu.gdb.aarch64.core';
const FPU = 'org.gnu.gdb.aarch64.fpu';
const SYS = 'org.tessera.gdb.aarch64.sysregs';

/** PSTATE as SPSR_ELx lays it out (Arm ARM C5.2.18), so GDB shows `[ SP EL=2 F I A D ]`. */
const CPSR_FLAGS = `  <flags id="cpsr_flags" size="4">
    <field name="SP" start="0" end="0"/>
    <field name="EL" start="2" end="3" type="uint32"/>
    <field name="nRW" start="4" end="4"/>
    <field name="F" start="6" end="6"/>
    <field name="I" start="7" end="7"/>
    <field name="A" start="8" end="8"/>
    <field name="D" start="9" end="9"/>
    <field name="IL" start="20" end="20"/>
    <field name="SS" start="21" end="21"/>
    <field name="V" start="28" end="28"/>
    <field name="C" start="29" end="29"/>
    <field name="Z" start="30" end="30"/>
    <field name="N" start="31" end="31"/>
  </flags>`;

/** The vector views of a V register (the types GDB's own aarch64 description declares). */
const FPU_TYPES = `  <vector id="v2d" type="ieee_double" count="2"/>
  <vector id="v2u" type="uint64" count="2"/>
  <vector id="v2i" type="int64" count="2"/>
  <vector id="v4f" type="ieee_single" count="4"/>
  <vector id="v4u" type="uint32" count="4"/>
  <vector id="v4i" type="int32" count="4"/>
  <vector id="v8u" type="uint16" count="8"/>
  <vector id="v8i" type="int16" count="8"/>
  <vector id="v16u" type="uint8" count="16"/>
  <vector id="v16i" type="int8" count="16"/>
  <vector id="v1u" type="uint128" count="1"/>
  <vector id="v1i" type="int128" count="1"/>
  <union id="vnd"><field name="f" type="v2d"/><field name="u" type="v2u"/><field name="s" type="v2i"/></union>
  <union id="vns"><field name="f" type="v4f"/><field name="u" type="v4u"/><field name="s" type="v4i"/></union>
  <union id="vnh"><field name="u" type="v8u"/><field name="s" type="v8i"/></union>
  <union id="vnb"><field name="u" type="v16u"/><field name="s" type="v16i"/></union>
  <union id="vnq"><field name="u" type="v1u"/><field name="s" type="v1i"/></union>
  <union id="aarch64v"><field name="d" type="vnd"/><field name="s" type="vns"/><field name="h" type="vnh"/><field name="b" type="vnb"/><field name="q" type="vnq"/></union>`;

/** System registers shown to GDB, by their Arm ARM names. */
const SYSREGS = [
  'SCTLR_EL1', 'TTBR0_EL1', 'TTBR1_EL1', 'TCR_EL1', 'MAIR_EL1', 'SPSR_EL1', 'ELR_EL1', 'ESR_EL1', 'FAR_EL1', 'VBAR_EL1', 'PAR_EL1', 'TPIDR_EL1', 'CPACR_EL1',
  'HCR_EL2', 'SCTLR_EL2', 'TTBR0_EL2', 'TCR_EL2', 'VTTBR_EL2', 'VTCR_EL2', 'SPSR_EL2', 'ELR_EL2', 'ESR_EL2', 'FAR_EL2', 'HPFAR_EL2', 'VBAR_EL2', 'CPTR_EL2', 'MDCR_EL2', 'VMPIDR_EL2', 'VPIDR_EL2', 'CNTHCTL_EL2', 'CNTVOFF_EL2', 'TPIDR_EL2',
  'SCR_EL3', 'SCTLR_EL3', 'SPSR_EL3', 'ELR_EL3', 'ESR_EL3', 'FAR_EL3', 'VBAR_EL3',
] as const;

function registers(c: A64Core): RegisterDef[] {
  const regs: RegisterDef[] = [];
  for (let i = 0; i < 31; i++) {
    regs.push({ feature: CORE, name: `x${i}`, bitsize: 64, regnum: i, inG: true, get: () => c.x[i]!, set: (v) => c.setReg(i, v) });
  }
  regs.push({ feature: CORE, name: 'sp', bitsize: 64, regnum: 31, type: 'data_ptr', inG: true, get: () => c.getSP(), set: (v) => c.setSP(BigInt.asUintN(64, v)) });
  regs.push({ feature: CORE, name: 'pc', bitsize: 64, regnum: 32, type: 'code_ptr', inG: true, get: () => c.pc, set: (v) => c.setPC(BigInt.asUintN(64, v)) });
  // CPSR as GDB names PSTATE (SPSR layout, C5.2.18); a debugger may change NZCV and DAIF.
  regs.push({
    feature: CORE, name: 'cpsr', bitsize: 32, regnum: 33, inG: true, type: 'cpsr_flags',
    get: () => BigInt(c.pstate()),
    set: (v) => {
      const n = Number(v & 0xffff_ffffn);
      c.nzcv = (n & 0xf000_0000) >>> 0;
      c.daif = n & 0x3c0;
      c.attn = true;
    },
  });
  for (let i = 0; i < 32; i++) {
    regs.push({
      feature: FPU, name: `v${i}`, bitsize: 128, regnum: 34 + i, type: 'aarch64v',
      get: () => (c.v64[2 * i + 1]! << 64n) | c.v64[2 * i]!,
      set: (v) => {
        c.v64[2 * i] = BigInt.asUintN(64, v);
        c.v64[2 * i + 1] = BigInt.asUintN(64, v >> 64n);
      },
    });
  }
  regs.push({ feature: FPU, name: 'fpsr', bitsize: 32, regnum: 66, get: () => c.sr[R.FPSR]!, set: (v) => (c.sr[R.FPSR] = v & 0x0800_009fn) });
  regs.push({ feature: FPU, name: 'fpcr', bitsize: 32, regnum: 67, get: () => c.sr[R.FPCR]!, set: (v) => (c.sr[R.FPCR] = v & 0x07c0_0000n) });
  let n = 68;
  // CurrentEL (C5.2.1): the EL in bits 3:2.
  regs.push({ feature: SYS, name: 'CurrentEL', bitsize: 64, regnum: n++, group: 'system', get: () => BigInt(c.el << 2) });
  for (let el = 0; el < 3; el++) {
    regs.push({ feature: SYS, name: `SP_EL${el}`, bitsize: 64, regnum: n++, group: 'system', get: () => c.sp[el]!, set: (v) => (c.sp[el] = BigInt.asUintN(64, v)) });
  }
  for (const name of SYSREGS) {
    const idx = R[name];
    regs.push({
      feature: SYS, name, bitsize: 64, regnum: n++, group: 'system',
      get: () => c.sr[idx]!,
      // Control registers are mirrored in the core (HCR, SCR) and steer translation: tell it.
      set: (v) => {
        c.sr[idx] = BigInt.asUintN(64, v);
        c.stateChanged();
      },
    });
  }
  return regs;
}

/** The core's translation of `va` in its current regime without side effects, or undefined. */
export function debugTranslate(c: A64Core, va: bigint): number | undefined {
  // The walker leaves its results in these fields; a debugger's look must not disturb a
  // fault being reported, so they are put back.
  const saved = [c.fFsc, c.fStage2, c.fS1ptw, c.fIpa, c.wPerm] as const;
  try {
    const pa = c.walk(va, Acc.Read, c.el);
    return pa < 0 ? undefined : pa;
  } finally {
    [c.fFsc, c.fStage2, c.fS1ptw, c.fIpa, c.wPerm] = saved;
  }
}

/** The DebugTarget of a cluster of cores. */
export function aarch64DebugTarget(cores: readonly A64Core[]): DebugTarget {
  return clusterDebugTarget({
    architecture: 'aarch64',
    cpus: cores,
    core: (c) => ({
      name: c.name,
      registers: registers(c),
      memory: () => c.system,
      translate: (va) => debugTranslate(c, va),
      pc: () => c.pc,
      step: () => c.debugStep(),
    }),
    pageKey: (a) => Number(a >> 12n),
    extraTypes: { [CORE]: CPSR_FLAGS, [FPU]: FPU_TYPES },
  });
}

/**
 * The QEMU-virt boot ROM and firmware loader.
 *
 * At reset every hart starts at 0x1000 (the `riscv-hart` reset vector), where this ROM holds
 * QEMU's reset vector (hw/riscv/boot.c, riscv_setup_rom_reset_vec):
 *
 *   0x1000: auipc  t0, 0            # t0 = 0x1000
 *   0x1004: addi   a2, t0, 40       # a2 = &fw_dynamic_info
 *   0x1008: csrr   a0, mhartid      # a0 = hart ID
 *   0x100c: ld     a1, 32(t0)       # a1 = DTB address
 *   0x1010: ld     t0, 24(t0)       # t0 = firmware entry
 *   0x1014: jr     t0
 *   0x1018: .dword entry
 *   0x1020: .dword dtb
 *   0x1028: struct fw_dynamic_info  # OpenSBI include/sbi/fw_dynamic.h
 *
 * fw_dynamic_info (version 2): magic 0x4942534f ("OSBI"), version, next_addr (where OpenSBI
 * jumps next: the kernel or U-Boot), next_mode (1 = S-mode), options, boot_hart (-1: any
 * hart, chosen by OpenSBI's lottery). Firmware that is not fw_dynamic ignores a2.
 *
 * Images (QEMU's placement): the firmware (ELF by its program headers, else raw at the RAM
 * base), the kernel at RAM + 2 MiB (a Linux `Image` by its header, an ELF by its program
 * headers, anything else raw), the initrd above the kernel, the DTB at the top of RAM below
 * 3 GiB aligned down to 2 MiB.
 */

import {
  detectKernel,
  isElf,
  loadElf,
  loadLinuxImage,
  loadRaw,
  parseElf,
  placeDtb,
  placeInitrd,
  setChosen,
  SimError,
  writeDtb,
  type AddressSpace,
  type BootOptions,
  type FdtNode,
  type RamRegion,
} from '@tessera/core';

export const ROM_BASE = 0x1000;
export const ROM_SIZE = 0xf000;
export const FW_DYNAMIC_INFO_MAGIC = 0x4942534f;
export const FW_DYNAMIC_INFO_VERSION = 2;
export const FW_DYNAMIC_INFO_NEXT_MODE_S = 1;
/** Offset of the kernel from the RAM base when a firmware runs first (OpenSBI's FW_JUMP_ADDR). */
export const KERNEL_OFFSET = 0x200000;
/** Upper bound of the generated DTB's size, used to keep the initrd clear of it. */
const DTB_RESERVE = 0x100000;

export type FirmwareKind = 'dynamic' | 'jump' | 'none';

export interface BootPlan {
  /** Where the harts jump from the ROM. */
  entry: number;
  /** Where fw_dynamic_info tells OpenSBI to go next. */
  nextAddr: number;
  firmwareKind: FirmwareKind;
  initrd?: { start: number; end: number };
  dtbAddr: number;
  /** Loads everything into RAM (after RAM was cleared). */
  load(system: AddressSpace, dtb: Uint8Array): void;
}

/** The reset vector and fw_dynamic_info, as bytes for the ROM at 0x1000. */
export function resetVector(entry: number, dtb: number, fwDynamic: { nextAddr: number; nextMode: number; bootHart: bigint }): Uint8Array {
  const rom = new Uint8Array(40 + 48);
  const dv = new DataView(rom.buffer);
  const insns = [0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067];
  insns.forEach((w, i) => dv.setUint32(i * 4, w, true));
  dv.setBigUint64(24, BigInt(entry), true);
  dv.setBigUint64(32, BigInt(dtb), true);
  dv.setBigUint64(40, BigInt(FW_DYNAMIC_INFO_MAGIC), true);
  dv.setBigUint64(48, BigInt(FW_DYNAMIC_INFO_VERSION), true);
  dv.setBigUint64(56, BigInt(fwDynamic.nextAddr), true);
  dv.setBigUint64(64, BigInt(fwDynamic.nextMode), true);
  dv.setBigUint64(72, 0n, true); // options
  dv.setBigUint64(80, BigInt.asUintN(64, fwDynamic.bootHart), true);
  return rom;
}

export interface PlanInput {
  boot: BootOptions;
  ram: RamRegion;
  firmwareKind?: FirmwareKind | 'auto';
  read(path: string, what: string): Uint8Array;
}

/** Decide where each image goes (done once at creation, so the DT can name the initrd). */
export function planBoot(i: PlanInput): BootPlan {
  const ramBase = i.ram.base;
  const ramSize = i.ram.size;
  const fw = i.boot.firmware !== undefined ? i.read(i.boot.firmware, 'firmware') : undefined;
  const kernel = i.boot.kernel !== undefined ? i.read(i.boot.kernel, 'kernel') : undefined;
  const initrd = i.boot.initrd !== undefined ? i.read(i.boot.initrd, 'initrd') : undefined;
  let kind: FirmwareKind;
  if (fw === undefined) kind = 'none';
  else if (i.firmwareKind !== undefined && i.firmwareKind !== 'auto') kind = i.firmwareKind;
  else kind = /fw_dynamic/.test(i.boot.firmware ?? '') ? 'dynamic' : 'jump';

  // Firmware extent (for placing the kernel above it).
  let fwEntry = ramBase;
  let fwEnd = ramBase;
  /** Load offset of a position-independent (ET_DYN) firmware linked at 0: it goes at the RAM base. */
  let fwOffset = 0;
  if (fw !== undefined) {
    if (isElf(fw)) {
      const elf = parseElf(fw);
      let low = Infinity;
      for (const s of elf.segments) if (s.type === 1 && s.memsz > 0) low = Math.min(low, Number(s.paddr));
      // Debian's OpenSBI is built as a PIE (FW_PIC) linked at 0 and relocates itself.
      if (elf.type === 3 && low < ramBase) fwOffset = ramBase;
      fwEntry = Number(elf.entry) + fwOffset;
      for (const s of elf.segments) if (s.type === 1 && s.memsz > 0) fwEnd = Math.max(fwEnd, Number(s.paddr) + fwOffset + s.memsz);
    } else fwEnd = ramBase + fw.length;
  }

  // Kernel extent. With firmware the kernel goes at RAM + 2 MiB (OpenSBI fw_jump's
  // FW_JUMP_ADDR); without, it is the first thing run, at the RAM base.
  const kernelBase = fw !== undefined ? ramBase + KERNEL_OFFSET : ramBase;
  let kernelStart = kernelBase;
  let kernelEnd = kernelBase;
  let kernelKind: 'linux' | 'elf' | 'raw' | 'none' = 'none';
  if (kernel !== undefined) {
    const k = detectKernel(kernel);
    if (k === 'elf') {
      kernelKind = 'elf';
      const elf = parseElf(kernel);
      kernelStart = Number(elf.entry);
      kernelEnd = kernelStart;
      for (const s of elf.segments) if (s.type === 1 && s.memsz > 0) kernelEnd = Math.max(kernelEnd, Number(s.paddr) + s.memsz);
    } else if (k === 'riscv-image' || k === 'gzip' || k === 'zboot') {
      kernelKind = 'linux';
      // Placement is decided by the loader from the header; compute it with a dry run into a scratch target.
      const probe = { writeBytes: () => true, isRam: () => true };
      const lk = loadLinuxImage(probe, kernel, { ramBase, ramSize, after: Math.max(fwEnd, kernelBase), arch: 'riscv', name: i.boot.kernel });
      kernelStart = lk.start;
      kernelEnd = lk.end;
    } else {
      kernelKind = 'raw';
      kernelEnd = kernelBase + kernel.length;
    }
  }
  if (fw !== undefined && fwEnd > kernelBase && kernel !== undefined && kernelKind !== 'elf') {
    throw new SimError(`firmware '${i.boot.firmware}' ends at 0x${fwEnd.toString(16)}, over the kernel at 0x${kernelBase.toString(16)}`);
  }

  const dtbAddr = placeDtb({ ramBase, ramSize, size: DTB_RESERVE, above: Math.max(kernelEnd, fwEnd) });
  let initrdPlace: { start: number; end: number } | undefined;
  if (initrd !== undefined) {
    initrdPlace = placeInitrd({ ramBase, ramSize, kernelStart: kernel !== undefined ? kernelStart : kernelBase, kernelEnd: Math.max(kernelEnd, fwEnd), size: initrd.length, limit: dtbAddr });
  }
  const entry = fw !== undefined ? fwEntry : kernel !== undefined ? kernelStart : ramBase;

  return {
    entry,
    nextAddr: kernel !== undefined ? kernelStart : kernelBase,
    firmwareKind: kind,
    initrd: initrdPlace,
    dtbAddr,
    load(system: AddressSpace, dtb: Uint8Array): void {
      if (fw !== undefined) {
        if (isElf(fw)) loadElf(system, fw, { name: `firmware '${i.boot.firmware}'`, offset: fwOffset });
        else loadRaw(system, fw, ramBase, `firmware '${i.boot.firmware}'`);
      }
      if (kernel !== undefined) {
        if (kernelKind === 'elf') loadElf(system, kernel, { name: `kernel '${i.boot.kernel}'` });
        else if (kernelKind === 'linux') loadLinuxImage(system, kernel, { ramBase, ramSize, after: Math.max(fwEnd, kernelBase), arch: 'riscv', name: i.boot.kernel });
        else loadRaw(system, kernel, kernelBase, `kernel '${i.boot.kernel}'`);
      }
      if (initrd !== undefined && initrdPlace !== undefined) loadRaw(system, initrd, initrdPlace.start, `initrd '${i.boot.initrd}'`);
      if (dtb.length > DTB_RESERVE && i.boot.dtb === undefined) throw new SimError(`the generated device tree is ${dtb.length} bytes, more than the ${DTB_RESERVE} reserved for it`);
      loadRaw(system, dtb, dtbAddr, 'device tree');
    },
  };
}

/** /chosen as QEMU writes it for riscv virt: bootargs, initrd range, stdout-path. */
export function writeChosen(root: FdtNode, boot: BootOptions, plan: BootPlan, stdoutPath: string | undefined): void {
  setChosen(root, {
    bootargs: boot.append,
    initrdStart: plan.initrd?.start,
    initrdEnd: plan.initrd?.end,
    stdoutPath,
  });
}

export { writeDtb };

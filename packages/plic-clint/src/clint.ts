/**
 * Machine-level timer and software interrupts: the SiFive CLINT and its RISC-V ACLINT split
 * (RISC-V ACLINT specification 1.0: MTIMER §2, MSWI §3, SSWI §4).
 *
 * Time: mtime = floor(now_ns * frequency / 1e9) + offset, from the scheduler's virtual
 * clock, the same formula the harts use for the `time` CSR, so nothing couples them. A guest
 * write to mtime only moves the offset. For each hart a single scheduler Timer is armed at the
 * exact nanosecond at which mtime reaches mtimecmp; nothing polls.
 */

import type { IrqLine, MmioAccess, MmioDevice, Scheduler, Timer } from '@tessera/core';

const NS_PER_S = 1_000_000_000n;
const U64 = (1n << 64n) - 1n;

/** ACLINT MTIMER: mtimecmp per hart and one mtime (ACLINT 1.0 §2). */
export class MTimer {
  /** mtimecmp per hart (a typed array, so BigInts do not live in objects). */
  readonly mtimecmp: BigUint64Array;
  /** Value added to the scaled clock (guest writes to mtime set it). */
  private readonly offset = new BigUint64Array(1);
  private readonly timers: Timer[];
  private readonly freq: bigint;

  constructor(
    private readonly scheduler: Scheduler,
    readonly frequency: number,
    private readonly mtip: readonly IrqLine[],
  ) {
    this.freq = BigInt(frequency);
    this.mtimecmp = new BigUint64Array(mtip.length);
    this.timers = mtip.map((_, i) => scheduler.timer(() => this.check(i)));
  }

  get harts(): number {
    return this.mtip.length;
  }

  reset(): void {
    this.offset[0] = 0n;
    // mtimecmp is not reset by the ACLINT spec; QEMU and OpenSBI expect "far future" in practice
    // being written by firmware before use. Start at all-ones so no timer fires before that.
    this.mtimecmp.fill(U64);
    for (let i = 0; i < this.harts; i++) this.check(i);
  }

  /** Clock ticks since time 0, without the offset. */
  private raw(): bigint {
    return (BigInt(Math.floor(this.scheduler.now())) * this.freq) / NS_PER_S;
  }

  get mtime(): bigint {
    return BigInt.asUintN(64, this.raw() + this.offset[0]!);
  }

  set mtime(v: bigint) {
    this.offset[0] = BigInt.asUintN(64, v - this.raw());
    for (let i = 0; i < this.harts; i++) this.check(i);
  }

  setMtimecmp(hart: number, v: bigint): void {
    this.mtimecmp[hart] = v;
    this.check(hart);
  }

  /** Set MTIP from the comparison and arm the timer for the crossing (ACLINT §2.2). */
  private check(hart: number): void {
    const cmp = this.mtimecmp[hart]!;
    const now = this.mtime;
    const tm = this.timers[hart]!;
    if (now >= cmp) {
      tm.cancel();
      this.mtip[hart]!.set(true);
      return;
    }
    this.mtip[hart]!.set(false);
    // First ns t with floor(t * f / 1e9) >= cmp - offset, i.e. t = ceil((cmp - offset) * 1e9 / f).
    // The raw tick count at which mtime (mod 2^64) equals mtimecmp; beyond now since mtime < mtimecmp.
    const ticks = BigInt.asUintN(64, cmp - this.offset[0]!);
    if (ticks <= this.raw()) {
      tm.cancel();
      return;
    }
    const t = (ticks * NS_PER_S + this.freq - 1n) / this.freq;
    if (t > BigInt(Number.MAX_SAFE_INTEGER)) tm.cancel();
    else tm.setAt(Number(t));
  }

  /** Register access at `off` within an MTIMER block laid out with mtimecmp at `cmpBase` and mtime at `timeOff`. */
  read32(off: number, cmpBase: number, timeOff: number): number | undefined {
    const v = this.reg(off & ~7, cmpBase, timeOff);
    if (v === undefined) return undefined;
    return Number((off & 4) !== 0 ? v >> 32n : v & 0xffffffffn);
  }

  reg(off: number, cmpBase: number, timeOff: number): bigint | undefined {
    if (off === timeOff) return this.mtime;
    const h = (off - cmpBase) / 8;
    if (Number.isInteger(h) && h >= 0 && h < this.harts) return this.mtimecmp[h]!;
    return undefined;
  }

  write32(off: number, value: number, cmpBase: number, timeOff: number): boolean {
    const cur = this.reg(off & ~7, cmpBase, timeOff);
    if (cur === undefined) return false;
    const v = BigInt(value >>> 0);
    const next = (off & 4) !== 0 ? (cur & 0xffffffffn) | (v << 32n) : (cur & 0xffffffff00000000n) | v;
    return this.write64(off & ~7, next, cmpBase, timeOff);
  }

  write64(off: number, value: bigint, cmpBase: number, timeOff: number): boolean {
    if (off === timeOff) {
      this.mtime = value;
      return true;
    }
    const h = (off - cmpBase) / 8;
    if (Number.isInteger(h) && h >= 0 && h < this.harts) {
      this.setMtimecmp(h, value);
      return true;
    }
    return false;
  }
}

/** MSWI / SSWI: one 32-bit register per hart whose bit 0 drives a software interrupt (ACLINT §3, §4). */
export class SoftwareInterrupts {
  private readonly state: Uint8Array;

  constructor(
    private readonly lines: readonly IrqLine[],
    /** SSWI: writes set the edge-triggered SSIP and reads return 0 (ACLINT §4.2). */
    private readonly edge = false,
  ) {
    this.state = new Uint8Array(lines.length);
  }

  reset(): void {
    this.state.fill(0);
    for (const l of this.lines) l.set(false);
  }

  read(hart: number): number {
    if (hart >= this.lines.length) return 0;
    return this.edge ? 0 : this.state[hart]!;
  }

  write(hart: number, value: number): void {
    if (hart >= this.lines.length) return;
    if (this.edge) {
      // SETSSIP: writing 1 raises an edge; the hart latches it into mip.SSIP.
      if ((value & 1) !== 0) this.lines[hart]!.pulse();
      return;
    }
    this.state[hart] = value & 1;
    this.lines[hart]!.set((value & 1) !== 0);
  }
}

function aligned(offset: number, size: number): boolean {
  return (offset & (size - 1)) === 0;
}

/** SiFive CLINT: msip at 0x0 + 4*hart, mtimecmp at 0x4000 + 8*hart, mtime at 0xbff8. */
export class Clint implements MmioDevice {
  static readonly MTIMECMP = 0x4000;
  static readonly MTIME = 0xbff8;
  static readonly SIZE = 0x10000;

  constructor(
    readonly timer: MTimer,
    readonly msip: SoftwareInterrupts,
  ) {}

  reset(): void {
    this.msip.reset();
    this.timer.reset();
  }

  read(offset: number, size: 1 | 2 | 4, access: MmioAccess): number {
    if (size !== 4 || !aligned(offset, 4)) {
      access.fault();
      return 0;
    }
    if (offset < Clint.MTIMECMP) return this.msip.read(offset >>> 2);
    const v = this.timer.read32(offset, Clint.MTIMECMP, Clint.MTIME);
    return v ?? 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number, access: MmioAccess): void {
    if (size !== 4 || !aligned(offset, 4)) {
      access.fault();
      return;
    }
    if (offset < Clint.MTIMECMP) this.msip.write(offset >>> 2, value);
    else this.timer.write32(offset, value, Clint.MTIMECMP, Clint.MTIME);
  }

  read64(offset: number, access: MmioAccess): bigint {
    if (!aligned(offset, 8)) {
      access.fault();
      return 0n;
    }
    if (offset < Clint.MTIMECMP) return BigInt(this.msip.read(offset >>> 2)) | (BigInt(this.msip.read((offset >>> 2) + 1)) << 32n);
    return this.timer.reg(offset, Clint.MTIMECMP, Clint.MTIME) ?? 0n;
  }

  write64(offset: number, value: bigint, access: MmioAccess): void {
    if (!aligned(offset, 8)) {
      access.fault();
      return;
    }
    if (offset < Clint.MTIMECMP) {
      this.msip.write(offset >>> 2, Number(value & 1n));
      this.msip.write((offset >>> 2) + 1, Number((value >> 32n) & 1n));
      return;
    }
    this.timer.write64(offset, value, Clint.MTIMECMP, Clint.MTIME);
  }
}

/** ACLINT MTIMER device: mtimecmp at 0x0 + 8*hart, mtime at 0x7ff8 (QEMU's default layout). */
export class AclintMtimerDevice implements MmioDevice {
  static readonly MTIME = 0x7ff8;
  static readonly SIZE = 0x8000;

  constructor(readonly timer: MTimer) {}

  read(offset: number, size: 1 | 2 | 4, access: MmioAccess): number {
    if (size !== 4 || !aligned(offset, 4)) {
      access.fault();
      return 0;
    }
    return this.timer.read32(offset, 0, AclintMtimerDevice.MTIME) ?? 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number, access: MmioAccess): void {
    if (size !== 4 || !aligned(offset, 4)) access.fault();
    else this.timer.write32(offset, value, 0, AclintMtimerDevice.MTIME);
  }

  read64(offset: number, access: MmioAccess): bigint {
    if (!aligned(offset, 8)) {
      access.fault();
      return 0n;
    }
    return this.timer.reg(offset, 0, AclintMtimerDevice.MTIME) ?? 0n;
  }

  write64(offset: number, value: bigint, access: MmioAccess): void {
    if (!aligned(offset, 8)) access.fault();
    else this.timer.write64(offset, value, 0, AclintMtimerDevice.MTIME);
  }
}

/** ACLINT MSWI or SSWI device: one 32-bit register per hart (size 0x4000). */
export class AclintSwiDevice implements MmioDevice {
  static readonly SIZE = 0x4000;

  constructor(readonly swi: SoftwareInterrupts) {}

  read(offset: number, size: 1 | 2 | 4, access: MmioAccess): number {
    if (size !== 4 || !aligned(offset, 4)) {
      access.fault();
      return 0;
    }
    return this.swi.read(offset >>> 2);
  }

  write(offset: number, size: 1 | 2 | 4, value: number, access: MmioAccess): void {
    if (size !== 4 || !aligned(offset, 4)) access.fault();
    else this.swi.write(offset >>> 2, value);
  }
}

export const U64_MAX = U64;

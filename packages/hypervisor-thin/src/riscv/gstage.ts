/**
 * G-stage (guest-physical to host-physical) page tables for the RISC-V H extension.
 *
 * RISC-V privileged spec (H extension) §"Two-Stage Address Translation": Sv39x4 and Sv48x4
 * are Sv39/Sv48 with the guest physical address widened by two bits (41 and 50 bits), the
 * extra bits indexing a 16 KiB root table (2048 entries) that must be 16 KiB aligned. Every
 * G-stage access is checked as a U-mode access, so leaf PTEs carry U=1. hgatp holds MODE
 * (8 = Sv39x4, 9 = Sv48x4) in bits 63:60, VMID in bits 57:44 and the root PPN in bits 43:0.
 *
 * The builder writes real PTEs into memory the hypervisor owns (a RAM region range), the
 * way a hypervisor binary would, so the CPU model's own walker translates guest accesses.
 * Mappings use 1 GiB and 2 MiB leaves wherever both addresses and the extent allow, and
 * fall back to 4 KiB pages only around pages that must trap (emulated devices), which are
 * left unmapped so that guest accesses raise guest-page faults.
 *
 * A and D are preset in every leaf: the hypervisor never relies on A/D faults, and this
 * works whether the hart updates A/D in hardware (Svadu) or faults.
 */

import type { RamRegion } from '@tessera/core';

export type GStageMode = 'sv39x4' | 'sv48x4';

const PTE_V = 1n << 0n;
const PTE_R = 1n << 1n;
const PTE_W = 1n << 2n;
const PTE_X = 1n << 3n;
const PTE_U = 1n << 4n;
const PTE_A = 1n << 6n;
const PTE_D = 1n << 7n;

const PAGE = 4096;
const MEGA = 2 * 1024 * 1024;
const GIGA = 1024 * 1024 * 1024;

export interface Permissions {
  readonly read: boolean;
  readonly write: boolean;
  readonly execute: boolean;
}

export const RWX: Permissions = { read: true, write: true, execute: true };

export interface GStageStats {
  gigapages: number;
  megapages: number;
  pages: number;
  /** Table pages used (the 16 KiB root counts as 4). */
  tablePages: number;
}

/** A bump allocator over a range of a RAM region that the hypervisor reserved for tables. */
export class TablePool {
  private next: number;

  constructor(
    readonly ram: RamRegion,
    /** Physical address of the first byte of the pool. */
    readonly base: number,
    readonly size: number,
  ) {
    if (base < ram.base || base + size > ram.base + ram.size) {
      throw new RangeError(`table pool [0x${base.toString(16)}, +0x${size.toString(16)}) is outside RAM region '${ram.name}'`);
    }
    this.next = base;
  }

  /** Allocate `bytes` zeroed bytes aligned to `align`; returns the physical address. */
  alloc(bytes: number, align: number): number {
    const at = Math.ceil(this.next / align) * align;
    if (at + bytes > this.base + this.size) {
      throw new RangeError(`G-stage table pool of ${this.size} bytes is exhausted`);
    }
    this.next = at + bytes;
    this.ram.u8.fill(0, at - this.ram.base, at - this.ram.base + bytes);
    this.ram.noteWrite(at - this.ram.base, bytes);
    return at;
  }

  get used(): number {
    return this.next - this.base;
  }
}

export class GStageTable {
  readonly root: number;
  readonly levels: number;
  readonly gpaBits: number;
  readonly stats: GStageStats = { gigapages: 0, megapages: 0, pages: 0, tablePages: 4 };

  constructor(
    readonly mode: GStageMode,
    private readonly pool: TablePool,
    /** Use 1 GiB / 2 MiB leaves where alignment allows (false: 4 KiB leaves only, for comparisons). */
    readonly largePages = true,
  ) {
    this.levels = mode === 'sv39x4' ? 3 : 4;
    this.gpaBits = mode === 'sv39x4' ? 41 : 50;
    this.root = pool.alloc(16 * 1024, 16 * 1024);
  }

  /** The hgatp value selecting this table with `vmid` (14 bits on RV64). */
  hgatp(vmid: number): bigint {
    const modeField = this.mode === 'sv39x4' ? 8n : 9n;
    return (modeField << 60n) | (BigInt(vmid & 0x3fff) << 44n) | BigInt(this.root / PAGE);
  }

  /**
   * Map [gpa, gpa+size) to [hpa, hpa+size) with `perm`, leaving every page in `holes`
   * (guest-physical page addresses) unmapped. All three must be 4 KiB aligned.
   */
  map(gpa: number, hpa: number, size: number, perm: Permissions = RWX, holes: ReadonlySet<number> = new Set()): void {
    if (gpa % PAGE !== 0 || hpa % PAGE !== 0 || size % PAGE !== 0) {
      throw new RangeError(`G-stage mapping gpa 0x${gpa.toString(16)} hpa 0x${hpa.toString(16)} size 0x${size.toString(16)} is not 4 KiB aligned`);
    }
    if (gpa + size > 2 ** this.gpaBits) {
      throw new RangeError(`G-stage mapping ends at 0x${(gpa + size).toString(16)}, beyond the ${this.gpaBits}-bit guest physical space of ${this.mode}`);
    }
    const sortedHoles = [...holes].filter((h) => h >= gpa && h < gpa + size).sort((a, b) => a - b);
    let off = 0;
    while (off < size) {
      const g = gpa + off;
      const h = hpa + off;
      const left = size - off;
      const nextHole = sortedHoles.find((x) => x >= g);
      const clear = nextHole === undefined ? left : nextHole - g;
      if (clear === 0) {
        off += PAGE; // the hole itself stays unmapped
        continue;
      }
      let step: number;
      if (this.largePages && g % GIGA === 0 && h % GIGA === 0 && clear >= GIGA) step = GIGA;
      else if (this.largePages && g % MEGA === 0 && h % MEGA === 0 && clear >= MEGA) step = MEGA;
      else step = PAGE;
      this.setLeaf(g, h, step, perm);
      off += step;
    }
  }

  private leafLevel(step: number): number {
    return step === GIGA ? 2 : step === MEGA ? 1 : 0;
  }

  private index(gpa: number, level: number): number {
    const shift = 12 + 9 * level;
    const bits = level === this.levels - 1 ? 11 : 9;
    return Math.floor(gpa / 2 ** shift) % 2 ** bits;
  }

  private setLeaf(gpa: number, hpa: number, step: number, perm: Permissions): void {
    const target = this.leafLevel(step);
    let table = this.root;
    for (let level = this.levels - 1; level > target; level--) {
      const slot = table + 8 * this.index(gpa, level);
      const pte = this.readPte(slot);
      if ((pte & PTE_V) === 0n) {
        const next = this.pool.alloc(PAGE, PAGE);
        this.stats.tablePages++;
        this.writePte(slot, (BigInt(next / PAGE) << 10n) | PTE_V);
        table = next;
      } else if ((pte & (PTE_R | PTE_W | PTE_X)) !== 0n) {
        throw new RangeError(`G-stage mapping at gpa 0x${gpa.toString(16)} overlaps an existing large mapping`);
      } else {
        table = Number(pte >> 10n) * PAGE;
      }
    }
    const slot = table + 8 * this.index(gpa, target);
    if ((this.readPte(slot) & PTE_V) !== 0n) {
      throw new RangeError(`G-stage mapping at gpa 0x${gpa.toString(16)} overlaps an existing mapping`);
    }
    let flags = PTE_V | PTE_U | PTE_A | PTE_D;
    if (perm.read) flags |= PTE_R;
    if (perm.write) flags |= PTE_W | PTE_R; // W without R is reserved (§4.3.1)
    if (perm.execute) flags |= PTE_X;
    this.writePte(slot, (BigInt(hpa / PAGE) << 10n) | flags);
    if (step === GIGA) this.stats.gigapages++;
    else if (step === MEGA) this.stats.megapages++;
    else this.stats.pages++;
  }

  /**
   * Translate a guest physical address with the tables as written (a software walk, for
   * tests and for the hypervisor's own emulation paths). Undefined when unmapped.
   */
  translate(gpa: number): { hpa: number; perm: Permissions; size: number } | undefined {
    if (gpa < 0 || gpa >= 2 ** this.gpaBits) return undefined;
    let table = this.root;
    for (let level = this.levels - 1; level >= 0; level--) {
      const pte = this.readPte(table + 8 * this.index(gpa, level));
      if ((pte & PTE_V) === 0n) return undefined;
      if ((pte & (PTE_R | PTE_W | PTE_X)) !== 0n) {
        const size = 2 ** (12 + 9 * level);
        const base = Number(pte >> 10n) * PAGE;
        return {
          hpa: base + (gpa % size),
          size,
          perm: { read: (pte & PTE_R) !== 0n, write: (pte & PTE_W) !== 0n, execute: (pte & PTE_X) !== 0n },
        };
      }
      table = Number(pte >> 10n) * PAGE;
    }
    return undefined;
  }

  private readPte(pa: number): bigint {
    return this.pool.ram.read64(pa - this.pool.ram.base);
  }

  private writePte(pa: number, v: bigint): void {
    this.pool.ram.write64(pa - this.pool.ram.base, v);
  }
}

/**
 * The global exclusive monitor shared by all cores of a machine (Arm ARM B2.9.2): one
 * reservation granule per core, cleared by another core's store to the granule, by CLREX,
 * by an exception entry or return, and by the owning core's own store-exclusive.
 *
 * The reservation granule is 64 bytes (CTR_EL0.ERG = 4 → 16 words).
 */

export const ERG_BYTES = 64;

export class ExclusiveMonitor {
  /** Reserved granule address (PA rounded down to ERG) per core, -1 when open. */
  private readonly granule: number[] = [];
  /** Number of cores holding a reservation: stores skip the check when 0. */
  active = 0;

  mark(core: number, pa: number): void {
    const g = pa - (pa % ERG_BYTES);
    if ((this.granule[core] ?? -1) < 0) this.active++;
    this.granule[core] = g;
  }

  /** True if `core` holds a reservation covering `pa`. */
  holds(core: number, pa: number): boolean {
    const g = this.granule[core] ?? -1;
    return g >= 0 && g === pa - (pa % ERG_BYTES);
  }

  clear(core: number): void {
    if ((this.granule[core] ?? -1) >= 0) {
      this.granule[core] = -1;
      this.active--;
    }
  }

  /** A store by `core` to `pa`: other cores lose reservations on that granule. */
  store(core: number, pa: number): void {
    const g = pa - (pa % ERG_BYTES);
    for (let i = 0; i < this.granule.length; i++) {
      if (i !== core && this.granule[i] === g) {
        this.granule[i] = -1;
        this.active--;
      }
    }
  }
}

const monitors = new WeakMap<object, ExclusiveMonitor>();

/** The monitor of the machine whose system address space is `system`. */
export function monitorFor(system: object): ExclusiveMonitor {
  let m = monitors.get(system);
  if (m === undefined) {
    m = new ExclusiveMonitor();
    monitors.set(system, m);
  }
  return m;
}

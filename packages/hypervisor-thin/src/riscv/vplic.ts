/**
 * A virtual PLIC per partition, emulated on the guest's trapped accesses (trap and emulate).
 *
 * The register map is QEMU virt's, which is the PLIC specification's (RISC-V PLIC spec
 * 1.0.0 §3): priorities at 0x0 + 4*source, pending bits at 0x1000, enable bits at
 * 0x2000 + 0x80*context, threshold and claim/complete at 0x200000 + 0x1000*context. vCPU N
 * has context 2N (M-mode, present for the layout's sake; a VS guest never gets its
 * interrupts) and context 2N+1 (S-mode), whose deliverable interrupts raise VSEIP on the
 * vCPU through hvip (H §9.2.3).
 *
 * Sources are of two kinds:
 *  - virtual device lines (virtio) with level-triggered gateways (PLIC spec §5: a source is
 *    pending once until claimed; at completion it pends again if its line is still high);
 *  - passthrough lines of machine devices: the hypervisor claims them on the real PLIC at
 *    HS and calls {@link Vplic.raisePassthrough}; the guest's completion is forwarded to
 *    the real PLIC through the `complete` callback, which re-arms the physical gateway.
 *
 * Per-vCPU state (enables, thresholds, VSEIP) lives in each vCPU's {@link VcpuIrqState}, so
 * a vCPU switched off its hart keeps it. Guest mistakes never throw: out-of-range sources
 * and contexts read as zero and are ignored on write, as the real PLIC model does.
 */

export const VPLIC_BASE = 0x0c00_0000;
/** The window QEMU virt maps for its PLIC (contexts up to 0x5fffff: two per vCPU for far more vCPUs than a partition has). */
export const VPLIC_SIZE = 0x60_0000;
/** Sources 1..95 (QEMU virt's riscv,ndev). */
export const VPLIC_NDEV = 95;
/** Priority bits (QEMU virt: 7 levels). */
export const VPLIC_MAX_PRIORITY = 7;

const WORDS = Math.ceil((VPLIC_NDEV + 1) / 32);
/** PLIC register layout (PLIC specification §3, as QEMU virt and the machine's PLIC use it). */
export const PLIC_PENDING = 0x1000;
export const PLIC_ENABLE = 0x2000;
export const PLIC_ENABLE_STRIDE = 0x80;
export const PLIC_CONTEXT = 0x20_0000;
export const PLIC_CONTEXT_STRIDE = 0x1000;

/** The virtual interrupt state of one vCPU: its two vPLIC contexts and the VSEIP it is owed. */
export class VcpuIrqState {
  /** Enable bits of context 2N (M) and 2N+1 (S). */
  readonly enable: [Uint32Array, Uint32Array] = [new Uint32Array(WORDS), new Uint32Array(WORDS)];
  readonly threshold: [number, number] = [0, 0];
  /** VSEIP as the vPLIC last computed it for the S context. */
  vseip = false;

  reset(): void {
    this.enable[0].fill(0);
    this.enable[1].fill(0);
    this.threshold[0] = this.threshold[1] = 0;
    this.vseip = false;
  }
}

/** A vCPU as the vPLIC sees it. */
export interface VplicTarget {
  readonly virq: VcpuIrqState;
  /** VSEIP changed: raise or lower it on the vCPU (hvip.VSEIP while it runs on a hart). */
  setVseip(level: boolean): void;
}

export class Vplic {
  readonly priority = new Uint8Array(VPLIC_NDEV + 1);
  readonly pending = new Uint32Array(WORDS);
  /** Line levels of virtual device sources. */
  private readonly level = new Uint8Array(VPLIC_NDEV + 1);
  /** Claimed and not yet completed (the gateway holds further requests, PLIC spec §5). */
  private readonly inService = new Uint8Array(VPLIC_NDEV + 1);
  /** Passthrough sources: forwarded completions. */
  private readonly passthrough = new Set<number>();
  claims = 0;
  completions = 0;
  /** The guest wrote an enable word (after WARL masking): direct delivery mirrors it to the real PLIC. */
  onEnableWrite: ((ctx: number, word: number, value: number) => void) | undefined;
  /** The guest wrote a source's priority (after WARL clamping). */
  onPriorityWrite: ((source: number, value: number) => void) | undefined;

  constructor(
    readonly targets: readonly VplicTarget[],
    /** A passthrough source's completion, to be written to the real PLIC. */
    private readonly complete: (source: number) => void = () => {},
  ) {}

  get contexts(): number {
    return this.targets.length * 2;
  }

  /** Power-on state: everything zero (PLIC spec: priorities, enables, thresholds reset to 0 on QEMU virt). */
  reset(): void {
    this.priority.fill(0);
    this.pending.fill(0);
    this.level.fill(0);
    this.inService.fill(0);
    for (const t of this.targets) t.virq.reset();
    this.update();
  }

  /** Mark `source` as a passthrough line (its completions go to the real PLIC). */
  addPassthrough(source: number): void {
    if (source >= 1 && source <= VPLIC_NDEV) this.passthrough.add(source);
  }

  isPassthrough(source: number): boolean {
    return this.passthrough.has(source);
  }

  /** A virtual device's interrupt line (level-triggered gateway). */
  setLevel(source: number, high: boolean): void {
    if (source < 1 || source > VPLIC_NDEV) return;
    this.level[source] = high ? 1 : 0;
    if (high && this.inService[source] === 0) this.setPending(source, true);
    this.update();
  }

  /** The hypervisor claimed passthrough `source` on the real PLIC: it pends here until the guest completes it. */
  raisePassthrough(source: number): void {
    if (source < 1 || source > VPLIC_NDEV) return;
    if (this.inService[source] === 0) this.setPending(source, true);
    this.update();
  }

  isPending(source: number): boolean {
    return ((this.pending[source >>> 5]! >>> (source & 31)) & 1) === 1;
  }

  private setPending(source: number, on: boolean): void {
    const w = source >>> 5;
    const bit = 1 << (source & 31);
    this.pending[w] = on ? this.pending[w]! | bit : this.pending[w]! & ~bit;
  }

  private enabled(ctx: number, source: number): boolean {
    const t = this.targets[ctx >>> 1];
    if (t === undefined) return false;
    return ((t.virq.enable[ctx & 1][source >>> 5]! >>> (source & 31)) & 1) === 1;
  }

  /** The highest-priority pending source enabled for `ctx` above its threshold (ties: lowest ID), or 0. */
  best(ctx: number): number {
    const t = this.targets[ctx >>> 1];
    if (t === undefined) return 0;
    const en = t.virq.enable[ctx & 1];
    const threshold = t.virq.threshold[ctx & 1];
    let best = 0;
    let bestPrio = threshold;
    for (let w = 0; w < WORDS; w++) {
      let bits = this.pending[w]! & en[w]!;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const s = w * 32 + b;
        const p = this.priority[s]!;
        if (p > bestPrio) {
          best = s;
          bestPrio = p;
        }
      }
    }
    return best;
  }

  /** Recompute every vCPU's VSEIP from its S context (§3: a context's notification is level). */
  update(): void {
    for (let i = 0; i < this.targets.length; i++) {
      const t = this.targets[i]!;
      const want = this.best(2 * i + 1) !== 0;
      if (want !== t.virq.vseip) {
        t.virq.vseip = want;
        t.setVseip(want);
      }
    }
  }

  /** A 32-bit register read; undefined for accesses the PLIC does not decode (other widths). */
  read(offset: number, size: number): number | undefined {
    if (size !== 4 || (offset & 3) !== 0) return undefined;
    if (offset < PLIC_PENDING) {
      return this.priority[offset >>> 2] ?? 0;
    }
    if (offset < PLIC_ENABLE) {
      const w = (offset - PLIC_PENDING) >>> 2;
      return w < WORDS ? this.pending[w]! >>> 0 : 0;
    }
    if (offset < PLIC_CONTEXT) {
      const ctx = Math.floor((offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE);
      const w = ((offset - PLIC_ENABLE) % PLIC_ENABLE_STRIDE) >>> 2;
      const t = this.targets[ctx >>> 1];
      if (t === undefined || w >= WORDS) return 0;
      return t.virq.enable[ctx & 1][w]! >>> 0;
    }
    const ctx = Math.floor((offset - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE);
    const reg = (offset - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE;
    const t = this.targets[ctx >>> 1];
    if (t === undefined) return 0;
    if (reg === 0) return t.virq.threshold[ctx & 1];
    if (reg === 4) return this.claim(ctx);
    return 0;
  }

  write(offset: number, size: number, value: number): boolean {
    if (size !== 4 || (offset & 3) !== 0) return false;
    value >>>= 0;
    if (offset < PLIC_PENDING) {
      const s = offset >>> 2;
      // Source 0 does not exist; priorities are WARL in 0..7.
      if (s >= 1 && s <= VPLIC_NDEV) {
        this.priority[s] = Math.min(value, VPLIC_MAX_PRIORITY);
        this.onPriorityWrite?.(s, this.priority[s]!);
      }
    } else if (offset < PLIC_ENABLE) {
      // Pending bits are read-only (PLIC spec §3.4).
    } else if (offset < PLIC_CONTEXT) {
      const ctx = Math.floor((offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE);
      const w = ((offset - PLIC_ENABLE) % PLIC_ENABLE_STRIDE) >>> 2;
      const t = this.targets[ctx >>> 1];
      if (t !== undefined && w < WORDS) {
        let v = value;
        if (w === 0) v &= ~1; // source 0 is never enabled
        if (w === WORDS - 1) v &= (2 ** ((VPLIC_NDEV + 1) - 32 * w) - 1) | 0;
        t.virq.enable[ctx & 1][w] = v;
        this.onEnableWrite?.(ctx, w, v >>> 0);
      }
    } else {
      const ctx = Math.floor((offset - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE);
      const reg = (offset - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE;
      const t = this.targets[ctx >>> 1];
      if (t !== undefined) {
        if (reg === 0) t.virq.threshold[ctx & 1] = Math.min(value, VPLIC_MAX_PRIORITY);
        else if (reg === 4) this.completeFrom(ctx, value);
      }
    }
    this.update();
    return true;
  }

  /** Claim (PLIC spec §3.7): the best source, its pending bit cleared; 0 when none. */
  claim(ctx: number): number {
    const s = this.best(ctx);
    if (s !== 0) {
      this.setPending(s, false);
      this.inService[s] = 1;
      this.claims++;
      this.update();
    }
    return s;
  }

  /**
   * Completion (§3.8): ignored unless the source is enabled for the context and was claimed;
   * then the gateway takes requests again (a high level pends at once) and a passthrough
   * source is completed on the real PLIC.
   */
  completeFrom(ctx: number, source: number): void {
    if (source < 1 || source > VPLIC_NDEV || !this.enabled(ctx, source) || this.inService[source] === 0) return;
    this.inService[source] = 0;
    this.completions++;
    if (this.passthrough.has(source)) this.complete(source);
    else if (this.level[source] === 1) this.setPending(source, true);
    this.update();
  }
}

/**
 * The typed event stream and its counters.
 *
 * Components emit events (exceptions, hypervisor exits, interrupt injection, MMIO, DMA,
 * power) through {@link EventBus.emit}. Emitting is only worth its cost when someone
 * listens, so hot paths test {@link EventBus.wants} first; it is a single property read.
 * Counters are always on: a component takes a {@link Counter} once and increments its
 * `value` field, and `--stats` prints them grouped.
 */

export interface SimEvent {
  /** Event kind, dotted: `cpu.exception`, `hyp.exit`, `irq.inject`, `mmio`, `power`, ... */
  readonly kind: string;
  /** Virtual time in ns. */
  readonly t: number;
  /** Name of the component that emitted it. */
  readonly src: string;
  readonly [field: string]: unknown;
}

export interface EventSink {
  /** Kinds wanted (prefixes: `cpu.` wants every cpu.* event); undefined wants all. */
  readonly kinds?: readonly string[];
  /** Sources wanted (component names); undefined wants all. */
  readonly sources?: readonly string[];
  event(e: SimEvent): void;
  close?(): void;
}

export class Counter {
  value = 0;
  constructor(
    readonly group: string,
    readonly key: string,
  ) {}
}

export class EventBus {
  private sinks: EventSink[] = [];
  private readonly wanted = new Map<string, boolean>();
  private readonly counters = new Map<string, Counter>();
  /** True if any sink is attached; lets hot paths skip even the `wants` lookup. */
  active = false;

  constructor(private readonly clock: () => number) {}

  addSink(sink: EventSink): void {
    this.sinks.push(sink);
    this.active = true;
    this.wanted.clear();
  }

  removeSink(sink: EventSink): void {
    this.sinks = this.sinks.filter((s) => s !== sink);
    this.active = this.sinks.length > 0;
    this.wanted.clear();
  }

  /** Does any sink want events of this kind? Cached per kind. */
  wants(kind: string): boolean {
    if (!this.active) return false;
    let w = this.wanted.get(kind);
    if (w === undefined) {
      w = this.sinks.some((s) => s.kinds === undefined || s.kinds.some((k) => kind === k || (k.endsWith('.') && kind.startsWith(k))));
      this.wanted.set(kind, w);
    }
    return w;
  }

  emit(kind: string, src: string, fields: Record<string, unknown> = {}): void {
    if (!this.wants(kind)) return;
    // kind, t and src last: a field of the same name cannot disguise the event. Built with
    // Object.assign and stores, not `{ ...fields, kind, ... }`: in V8 (Node 20) a spread
    // followed by more properties costs about 2 µs, thirty times as much (measured), and a
    // trace of a trap-heavy run emits an event every few instructions.
    const e = Object.assign({}, fields) as Record<string, unknown>;
    e.kind = kind;
    e.t = this.clock();
    e.src = src;
    for (const s of this.sinks) {
      if (s.kinds !== undefined && !s.kinds.some((k) => kind === k || (k.endsWith('.') && kind.startsWith(k)))) continue;
      if (s.sources !== undefined && !s.sources.includes(src)) continue;
      s.event(e as SimEvent);
    }
  }

  /** The counter `key` in `group` (created on first use). */
  counter(group: string, key: string): Counter {
    const id = group + '\u0000' + key;
    let c = this.counters.get(id);
    if (c === undefined) {
      c = new Counter(group, key);
      this.counters.set(id, c);
    }
    return c;
  }

  /** Every counter with a non-zero value, grouped and sorted. */
  snapshot(): Map<string, Array<{ key: string; value: number }>> {
    const out = new Map<string, Array<{ key: string; value: number }>>();
    for (const c of this.counters.values()) {
      if (c.value === 0) continue;
      let g = out.get(c.group);
      if (g === undefined) out.set(c.group, (g = []));
      g.push({ key: c.key, value: c.value });
    }
    for (const g of out.values()) g.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return new Map([...out.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  }

  close(): void {
    for (const s of this.sinks) s.close?.();
  }
}

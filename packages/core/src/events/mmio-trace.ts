/**
 * MMIO observation for traces and statistics.
 *
 * Installs an observer on a machine's physical address space that counts accesses per
 * device region (`mmio` counter group, key `<region> read|write`) and, for the regions
 * asked for, emits `mmio` events. Nothing is installed unless asked: an address space
 * without an observer pays one property test per MMIO access.
 */

import type { AddressSpace, MmioObserver } from '../bus/address-space.js';
import type { Counter, EventBus } from './events.js';

export interface MmioTraceOptions {
  /** Count accesses per region (for --stats). */
  count: boolean;
  /**
   * Emit `mmio` events for regions whose name is in this list, or starts with an entry
   * followed by '.' (a component's sub-regions: `pcie` matches `pcie.ecam`).
   */
  trace?: readonly string[];
}

export function observeMmio(space: AddressSpace, events: EventBus, machine: string, opts: MmioTraceOptions): void {
  const counters = new Map<string, Counter>();
  const traced = new Map<string, boolean>();
  const wanted = opts.trace ?? [];
  const isTraced = (region: string): boolean => {
    let t = traced.get(region);
    if (t === undefined) {
      t = wanted.some((w) => region === w || region.startsWith(w + '.'));
      traced.set(region, t);
    }
    return t;
  };
  const observer: MmioObserver = (region, offset, size, isWrite, value, master) => {
    if (opts.count) {
      const key = `${region.name} ${isWrite ? 'write' : 'read'}`;
      let c = counters.get(key);
      if (c === undefined) counters.set(key, (c = events.counter('mmio', key)));
      c.value++;
    }
    if (wanted.length > 0 && isTraced(region.name)) {
      events.emit('mmio', region.name, { machine, op: isWrite ? 'write' : 'read', offset, addr: region.base + offset, size, value, master });
    }
  };
  space.mmioObserver = observer;
}

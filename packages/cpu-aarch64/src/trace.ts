/**
 * Trace events and counters of exceptions and interrupts taken by a core (core/TRACE.md):
 * the cause named from ESR_ELx.EC (Arm ARM D13.2.37, Table D13-... "ESR_ELx.EC"), the
 * levels, the preferred return address and the fault address.
 */

import type { Counter, EventBus } from '@tessera/core';

/** ESR_ELx.EC values this core raises, named for traces and `--stats`. */
export const EC_NAMES: Readonly<Record<number, string>> = {
  0x00: 'unknown', 0x01: 'wfi-wfe', 0x07: 'fp-access', 0x0e: 'illegal-state', 0x15: 'svc', 0x16: 'hvc', 0x17: 'smc',
  0x18: 'sysreg', 0x20: 'instruction-abort-lower', 0x21: 'instruction-abort-same', 0x22: 'pc-alignment',
  0x24: 'data-abort-lower', 0x25: 'data-abort-same', 0x26: 'sp-alignment', 0x2f: 'serror', 0x3c: 'brk',
};

/** ECs whose FAR_ELx is valid (aborts and alignment faults, D13.2.40). */
const FAR_VALID = new Set([0x20, 0x21, 0x22, 0x24, 0x25]);

export function ecName(ec: number): string {
  return EC_NAMES[ec] ?? `ec-0x${ec.toString(16)}`;
}

/** Per-cause counters of one core, created on first use (`exceptions`/`interrupts` groups). */
export class TrapCounters {
  private readonly exc = new Map<number, Counter>();
  private readonly irq = new Map<string, Counter>();

  constructor(
    private readonly events: EventBus,
    private readonly core: string,
  ) {}

  exception(ec: number): void {
    let c = this.exc.get(ec);
    if (c === undefined) this.exc.set(ec, (c = this.events.counter('exceptions', `${this.core} ${ecName(ec)}`)));
    c.value++;
  }

  interrupt(kind: string, target: number): void {
    const key = `${kind}@EL${target}`;
    let c = this.irq.get(key);
    if (c === undefined) this.irq.set(key, (c = this.events.counter('interrupts', `${this.core} ${kind} to EL${target}`)));
    c.value++;
  }
}

/** The `cpu.exception` fields (documented in core/TRACE.md). */
export function exceptionFields(index: number, from: number, to: number, esr: number, elr: bigint, far: bigint): Record<string, unknown> {
  const ec = esr >>> 26;
  return {
    hart: index,
    cause: ecName(ec),
    from: `EL${from}`,
    to: `EL${to}`,
    pc: '0x' + elr.toString(16),
    tval: FAR_VALID.has(ec) ? '0x' + far.toString(16) : '0x0',
    ec,
    esr: '0x' + esr.toString(16),
  };
}

/**
 * Debugger memory access through a CPU's translation, page by page, shared by the CPU
 * plugins. Only RAM is read or written: a debugger looking at memory must not trigger a
 * device's read side effects (GDB reads memory freely, e.g. to show the stack), so device
 * regions and unmapped addresses answer as errors, as QEMU's gdbstub does for MMIO.
 */

import type { AddressSpace } from '../bus/address-space.js';

/** Physical address of virtual `va`, or undefined when it does not translate. */
export type DebugTranslate = (va: bigint) => number | undefined;

const PAGE = 4096n;

/** Read `length` bytes at virtual `addr` (physical when `translate` is undefined). */
export function debugRead(space: AddressSpace, translate: DebugTranslate | undefined, addr: bigint, length: number): Uint8Array | undefined {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const va = BigInt.asUintN(64, addr + BigInt(done));
    const n = Math.min(length - done, Number(PAGE - (va % PAGE)));
    const pa = translate === undefined ? Number(va) : translate(va);
    if (pa === undefined || !space.readBytes(pa, out.subarray(done, done + n))) return done === 0 ? undefined : out.slice(0, done);
    done += n;
  }
  return out;
}

/** Write `data` at virtual `addr` (physical when `translate` is undefined); all or nothing. */
export function debugWrite(space: AddressSpace, translate: DebugTranslate | undefined, addr: bigint, data: Uint8Array): boolean {
  const chunks: Array<{ pa: number; from: number; n: number }> = [];
  let done = 0;
  while (done < data.length) {
    const va = BigInt.asUintN(64, addr + BigInt(done));
    const n = Math.min(data.length - done, Number(PAGE - (va % PAGE)));
    const pa = translate === undefined ? Number(va) : translate(va);
    if (pa === undefined || !space.isRam(pa, n, true)) return false;
    chunks.push({ pa, from: done, n });
    done += n;
  }
  for (const c of chunks) space.writeBytes(c.pa, data.subarray(c.from, c.from + c.n));
  return true;
}

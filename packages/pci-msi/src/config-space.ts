/**
 * A PCI Express function's configuration space: 4 KiB of registers described by masks.
 *
 * Each byte has a value, a write mask (bits software may change) and a write-1-to-clear
 * mask (status bits). Reads and writes of any size at any offset are accepted, as a real
 * function's config space decodes them (PCI Local Bus 3.0 §6.1; PCIe Base 4.0 §7.2): a
 * write changes only writable bits, and bits outside the masks are read-only. Behaviour
 * (BAR sizing, enabling MSI) hangs off write hooks on register ranges.
 */

export const CONFIG_SPACE_SIZE = 4096;

export type ConfigWriteHook = (offset: number, size: number) => void;

export class ConfigSpace {
  readonly bytes = new Uint8Array(CONFIG_SPACE_SIZE);
  readonly wmask = new Uint8Array(CONFIG_SPACE_SIZE);
  readonly w1cmask = new Uint8Array(CONFIG_SPACE_SIZE);
  private readonly hooks: Array<{ start: number; end: number; hook: ConfigWriteHook }> = [];
  private readonly readHooks: Array<{ start: number; end: number; hook: (offset: number) => void }> = [];

  u8(off: number): number {
    return this.bytes[off]!;
  }

  u16(off: number): number {
    return this.bytes[off]! | (this.bytes[off + 1]! << 8);
  }

  u32(off: number): number {
    return (this.bytes[off]! | (this.bytes[off + 1]! << 8) | (this.bytes[off + 2]! << 16) | (this.bytes[off + 3]! << 24)) >>> 0;
  }

  /** Set a register's value directly (device side), ignoring the masks. */
  set(off: number, size: 1 | 2 | 4, value: number): void {
    for (let i = 0; i < size; i++) this.bytes[off + i] = (value >>> (8 * i)) & 0xff;
  }

  /** The write mask of the 32-bit register at `off`. */
  writableMask32(off: number): number {
    return (this.wmask[off]! | (this.wmask[off + 1]! << 8) | (this.wmask[off + 2]! << 16) | (this.wmask[off + 3]! << 24)) >>> 0;
  }

  /** Set which bits of a register software may write. */
  setWritable(off: number, size: 1 | 2 | 4, mask: number): void {
    for (let i = 0; i < size; i++) this.wmask[off + i] = (mask >>> (8 * i)) & 0xff;
  }

  setW1C(off: number, size: 1 | 2 | 4, mask: number): void {
    for (let i = 0; i < size; i++) this.w1cmask[off + i] = (mask >>> (8 * i)) & 0xff;
  }

  /** Call `hook` after software writes any byte of [start, end). */
  onWrite(start: number, end: number, hook: ConfigWriteHook): void {
    this.hooks.push({ start, end, hook });
  }

  /** Call `hook` before software reads any byte of [start, end) (registers with live values). */
  onRead(start: number, end: number, hook: (offset: number) => void): void {
    this.readHooks.push({ start, end, hook });
  }

  /** Software read of 1, 2 or 4 bytes. Out-of-range bytes read as 0xff. */
  read(off: number, size: number): number {
    for (const h of this.readHooks) if (off < h.end && h.start < off + size) h.hook(off);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) {
      const o = off + i;
      v = (v << 8) | (o >= 0 && o < CONFIG_SPACE_SIZE ? this.bytes[o]! : 0xff);
    }
    return v >>> 0;
  }

  /** Software write of 1, 2 or 4 bytes, through the masks. */
  write(off: number, size: number, value: number): void {
    let touched = false;
    for (let i = 0; i < size; i++) {
      const o = off + i;
      if (o < 0 || o >= CONFIG_SPACE_SIZE) continue;
      const b = (value >>> (8 * i)) & 0xff;
      const wm = this.wmask[o]!;
      const cm = this.w1cmask[o]!;
      const old = this.bytes[o]!;
      this.bytes[o] = ((old & ~wm) | (b & wm)) & ~(b & cm) & 0xff;
      touched = true;
    }
    if (!touched) return;
    for (const h of this.hooks) if (off < h.end && h.start < off + size) h.hook(off, size);
  }
}

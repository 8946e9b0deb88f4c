/**
 * Register tables for GDB target descriptions, shared by the CPU plugins.
 *
 * A CPU lists its registers once (feature, name, width, GDB type, accessors); this module
 * writes the `target.xml` (GDB manual, "Target Descriptions", G.2 and G.4) with explicit
 * `regnum`s, and encodes values the way the remote protocol carries them: each register as
 * its bytes in target (little-endian) order, `g` carrying the registers marked `inG` in
 * regnum order (GDB manual E.4, "g" packet).
 */

export interface RegisterDef {
  /** Target-description feature, e.g. `org.gnu.gdb.riscv.cpu`. */
  readonly feature: string;
  readonly name: string;
  readonly bitsize: number;
  /** Remote register number (the `p`/`P` packets' n). */
  readonly regnum: number;
  /** GDB type (`int`, `code_ptr`, `data_ptr`, `ieee_double`, `uint128`, ...); `int` if absent. */
  readonly type?: string;
  /** `general`, `float`, `system`, ... (GDB's `info registers` groups). */
  readonly group?: string;
  /** Part of the `g` packet (the core registers; the rest is fetched with `p`). */
  readonly inG?: boolean;
  get(): bigint;
  /** Absent: read-only. */
  set?(v: bigint): void;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/** `target.xml` for `architecture` with the registers grouped by feature in first-seen order. */
export function targetDescriptionXml(architecture: string, regs: readonly RegisterDef[], extraTypes: Readonly<Record<string, string>> = {}): string {
  const features = new Map<string, RegisterDef[]>();
  for (const r of regs) {
    let f = features.get(r.feature);
    if (f === undefined) features.set(r.feature, (f = []));
    f.push(r);
  }
  let xml = '<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target version="1.0">\n';
  xml += `<architecture>${escapeXml(architecture)}</architecture>\n`;
  for (const [name, list] of features) {
    xml += `<feature name="${escapeXml(name)}">\n`;
    if (extraTypes[name] !== undefined) xml += extraTypes[name] + '\n';
    for (const r of list) {
      xml += `  <reg name="${escapeXml(r.name)}" bitsize="${r.bitsize}" regnum="${r.regnum}"`;
      if (r.type !== undefined) xml += ` type="${escapeXml(r.type)}"`;
      if (r.group !== undefined) xml += ` group="${escapeXml(r.group)}"`;
      xml += '/>\n';
    }
    xml += '</feature>\n';
  }
  return xml + '</target>\n';
}

/** Little-endian bytes of `v` (two's complement, truncated) in `bits / 8` bytes. */
export function encodeLE(v: bigint, bits: number): Uint8Array {
  const out = new Uint8Array(bits / 8);
  let x = BigInt.asUintN(bits, v);
  for (let i = 0; i < out.length; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

export function decodeLE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** The DebugCore register methods over a register table. */
export class RegisterFile {
  private readonly byNum = new Map<number, RegisterDef>();
  private readonly g: RegisterDef[];

  constructor(readonly regs: readonly RegisterDef[]) {
    for (const r of regs) this.byNum.set(r.regnum, r);
    this.g = regs.filter((r) => r.inG === true).sort((a, b) => a.regnum - b.regnum);
  }

  readRegisters(): Uint8Array {
    const parts = this.g.map((r) => encodeLE(r.get(), r.bitsize));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  writeRegisters(bytes: Uint8Array): void {
    let o = 0;
    for (const r of this.g) {
      const n = r.bitsize / 8;
      if (o + n > bytes.length) break;
      r.set?.(decodeLE(bytes.subarray(o, o + n)));
      o += n;
    }
  }

  readRegister(regno: number): Uint8Array | undefined {
    const r = this.byNum.get(regno);
    return r === undefined ? undefined : encodeLE(r.get(), r.bitsize);
  }

  writeRegister(regno: number, bytes: Uint8Array): boolean {
    const r = this.byNum.get(regno);
    if (r === undefined || r.set === undefined || bytes.length !== r.bitsize / 8) return false;
    r.set(decodeLE(bytes));
    return true;
  }
}

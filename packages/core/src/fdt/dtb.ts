/**
 * The flattened device-tree (DTB) format: devicetree specification v0.4, chapter 5.
 *
 * Layout written (the same order dtc uses, so our output and dtc's can be compared byte for
 * byte): the 40-byte header (§5.2), the memory reservation block (§5.3, 8-byte aligned), the
 * structure block (§5.4, 4-byte aligned tokens) and the strings block (§5.5, unaligned).
 */

import { SimError } from '../util/errors.js';
import { FdtNode, PhandleAllocator } from './node.js';

/** §5.2: magic value of the header, big-endian. */
export const FDT_MAGIC = 0xd00dfeed;
/** §5.4.1 structure block tokens. */
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

/** Version written; §5.2 says version 17 is backwards compatible with 16. */
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;
const HEADER_SIZE = 40;

export interface WriteDtbOptions {
  /** `boot_cpuid_phys`: the physical id of the boot CPU (§5.2). */
  bootCpuId?: number;
  /** Memory reservation block entries (address, size) (§5.3). */
  reserve?: Array<[number | bigint, number | bigint]>;
}

/** A DTB as read back, with its header fields. */
export interface DtbInfo {
  root: FdtNode;
  version: number;
  lastCompVersion: number;
  bootCpuId: number;
  reserve: Array<[bigint, bigint]>;
}

/** Check a node or property name can be written to a DTB (it is NUL-terminated there). */
function checkName(kind: string, name: string, where: string): void {
  if (name.includes('\u0000') || (kind === 'node' && name.includes('/'))) {
    throw new SimError(`device tree: ${kind} name ${JSON.stringify(name)} at ${where} contains a character a DTB cannot hold`);
  }
}

/**
 * Strings table with dtc's sharing rule: a name that already occurs in the table, also as
 * the tail of a longer name (`phandle` inside `linux,phandle`), reuses that offset.
 */
class StringTable {
  private text = '';
  private readonly offsets = new Map<string, number>();

  offset(name: string): number {
    let o = this.offsets.get(name);
    if (o !== undefined) return o;
    const needle = name + '\u0000';
    const found = this.text.indexOf(needle);
    if (found >= 0) {
      o = found;
    } else {
      o = this.text.length;
      this.text += needle;
    }
    this.offsets.set(name, o);
    return o;
  }

  bytes(): Uint8Array {
    return new TextEncoder().encode(this.text);
  }
}

/** Growable big-endian byte buffer for the structure block. */
class ByteWriter {
  buf = new Uint8Array(4096);
  dv = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
    this.dv = new DataView(nb.buffer);
  }

  u32(v: number): void {
    this.ensure(4);
    this.dv.setUint32(this.length, v >>> 0, false);
    this.length += 4;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Zero padding up to a multiple of 4 (§5.4.2: tokens are 32-bit aligned). */
  align4(): void {
    const pad = (4 - (this.length & 3)) & 3;
    this.ensure(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }
}

/** Encode `root` as a flattened device tree blob (version 17). */
export function writeDtb(root: FdtNode, opts: WriteDtbOptions = {}): Uint8Array {
  const enc = new TextEncoder();
  const strings = new StringTable();
  const st = new ByteWriter();

  const emit = (n: FdtNode, isRoot: boolean): void => {
    const where = isRoot ? '/' : n.path;
    if (!isRoot) checkName('node', n.name, where);
    st.u32(FDT_BEGIN_NODE);
    // §5.4.1: the root node's name is the empty string.
    st.bytes(enc.encode(isRoot ? '' : n.name));
    st.bytes(new Uint8Array(1));
    st.align4();
    for (const [name, value] of n.props) {
      checkName('property', name, where);
      st.u32(FDT_PROP);
      st.u32(value.length);
      st.u32(strings.offset(name));
      st.bytes(value);
      st.align4();
    }
    for (const c of n.children) emit(c, false);
    st.u32(FDT_END_NODE);
  };
  emit(root, true);
  st.u32(FDT_END);

  const reserve = opts.reserve ?? [];
  const rsvSize = (reserve.length + 1) * 16;
  const strBytes = strings.bytes();
  const offRsv = HEADER_SIZE; // already 8-byte aligned (§5.3)
  const offStruct = offRsv + rsvSize;
  const offStrings = offStruct + st.length;
  const total = offStrings + strBytes.length;

  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, FDT_MAGIC);
  dv.setUint32(4, total);
  dv.setUint32(8, offStruct);
  dv.setUint32(12, offStrings);
  dv.setUint32(16, offRsv);
  dv.setUint32(20, FDT_VERSION);
  dv.setUint32(24, FDT_LAST_COMP_VERSION);
  dv.setUint32(28, (opts.bootCpuId ?? 0) >>> 0);
  dv.setUint32(32, strBytes.length);
  dv.setUint32(36, st.length);
  reserve.forEach(([addr, size], i) => {
    dv.setBigUint64(offRsv + i * 16, BigInt.asUintN(64, BigInt(addr)));
    dv.setBigUint64(offRsv + i * 16 + 8, BigInt.asUintN(64, BigInt(size)));
  });
  out.set(st.buf.subarray(0, st.length), offStruct);
  out.set(strBytes, offStrings);
  return out;
}

function malformed(offset: number, what: string): SimError {
  return new SimError(`malformed DTB at offset 0x${offset.toString(16)}: ${what}`, 'the device tree blob is truncated or corrupt; regenerate it (e.g. with `tessera dtb` or dtc)');
}

/** Read a DTB into a tree. A malformed blob gives a {@link SimError} naming the offset. */
export function parseDtb(bytes: Uint8Array): FdtNode {
  return readDtb(bytes).root;
}

/** Read a DTB with its header information (reservations, boot CPU, version). */
export function readDtb(bytes: Uint8Array): DtbInfo {
  if (bytes.length < HEADER_SIZE) throw malformed(bytes.length, `${bytes.length} bytes is shorter than the 40-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0);
  if (magic !== FDT_MAGIC) throw malformed(0, `bad magic 0x${magic.toString(16)} (expected 0xd00dfeed)`);
  const total = dv.getUint32(4);
  const offStruct = dv.getUint32(8);
  const offStrings = dv.getUint32(12);
  const offRsv = dv.getUint32(16);
  const version = dv.getUint32(20);
  const lastComp = dv.getUint32(24);
  const bootCpuId = dv.getUint32(28);
  const sizeStrings = dv.getUint32(32);
  if (version < 16) throw malformed(20, `version ${version} is older than 16, which this reader needs`);
  if (lastComp > FDT_VERSION) throw malformed(24, `last_comp_version ${lastComp} is newer than 17`);
  if (total > bytes.length) throw malformed(4, `totalsize ${total} is larger than the ${bytes.length} bytes given`);
  if (total < HEADER_SIZE) throw malformed(4, `totalsize ${total} is smaller than the header`);
  // Version 16 headers have no size_dt_struct: the block runs to the strings block or the end.
  const sizeStruct = version >= 17 ? dv.getUint32(36) : Math.max(0, (offStrings > offStruct ? offStrings : total) - offStruct);
  if (offStruct < HEADER_SIZE || offStruct + sizeStruct > total) {
    throw malformed(8, `structure block [0x${offStruct.toString(16)}, +0x${sizeStruct.toString(16)}) lies outside the blob`);
  }
  if ((offStruct & 3) !== 0) throw malformed(8, `structure block offset 0x${offStruct.toString(16)} is not 4-byte aligned`);
  if (offStrings < HEADER_SIZE || offStrings + sizeStrings > total) {
    throw malformed(12, `strings block [0x${offStrings.toString(16)}, +0x${sizeStrings.toString(16)}) lies outside the blob`);
  }
  if (offRsv < HEADER_SIZE || offRsv > total || (offRsv & 7) !== 0) {
    throw malformed(16, `memory reservation block offset 0x${offRsv.toString(16)} is outside the blob or not 8-byte aligned`);
  }

  // §5.3: (address, size) pairs up to an all-zero terminator.
  const reserve: Array<[bigint, bigint]> = [];
  for (let o = offRsv; ; o += 16) {
    if (o + 16 > total) throw malformed(o, 'memory reservation block has no terminating entry');
    const a = dv.getBigUint64(o);
    const s = dv.getBigUint64(o + 8);
    if (a === 0n && s === 0n) break;
    reserve.push([a, s]);
  }

  const dec = new TextDecoder('utf-8', { fatal: false });
  const structEnd = offStruct + sizeStruct;
  const stringsEnd = offStrings + sizeStrings;
  const cstring = (start: number, end: number, what: string): [string, number] => {
    let e = start;
    while (e < end && bytes[e] !== 0) e++;
    if (e >= end) throw malformed(start, `${what} is not NUL-terminated inside its block`);
    return [dec.decode(bytes.subarray(start, e)), e + 1];
  };
  const token = (o: number): number => {
    if (o + 4 > structEnd) throw malformed(o, 'structure block ends before FDT_END');
    return dv.getUint32(o);
  };

  const allocator = new PhandleAllocator();
  let root: FdtNode | undefined;
  let cur: FdtNode | undefined;
  let o = offStruct;
  for (;;) {
    const at = o;
    const tok = token(o);
    o += 4;
    if (tok === FDT_NOP) continue;
    if (tok === FDT_BEGIN_NODE) {
      const [name, next] = cstring(o, structEnd, 'node name');
      o = (next + 3) & ~3;
      if (cur === undefined) {
        if (root !== undefined) throw malformed(at, 'a second root node');
        if (name !== '') throw malformed(at, `root node has name ${JSON.stringify(name)} (must be empty)`);
        root = new FdtNode('', allocator);
        cur = root;
      } else {
        if (name === '') throw malformed(at, `empty node name under ${cur.path}`);
        const n = new FdtNode(name, allocator);
        n.parent = cur;
        cur.children.push(n);
        cur = n;
      }
    } else if (tok === FDT_END_NODE) {
      if (cur === undefined) throw malformed(at, 'FDT_END_NODE outside any node');
      adoptPhandle(cur, at);
      cur = cur.parent;
    } else if (tok === FDT_PROP) {
      if (cur === undefined) throw malformed(at, 'FDT_PROP outside any node');
      if (o + 8 > structEnd) throw malformed(at, 'property header runs past the structure block');
      const len = dv.getUint32(o);
      const nameoff = dv.getUint32(o + 4);
      o += 8;
      if (len > structEnd - o) throw malformed(at, `property value of ${len} bytes runs past the structure block`);
      if (nameoff >= sizeStrings) throw malformed(at, `property name offset ${nameoff} is outside the strings block`);
      const [pname] = cstring(offStrings + nameoff, stringsEnd, 'property name');
      cur.props.set(pname, bytes.slice(o, o + len));
      o = (o + len + 3) & ~3;
    } else if (tok === FDT_END) {
      if (cur !== undefined) throw malformed(at, `FDT_END while node ${cur.path} is still open`);
      if (root === undefined) throw malformed(at, 'FDT_END before any node');
      break;
    } else {
      throw malformed(at, `unknown token 0x${tok.toString(16)}`);
    }
  }
  return { root: root, version, lastCompVersion: lastComp, bootCpuId, reserve };
}

/** A node's `phandle` (or legacy `linux,phandle`) becomes its allocated phandle. */
function adoptPhandle(n: FdtNode, at: number): void {
  const p = n.props.get('phandle') ?? n.props.get('linux,phandle');
  if (p === undefined) return;
  if (p.length !== 4) throw malformed(at, `${n.path}: phandle property is ${p.length} bytes, not 4`);
  const v = new DataView(p.buffer, p.byteOffset, 4).getUint32(0);
  if (v === 0 || v === 0xffffffff) return; // §2.3.3: not valid phandle values; keep the bytes as they are
  n.setPhandle(v, n.props.has('phandle'));
}

/**
 * The first difference between two trees (node names, property order and bytes, child
 * order), as a readable string, or undefined when they are equal.
 */
export function fdtDiff(a: FdtNode, b: FdtNode): string | undefined {
  const path = a.parent === undefined ? '/' : a.path;
  if (a.name !== b.name) return `${path}: node name ${JSON.stringify(a.name)} vs ${JSON.stringify(b.name)}`;
  const ak = [...a.props.keys()];
  const bk = [...b.props.keys()];
  if (ak.join('\u0000') !== bk.join('\u0000')) return `${path}: properties [${ak.join(', ')}] vs [${bk.join(', ')}]`;
  for (const k of ak) {
    const av = a.props.get(k)!;
    const bv = b.props.get(k)!;
    if (av.length !== bv.length || av.some((x, i) => x !== bv[i])) {
      return `${path}: property ${k} = ${hexBytes(av)} vs ${hexBytes(bv)}`;
    }
  }
  const an = a.children.map((c) => c.name);
  const bn = b.children.map((c) => c.name);
  if (an.join('/') !== bn.join('/')) return `${path}: children [${an.join(', ')}] vs [${bn.join(', ')}]`;
  for (let i = 0; i < a.children.length; i++) {
    const d = fdtDiff(a.children[i]!, b.children[i]!);
    if (d !== undefined) return d;
  }
  return undefined;
}

function hexBytes(v: Uint8Array): string {
  return '[' + [...v].map((x) => x.toString(16).padStart(2, '0')).join(' ') + ']';
}

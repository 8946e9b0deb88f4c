/**
 * Device-tree nodes as plugins build them (devicetree specification v0.4).
 *
 * Property values are stored in their encoded form (big-endian cells, NUL-terminated
 * strings) so that writing a DTB is a plain copy; `cells`, `u64`, `str`, `strs`, ... encode
 * on the way in. Phandles are allocated on demand by the tree ({@link FdtNode.phandle}).
 */

export type FdtPropValue = Uint8Array;

export class FdtNode {
  readonly props = new Map<string, FdtPropValue>();
  readonly children: FdtNode[] = [];
  parent: FdtNode | undefined;
  /** Label written in DTS output (`label: node@unit`), optional. */
  label: string | undefined;
  private phandleValue = 0;

  constructor(
    /** Full node name including the unit address, e.g. `serial@10000000`; '' for the root. */
    readonly name: string,
    private readonly allocator: PhandleAllocator = new PhandleAllocator(),
  ) {}

  /** Path from the root, e.g. `/soc/serial@10000000`. */
  get path(): string {
    if (this.parent === undefined) return '/';
    const pp = this.parent.path;
    return (pp === '/' ? '' : pp) + '/' + this.name;
  }

  /** The child named `name`, created if missing. */
  child(name: string): FdtNode {
    const existing = this.children.find((c) => c.name === name);
    if (existing !== undefined) return existing;
    const n = new FdtNode(name, this.allocator);
    n.parent = this;
    this.children.push(n);
    return n;
  }

  /** Find a descendant by path relative to this node (`soc/serial@10000000`). */
  find(path: string): FdtNode | undefined {
    let n: FdtNode | undefined = this;
    for (const part of path.split('/').filter((p) => p !== '')) {
      n = n.children.find((c) => c.name === part || c.name.split('@')[0] === part);
      if (n === undefined) return undefined;
    }
    return n;
  }

  removeChild(name: string): void {
    const i = this.children.findIndex((c) => c.name === name);
    if (i >= 0) this.children.splice(i, 1);
  }

  /** This node's phandle, allocated (and the `phandle` property set) on first use. */
  phandle(): number {
    if (this.phandleValue === 0) {
      this.phandleValue = this.allocator.next();
      this.set('phandle', encodeCells([this.phandleValue]));
    }
    return this.phandleValue;
  }

  /**
   * Adopt a phandle read from a DTB. `writeProperty` false keeps the properties as they are
   * (a node that carries only the legacy `linux,phandle`).
   */
  setPhandle(value: number, writeProperty = true): void {
    this.phandleValue = value;
    this.allocator.reserve(value);
    if (writeProperty) this.set('phandle', encodeCells([value]));
  }

  /** This node's phandle if it has one, without allocating (0 when it has none). */
  get phandleIfAny(): number {
    return this.phandleValue;
  }

  set(name: string, value: FdtPropValue): this {
    this.props.set(name, value);
    return this;
  }

  /** An empty (boolean) property. */
  flag(name: string): this {
    return this.set(name, new Uint8Array(0));
  }

  /** 32-bit cells. */
  cells(name: string, ...values: number[]): this {
    return this.set(name, encodeCells(values));
  }

  /** 64-bit values, each as two cells. */
  u64(name: string, ...values: Array<number | bigint>): this {
    const cells: number[] = [];
    for (const v of values) {
      const b = BigInt(v);
      cells.push(Number((b >> 32n) & 0xffffffffn), Number(b & 0xffffffffn));
    }
    return this.set(name, encodeCells(cells));
  }

  str(name: string, value: string): this {
    return this.set(name, encodeStrings([value]));
  }

  strs(name: string, ...values: string[]): this {
    return this.set(name, encodeStrings(values));
  }

  /** `reg` with the parent's #address-cells/#size-cells (defaults 2 and 1 if unset, devicetree spec v0.4 §2.3.5). */
  reg(...ranges: Array<[number | bigint, number | bigint]>): this {
    const ac = this.parent?.cellCount('#address-cells') ?? 2;
    const sc = this.parent?.cellCount('#size-cells') ?? 1;
    const cells: number[] = [];
    for (const [addr, size] of ranges) {
      cells.push(...splitCells(BigInt(addr), ac), ...splitCells(BigInt(size), sc));
    }
    return this.cells('reg', ...cells);
  }

  /** Decode a property as 32-bit cells. */
  getCells(name: string): number[] | undefined {
    const v = this.props.get(name);
    if (v === undefined) return undefined;
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    const out: number[] = [];
    for (let i = 0; i + 4 <= v.length; i += 4) out.push(dv.getUint32(i, false));
    return out;
  }

  /** Decode a property as strings. */
  getStrings(name: string): string[] | undefined {
    const v = this.props.get(name);
    if (v === undefined) return undefined;
    const s = new TextDecoder().decode(v);
    const parts = s.split('\u0000');
    if (parts[parts.length - 1] === '') parts.pop();
    return parts;
  }

  /** Decode an 8-byte property as one 64-bit value (`linux,initrd-start`, `kaslr-seed`). */
  getU64(name: string): bigint | undefined {
    const v = this.props.get(name);
    if (v === undefined || v.length !== 8) return undefined;
    return new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0, false);
  }

  /** The first string of a property. */
  getString(name: string): string | undefined {
    return this.getStrings(name)?.[0];
  }

  deleteProp(name: string): boolean {
    return this.props.delete(name);
  }

  /** Visit this node and every descendant, depth first, parents before children. */
  walk(visit: (node: FdtNode) => void): void {
    visit(this);
    for (const c of this.children) c.walk(visit);
  }

  /** The node in this subtree whose `phandle` (or `linux,phandle`) is `phandle`. */
  findByPhandle(phandle: number): FdtNode | undefined {
    let found: FdtNode | undefined;
    this.walk((n) => {
      if (found !== undefined) return;
      const p = n.getCells('phandle') ?? n.getCells('linux,phandle');
      if (p !== undefined && p.length === 1 && p[0] === phandle) found = n;
    });
    return found;
  }

  /** Nodes in this subtree whose `compatible` list contains `compatible`. */
  findCompatible(compatible: string): FdtNode[] {
    const out: FdtNode[] = [];
    this.walk((n) => {
      if (n.getStrings('compatible')?.includes(compatible) === true) out.push(n);
    });
    return out;
  }

  /**
   * A deep copy of this subtree, detached, with its own phandle allocator (phandles are
   * kept, new ones go above them): the starting point for a derived tree, such as the one
   * a hypervisor gives a partition. Properties are copied, so editing one tree leaves the
   * other as it was.
   */
  clone(): FdtNode {
    const copy = (src: FdtNode, dst: FdtNode): void => {
      for (const [k, v] of src.props) dst.props.set(k, v.slice());
      dst.label = src.label;
      const ph = src.phandleValue !== 0 ? src.phandleValue : (src.getCells('phandle') ?? src.getCells('linux,phandle'))?.[0] ?? 0;
      if (ph !== 0) dst.setPhandle(ph, false);
      for (const c of src.children) {
        const n = new FdtNode(c.name, dst.allocator);
        n.parent = dst;
        dst.children.push(n);
        copy(c, n);
      }
    };
    const root = new FdtNode(this.name, new PhandleAllocator());
    copy(this, root);
    return root;
  }

  private cellCount(name: string): number | undefined {
    return this.getCells(name)?.[0];
  }
}

export class PhandleAllocator {
  private last = 0;
  next(): number {
    return ++this.last;
  }
  reserve(v: number): void {
    if (v > this.last) this.last = v;
  }
}

export function encodeCells(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setUint32(i * 4, v >>> 0, false));
  return out;
}

export function encodeStrings(values: readonly string[]): Uint8Array {
  const enc = new TextEncoder();
  const parts = values.map((v) => enc.encode(v));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length + 1;
  }
  return out;
}

/** Split a value into `n` big-endian 32-bit cells. */
export function splitCells(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(Number((v >> BigInt(32 * i)) & 0xffffffffn));
  return out;
}

/** A new, empty tree: the root node with its own phandle allocator. */
export function createTree(): FdtNode {
  return new FdtNode('', new PhandleAllocator());
}

/**
 * Device-tree source (DTS v1) output, as accepted by dtc: devicetree specification v0.4
 * chapter 6. `dtc -I dts -O dtb` of the text gives back the same tree, byte for byte.
 *
 * Property values are stored encoded, so their DTS form is guessed the way dtc's own
 * decompiler guesses it: printable NUL-terminated text becomes strings, whole 32-bit words
 * become cells `<...>`, anything else a bytestring `[...]`. Properties known to hold cells
 * are always written as cells, and cells known to be phandles are written as `&label`
 * references to the target node (which keeps its explicit `phandle`, so the value dtc
 * assigns is the same).
 */

import type { FdtNode } from './node.js';

export interface WriteDtsOptions {
  /** `/memreserve/` entries (address, size). */
  reserve?: Array<[number | bigint, number | bigint]>;
}

/** Properties whose every cell is a phandle. */
const PHANDLE_LIST_PROPS = new Set(['interrupt-parent', 'next-level-cache', 'cpu', 'cpu-idle-states', 'memory-region', 'operating-points-v2']);

/** Properties that hold cells even when their bytes happen to look like text. */
const CELL_PROPS = new Set([
  'reg', 'ranges', 'dma-ranges', 'phandle', 'linux,phandle', 'interrupts', 'interrupts-extended', 'interrupt-map',
  'interrupt-map-mask', 'clock-frequency', 'timebase-frequency', 'linux,initrd-start', 'linux,initrd-end',
  'riscv,ndev', 'virtual-reg', 'bus-range', 'msi-parent', 'msi-map', 'iommu-map', 'clocks', 'current-speed',
  'reg-shift', 'reg-io-width', 'linux,pci-domain', 'migrate', 'cpu_on', 'cpu_off', 'cpu_suspend', 'ibm,phandle',
  ...PHANDLE_LIST_PROPS,
]);

const LABEL_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Write `root` as DTS v1 text. */
export function writeDts(root: FdtNode, opts: WriteDtsOptions = {}): string {
  // phandle value -> node, for nodes whose `phandle` property dtc will keep as given.
  const byPhandle = new Map<number, FdtNode>();
  const walk = (n: FdtNode): void => {
    const p = n.props.get('phandle');
    if (p !== undefined && p.length === 4) {
      const v = new DataView(p.buffer, p.byteOffset, 4).getUint32(0);
      if (!byPhandle.has(v)) byPhandle.set(v, n);
    }
    n.children.forEach(walk);
  };
  walk(root);

  // Labels: the node's own label when it is valid, else one made from its name, on demand.
  const labels = new Map<FdtNode, string>();
  const used = new Set<string>();
  const reserveLabel = (n: FdtNode): void => {
    if (n.label !== undefined && LABEL_RE.test(n.label) && !used.has(n.label)) {
      labels.set(n, n.label);
      used.add(n.label);
    }
    n.children.forEach(reserveLabel);
  };
  reserveLabel(root);
  const labelOf = (n: FdtNode): string => {
    let l = labels.get(n);
    if (l !== undefined) return l;
    // A node without a unit address (`interrupt-controller` under each cpu@N) is named after
    // its parent too, so the label says whose it is.
    let name = n.parent === undefined ? 'root' : n.name;
    if (n.parent?.parent !== undefined && !name.includes('@')) name = n.parent.name + '_' + name;
    let base = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = '_' + base;
    l = base;
    for (let i = 1; used.has(l); i++) l = `${base}_${i}`;
    used.add(l);
    labels.set(n, l);
    return l;
  };
  const ref = (v: number): string => {
    const n = byPhandle.get(v);
    return n === undefined ? hex(v) : '&' + labelOf(n);
  };

  // Format every property first, so labels are known before nodes are printed.
  const formatted = new Map<FdtNode, string[]>();
  const format = (n: FdtNode): void => {
    const lines: string[] = [];
    for (const [name, v] of n.props) lines.push(formatProp(n, name, v, ref, byPhandle));
    formatted.set(n, lines);
    n.children.forEach(format);
  };
  format(root);

  const out: string[] = ['/dts-v1/;', ''];
  for (const [a, s] of opts.reserve ?? []) out.push(`/memreserve/ ${hex(a)} ${hex(s)};`);
  if ((opts.reserve ?? []).length > 0) out.push('');
  const print = (n: FdtNode, depth: number): void => {
    const ind = '\t'.repeat(depth);
    const l = labels.get(n);
    const name = n.parent === undefined && depth === 0 ? '/' : n.name;
    out.push(`${ind}${l !== undefined ? l + ': ' : ''}${name} {`);
    for (const line of formatted.get(n)!) out.push(ind + '\t' + line);
    for (const c of n.children) {
      if (formatted.get(n)!.length > 0 || c !== n.children[0]) out.push('');
      print(c, depth + 1);
    }
    out.push(`${ind}};`);
  };
  print(root, 0);
  return out.join('\n') + '\n';
}

function hex(v: number | bigint): string {
  return '0x' + (typeof v === 'bigint' ? BigInt.asUintN(64, v) : v >>> 0).toString(16);
}

function cellsOf(v: Uint8Array): number[] {
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= v.length; i += 4) out.push(dv.getUint32(i));
  return out;
}

/** dtc's test for a string list: printable text, NUL-terminated, no empty strings. */
function isStringList(v: Uint8Array): boolean {
  if (v.length === 0 || v[v.length - 1] !== 0 || v[0] === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === 0) {
      if (v[i - 1] === 0) return false;
    } else if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function quote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

function formatProp(
  node: FdtNode,
  name: string,
  v: Uint8Array,
  ref: (v: number) => string,
  byPhandle: Map<number, FdtNode>,
): string {
  if (v.length === 0) return `${name};`;
  const cellsFit = (v.length & 3) === 0;
  if (cellsFit && (CELL_PROPS.has(name) || name.startsWith('#') || !isStringList(v))) {
    const cells = cellsOf(v);
    let parts: string[];
    if (PHANDLE_LIST_PROPS.has(name)) parts = cells.map(ref);
    else if (name === 'interrupts-extended') parts = interruptsExtended(cells, ref, byPhandle);
    else if (name === 'interrupt-map') parts = interruptMap(node, cells, ref, byPhandle);
    else parts = cells.map((c) => hex(c));
    return `${name} = <${parts.join(' ')}>;`;
  }
  if (isStringList(v)) {
    const strs = new TextDecoder().decode(v.subarray(0, v.length - 1)).split('\u0000');
    return `${name} = ${strs.map(quote).join(', ')};`;
  }
  return `${name} = [${[...v].map((b) => b.toString(16).padStart(2, '0')).join(' ')}];`;
}

/** `<&ctrl spec... &ctrl spec...>`, using each controller's #interrupt-cells; plain numbers if anything does not resolve. */
function interruptsExtended(cells: number[], ref: (v: number) => string, byPhandle: Map<number, FdtNode>): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < cells.length) {
    const ctrl = byPhandle.get(cells[i]!);
    const nc = ctrl?.getCells('#interrupt-cells')?.[0];
    if (ctrl === undefined || nc === undefined || i + 1 + nc > cells.length) return cells.map((c) => hex(c));
    parts.push(ref(cells[i]!), ...cells.slice(i + 1, i + 1 + nc).map((c) => hex(c)));
    i += 1 + nc;
  }
  return parts;
}

/**
 * `interrupt-map` entries (devicetree spec v0.4 §2.4.3.1): child unit address
 * (#address-cells of the node), child specifier (#interrupt-cells of the node), the parent's
 * phandle, parent unit address (the parent's #address-cells, 0 when absent, as Linux reads
 * it) and parent specifier. Plain numbers if anything does not resolve.
 */
function interruptMap(node: FdtNode, cells: number[], ref: (v: number) => string, byPhandle: Map<number, FdtNode>): string[] {
  const plain = (): string[] => cells.map((c) => hex(c));
  const childAddr = node.getCells('#address-cells')?.[0];
  const childIntr = node.getCells('#interrupt-cells')?.[0];
  if (childAddr === undefined || childIntr === undefined) return plain();
  const parts: string[] = [];
  let i = 0;
  while (i < cells.length) {
    const head = childAddr + childIntr;
    if (i + head + 1 > cells.length) return plain();
    const parent = byPhandle.get(cells[i + head]!);
    const pIntr = parent?.getCells('#interrupt-cells')?.[0];
    if (parent === undefined || pIntr === undefined) return plain();
    const pAddr = parent.getCells('#address-cells')?.[0] ?? 0;
    const len = head + 1 + pAddr + pIntr;
    if (i + len > cells.length) return plain();
    parts.push(...cells.slice(i, i + head).map((c) => hex(c)), ref(cells[i + head]!), ...cells.slice(i + head + 1, i + len).map((c) => hex(c)));
    i += len;
  }
  return parts;
}

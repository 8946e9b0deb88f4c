/**
 * What the PLIC and CLINT need to know about a RISC-V CPU cluster, through the conventions
 * every CPU plugin follows: IrqTarget lines `<index>:<input>` and, in the device tree,
 * `/cpus/cpu@<hartid>/interrupt-controller` nodes.
 */

import { isIrqTarget, SimError, type FdtNode, type DeviceTreeContext } from '@tessera/core';

/** A cluster API may say how many harts it has and their hart IDs; otherwise we probe its lines. */
interface ClusterInfo {
  readonly count?: number;
  hartId?(index: number): number;
  readonly hartIds?: readonly number[];
  readonly harts?: readonly unknown[];
  intcNode?(dt: DeviceTreeContext, index: number): FdtNode | undefined;
}

/** Number of harts in `cluster` (its `count`, else the `<i>:msip` inputs it has). */
export function hartCount(cluster: unknown, name: string, probe = 'msip'): number {
  const info = cluster as ClusterInfo;
  if (typeof info?.count === 'number') return info.count;
  if (Array.isArray(info?.harts)) return info.harts.length;
  if (!isIrqTarget(cluster)) throw new SimError(`'${name}' is not a CPU cluster (it has no interrupt inputs)`);
  let n = 0;
  while (n < 4096 && cluster.irqInput(`${n}:${probe}`) !== undefined) n++;
  if (n === 0) throw new SimError(`'${name}' has no '0:${probe}' interrupt input: is it a RISC-V hart cluster?`);
  return n;
}

/** The hart ID of core `index` of `cluster`. */
export function hartId(cluster: unknown, index: number): number {
  const info = cluster as ClusterInfo;
  if (typeof info?.hartId === 'function') return info.hartId(index);
  if (Array.isArray(info?.hartIds)) return info.hartIds[index] ?? index;
  return index;
}

/** The per-hart interrupt-controller node (`riscv,cpu-intc`) in the tree, or undefined. */
export function hartIntc(dt: DeviceTreeContext, cluster: unknown, index: number): FdtNode | undefined {
  const info = cluster as ClusterInfo;
  if (typeof info?.intcNode === 'function') return info.intcNode(dt, index);
  const id = hartId(cluster, index);
  const cpu = dt.root.children.find((c) => c.name === 'cpus')?.children.find((c) => c.name === `cpu@${id.toString(16)}` || c.name === `cpu@${id}`);
  return cpu?.children.find((c) => c.name === 'interrupt-controller' || c.name.startsWith('interrupt-controller'));
}

/** RISC-V interrupt cause numbers (privileged 1.12 §3.1.9, mip/mie) of the named inputs. */
export const CAUSE: Record<string, number> = {
  ssip: 1,
  msip: 3,
  stip: 5,
  mtip: 7,
  seip: 9,
  meip: 11,
};

/** Split a CPU line name `3:meip` into its index and input. */
export function splitLine(line: number | string): { index: number; input: string } | undefined {
  const m = /^(\d+):(\w+)$/.exec(String(line));
  return m === null ? undefined : { index: Number(m[1]), input: m[2]! };
}

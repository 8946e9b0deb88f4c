/**
 * Partition layouts: what a machine file's `thin-hypervisor` component says, and the checks
 * that reject a layout which could not be isolated (overlaps, shared harts or devices,
 * memory outside RAM, the table pool inside a partition).
 *
 * The vocabulary follows what Bao's VM configs, Jailhouse cells and Xen dom0less say: a
 * partition owns physical harts, memory regions (guest physical base, host physical base,
 * size), passthrough devices taken from the machine and a console; it boots an image at an
 * entry point in VS-mode.
 */

import { SimError } from '@tessera/core';
import { virtualDevicePlacement, type VirtualDeviceConfig } from './vdevices.js';
import { VPLIC_BASE, VPLIC_NDEV, VPLIC_SIZE } from './vplic.js';

export interface MemoryRegionConfig {
  /** Guest physical base. */
  readonly guest: number;
  /** Host physical base (inside the machine's RAM). */
  readonly host: number;
  readonly size: number;
}

export interface PartitionBootConfig {
  /** An ELF loaded by guest physical address, or a raw image loaded at `entry`. */
  readonly kernel?: string;
  /** Guest physical entry point (default: the ELF entry, else the first memory region). */
  readonly entry?: number;
  /** Initial ramdisk (placed as QEMU places it; /chosen linux,initrd-start/end). */
  readonly initrd?: string;
  /** Kernel command line (/chosen bootargs). */
  readonly append?: string;
}

export interface PartitionConfig {
  /** Physical hart indices (in the cluster) this partition runs on. */
  readonly harts: readonly number[];
  /** vCPUs (default: one per hart); more vCPUs than harts are time-sliced (vCPU i on hart i mod harts). */
  readonly vcpus?: number;
  /** Time slice of vCPUs sharing a hart, in virtual time: `2ms`, `500us`, or microseconds (default 1 ms). */
  readonly 'time-slice'?: number | string;
  readonly memory: readonly MemoryRegionConfig[];
  /** Passthrough devices: component names of the machine. */
  readonly devices?: readonly string[];
  /** Console spec for the partition's SBI console (`stdio`, `file:PATH`, `capture`, `none`). */
  readonly console?: string;
  readonly boot?: PartitionBootConfig;
  /** Virtual devices emulated by the hypervisor (virtio-net), in QEMU virt's virtio-mmio slots. */
  readonly virtual?: readonly VirtualDeviceConfig[];
  /**
   * How passthrough lines reach the guest: `vplic` (default: claimed at HS, emulated vPLIC,
   * VSEIP through hvip) or `hgeip` (direct delivery: a PLIC context routed to a guest
   * external interrupt line of the hart running vCPU 0, see {@link HgeipConfig}).
   */
  readonly 'irq-delivery'?: 'vplic' | 'hgeip';
  readonly hgeip?: HgeipConfig;
}

/**
 * Direct delivery of passthrough lines (H §9.2.4, hgeip/hstatus.VGEIN): `context` is the
 * machine PLIC's context wired to guest external interrupt line `line` (hgeip bit) of the
 * hart that runs the partition's vCPU 0 (e.g. `contexts: [..., cpus:0:sgei1]`).
 */
export interface HgeipConfig {
  readonly context: number;
  readonly line: number;
}

export interface PoolConfig {
  readonly base: number;
  readonly size: number;
}

export interface HypervisorConfig {
  /** The `riscv-hart` cluster. */
  readonly harts: string;
  /** The RAM component that holds partitions' memory and the table pool. */
  readonly ram: string;
  /** Hypervisor-owned memory for G-stage tables. */
  readonly pool: PoolConfig;
  /** `sv39x4` (default) or `sv48x4`. */
  readonly gstage?: 'sv39x4' | 'sv48x4';
  /** G-stage leaves: `large` (1 GiB / 2 MiB where alignment allows, default) or `4k` (only 4 KiB pages). */
  readonly 'gstage-pages'?: 'large' | '4k';
  /**
   * The machine's CLINT (SiFive layout): the firmware layer's timer when the harts have no
   * Sstc, and software interrupts between harts for the hypervisor (without it, a kick sets
   * the target hart's SSIP directly).
   */
  readonly clint?: string;
  /**
   * The machine's PLIC, whose S-mode contexts the hypervisor takes (hart N: context 2N+1)
   * to forward passthrough devices' interrupts into partitions' virtual PLICs.
   */
  readonly plic?: string;
  readonly partitions: Readonly<Record<string, PartitionConfig>>;
}

/** What the checks need to know about the machine. */
export interface MachineFacts {
  readonly hartCount: number;
  readonly ram: { readonly base: number; readonly size: number };
  /** MMIO regions of a device component, undefined if the machine has no such component. */
  deviceRegions(name: string): ReadonlyArray<{ base: number; size: number }> | undefined;
  /** Guest physical address bits of the G-stage mode. */
  readonly gpaBits: number;
  /** PLIC sources of a device component (its device-tree `interrupts`), if any. */
  deviceIrqs?(name: string): readonly number[];
}

/** Does this partition get a virtual PLIC? With virtual devices, or when passthrough interrupts are forwarded. */
export function hasVplic(cfg: HypervisorConfig, p: PartitionConfig): boolean {
  return (p.virtual?.length ?? 0) > 0 || cfg.plic !== undefined;
}

const PAGE = 4096;

function hex(n: number): string {
  return '0x' + n.toString(16);
}

function range(base: number, size: number): string {
  return `[${hex(base)}, ${hex(base + size)})`;
}

function overlaps(a: number, as: number, b: number, bs: number): boolean {
  return a < b + bs && b < a + as;
}

/**
 * Check a layout against the machine. Throws a SimError naming the partitions, harts,
 * devices or ranges involved in the first problem found.
 */
export function validateLayout(cfg: HypervisorConfig, m: MachineFacts): void {
  const names = Object.keys(cfg.partitions);
  if (names.length === 0) throw new SimError('no partitions: give at least one under `partitions:`');
  const { pool } = cfg;
  const { ram } = m;
  if (pool.base % PAGE !== 0 || pool.size % PAGE !== 0) throw new SimError(`pool ${range(pool.base, pool.size)} is not 4 KiB aligned`);
  if (pool.base < ram.base || pool.base + pool.size > ram.base + ram.size) {
    throw new SimError(`pool ${range(pool.base, pool.size)} is outside RAM ${range(ram.base, ram.size)}`);
  }
  if (pool.size < 16 * 1024 * names.length + PAGE) {
    throw new SimError(`pool of ${pool.size} bytes is too small: each partition needs at least a 16 KiB G-stage root table`);
  }
  const hartOwner = new Map<number, string>();
  const deviceOwner = new Map<string, string>();
  const hostRanges: Array<{ owner: string; base: number; size: number }> = [{ owner: 'the hypervisor pool', base: pool.base, size: pool.size }];
  for (const name of names) {
    const p = cfg.partitions[name]!;
    const where = `partition '${name}'`;
    if (p.harts.length === 0) throw new SimError(`${where} has no harts`);
    for (const h of p.harts) {
      if (!Number.isInteger(h) || h < 0 || h >= m.hartCount) throw new SimError(`${where}: hart ${h} does not exist (the cluster has ${m.hartCount})`);
      const other = hartOwner.get(h);
      if (other !== undefined) throw new SimError(`hart ${h} is in two partitions: '${other}' and '${name}'`);
      hartOwner.set(h, name);
    }
    const vcpus = p.vcpus ?? p.harts.length;
    if (!Number.isInteger(vcpus) || vcpus < p.harts.length) {
      throw new SimError(`${where}: ${vcpus} vCPU(s) on ${p.harts.length} harts would leave harts without work`, 'give at least one vCPU per hart (more vCPUs than harts are time-sliced)');
    }
    timeSliceNs(p, where);
    if (p.memory.length === 0) throw new SimError(`${where} has no memory`);
    const guestRanges: Array<{ base: number; size: number; what: string }> = [];
    for (const r of p.memory) {
      const what = `${where} memory guest ${range(r.guest, r.size)} -> host ${range(r.host, r.size)}`;
      if (r.size === 0 || r.guest % PAGE !== 0 || r.host % PAGE !== 0 || r.size % PAGE !== 0) throw new SimError(`${what} is not 4 KiB aligned (or empty)`);
      if (r.host < ram.base || r.host + r.size > ram.base + ram.size) throw new SimError(`${what} is outside RAM ${range(ram.base, ram.size)}`);
      if (r.guest + r.size > 2 ** m.gpaBits) throw new SimError(`${what} is beyond the ${m.gpaBits}-bit guest physical space`);
      for (const o of hostRanges) {
        if (overlaps(r.host, r.size, o.base, o.size)) throw new SimError(`${what} overlaps ${o.owner} at host ${range(o.base, o.size)}`);
      }
      for (const g of guestRanges) {
        if (overlaps(r.guest, r.size, g.base, g.size)) throw new SimError(`${what} overlaps ${g.what} in guest physical space`);
      }
      hostRanges.push({ owner: `partition '${name}' memory`, base: r.host, size: r.size });
      guestRanges.push({ base: r.guest, size: r.size, what: `its region at guest ${range(r.guest, r.size)}` });
    }
    for (const d of p.devices ?? []) {
      const regions = m.deviceRegions(d);
      if (regions === undefined) throw new SimError(`${where}: device '${d}' is not a component of this machine`);
      const other = deviceOwner.get(d);
      if (other !== undefined) throw new SimError(`device '${d}' is in two partitions: '${other}' and '${name}'`);
      deviceOwner.set(d, name);
      if (d === cfg.plic) throw new SimError(`${where}: device '${d}' is the PLIC the hypervisor owns`, 'partitions get a virtual PLIC instead; remove it from `devices:`');
      for (const reg of regions) {
        for (const g of guestRanges) {
          if (overlaps(reg.base, reg.size, g.base, g.size)) throw new SimError(`${where}: device '${d}' at ${range(reg.base, reg.size)} overlaps ${g.what}`);
        }
        const pageBase = Math.floor(reg.base / PAGE) * PAGE;
        guestRanges.push({ base: pageBase, size: Math.ceil((reg.base + reg.size) / PAGE) * PAGE - pageBase, what: `passthrough device '${d}'` });
      }
    }
    validateVirtual(cfg, name, p, guestRanges, m);
  }
}

/** Virtual devices and the virtual PLIC: windows that must trap, sources that must not collide. */
function validateVirtual(cfg: HypervisorConfig, name: string, p: PartitionConfig, guestRanges: Array<{ base: number; size: number; what: string }>, m: MachineFacts): void {
  const where = `partition '${name}'`;
  if (p['irq-delivery'] === 'hgeip') {
    if (cfg.plic === undefined) throw new SimError(`${where}: 'irq-delivery: hgeip' needs the machine's PLIC`, "name it in the hypervisor's 'plic:'");
    if (p.hgeip === undefined) throw new SimError(`${where}: 'irq-delivery: hgeip' needs 'hgeip: { context, line }'`, "the PLIC context wired to the guest external interrupt line of the partition's first hart");
    if (!Number.isInteger(p.hgeip.line) || p.hgeip.line < 1 || p.hgeip.line > 63) throw new SimError(`${where}: guest external interrupt line ${p.hgeip.line} does not exist (1..GEILEN, at most 63)`);
    if (!Number.isInteger(p.hgeip.context) || p.hgeip.context < 0 || p.hgeip.context > 15871) throw new SimError(`${where}: PLIC context ${p.hgeip.context} does not exist`);
    // The guest claims from the physical context directly: only passthrough lines can be there.
    if ((p.virtual?.length ?? 0) > 0) throw new SimError(`${where}: 'irq-delivery: hgeip' cannot carry virtual devices' interrupts`, "the guest claims from the real PLIC context; use 'irq-delivery: vplic' with virtual devices");
  }
  if (!hasVplic(cfg, p)) return;
  for (const g of guestRanges) {
    if (overlaps(VPLIC_BASE, VPLIC_SIZE, g.base, g.size)) throw new SimError(`${where}: its virtual PLIC at ${range(VPLIC_BASE, VPLIC_SIZE)} overlaps ${g.what}`);
  }
  guestRanges.push({ base: VPLIC_BASE, size: VPLIC_SIZE, what: 'the virtual PLIC' });
  const sources = new Map<number, string>();
  for (const d of p.devices ?? []) {
    for (const irq of m.deviceIrqs?.(d) ?? []) sources.set(irq, `passthrough device '${d}'`);
  }
  (p.virtual ?? []).forEach((d, i) => {
    const what = `${where} virtual device ${i} (${String(d.type)})`;
    if (d.type !== 'virtio-net') throw new SimError(`${what}: unknown type`, "the virtual device types are: virtio-net");
    if (d.link !== undefined && d.network !== undefined) throw new SimError(`${what} has both 'link' and 'network'`, "give one: 'link: NAME' joins partitions' devices, 'network:' names a backend");
    const at = virtualDevicePlacement(d, i);
    if (at.base % PAGE !== 0) throw new SimError(`${what}: base ${hex(at.base)} is not 4 KiB aligned`, 'its page must trap on its own (virtio-mmio slots are 0x1000 apart)');
    if (at.base + PAGE > 2 ** m.gpaBits) throw new SimError(`${what} at ${hex(at.base)} is beyond the ${m.gpaBits}-bit guest physical space`);
    for (const g of guestRanges) {
      if (overlaps(at.base, PAGE, g.base, g.size)) throw new SimError(`${what} at ${range(at.base, PAGE)} overlaps ${g.what}`);
    }
    guestRanges.push({ base: at.base, size: PAGE, what: `virtual device ${i}` });
    if (!Number.isInteger(at.irq) || at.irq < 1 || at.irq > VPLIC_NDEV) throw new SimError(`${what}: interrupt ${at.irq} is not a source of the virtual PLIC (1..${VPLIC_NDEV})`);
    const other = sources.get(at.irq);
    if (other !== undefined) throw new SimError(`${what}: interrupt ${at.irq} is already taken by ${other}`);
    sources.set(at.irq, `virtual device ${i}`);
  });
}

/** Time slice limits: 10 µs to 1 s of virtual time. */
const SLICE_MIN_NS = 10_000;
const SLICE_MAX_NS = 1_000_000_000;
export const DEFAULT_TIME_SLICE_NS = 1_000_000;

/** A partition's time slice in nanoseconds of virtual time (`2ms`, `500us`, `1s`, `250000ns`, or a number of µs). */
export function timeSliceNs(p: PartitionConfig, where = 'partition'): number {
  const v = p['time-slice'];
  if (v === undefined) return DEFAULT_TIME_SLICE_NS;
  let ns: number;
  if (typeof v === 'number') ns = v * 1000;
  else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)?\s*$/.exec(v);
    if (m === null) throw new SimError(`${where}: time-slice '${v}' is not a duration`, "write it as '2ms', '500us' or a number of microseconds");
    const unit = m[2] ?? 'us';
    ns = Number(m[1]) * (unit === 'ns' ? 1 : unit === 'ms' ? 1e6 : unit === 's' ? 1e9 : 1e3);
  }
  if (!(ns >= SLICE_MIN_NS && ns <= SLICE_MAX_NS)) throw new SimError(`${where}: time-slice ${v} is outside 10us..1s`);
  return ns;
}

/** Translate a guest physical range of a partition to host physical; undefined if not wholly inside one region. */
export function guestToHost(memory: readonly MemoryRegionConfig[], gpa: number, length: number): number | undefined {
  for (const r of memory) {
    if (gpa >= r.guest && gpa + length <= r.guest + r.size) return r.host + (gpa - r.guest);
  }
  return undefined;
}

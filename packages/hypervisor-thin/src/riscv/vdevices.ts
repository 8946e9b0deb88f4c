/**
 * Virtual devices of a partition: virtio-mmio devices that exist only in the partition's
 * guest physical space, emulated by the hypervisor on the guest's trapped accesses.
 *
 * A `virtio-net` entry gets a QEMU-virt virtio-mmio slot (0x10001000 + 0x1000*i, vPLIC
 * source 1 + i unless given) and is driven by `@tessera/virtio`'s device and transport
 * code. The device's DMA view is an address space of aliases, one per memory region of the
 * partition (guest physical base → host physical base), so a queue buffer outside the
 * partition's memory is simply not RAM to the device (virtio 1.2 §2.7.4: the device then
 * sets DEVICE_NEEDS_RESET) and can never reach another partition's memory. Its interrupt
 * line drives a source of the partition's vPLIC. Links: `link: NAME` joins an
 * in-simulation `@tessera/net` switch of that name (two partitions naming the same link
 * are cabled together), `network:` any backend of `@tessera/net`.
 */

import { AddressSpace, IrqLine, SimError, type ComponentContext, type MmioAccess } from '@tessera/core';
import { openNetBackend, type NetBackendOptions, type NetLink } from '@tessera/net';
import { defaultMac, parseMac, VirtioMmioTransport, VirtioNet, VIRTIO_MMIO_SIZE } from '@tessera/virtio';
import type { MemoryRegionConfig } from './layout.js';

/** QEMU virt's first virtio-mmio slot and the stride between slots. */
export const VIRTIO_SLOT_BASE = 0x1000_1000;
export const VIRTIO_SLOT_STRIDE = 0x1000;
/** QEMU virt wires slot i to PLIC source 1 + i. */
export const VIRTIO_SLOT_IRQ = 1;

export interface VirtioNetDeviceConfig {
  readonly type: 'virtio-net';
  /** Join the in-simulation switch of this name (partitions naming the same link are cabled together). */
  readonly link?: string;
  /** Or any @tessera/net backend. */
  readonly network?: NetBackendOptions;
  readonly mac?: string;
  /** Guest physical base of the 0x200-byte register window (default: the slot's). */
  readonly base?: number;
  /** vPLIC source (default: 1 + slot). */
  readonly irq?: number;
  /** Legacy virtio-mmio version 1 layout. */
  readonly legacy?: boolean;
}

export type VirtualDeviceConfig = VirtioNetDeviceConfig;

/** Where entry `i` of a partition's `virtual:` list sits: its base, window size and source. */
export function virtualDevicePlacement(d: VirtualDeviceConfig, i: number): { base: number; size: number; irq: number } {
  return { base: d.base ?? VIRTIO_SLOT_BASE + VIRTIO_SLOT_STRIDE * i, size: VIRTIO_MMIO_SIZE, irq: d.irq ?? VIRTIO_SLOT_IRQ + i };
}

const ACCESS: MmioAccess = { master: 'hyp', masterId: -1, fault() {} };

export class VirtualDevice {
  readonly base: number;
  readonly size: number;
  readonly irq: number;
  readonly device: VirtioNet;
  readonly transport: VirtioMmioTransport;
  readonly link: NetLink;

  constructor(
    ctx: ComponentContext,
    readonly partition: string,
    readonly index: number,
    readonly cfg: VirtualDeviceConfig,
    memory: readonly MemoryRegionConfig[],
    setLevel: (source: number, high: boolean) => void,
  ) {
    const where = `partition '${partition}' virtual device ${index}`;
    const place = virtualDevicePlacement(cfg, index);
    this.base = place.base;
    this.size = place.size;
    this.irq = place.irq;
    const name = `${partition}.virtio${index}`;
    // The DMA view: the partition's memory only, at guest physical addresses.
    const dma = new AddressSpace(`${name}.dma`);
    memory.forEach((r, k) => dma.addAlias(`${partition}.mem${k}`, r.guest, r.size, ctx.system, r.host));
    let mac: Uint8Array;
    if (cfg.mac !== undefined) {
      const m = parseMac(cfg.mac);
      if (m === undefined || (m[0]! & 1) !== 0) throw new SimError(`${where}: '${cfg.mac}' is not a unicast MAC address`, 'write it as 52:54:00:12:34:56');
      mac = m;
    } else mac = defaultMac(`${ctx.machine.name}/${name}`);
    this.device = new VirtioNet({ name, machine: ctx.machine.name, scheduler: ctx.scheduler, events: ctx.events, dma }, {
      mac,
      link: true,
      mergeableRxBuffers: true,
      checksumOffload: true,
      queueSize: 256,
    });
    const network: NetBackendOptions = cfg.network ?? (cfg.link !== undefined ? { backend: 'switch', switch: cfg.link } : { backend: 'none' });
    this.link = openNetBackend({ name: `${ctx.machine.name}/${name}`, scheduler: ctx.scheduler, events: ctx.events, resolvePath: (p) => ctx.resolvePath(p) }, network, this.device);
    this.device.link = this.link;
    const line = new IrqLine(`${name}.irq`, (high) => setLevel(this.irq, high));
    this.transport = new VirtioMmioTransport(this.device, line, cfg.legacy ?? false);
  }

  contains(gpa: number): boolean {
    return gpa >= this.base && gpa < this.base + this.size;
  }

  reset(): void {
    this.transport.reset();
  }

  /** A trapped guest read of `size` bytes at guest physical `gpa` in the window. */
  read(gpa: number, size: 1 | 2 | 4): number {
    return this.transport.read(gpa - this.base, size, ACCESS);
  }

  write(gpa: number, size: 1 | 2 | 4, value: number): void {
    this.transport.write(gpa - this.base, size, value, ACCESS);
  }

  close(): void {
    this.link.close();
  }
}

/**
 * Component types: one per device and transport.
 *
 * Separate types (`virtio-mmio-net`, `virtio-pci-blk`, ...) rather than one `virtio-mmio`
 * type with a `device:` option, so each has its own schema: a typo in a block-device option
 * is reported against the block device's options, and editors that read the machine schema
 * complete the right option names. Each device is described once ({@link DeviceKind}) and
 * mounted on either transport.
 *
 * ```yaml
 * net0:  { type: virtio-mmio-net, base: 0x10008000, irq: plic:8, mac: 52:54:00:12:34:56, network: { backend: switch, switch: lan0 } }
 * disk0: { type: virtio-mmio-blk, base: 0x10007000, irq: plic:7, image: disk.img }
 * hvc0:  { type: virtio-mmio-console, base: 0x10006000, irq: plic:6, console: stdio }
 * net1:  { type: virtio-net-pci, bus: pcie, device: 1, network: { backend: switch, switch: lan0 } }
 * ```
 */

import { address, defineComponent, definePlugin, file, irq, ref, SimError, type Component, type ComponentContext, type ComponentType, type FdtNode, type IrqRef, type JsonSchema } from '@tessera/core';
import { virtioMmioSlots } from './slots.js';
import { netBackendSchema, openNetBackend, type NetBackendOptions } from '@tessera/net';
import { isPciHost, PciFunction } from '@tessera/pci-msi';
import { BlockImage, VirtioBlk, type BlockMode } from './blk.js';
import { VirtioConsole } from './console.js';
import { VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_RING_PACKED, VIRTIO_ID_BLOCK, VIRTIO_ID_CONSOLE, VIRTIO_ID_NET, type VirtioDevice, type VirtioEnv } from './device.js';
import { VirtioMmioTransport, VIRTIO_MMIO_SIZE } from './mmio.js';
import { defaultMac, parseMac, VirtioNet } from './net.js';
import { VIRTIO_PCI_MODERN_DEVICE_ID_BASE, VIRTIO_PCI_SUBSYSTEM_ID, VIRTIO_PCI_VENDOR_ID, VirtioPciTransport } from './pci.js';

/** Options every device has, whatever its transport. */
interface DeviceCommon {
  'queue-size'?: number;
  packed?: boolean;
}

interface MmioCommon extends DeviceCommon {
  base: number;
  irq: IrqRef;
  legacy?: boolean;
}

interface PciCommon extends DeviceCommon {
  bus: string;
  device: number;
  function?: number;
  'access-platform'?: boolean;
}

const deviceCommon: Record<string, JsonSchema> = {
  'queue-size': { type: 'integer', minimum: 1, maximum: 32768, description: 'maximum size of every queue (default 256)' },
  packed: { type: 'boolean', description: 'offer VIRTIO_F_RING_PACKED, packed virtqueues (virtio 1.2 §2.8; default false, as QEMU)' },
};

const mmioCommon: Record<string, JsonSchema> = {
  base: address('base of the 0x200-byte register window'),
  irq: irq('interrupt line, e.g. plic:8'),
  legacy: { type: 'boolean', description: 'legacy virtio-mmio version 1 (virtio 1.2 §4.2.4) instead of version 2' },
};

const pciCommon: Record<string, JsonSchema> = {
  bus: ref('PCI host bridge (a pci-host-ecam component)'),
  device: { type: 'integer', minimum: 0, maximum: 31, description: 'device (slot) number on the root bus' },
  function: { type: 'integer', minimum: 0, maximum: 7, description: 'function number (default 0)' },
  'access-platform': { type: 'boolean', description: 'offer VIRTIO_F_ACCESS_PLATFORM (default: when the host bridge has a dma-offset)' },
};

/** A device model, independent of the transport it is mounted on. */
interface DeviceKind<O extends object, D extends VirtioDevice> {
  readonly name: string;
  readonly deviceId: number;
  /** PCI class code (base class << 16 | subclass << 8 | interface), as QEMU gives each. */
  readonly classCode: number;
  readonly schema: Record<string, JsonSchema>;
  readonly required: string[];
  /** Check options that do not depend on the transport, before anything is built. */
  check?(ctx: ComponentContext, o: O): void;
  make(ctx: ComponentContext, o: O, env: VirtioEnv): Promise<{ device: D; dispose?: () => void }> | { device: D; dispose?: () => void };
}

/** What a virtio-mmio component's `api` is. */
export interface VirtioMmioApi<D extends VirtioDevice = VirtioDevice> {
  readonly device: D;
  readonly transport: VirtioMmioTransport;
}

/** What a virtio-pci component's `api` is. */
export interface VirtioPciApi<D extends VirtioDevice = VirtioDevice> {
  readonly device: D;
  readonly transport: VirtioPciTransport;
  readonly function: PciFunction;
}

function envOf(ctx: ComponentContext, dma: VirtioEnv['dma']): VirtioEnv {
  return { name: ctx.name, machine: ctx.machine.name, scheduler: ctx.scheduler, events: ctx.events, dma };
}

function mmioType<O extends object, D extends VirtioDevice>(kind: DeviceKind<O, D>, description: string): ComponentType<O & MmioCommon> {
  return defineComponent<O & MmioCommon>({
    description,
    schema: { type: 'object', required: ['base', 'irq', ...kind.required], additionalProperties: false, properties: { ...mmioCommon, ...deviceCommon, ...kind.schema } },
    async create(ctx, o): Promise<Component> {
      kind.check?.(ctx, o);
      const { device, dispose } = await kind.make(ctx, o, envOf(ctx, ctx.system));
      if (o.packed === true && o.legacy !== true) device.deviceFeatures.set(VIRTIO_F_RING_PACKED);
      const line = ctx.irq(o.irq, `${ctx.name}.irq`);
      const transport = new VirtioMmioTransport(device, line, o.legacy ?? false);
      ctx.system.addMmio(ctx.name, o.base, VIRTIO_MMIO_SIZE, transport);
      const api: VirtioMmioApi<D> = { device, transport };
      return {
        api,
        reset() {
          transport.reset();
        },
        deviceTree(dt) {
          const name = `virtio_mmio@${o.base.toString(16)}`;
          // In a slot of a virtio-mmio-slots component (QEMU virt's layout), the slot's node
          // at the root describes this device; its interrupt must be the slot's.
          const slot = dt.root.find(name);
          if (slot !== undefined) {
            checkSlotInterrupt(ctx.name, o.irq, slot, dt.interruptSpecifier(o.irq));
            return;
          }
          const n = dt.soc.child(name);
          n.str('compatible', 'virtio,mmio');
          n.reg([o.base, VIRTIO_MMIO_SIZE]);
          dt.interrupts(n, o.irq);
        },
        dispose,
      };
    },
  });
}

/** A device in a slot must use the slot's interrupt (the flags cell may differ: edge or level). */
function checkSlotInterrupt(name: string, irq: IrqRef, slot: FdtNode, want: { parent: FdtNode; cells: number[] }): void {
  const have = slot.getCells('interrupts') ?? [];
  const parent = slot.getCells('interrupt-parent')?.[0];
  const same = parent === want.parent.phandle() && have.length === want.cells.length && want.cells.every((c, i) => (want.cells.length === 3 && i === 2) || have[i] === c);
  if (!same) {
    throw new SimError(
      `${name}: it sits in the virtio-mmio slot ${slot.name}, whose interrupt is <${have.join(' ')}>, but its irq is ${irq.controller}:${String(irq.line)}`,
      'give it the slot\'s interrupt: slot n of virtio-mmio-slots uses its first line + n',
    );
  }
}

function pciType<O extends object, D extends VirtioDevice>(kind: DeviceKind<O, D>, description: string): ComponentType<O & PciCommon> {
  return defineComponent<O & PciCommon>({
    description,
    schema: { type: 'object', required: ['bus', 'device', ...kind.required], additionalProperties: false, properties: { ...pciCommon, ...deviceCommon, ...kind.schema } },
    async create(ctx, o): Promise<Component> {
      kind.check?.(ctx, o);
      const host = ctx.ref(o.bus);
      if (!isPciHost(host)) throw new SimError(`${ctx.name}: '${o.bus}' is not a PCI host bridge`, 'name a component of type pci-host-ecam as bus');
      // §4.1.2: vendor 0x1af4, device 0x1040 + type, revision 1 for a non-transitional device.
      const fn = new PciFunction(ctx.name, {
        vendorId: VIRTIO_PCI_VENDOR_ID,
        deviceId: VIRTIO_PCI_MODERN_DEVICE_ID_BASE + kind.deviceId,
        classCode: kind.classCode,
        revision: 1,
        subsystemVendorId: VIRTIO_PCI_VENDOR_ID,
        subsystemId: VIRTIO_PCI_SUBSYSTEM_ID,
        interruptPin: 1,
      });
      host.attach(fn, o.device, o.function ?? 0);
      const { device, dispose } = await kind.make(ctx, o, envOf(ctx, fn.dmaSpace!));
      if (o.packed === true) device.deviceFeatures.set(VIRTIO_F_RING_PACKED);
      // §6.1: a device whose bus addresses are not the driver's physical addresses offers
      // VIRTIO_F_ACCESS_PLATFORM, so the driver translates through the platform (dma-ranges).
      if (o['access-platform'] ?? host.dmaOffset !== 0) device.deviceFeatures.set(VIRTIO_F_ACCESS_PLATFORM);
      const transport = new VirtioPciTransport(device, fn);
      const api: VirtioPciApi<D> = { device, transport, function: fn };
      return {
        api,
        reset() {
          transport.reset();
        },
        dispose,
      };
    },
  });
}

interface NetOptions {
  mac?: string;
  link?: 'up' | 'down';
  network?: NetBackendOptions;
  'mrg-rxbuf'?: boolean;
  csum?: boolean;
  'queue-size'?: number;
}

const netKind: DeviceKind<NetOptions, VirtioNet> = {
  name: 'net',
  deviceId: VIRTIO_ID_NET,
  classCode: 0x020000, // network controller, Ethernet
  required: [],
  schema: {
    mac: { type: 'string', pattern: '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$', description: 'MAC address (default: derived from the machine and component names)' },
    link: { enum: ['up', 'down'], description: 'link status at power-on (default up)' },
    network: netBackendSchema(),
    'mrg-rxbuf': { type: 'boolean', description: 'offer VIRTIO_NET_F_MRG_RXBUF (default true)' },
    csum: { type: 'boolean', description: 'offer VIRTIO_NET_F_CSUM, transmit checksum offload (default true)' },
  },
  check(ctx, o) {
    if (o.mac === undefined) return;
    const m = parseMac(o.mac);
    if (m === undefined) throw new SimError(`${ctx.name}: '${o.mac}' is not a MAC address`, 'write it as 52:54:00:12:34:56');
    if ((m[0]! & 1) !== 0) throw new SimError(`${ctx.name}: '${o.mac}' is a multicast address`, 'the first byte of a NIC address must be even (e.g. 52:54:00:...)');
  },
  async make(ctx, o, env) {
    const mac = o.mac !== undefined ? parseMac(o.mac)! : defaultMac(`${ctx.machine.name}/${ctx.name}`);
    const dev = new VirtioNet(env, {
      mac,
      link: o.link !== 'down',
      mergeableRxBuffers: o['mrg-rxbuf'] ?? true,
      checksumOffload: o.csum ?? true,
      queueSize: o['queue-size'] ?? 256,
    });
    const link = openNetBackend(
      { name: `${ctx.machine.name}/${ctx.name}`, scheduler: ctx.scheduler, events: ctx.events, resolvePath: (p) => ctx.resolvePath(p) },
      o.network ?? { backend: 'none' },
      dev,
    );
    dev.link = link;
    // A socket that cannot be bound is a configuration error, reported before the run starts.
    if (link.ready !== undefined) {
      try {
        await link.ready;
      } catch (e) {
        link.close();
        throw e;
      }
    }
    return { device: dev, dispose: () => dev.link?.close() };
  },
};

interface BlkOptions {
  image: string;
  readonly?: boolean;
  writable?: boolean;
  serial?: string;
  'queue-size'?: number;
}

const blkKind: DeviceKind<BlkOptions, VirtioBlk> = {
  name: 'blk',
  deviceId: VIRTIO_ID_BLOCK,
  classCode: 0x010000, // mass storage, SCSI (what QEMU's virtio-blk-pci reports)
  required: ['image'],
  schema: {
    image: file('raw disk image'),
    readonly: { type: 'boolean', description: 'offer VIRTIO_BLK_F_RO; writes fail' },
    writable: { type: 'boolean', description: 'write through to the image file (default: writes go to an in-memory overlay and the image is never modified)' },
    serial: { type: 'string', maxLength: 20, description: 'GET_ID string (default: the component name)' },
  },
  check(ctx, o) {
    if (o.readonly === true && o.writable === true) throw new SimError(`${ctx.name}: 'readonly' and 'writable' cannot both be true`, 'choose one; without either, writes go to an in-memory overlay');
  },
  make(ctx, o, env) {
    const mode: BlockMode = o.readonly === true ? 'readonly' : o.writable === true ? 'writable' : 'overlay';
    const image = new BlockImage(ctx.resolvePath(o.image), mode);
    const dev = new VirtioBlk(env, image, { queueSize: o['queue-size'] ?? 256, serial: o.serial ?? ctx.name });
    return { device: dev, dispose: () => image.close() };
  },
};

interface ConsoleOptions {
  console?: string;
  'queue-size'?: number;
}

const consoleKind: DeviceKind<ConsoleOptions, VirtioConsole> = {
  name: 'console',
  deviceId: VIRTIO_ID_CONSOLE,
  classCode: 0x078000, // simple communication controller, other
  required: [],
  schema: {
    console: { type: 'string', description: 'stdio | file:PATH | none | capture (default none)' },
  },
  make(ctx, o, env) {
    const port = ctx.console(o.console ?? 'none');
    return { device: new VirtioConsole(env, port, o['queue-size'] ?? 128) };
  },
};

export const virtioMmioNet = mmioType(netKind, 'virtio-net over virtio-mmio: a NIC on a @tessera/net backend (switch, pcap, socket)');
export const virtioMmioBlk = mmioType(blkKind, 'virtio-blk over virtio-mmio: a raw disk image, copy-on-write by default');
export const virtioMmioConsole = mmioType(consoleKind, 'virtio-console over virtio-mmio: a second console (hvc0) on a Tessera console port');
export const virtioPciNet = pciType(netKind, 'virtio-net over modern virtio-pci: a NIC on a @tessera/net backend (switch, pcap, socket)');
export const virtioPciBlk = pciType(blkKind, 'virtio-blk over modern virtio-pci: a raw disk image, copy-on-write by default');
export const virtioPciConsole = pciType(consoleKind, 'virtio-console over modern virtio-pci: a second console (hvc0) on a Tessera console port');

export const virtioPlugin = definePlugin({
  name: '@tessera/virtio',
  version: '0.1.0',
  description: 'virtio 1.2 devices over virtio-mmio and virtio-pci: net, block, console',
  components: {
    'virtio-mmio-net': virtioMmioNet,
    'virtio-mmio-blk': virtioMmioBlk,
    'virtio-mmio-console': virtioMmioConsole,
    'virtio-net-pci': virtioPciNet,
    'virtio-blk-pci': virtioPciBlk,
    'virtio-console-pci': virtioPciConsole,
    'virtio-mmio-slots': virtioMmioSlots,
  },
});

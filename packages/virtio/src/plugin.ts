/**
 * Component types: one per device, each over the MMIO transport.
 *
 * Separate types (`virtio-mmio-net`, `virtio-mmio-blk`, `virtio-mmio-console`) rather than one
 * `virtio-mmio` type with a `device:` option, so each has its own schema: a typo in a
 * block-device option is reported against the block device's options, and editors that
 * read the machine schema complete the right option names.
 *
 * ```yaml
 * net0:  { type: virtio-mmio-net, base: 0x10008000, irq: plic:8, mac: 52:54:00:12:34:56, network: { backend: switch, switch: lan0 } }
 * disk0: { type: virtio-mmio-blk, base: 0x10007000, irq: plic:7, image: disk.img }
 * hvc0:  { type: virtio-mmio-console, base: 0x10006000, irq: plic:6, console: stdio }
 * ```
 */

import { address, defineComponent, definePlugin, file, irq, SimError, type Component, type ComponentContext, type IrqRef, type JsonSchema } from '@tessera/core';
import { netBackendSchema, openNetBackend, type NetBackendOptions } from '@tessera/net';
import { BlockImage, VirtioBlk, type BlockMode } from './blk.js';
import { VirtioConsole } from './console.js';
import { VIRTIO_F_RING_PACKED, type VirtioDevice, type VirtioEnv } from './device.js';
import { VirtioMmioTransport, VIRTIO_MMIO_SIZE } from './mmio.js';
import { defaultMac, parseMac, VirtioNet } from './net.js';

interface MmioCommon {
  base: number;
  irq: IrqRef;
  legacy?: boolean;
  'queue-size'?: number;
  packed?: boolean;
}

const common: Record<string, JsonSchema> = {
  base: address('base of the 0x200-byte register window'),
  irq: irq('interrupt line, e.g. plic:8'),
  legacy: { type: 'boolean', description: 'legacy virtio-mmio version 1 (virtio 1.2 §4.2.4) instead of version 2' },
  'queue-size': { type: 'integer', minimum: 1, maximum: 32768, description: 'QueueNumMax of every queue (default 256)' },
  packed: { type: 'boolean', description: 'offer VIRTIO_F_RING_PACKED, packed virtqueues (virtio 1.2 §2.8; default false, as QEMU)' },
};

function schema(extra: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', required: ['base', 'irq', ...required], additionalProperties: false, properties: { ...common, ...extra } };
}

/** What a virtio-mmio component's `api` is. */
export interface VirtioMmioApi<D extends VirtioDevice = VirtioDevice> {
  readonly device: D;
  readonly transport: VirtioMmioTransport;
}

function envOf(ctx: ComponentContext): VirtioEnv {
  return { name: ctx.name, machine: ctx.machine.name, scheduler: ctx.scheduler, events: ctx.events, dma: ctx.system };
}

function mount<D extends VirtioDevice>(ctx: ComponentContext, o: MmioCommon, device: D, dispose?: () => void): Component {
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
      const n = dt.soc.child(`virtio_mmio@${o.base.toString(16)}`);
      n.str('compatible', 'virtio,mmio');
      n.reg([o.base, VIRTIO_MMIO_SIZE]);
      dt.interrupts(n, o.irq);
    },
    dispose,
  };
}

interface NetOptions extends MmioCommon {
  mac?: string;
  link?: 'up' | 'down';
  network?: NetBackendOptions;
  'mrg-rxbuf'?: boolean;
  csum?: boolean;
}

export const virtioMmioNet = defineComponent<NetOptions>({
  description: 'virtio-net over virtio-mmio: a NIC on a @tessera/net backend (switch, pcap, socket)',
  schema: schema({
    mac: { type: 'string', pattern: '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$', description: 'MAC address (default: derived from the machine and component names)' },
    link: { enum: ['up', 'down'], description: 'link status at power-on (default up)' },
    network: netBackendSchema(),
    'mrg-rxbuf': { type: 'boolean', description: 'offer VIRTIO_NET_F_MRG_RXBUF (default true)' },
    csum: { type: 'boolean', description: 'offer VIRTIO_NET_F_CSUM, transmit checksum offload (default true)' },
  }),
  async create(ctx, o) {
    let mac: Uint8Array;
    if (o.mac !== undefined) {
      const m = parseMac(o.mac);
      if (m === undefined) throw new SimError(`${ctx.name}: '${o.mac}' is not a MAC address`, 'write it as 52:54:00:12:34:56');
      if ((m[0]! & 1) !== 0) throw new SimError(`${ctx.name}: '${o.mac}' is a multicast address`, 'the first byte of a NIC address must be even (e.g. 52:54:00:...)');
      mac = m;
    } else mac = defaultMac(`${ctx.machine.name}/${ctx.name}`);
    const dev = new VirtioNet(envOf(ctx), {
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
    return mount(ctx, o, dev, () => dev.link?.close());
  },
});

interface BlkOptions extends MmioCommon {
  image: string;
  readonly?: boolean;
  writable?: boolean;
  serial?: string;
}

export const virtioMmioBlk = defineComponent<BlkOptions>({
  description: 'virtio-blk over virtio-mmio: a raw disk image, copy-on-write by default',
  schema: schema(
    {
      image: file('raw disk image'),
      readonly: { type: 'boolean', description: 'offer VIRTIO_BLK_F_RO; writes fail' },
      writable: { type: 'boolean', description: 'write through to the image file (default: writes go to an in-memory overlay and the image is never modified)' },
      serial: { type: 'string', maxLength: 20, description: 'GET_ID string (default: the component name)' },
    },
    ['image'],
  ),
  create(ctx, o) {
    if (o.readonly === true && o.writable === true) throw new SimError(`${ctx.name}: 'readonly' and 'writable' cannot both be true`, 'choose one; without either, writes go to an in-memory overlay');
    const mode: BlockMode = o.readonly === true ? 'readonly' : o.writable === true ? 'writable' : 'overlay';
    const image = new BlockImage(ctx.resolvePath(o.image), mode);
    const dev = new VirtioBlk(envOf(ctx), image, { queueSize: o['queue-size'] ?? 256, serial: o.serial ?? ctx.name });
    return mount(ctx, o, dev, () => image.close());
  },
});

interface ConsoleOptions extends MmioCommon {
  console?: string;
}

export const virtioMmioConsole = defineComponent<ConsoleOptions>({
  description: 'virtio-console over virtio-mmio: a second console (hvc0) on a Tessera console port',
  schema: schema({
    console: { type: 'string', description: 'stdio | file:PATH | none | capture (default none)' },
  }),
  create(ctx, o) {
    const port = ctx.console(o.console ?? 'none');
    const dev = new VirtioConsole(envOf(ctx), port, o['queue-size'] ?? 128);
    return mount(ctx, o, dev);
  },
});

export const virtioPlugin = definePlugin({
  name: '@tessera/virtio',
  version: '0.1.0',
  description: 'virtio 1.2 devices over virtio-mmio: net, block, console',
  components: {
    'virtio-mmio-net': virtioMmioNet,
    'virtio-mmio-blk': virtioMmioBlk,
    'virtio-mmio-console': virtioMmioConsole,
  },
});

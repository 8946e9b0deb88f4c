/**
 * The `thin-hypervisor` component type: partition layouts in a machine file.
 */

import { address, defineComponent, file, object, ref, size, frequency, type Component } from '@tessera/core';
import type { PartitionDeviceTreeProvider, FdtNode } from '@tessera/core';
import { ThinHypervisor } from './hypervisor.js';
import type { HypervisorConfig } from './layout.js';
import { netBackendSchema } from '@tessera/net';

export type ThinHypervisorOptions = HypervisorConfig & { 'timebase-frequency'?: number };

/** The component's API: the hypervisor itself, and each partition's device tree for `tessera dtb --partition`. */
export interface ThinHypervisorApi extends PartitionDeviceTreeProvider {
  readonly hypervisor: ThinHypervisor;
}

const memoryRegion = object({ guest: address('guest physical base'), host: address('host physical base (in RAM)'), size: size() }, ['guest', 'host', 'size']);

/** A virtual device entry (`virtual:`): virtio-net in a virtio-mmio slot of the partition. */
const virtualDevice = object(
  {
    type: { enum: ['virtio-net'], description: 'device type' },
    link: { type: 'string', description: 'join the in-simulation switch of this name (partitions naming the same link are cabled together)' },
    network: netBackendSchema('or any @tessera/net backend (switch, pcap, socket, none)'),
    mac: { type: 'string', pattern: '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$', description: 'MAC address (default: derived from the machine, partition and slot)' },
    base: address('guest physical base of the register window (default: QEMU virt slot 0x10001000 + 0x1000*i)'),
    irq: { type: 'integer', minimum: 1, maximum: 95, description: 'virtual PLIC source (default 1 + i)' },
    legacy: { type: 'boolean', description: 'legacy virtio-mmio version 1 layout' },
  },
  ['type'],
);

const partition = object(
  {
    harts: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, description: 'physical harts (indices in the cluster)' },
    vcpus: { type: 'integer', minimum: 1, description: 'vCPUs (default: one per hart); more than harts are time-sliced' },
    'time-slice': { type: ['integer', 'string'], description: "time slice of vCPUs sharing a hart, virtual time: '2ms', '500us' or microseconds (default 1ms)" },
    memory: { type: 'array', items: memoryRegion, minItems: 1, description: 'memory regions' },
    devices: { type: 'array', items: ref('a device', 'passthrough device (its MMIO regions are mapped 1:1)'), description: 'passthrough devices' },
    console: { type: 'string', description: 'SBI console: stdio, file:PATH, capture, none (default stdio)' },
    virtual: { type: 'array', items: virtualDevice, description: 'virtual devices emulated by the hypervisor' },
    'irq-delivery': { enum: ['vplic', 'hgeip'], description: 'passthrough interrupts through the emulated vPLIC (default) or delivered directly through hgeip/VGEIN' },
    hgeip: object({ context: { type: 'integer', minimum: 0, description: "the machine PLIC's context wired to the guest external interrupt line" }, line: { type: 'integer', minimum: 1, maximum: 63, description: "guest external interrupt line (hgeip bit) of the partition's first hart" } }, ['context', 'line'], 'direct delivery (irq-delivery: hgeip)'),
    boot: object({ kernel: file('ELF, Linux Image or raw image'), initrd: file('initial ramdisk'), entry: address('guest physical entry point'), append: { type: 'string', description: 'kernel command line' } }),
  },
  ['harts', 'memory'],
);

export const thinHypervisor = defineComponent<ThinHypervisorOptions>({
  description: 'thin hypervisor at HS-mode: partitions of harts, memory and devices with G-stage isolation and SBI for VS-mode guests',
  schema: object(
    {
      harts: ref('a riscv-hart cluster'),
      ram: ref('a RAM region', 'the RAM holding partitions and the table pool'),
      pool: object({ base: address(), size: size() }, ['base', 'size'], 'hypervisor-owned memory for G-stage tables'),
      plic: ref('a PLIC', "the machine's PLIC: the hypervisor takes its S-mode contexts to forward passthrough devices' interrupts into virtual PLICs"),
      gstage: { enum: ['sv39x4', 'sv48x4'], description: 'G-stage mode (default sv39x4)' },
      'gstage-pages': { enum: ['large', '4k'], description: "G-stage leaves: 'large' (1 GiB / 2 MiB where aligned, default) or '4k' only" },
      clint: ref('a CLINT', 'the CLINT the firmware layer drives: the timer without Sstc, software interrupts between harts'),
      'timebase-frequency': frequency('timebase-frequency written into partitions\' device trees (default 10MHz)'),
      partitions: { type: 'object', additionalProperties: partition, minProperties: 1, description: 'partitions by name' },
    },
    ['harts', 'ram', 'pool', 'partitions'],
  ),
  create(ctx, o): Component {
    const hyp = new ThinHypervisor(ctx, o);
    const api: ThinHypervisorApi = {
      hypervisor: hyp,
      partitionDeviceTree: (name: string): FdtNode | undefined => hyp.partition(name)?.deviceTree(),
    };
    return {
      api,
      reset: () => hyp.reset(),
      dispose: () => {
        for (const p of hyp.partitions) p.io.close();
      },
    };
  },
});

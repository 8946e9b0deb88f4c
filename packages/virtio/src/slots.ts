/**
 * virtio-mmio slots laid out the way QEMU's `virt` boards do: a row of fixed register
 * windows, each with its own interrupt, described in the device tree whether a device sits
 * in it or not. Devices are ordinary virtio-mmio components placed at a slot's base with
 * the slot's interrupt; every other slot answers as a placeholder with DeviceID 0.
 *
 * virtio 1.2 §4.2.2 (DeviceID): "Value zero (0x0) is used to define a system memory map
 * with placeholder devices at static, well known addresses, assigning functions to them
 * depending on user's needs." Drivers read MagicValue and Version, see DeviceID 0 and leave
 * the slot alone (Linux's virtio_mmio probe returns -ENODEV; U-Boot binds no driver).
 *
 * QEMU's arm `virt` (hw/arm/virt.c): 32 transports of 0x200 bytes from 0x0a000000, slot n
 * on SPI 16 + n (INTID 48 + n), one node `/virtio_mmio@<base>` per slot at the root with
 * `compatible = "virtio,mmio"`, `reg`, `interrupts = <GIC_SPI n+16 IRQ_TYPE_EDGE_RISING>`
 * and `dma-coherent`, added so that they appear lowest address first.
 *
 * ```yaml
 * virtio: { type: virtio-mmio-slots, base: 0x0a00_0000, count: 32, irq: "gic:48", edge-triggered: true }
 * disk0:  { type: virtio-mmio-blk, base: 0x0a00_3e00, irq: "gic:79", image: disk.img }   # slot 31
 * ```
 */

import { address, defineComponent, irq, size, SimError, type Component, type IrqRef, type MmioDevice } from '@tessera/core';
import { MmioReg, VIRTIO_MMIO_MAGIC, VIRTIO_MMIO_SIZE, VIRTIO_MMIO_VENDOR } from './mmio.js';

/**
 * An empty slot: MagicValue, Version 2 and VendorID as a real transport, DeviceID 0, every
 * other register reads as zero and writes are ignored (nothing to configure).
 */
export class VirtioMmioPlaceholder implements MmioDevice {
  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4) return 0;
    switch (offset) {
      case MmioReg.MagicValue:
        return VIRTIO_MMIO_MAGIC;
      case MmioReg.Version:
        return 2;
      case MmioReg.VendorID:
        return VIRTIO_MMIO_VENDOR;
      default:
        return 0; // DeviceID 0 (§4.2.2): a placeholder.
    }
  }

  write(): void {}
}

interface SlotsOptions {
  base: number;
  count: number;
  stride: number;
  irq: IrqRef;
  'edge-triggered'?: boolean;
}

export interface VirtioMmioSlot {
  readonly index: number;
  readonly base: number;
  readonly irq: IrqRef;
  /** Whether a device occupies the slot (known once the machine is connected). */
  occupied: boolean;
}

/** The `api` of a virtio-mmio-slots component. */
export interface VirtioMmioSlotsApi {
  readonly slots: readonly VirtioMmioSlot[];
}

/** Device-tree interrupt flags for a rising edge (dt-bindings/interrupt-controller/irq.h). */
const IRQ_TYPE_EDGE_RISING = 1;

export const virtioMmioSlots = defineComponent<SlotsOptions>({
  description: 'virtio-mmio slots as on QEMU virt boards: placeholders (DeviceID 0) where no device sits, a device-tree node for every slot',
  schema: {
    type: 'object',
    required: ['base', 'irq'],
    additionalProperties: false,
    properties: {
      base: address('base of the first slot'),
      count: { type: 'integer', minimum: 1, maximum: 1024, default: 32, description: 'number of slots (default 32, as QEMU\'s arm virt)' },
      stride: { ...size('distance between slots (default 0x200)'), default: VIRTIO_MMIO_SIZE },
      irq: irq('interrupt of the first slot; slot n uses the line n above it (a numbered line such as gic:48)'),
      'edge-triggered': {
        type: 'boolean',
        description: 'describe the slots\' interrupts as rising-edge in the device tree where the specifier has a flags cell (a GIC\'s third cell), as QEMU\'s arm virt does (default false: the controller\'s own cells)',
      },
    },
  },
  create(ctx, o): Component {
    const first = typeof o.irq.line === 'number' ? o.irq.line : NaN;
    if (!Number.isInteger(first)) {
      throw new SimError(`${ctx.name}: irq '${o.irq.controller}:${String(o.irq.line)}' is not a numbered line`, 'slot n uses the first line + n, so give a number, e.g. gic:48');
    }
    if (o.stride < VIRTIO_MMIO_SIZE) throw new SimError(`${ctx.name}: stride ${o.stride} is smaller than a virtio-mmio register window (0x200)`);
    const slots: VirtioMmioSlot[] = [];
    for (let n = 0; n < o.count; n++) {
      slots.push({ index: n, base: o.base + n * o.stride, irq: { controller: o.irq.controller, line: first + n }, occupied: false });
    }
    const placeholder = new VirtioMmioPlaceholder();
    let mapped = false;
    const api: VirtioMmioSlotsApi = { slots };
    return {
      api,
      // Devices are created after this component (they come later in the file), so the free
      // slots are known only once every component exists.
      connect() {
        if (mapped) return;
        mapped = true;
        for (const s of slots) {
          const end = s.base + VIRTIO_MMIO_SIZE - 1;
          const taken = ctx.system.find(s.base) ?? ctx.system.find(end);
          s.occupied = taken !== undefined;
          if (!s.occupied) ctx.system.addMmio(`${ctx.name}.${s.index}`, s.base, VIRTIO_MMIO_SIZE, placeholder);
        }
      },
      deviceTree(dt) {
        // A device in a slot finds this node and adds none of its own.
        for (const s of slots) {
          const n = dt.root.child(`virtio_mmio@${s.base.toString(16)}`);
          n.str('compatible', 'virtio,mmio');
          n.reg([s.base, VIRTIO_MMIO_SIZE]);
          const spec = dt.interruptSpecifier(s.irq);
          const cells = [...spec.cells];
          if (o['edge-triggered'] === true && cells.length === 3) cells[2] = IRQ_TYPE_EDGE_RISING;
          n.cells('interrupt-parent', spec.parent.phandle());
          n.cells('interrupts', ...cells);
          n.flag('dma-coherent');
        }
      },
    };
  },
});

/**
 * A generic ECAM PCI Express host bridge (`pci-host-ecam-generic`, the one QEMU's `virt`
 * machines have).
 *
 * - Configuration space through ECAM (PCIe Base 4.0 §7.2.2): offset = bus << 20 |
 *   device << 15 | function << 12 | register. Absent functions read as all ones.
 * - Windows: each `ranges` entry maps a CPU physical window onto PCI bus address space at
 *   an offset that need not be zero, so a BAR holds a bus address, not a CPU address.
 * - INTx: the four wires INTA..INTD of the root bus go to the interrupt controller lines
 *   given in `intx`; a device in slot S raising pin P drives wire (S + P - 1) mod 4 (the
 *   standard swizzle, PCI-to-PCI Bridge 1.2 §9.1), described by `interrupt-map`. Functions
 *   sharing a wire are wired-OR'ed by the core, so a level stays high while any asserts it.
 * - DMA and MSI: each function sees bus addresses through its own view (identity onto the
 *   machine's physical space, or shifted by `dma-offset`), with its requester ID as the
 *   master id, so an ITS derives the DeviceID from it.
 */

import {
  AddressSpace,
  address,
  irq,
  object,
  ref,
  size,
  SimError,
  type Component,
  type ComponentContext,
  type DeviceTreeContext,
  type FdtNode,
  type IrqLine,
  type IrqRef,
  type MmioDevice,
} from '@tessera/core';
import type { PciBusPort, PciFunction } from './function.js';

export type WindowKind = 'io' | 'mem32' | 'mem64';

export interface WindowOptions {
  type: WindowKind;
  /** CPU physical base of the window. */
  cpu: number;
  /** PCI bus address the window's first byte decodes to. */
  bus: number;
  size: number;
  prefetchable?: boolean;
}

export interface EcamHostOptions {
  ecam: { base: number; size: number };
  windows: WindowOptions[];
  /** INTA..INTD of the root bus (exactly four). */
  intx?: IrqRef[];
  /** The MSI controller for `msi-parent` (an ITS or a GICv2m frame); optional. */
  'msi-parent'?: string;
  /** Added to a bus address to get the CPU physical address DMA reaches (default 0). */
  'dma-offset'?: number;
  /** PCI domain number for the device tree. */
  domain?: number;
}

export const ecamHostSchema = object(
  {
    ecam: object({ base: address('ECAM base'), size: size('ECAM size: 1 MiB per bus') }, ['base', 'size']),
    windows: {
      type: 'array',
      minItems: 1,
      items: object(
        {
          type: { enum: ['io', 'mem32', 'mem64'] },
          cpu: address('CPU physical base'),
          bus: address('PCI bus address of the first byte'),
          size: size(),
          prefetchable: { type: 'boolean' },
        },
        ['type', 'cpu', 'bus', 'size'],
      ),
    },
    intx: { type: 'array', minItems: 4, maxItems: 4, items: irq('INTA..INTD') },
    'msi-parent': ref('MSI controller'),
    'dma-offset': address('added to bus addresses for DMA'),
    domain: { type: 'integer', minimum: 0 },
  },
  ['ecam', 'windows'],
  'Generic ECAM PCIe host bridge',
);

/** What a PCI device component gets from `ctx.ref(bus)`. */
export interface PciHostApi {
  /** Attach `fn` at `device`.`function` on the root bus. */
  attach(fn: PciFunction, device: number, func?: number): void;
  readonly memSpace: AddressSpace;
  readonly ioSpace: AddressSpace;
  /**
   * What the bridge adds to a bus address for DMA. Non-zero means a device's addresses are
   * not CPU physical addresses, so a virtio device offers VIRTIO_F_ACCESS_PLATFORM.
   */
  readonly dmaOffset: number;
}

export function isPciHost(x: unknown): x is PciHostApi {
  return typeof x === 'object' && x !== null && typeof (x as PciHostApi).attach === 'function';
}

export function createEcamHost(ctx: ComponentContext, o: EcamHostOptions): Component {
  const buses = Math.floor(o.ecam.size / (1 << 20));
  if (buses < 1 || buses > 256) throw new SimError(`'${ctx.name}': an ECAM of ${o.ecam.size} bytes covers ${buses} buses; it must cover 1 to 256 (1 MiB each)`);
  const memSpace = new AddressSpace(`${ctx.name}.mem`);
  const ioSpace = new AddressSpace(`${ctx.name}.io`);
  const functions = new Map<number, PciFunction>();
  const intxLines: IrqLine[] = (o.intx ?? []).map((r, i) => ctx.irq(r, `${ctx.name}.INT${'ABCD'[i]}`));
  const perFunctionIntx = new Map<PciFunction, IrqLine>();
  const dmaOffset = o['dma-offset'] ?? 0;

  for (const [i, w] of o.windows.entries()) {
    const target = w.type === 'io' ? ioSpace : memSpace;
    ctx.system.addAlias(`${ctx.name}.window${i}`, w.cpu, w.size, target, w.bus);
  }

  const port: PciBusPort = {
    memSpace,
    ioSpace,
    setIntx(fn, level) {
      let line = perFunctionIntx.get(fn);
      if (line === undefined) {
        const pin = fn.config.u8(0x3d);
        const slot = (fn.bdf >> 3) & 0x1f;
        const ref = o.intx?.[(slot + pin - 1) % 4];
        if (ref === undefined || pin < 1 || pin > 4) return;
        line = ctx.irq(ref, `${fn.name}.INTx`);
        perFunctionIntx.set(fn, line);
      }
      line.set(level);
    },
    dmaSpace(fn) {
      const view = new AddressSpace(`${ctx.name}.dma.${bdfName(fn.bdf)}`);
      // Bus addresses up to 2^52 reach the machine's physical space shifted by dma-offset.
      const span = 2 ** 52;
      if (dmaOffset >= 0) view.addAlias('dma', 0, span, ctx.system, dmaOffset);
      view.setMaster(fn.name, fn.bdf);
      return view;
    },
    report(fn, what) {
      ctx.events.counter('pci', `${fn.name} guest error`).value++;
      if (ctx.events.wants('pci.error')) ctx.events.emit('pci.error', ctx.name, { function: fn.name, bdf: bdfName(fn.bdf), what });
    },
  };

  const ecam: MmioDevice = {
    read(off, sz) {
      const fn = functions.get(off >>> 12);
      if (fn === undefined) return sz === 4 ? 0xffffffff : sz === 2 ? 0xffff : 0xff;
      return fn.config.read(off & 0xfff, sz);
    },
    write(off, sz, v) {
      functions.get(off >>> 12)?.config.write(off & 0xfff, sz, v);
    },
  };
  ctx.system.addMmio(`${ctx.name}.ecam`, o.ecam.base, o.ecam.size, ecam);

  const api: PciHostApi = {
    memSpace,
    ioSpace,
    dmaOffset,
    attach(fn, device, func = 0) {
      if (device < 0 || device > 31 || func < 0 || func > 7) throw new SimError(`'${fn.name}': PCI device ${device}.${func} is out of range (device 0-31, function 0-7)`);
      const bdf = (device << 3) | func;
      const other = functions.get(bdf);
      if (other !== undefined) throw new SimError(`'${fn.name}' and '${other.name}' are both at PCI ${bdfName(bdf)}`);
      functions.set(bdf, fn);
      fn.attach(port, bdf);
      // A multi-function device says so in function 0's header type (§6.2.1).
      if (func !== 0) {
        const f0 = functions.get(device << 3);
        if (f0 !== undefined) f0.config.set(0x0e, 1, f0.config.u8(0x0e) | 0x80);
      } else if ([...functions.keys()].some((k) => k >> 3 === device && (k & 7) !== 0)) {
        fn.config.set(0x0e, 1, fn.config.u8(0x0e) | 0x80);
      }
    },
  };

  return {
    api,
    reset() {
      for (const fn of functions.values()) fn.reset();
    },
    deviceTree(dt) {
      const n = dt.soc.child(`pcie@${o.ecam.base.toString(16)}`);
      n.str('compatible', 'pci-host-ecam-generic').str('device_type', 'pci');
      n.reg([o.ecam.base, o.ecam.size]);
      n.cells('bus-range', 0, buses - 1);
      n.cells('#address-cells', 3).cells('#size-cells', 2).cells('#interrupt-cells', 1);
      n.cells('linux,pci-domain', o.domain ?? 0);
      n.flag('dma-coherent');
      const ranges: number[] = [];
      for (const w of o.windows) {
        const space = w.type === 'io' ? 0x0100_0000 : w.type === 'mem32' ? 0x0200_0000 : 0x0300_0000;
        const hi = space | (w.prefetchable ? 0x4000_0000 : 0);
        ranges.push(hi, ...cells64(w.bus), ...cells64(w.cpu), ...cells64(w.size));
      }
      n.cells('ranges', ...ranges);
      if (dmaOffset !== 0) n.cells('dma-ranges', 0x0200_0000, ...cells64(0), ...cells64(dmaOffset), ...cells64(2 ** 40));
      if (o.intx !== undefined) writeInterruptMap(n, o.intx, dt);
      const msi = o['msi-parent'];
      if (msi !== undefined) {
        const p = dt.nodeOf(msi);
        if (p === undefined) throw new SimError(`device tree: '${ctx.name}' names '${msi}' as msi-parent, which put no node in the tree`);
        const target = p.children.find((c) => c.props.has('msi-controller')) ?? p;
        // A controller that takes a specifier (an ITS: #msi-cells = 1, the DeviceID) is
        // reached through msi-map, requester ID 0.. -> DeviceID 0.. (devicetree PCI MSI
        // binding, pci-msi.txt), as QEMU describes it; one without (GICv2m) by msi-parent.
        if ((target.getCells('#msi-cells')?.[0] ?? 0) > 0) n.cells('msi-map', 0, target.phandle(), 0, 0x10000);
        else n.cells('msi-parent', target.phandle());
      }
      dt.register(n);
    },
  };
}

/** `interrupt-map` for the four-slot swizzle pattern, with `interrupt-map-mask` <0x1800 0 0 7>. */
function writeInterruptMap(n: FdtNode, intx: IrqRef[], dt: DeviceTreeContext): void {
  const map: number[] = [];
  for (let slot = 0; slot < 4; slot++) {
    for (let pin = 1; pin <= 4; pin++) {
      const spec = dt.interruptSpecifier(intx[(slot + pin - 1) % 4]!);
      // The parent unit address has the parent's #address-cells cells (devicetree spec §2.4.3.1).
      const addrCells = spec.parent.getCells('#address-cells')?.[0] ?? 0;
      map.push(slot << 11, 0, 0, pin, spec.parent.phandle(), ...new Array<number>(addrCells).fill(0), ...spec.cells);
    }
  }
  n.cells('interrupt-map', ...map);
  n.cells('interrupt-map-mask', 0x1800, 0, 0, 7);
}

function cells64(v: number): [number, number] {
  return [Math.floor(v / 2 ** 32) >>> 0, v >>> 0];
}

export function bdfName(bdf: number): string {
  const bus = (bdf >> 8) & 0xff;
  const dev = (bdf >> 3) & 0x1f;
  const fn = bdf & 7;
  return `${bus.toString(16).padStart(2, '0')}:${dev.toString(16).padStart(2, '0')}.${fn}`;
}

/**
 * `pci-test`: a small PCI Express endpoint for exercising hosts, drivers and interrupt
 * routing, and the example of how little a PCI function needs.
 *
 * BAR0 (4 KiB, 32-bit memory) registers:
 *   0x00 RO  magic 0x54455354 ("TEST")
 *   0x04 WO  raise: signal vector N by MSI-X/MSI, or assert INTx when messages are off
 *   0x08 WO  lower: deassert INTx
 *   0x10 RW  DMA bus address, low 32 bits     0x14 RW high 32 bits
 *   0x18 RW  DMA length (at most 256)
 *   0x1c WO  1 = copy from DMA address into the buffer, 2 = copy the buffer to it
 *   0x20 RO  DMA status: 0 ok, 1 failed (outside RAM or bus mastering off)
 *   0x100..0x1ff  the buffer
 * BAR2 (64-bit memory, 16 KiB): MSI-X table at 0x0, PBA at 0x2000.
 */

import { defineComponent, object, ref, type Component, type ComponentContext, type MmioDevice } from '@tessera/core';
import { PciFunction } from './function.js';
import { isPciHost } from './host-ecam.js';

export interface PciTestOptions {
  bus: string;
  device: number;
  function?: number;
  'msix-vectors'?: number;
  'msi-vectors'?: number;
  'interrupt-pin'?: number;
}

export const pciTest = defineComponent<PciTestOptions>({
  description: 'PCIe test endpoint: doorbell, DMA engine, MSI, MSI-X and INTx',
  schema: object(
    {
      bus: ref('PCI host bridge'),
      device: { type: 'integer', minimum: 0, maximum: 31 },
      function: { type: 'integer', minimum: 0, maximum: 7 },
      'msix-vectors': { type: 'integer', minimum: 0, maximum: 64 },
      'msi-vectors': { enum: [0, 1, 2, 4, 8, 16, 32] },
      'interrupt-pin': { type: 'integer', minimum: 0, maximum: 4 },
    },
    ['bus', 'device'],
  ),
  create(ctx: ComponentContext, o: PciTestOptions): Component {
    const host = ctx.ref(o.bus);
    if (!isPciHost(host)) throw new Error(`'${o.bus}' is not a PCI host bridge`);
    const fn = new PciFunction(ctx.name, {
      vendorId: 0x1b36,
      deviceId: 0x0005,
      classCode: 0x00ff00,
      interruptPin: o['interrupt-pin'] ?? 1,
    });
    const buf = new Uint8Array(256);
    let dmaLo = 0;
    let dmaHi = 0;
    let dmaLen = 0;
    let dmaStatus = 0;
    const regs: MmioDevice = {
      read(off, size) {
        if (off >= 0x100 && off < 0x200) {
          let v = 0;
          for (let i = size - 1; i >= 0; i--) v = (v << 8) | (buf[off - 0x100 + i] ?? 0);
          return v >>> 0;
        }
        switch (off) {
          case 0x00: return 0x54455354;
          case 0x10: return dmaLo;
          case 0x14: return dmaHi;
          case 0x18: return dmaLen;
          case 0x20: return dmaStatus;
          default: return 0;
        }
      },
      write(off, size, v) {
        if (off >= 0x100 && off < 0x200) {
          for (let i = 0; i < size; i++) if (off - 0x100 + i < 256) buf[off - 0x100 + i] = (v >>> (8 * i)) & 0xff;
          return;
        }
        switch (off) {
          case 0x04:
            if (!fn.signal(v)) fn.setIntx(true);
            return;
          case 0x08: fn.setIntx(false); return;
          case 0x10: dmaLo = v; return;
          case 0x14: dmaHi = v; return;
          case 0x18: dmaLen = Math.min(v, 256); return;
          case 0x1c: {
            const dma = fn.dmaSpace;
            const addr = dmaHi * 2 ** 32 + dmaLo;
            const view = buf.subarray(0, dmaLen);
            const ok = dma !== undefined && fn.busMaster && (v === 1 ? dma.readBytes(addr, view) : v === 2 ? dma.writeBytes(addr, view) : false);
            dmaStatus = ok ? 0 : 1;
            return;
          }
          default:
            return;
        }
      },
    };
    fn.addBar(0, { size: 4096, kind: 'mem32', device: regs });
    const msix = o['msix-vectors'] ?? 4;
    if (msix > 0) {
      fn.addBar(2, { size: 16384, kind: 'mem64', prefetchable: false, device: { read: () => 0, write: () => {} } });
    }
    fn.addPcieCapability();
    fn.addPmCapability();
    const msi = o['msi-vectors'] ?? 1;
    if (msi > 0) fn.addMsi(msi);
    if (msix > 0) fn.addMsix(msix, { tableBar: 2, tableOffset: 0, pbaBar: 2, pbaOffset: 0x2000 });
    host.attach(fn, o.device, o.function ?? 0);
    return {
      api: fn,
      reset() {
        buf.fill(0);
        dmaLo = dmaHi = dmaLen = dmaStatus = 0;
      },
    };
  },
});

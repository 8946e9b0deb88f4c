/**
 * MSIs from a real PCI model: @tessera/pci-msi's test endpoint behind the ECAM host bridge
 * writes its MSI data to GITS_TRANSLATER through its own bus-master view, whose master id is
 * its requester ID; the ITS takes that as the DeviceID. The same device on a GICv2 machine
 * targets a GICv2m frame instead.
 */
import { describe, expect, it } from 'vitest';
import pciPlugin, { type PciFunction } from '@tessera/pci-msi';
import gicPlugin, { GITS_CMD, SYSREG, type GicV2mApi, type GicV3ComponentApi } from '../src/index.js';
import { accessCtx, rig } from './helpers.js';

const ECAM = 0x3000_0000;
const RAM = 0x4000_0000;
const host = {
  ecam: { base: ECAM, size: 16 << 20 },
  windows: [{ type: 'mem32', cpu: 0x1000_0000, bus: 0x1000_0000, size: 0x1000_0000 }],
};
/** MSI capability of pci-test: after the PCIe (0x3c bytes) and PM (8 bytes) capabilities at 0x40. */
const MSI_CAP = 0x40 + 0x3c + 8;
const DEV = 2; // bus 0, device 2, function 0: requester ID 0x10

describe('PCI MSI through the GIC', () => {
  it('GICv3 ITS: the requester ID is the DeviceID', async () => {
    const r = await rig(2, async (m) => {
      await m.add('gic', gicPlugin.components.gicv3!, { gicd: 0x0800_0000, gicr: 0x080a_0000, cpus: 'cpus', its: { base: 0x0808_0000 } });
      await m.add('pcie', pciPlugin.components['pci-host-ecam']!, host);
      await m.add('nic', pciPlugin.components['pci-test']!, { bus: 'pcie', device: DEV, 'msix-vectors': 0, 'msi-vectors': 1 });
    });
    const gic = r.machine.api<GicV3ComponentApi>('gic')!;
    const sys = r.machine.system;
    const cfg = (reg: number, size: 1 | 2 | 4, v: number): void => sys.write(ECAM + ((DEV << 15) | reg), size, v);
    // GIC and ITS set up as a driver would: LPI tables, ITS tables, MAPD/MAPC/MAPTI for RID 0x10.
    r.wr(0x0800_0000, 2);
    const R1 = 0x080a_0000 + 0x20000;
    r.wr(R1 + 0x14, 0);
    r.wr(R1 + 0x70, (RAM + 0x10000) | 13);
    r.wr(R1 + 0x78, RAM + 0x20000);
    r.wr(R1 + 0x7c, 1 << 30);
    r.wr(R1, 1);
    r.wr(RAM + 0x10000 + 7, 0xa1, 0, 1); // LPI 8199: enabled
    const ci = gic.cpuInterface(1);
    ci.sysregWrite(SYSREG.ICC_PMR_EL1, 0xffn, accessCtx());
    ci.sysregWrite(SYSREG.ICC_IGRPEN1_EL1, 1n, accessCtx());
    const ITS = 0x0808_0000;
    r.wr(ITS + 0x80, RAM + 0x30000);
    r.wr(ITS + 0x84, 1 << 31);
    r.wr(ITS + 0x100, RAM + 0x40000);
    r.wr(ITS + 0x104, (r.rd(ITS + 0x104) & 0x071f0000) | (1 << 31));
    r.wr(ITS + 0x108, RAM + 0x50000);
    r.wr(ITS + 0x10c, (r.rd(ITS + 0x10c) & 0x071f0000) | (1 << 31));
    r.wr(ITS, 1);
    const cmds = [
      [BigInt(GITS_CMD.MAPD) | (0x10n << 32n), 0n, (1n << 63n) | BigInt(RAM + 0x60000)],
      [BigInt(GITS_CMD.MAPC), 0n, (1n << 63n) | (1n << 16n) | 2n],
      [BigInt(GITS_CMD.MAPTI) | (0x10n << 32n), 1n | (8199n << 32n), 2n],
    ];
    cmds.forEach((c, i) => c.forEach((w, k) => sys.write64(RAM + 0x30000 + i * 32 + k * 8, w)));
    r.wr(ITS + 0x88, cmds.length * 32);
    expect(gic.its!.commandErrors).toEqual([]);
    // The function's MSI capability: address = GITS_TRANSLATER, data = EventID 1.
    cfg(MSI_CAP + 4, 4, gic.msiDoorbell!);
    cfg(MSI_CAP + 8, 4, 0);
    cfg(MSI_CAP + 0xc, 2, 1);
    cfg(MSI_CAP + 2, 2, 1);
    cfg(4, 2, 0x6); // memory space + bus master
    expect(r.machine.api<PciFunction>('nic')!.signal(0)).toBe(true);
    expect(r.cluster.level(1, 'irq')).toBe(true);
    expect(ci.sysregRead(SYSREG.ICC_IAR1_EL1, accessCtx())).toBe(8199n);
    expect(gic.its!.translated).toBe(1);
  });

  it('GICv2m: the MSI data is the SPI number', async () => {
    const r = await rig(1, async (m) => {
      await m.add('gic', gicPlugin.components.gicv2!, { gicd: 0x0800_0000, gicc: 0x0801_0000, cpus: 'cpus' });
      await m.add('v2m', gicPlugin.components.gicv2m!, { base: 0x0802_0000, gic: 'gic' });
      await m.add('pcie', pciPlugin.components['pci-host-ecam']!, host);
      await m.add('nic', pciPlugin.components['pci-test']!, { bus: 'pcie', device: DEV, 'msix-vectors': 0, 'msi-vectors': 1 });
    });
    const sys = r.machine.system;
    const cfg = (reg: number, size: 1 | 2 | 4, v: number): void => sys.write(ECAM + ((DEV << 15) | reg), size, v);
    r.wr(0x0800_0000, 1);
    r.wr(0x0801_0000, 1);
    r.wr(0x0801_0004, 0xff);
    r.wr(0x0800_0000 + 0x800 + 100, 1, 0, 1);
    r.wr(0x0800_0000 + 0xc00 + 4 * (100 >> 4), 2 << (2 * (100 & 15))); // edge
    r.wr(0x0800_0000 + 0x100 + 4 * (100 >> 5), 1 << (100 & 31));
    cfg(MSI_CAP + 4, 4, r.machine.api<GicV2mApi>('v2m')!.msiDoorbell);
    cfg(MSI_CAP + 8, 4, 0);
    cfg(MSI_CAP + 0xc, 2, 100);
    cfg(MSI_CAP + 2, 2, 1);
    cfg(4, 2, 0x6);
    expect(r.machine.api<PciFunction>('nic')!.signal(0)).toBe(true);
    expect(r.cluster.level(0, 'irq')).toBe(true);
    expect(r.rd(0x0801_000c)).toBe(100);
  });
});

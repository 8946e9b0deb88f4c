/**
 * Interrupt delivery end to end through @tessera/cpu-aarch64: the guest programs in
 * ../guest (checked on QEMU virt, which records the same for core 0) take SGIs between
 * cores, the generic timer's PPI, the PL011's SPI, a device-driven SPI and an ITS-translated
 * LPI through the GIC models, and record what ICC_IAR1_EL1 / GICC_IAR returned; the `virt`
 * programs inject a virtual interrupt from EL2 through the list registers and take the
 * maintenance interrupt.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Simulation, builtinPlugin, loadElf, type Machine } from '@tessera/core';
import cpuPlugin from '@tessera/cpu-aarch64';
import uartPlugin from '@tessera/uart';
import gicPlugin, { GITS_CMD, type GicV3ComponentApi } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const guest = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(here, '../guest/bin', name)));
const RES = 0x4001_0000;

async function machine(version: 2 | 3, opts: { startEl?: 1 | 2 | 3; its?: boolean; program?: string; cores?: number } = {}): Promise<{ sim: Simulation; m: Machine }> {
  const sim = new Simulation();
  const m = sim.addMachine('virt');
  await m.add('ram', builtinPlugin.components.ram!, { base: 0x4000_0000, size: 0x800_0000 });
  await m.add('cpus', cpuPlugin.components['arm-cpu']!, { count: opts.cores ?? 2, gic: 'gic', entry: 0x4000_0000, 'start-el': opts.startEl ?? 3, psci: 'none' });
  if (version === 3) {
    await m.add('gic', gicPlugin.components.gicv3!, { gicd: 0x0800_0000, gicr: 0x080a_0000, cpus: 'cpus', ...(opts.its ? { its: { base: 0x0808_0000 } } : {}) });
  } else {
    await m.add('gic', gicPlugin.components.gicv2!, { gicd: 0x0800_0000, gicc: 0x0801_0000, gich: 0x0803_0000, gicv: 0x0804_0000, cpus: 'cpus' });
  }
  await m.add('uart0', uartPlugin.components.pl011!, { base: 0x0900_0000, irq: { controller: 'gic', line: 33 }, console: 'capture' });
  m.start();
  loadElf(m.system, guest(`gicv${version}-${opts.program ?? 'smoke'}.elf`));
  return { sim, m };
}

function record(m: Machine, core: number): number[] {
  const base = RES + core * 0x100;
  const n = Number(m.system.read64(base));
  return Array.from({ length: n }, (_, i) => Number(m.system.read64(base + 8 * (i + 1))));
}

describe('interrupt delivery through cpu-aarch64', () => {
  for (const el of [3, 2, 1] as const) {
    it(`GICv3: SGIs between cores, the PL011 SPI and the virtual timer PPI, starting at EL${el}`, async () => {
      const { sim, m } = await machine(3, { startEl: el });
      // A device holds SPI 40 (level, routed to core 0) high for 1 µs at t = 100 µs: core 0
      // takes it, and takes it again after each EOI while the line stays high.
      const spi = m.api<GicV3ComponentApi>('gic')!.irqInput(40)!;
      sim.scheduler.at(100_000, () => spi(true));
      sim.scheduler.at(101_000, () => spi(false));
      sim.run(400_000);
      expect(record(m, 1)).toEqual([1]); // SGI 1 from core 0, targeted by affinity
      const rec = record(m, 0);
      // SGI 2 to itself, the PL011 transmit interrupt, the virtual timer (1000 ticks = 16 µs), SPI 40.
      expect(rec.slice(0, 4)).toEqual([2, 33, 27, 40]);
      expect(rec.slice(3).every((id) => id === 40)).toBe(true);
      expect(rec.length).toBeLessThan(31);
      sim.dispose();
    });
  }

  it('GICv2: SGIs with their source CPU, the PL011 SPI and the timer PPI through the memory-mapped CPU interface', async () => {
    const { sim, m } = await machine(2);
    sim.run(200_000);
    expect(record(m, 1)).toEqual([1 | (0 << 10)]); // SGI 1, source CPU 0 in bits 12:10
    expect(record(m, 0)).toEqual([2, 33, 27]);
    sim.dispose();
  });

  it('GICv3 ITS: an MSI written to GITS_TRANSLATER reaches the guest as an LPI', async () => {
    const { sim, m } = await machine(3, { its: true });
    const sys = m.system;
    const gic = m.api<GicV3ComponentApi>('gic')!;
    // Firmware-style setup from the host: LPI tables, ITS tables and commands.
    const PROP = 0x4400_0000, PEND = 0x4410_0000, CMDQ = 0x4420_0000, DEVT = 0x4430_0000, COLT = 0x4440_0000, ITT = 0x4450_0000;
    for (let c = 0; c < 2; c++) {
      const rd = 0x080a_0000 + c * 0x20000;
      sys.write(rd + 0x70, 4, PROP | 13);
      sys.write(rd + 0x78, 4, PEND + c * 0x10000);
      sys.write(rd + 0x7c, 4, 1 << 30);
      sys.write(rd, 4, 1);
    }
    sys.write(PROP + 5, 1, 0xa0 | 1); // LPI 8197
    sys.write(0x0808_0080, 4, CMDQ);
    sys.write(0x0808_0084, 4, 1 << 31);
    sys.write(0x0808_0100, 4, DEVT);
    sys.write(0x0808_0104, 4, (sys.read(0x0808_0104, 4) & 0x071f0000) | (1 << 31));
    sys.write(0x0808_0108, 4, COLT);
    sys.write(0x0808_010c, 4, (sys.read(0x0808_010c, 4) & 0x071f0000) | (1 << 31));
    sys.write(0x0808_0000, 4, 1);
    const cmds: bigint[][] = [
      [BigInt(GITS_CMD.MAPD) | (0x10n << 32n), 3n, (1n << 63n) | BigInt(ITT)],
      [BigInt(GITS_CMD.MAPC), 0n, (1n << 63n) | (1n << 16n) | 4n],
      [BigInt(GITS_CMD.MAPTI) | (0x10n << 32n), 3n | (8197n << 32n), 4n],
    ];
    cmds.forEach((c, i) => c.forEach((w, k) => sys.write64(CMDQ + i * 32 + k * 8, w)));
    sys.write(0x0808_0088, 4, cmds.length * 32);
    expect(gic.its!.commandErrors).toEqual([]);
    // The device (requester ID 0x10) writes EventID 3 to GITS_TRANSLATER at t = 300 µs.
    sim.scheduler.at(300_000, () => {
      sys.setMaster('pci:00:02.0', 0x10);
      sys.write(0x0809_0040, 4, 3);
    });
    sim.run(600_000);
    expect(record(m, 1)).toEqual([1, 8197]); // the LPI went to collection 4 = core 1
    sim.dispose();
  });

  for (const version of [2, 3] as const) {
    it(`GICv${version} virtualization: EL2 injects a list register, the EL1 guest takes it, its EOI raises the maintenance interrupt at EL2`, async () => {
      const { sim, m } = await machine(version, { startEl: 2, cores: 1, program: 'virt' });
      sim.run(200_000);
      expect(record(m, 0)).toEqual([50]); // ICV_IAR1_EL1 / GICV_IAR at EL1
      expect(record(m, 1)).toEqual([25, 1]); // maintenance PPI 25 at EL2, EISR bit 0
      sim.dispose();
    });
  }
});

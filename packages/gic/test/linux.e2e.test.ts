/**
 * Debian's arm64 Linux kernel on machines/aarch64-virt.yaml (GICv3 + ITS) and
 * aarch64-virt-gicv2.yaml (GICv2 with the virtualization extensions), started at EL2, up to
 * KVM's initialisation: the GIC driver probes the distributor, redistributors, LPI tables and
 * the ITS (or the GICv2 CPU interface), the timer interrupt drives time forward, the PL011
 * gets its SPI, and KVM probes the virtualization interface (ICH_VTR_EL2 / GICH) and its
 * maintenance interrupt. With two CPUs, the secondary's redistributor and CPU interface come
 * up and the IPIs (SGIs) of stop_machine work. Image: `pnpm fetch-images`
 * (.cache/images/arm64/Image).
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSimulation, loadMachine, PluginRegistry, type ConsolePort } from '@tessera/core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WALL = 600_000;

function image(name: string): string | undefined {
  const p = path.join(repoRoot, '.cache', 'images', 'arm64', name);
  if (fs.existsSync(p)) return p;
  if (process.env.CI) throw new Error(`${p} is missing: run 'pnpm fetch-images' before the end-to-end tests`);
  return undefined;
}

async function bootUntil(machine: string, until: RegExp, sets: string[] = []): Promise<string> {
  const registry = new PluginRegistry();
  const kernel = image('Image')!;
  const config = await loadMachine(path.join(repoRoot, 'machines', machine), {
    registry,
    sets: ['components.uart0.console=capture', ...sets],
    overrides: { kernel, append: 'console=ttyAMA0 earlycon=pl011,0x09000000' },
    cwd: repoRoot,
  });
  const { sim, machine: m } = await buildSimulation(config, registry);
  const port = m.api<{ port: ConsolePort }>('uart0')!.port;
  const start = Date.now();
  try {
    while (Date.now() - start < WALL) {
      const stop = sim.run(sim.scheduler.now() + 50_000_000);
      if (until.test(port.captured()) || stop !== undefined) break;
    }
    return port.captured();
  } finally {
    sim.dispose();
  }
}

describe('Linux probes the GIC models', () => {
  it(
    'GICv3 + ITS: distributor, redistributor, LPI tables, ITS tables, PL011 SPI, KVM vgic',
    async (ctx) => {
      if (image('Image') === undefined) return ctx.skip();
      const out = await bootUntil('aarch64-virt.yaml', /kvm \[1\]: Hyp mode initialized successfully|Kernel panic/);
      expect(out).toMatch(/GICv3: 256 SPIs implemented/);
      expect(out).toMatch(/GICv3: CPU0: found redistributor 0 region 0:0x00000000080a0000/);
      expect(out).toMatch(/ITS@0x0000000008080000: allocated \d+ Devices/);
      expect(out).toMatch(/GICv3: using LPI property table/);
      expect(out).toMatch(/PCI\/MSI: \/intc@8000000\/its@8080000 domain created/);
      expect(out).toMatch(/ttyAMA0 at MMIO 0x9000000 \(irq = \d+/);
      expect(out).toMatch(/kvm \[1\]: GIC system register CPU interface enabled/);
      expect(out).toMatch(/kvm \[1\]: vgic interrupt IRQ\d+/);
      expect(out).toMatch(/kvm \[1\]: Hyp mode initialized successfully/);
      expect(out).not.toMatch(/Kernel panic|ITS.*failed|GICv3.*error/i);
    },
    WALL + 60_000,
  );

  it(
    'GICv2 + GICv2m: distributor and CPU interface in split EOI mode, the MSI frame, PL011 SPI, KVM vgic on GICH/GICV',
    async (ctx) => {
      if (image('Image') === undefined) return ctx.skip();
      const out = await bootUntil('aarch64-virt-gicv2.yaml', /kvm \[1\]: Hyp mode initialized successfully|Kernel panic/, [
        'components.v2m={type: gicv2m, base: 0x08020000, gic: gic}',
      ]);
      expect(out).toMatch(/GIC: Using split EOI\/Deactivate mode/);
      expect(out).toMatch(/GICv2m: range\[mem 0x08020000-0x08020fff\], SPI\[80:143\]/);
      expect(out).toMatch(/ttyAMA0 at MMIO 0x9000000 \(irq = \d+/);
      expect(out).toMatch(/kvm \[1\]: vgic interrupt IRQ\d+/);
      expect(out).toMatch(/kvm \[1\]: Hyp mode initialized successfully/);
      expect(out).not.toMatch(/Kernel panic/);
    },
    WALL + 60_000,
  );

  for (const [machine, name] of [
    ['aarch64-virt.yaml', 'GICv3'],
    ['aarch64-virt-gicv2.yaml', 'GICv2'],
  ] as const) {
    it(
      `${name}, 2 CPUs: the secondary's CPU interface comes up and IPIs (SGIs) carry stop_machine through system-wide alternatives`,
      async (ctx) => {
        if (image('Image') === undefined) return ctx.skip();
        const out = await bootUntil(machine, /devtmpfs: initialized|Kernel panic/, ['components.cpus.count=2']);
        expect(out).toMatch(/smp: Brought up 1 node, 2 CPUs/);
        if (name === 'GICv3') expect(out).toMatch(/GICv3: CPU1: found redistributor 1 region 0:0x00000000080c0000/);
        expect(out).toMatch(/alternatives: applying system-wide alternatives/);
        expect(out).toMatch(/devtmpfs: initialized/);
        expect(out).not.toMatch(/Kernel panic|rcu: INFO|soft lockup/);
      },
      WALL + 60_000,
    );
  }
});

/**
 * Debian's U-Boot finds the virtio-pci functions behind the ECAM host bridge (issue 10's
 * acceptance): `pci enum` then `pci` lists them with vendor, device and class, and
 * `pci bar` shows the BARs U-Boot placed in the bridge's windows — on riscv-virt
 * (OpenSBI + qemu-riscv64_smode U-Boot) and on aarch64-virt (qemu_arm64 U-Boot; GICv3, GICv2
 * with GICv2m, and a translated 32-bit window where BARs hold bus addresses 0x70000000
 * above the CPU's).
 * Images come from `pnpm fetch-images`; without them the tests skip, except under CI.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, Simulation } from '@tessera/core';
import type { PciFunction } from '@tessera/pci-msi';
import type { VirtioPciApi } from '../src/index.js';
import { addMachine, drive, fixtures, need } from './linux.js';

const WALL = 900_000;

function disk(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-uboot-pci-'));
  const file = path.join(dir, 'disk.ext2');
  execFileSync('mke2fs', ['-q', '-t', 'ext2', file, '1M']);
  return file;
}

async function session(machineFile: string, boot: { firmware?: string; kernel?: string }, uart: string): Promise<{ output: string; bar: (name: string, i: number) => number | undefined }> {
  const registry = new PluginRegistry();
  const sim = new Simulation();
  const m = await addMachine(sim, registry, machineFile, 'uboot', boot, [`components.disk0.image=${disk()}`], uart);
  try {
    const r = drive(
      sim,
      m.port,
      [
        { expect: /Hit any key to stop autoboot/, send: ' ' },
        { expect: /=> $/, send: 'pci enum\r' },
        { expect: /=> $/, send: 'pci\r' },
        { expect: /=> $/, send: 'pci bar 00.01.00\r' },
        { expect: /=> $/, send: 'pci bar 00.02.00\r' },
        { expect: /=> $/ },
      ],
      WALL,
    );
    expect(r.reached, `stopped before step ${r.reached}; output:\n${r.output.slice(-3000)}`).toBe(6);
    const fn = (name: string) => m.machine.api<VirtioPciApi>(name)!.function as PciFunction;
    return { output: r.output, bar: (name, i) => fn(name).barAddress(i) };
  } finally {
    sim.dispose();
  }
}

function checkListing(output: string): void {
  // U-Boot's virtio-pci driver mapped the common configuration through the bridge's ranges
  // and its virtio-net driver came up.
  expect(output).not.toContain('could not map');
  expect(output).toMatch(/Net:\s+eth0: virtio-net#\d/);
  // `pci`: bus.device.function, vendor, device, class.
  expect(output).toMatch(/00\.01\.00\s+0x1af4\s+0x1041\s+Network controller/);
  expect(output).toMatch(/00\.02\.00\s+0x1af4\s+0x1042\s+Mass storage controller/);
}

/** The BAR table of `pci bar b.d.f` lists `address` (hex) for a BAR of `size` bytes. */
function listsBar(output: string, address: number, size: number): boolean {
  // Rows: ID, base, size, width, type.
  const rows = output.split('\n').filter((l) => /^\s*\d+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+(32|64)\s/.test(l));
  return rows.some((l) => {
    const cols = l.trim().split(/\s+/);
    return Number.parseInt(cols[1]!, 16) === address && Number.parseInt(cols[2]!, 16) === size;
  });
}

const riscv = { firmware: need('riscv64', 'fw_dynamic.bin'), kernel: need('riscv64', 'u-boot.bin') };
const arm64 = { firmware: need('arm64', 'u-boot.bin') };

describe('U-Boot lists virtio-pci functions and their BARs', () => {
  it.skipIf(riscv.firmware === undefined || riscv.kernel === undefined)(
    'riscv-virt-pcie: OpenSBI + U-Boot `pci enum`, `pci`, `pci bar`',
    async () => {
      const { output, bar } = await session(path.join(fixtures, 'riscv-virt-pci.yaml'), riscv, 'uart0');
      expect(output).toMatch(/00\.01\.00\s+0x1af4\s+0x1041\s+Network controller/);
      expect(output).toMatch(/00\.05\.00\s+0x1af4\s+0x1042\s+Mass storage controller/);
      // U-Boot placed BAR4 (64-bit, 16 KiB) and BAR1 (32-bit, 4 KiB) of the NIC inside the windows.
      const b4 = bar('net0', 4)!;
      const b1 = bar('net0', 1)!;
      expect(b4).toBeGreaterThanOrEqual(0x4000_0000);
      expect(b1).toBeGreaterThanOrEqual(0x4000_0000);
      expect(listsBar(output, b4, 0x4000), output.slice(-2500)).toBe(true);
      expect(listsBar(output, b1, 0x1000), output.slice(-2500)).toBe(true);
    },
    WALL + 60_000,
  );

  it.skipIf(arm64.firmware === undefined)(
    'aarch64-virt-pcie: U-Boot `pci enum`, `pci`, `pci bar`',
    async () => {
      const { output, bar } = await session(path.join(fixtures, 'aarch64-virt-pci.yaml'), arm64, 'uart0');
      checkListing(output);
      for (const name of ['net0', 'disk0']) {
        const b1 = bar(name, 1)!;
        expect(b1).toBeGreaterThanOrEqual(0x1000_0000);
        expect(b1).toBeLessThan(0x3eff_0000);
      }
      expect(listsBar(output, bar('net0', 4)!, 0x4000), output.slice(-2500)).toBe(true);
    },
    WALL + 60_000,
  );

  it.skipIf(arm64.firmware === undefined)(
    'aarch64-virt-gicv2-pcie (GICv2 + GICv2m): U-Boot `pci enum`, `pci`, `pci bar`',
    async () => {
      const { output, bar } = await session(path.join(fixtures, 'aarch64-virt-gicv2-pci.yaml'), arm64, 'uart0');
      checkListing(output);
      expect(listsBar(output, bar('disk0', 1)!, 0x1000), output.slice(-2500)).toBe(true);
    },
    WALL + 60_000,
  );

  it.skipIf(arm64.firmware === undefined)(
    'aarch64-virt-pcie-offset: with a translated window the BARs hold bus addresses, and U-Boot still reaches the devices',
    async () => {
      const { output, bar } = await session(path.join(fixtures, 'aarch64-virt-pci-offset.yaml'), arm64, 'uart0');
      checkListing(output);
      // The 32-bit BARs were given bus addresses in 0x80000000.., the window's bus side.
      for (const name of ['net0', 'disk0']) {
        const b1 = bar(name, 1)!;
        expect(b1).toBeGreaterThanOrEqual(0x8000_0000);
        expect(b1).toBeLessThan(0x8000_0000 + 0x2eff_0000);
      }
      // `pci bar` shows what the BARs hold: bus addresses.
      expect(listsBar(output, bar('net0', 1)!, 0x1000), output.slice(-2500)).toBe(true);
      expect(listsBar(output, bar('disk0', 4)!, 0x4000), output.slice(-2500)).toBe(true);
    },
    WALL + 60_000,
  );
});

/**
 * Debian's Linux on riscv-virt with a PCIe host bridge (issue 10's acceptance): Linux
 * enumerates a virtio-net-pci and a virtio-blk-pci behind pci-host-ecam-generic, both on one
 * shared INTx wire (no IMSIC yet, so no MSI), pings another machine on a switch and reads a
 * file from an ext2 disk. Images come from `pnpm fetch-images`; without them the tests skip,
 * except under CI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, Simulation } from '@tessera/core';
import { parsePcap } from '@tessera/net';
import type { PciFunction } from '@tessera/pci-msi';
import type { VirtioBlk, VirtioNet, VirtioPciApi } from '../src/index.js';
import { addMachine, ext2Disk, fixtures, haveAll, icmpTypes, initramfs, linuxImages, mountHello, netUp, pingPeer, powerOffs, runUntil } from './linux.js';

const img = linuxImages('riscv64');
const ready = haveAll(img);
const machineFile = path.join(fixtures, 'riscv-virt-pci.yaml');
const E2E_TIMEOUT = 40 * 60 * 1000;

describe.skipIf(!ready)('Linux on riscv-virt with virtio-pci over INTx', () => {
  it(
    'enumerates virtio-net-pci and virtio-blk-pci on a shared INTx wire, reads a file from the disk and pings another machine',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-linux-pci-'));
      const disk = ext2Disk(dir, 'hello from a virtio-blk-pci disk\n');
      const pcap = path.join(dir, 'lan0.pcap');
      // virtio_pci and the ECAM host driver are built into Debian's riscv64 kernel.
      const modules = ['virtio_net', 'virtio_blk', 'crc32c_generic', 'ext4'];
      const left = await initramfs(img, path.join(dir, 'left.cpio.gz'), modules, [
        'cat /proc/bus/pci/devices',
        'for d in /sys/bus/pci/devices/*; do echo PCI $(basename $d) $(cat $d/vendor) $(cat $d/device) irq=$(cat $d/irq) driver=$(basename $(readlink $d/driver)); done',
        ...mountHello,
        ...netUp('10.0.0.1'),
        ...pingPeer('10.0.0.2'),
        'grep -i pci /proc/interrupts',
      ]);
      const right = await initramfs(img, path.join(dir, 'right.cpio.gz'), modules, [...netUp('10.0.0.2'), 'echo PEER-READY'], false);
      const registry = new PluginRegistry();
      const sim = new Simulation();
      const boot = (initrd: string) => ({ firmware: img.firmware, kernel: img.kernel, initrd, append: 'console=ttyS0 quiet' });
      const started = Date.now();
      const a = await addMachine(sim, registry, machineFile, 'left', boot(left), [`components.disk0.image=${disk}`, `components.net0.network.pcap=${pcap}`]);
      const b = await addMachine(sim, registry, machineFile, 'right', boot(right), [`components.disk0.image=${disk}`]);
      const offs = powerOffs(sim);
      // Checked while the drivers are up: Linux resets virtio devices on its way to power-off.
      let seen: { intxOnly: boolean; netOk: boolean; blkOk: boolean; virtualS: number } | undefined;
      const done = (): boolean => {
        if (seen === undefined && a.port.captured().includes('NET-UP')) {
          const net = a.machine.api<VirtioPciApi<VirtioNet>>('net0')!;
          const blk = a.machine.api<VirtioPciApi<VirtioBlk>>('disk0')!;
          const fns: PciFunction[] = [net.function, blk.function];
          seen = {
            intxOnly: fns.every((f) => !f.messagesEnabled),
            netOk: net.device.driverOk,
            blkOk: blk.device.driverOk,
            virtualS: sim.scheduler.now() / 1e9,
          };
        }
        return offs.includes('left');
      };
      runUntil(sim, done, E2E_TIMEOUT - 60_000, [a.port, b.port]);
      const out = a.port.captured();
      sim.dispose();
      console.log(`virtio-pci ping: NET-UP at ${seen?.virtualS.toFixed(2)} s virtual; whole run ${((Date.now() - started) / 1000).toFixed(0)} s wall`);
      expect(seen).toMatchObject({ intxOnly: true, netOk: true, blkOk: true });
      // Both functions were found with Linux's virtio-pci driver bound.
      expect(out).toMatch(/PCI 0000:00:01\.0 0x1af4 0x1041 irq=\d+ driver=virtio-pci/);
      expect(out).toMatch(/PCI 0000:00:05\.0 0x1af4 0x1042 irq=\d+ driver=virtio-pci/);
      const irqOf = (dev: string) => Number(new RegExp(`PCI 0000:00:${dev} \\S+ \\S+ irq=(\\d+)`).exec(out)?.[1]);
      expect(irqOf('01\\.0')).toBe(irqOf('05\\.0')); // one shared wire
      expect(out).toContain('MOUNTED');
      expect(out).toContain('hello from a virtio-blk-pci disk');
      expect(out).toContain('PING-DONE');
      expect(out).toMatch(/2 packets transmitted, [12] packets received/);
      expect(b.port.captured()).toContain('PEER-READY');
      const icmp = icmpTypes(parsePcap(new Uint8Array(fs.readFileSync(pcap))).records.map((r) => r.data));
      expect(icmp).toContain(8);
      expect(icmp).toContain(0);
    },
    E2E_TIMEOUT,
  );
});

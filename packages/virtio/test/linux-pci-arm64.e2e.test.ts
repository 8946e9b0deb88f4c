/**
 * Debian's arm64 Linux on aarch64-virt-pcie (GICv3 with ITS), issue 10's acceptance: Linux
 * enumerates a virtio-net-pci and a virtio-blk-pci behind pci-host-ecam-generic, enables
 * MSI-X on both with messages translated by the ITS, pings another machine on a switch and
 * reads a file from an ext2 disk. The peer's bridge has a translated 32-bit window, so its
 * BARs hold bus addresses 0x70000000 above the CPU addresses its driver uses. Debian builds
 * virtio_pci as a module on arm64, so the initramfs loads it. On the GICv2 machine, MSI-X
 * messages go to a GICv2m frame instead. Images come from `pnpm fetch-images`; without them
 * the tests skip, except under CI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, Simulation } from '@tessera/core';
import { parsePcap } from '@tessera/net';
import type { VirtioBlk, VirtioNet, VirtioPciApi } from '../src/index.js';
import { addMachine, ext2Disk, fixtures, haveAll, icmpTypes, initramfs, linuxImages, mountHello, netUp, pingPeer, powerOffs, runUntil } from './linux.js';

const img = linuxImages('arm64');
const ready = haveAll(img);
const machineFile = path.join(fixtures, 'aarch64-virt-pci.yaml');
/** The peer's host bridge translates its 32-bit window: CPU 0x10000000 -> bus 0x80000000. */
const offsetMachineFile = path.join(fixtures, 'aarch64-virt-pci-offset.yaml');
const E2E_TIMEOUT = 40 * 60 * 1000;

describe.skipIf(!ready)('Linux on aarch64-virt with virtio-pci and MSI-X', () => {
  it(
    'enumerates virtio-net-pci and virtio-blk-pci, uses MSI-X through the ITS, reads a file from the disk and pings another machine',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-linux-pci-arm64-'));
      const disk = ext2Disk(dir, 'hello from a virtio-blk-pci disk on arm64\n');
      const pcap = path.join(dir, 'lan0.pcap');
      const modules = ['virtio_pci', 'virtio_net', 'virtio_blk', 'crc32c_generic', 'ext4'];
      const left = await initramfs(img, path.join(dir, 'left.cpio.gz'), modules, [
        'for d in /sys/bus/pci/devices/*; do echo PCI $(basename $d) $(cat $d/vendor) $(cat $d/device) driver=$(basename $(readlink $d/driver)); done',
        'grep virtio /proc/interrupts',
        'grep -c "MSI.*virtio" /proc/interrupts | sed "s/^/MSI-LINES /"',
        ...mountHello,
        ...netUp('10.0.0.1'),
        ...pingPeer('10.0.0.2'),
      ]);
      const right = await initramfs(img, path.join(dir, 'right.cpio.gz'), modules, [...netUp('10.0.0.2'), 'echo PEER-READY'], false);
      const registry = new PluginRegistry();
      const sim = new Simulation();
      const boot = (initrd: string) => ({ kernel: img.kernel, initrd, append: 'console=ttyAMA0 quiet' });
      const started = Date.now();
      const a = await addMachine(sim, registry, machineFile, 'left', boot(left), [`components.disk0.image=${disk}`, `components.net0.network.pcap=${pcap}`]);
      const b = await addMachine(sim, registry, offsetMachineFile, 'right', boot(right), [`components.disk0.image=${disk}`]);
      const offs = powerOffs(sim);
      let seen: { msix: boolean; messages: number; netOk: boolean; blkOk: boolean; virtualS: number } | undefined;
      let peer: { msix: boolean; netOk: boolean; bar1: number } | undefined;
      const done = (): boolean => {
        if (peer === undefined && b.port.captured().includes('NET-UP')) {
          const net = b.machine.api<VirtioPciApi<VirtioNet>>('net0')!;
          peer = { msix: net.function.msixEnabled, netOk: net.device.driverOk, bar1: net.function.barAddress(1)! };
        }
        if (seen === undefined && a.port.captured().includes('NET-UP')) {
          const net = a.machine.api<VirtioPciApi<VirtioNet>>('net0')!;
          const blk = a.machine.api<VirtioPciApi<VirtioBlk>>('disk0')!;
          seen = {
            msix: net.function.msixEnabled && blk.function.msixEnabled,
            messages: net.function.messagesSent + blk.function.messagesSent,
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
      console.log(`virtio-pci on arm64: NET-UP at ${seen?.virtualS.toFixed(2)} s virtual; whole run ${((Date.now() - started) / 1000).toFixed(0)} s wall`);
      expect(seen).toMatchObject({ msix: true, netOk: true, blkOk: true });
      expect(seen!.messages).toBeGreaterThan(0);
      expect(peer).toMatchObject({ msix: true, netOk: true });
      expect(peer!.bar1).toBeGreaterThanOrEqual(0x8000_0000); // a bus address behind the translated window
      expect(peer!.bar1).toBeLessThan(0x8000_0000 + 0x2eff_0000);
      expect(out).toMatch(/PCI 0000:00:01\.0 0x1af4 0x1041 driver=virtio-pci/);
      expect(out).toMatch(/PCI 0000:00:02\.0 0x1af4 0x1042 driver=virtio-pci/);
      // Five ITS-MSI lines: config, receive and transmit of the NIC; config and requests of the disk.
      expect(Number(/MSI-LINES (\d+)/.exec(out)?.[1])).toBeGreaterThanOrEqual(5);
      expect(out).toContain('MOUNTED');
      expect(out).toContain('hello from a virtio-blk-pci disk on arm64');
      expect(out).toMatch(/2 packets transmitted, [12] packets received/);
      expect(b.port.captured()).toContain('PEER-READY');
      const icmp = icmpTypes(parsePcap(new Uint8Array(fs.readFileSync(pcap))).records.map((r) => r.data));
      expect(icmp).toContain(8);
      expect(icmp).toContain(0);
    },
    E2E_TIMEOUT,
  );

  it(
    'on GICv2 with a GICv2m frame as msi-parent: MSI-X messages raise the frame\'s SPIs, and Linux reads the disk',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-linux-pci-v2m-'));
      const disk = ext2Disk(dir, 'hello through a GICv2m frame\n');
      const initrd = await initramfs(img, path.join(dir, 'v2m.cpio.gz'), ['virtio_pci', 'virtio_blk', 'crc32c_generic', 'ext4'], [
        'grep virtio /proc/interrupts',
        ...mountHello,
        'grep -c "MSI.*virtio" /proc/interrupts | sed "s/^/MSI-LINES /"',
      ]);
      const registry = new PluginRegistry();
      const sim = new Simulation();
      const m = await addMachine(sim, registry, path.join(fixtures, 'aarch64-virt-gicv2-pci.yaml'), 'v2m', { kernel: img.kernel, initrd, append: 'console=ttyAMA0 quiet' }, [`components.disk0.image=${disk}`]);
      const offs = powerOffs(sim);
      let msix = false;
      const done = (): boolean => {
        if (!msix && m.port.captured().includes('MOUNTED')) msix = m.machine.api<VirtioPciApi<VirtioBlk>>('disk0')!.function.msixEnabled;
        return offs.length > 0;
      };
      runUntil(sim, done, E2E_TIMEOUT - 60_000, [m.port]);
      const out = m.port.captured();
      const blk = m.machine.api<VirtioPciApi<VirtioBlk>>('disk0')!;
      sim.dispose();
      expect(msix).toBe(true);
      expect(blk.function.messagesSent).toBeGreaterThan(0);
      expect(out).toContain('hello through a GICv2m frame');
      // The disk's config and request vectors are GICv2m MSIs.
      expect(Number(/MSI-LINES (\d+)/.exec(out)?.[1])).toBeGreaterThanOrEqual(2);
    },
    E2E_TIMEOUT,
  );
});

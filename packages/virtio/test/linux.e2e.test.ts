/**
 * Debian's Linux on riscv-virt machines with virtio-mmio devices (issue 5's acceptance):
 *  - two machines on one switch: each configures eth0 from /init, one pings the other, and
 *    the pcap of the link shows the ICMP echo request and reply;
 *  - virtio-blk: Linux reads a file from an ext2 image built with `mke2fs -d`, and a write
 *    lands only in the copy-on-write overlay (the image file is unchanged); what /init
 *    writes to /dev/hvc0 reaches the virtio-console's port.
 * Images come from `pnpm fetch-images`; without them the tests skip, except under CI.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, Simulation, type ConsolePort, type Machine } from '@tessera/core';
import { parsePcap } from '@tessera/net';
import { addMachine as addLinuxMachine, ext2Disk, fixtures, haveAll, haveTshark, icmpTypes, initramfs as buildInitramfs, linuxImages, netUp, pingPeer, powerOffs, runUntil } from './linux.js';
import { VIRTIO_F_RING_PACKED, type VirtioBlk, type VirtioConsole, type VirtioMmioApi, type VirtioNet } from '../src/index.js';

const netMachine = path.join(fixtures, 'riscv-virt-virtio.yaml');
const blkMachine = path.join(fixtures, 'riscv-virt-blk.yaml');

const img = linuxImages('riscv64');
const ready = haveAll(img);

const initramfs = (file: string, modules: string[], commands: string[], poweroff = true): Promise<string> => buildInitramfs(img, file, modules, commands, poweroff);

function addMachine(sim: Simulation, registry: PluginRegistry, machineFile: string, name: string, initrd: string, sets: string[]): Promise<{ machine: Machine; port: ConsolePort }> {
  return addLinuxMachine(sim, registry, machineFile, name, { firmware: img.firmware, kernel: img.kernel, initrd, append: 'console=ttyS0 quiet' }, sets);
}

const E2E_TIMEOUT = 40 * 60 * 1000;

async function pingTest(setsLeft: string[], setsRight: string[], check?: (left: Machine, right: Machine) => void): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-linux-net-'));
  const pcap = path.join(dir, 'lan0.pcap');
  const net = ['virtio_mmio', 'virtio_net'];
  const left = await initramfs(path.join(dir, 'left.cpio.gz'), net, [...netUp('10.0.0.1'), ...pingPeer('10.0.0.2')]);
  // The peer stays up (no power-off): the run ends when the pinging machine powers off.
  const right = await initramfs(path.join(dir, 'right.cpio.gz'), net, [...netUp('10.0.0.2'), 'echo PEER-READY'], false);
  const registry = new PluginRegistry();
  const sim = new Simulation();
  const a = await addMachine(sim, registry, netMachine, 'left', left, [`components.net0.network.pcap=${pcap}`, ...setsLeft]);
  const b = await addMachine(sim, registry, netMachine, 'right', right, setsRight);
  const offs = powerOffs(sim);
  // The negotiated state is checked while both drivers are up: Linux resets virtio devices
  // on its way to power-off.
  let checked = check === undefined;
  const done = (): boolean => {
    if (!checked && a.port.captured().includes('NET-UP') && b.port.captured().includes('NET-UP')) {
      check!(a.machine, b.machine);
      checked = true;
    }
    return offs.includes('left');
  };
  runUntil(sim, done, E2E_TIMEOUT - 60_000, [a.port, b.port]);
  const outA = a.port.captured();
  const outB = b.port.captured();
  expect(checked).toBe(true);
  sim.dispose();
  expect(outB).toContain('PEER-READY');
  expect(outA).toContain('PING-DONE');
  expect(outA).toMatch(/2 packets transmitted, [12] packets received/);
  const frames = parsePcap(new Uint8Array(fs.readFileSync(pcap))).records.map((r) => r.data);
  const icmp = icmpTypes(frames);
  expect(icmp).toContain(8); // echo request
  expect(icmp).toContain(0); // echo reply
  if (haveTshark()) {
    const out = execFileSync('tshark', ['-r', pcap, '-Y', 'icmp', '-T', 'fields', '-e', 'icmp.type'], { encoding: 'utf8' });
    expect(out.split('\n')).toEqual(expect.arrayContaining(['8', '0']));
  }
}

describe.skipIf(!ready)('Linux on riscv-virt with virtio-mmio', () => {
  it(
    'two machines on one switch: one pings the other, and the pcap shows the ICMP exchange',
    async () => {
      await pingTest([], []);
    },
    E2E_TIMEOUT,
  );

  it(
    'the same with the legacy virtio-mmio transport on one side and packed virtqueues on the other',
    async () => {
      await pingTest(['components.net0.legacy=true'], ['components.net0.packed=true'], (left, right) => {
        const l = left.api<VirtioMmioApi<VirtioNet>>('net0')!;
        const r = right.api<VirtioMmioApi<VirtioNet>>('net0')!;
        // Linux drove the version 1 register layout on the left...
        expect(l.transport.legacy).toBe(true);
        expect(l.device.headerLength).toBe(12); // legacy with MRG_RXBUF negotiated
        // ...and accepted packed rings on the right.
        expect(r.device.has(VIRTIO_F_RING_PACKED)).toBe(true);
        expect(r.device.queues[0]!.constructor.name).toBe('PackedVirtqueue');
      });
    },
    E2E_TIMEOUT,
  );

  it(
    'virtio-blk and virtio-console: Linux reads a file from an ext2 image, its write lands only in the overlay, and /dev/hvc0 reaches the second console',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-linux-blk-'));
      const img = ext2Disk(dir, 'hello from an ext2 image\n');
      const hash = () => createHash('sha256').update(fs.readFileSync(img)).digest('hex');
      const before = hash();
      const initrd = await initramfs(path.join(dir, 'blk.cpio.gz'), ['virtio_mmio', 'virtio_blk', 'crc32c_generic', 'ext4'], [
        'mkdir -p /mnt',
        'mount -t ext2 /dev/vda /mnt && echo MOUNTED',
        'cat /mnt/hello.txt',
        'echo written by linux > /mnt/new.txt && sync && echo WROTE',
        'umount /mnt && echo UNMOUNTED',
        'echo hello over hvc0 > /dev/hvc0',
      ]);
      const registry = new PluginRegistry();
      const sim = new Simulation();
      const m = await addMachine(sim, registry, blkMachine, 'blk', initrd, [`components.disk0.image=${img}`]);
      const offs = powerOffs(sim);
      runUntil(sim, () => offs.length > 0, E2E_TIMEOUT - 60_000, [m.port]);
      const out = m.port.captured();
      const disk = m.machine.api<VirtioMmioApi<VirtioBlk>>('disk0')!.device;
      expect(out).toContain('MOUNTED');
      expect(out).toContain('hello from an ext2 image');
      expect(out).toContain('WROTE');
      expect(out).toContain('UNMOUNTED');
      expect(disk.image.overlay.size).toBeGreaterThan(0);
      // The second console (virtio-console) got what /init wrote to /dev/hvc0.
      expect(m.machine.api<VirtioMmioApi<VirtioConsole>>('hvc0')!.device.port.captured()).toContain('hello over hvc0');
      sim.dispose();
      expect(hash()).toBe(before);
    },
    E2E_TIMEOUT,
  );
});

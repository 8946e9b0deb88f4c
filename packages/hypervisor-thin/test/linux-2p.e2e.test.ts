/**
 * Issue 6's acceptance: machines/riscv-virt-2p.yaml — 4 harts split 2+2 by the thin
 * hypervisor, each partition booting Debian's riscv64 Linux with 2 vCPUs and a busybox
 * initramfs that loads virtio_mmio and virtio_net, configures eth0 on the virtio-net device
 * the hypervisor emulates, and pings the other partition over their shared link. Each
 * partition's UART is passed through, its interrupt forwarded into the partition's virtual
 * PLIC. Images come from `pnpm fetch-images`; without them the test skips, except under CI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSimulation, loadMachine, PluginRegistry, type ConsolePort } from '@tessera/core';
import cpuPlugin from '@tessera/cpu-riscv';
import plicPlugin from '@tessera/plic-clint';
import uartPlugin from '@tessera/uart';
import hypervisorPlugin, { type ThinHypervisorApi } from '../src/index.js';
import { repoRoot } from './harness.js';
import { need, runSlices, virtualSeconds, writeInitramfs } from './linux.js';

const machineFile = path.join(repoRoot, 'machines', 'riscv-virt-2p.yaml');

const kernel = need('Image');
const busybox = need('busybox');
const modulesRoot = need('modules');
const ready = kernel !== undefined && busybox !== undefined && modulesRoot !== undefined;
const E2E_TIMEOUT = 40 * 60 * 1000;

function initramfs(file: string, commands: string[], poweroff: boolean): Promise<string> {
  return writeInitramfs(file, { busybox: busybox!, modulesRoot: modulesRoot!, modules: ['virtio_mmio', 'virtio_net'], commands, poweroff });
}

describe.skipIf(!ready)('machines/riscv-virt-2p.yaml: two Linux partitions under the thin hypervisor', () => {
  it(
    'both boot to the marker on 2 vCPUs each and ping each other over the virtio-net link; exits show vPLIC and virtio emulation',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-hyp-2p-'));
      const up = (ip: string) => ['ip link set eth0 up', `ip addr add ${ip}/24 dev eth0`, 'echo NET-UP', 'grep -c processor /proc/cpuinfo'];
      const left = await initramfs(path.join(dir, 'left.cpio.gz'), [...up('10.0.0.1'), 'sleep 1', 'ping -c 2 -W 5 10.0.0.2', 'echo PING-DONE'], true);
      // The peer stays up; the run ends when the pinging partition powers off.
      const right = await initramfs(path.join(dir, 'right.cpio.gz'), [...up('10.0.0.2'), 'echo PEER-READY'], false);
      const registry = new PluginRegistry();
      // The plugins from their sources (a machine's plugins are otherwise imported from dist).
      for (const p of [cpuPlugin, plicPlugin, uartPlugin, hypervisorPlugin]) registry.add(p);
      const config = await loadMachine(machineFile, {
        registry,
        cwd: repoRoot,
        sets: [
          'components.uart0.console=capture',
          'components.uart1.console=capture',
          'components.hyp.partitions.left.console=capture',
          'components.hyp.partitions.right.console=capture',
          `components.hyp.partitions.left.boot.kernel=${kernel}`,
          `components.hyp.partitions.right.boot.kernel=${kernel}`,
          `components.hyp.partitions.left.boot.initrd=${left}`,
          `components.hyp.partitions.right.boot.initrd=${right}`,
        ],
      });
      const { sim, machine } = await buildSimulation(config, registry);
      const hyp = machine.api<ThinHypervisorApi>('hyp')!.hypervisor;
      const portA = machine.api<{ port: ConsolePort }>('uart0')!.port;
      const portB = machine.api<{ port: ConsolePort }>('uart1')!.port;
      const offs: string[] = [];
      sim.events.addSink({ kinds: ['hyp.partition.off'], event: (e) => offs.push(String(e.partition)) });
      const { stop, wall } = runSlices(
        sim,
        E2E_TIMEOUT - 60_000,
        (w) => `virtual ${virtualSeconds(sim)} s, wall ${w.toFixed(1)} s\n==== left\n${portA.captured()}\n==== right\n${portB.captured()}\n==== SBI consoles\n${hyp.partitions.map((p) => p.console.captured()).join('\n')}\n`,
        () => offs.includes('left'),
      );
      if (stop !== undefined && stop.reason !== 'poweroff') throw new Error(`run stopped: ${stop.message}`);
      const outA = portA.captured();
      const outB = portB.captured();
      const counts = hyp.exitCounts();
      const table = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${v}`).join('\n');
      fs.writeFileSync(path.join(dir, 'exits.txt'), `wall ${wall.toFixed(1)} s, virtual ${virtualSeconds(sim)} s\n${table}\n`);
      console.log(`riscv-virt-2p: wall ${wall.toFixed(1)} s, virtual ${virtualSeconds(sim)} s\n${table}`);
      sim.dispose();
      expect(outA).toContain('TESSERA-INIT-OK');
      expect(outB).toContain('TESSERA-INIT-OK');
      // Both vCPUs of each partition came up.
      expect(outA).toMatch(/NET-UP\s+2\b/);
      expect(outB).toMatch(/NET-UP\s+2\b/);
      expect(outB).toContain('PEER-READY');
      expect(outA).toContain('PING-DONE');
      expect(outA).toMatch(/2 packets transmitted, [12] packets received/);
      const sum = (part: string, reason: string) => [...counts].filter(([k]) => k.startsWith(part + '/') && k.endsWith(' ' + reason)).reduce((a, [, v]) => a + v, 0);
      for (const p of ['left', 'right']) {
        expect(sum(p, 'vplic-load')).toBeGreaterThan(0); // claims
        expect(sum(p, 'vplic-store')).toBeGreaterThan(0); // enables, priorities, completions
        expect(sum(p, 'virtio-load')).toBeGreaterThan(0);
        expect(sum(p, 'virtio-store')).toBeGreaterThan(0); // queue notifications
        expect(sum(p, 'external-interrupt')).toBeGreaterThan(0); // the passthrough UART's line
      }
      // Both devices moved frames across the link.
      for (const p of hyp.partitions) expect(p.io.devices[0]!.device.stats.rxFrames.value).toBeGreaterThan(0);
    },
    E2E_TIMEOUT,
  );
});

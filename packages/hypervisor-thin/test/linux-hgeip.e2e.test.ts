/**
 * Passthrough interrupt delivery compared on Debian's Linux: one partition (2 vCPUs) whose
 * passthrough UART line reaches it either through the emulated vPLIC (claimed at HS, VSEIP
 * through hvip) or directly (irq-delivery: hgeip: the PLIC context drives hgeip, the guest
 * claims from the real context's page). Both boot to the marker and print through the
 * interrupt-driven UART; direct delivery needs no `external-interrupt` exits and far fewer
 * vPLIC exits. Images come from `pnpm fetch-images`; without them the test skips, except under CI.
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
import { here, repoRoot } from './harness.js';
import { need, runSlices, virtualSeconds, writeInitramfs } from './linux.js';

const kernel = need('Image');
const busybox = need('busybox');
const ready = kernel !== undefined && busybox !== undefined;
const E2E_TIMEOUT = 40 * 60 * 1000;

async function boot(initrd: string, delivery: 'vplic' | 'hgeip'): Promise<{ out: string; counts: Map<string, number>; wall: number }> {
  const registry = new PluginRegistry();
  for (const p of [cpuPlugin, plicPlugin, uartPlugin, hypervisorPlugin]) registry.add(p);
  const config = await loadMachine(path.join(here, 'linux-hgeip.yaml'), {
    registry,
    cwd: repoRoot,
    sets: [`components.hyp.partitions.solo.boot.kernel=${kernel}`, `components.hyp.partitions.solo.boot.initrd=${initrd}`, `components.hyp.partitions.solo.irq-delivery=${delivery}`],
  });
  const { sim, machine } = await buildSimulation(config, registry);
  const hyp = machine.api<ThinHypervisorApi>('hyp')!.hypervisor;
  const port = machine.api<{ port: ConsolePort }>('uart0')!.port;
  const { wall } = runSlices(sim, E2E_TIMEOUT / 2 - 60_000, () => `${delivery} virtual ${virtualSeconds(sim)} s\n${port.captured()}`);
  const out = port.captured();
  const counts = hyp.exitCounts();
  sim.dispose();
  return { out, counts, wall };
}

describe.skipIf(!ready)('passthrough interrupts on Linux: emulated vPLIC against direct hgeip delivery', () => {
  it(
    'both deliver the UART interrupts; direct delivery takes no external-interrupt exits and fewer vPLIC exits',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-hyp-hgeip-'));
      const initrd = await writeInitramfs(path.join(dir, 'initramfs.cpio.gz'), { busybox: busybox!, modules: [], commands: ['grep -c processor /proc/cpuinfo', 'grep ttyS /proc/interrupts', 'echo UART-DONE', 'sleep 1'] });
      const sum = (c: Map<string, number>, reason: string) => [...c].filter(([k]) => k.endsWith(' ' + reason)).reduce((a, [, v]) => a + v, 0);
      const runs = { vplic: await boot(initrd, 'vplic'), hgeip: await boot(initrd, 'hgeip') };
      const lines: string[] = [];
      for (const [mode, r] of Object.entries(runs)) {
        expect(r.out, mode).toContain('TESSERA-INIT-OK');
        expect(r.out, mode).toContain('UART-DONE');
        lines.push(`${mode}: wall ${r.wall.toFixed(1)} s; ${['vplic-load', 'vplic-store', 'external-interrupt', 'sbi'].map((k) => `${k} ${sum(r.counts, k)}`).join(', ')}`);
      }
      console.log(lines.join('\n'));
      fs.writeFileSync(path.join(dir, 'exits.txt'), lines.join('\n') + '\n');
      expect(sum(runs.vplic.counts, 'external-interrupt')).toBeGreaterThan(0);
      expect(sum(runs.hgeip.counts, 'external-interrupt')).toBe(0);
      expect(sum(runs.hgeip.counts, 'vplic-load')).toBeLessThan(sum(runs.vplic.counts, 'vplic-load'));
    },
    E2E_TIMEOUT,
  );
});

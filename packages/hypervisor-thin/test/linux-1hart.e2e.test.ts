/**
 * Issue 6's acceptance for time-sliced vCPUs: ONE hart runs a partition of two vCPUs that
 * boots Debian's riscv64 Linux with the busybox initramfs to its marker; /proc/cpuinfo shows
 * both processors (the second came up through SBI HSM hart_start on the same hart), and the
 * guest's SBI SRST power-off ends the run with exit code 0. Once with Sstc (the guests'
 * vstimecmp), once on harts without it (SBI set_timer: the hypervisor's timer through the
 * CLINT, hvip.VSTIP injected), and once with four vCPUs on two harts (kicks between harts
 * through the CLINT's msip). Images come from
 * `pnpm fetch-images`; without them the test skips, except under CI.
 * TESSERA_E2E_LOG=FILE writes the consoles and exit counts to FILE while it runs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSimulation, loadMachine, PluginRegistry, type ConsolePort } from '@tessera/core';
// The hart from its sources: a bare '@tessera/cpu-riscv' resolves to its build here.
import cpuRiscv from '../../cpu-riscv/src/index.js';
import hypervisorPlugin, { type ThinHypervisorApi } from '../src/index.js';
import { here, repoRoot } from './harness.js';
import { need, runSlices, virtualSeconds, writeInitramfs } from './linux.js';

const kernel = need('Image');
const busybox = need('busybox');
const modulesRoot = need('modules');
const E2E_TIMEOUT = 60 * 60 * 1000;

/**
 * The project's busybox initramfs (marker, /proc/cpuinfo), then a count of processors and a
 * pause before the power-off: the passed-through UART has no interrupt here, so Linux drains
 * it from a poll timer and `poweroff -f` would cut its last lines.
 */
async function initramfs(file: string): Promise<string> {
  const commands = ['echo CPUS=$(grep -c ^processor /proc/cpuinfo)', 'sleep 2', 'echo TESSERA-INIT-POWEROFF', 'sleep 1', 'poweroff -f'];
  return writeInitramfs(file, { busybox: busybox!, modulesRoot: modulesRoot!, modules: [], commands, poweroff: false });
}

describe.skipIf(kernel === undefined || busybox === undefined || modulesRoot === undefined)('Linux on more vCPUs than harts (time-sliced)', () => {
  for (const { what, extra, cpus, sstc } of [
    { what: '', extra: [], cpus: 2, sstc: true },
    { what: ' — harts without Sstc: SBI set_timer, the hypervisor timer through the CLINT, hvip.VSTIP', extra: ['components.cpus.isa=rv64imafdch_zicsr_zifencei_zicntr'], cpus: 2, sstc: false },
    // Two harts, four vCPUs: requests between harts go through CLINT msip kicks.
    { what: ' — 4 vCPUs on 2 harts', extra: ['components.cpus.count=2', 'components.hyp.partitions.linux.harts=[0,1]', 'components.hyp.partitions.linux.vcpus=4'], cpus: 4, sstc: true },
  ]) {
    it(
      `boots to the marker with ${cpus} processors in /proc/cpuinfo and powers off with exit code 0${what}`,
      async () => {
        const initrd = await initramfs(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-hyp-1hart-')), 'initramfs.cpio.gz'));
        const registry = new PluginRegistry();
        registry.add(cpuRiscv);
        registry.add(hypervisorPlugin);
        const config = await loadMachine(path.join(here, 'linux-1hart.yaml'), {
          registry,
          cwd: repoRoot,
          sets: [...extra, 'components.uart0.console=capture', 'components.hyp.partitions.linux.console=capture', `components.hyp.partitions.linux.boot.kernel=${kernel}`, `components.hyp.partitions.linux.boot.initrd=${initrd}`],
        });
        const { sim, machine } = await buildSimulation(config, registry);
        const hyp = machine.api<ThinHypervisorApi>('hyp')!.hypervisor;
        const uart = machine.api<{ port: ConsolePort }>('uart0')!.port;
        const sbi = hyp.partitions[0]!.console;
        const { stop, wall } = runSlices(sim, E2E_TIMEOUT - 60_000, (w) => {
          const counts = [...hyp.exitCounts()].map(([k, v]) => `${k}: ${v}`).join('\n');
          return `virtual ${virtualSeconds(sim)} s, wall ${w.toFixed(1)} s\n${counts}\n==== uart0\n${uart.captured()}\n==== SBI console\n${sbi.captured()}\n`;
        });
        const out = uart.captured();
        const counts = hyp.exitCounts();
        console.log(`linux-1hart: wall ${wall.toFixed(1)} s, virtual ${virtualSeconds(sim)} s\n${[...counts].map(([k, v]) => `${k}: ${v}`).join('\n')}`);
        sim.dispose();
        expect(out, sbi.captured().slice(-3000) + out.slice(-3000)).toContain('TESSERA-INIT-OK');
        expect(out).toMatch(/processor\s*: 0/);
        expect(out).toMatch(/processor\s*: 1/);
        expect(out).toContain(`CPUS=${cpus}`);
        expect(out).toContain('TESSERA-INIT-POWEROFF');
        expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 0 });
        // Both vCPUs ran on the one hart and gave it up in WFI; the second came up through HSM.
        expect(counts.get('linux/1 sbi')).toBeGreaterThan(0);
        expect(counts.get('linux/0 wfi')).toBeGreaterThan(0);
        expect(counts.get('linux/1 wfi')).toBeGreaterThan(0);
        expect(hyp.sstc).toBe(sstc);
        if (!sstc) expect(out).not.toMatch(/isa\s*:.*sstc/);
        if (cpus > 2) expect(counts.get('linux/0 kick')).toBeGreaterThan(0);
      },
      E2E_TIMEOUT,
    );
  }
});

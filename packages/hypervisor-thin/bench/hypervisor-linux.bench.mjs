// Exits per second by reason while Debian's riscv64 Linux boots to its initramfs on two vCPUs
// time-sliced on ONE hart (packages/hypervisor-thin/test/linux-1hart.yaml, the busybox
// initramfs from `pnpm fetch-images`, which powers off after printing /proc/cpuinfo).
// Per second of virtual time (what the guest experiences) and per second of wall time
// (what the simulation costs), with the vCPU switches the scheduler made.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSimulation, loadMachine, PluginRegistry } from '@tessera/core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..', '..');
const images = path.join(repo, '.cache', 'images', 'riscv64');

export default async function bench() {
  const kernel = path.join(images, 'Image');
  const initrd = path.join(images, 'initramfs.cpio.gz');
  const B = 'hypervisor-thin: Linux boot, 2 vCPUs on 1 hart';
  if (!fs.existsSync(kernel) || !fs.existsSync(initrd)) return [{ bench: B, metric: 'skipped', value: 0, unit: '-', note: "no images: run 'pnpm fetch-images'" }];
  const registry = new PluginRegistry();
  const config = await loadMachine(path.join(here, '..', 'test', 'linux-1hart.yaml'), {
    registry,
    cwd: repo,
    sets: ['components.uart0.console=none', 'components.hyp.partitions.linux.console=none', `components.hyp.partitions.linux.boot.kernel=${kernel}`, `components.hyp.partitions.linux.boot.initrd=${initrd}`],
  });
  const { sim, machine } = await buildSimulation(config, registry);
  sim.consoles.echo = false;
  const hyp = machine.api('hyp').hypervisor;
  const t0 = process.hrtime.bigint();
  const stop = sim.run(sim.scheduler.now() + 60e9);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const virt = sim.scheduler.now() / 1e9;
  if (stop?.reason !== 'poweroff' || stop.exitCode !== 0) throw new Error(`Linux did not power off: ${stop?.message}`);
  const byReason = new Map();
  for (const [k, v] of hyp.exitCounts()) {
    const reason = k.slice(k.indexOf(' ') + 1);
    byReason.set(reason, (byReason.get(reason) ?? 0) + v);
  }
  const switches = (sim.events.snapshot().get('hyp.sched') ?? []).filter((c) => c.key.endsWith(' switch-in')).reduce((a, c) => a + c.value, 0);
  const retired = hyp.cluster.harts[0].retired;
  sim.dispose();
  const rows = [];
  for (const [reason, n] of [...byReason].sort((a, b) => b[1] - a[1])) {
    rows.push({ bench: B, metric: `exits/s (virtual): ${reason}`, value: Math.round(n / virt), unit: 'exits/s', note: `${n} exits; ${Math.round(n / wall)} per wall second` });
  }
  const total = [...byReason.values()].reduce((a, b) => a + b, 0);
  rows.push({ bench: B, metric: 'exits/s (virtual): all', value: Math.round(total / virt), unit: 'exits/s', note: `${total} exits, ${switches} vCPU switches in ${virt.toFixed(3)} s virtual, ${wall.toFixed(1)} s wall` });
  rows.push({ bench: B, metric: 'guest MIPS (wall)', value: Math.round(retired / wall / 1e5) / 10, unit: 'M instr/s', note: `${retired} instructions retired on the hart` });
  return rows;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.table(await bench());
}

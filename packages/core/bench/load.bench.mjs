// Loading and validating a generated 100-component machine file (issue 2's figure: under
// 50 ms after warm-up). Measures loadMachine (parse with positions, merge, ajv validation
// with coercion, references) and, separately, building the simulation from the result.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMachine, buildSimulation, PluginRegistry } from '@tessera/core';

const here = path.dirname(fileURLToPath(import.meta.url));
const plugin = path.join(here, '..', 'test', 'fixtures', 'test-plugin.mjs');

function machineText(n) {
  const lines = [
    'name: bench-100',
    'description: generated machine with 100 components',
    `plugins: [${JSON.stringify(plugin)}]`,
    'boot: { append: "console=ttyS0" }',
    'components:',
    '  ram:  { type: ram, base: 0x8000_0000, size: 256MiB }',
    '  intc: { type: intc, base: 0x0c00_0000 }',
  ];
  for (let i = 0; i < n - 2; i++) {
    const base = (0x1000_0000 + i * 0x1000).toString(16);
    lines.push(`  dev${i}:`);
    lines.push('    type: fake-dev');
    lines.push(`    base: 0x${base.slice(0, 4)}_${base.slice(4)}`);
    lines.push('    size: 4KiB');
    lines.push(`    irq: intc:${i % 32}`);
    lines.push('    clock: 10MHz');
    lines.push(`    mode: ${i % 2 ? 'fast' : 'slow'}`);
    lines.push(`    windows: [{ base: 0x${(0x2000_0000 + i * 0x10_0000).toString(16)}, size: 1MiB }]`);
    if (i > 0) lines.push(`    target: dev${i - 1}`);
  }
  return lines.join('\n') + '\n';
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export default async function bench() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-load-bench-'));
  const file = path.join(dir, 'bench-100.yaml');
  fs.writeFileSync(file, machineText(100));
  try {
    const registry = new PluginRegistry();
    const load = () => loadMachine(file, { registry });
    for (let i = 0; i < 20; i++) await load();
    const loadTimes = [];
    const cpuTimes = [];
    for (let i = 0; i < 50; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await load();
      loadTimes.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpuTimes.push((c.user + c.system) / 1000);
    }
    const config = await load();
    if (config.components.length !== 100) throw new Error(`expected 100 components, got ${config.components.length}`);
    const buildTimes = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const { sim } = await buildSimulation(config, registry);
      buildTimes.push(performance.now() - t0);
      sim.dispose();
    }
    const first = await (async () => {
      // A cold registry and a new file name: what `tessera run` pays once (ajv compiles).
      const r2 = new PluginRegistry();
      const t0 = performance.now();
      await loadMachine(file, { registry: r2 });
      return performance.now() - t0;
    })();
    return [
      { bench: 'load 100-component machine', metric: 'median after warm-up', value: +median(loadTimes).toFixed(2), unit: 'ms', reference: 50, ratio: +(median(loadTimes) / 50).toFixed(3), note: 'target < 50 ms (issue 2); ratio = time / target' },
      { bench: 'load 100-component machine', metric: 'median CPU time', value: +median(cpuTimes).toFixed(2), unit: 'ms', note: 'less sensitive than wall time to other processes' },
      { bench: 'load 100-component machine', metric: 'new registry (schemas cached)', value: +first.toFixed(2), unit: 'ms' },
      { bench: 'build 100-component machine', metric: 'median', value: +median(buildTimes).toFixed(2), unit: 'ms' },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await bench()) console.log(row);
}

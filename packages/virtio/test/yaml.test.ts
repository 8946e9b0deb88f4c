import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSimulation, defineComponent, definePlugin, loadMachine, PluginRegistry, Simulation } from '@tessera/core';
import { parsePcap } from '@tessera/net';
import virtioPlugin, { GuestAllocator, VirtioMmioDriver, VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC, type VirtioMmioApi, type VirtioNet } from '../src/index.js';
import { FakeIntc } from './helpers.js';

const testPlugin = definePlugin({
  name: 'virtio-test-intc',
  version: '0.0.0',
  components: {
    'test-intc': defineComponent<Record<string, never>>({
      description: 'interrupt sink',
      schema: { type: 'object', additionalProperties: false, properties: {} },
      create: () => ({
        api: new FakeIntc(),
        deviceTree(dt) {
          const n = dt.soc.child('intc@0');
          n.flag('interrupt-controller').cells('#interrupt-cells', 1);
          dt.register(n);
        },
      }),
    }),
  },
});

function machineFile(dir: string, name: string, extra = ''): string {
  const f = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    f,
    `name: ${name}
plugins: ["@tessera/virtio", "virtio-test-intc"]
components:
  ram:  { type: ram, base: 0x8000_0000, size: 16MiB }
  intc: { type: test-intc }
  net0:
    type: virtio-mmio-net
    base: 0x1000_8000
    irq: intc:8
    network: { backend: switch, switch: lan0, pcap: ${name}.pcap }
${extra}`,
  );
  return f;
}

describe('virtio components from machine files', () => {
  it('loads two machines on one switch into one simulation, with MAC and pcap options', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-virtio-yaml-'));
    const registry = new PluginRegistry();
    registry.add(virtioPlugin);
    registry.add(testPlugin);
    const sim = new Simulation();
    const fa = machineFile(dir, 'a', '    mac: 52:54:00:12:34:56\n');
    const fb = machineFile(dir, 'b');
    const a = await buildSimulation(await loadMachine(fa, { registry }), registry, { sim });
    const b = await buildSimulation(await loadMachine(fb, { registry }), registry, { sim });
    expect(a.sim).toBe(b.sim);
    for (const m of sim.machines) m.start();
    const devA = a.machine.api<VirtioMmioApi<VirtioNet>>('net0')!.device;
    const devB = b.machine.api<VirtioMmioApi<VirtioNet>>('net0')!.device;
    expect(devA.mac).toBe('52:54:00:12:34:56');
    expect(devB.mac).not.toBe(devA.mac);
    // A drives a broadcast frame; B receives it; each side's pcap sees it.
    const drivers = [a.machine, b.machine].map((m) => {
      const d = new VirtioMmioDriver(m.system, 0x1000_8000, new GuestAllocator(0x8010_0000, 0x10_0000));
      expect(d.negotiate([VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC]).ok).toBe(true);
      const rx = d.setupQueue(0, 16);
      const tx = d.setupQueue(1, 16);
      d.driverOk();
      return { d, rx, tx };
    });
    drivers[1]!.rx.addData([], [2048]);
    drivers[1]!.rx.kick();
    const frame = new Uint8Array(12 + 60);
    frame.fill(0xff, 12, 18);
    drivers[0]!.tx.addData([frame], []);
    drivers[0]!.tx.kick();
    sim.scheduler.advance(10_000);
    expect(drivers[1]!.rx.takeUsed().map((u) => u.len)).toEqual([72]);
    expect(a.machine.api<FakeIntc>('intc')!.level(8)).toBe(true);
    sim.dispose();
    for (const n of ['a', 'b']) {
      const p = parsePcap(new Uint8Array(fs.readFileSync(path.join(dir, `${n}.pcap`))));
      expect(p.records.length).toBe(1);
      expect(p.records[0]!.data.length).toBe(60);
    }
    // The device tree has the node Linux's virtio_mmio driver binds to.
    const dt = a.machine.deviceTree().find('soc/virtio_mmio@10008000')!;
    expect(dt.getStrings('compatible')).toEqual(['virtio,mmio']);
  });

  it('reports bad options against the machine file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-virtio-yaml-'));
    const registry = new PluginRegistry();
    registry.add(virtioPlugin);
    registry.add(testPlugin);
    const bad = machineFile(dir, 'bad', '    link: sideways\n');
    await expect(loadMachine(bad, { registry })).rejects.toThrow(/bad\.yaml:\d+:\d+: .*link/);
  });
});

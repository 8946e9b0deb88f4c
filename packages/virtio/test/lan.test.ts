/** machines/two-riscv-virt-lan.yaml loads, builds and checks its NICs against `links:` (no guest run). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSystem, loadSystem, PluginRegistry } from '@tessera/core';
import type { NetworkSwitch } from '@tessera/net';
import type { VirtioMmioApi, VirtioNet } from '../src/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const lan = path.join(repo, 'machines', 'two-riscv-virt-lan.yaml');
const pcap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-lan-')), 'lan0.pcap');

describe('machines/two-riscv-virt-lan.yaml', () => {
  it('two riscv-virt machines with a NIC each on the declared switch', async () => {
    const registry = new PluginRegistry();
    const system = await loadSystem(lan, { registry, sets: [`links.lan0.pcap=${pcap}`] });
    expect(system.machines.map((m) => m.name)).toEqual(['left', 'right']);
    expect(system.links.map((l) => [l.name, l.type, l.options])).toEqual([['lan0', 'switch', { latency: 1000, pcap }]]);
    const { sim, machines } = await buildSystem(system, registry);
    try {
      for (const m of machines) m.start();
      const macs = machines.map((m) => m.api<VirtioMmioApi<VirtioNet>>('net0')!.device.mac);
      expect(macs).toEqual(['52:54:00:00:00:01', '52:54:00:00:00:02']);
      for (const m of machines) {
        const dt = m.deviceTree();
        expect(dt.find('soc/virtio_mmio@10008000')?.getCells('interrupts')).toEqual([8]);
        expect(dt.find('chosen')?.getString('bootargs')).toBe('console=ttyS0 quiet');
      }
      // Both NICs joined the one switch the link defined.
      const sw = (machines[0]!.api<VirtioMmioApi<VirtioNet>>('net0')!.device.link as unknown as { sw: NetworkSwitch }).sw;
      expect(sw.name).toBe('lan0');
      expect(sw.portCount).toBe(2);
    } finally {
      sim.dispose();
    }
    expect(fs.existsSync(pcap)).toBe(true);
  });

  it('a NIC naming a switch the file does not declare is an error at its option', async () => {
    const registry = new PluginRegistry();
    await expect(loadSystem(lan, { registry, sets: ['machines.right.components.net0.network.switch=lan1'] })).rejects.toThrow(
      "<--set>:1:47: /machines/right/components/net0/network/switch: no link named 'lan1' under links: (did you mean 'lan0'?)",
    );
  });
});

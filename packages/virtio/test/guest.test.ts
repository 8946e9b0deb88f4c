/**
 * Real guest code: two machines, each an RV64 hart running the same bare-metal virtio-net
 * driver (guest/src/netpeer.c), on one switch. Each brings its NIC up, broadcasts a frame
 * and checks the frame it receives from the other.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Simulation, type ComponentType } from '@tessera/core';
import cpuRiscv from '@tessera/cpu-riscv';
import { parsePcap } from '@tessera/net';
import { virtioMmioNet } from '../src/index.js';
import { board } from './helpers.js';

const ELF = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'guest', 'bin', 'netpeer.elf');

describe('virtio-net driven by guest code on RV64 harts', () => {
  it('two machines exchange broadcast frames through a switch', async () => {
    const sim = new Simulation();
    const pcap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-guest-')), 'lan.pcap');
    for (const name of ['left', 'right']) {
      const b = await board(sim, name);
      // board() gives RAM at 0x8000_0000 (16 MiB) and an interrupt sink `intc`.
      (b.machine as unknown as { boot: { kernel?: string } }).boot.kernel = ELF;
      await b.machine.add('cpus', cpuRiscv.components['riscv-hart'] as ComponentType<object>, { count: 1 });
      await b.machine.add('htif', cpuRiscv.components.htif as ComponentType<object>, { harts: 'cpus', console: 'capture' });
      await b.machine.add('net0', virtioMmioNet as ComponentType<object>, {
        base: 0x1000_1000,
        irq: { controller: 'intc', line: 1 },
        network: { backend: 'switch', switch: 'lan', ...(name === 'left' ? { pcap } : {}) },
      });
    }
    // Each machine's HTIF exit is a power.off event; the first one also stops the run.
    const exits = new Map<string, number>();
    sim.events.addSink({ kinds: ['power.off'], event: (e) => exits.set(String(e.machine), Number(e.exitCode)) });
    const limit = 50e6;
    while (exits.size < 2 && sim.scheduler.now() < limit) {
      const stop = sim.run(limit);
      if (stop === undefined) break;
      expect(stop.reason).toBe('poweroff');
      sim.scheduler.clearStop();
    }
    expect(Object.fromEntries(exits)).toEqual({ left: 0, right: 0 });
    const out = sim.consoles as unknown as { ports: Array<{ name: string; captured(): string }> };
    const text = out.ports.map((p) => p.captured()).join('');
    const macs = sim.machines.map((m) => (m.api('net0') as { device: { mac: string } }).device.mac);
    expect(text).toContain(`virtio-net ${macs[0]} got a frame from ${macs[1]}`);
    expect(text).toContain(`virtio-net ${macs[1]} got a frame from ${macs[0]}`);
    sim.dispose();
    const p = parsePcap(new Uint8Array(fs.readFileSync(pcap)));
    expect(p.records.length).toBe(2);
  });
});

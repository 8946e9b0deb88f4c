import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Simulation } from '@tessera/core';
import { VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF, virtioMmioNet, type VirtioNet } from '../src/index.js';
import { attach, board, ethFrame, readGuest, SLOT } from './helpers.js';

async function nic(sim: Simulation, name: string, network: object) {
  const b = await board(sim, name);
  const { drv, device } = await attach<object, VirtioNet>(b, 'net0', virtioMmioNet as never, { base: SLOT, irq: { controller: 'intc', line: 1 }, network });
  expect(drv.negotiate([VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF]).ok).toBe(true);
  const rx = drv.setupQueue(0, 16);
  const tx = drv.setupQueue(1, 16);
  drv.driverOk();
  return { b, drv, device, rx, tx };
}

describe('virtio-net on the socket backend', () => {
  it('links two simulations (as two processes would be) over loopback UDP', async () => {
    const port = 30000 + (process.pid % 20000);
    const simA = new Simulation();
    const simB = new Simulation();
    const a = await nic(simA, 'a', { backend: 'socket', port, peer: port + 1 });
    const b = await nic(simB, 'b', { backend: 'socket', port: port + 1, peer: port });
    try {
      const links = [a.device.link, b.device.link] as unknown as Array<{ ready: Promise<void> }>;
      await Promise.all(links.map((l) => l.ready));
      const { out } = b.rx.addData([], [2048]);
      b.rx.kick();
      const frame = ethFrame(b.device.mac.split(':').map((h) => parseInt(h, 16)), a.device.mac.split(':').map((h) => parseInt(h, 16)), 'across processes');
      const hdr = new Uint8Array(12);
      const all = new Uint8Array(12 + frame.length);
      all.set(hdr);
      all.set(frame, 12);
      a.tx.addData([all], []);
      a.tx.kick();
      const deadline = Date.now() + 5000;
      while (b.rx.usedIdx() === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
        // The datagram is only handed to the device by B's scheduler.
        simB.scheduler.advance(simB.scheduler.now() + 1000);
      }
      const used = b.rx.takeUsed();
      expect(used.length).toBe(1);
      expect(readGuest(b.b, out[0]! + 12, frame.length)).toEqual(frame);
    } finally {
      simA.dispose();
      simB.dispose();
    }
  });

  it('reports a UDP port that is already in use when the NIC is created', async () => {
    const port = 31000 + (process.pid % 20000);
    const sim = new Simulation();
    const a = await nic(sim, 'a', { backend: 'socket', port, peer: port + 1 });
    const b = await board(sim, 'b');
    await expect(b.machine.add('net0', virtioMmioNet as never, { base: SLOT, irq: { controller: 'intc', line: 1 }, network: { backend: 'socket', port, peer: port + 2 } } as never)).rejects.toThrow(
      /cannot bind UDP 127\.0\.0\.1:\d+/,
    );
    expect(a.device.link).toBeDefined();
    sim.dispose();
  });

  it('gives identical pcap files for identical runs (virtual-time stamps)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-det-'));
    const run = async (file: string) => {
      const sim = new Simulation();
      const a = await nic(sim, 'a', { backend: 'switch', switch: 's', pcap: file });
      const c = await nic(sim, 'c', { backend: 'switch', switch: 's', latency: 2500 });
      c.rx.addData([], [2048]);
      c.rx.kick();
      for (let i = 0; i < 3; i++) {
        sim.scheduler.advance(sim.scheduler.now() + 7777);
        a.tx.addData([new Uint8Array(12 + 64).fill(i + 1, 12)], []);
        a.tx.kick();
      }
      sim.scheduler.advance(sim.scheduler.now() + 100_000);
      sim.dispose();
      return fs.readFileSync(file);
    };
    const one = await run(path.join(dir, '1.pcap'));
    const two = await run(path.join(dir, '2.pcap'));
    expect(one.length).toBe(24 + 3 * (16 + 64));
    expect(Buffer.compare(one, two)).toBe(0);
  });
});

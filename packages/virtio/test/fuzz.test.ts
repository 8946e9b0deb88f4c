/**
 * Guest misbehaviour never throws out of the simulator: random register writes and random
 * ring contents, with a deterministic generator, against every device type and both ring
 * formats. Every access must return, and the device keeps answering.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Simulation, type ComponentType } from '@tessera/core';
import { MmioReg, virtioMmioBlk, virtioMmioConsole, virtioMmioNet } from '../src/index.js';
import { board, RAM_BASE, SLOT } from './helpers.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const REGS = [
  MmioReg.DeviceFeaturesSel, MmioReg.DriverFeatures, MmioReg.DriverFeaturesSel, MmioReg.GuestPageSize, MmioReg.QueueSel,
  MmioReg.QueueNum, MmioReg.QueueAlign, MmioReg.QueuePFN, MmioReg.QueueReady, MmioReg.QueueNotify, MmioReg.InterruptACK,
  MmioReg.Status, MmioReg.QueueDescLow, MmioReg.QueueDescHigh, MmioReg.QueueDriverLow, MmioReg.QueueDriverHigh,
  MmioReg.QueueDeviceLow, MmioReg.QueueDeviceHigh, MmioReg.SHMSel, MmioReg.Config, MmioReg.Config + 4,
];

describe('fuzzing the transport and the rings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-fuzz-'));
  const img = path.join(dir, 'd.img');
  fs.writeFileSync(img, new Uint8Array(8192));
  const kinds: Array<[string, ComponentType<object>, object]> = [
    ['net', virtioMmioNet as ComponentType<object>, { network: { backend: 'switch', switch: 'fz' } }],
    ['net-packed', virtioMmioNet as ComponentType<object>, { network: { backend: 'switch', switch: 'fz' }, packed: true }],
    ['net-legacy', virtioMmioNet as ComponentType<object>, { network: { backend: 'switch', switch: 'fz' }, legacy: true }],
    ['blk', virtioMmioBlk as ComponentType<object>, { image: img }],
    ['blk-packed', virtioMmioBlk as ComponentType<object>, { image: img, packed: true }],
    ['console', virtioMmioConsole as ComponentType<object>, { console: 'capture' }],
  ];
  for (const [label, type, extra] of kinds) {
    it(`${label}: 3000 random steps never throw`, async () => {
      const sim = new Simulation();
      const b = await board(sim, 'f');
      await b.machine.add('dev', type, { base: SLOT, irq: { controller: 'intc', line: 1 }, 'queue-size': 8, ...extra });
      b.machine.start();
      const peer = await board(sim, 'peer');
      void peer;
      const bus = b.machine.system;
      const next = rng(label.length * 7919 + 1);
      // Rings and buffers live in the first 64 KiB of RAM; fill it with noise now and then.
      const window = 64 * 1024;
      const noise = (): void => {
        // Descriptor-shaped noise: addresses mostly inside the window, small lengths, random
        // flags and next indices, so chains get walked deep before something is wrong.
        const bytes = new Uint8Array(window);
        const v = new DataView(bytes.buffer);
        for (let i = 0; i < window; i += 16) {
          const inside = next() % 8 !== 0;
          v.setUint32(i, inside ? RAM_BASE + (next() % (window - 4096)) : next(), true);
          v.setUint32(i + 4, inside ? 0 : next() & 0xff, true);
          v.setUint32(i + 8, next() % 8 === 0 ? next() : next() % 2048, true);
          // flags: NEXT/WRITE/INDIRECT, and the packed AVAIL/USED bits now and then.
          v.setUint16(i + 12, next() % 4 === 0 ? next() & 0xffff : (next() % 8) | (next() % 2 === 0 ? 0x80 : 0), true);
          v.setUint16(i + 14, next() % 8 === 0 ? next() & 0xffff : next() % 8, true);
        }
        bus.writeBytes(RAM_BASE, bytes);
      };
      noise();
      const addrLike = (): number => (next() % 8 === 0 ? next() : RAM_BASE + (next() % 16) * 4096);
      expect(() => {
        for (let step = 0; step < 3000; step++) {
          const r = next() % 10;
          if (r === 0) noise();
          else if (r < 3) {
            // A plausible bring-up, then a burst of notifications.
            bus.write(SLOT + MmioReg.Status, 4, 0);
            bus.write(SLOT + MmioReg.Status, 4, 3);
            bus.write(SLOT + MmioReg.GuestPageSize, 4, 4096);
            for (let sel = 0; sel < 2; sel++) {
              bus.write(SLOT + MmioReg.DeviceFeaturesSel, 4, sel);
              const offered = bus.read(SLOT + MmioReg.DeviceFeatures, 4);
              bus.write(SLOT + MmioReg.DriverFeaturesSel, 4, sel);
              // Mostly a subset of what is offered (VERSION_1 kept), sometimes anything.
              bus.write(SLOT + MmioReg.DriverFeatures, 4, next() % 16 === 0 ? next() : (offered & next()) | (sel === 1 ? 1 : 0));
            }
            bus.write(SLOT + MmioReg.Status, 4, 11);
            for (let q = 0; q < 2; q++) {
              bus.write(SLOT + MmioReg.QueueSel, 4, q);
              const size = 1 << (next() % 4);
              bus.write(SLOT + MmioReg.QueueNum, 4, size);
              bus.write(SLOT + MmioReg.QueueDescLow, 4, addrLike());
              for (const hi of [MmioReg.QueueDescHigh, MmioReg.QueueDriverHigh, MmioReg.QueueDeviceHigh]) bus.write(SLOT + hi, 4, next() % 16 === 0 ? next() : 0);
              const driverArea = addrLike();
              // A plausible available index (a few entries ahead) most of the time.
              if (next() % 4 !== 0) bus.write(driverArea + 2, 2, 1 + (next() % size));
              bus.write(SLOT + MmioReg.QueueDriverLow, 4, driverArea);
              bus.write(SLOT + MmioReg.QueueDeviceLow, 4, addrLike());
              bus.write(SLOT + MmioReg.QueuePFN, 4, (RAM_BASE + (next() % window)) >>> 12);
              bus.write(SLOT + MmioReg.QueueReady, 4, 1);
            }
            bus.write(SLOT + MmioReg.Status, 4, 15);
            for (let k = 0; k < 4; k++) bus.write(SLOT + MmioReg.QueueNotify, 4, next() % 3);
          } else if (r < 5) {
            const dev = (b.machine.api('dev') as { device: { receive?(f: Uint8Array): void } }).device;
            dev.receive?.(new Uint8Array(14 + (next() % 3000)).fill(next() & 0xff));
          } else if (r < 6) {
            sim.scheduler.advance(sim.scheduler.now() + 2000);
          } else {
            const reg = REGS[next() % REGS.length]!;
            const size = ([1, 2, 4] as const)[next() % 3]!;
            if (next() & 1) bus.write(SLOT + reg, size, next());
            else bus.read(SLOT + reg + (next() % 4), size);
          }
        }
      }).not.toThrow();
      // The run went through error paths (and the device survived them).
      expect(b.events.filter((e) => e.kind === 'virtio.error').length).toBeGreaterThan(10);
      // The register window still answers.
      expect(bus.read(SLOT + MmioReg.MagicValue, 4)).toBe(0x74726976);
      sim.dispose();
    });
  }
});

/** Real guest code driving virtio-blk: a bare-metal RV64 driver (guest/src/blkpeer.c). */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Simulation, type ComponentType } from '@tessera/core';
import cpuRiscv from '@tessera/cpu-riscv';
import { virtioMmioBlk, type VirtioBlk, type VirtioMmioApi } from '../src/index.js';
import { board } from './helpers.js';

const ELF = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'guest', 'bin', 'blkpeer.elf');

describe('virtio-blk driven by guest code on an RV64 hart', () => {
  it('reads, writes into the overlay, gets the ID, flushes, and fails past the end; the image is untouched', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-guest-blk-'));
    const image = path.join(dir, 'disk.img');
    const bytes = new Uint8Array(64 * 512);
    bytes.set(new TextEncoder().encode('hello from sector zero'));
    fs.writeFileSync(image, bytes);
    const hash = () => createHash('sha256').update(fs.readFileSync(image)).digest('hex');
    const before = hash();
    const sim = new Simulation();
    const b = await board(sim, 'm');
    (b.machine as unknown as { boot: { kernel?: string } }).boot.kernel = ELF;
    await b.machine.add('cpus', cpuRiscv.components['riscv-hart'] as ComponentType<object>, { count: 1 });
    await b.machine.add('htif', cpuRiscv.components.htif as ComponentType<object>, { harts: 'cpus', console: 'capture' });
    await b.machine.add('disk0', virtioMmioBlk as ComponentType<object>, { base: 0x1000_1000, irq: { controller: 'intc', line: 1 }, image, serial: 'tessera-guest-disk' });
    const stop = sim.run(50e6);
    expect(stop?.reason).toBe('poweroff');
    expect(stop?.exitCode).toBe(0);
    const text = (sim.consoles as unknown as { ports: Array<{ captured(): string }> }).ports.map((p) => p.captured()).join('');
    expect(text).toBe('hello from sector zero\ntessera-guest-disk\n');
    const dev = b.machine.api<VirtioMmioApi<VirtioBlk>>('disk0')!.device;
    const sector1 = new Uint8Array(512);
    dev.image.read(512, sector1);
    expect(sector1[0]).toBe(1);
    expect(sector1[511]).toBe((511 * 3 + 1) & 0xff);
    sim.dispose();
    expect(hash()).toBe(before);
  });
});

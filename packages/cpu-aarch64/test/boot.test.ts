import { describe, expect, it } from 'vitest';
import { builtinPlugin, readDtb, Simulation, type ComponentType, type RamRegion } from '@tessera/core';
import { aarch64Boot, armCpu, type A64Cluster } from '../src/index.js';

/** A minimal arm64 Image: the 64-byte header (Documentation/arm64/booting.rst) and `b .`. */
function fakeImage(): Uint8Array {
  const img = new Uint8Array(0x1000);
  const dv = new DataView(img.buffer);
  dv.setUint32(0, 0x14000000 | (0x40 / 4), true); // code0: b to 0x40
  dv.setBigUint64(8, 0n, true); // text_offset
  dv.setBigUint64(16, 0x10000n, true); // image_size
  dv.setBigUint64(24, 0xan, true); // flags: LE, 4K, anywhere
  dv.setUint32(0x38, 0x644d5241, true); // "ARM\x64"
  dv.setUint32(0x40, 0x14000000, true); // b .
  return img;
}

describe('aarch64-boot', () => {
  it('loads an arm64 Image at a 2 MiB aligned base + text_offset, the DTB with /chosen bootargs, and sets X0 = DTB for core 0', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a64-boot-'));
    const kernel = path.join(dir, 'Image');
    fs.writeFileSync(kernel, fakeImage());
    const sim = new Simulation();
    const m = sim.addMachine('t', { boot: { kernel, append: 'console=ttyAMA0 quiet' } });
    await m.add('ram', builtinPlugin.components.ram as ComponentType<unknown>, { base: 0x4000_0000, size: 0x1000_0000 });
    const cpus = await m.add('cpus', armCpu, { count: 2 });
    await m.add('boot', aarch64Boot, { cpus: 'cpus', ram: 'ram' });
    m.start();
    const cl = cpus.api as A64Cluster;
    const c0 = cl.cores[0]!;
    expect(c0.pc).toBe(0x4000_0000n); // text_offset 0 above the 2 MiB aligned RAM base
    expect(c0.el).toBe(2);
    expect(cl.cores[1]!.poweredOff).toBe(true);
    const dtbAddr = Number(c0.x[0]!);
    expect(dtbAddr % 8).toBe(0);
    const ram = m.api<RamRegion>('ram')!;
    const dtb = ram.u8.slice(dtbAddr - 0x4000_0000, dtbAddr - 0x4000_0000 + 0x10000);
    const root = readDtb(dtb).root;
    expect(root.find('chosen')!.getStrings('bootargs')).toEqual(['console=ttyAMA0 quiet']);
    expect(root.find('psci')!.getStrings('method')).toEqual(['smc']);
    expect(root.find('cpus')!.children.map((n) => n.name)).toEqual(['cpu@0', 'cpu@1']);
    // The kernel image is in RAM at the load address and runs (b . after the header branch).
    expect(ram.u32[0]).toBe(0x14000010);
    sim.run(1000);
    expect(c0.pc).toBe(0x4000_0040n);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

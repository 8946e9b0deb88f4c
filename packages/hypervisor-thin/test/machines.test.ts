import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { writeDtb, parseDtb } from '@tessera/core';
import { build, repoRoot, here } from './harness.js';

describe('machines/default.yaml', () => {
  it('runs two partitions of the hello guest and powers off with exit code 0', async () => {
    const { sim, api } = await build(path.join(repoRoot, 'machines', 'default.yaml'), ['components.hyp.partitions.left.console=capture', 'components.hyp.partitions.right.console=capture']);
    const stop = sim.run(1e9);
    expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 0 });
    for (const p of api.hypervisor.partitions) expect(p.console.captured()).toContain('hello from a VS-mode guest on vCPU 0\n');
  });

  it('gives each partition its own device tree (tessera dtb --partition)', async () => {
    const { api } = await build(path.join(repoRoot, 'machines', 'default.yaml'), ['components.hyp.partitions.left.console=none', 'components.hyp.partitions.right.console=none']);
    const dt = api.partitionDeviceTree('right')!;
    expect(dt.getString('model')).toBe('tessera partition right');
    expect(dt.find('/cpus/cpu@0')?.getString('device_type')).toBe('cpu');
    expect(dt.find('/cpus/cpu@1')).toBeUndefined();
    expect(dt.find('/memory@80000000')?.getCells('reg')).toEqual([0, 0x8000_0000, 0, 0x20_0000]);
    expect(dt.find('/chosen')?.getString('bootargs')).toBe('partition right');
    expect(api.partitionDeviceTree('nope')).toBeUndefined();
    // It is a valid blob.
    expect(parseDtb(writeDtb(dt)).find('/cpus')?.getCells('timebase-frequency')).toEqual([10_000_000]);
  });
});

describe('layout errors in machine files', () => {
  it('a hart in two partitions is a configuration error naming both', async () => {
    await expect(build(path.join(here, 'two-partitions.yaml'), ['components.hyp.partitions.beta.harts=[0]'])).rejects.toThrow("hart 0 is in two partitions: 'alpha' and 'beta'");
  });

  it('a passthrough device in two partitions is a configuration error', async () => {
    await expect(
      build(path.join(here, 'two-partitions.yaml'), ['components.hyp.partitions.alpha.devices=[uart0]', 'components.hyp.partitions.beta.devices=[uart0]']),
    ).rejects.toThrow("device 'uart0' is in two partitions: 'alpha' and 'beta'");
  });

  it('a passthrough device is mapped 1:1 and appears in the partition device tree', async () => {
    const { api } = await build(path.join(here, 'two-partitions.yaml'), ['components.hyp.partitions.alpha.devices=[uart0]']);
    const dt = api.partitionDeviceTree('alpha')!;
    expect(dt.find('/serial@10000000')?.getStrings('compatible')).toContain('ns16550a');
    expect(api.partitionDeviceTree('beta')!.find('/serial@10000000')).toBeUndefined();
  });
});

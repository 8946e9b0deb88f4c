import { describe, expect, it } from 'vitest';
import gicPlugin, { type GicV2Api, type GicV2mApi } from '../src/index.js';
import { rig } from './helpers.js';

const D = 0x0800_0000;
const C = 0x0801_0000;
const M = 0x0802_0000;

describe('GICv2m', () => {
  async function v2m() {
    return rig(1, async (m) => {
      await m.add('gic', gicPlugin.components.gicv2!, { gicd: D, gicc: C, cpus: 'cpus' });
      await m.add('v2m', gicPlugin.components.gicv2m!, { base: M, gic: 'gic' });
    });
  }

  it('reports its SPI range and raises an edge SPI per MSI_SETSPI_NS write', async () => {
    const r = await v2m();
    expect(r.rd(M + 0x008)).toBe((80 << 16) | 64);
    expect(r.machine.api<GicV2mApi>('v2m')!.msiDoorbell).toBe(M + 0x40);
    r.wr(D, 1);
    r.wr(C, 1);
    r.wr(C + 4, 0xff);
    r.wr(D + 0x800 + 90, 1, 0, 1);
    r.wr(D + 0x400 + 90, 0x80, 0, 1);
    r.wr(D + 0xc00 + 4 * (90 >> 4), 2 << (2 * (90 & 15))); // edge
    r.wr(D + 0x100 + 4 * (90 >> 5), 1 << (90 & 31));
    r.wr(M + 0x040, 90);
    expect(r.cluster.level(0, 'irq')).toBe(true);
    expect(r.rd(C + 0x0c)).toBe(90);
    r.wr(C + 0x10, 90);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    r.wr(M + 0x040, 200);
    r.wr(M + 0x044, 90);
    expect(r.errors().length).toBe(2);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    void r.machine.api<GicV2Api>('gic');
  });

  it('is an arm,gic-v2m-frame child of the GIC node', async () => {
    const r = await v2m();
    const dt = r.machine.deviceTree();
    const f = dt.find('intc@8000000/v2m@8020000')!;
    expect(f.getStrings('compatible')).toEqual(['arm,gic-v2m-frame']);
    expect(f.props.has('msi-controller')).toBe(true);
    expect(f.getCells('reg')).toEqual([0, M, 0, 0x1000]);
  });
});

import { describe, expect, it } from 'vitest';
import { Simulation, defineComponent, type Component, type IrqLine } from '@tessera/core';
import gicPlugin, { SYSREG, type GicV3ComponentApi } from '../src/index.js';
import { FakeCluster, accessCtx } from './helpers.js';

describe('GIC and CPU cluster wiring', () => {
  it('works when the cluster is created after the GIC and wires its timer PPI in create()', async () => {
    const sim = new Simulation();
    const m = sim.addMachine('m');
    await m.add('gic', gicPlugin.components.gicv3!, { gicd: 0x0800_0000, gicr: 0x080a_0000, cpus: 'cpus' });
    const cluster = new FakeCluster(2, [0, 1]);
    let timer: IrqLine | undefined;
    const type = defineComponent<Record<string, never>>({
      description: 'cluster naming its GIC',
      schema: { type: 'object' },
      create(ctx): Component {
        timer = ctx.irq({ controller: 'gic', line: 'ppi:1:30' });
        timer.raise(); // asserted before the GIC knows how many CPUs there are
        return { api: cluster };
      },
    });
    await m.add('cpus', type, {});
    m.start();
    const gic = m.api<GicV3ComponentApi>('gic')!;
    expect(cluster.attached.length).toBe(2);
    expect(cluster.attached[1]).toBe(gic.cpuInterface(1));
    const sys = m.system;
    sys.write(0x0800_0000, 4, 2);
    const rd1 = 0x080a_0000 + 0x20000;
    sys.write(rd1 + 0x14, 4, 0);
    sys.write(rd1 + 0x10000 + 0x80, 4, 1 << 30);
    sys.write(rd1 + 0x10000 + 0x100, 4, 1 << 30);
    const ci = gic.cpuInterface(1);
    ci.sysregWrite(SYSREG.ICC_PMR_EL1, 0xffn, accessCtx());
    ci.sysregWrite(SYSREG.ICC_IGRPEN1_EL1, 1n, accessCtx());
    expect(cluster.level(1, 'irq')).toBe(true);
    expect(ci.sysregRead(SYSREG.ICC_IAR1_EL1, accessCtx())).toBe(30n);
    // The device tree sizes the redistributor region from the cluster.
    const n = m.deviceTree().find('intc@8000000')!;
    expect(n.getCells('reg')).toEqual([0, 0x0800_0000, 0, 0x10000, 0, 0x080a_0000, 0, 0x40000]);
  });

  it('rejects a cpus name that is not a component, with a clear message', async () => {
    const sim = new Simulation();
    const m = sim.addMachine('m');
    await m.add('gic', gicPlugin.components.gicv2!, { gicd: 0x0800_0000, gicc: 0x0801_0000, cpus: 'nope' });
    expect(() => m.start()).toThrow(/cpus names 'nope'/);
  });
});

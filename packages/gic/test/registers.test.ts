import { describe, expect, it } from 'vitest';
import gicPlugin, { SYSREG, type GicV2Api, type GicV3ComponentApi } from '../src/index.js';
import { accessCtx, rig } from './helpers.js';

const EL1 = accessCtx();
const EL2 = accessCtx({ el: 2 });
const IMO = accessCtx({ hcr: (1 << 4) | (1 << 3) });

describe('GICv3 register details', () => {
  const D = 0x0800_0000;
  const R = 0x080a_0000;
  const v3 = (extra: Record<string, unknown> = {}) => rig(1, (m) => m.add('gic', gicPlugin.components.gicv3!, { gicd: D, gicr: R, cpus: 'cpus', ...extra }));

  it('ICC_BPR0/BPR1 minimums and ICC_CTLR_EL1.CBPR sharing', async () => {
    const r = await v3();
    const c = r.machine.api<GicV3ComponentApi>('gic')!.cpuInterface(0);
    c.sysregWrite(SYSREG.ICC_BPR0_EL1, 0n, EL1);
    c.sysregWrite(SYSREG.ICC_BPR1_EL1, 0n, EL1);
    expect(c.sysregRead(SYSREG.ICC_BPR0_EL1, EL1)).toBe(2n);
    expect(c.sysregRead(SYSREG.ICC_BPR1_EL1, EL1)).toBe(3n);
    c.sysregWrite(SYSREG.ICC_BPR0_EL1, 4n, EL1);
    c.sysregWrite(SYSREG.ICC_CTLR_EL1, 1n, EL1);
    expect(c.sysregRead(SYSREG.ICC_BPR1_EL1, EL1)).toBe(5n);
    c.sysregWrite(SYSREG.ICC_BPR1_EL1, 7n, EL1); // ignored while CBPR = 1
    c.sysregWrite(SYSREG.ICC_CTLR_EL1, 0n, EL1);
    expect(c.sysregRead(SYSREG.ICC_BPR1_EL1, EL1)).toBe(3n);
    expect(c.sysregRead(SYSREG.ICC_AP1R0_EL1 + 1, EL1)).toBe(0n);
  });

  it('PPI trigger configuration, SGI set-pending through GICR_ISPENDR0, GICD_SGIR ignored with ARE', async () => {
    const r = await v3();
    const sgi = R + 0x10000;
    r.wr(sgi + 0xc04, 2 << 28); // PPI 30 edge
    expect(r.rd(sgi + 0xc04)).toBe(2 << 28);
    r.wr(sgi + 0x200, 1 << 5);
    expect(r.rd(sgi + 0x200)).toBe(1 << 5);
    r.wr(sgi + 0x280, 1 << 5);
    expect(r.rd(sgi + 0x200)).toBe(0);
    r.wr(D + 0xf00, 0x00010001);
    expect(r.rd(sgi + 0x200)).toBe(0);
    expect(r.errors().some((e) => String(e.message).includes('GICD_SGIR'))).toBe(true);
    // A PPI edge latches once; the line staying high does not re-pend it.
    const gic = r.machine.api<GicV3ComponentApi>('gic')!;
    gic.irqInput('ppi:0:30')!(true);
    expect(r.rd(sgi + 0x200)).toBe(1 << 30);
    r.wr(sgi + 0x280, 1 << 30);
    expect(r.rd(sgi + 0x200)).toBe(0);
  });

  it('rejects LPIs while GICR_CTLR.EnableLPIs = 0 and keeps GICR_CTLR.EnableLPIs RAZ without LPIs', async () => {
    const r = await v3({ lpis: true });
    r.wr(R + 0x40, 8192);
    expect(r.errors().some((e) => String(e.message).includes('EnableLPIs = 0'))).toBe(true);
    const r2 = await v3();
    r2.wr(R, 1);
    expect(r2.rd(R)).toBe(0);
    expect(r2.rd(D + 4) & (1 << 17)).toBe(0);
  });

  it('maps ICV_CTLR, ICV_BPR0/1, ICV_IGRPEN0/1 and ICV_AP1R0 onto ICH_VMCR_EL2 / ICH_AP1R0_EL2', async () => {
    const r = await v3();
    const c = r.machine.api<GicV3ComponentApi>('gic')!.cpuInterface(0);
    c.sysregWrite(SYSREG.ICC_CTLR_EL1, 3n, IMO);
    c.sysregWrite(SYSREG.ICC_BPR0_EL1, 5n, IMO);
    c.sysregWrite(SYSREG.ICC_IGRPEN0_EL1, 1n, IMO);
    c.sysregWrite(SYSREG.ICC_IGRPEN1_EL1, 1n, IMO);
    c.sysregWrite(SYSREG.ICC_AP1R0_EL1, 0x10n, IMO);
    const vmcr = Number(c.sysregRead(SYSREG.ICH_VMCR_EL2, EL2) as bigint);
    expect(vmcr & 0x213).toBe(0x213); // VENG0, VENG1, VCBPR, VEOIM
    expect((vmcr >>> 21) & 7).toBe(5);
    expect(c.sysregRead(SYSREG.ICC_BPR1_EL1, IMO)).toBe(6n); // VCBPR: BPR0 + 1
    expect(c.sysregRead(SYSREG.ICH_AP1R0_EL2, EL2)).toBe(0x10n);
    expect(c.sysregRead(SYSREG.ICC_RPR_EL1, IMO)).toBe(0x20n);
    expect(Number(c.sysregRead(SYSREG.ICC_CTLR_EL1, IMO) as bigint) & 3).toBe(3);
    // The physical interface is untouched.
    expect(c.sysregRead(SYSREG.ICC_BPR0_EL1, EL1)).toBe(2n);
    expect(Number(c.sysregRead(SYSREG.ICC_CTLR_EL1, EL1) as bigint) & 3).toBe(0);
  });
});

describe('GICv2 register details', () => {
  const D = 0x0800_0000;
  const C = 0x0801_0000;
  const H = 0x0803_0000;
  const V = 0x0804_0000;
  const v2 = () => rig(1, (m) => m.add('gic', gicPlugin.components.gicv2!, { gicd: D, gicc: C, gich: H, gicv: V, cpus: 'cpus' }));

  it('sets and clears active state, groups, and reports active priorities in GICC_APR0', async () => {
    const r = await v2();
    r.wr(D + 0x304, 1 << 3);
    expect(r.rd(D + 0x304)).toBe(1 << 3);
    r.wr(D + 0x384, 1 << 3);
    expect(r.rd(D + 0x304)).toBe(0);
    r.wr(D + 0x084, 0xf0);
    expect(r.rd(D + 0x084)).toBe(0xf0);
    r.wr(D, 1);
    r.wr(C, 1);
    r.wr(C + 4, 0xff);
    r.wr(D + 0x400 + 35, 0x28, 0, 1);
    r.wr(D + 0x800 + 35, 1, 0, 1);
    r.wr(D + 0x104, 1 << 3);
    r.machine.api<GicV2Api>('gic')!.irqInput(35)!(true);
    expect(r.rd(C + 0xc)).toBe(35);
    expect(r.rd(C + 0xd0)).toBe(1 << 5);
    r.wr(C + 0x10, 35);
    expect(r.rd(C + 0xd0)).toBe(0);
  });

  it('mirrors the GICV control registers into GICH_VMCR and GICH_APR', async () => {
    const r = await v2();
    r.wr(V + 0x000, 0x21f);
    r.wr(V + 0x008, 4);
    r.wr(V + 0x01c, 0);
    const vmcr = r.rd(H + 0x008);
    expect(vmcr & 0x21f).toBe(0x21f);
    expect((vmcr >>> 21) & 7).toBe(4);
    expect((vmcr >>> 18) & 7).toBe(3);
    r.wr(H + 0x0f0, 1 << 4);
    expect(r.rd(V + 0x0d0)).toBe(1 << 4);
    expect(r.rd(V + 0x014)).toBe(0x20);
    r.wr(H + 0x010, 0xff); // MISR is read-only
    expect(r.errors().length).toBe(1);
  });
});

describe('the largest distributor', () => {
  it('implements INTIDs up to 1019 with num-irqs 1020: 1020..1023 stay RAZ/WI', async () => {
    for (const type of ['gicv2', 'gicv3'] as const) {
      const opts = type === 'gicv2' ? { gicd: 0x0800_0000, gicc: 0x0801_0000 } : { gicd: 0x0800_0000, gicr: 0x080a_0000 };
      const r = await rig(1, (m) => m.add('gic', gicPlugin.components[type]!, { ...opts, cpus: 'cpus', 'num-irqs': 1020 }));
      expect(r.rd(0x0800_0004) & 0x1f).toBe(31);
      r.wr(0x0800_0000 + 0x100 + 4 * 31, 0xffffffff);
      expect(r.rd(0x0800_0000 + 0x100 + 4 * 31)).toBe(0x0fffffff);
      const api = r.machine.api<GicV2Api>('gic')!;
      expect(api.irqInput(1019)).toBeDefined();
      expect(api.irqInput(1020)).toBeUndefined();
    }
  });
});

describe('ITS queue errors', () => {
  it('reports GITS_CWRITER beyond the queue and resets GITS_CREADR when GITS_CBASER is written', async () => {
    const r = await rig(1, (m) => m.add('gic', gicPlugin.components.gicv3!, { gicd: 0x0800_0000, gicr: 0x080a_0000, cpus: 'cpus', its: { base: 0x0808_0000 } }));
    const ITS = 0x0808_0000;
    r.wr(ITS + 0x80, 0x4004_0000);
    r.wr(ITS + 0x84, 1 << 31);
    r.wr(ITS, 1);
    r.wr(ITS + 0x88, 0x1000); // queue is one page: offset 0x1000 is outside
    expect(r.errors().some((e) => String(e.message).includes('beyond the command queue'))).toBe(true);
    expect(r.rd(ITS + 0x90)).toBe(0);
    r.wr(ITS + 0x88, 0x40); // two SYNCs of zeros = unknown command 0
    expect(r.rd(ITS + 0x90)).toBe(0x40);
    r.wr(ITS + 0x84, 1 << 31);
    expect(r.rd(ITS + 0x90)).toBe(0);
    expect(r.rd(ITS) >>> 31).toBe(1); // quiescent
  });
});

import { describe, expect, it } from 'vitest';
import gicPlugin, {
  SYSREG,
  SYSREG_TRAP_EL2,
  SYSREG_TRAP_EL3,
  SYSREG_UNDEFINED,
  ichLrEncoding,
  isGicSysreg,
  sysregEncoding,
  type GicCpuInterface,
  type GicV3ComponentApi,
} from '../src/index.js';
import { accessCtx, rig, type Rig } from './helpers.js';

const D = 0x0800_0000;
const R = 0x080a_0000;
const STRIDE = 0x20000;
const RAM = 0x4000_0000;

async function v3(ncpus = 2, extra: Record<string, unknown> = {}, affinities?: number[]): Promise<Rig> {
  return rig(ncpus, (m) => m.add('gic', gicPlugin.components.gicv3!, { gicd: D, gicr: R, cpus: 'cpus', ...extra }), affinities ? { affinities } : {});
}

function api(r: Rig): GicV3ComponentApi {
  return r.machine.api<GicV3ComponentApi>('gic')!;
}

const EL1 = accessCtx();
const EL2 = accessCtx({ el: 2 });
const rd = (ci: GicCpuInterface, enc: number, ctx = EL1): bigint => {
  const v = ci.sysregRead(enc, ctx);
  if (typeof v !== 'bigint') throw new Error(`trap ${v.trap}`);
  return v;
};
const wr = (ci: GicCpuInterface, enc: number, v: bigint | number, ctx = EL1): void => {
  const t = ci.sysregWrite(enc, BigInt(v), ctx);
  if (t !== undefined) throw new Error(`trap ${t.trap}`);
};

/** Wake redistributors, enable Group 1 everywhere, open PMR. */
function bringUp(r: Rig, n = 2): void {
  r.wr(D, 2); // EnableGrp1
  for (let c = 0; c < n; c++) {
    r.wr(R + c * STRIDE + 0x14, 0);
    const ci = api(r).cpuInterface(c);
    wr(ci, SYSREG.ICC_PMR_EL1, 0xff);
    wr(ci, SYSREG.ICC_IGRPEN1_EL1, 1);
  }
}

function spi(r: Rig, id: number, prio: number, aff: number, irm = false): void {
  r.wr(D + 0x80 + 4 * (id >> 5), r.rd(D + 0x80 + 4 * (id >> 5)) | (1 << (id & 31))); // Group 1
  r.wr(D + 0x400 + id, prio, 0, 1);
  r.wr(D + 0x6000 + 8 * id, (aff & 0xffffff) | (irm ? 1 << 31 : 0));
  r.wr(D + 0x6004 + 8 * id, aff >>> 24);
  r.wr(D + 0x100 + 4 * (id >> 5), 1 << (id & 31));
}

describe('GICv3 identification and redistributors', () => {
  it('reports ARE/DS, TYPER fields and ArchRev 3', async () => {
    const r = await v3(2, { its: { base: 0x0808_0000 } });
    expect(r.rd(D) & 0x50).toBe(0x50);
    const typer = r.rd(D + 4);
    expect(typer & 0x1f).toBe(8);
    expect((typer >> 17) & 1).toBe(1);
    expect((typer >> 19) & 0x1f).toBe(15);
    expect((r.rd(D + 0xffe8) >> 4) & 0xf).toBe(3);
    expect((r.rd(R + 0xffe8) >> 4) & 0xf).toBe(3);
    // GICR_TYPER: processor number, Last, affinity in the upper word.
    expect(r.rd(R + 0x8) & 0x10).toBe(0);
    expect(r.rd(R + STRIDE + 0x8)).toBe((1 << 8) | 0x10 | 1);
    expect(r.rd(R + STRIDE + 0xc)).toBe(1);
  });

  it('uses the cluster affinities for GICR_TYPER and routing', async () => {
    const r = await v3(2, {}, [0x000, 0x100]);
    expect(r.rd(R + STRIDE + 0xc)).toBe(0x100);
    bringUp(r);
    spi(r, 40, 0x80, 0x100);
    api(r).irqInput(40)!(true);
    expect(r.cluster.level(1, 'irq')).toBe(true);
    expect(r.cluster.level(0, 'irq')).toBe(false);
  });

  it('forwards nothing to a sleeping redistributor (GICR_WAKER)', async () => {
    const r = await v3(1);
    expect(r.rd(R + 0x14)).toBe(6);
    r.wr(D, 2);
    const ci = api(r).cpuInterface(0);
    wr(ci, SYSREG.ICC_PMR_EL1, 0xff);
    wr(ci, SYSREG.ICC_IGRPEN1_EL1, 1);
    spi(r, 33, 0x80, 0);
    api(r).irqInput(33)!(true);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    r.wr(R + 0x14, 0);
    expect(r.rd(R + 0x14)).toBe(0);
    expect(r.cluster.level(0, 'irq')).toBe(true);
  });

  it('banks SGI/PPI registers in the SGI frame; the GICD copies are RAZ/WI', async () => {
    const r = await v3();
    r.wr(R + 0x10000 + 0x100, 1 << 27);
    expect(r.rd(R + 0x10000 + 0x100)).toBe(1 << 27);
    expect(r.rd(R + STRIDE + 0x10000 + 0x100)).toBe(0);
    r.wr(D + 0x100, 0xffffffff);
    expect(r.rd(D + 0x100)).toBe(0);
    expect(r.rd(R + 0x10000 + 0xc00)).toBe(0xaaaaaaaa);
    r.wr(R + 0x10000 + 0x400 + 27, 0xff, 0, 1);
    expect(r.rd(R + 0x10000 + 0x400 + 27, 0, 1)).toBe(0xf8);
  });
});

describe('GICv3 system-register CPU interface', () => {
  it('acknowledges and completes an SPI through ICC_IAR1/EOIR1; IRM routes to any PE', async () => {
    const r = await v3();
    bringUp(r);
    spi(r, 48, 0x60, 0, true);
    api(r).irqInput(48)!(true);
    expect(r.cluster.level(0, 'irq')).toBe(true);
    expect(r.cluster.level(1, 'irq')).toBe(true);
    const c1 = api(r).cpuInterface(1);
    expect(rd(c1, SYSREG.ICC_HPPIR1_EL1)).toBe(48n);
    expect(rd(c1, SYSREG.ICC_IAR1_EL1)).toBe(48n);
    expect(rd(c1, SYSREG.ICC_RPR_EL1)).toBe(0x60n);
    expect(rd(c1, SYSREG.ICC_AP1R0_EL1)).toBe(1n << 12n);
    expect(rd(api(r).cpuInterface(0), SYSREG.ICC_IAR1_EL1)).toBe(1023n);
    api(r).irqInput(48)!(false);
    wr(c1, SYSREG.ICC_EOIR1_EL1, 48);
    expect(rd(c1, SYSREG.ICC_RPR_EL1)).toBe(0xffn);
    expect(r.rd(D + 0x304)).toBe(0);
  });

  it('sends SGIs by affinity with ICC_SGI1R_EL1 (target list, RS, IRM) only to Group 1 SGIs', async () => {
    const n = 18;
    const affs = Array.from({ length: n }, (_, i) => ((i >> 4) << 8) | (i & 15));
    const r = await v3(n, {}, affs);
    bringUp(r, n);
    for (let c = 0; c < n; c++) {
      r.wr(R + c * STRIDE + 0x10000 + 0x80, 0xffff);
      r.wr(R + c * STRIDE + 0x10000 + 0x100, 0xffff);
    }
    const c0 = api(r).cpuInterface(0);
    // SGI 7 to Aff1 = 1, Aff0 = 1 (CPU 17) and Aff1 = 0, Aff0 = 2 (CPU 2).
    wr(c0, SYSREG.ICC_SGI1R_EL1, (7n << 24n) | (1n << 16n) | 0b10n);
    wr(c0, SYSREG.ICC_SGI1R_EL1, (7n << 24n) | 0b100n);
    expect(r.cluster.level(17, 'irq')).toBe(true);
    expect(r.cluster.level(2, 'irq')).toBe(true);
    expect(r.cluster.level(1, 'irq')).toBe(false);
    expect(rd(api(r).cpuInterface(17), SYSREG.ICC_IAR1_EL1)).toBe(7n);
    // RS selects Aff0 16..31: nothing there in this cluster.
    wr(c0, SYSREG.ICC_SGI1R_EL1, (1n << 44n) | (3n << 24n) | 1n);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    // IRM: everyone but the sender.
    wr(c0, SYSREG.ICC_SGI1R_EL1, (1n << 40n) | (4n << 24n));
    expect(r.cluster.level(0, 'irq')).toBe(false);
    expect(rd(api(r).cpuInterface(5), SYSREG.ICC_IAR1_EL1)).toBe(4n);
    // A Group 0 SGI is not generated by ICC_SGI1R_EL1 (GICD_CTLR.DS = 1).
    r.wr(R + 3 * STRIDE + 0x10000 + 0x80, 0);
    wr(c0, SYSREG.ICC_SGI1R_EL1, (9n << 24n) | 0b1000n);
    expect(r.rd(R + 3 * STRIDE + 0x10000 + 0x200) & (1 << 9)).toBe(0);
    wr(c0, SYSREG.ICC_SGI0R_EL1, (9n << 24n) | 0b1000n);
    expect(r.rd(R + 3 * STRIDE + 0x10000 + 0x200) & (1 << 9)).not.toBe(0);
  });

  it('splits priority drop and deactivation with ICC_CTLR_EL1.EOImode and ICC_DIR_EL1', async () => {
    const r = await v3(1);
    bringUp(r, 1);
    const c = api(r).cpuInterface(0);
    expect(Number(rd(c, SYSREG.ICC_CTLR_EL1)) & 0x8700).toBe(0x8400);
    wr(c, SYSREG.ICC_CTLR_EL1, 2);
    expect(rd(c, SYSREG.ICC_CTLR_EL1) & 2n).toBe(2n);
    spi(r, 40, 0x80, 0);
    api(r).irqInput(40)!(true);
    expect(rd(c, SYSREG.ICC_IAR1_EL1)).toBe(40n);
    api(r).irqInput(40)!(false);
    wr(c, SYSREG.ICC_EOIR1_EL1, 40);
    expect(rd(c, SYSREG.ICC_RPR_EL1)).toBe(0xffn);
    expect(r.rd(D + 0x304) & (1 << 8)).not.toBe(0);
    wr(c, SYSREG.ICC_DIR_EL1, 40);
    expect(r.rd(D + 0x304) & (1 << 8)).toBe(0);
  });

  it('signals Group 0 as FIQ', async () => {
    const r = await v3(1);
    r.wr(D, 1);
    r.wr(R + 0x14, 0);
    const c = api(r).cpuInterface(0);
    wr(c, SYSREG.ICC_PMR_EL1, 0xff);
    wr(c, SYSREG.ICC_IGRPEN0_EL1, 1);
    r.wr(D + 0x400 + 40, 0x80, 0, 1);
    r.wr(D + 0x6000 + 8 * 40, 0);
    r.wr(D + 0x104, 1 << 8);
    api(r).irqInput(40)!(true);
    expect(r.cluster.level(0, 'fiq')).toBe(true);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    expect(rd(c, SYSREG.ICC_IAR1_EL1)).toBe(1023n);
    expect(rd(c, SYSREG.ICC_IAR0_EL1)).toBe(40n);
  });

  it('decides UNDEFINED and traps per EL, HCR_EL2, ICH_HCR_EL2, ICC_SRE_ELx and SCR_EL3', async () => {
    const r = await v3(1);
    const c = api(r).cpuInterface(0);
    expect(c.sysregRead(SYSREG.ICC_IAR1_EL1, accessCtx({ el: 0 }))).toBe(SYSREG_UNDEFINED);
    expect(c.sysregRead(SYSREG.ICH_HCR_EL2, EL1)).toBe(SYSREG_UNDEFINED);
    expect(c.sysregRead(SYSREG.ICC_SRE_EL3, EL2)).toBe(SYSREG_UNDEFINED);
    expect(c.sysregRead(SYSREG.ICC_EOIR1_EL1, EL1)).toBe(SYSREG_UNDEFINED);
    expect(c.sysregWrite(SYSREG.ICC_IAR1_EL1, 0n, EL1)).toBe(SYSREG_UNDEFINED);
    expect(rd(c, SYSREG.ICC_SRE_EL1)).toBe(7n);
    // ICC_SRE_EL2.Enable = 0 traps EL1 accesses to ICC_SRE_EL1.
    wr(c, SYSREG.ICC_SRE_EL2, 0, EL2);
    expect(rd(c, SYSREG.ICC_SRE_EL2, EL2)).toBe(7n);
    expect(c.sysregRead(SYSREG.ICC_SRE_EL1, EL1)).toBe(SYSREG_TRAP_EL2);
    wr(c, SYSREG.ICC_SRE_EL2, 0xf, EL2);
    // ICH_HCR_EL2.TALL1 / TALL0 / TC / TDIR.
    wr(c, SYSREG.ICH_HCR_EL2, 1 << 12, EL2);
    expect(c.sysregRead(SYSREG.ICC_IAR1_EL1, EL1)).toBe(SYSREG_TRAP_EL2);
    expect(typeof c.sysregRead(SYSREG.ICC_IAR0_EL1, EL1)).toBe('bigint');
    expect(typeof c.sysregRead(SYSREG.ICC_IAR1_EL1, EL2)).toBe('bigint');
    expect(typeof c.sysregRead(SYSREG.ICC_IAR1_EL1, accessCtx({ haveEL2: false }))).toBe('bigint');
    wr(c, SYSREG.ICH_HCR_EL2, 1 << 11, EL2);
    expect(c.sysregRead(SYSREG.ICC_IAR0_EL1, EL1)).toBe(SYSREG_TRAP_EL2);
    wr(c, SYSREG.ICH_HCR_EL2, 1 << 10, EL2);
    expect(c.sysregRead(SYSREG.ICC_PMR_EL1, EL1)).toBe(SYSREG_TRAP_EL2);
    expect(c.sysregWrite(SYSREG.ICC_SGI1R_EL1, 0n, EL1)).toBe(SYSREG_TRAP_EL2);
    wr(c, SYSREG.ICH_HCR_EL2, 1 << 14, EL2);
    expect(c.sysregWrite(SYSREG.ICC_DIR_EL1, 0n, EL1)).toBe(SYSREG_TRAP_EL2);
    expect(c.sysregWrite(SYSREG.ICC_PMR_EL1, 0n, EL1)).toBeUndefined();
    wr(c, SYSREG.ICH_HCR_EL2, 0, EL2);
    // HCR_EL2.IMO: SGI generation traps, Group 1 registers become ICV_*.
    const imo = accessCtx({ hcr: 1 << 4 });
    expect(c.sysregWrite(SYSREG.ICC_SGI1R_EL1, 0n, imo)).toBe(SYSREG_TRAP_EL2);
    wr(c, SYSREG.ICC_PMR_EL1, 0x30, imo);
    expect(rd(c, SYSREG.ICH_VMCR_EL2, EL2) >> 24n).toBe(0x30n);
    expect(rd(c, SYSREG.ICC_PMR_EL1, EL1)).toBe(0n);
    // SCR_EL3.IRQ traps Group 1 registers to EL3 below EL3.
    const el3 = accessCtx({ haveEL3: true, scr: 1 | 2 });
    expect(c.sysregRead(SYSREG.ICC_IAR1_EL1, el3)).toBe(SYSREG_TRAP_EL3);
    expect(typeof c.sysregRead(SYSREG.ICC_IAR1_EL1, accessCtx({ haveEL3: true, scr: 1, el: 3 }))).toBe('bigint');
  });

  it('classifies GIC system-register encodings', () => {
    expect(isGicSysreg(SYSREG.ICC_PMR_EL1)).toBe(true);
    expect(isGicSysreg(SYSREG.ICC_IAR1_EL1)).toBe(true);
    expect(isGicSysreg(ichLrEncoding(15))).toBe(true);
    expect(isGicSysreg(SYSREG.ICC_SRE_EL3)).toBe(true);
    expect(isGicSysreg(sysregEncoding(3, 0, 12, 0, 0))).toBe(false); // VBAR_EL1
    expect(isGicSysreg(sysregEncoding(3, 3, 14, 0, 1))).toBe(false); // CNTPCT_EL0
    // The packed form is bits [20:5] of MRS: mrs x0, icc_iar1_el1 = 0xd538cc00.
    expect((0xd538cc00 >>> 5) & 0xffff).toBe(SYSREG.ICC_IAR1_EL1);
  });
});

describe('GICv3 virtualization (ICH_* / ICV_*)', () => {
  const lr = (vintid: number, prio: number, state: number, o: { grp1?: boolean; hw?: number; eoi?: boolean } = {}): bigint =>
    (BigInt(state) << 62n) | ((o.grp1 ?? true ? 1n : 0n) << 60n) | (o.hw !== undefined ? (1n << 61n) | (BigInt(o.hw) << 32n) : (o.eoi ? 1n : 0n) << 41n) | (BigInt(prio) << 48n) | BigInt(vintid);
  const IMO = accessCtx({ hcr: (1 << 4) | (1 << 3) });

  it('reports ICH_VTR_EL2 and round-trips list registers', async () => {
    const r = await v3(1);
    const c = api(r).cpuInterface(0);
    const vtr = Number(rd(c, SYSREG.ICH_VTR_EL2, EL2));
    expect(vtr & 0x1f).toBe(3);
    expect(vtr >>> 29).toBe(4);
    const v = lr(8200, 0xa0, 1, { eoi: true });
    wr(c, ichLrEncoding(2), v, EL2);
    expect(rd(c, ichLrEncoding(2), EL2)).toBe(v);
    expect(c.sysregRead(ichLrEncoding(4), EL2)).toBe(SYSREG_UNDEFINED);
    expect(rd(c, SYSREG.ICH_ELRSR_EL2, EL2)).toBe(0b1011n);
  });

  it('delivers a HW list register through ICV_IAR1 and deactivates the physical SPI on ICV_EOIR1', async () => {
    const r = await v3(1);
    bringUp(r, 1);
    const c = api(r).cpuInterface(0);
    wr(c, SYSREG.ICC_CTLR_EL1, 2, EL2); // the hypervisor runs with EOImode = 1
    spi(r, 44, 0x40, 0);
    api(r).irqInput(44)!(true);
    expect(rd(c, SYSREG.ICC_IAR1_EL1, EL2)).toBe(44n);
    api(r).irqInput(44)!(false);
    wr(c, SYSREG.ICC_EOIR1_EL1, 44, EL2);
    wr(c, SYSREG.ICH_HCR_EL2, 1, EL2);
    wr(c, SYSREG.ICH_VMCR_EL2, (0xf8 << 24) | 2, EL2);
    wr(c, ichLrEncoding(0), lr(44, 0x40, 1, { hw: 44 }), EL2);
    expect(r.cluster.level(0, 'virq')).toBe(true);
    expect(rd(c, SYSREG.ICC_HPPIR1_EL1, IMO)).toBe(44n);
    expect(rd(c, SYSREG.ICC_IAR1_EL1, IMO)).toBe(44n);
    expect(r.cluster.level(0, 'virq')).toBe(false);
    expect(rd(c, SYSREG.ICC_RPR_EL1, IMO)).toBe(0x40n);
    expect(rd(c, ichLrEncoding(0), EL2) >> 62n).toBe(2n);
    wr(c, SYSREG.ICC_EOIR1_EL1, 44, IMO);
    expect(rd(c, ichLrEncoding(0), EL2) >> 62n).toBe(0n);
    expect(r.rd(D + 0x304) & (1 << 12)).toBe(0);
  });

  it('signals virtual Group 0 as vFIQ and masks with ICV_PMR', async () => {
    const r = await v3(1);
    const c = api(r).cpuInterface(0);
    wr(c, SYSREG.ICH_HCR_EL2, 1, EL2);
    wr(c, SYSREG.ICC_IGRPEN0_EL1, 1, IMO);
    wr(c, SYSREG.ICC_PMR_EL1, 0x80, IMO);
    wr(c, ichLrEncoding(1), lr(100, 0x80, 1, { grp1: false }), EL2);
    expect(r.cluster.level(0, 'vfiq')).toBe(false);
    wr(c, SYSREG.ICC_PMR_EL1, 0x88, IMO);
    expect(r.cluster.level(0, 'vfiq')).toBe(true);
    expect(rd(c, SYSREG.ICC_IAR1_EL1, IMO)).toBe(1023n);
    expect(rd(c, SYSREG.ICC_IAR0_EL1, IMO)).toBe(100n);
  });

  it('raises the maintenance PPI 25 for EOI, underflow and EOIcount', async () => {
    const r = await v3(1);
    bringUp(r, 1);
    r.wr(R + 0x10000 + 0x80, 1 << 25);
    r.wr(R + 0x10000 + 0x100, 1 << 25);
    const c = api(r).cpuInterface(0);
    wr(c, SYSREG.ICH_VMCR_EL2, (0xf8 << 24) | 2, EL2);
    wr(c, ichLrEncoding(0), lr(33, 0x80, 1, { eoi: true }), EL2);
    wr(c, ichLrEncoding(1), lr(34, 0x80, 1), EL2);
    wr(c, SYSREG.ICH_HCR_EL2, 1 | 2, EL2);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    expect(rd(c, SYSREG.ICC_IAR1_EL1, IMO)).toBe(33n);
    wr(c, SYSREG.ICC_EOIR1_EL1, 33, IMO);
    expect(rd(c, SYSREG.ICH_EISR_EL2, EL2)).toBe(1n);
    expect(rd(c, SYSREG.ICH_MISR_EL2, EL2)).toBe(3n);
    expect(r.cluster.level(0, 'irq')).toBe(true);
    expect(rd(c, SYSREG.ICC_IAR1_EL1, EL2)).toBe(25n);
    wr(c, SYSREG.ICC_EOIR1_EL1, 25, EL2);
    wr(c, ichLrEncoding(0), 0n, EL2);
    wr(c, SYSREG.ICH_HCR_EL2, 1 | 4, EL2);
    wr(c, SYSREG.ICC_EOIR1_EL1, 77, IMO);
    expect(rd(c, SYSREG.ICH_HCR_EL2, EL2) >> 27n).toBe(1n);
    expect(rd(c, SYSREG.ICH_MISR_EL2, EL2)).toBe(4n);
    // LPIs never count.
    wr(c, SYSREG.ICC_EOIR1_EL1, 9000, IMO);
    expect(rd(c, SYSREG.ICH_HCR_EL2, EL2) >> 27n).toBe(1n);
  });
});

describe('GICv3 LPIs', () => {
  const PROP = RAM + 0x10000;
  const PEND = RAM + 0x20000;

  async function lpiRig(extra: Record<string, unknown> = {}): Promise<Rig> {
    const r = await v3(2, { lpis: true, ...extra });
    bringUp(r);
    for (let c = 0; c < 2; c++) {
      r.wr(R + c * STRIDE + 0x70, PROP | 13); // 14 ID bits: LPIs 8192..16383
      r.wr(R + c * STRIDE + 0x78, PEND + c * 0x10000);
      r.wr(R + c * STRIDE + 0x7c, 1 << 30); // PTZ
      r.wr(R + c * STRIDE + 0x00, 1);
    }
    return r;
  }

  it('delivers an LPI set through GICR_SETLPIR using the configuration table; mirrors the pending table', async () => {
    const r = await lpiRig();
    const c = api(r).cpuInterface(0);
    r.wr(PROP + 0, 0xa0 | 1, 0, 1); // LPI 8192: priority 0xa0, enabled
    r.wr(PROP + 1, 0x40, 0, 1); // LPI 8193: disabled
    r.wr(R + 0x40, 8193);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    r.wr(R + 0x40, 8192);
    expect(r.cluster.level(0, 'irq')).toBe(true);
    expect(r.rd(PEND + 8192 / 8, 0, 1)).toBe(0b11);
    expect(rd(c, SYSREG.ICC_IAR1_EL1)).toBe(8192n);
    expect(r.rd(PEND + 8192 / 8, 0, 1)).toBe(0b10);
    expect(rd(c, SYSREG.ICC_RPR_EL1)).toBe(0xa0n);
    wr(c, SYSREG.ICC_EOIR1_EL1, 8192);
    // Configuration is cached until invalidated (GICR_INVLPIR).
    r.wr(PROP + 1, 0x40 | 1, 0, 1);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    r.wr(R + 0xa0, 8193);
    expect(r.cluster.level(0, 'irq')).toBe(true);
    expect(rd(c, SYSREG.ICC_IAR1_EL1)).toBe(8193n);
    // CLRLPIR, out-of-range INTIDs are ignored with an error.
    r.wr(R + 0x40, 20000);
    expect(r.errors().length).toBe(1);
  });

  it('loads the pending table when LPIs are enabled without PTZ, and rejects tables outside RAM', async () => {
    const r = await v3(1, { lpis: true });
    bringUp(r, 1);
    r.wr(PROP + 5, 0x20 | 1, 0, 1);
    r.wr(PEND + (8197 >> 3), 1 << (8197 & 7), 0, 1);
    r.wr(R + 0x70, PROP | 13);
    r.wr(R + 0x78, PEND);
    r.wr(R + 0x00, 1);
    expect(rd(api(r).cpuInterface(0), SYSREG.ICC_IAR1_EL1)).toBe(8197n);
    expect(r.rd(R + 0x70)).toBe(PROP | 13);
    r.wr(R + 0x70, 0); // WI while EnableLPIs = 1
    expect(r.rd(R + 0x70)).toBe(PROP | 13);
    const before = r.errors().length;
    const r2 = await v3(1, { lpis: true });
    bringUp(r2, 1);
    r2.wr(R + 0x70, 0x1000_0000 | 13); // no RAM there
    r2.wr(R + 0x78, PEND);
    r2.wr(R + 0x7c, 1 << 30);
    r2.wr(R + 0x00, 1);
    r2.wr(R + 0x40, 8192);
    expect(r2.cluster.level(0, 'irq')).toBe(false);
    expect(r2.errors().some((e) => String(e.message).includes('not in RAM'))).toBe(true);
    expect(before).toBeGreaterThan(0);
    // PROPBASER.IDbits too small for any LPI: enabling LPIs loads nothing, SETLPIR is refused.
    const r3 = await v3(1, { lpis: true });
    r3.wr(R + 0x70, PROP | 5);
    r3.wr(R + 0x78, PEND);
    r3.wr(R + 0x00, 1);
    r3.wr(R + 0x40, 8192);
    expect(r3.errors().some((e) => String(e.message).includes('out of range'))).toBe(true);
  });
});

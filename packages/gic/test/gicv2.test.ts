import { describe, expect, it } from 'vitest';
import gicPlugin, { type GicV2Api } from '../src/index.js';
import { rig, type Rig } from './helpers.js';

const D = 0x0800_0000;
const C = 0x0801_0000;
const H = 0x0803_0000;
const V = 0x0804_0000;

async function v2(ncpus = 2, extra: Record<string, unknown> = {}): Promise<Rig> {
  return rig(ncpus, (m) => m.add('gic', gicPlugin.components.gicv2!, { gicd: D, gicc: C, gich: H, gicv: V, cpus: 'cpus', ...extra }));
}

function api(r: Rig): GicV2Api {
  return r.machine.api<GicV2Api>('gic')!;
}

/** Distributor and CPU interfaces on, PMR open, on every CPU. */
function enableAll(r: Rig, n = 2): void {
  r.wr(D + 0x000, 1);
  for (let c = 0; c < n; c++) {
    r.wr(C + 0x000, 1, c);
    r.wr(C + 0x004, 0xff, c);
  }
}

/** Enable SPI `id` at priority `prio` targeting CPU mask `targets`. */
function spi(r: Rig, id: number, prio: number, targets: number): void {
  r.wr(D + 0x400 + id, prio, 0, 1);
  r.wr(D + 0x800 + id, targets, 0, 1);
  r.wr(D + 0x100 + 4 * (id >> 5), 1 << (id & 31));
}

describe('GICv2 distributor identification', () => {
  it('reports ITLinesNumber, CPUNumber, IIDR and the architecture revision', async () => {
    const r = await v2(4, { 'num-irqs': 160 });
    const typer = r.rd(D + 0x004);
    expect(typer & 0x1f).toBe(160 / 32 - 1);
    expect((typer >> 5) & 7).toBe(3);
    expect(r.rd(D + 0x008)).toBe(0x0200043b);
    expect((r.rd(D + 0xfe8) >> 4) & 0xf).toBe(2);
    expect(r.rd(C + 0xfc)).toBe(0x0202143b);
  });

  it('implements 5 priority bits and byte access to IPRIORITYR/ITARGETSR', async () => {
    const r = await v2();
    r.wr(D + 0x400 + 40, 0xff, 0, 1);
    expect(r.rd(D + 0x400 + 40, 0, 1)).toBe(0xf8);
    r.wr(D + 0x428, 0x11223344);
    expect(r.rd(D + 0x428)).toBe(0x10203040);
    // ITARGETSR for SGIs/PPIs reads as the accessing CPU and ignores writes.
    expect(r.rd(D + 0x800, 0)).toBe(0x01010101);
    expect(r.rd(D + 0x81c, 1)).toBe(0x02020202);
    r.wr(D + 0x800, 0x03030303, 0);
    expect(r.rd(D + 0x800, 0)).toBe(0x01010101);
    // SPI targets only keep implemented CPUs.
    r.wr(D + 0x800 + 40, 0xff, 0, 1);
    expect(r.rd(D + 0x800 + 40, 0, 1)).toBe(0x03);
  });

  it('banks SGI/PPI enables per CPU and keeps ICFGR0 read-only', async () => {
    const r = await v2();
    r.wr(D + 0x100, 0x8000_0001, 0);
    expect(r.rd(D + 0x100, 0)).toBe(0x8000_0001);
    expect(r.rd(D + 0x100, 1)).toBe(0);
    r.wr(D + 0x180, 0x8000_0000, 0);
    expect(r.rd(D + 0x100, 0)).toBe(1);
    expect(r.rd(D + 0xc00)).toBe(0xaaaaaaaa);
    r.wr(D + 0xc00, 0);
    expect(r.rd(D + 0xc00)).toBe(0xaaaaaaaa);
    r.wr(D + 0xc08, 0x2 << 2);
    expect(r.rd(D + 0xc08)).toBe(0x8);
  });
});

describe('GICv2 interrupt life cycle', () => {
  it('delivers a level SPI to its target, keeps it pending while high, re-signals after EOI', async () => {
    const r = await v2();
    enableAll(r);
    spi(r, 40, 0x80, 0b10);
    const line = api(r).irqInput(40)!;
    line(true);
    expect(r.cluster.level(1, 'irq')).toBe(true);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    expect(r.rd(D + 0x204) & (1 << 8)).not.toBe(0);
    expect(r.rd(C + 0x018, 1)).toBe(40);
    expect(r.rd(C + 0x00c, 1)).toBe(40);
    // Active and still pending (the line is high); not signalled while active.
    expect(r.rd(D + 0x304) & (1 << 8)).not.toBe(0);
    expect(r.rd(D + 0x204) & (1 << 8)).not.toBe(0);
    expect(r.cluster.level(1, 'irq')).toBe(false);
    expect(r.rd(C + 0x014, 1)).toBe(0x80);
    r.wr(C + 0x010, 40, 1);
    expect(r.rd(D + 0x304) & (1 << 8)).toBe(0);
    expect(r.cluster.level(1, 'irq')).toBe(true);
    line(false);
    expect(r.cluster.level(1, 'irq')).toBe(false);
    expect(r.rd(C + 0x00c, 1)).toBe(1023);
  });

  it('latches an edge SPI and clears it on acknowledge; ICPENDR clears, ISPENDR sets', async () => {
    const r = await v2();
    enableAll(r);
    spi(r, 33, 0x40, 1);
    r.wr(D + 0xc08, 2 << 2); // INTID 33 edge-triggered
    const line = api(r).irqInput(33)!;
    line(true);
    line(false);
    expect(r.cluster.level(0, 'irq')).toBe(true);
    r.wr(D + 0x284, 1 << 1);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    r.wr(D + 0x204, 1 << 1);
    expect(r.cluster.level(0, 'irq')).toBe(true);
    expect(r.rd(C + 0x00c)).toBe(33);
    expect(r.rd(D + 0x204) & 2).toBe(0);
    r.wr(C + 0x010, 33);
    expect(r.rd(C + 0x00c)).toBe(1023);
  });

  it('applies the priority mask, preemption by group priority and the binary point', async () => {
    const r = await v2(1);
    enableAll(r, 1);
    spi(r, 40, 0x80, 1);
    spi(r, 41, 0x40, 1);
    spi(r, 42, 0x48, 1);
    r.wr(C + 0x004, 0x80);
    api(r).irqInput(40)!(true);
    expect(r.cluster.level(0, 'irq')).toBe(false); // priority 0x80 is not below PMR 0x80
    r.wr(C + 0x004, 0xf0);
    expect(r.rd(C + 0x00c)).toBe(40);
    api(r).irqInput(42)!(true);
    expect(r.cluster.level(0, 'irq')).toBe(true); // 0x48 preempts 0x80 (BPR = 2: groups of 8)
    expect(r.rd(C + 0x00c)).toBe(42);
    expect(r.rd(C + 0x014)).toBe(0x48);
    api(r).irqInput(41)!(true);
    expect(r.cluster.level(0, 'irq')).toBe(true); // 0x40 preempts 0x48
    r.wr(C + 0x010, 42);
    r.wr(C + 0x010, 40);
    expect(r.rd(C + 0x014)).toBe(0xff);
    // BPR = 6: group priority is bit 7 only, so 0x40 does not preempt 0x48.
    r.wr(C + 0x008, 6);
    expect(r.rd(C + 0x008)).toBe(6);
    api(r).irqInput(41)!(false);
    expect(r.rd(C + 0x00c)).toBe(42);
    expect(r.rd(C + 0x014)).toBe(0x00);
    api(r).irqInput(41)!(true);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    r.wr(C + 0x010, 42);
    r.wr(C + 0x008, 0);
    expect(r.rd(C + 0x008)).toBe(2); // minimum binary point with 5 priority bits
    expect(r.rd(C + 0x00c)).toBe(41);
  });

  it('separates priority drop from deactivation with EOImode', async () => {
    const r = await v2(1);
    enableAll(r, 1);
    r.wr(C + 0x000, 1 | (1 << 9));
    spi(r, 50, 0x10, 1);
    r.wr(D + 0xc0c, 2 << 4); // INTID 50 edge
    api(r).irqInput(50)!(true);
    expect(r.rd(C + 0x00c)).toBe(50);
    r.wr(C + 0x010, 50);
    expect(r.rd(C + 0x014)).toBe(0xff); // priority dropped
    expect(r.rd(D + 0x304) & (1 << 18)).not.toBe(0); // still active
    api(r).irqInput(50)!(false);
    api(r).irqInput(50)!(true);
    expect(r.rd(C + 0x00c)).toBe(1023); // active: not taken again
    r.wr(C + 0x1000, 50);
    expect(r.rd(D + 0x304) & (1 << 18)).toBe(0);
    expect(r.rd(C + 0x00c)).toBe(50);
  });

  it('handles groups: 1022 without AckCtl, AIAR, and FIQ for Group 0 with FIQEn', async () => {
    const r = await v2(1);
    r.wr(D + 0x000, 3);
    r.wr(C + 0x004, 0xff);
    r.wr(C + 0x000, 3);
    spi(r, 40, 0x80, 1);
    r.wr(D + 0x084, 1 << 8); // INTID 40 Group 1
    api(r).irqInput(40)!(true);
    expect(r.cluster.level(0, 'irq')).toBe(true);
    expect(r.rd(C + 0x018)).toBe(1022);
    expect(r.rd(C + 0x00c)).toBe(1022);
    expect(r.rd(C + 0x028)).toBe(40);
    expect(r.rd(C + 0x020)).toBe(40);
    r.wr(C + 0x024, 40);
    expect(r.rd(D + 0x304)).toBe(0);
    // Group 0 with FIQEn goes to FIQ.
    api(r).irqInput(40)!(false);
    spi(r, 41, 0x80, 1);
    r.wr(C + 0x000, 3 | (1 << 3));
    api(r).irqInput(41)!(true);
    expect(r.cluster.level(0, 'fiq')).toBe(true);
    expect(r.rd(C + 0x00c)).toBe(41);
    expect(r.cluster.level(0, 'fiq')).toBe(false);
  });

  it('routes SGIs with the target list filter and reports the source CPU', async () => {
    const r = await v2(3);
    enableAll(r, 3);
    for (let c = 0; c < 3; c++) r.wr(D + 0x100, 0xffff, c);
    r.wr(D + 0xf00, (0 << 24) | (0b010 << 16) | 3, 0); // CPU0 -> CPU1, SGI 3
    r.wr(D + 0xf00, (0 << 24) | (0b010 << 16) | 3, 2); // CPU2 -> CPU1, SGI 3
    expect(r.cluster.level(1, 'irq')).toBe(true);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    expect(r.rd(D + 0xf10, 1) & 0xff000000).toBe(0b101 << 24);
    const a = r.rd(C + 0x00c, 1);
    expect(a).toBe(3 | (0 << 10));
    r.wr(C + 0x010, a, 1);
    const b = r.rd(C + 0x00c, 1);
    expect(b).toBe(3 | (2 << 10));
    r.wr(C + 0x010, b, 1);
    expect(r.rd(C + 0x00c, 1)).toBe(1023);
    // Filter 1: everyone but the sender; filter 2: the sender only.
    r.wr(D + 0xf00, (1 << 24) | 5, 1);
    expect(r.rd(C + 0x00c, 0)).toBe(5 | (1 << 10));
    expect(r.rd(C + 0x00c, 2)).toBe(5 | (1 << 10));
    expect(r.rd(C + 0x00c, 1)).toBe(1023);
    r.wr(D + 0xf00, (2 << 24) | 6, 1);
    expect(r.rd(C + 0x00c, 1)).toBe(6 | (1 << 10));
    // SPENDSGIR / CPENDSGIR.
    r.wr(D + 0xf20, 0x4 << 8, 0); // SGI 1 pending on CPU0 from CPU2
    expect(r.rd(D + 0xf20, 0)).toBe(0x4 << 8);
    r.wr(D + 0xf10, 0x4 << 8, 0);
    expect(r.rd(D + 0xf20, 0)).toBe(0);
    expect(r.rd(D + 0x200, 0) & 2).toBe(0);
  });

  it('delivers PPIs to their own CPU only', async () => {
    const r = await v2();
    enableAll(r);
    r.wr(D + 0x100, 1 << 30, 1);
    r.wr(D + 0x400 + 30, 0xa0, 1, 1);
    api(r).irqInput('ppi:1:30')!(true);
    expect(r.cluster.level(1, 'irq')).toBe(true);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    expect(r.rd(C + 0x00c, 1)).toBe(30);
    expect(api(r).irqInput('ppi:2:30')).toBeUndefined();
    expect(api(r).irqInput(1020)).toBeUndefined();
    expect(api(r).irqInput(20)).toBeUndefined();
  });

  it('ignores bad programming without throwing and reports gic.error', async () => {
    const r = await v2();
    enableAll(r);
    r.wr(C + 0x010, 500); // INTID beyond num-irqs
    r.wr(D + 0xf00, 3 << 24); // reserved filter
    r.wr(D + 0x004, 0); // read-only
    r.wr(C + 0x00c, 0); // IAR is read-only
    expect(r.errors().length).toBe(4);
    expect(r.rd(D + 0x004) & 0x1f).toBe(8);
    expect(r.rd(C + 0x00c)).toBe(1023);
  });
});

describe('GICv2 virtualization extensions', () => {
  const lr = (vid: number, prio: number, state: number, o: { grp1?: boolean; hw?: number; eoi?: boolean; cpuid?: number } = {}) =>
    (vid | ((prio >> 3) << 23) | (state << 28) | ((o.grp1 ? 1 : 0) << 30) |
      (o.hw !== undefined ? (1 << 31) | (o.hw << 10) : ((o.eoi ? 1 : 0) << 19) | ((o.cpuid ?? 0) << 10))) >>> 0;

  it('reports VTR and delivers a list register through GICV', async () => {
    const r = await v2();
    expect(r.rd(H + 0x004)).toBe(((4 << 29) | (4 << 26) | 3) >>> 0);
    r.wr(H + 0x100, lr(27, 0x50, 1), 1);
    r.wr(V + 0x000, 1, 1);
    r.wr(V + 0x004, 0xf8, 1);
    expect(r.cluster.level(1, 'virq')).toBe(false); // GICH_HCR.En = 0
    expect(r.rd(V + 0x00c, 1)).toBe(1023);
    r.wr(H + 0x000, 1, 1);
    expect(r.cluster.level(1, 'virq')).toBe(true);
    expect(r.cluster.level(0, 'virq')).toBe(false);
    expect(r.rd(H + 0x008, 1) >>> 27).toBe(0xf8 >> 3); // GICH_VMCR.VMPriMask mirrors GICV_PMR
    expect(r.rd(H + 0x030, 1) & 1).toBe(0);
    expect(r.rd(V + 0x00c, 1)).toBe(27);
    expect(r.cluster.level(1, 'virq')).toBe(false);
    expect((r.rd(H + 0x100, 1) >>> 28) & 3).toBe(2);
    expect(r.rd(V + 0x014, 1)).toBe(0x50);
    r.wr(V + 0x010, 27, 1);
    expect((r.rd(H + 0x100, 1) >>> 28) & 3).toBe(0);
    expect(r.rd(H + 0x030, 1) & 1).toBe(1);
    expect(r.rd(V + 0x014, 1)).toBe(0xff);
  });

  it('reports virtual SGIs with their CPUID and masks by VMPriMask', async () => {
    const r = await v2();
    r.wr(H + 0x000, 1);
    r.wr(H + 0x104, lr(2, 0x80, 1, { cpuid: 1 }));
    r.wr(V + 0x000, 1);
    r.wr(V + 0x004, 0x80);
    expect(r.rd(V + 0x00c)).toBe(1023);
    r.wr(V + 0x004, 0x88);
    expect(r.rd(V + 0x00c)).toBe(2 | (1 << 10));
  });

  it('deactivates the physical interrupt of a HW list register', async () => {
    const r = await v2(1);
    enableAll(r, 1);
    r.wr(C + 0x000, 1 | (1 << 9)); // hypervisor uses EOImode = 1
    spi(r, 45, 0x20, 1);
    api(r).irqInput(45)!(true);
    expect(r.rd(C + 0x00c)).toBe(45);
    r.wr(C + 0x010, 45); // priority drop only
    api(r).irqInput(45)!(false);
    expect(r.rd(D + 0x304) & (1 << 13)).not.toBe(0);
    r.wr(H + 0x000, 1);
    r.wr(H + 0x100, lr(45, 0x20, 1, { hw: 45 }));
    r.wr(V + 0x000, 1);
    r.wr(V + 0x004, 0xf8);
    expect(r.rd(V + 0x00c)).toBe(45);
    r.wr(V + 0x010, 45);
    expect(r.rd(D + 0x304) & (1 << 13)).toBe(0);
    expect(r.rd(H + 0x030) & 1).toBe(1);
  });

  it('raises the maintenance interrupt (PPI 25) for underflow, EOI, no-pending and EOIcount', async () => {
    const r = await v2(1);
    enableAll(r, 1);
    r.wr(D + 0x100, 1 << 25);
    r.wr(D + 0x400 + 25, 0x10, 0, 1);
    r.wr(V + 0x000, 1);
    r.wr(V + 0x004, 0xf8);
    r.wr(H + 0x100, lr(40, 0x80, 1, { eoi: true }));
    r.wr(H + 0x104, lr(41, 0x80, 1));
    r.wr(H + 0x000, 1 | 2); // En, UIE
    expect(r.rd(H + 0x010) & 2).toBe(0); // two valid LRs: no underflow
    expect(r.cluster.level(0, 'irq')).toBe(false);
    expect(r.rd(V + 0x00c)).toBe(40);
    r.wr(V + 0x010, 40);
    // LR0 now invalid with EOI: EISR and MISR.EOI; one valid LR left: underflow.
    expect(r.rd(H + 0x020)).toBe(1);
    expect(r.rd(H + 0x030) & 1).toBe(0);
    expect(r.rd(H + 0x010) & 3).toBe(3);
    expect(r.cluster.level(0, 'irq')).toBe(true);
    expect(r.rd(C + 0x00c)).toBe(25);
    r.wr(C + 0x010, 25);
    r.wr(H + 0x100, 0); // hypervisor consumes LR0
    r.wr(H + 0x000, 1 | 8); // NPIE only
    expect(r.rd(H + 0x010)).toBe(0); // LR1 still pending
    expect(r.rd(V + 0x00c)).toBe(41);
    expect(r.rd(H + 0x010)).toBe(8);
    r.wr(V + 0x010, 41);
    // An EOI with no matching list register counts in EOIcount; LRENPIE reports it.
    r.wr(V + 0x010, 99);
    expect(r.rd(H + 0x000) >>> 27).toBe(1);
    r.wr(H + 0x000, 1 | 4 | (1 << 27));
    expect(r.rd(H + 0x010) & 4).toBe(4);
  });

  it('splits virtual drop and deactivation with VEOIM and GICV_DIR', async () => {
    const r = await v2(1);
    r.wr(H + 0x000, 1);
    r.wr(H + 0x100, lr(60, 0x40, 1));
    r.wr(V + 0x000, 1 | (1 << 9));
    r.wr(V + 0x004, 0xf8);
    expect(r.rd(H + 0x008) & (1 << 9)).not.toBe(0);
    expect(r.rd(V + 0x00c)).toBe(60);
    r.wr(V + 0x010, 60);
    expect((r.rd(H + 0x100) >>> 28) & 3).toBe(2);
    expect(r.rd(V + 0x014)).toBe(0xff);
    r.wr(V + 0x1000, 60);
    expect((r.rd(H + 0x100) >>> 28) & 3).toBe(0);
  });
});

describe('GICv2 device tree', () => {
  it('writes arm,cortex-a15-gic with four reg ranges, the maintenance interrupt and CPU-masked PPI cells', async () => {
    const r = await v2(2);
    const dt = r.machine.deviceTree();
    const n = dt.find('intc@8000000')!;
    expect(n.getStrings('compatible')).toEqual(['arm,cortex-a15-gic']);
    expect(n.getCells('#interrupt-cells')).toEqual([3]);
    expect(n.props.has('interrupt-controller')).toBe(true);
    expect(n.getCells('reg')).toEqual([0, D, 0, 0x1000, 0, C, 0, 0x2000, 0, H, 0, 0x1000, 0, V, 0, 0x2000]);
    expect(n.getCells('interrupts')).toEqual([1, 9, (3 << 8) | 4]);
    expect(api(r).dtInterruptCells('ppi:0:30')).toEqual([1, 14, 0x304]);
    expect(api(r).dtInterruptCells(33)).toEqual([0, 1, 4]);
  });
});

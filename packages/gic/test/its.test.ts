import { describe, expect, it } from 'vitest';
import gicPlugin, { GITS_CMD, SYSREG, type GicV3ComponentApi } from '../src/index.js';
import { accessCtx, rig, type Rig } from './helpers.js';

const D = 0x0800_0000;
const R = 0x080a_0000;
const ITS = 0x0808_0000;
const STRIDE = 0x20000;
const RAM = 0x4000_0000;
const PROP = RAM + 0x10000;
const PEND = RAM + 0x20000;
const CMDQ = RAM + 0x40000;
const DEVT = RAM + 0x50000;
const COLT = RAM + 0x60000;
const ITT = RAM + 0x70000;
const EL1 = accessCtx();

interface ItsRig extends Rig {
  gic: GicV3ComponentApi;
  /** Queue commands (each four 64-bit words) and advance GITS_CWRITER. */
  cmd(...cmds: bigint[][]): void;
  iar(cpu: number): number;
  eoi(cpu: number, id: number): void;
}

async function itsRig(): Promise<ItsRig> {
  const r = await rig(2, (m) => m.add('gic', gicPlugin.components.gicv3!, { gicd: D, gicr: R, cpus: 'cpus', its: { base: ITS } }));
  const gic = r.machine.api<GicV3ComponentApi>('gic')!;
  r.wr(D, 2);
  for (let c = 0; c < 2; c++) {
    r.wr(R + c * STRIDE + 0x14, 0);
    const ci = gic.cpuInterface(c);
    ci.sysregWrite(SYSREG.ICC_PMR_EL1, 0xffn, EL1);
    ci.sysregWrite(SYSREG.ICC_IGRPEN1_EL1, 1n, EL1);
    r.wr(R + c * STRIDE + 0x70, PROP | 13);
    r.wr(R + c * STRIDE + 0x78, PEND + c * 0x1000);
    r.wr(R + c * STRIDE + 0x7c, 1 << 30);
    r.wr(R + c * STRIDE, 1);
  }
  for (let i = 0; i < 64; i++) r.wr(PROP + i, 0xa0 | 1, 0, 1);
  // Command queue of one 4 KiB page, device and collection tables.
  r.wr(ITS + 0x80, CMDQ | 0);
  r.wr(ITS + 0x84, 1 << 31);
  r.wr(ITS + 0x100, DEVT | 1); // 2 pages
  r.wr(ITS + 0x104, (r.rd(ITS + 0x104) & 0x071f0000) | (1 << 31));
  r.wr(ITS + 0x108, COLT | 0);
  r.wr(ITS + 0x10c, (r.rd(ITS + 0x10c) & 0x071f0000) | (1 << 31));
  r.wr(ITS, 1);
  const sys = r.machine.system;
  let wp = 0;
  return {
    ...r,
    gic,
    cmd(...cmds) {
      for (const c of cmds) {
        for (let k = 0; k < 4; k++) sys.write64(CMDQ + wp + 8 * k, c[k] ?? 0n);
        wp = (wp + 32) % 4096;
      }
      r.wr(ITS + 0x88, wp);
    },
    iar(cpu) {
      return Number(gic.cpuInterface(cpu).sysregRead(SYSREG.ICC_IAR1_EL1, EL1) as bigint);
    },
    eoi(cpu, id) {
      gic.cpuInterface(cpu).sysregWrite(SYSREG.ICC_EOIR1_EL1, BigInt(id), EL1);
    },
  };
}

const b = BigInt;
const MAPD = (dev: number, bits: number, itt: number, v = true) => [b(GITS_CMD.MAPD) | (b(dev) << 32n), b(bits - 1), (v ? 1n << 63n : 0n) | b(itt)];
const MAPC = (icid: number, rd: number, v = true) => [b(GITS_CMD.MAPC), 0n, (v ? 1n << 63n : 0n) | (b(rd) << 16n) | b(icid)];
const MAPTI = (dev: number, ev: number, lpi: number, icid: number) => [b(GITS_CMD.MAPTI) | (b(dev) << 32n), b(ev) | (b(lpi) << 32n), b(icid)];
const MAPI = (dev: number, ev: number, icid: number) => [b(GITS_CMD.MAPI) | (b(dev) << 32n), b(ev), b(icid)];
const DEV_EV = (op: number, dev: number, ev: number) => [b(op) | (b(dev) << 32n), b(ev)];
const MOVI = (dev: number, ev: number, icid: number) => [b(GITS_CMD.MOVI) | (b(dev) << 32n), b(ev), b(icid)];
const SYNC = (rd: number) => [b(GITS_CMD.SYNC), 0n, b(rd) << 16n];

describe('GICv3 ITS', () => {
  it('identifies itself and keeps GITS_BASER Type/Entry_Size read-only, Indirect only for devices', async () => {
    const r = await itsRig();
    const typer = r.rd(ITS + 0x8);
    expect(typer & 1).toBe(1);
    expect((typer >> 4) & 0xf).toBe(7);
    expect((typer >> 8) & 0x1f).toBe(15);
    expect((r.rd(ITS + 0x104) >>> 24) & 7).toBe(1);
    expect((r.rd(ITS + 0x10c) >>> 24) & 7).toBe(4);
    r.wr(ITS + 0x104, 0xffffffff);
    expect((r.rd(ITS + 0x104) >>> 24) & 7).toBe(1);
    expect((r.rd(ITS + 0x104) >>> 30) & 1).toBe(1);
    r.wr(ITS + 0x10c, 0xffffffff);
    expect((r.rd(ITS + 0x10c) >>> 30) & 1).toBe(0);
    expect((r.rd(ITS + 0x10c) >>> 16) & 0x1f).toBe(7);
    expect((r.rd(ITS + 0xffe8) >> 4) & 0xf).toBe(3);
  });

  it('maps a device and translates MSIs from GITS_TRANSLATER by requester ID', async () => {
    const r = await itsRig();
    r.cmd(MAPD(0x0108, 5, ITT), MAPC(3, 1), MAPTI(0x0108, 2, 8200, 3), MAPD(0x0109, 14, ITT + 0x10000), MAPI(0x0109, 8195, 3), SYNC(1));
    expect(r.rd(ITS + 0x90)).toBe(6 * 32);
    expect(r.gic.its!.commandErrors).toEqual([]);
    r.machine.system.setMaster('pci:01:01.0', 0x0108);
    r.machine.system.write(ITS + 0x10040, 4, 2);
    expect(r.cluster.level(1, 'irq')).toBe(true);
    expect(r.cluster.level(0, 'irq')).toBe(false);
    expect(r.iar(1)).toBe(8200);
    r.eoi(1, 8200);
    // MAPI: the EventID is the LPI.
    r.machine.system.setMaster('pci:01:01.1', 0x0109);
    r.machine.system.write(ITS + 0x10040, 4, 8195);
    expect(r.iar(1)).toBe(8195);
    r.eoi(1, 8195);
    expect(r.gic.its!.translated).toBe(2);
    // Another requester with no mapping: ignored, reported.
    r.machine.system.setMaster('pci:02:00.0', 0x0200);
    r.machine.system.write(ITS + 0x10040, 4, 2);
    expect(r.cluster.level(1, 'irq')).toBe(false);
    expect(r.errors().some((e) => String(e.message).includes('not mapped'))).toBe(true);
  });

  it('runs INT, CLEAR, MOVI, INV, DISCARD and MOVALL', async () => {
    const r = await itsRig();
    r.cmd(MAPD(7, 4, ITT), MAPC(0, 0), MAPC(1, 1), MAPTI(7, 1, 8193, 0));
    r.cmd(DEV_EV(GITS_CMD.INT, 7, 1));
    expect(r.cluster.level(0, 'irq')).toBe(true);
    r.cmd(DEV_EV(GITS_CMD.CLEAR, 7, 1));
    expect(r.cluster.level(0, 'irq')).toBe(false);
    r.cmd(DEV_EV(GITS_CMD.INT, 7, 1), MOVI(7, 1, 1));
    expect(r.cluster.level(0, 'irq')).toBe(false);
    expect(r.cluster.level(1, 'irq')).toBe(true);
    expect(r.iar(1)).toBe(8193);
    r.eoi(1, 8193);
    // INV picks up a new configuration (disabled).
    r.wr(PROP + 1, 0xa0, 0, 1);
    r.cmd(DEV_EV(GITS_CMD.INV, 7, 1), DEV_EV(GITS_CMD.INT, 7, 1));
    expect(r.cluster.level(1, 'irq')).toBe(false);
    r.wr(PROP + 1, 0xa1, 0, 1);
    r.cmd([b(GITS_CMD.INVALL), 0n, 1n]);
    expect(r.cluster.level(1, 'irq')).toBe(true);
    r.cmd([b(GITS_CMD.MOVALL), 0n, 1n << 16n, 0n]);
    expect(r.cluster.level(1, 'irq')).toBe(false);
    expect(r.iar(0)).toBe(8193);
    r.eoi(0, 8193);
    r.cmd(DEV_EV(GITS_CMD.DISCARD, 7, 1), DEV_EV(GITS_CMD.INT, 7, 1));
    expect(r.cluster.level(0, 'irq') || r.cluster.level(1, 'irq')).toBe(false);
    expect(r.gic.its!.commandErrors.length).toBe(1);
    expect(r.gic.its!.commandErrors[0]!.message).toMatch(/not mapped/);
  });

  it('walks a two-level device table', async () => {
    const r = await itsRig();
    const L1 = RAM + 0x80000;
    const L2 = RAM + 0x81000;
    r.wr(ITS + 0x100, L1 | 0); // one page of level-1 entries
    r.wr(ITS + 0x104, (r.rd(ITS + 0x104) & 0x071f0000) | (1 << 31) | (1 << 30));
    r.cmd(MAPC(0, 1), MAPD(600, 4, ITT)); // level-1 entry 1 is not valid yet
    expect(r.gic.its!.commandErrors.at(-1)!.message).toMatch(/level-1 entry 1/);
    r.machine.system.write64(L1 + 8, (1n << 63n) | BigInt(L2));
    r.cmd(MAPD(600, 4, ITT), MAPTI(600, 3, 8195, 0));
    expect(r.gic.its!.commandErrors.length).toBe(1);
    expect(r.machine.system.read64(L2 + (600 - 512) * 8) >> 63n).toBe(1n);
    r.machine.system.setMaster('dev600', 600);
    r.machine.system.write(ITS + 0x10040, 4, 3);
    expect(r.iar(1)).toBe(8195);
  });

  it('honours GITS_BASER.Page_Size (64K level-2 pages hold 8192 devices)', async () => {
    const r = await itsRig();
    const L1 = RAM + 0x100000;
    const L2 = RAM + 0x200000;
    r.wr(ITS + 0x100, L1 | (2 << 8) | (1 << 10)); // 64K pages, inner shareable, one page
    r.wr(ITS + 0x104, (r.rd(ITS + 0x104) & 0x071f0000) | (1 << 31) | (1 << 30));
    expect((r.rd(ITS + 0x100) >>> 8) & 3).toBe(2); // page size and shareability stick
    expect((r.rd(ITS + 0x100) >>> 10) & 3).toBe(1);
    r.machine.system.write64(L1 + 8, (1n << 63n) | BigInt(L2));
    r.cmd(MAPC(0, 0), MAPD(8192 + 5, 2, ITT), MAPTI(8192 + 5, 1, 8196, 0));
    expect(r.gic.its!.commandErrors).toEqual([]);
    expect(r.machine.system.read64(L2 + 5 * 8) >> 63n).toBe(1n);
    r.machine.system.setMaster('dev', 8192 + 5);
    r.machine.system.write(ITS + 0x10040, 4, 1);
    expect(r.iar(0)).toBe(8196);
  });

  it('records malformed commands and carries on', async () => {
    const r = await itsRig();
    r.cmd(
      MAPD(3, 17, ITT), // more EventID bits than implemented
      MAPC(1, 9), // not a processor
      MAPTI(3, 0, 8192, 0), // device not mapped
      MAPD(3, 2, ITT),
      MAPTI(3, 9, 8192, 0), // EventID beyond the size
      MAPTI(3, 0, 100, 0), // not an LPI
      [0xeen], // unknown
      MAPC(0, 0),
      MAPTI(3, 0, 8194, 0),
      DEV_EV(GITS_CMD.INT, 3, 0),
    );
    const errs = r.gic.its!.commandErrors.map((e) => e.command);
    expect(errs).toEqual([GITS_CMD.MAPD, GITS_CMD.MAPC, GITS_CMD.MAPTI, GITS_CMD.MAPTI, GITS_CMD.MAPTI, 0xee]);
    expect(r.errors().length).toBe(6);
    expect(r.iar(0)).toBe(8194);
    expect(r.rd(ITS + 0x90)).toBe(r.rd(ITS + 0x88));
  });

  it('reports tables outside RAM as command errors and ignores MSIs while disabled', async () => {
    const r = await itsRig();
    r.cmd(MAPD(1, 2, 0x1000_0000), MAPC(0, 0), MAPTI(1, 0, 8192, 0));
    expect(r.gic.its!.commandErrors.at(-1)!.message).toMatch(/not in RAM/);
    r.wr(ITS, 0);
    r.machine.system.setMaster('dev', 1);
    r.machine.system.write(ITS + 0x10040, 4, 0);
    expect(r.errors().some((e) => String(e.message).includes('disabled'))).toBe(true);
  });

  it('puts arm,gic-v3 with an ITS child in the device tree', async () => {
    const r = await itsRig();
    const dt = r.machine.deviceTree();
    const n = dt.find('intc@8000000')!;
    expect(n.getStrings('compatible')).toEqual(['arm,gic-v3']);
    expect(n.getCells('#redistributor-regions')).toEqual([1]);
    expect(n.getCells('reg')).toEqual([0, D, 0, 0x10000, 0, R, 0, 2 * STRIDE]);
    expect(n.getCells('interrupts')).toEqual([1, 9, 4]);
    const its = n.find('its@8080000')!;
    expect(its.getStrings('compatible')).toEqual(['arm,gic-v3-its']);
    expect(its.props.has('msi-controller')).toBe(true);
    expect(its.getCells('#msi-cells')).toEqual([1]);
    expect(r.gic.msiDoorbell).toBe(ITS + 0x10040);
    expect(r.gic.msiController({ nodeOf: () => n })).toBe(its);
    expect(r.gic.dtInterruptCells('ppi:1:27')).toEqual([1, 11, 4]);
  });
});

/**
 * Interrupt acknowledge/complete cycles per second: a level-sensitive SPI held high is
 * acknowledged (IAR) and completed (EOIR) in a loop, so every cycle runs the whole state
 * machine (acknowledge, priority drop, deactivation, re-pend, re-signal the CPU line).
 *
 * Rows: GICv3 through the system-register interface (ICC_IAR1_EL1 / ICC_EOIR1_EL1, as the
 * CPU calls it for MRS/MSR), GICv3 virtual (ICV_IAR1_EL1 / ICV_EOIR1_EL1 with the list
 * register refilled each time, the thin hypervisor's injection path), and GICv2 through
 * GICC MMIO (the CPU's load/store path through the machine's AddressSpace). 4 CPUs, 288
 * INTIDs (QEMU virt's size). No reference is measured: QEMU has no comparable in-process path.
 */

import { Simulation, defineComponent } from '@tessera/core';
import gicPlugin, { SYSREG, ichLrEncoding } from '@tessera/gic';

const NCPU = 4;
const SECONDS = 1.0;

function cluster() {
  const api = { count: NCPU, irqInput: () => () => {} };
  return defineComponent({ description: 'bench cluster', schema: { type: 'object' }, create: () => ({ api }) });
}

async function machine(type, opts) {
  const sim = new Simulation();
  const m = sim.addMachine('bench');
  await m.add('cpus', cluster(), {});
  await m.add('gic', gicPlugin.components[type], { cpus: 'cpus', ...opts });
  m.start();
  return m;
}

function measure(fn) {
  // Warm up, then run for SECONDS of wall time in batches.
  for (let i = 0; i < 20000; i++) fn();
  const start = process.hrtime.bigint();
  let n = 0;
  let elapsed = 0;
  while (elapsed < SECONDS) {
    for (let i = 0; i < 10000; i++) fn();
    n += 10000;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return n / elapsed;
}

export default async function bench() {
  const rows = [];
  const ctx = { el: 1, ns: true, hcr: 0, scr: 0, haveEL2: true, haveEL3: false };
  const el2 = { ...ctx, el: 2 };
  const imo = { ...ctx, hcr: 1 << 4 };

  {
    const m = await machine('gicv3', { gicd: 0x0800_0000, gicr: 0x080a_0000 });
    const api = m.api('gic');
    const sys = m.system;
    sys.write(0x0800_0000, 4, 2);
    sys.write(0x080a_0000 + 0x14, 4, 0);
    sys.write(0x0800_0000 + 0x84, 4, 1 << 8);
    sys.write(0x0800_0000 + 0x400 + 40, 1, 0x80);
    sys.write(0x0800_0000 + 0x6000 + 8 * 40, 4, 0);
    sys.write(0x0800_0000 + 0x104, 4, 1 << 8);
    const ci = api.cpuInterface(0);
    ci.sysregWrite(SYSREG.ICC_PMR_EL1, 0xffn, ctx);
    ci.sysregWrite(SYSREG.ICC_IGRPEN1_EL1, 1n, ctx);
    api.irqInput(40)(true);
    let bad = 0;
    const rate = measure(() => {
      const id = ci.sysregRead(SYSREG.ICC_IAR1_EL1, ctx);
      if (id !== 40n) bad++;
      ci.sysregWrite(SYSREG.ICC_EOIR1_EL1, id, ctx);
    });
    rows.push({ bench: 'gic', metric: 'GICv3 ICC_IAR1/EOIR1 cycles', value: Math.round(rate), unit: '/s', note: bad ? `${bad} wrong INTIDs` : '4 CPUs, 288 INTIDs' });

    const lr = (3n << 62n) & 0n; // placeholder to keep BigInt ops out of the loop below
    void lr;
    const LR0 = ichLrEncoding(0);
    const pendingLr = (1n << 62n) | (1n << 60n) | (0x80n << 48n) | 27n;
    ci.sysregWrite(SYSREG.ICH_HCR_EL2, 1n, el2);
    ci.sysregWrite(SYSREG.ICH_VMCR_EL2, BigInt((0xf8 << 24) | 2), el2);
    const vrate = measure(() => {
      ci.sysregWrite(LR0, pendingLr, el2);
      const id = ci.sysregRead(SYSREG.ICC_IAR1_EL1, imo);
      if (id !== 27n) bad++;
      ci.sysregWrite(SYSREG.ICC_EOIR1_EL1, id, imo);
    });
    rows.push({ bench: 'gic', metric: 'GICv3 LR write + ICV_IAR1/EOIR1 cycles', value: Math.round(vrate), unit: '/s', note: bad ? `${bad} wrong INTIDs` : 'virtual injection path' });
  }

  {
    const D = 0x0800_0000;
    const C = 0x0801_0000;
    const m = await machine('gicv2', { gicd: D, gicc: C });
    const sys = m.system;
    sys.setMaster('cpu0', 0);
    sys.write(D, 4, 1);
    sys.write(C, 4, 1);
    sys.write(C + 4, 4, 0xff);
    sys.write(D + 0x400 + 40, 1, 0x80);
    sys.write(D + 0x800 + 40, 1, 1);
    sys.write(D + 0x104, 4, 1 << 8);
    m.api('gic').irqInput(40)(true);
    let bad = 0;
    const rate = measure(() => {
      const id = sys.read(C + 0x0c, 4);
      if (id !== 40) bad++;
      sys.write(C + 0x10, 4, id);
    });
    rows.push({ bench: 'gic', metric: 'GICv2 GICC_IAR/EOIR cycles (MMIO)', value: Math.round(rate), unit: '/s', note: bad ? `${bad} wrong INTIDs` : '4 CPUs, 288 INTIDs' });
  }
  return rows;
}

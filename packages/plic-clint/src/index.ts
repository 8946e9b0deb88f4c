/**
 * @tessera/plic-clint — RISC-V PLIC, SiFive CLINT and the ACLINT MTIMER/MSWI/SSWI split.
 *
 * Component types: `plic`, `clint`, `aclint-mtimer`, `aclint-mswi`, `aclint-sswi`.
 */

import {
  address,
  defineComponent,
  definePlugin,
  frequency,
  irq,
  ref,
  size,
  SimError,
  type Component,
  type ComponentContext,
  type DtInterruptController,
  type FdtNode,
  type IrqInput,
  type IrqLine,
  type IrqRef,
  type IrqTarget,
  type DeviceTreeContext,
} from '@tessera/core';
import { Plic, PLIC_DEFAULT_SIZE } from './plic.js';
import { AclintMtimerDevice, AclintSwiDevice, Clint, MTimer, SoftwareInterrupts } from './clint.js';
import { CAUSE, hartCount, hartIntc, splitLine } from './harts.js';

export { Plic, PLIC_DEFAULT_SIZE, PLIC_CONTEXT_BASE, PLIC_CONTEXT_STRIDE, PLIC_ENABLE_BASE, PLIC_ENABLE_STRIDE, PLIC_PENDING_BASE } from './plic.js';
export type { PlicOptions } from './plic.js';
export { AclintMtimerDevice, AclintSwiDevice, Clint, MTimer, SoftwareInterrupts } from './clint.js';
export { hartCount, hartIntc, CAUSE } from './harts.js';

/** Default timebase, as QEMU virt (RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ). */
export const DEFAULT_TIMEBASE = 10_000_000;

// ---------------------------------------------------------------------------------------
// plic

export interface PlicComponentOptions {
  base: number;
  size?: number;
  ndev?: number;
  'priority-bits'?: number;
  contexts?: IrqRef[];
  harts?: string;
  modes?: Array<'M' | 'S'>;
}

/** The API other components see: interrupt inputs 1..ndev and DT cells `<n>`. */
export class PlicApi implements IrqTarget, DtInterruptController {
  constructor(readonly plic: Plic) {}
  irqInput(line: number | string): IrqInput | undefined {
    return this.plic.irqInput(line);
  }
  dtInterruptCells(line: number | string): number[] {
    return [Number(line)];
  }
}

/** The context list: explicit `contexts`, or QEMU virt's layout from `harts` and `modes`. */
function plicContexts(ctx: ComponentContext, o: PlicComponentOptions): IrqRef[] {
  if (o.contexts !== undefined && o.harts !== undefined) throw new SimError(`'${ctx.name}': give either 'contexts' or 'harts', not both`);
  if (o.contexts !== undefined) return o.contexts;
  if (o.harts === undefined) throw new SimError(`'${ctx.name}': a PLIC needs 'harts: <cpu cluster>' or a 'contexts' list`);
  const n = hartCount(ctx.ref(o.harts), o.harts, 'meip');
  const modes = o.modes ?? ['M', 'S'];
  const out: IrqRef[] = [];
  // QEMU virt: hart N's M-mode context is 2N, its S-mode context 2N+1.
  for (let h = 0; h < n; h++) for (const m of modes) out.push({ controller: o.harts, line: `${h}:${m === 'M' ? 'meip' : 'seip'}` });
  return out;
}

const plic = defineComponent<PlicComponentOptions>({
  description: 'RISC-V PLIC 1.0.0 (QEMU virt register map): priorities, pending, per-context enables, thresholds, claim/complete',
  schema: {
    type: 'object',
    required: ['base'],
    additionalProperties: false,
    properties: {
      base: address('physical base address (QEMU virt: 0x0c000000)'),
      size: size('size of the register region (default 0x600000 as QEMU virt)'),
      ndev: { type: 'integer', minimum: 1, maximum: 1023, description: 'number of interrupt sources, IDs 1..ndev (default 95 as QEMU virt)' },
      'priority-bits': { type: 'integer', minimum: 1, maximum: 32, description: 'implemented priority bits (default 3: priorities 0..7, as QEMU virt)' },
      contexts: { type: 'array', items: irq('context output, e.g. cpus:0:meip, cpus:0:seip or cpus:0:sgei1'), description: 'context outputs in context order' },
      harts: ref('a RISC-V CPU cluster', 'CPU cluster whose harts get QEMU virt contexts (hart N: M = 2N, S = 2N+1)'),
      modes: { type: 'array', items: { enum: ['M', 'S'] }, description: 'modes per hart with `harts` (default [M, S])' },
    },
  },
  create(ctx, o): Component {
    const refs = plicContexts(ctx, o);
    const lines = refs.map((r, i) => ctx.irq(r, `${ctx.name}.context${i}`));
    const ndev = o.ndev ?? 95;
    const p = new Plic({ ndev, priorityBits: o['priority-bits'] ?? 3, contexts: lines, events: ctx.events, name: ctx.name });
    const regionSize = o.size ?? PLIC_DEFAULT_SIZE;
    ctx.system.addMmio(ctx.name, o.base, regionSize, p);
    return {
      api: new PlicApi(p),
      reset: () => p.reset(),
      deviceTree(dt: DeviceTreeContext) {
        const n = dt.soc.child(`plic@${o.base.toString(16)}`);
        n.cells('#address-cells', 0).cells('#interrupt-cells', 1).flag('interrupt-controller');
        n.strs('compatible', 'sifive,plic-1.0.0', 'riscv,plic0');
        n.reg([o.base, regionSize]);
        n.cells('riscv,ndev', ndev);
        const ext: number[] = [];
        for (const r of refs) {
          const l = splitLine(r.line);
          const cluster = ctx.lookup(r.controller);
          const intc = l !== undefined ? hartIntc(dt, cluster, l.index) : undefined;
          const cause = l !== undefined ? CAUSE[l.input] : undefined;
          if (intc !== undefined) {
            // A context routed elsewhere (e.g. a guest external interrupt line) has no cause
            // a device tree can name: -1, which Linux's PLIC driver skips.
            ext.push(intc.phandle(), cause ?? 0xffffffff);
          }
        }
        if (ext.length > 0) n.cells('interrupts-extended', ...ext);
        dt.register(n);
      },
    };
  },
});

// ---------------------------------------------------------------------------------------
// clint and aclint

interface TimerHartOptions {
  base: number;
  harts: string;
  'timebase-frequency'?: number;
}

function hartLines(ctx: ComponentContext, cluster: string, input: string): IrqLine[] {
  const n = hartCount(ctx.ref(cluster), cluster, input);
  const out: IrqLine[] = [];
  for (let i = 0; i < n; i++) out.push(ctx.irq({ controller: cluster, line: `${i}:${input}` }, `${ctx.name}.${i}:${input}`));
  return out;
}

function interruptsExtended(dt: DeviceTreeContext, ctx: ComponentContext, cluster: string, count: number, causes: number[]): number[] {
  const api = ctx.lookup(cluster);
  const cells: number[] = [];
  for (let i = 0; i < count; i++) {
    const intc = hartIntc(dt, api, i);
    if (intc === undefined) continue;
    for (const c of causes) cells.push(intc.phandle(), c);
  }
  return cells;
}

const timerSchema = (what: string) => ({
  type: 'object',
  required: ['base', 'harts'],
  additionalProperties: false,
  properties: {
    base: address(`physical base address${what}`),
    harts: ref('a RISC-V CPU cluster', 'CPU cluster whose harts this block drives'),
    'timebase-frequency': frequency('mtime frequency (default 10MHz, as QEMU virt)'),
  },
});

/** API of the CLINT and MTIMER components: the timer itself, for boards and tests. */
export interface MTimerApi {
  readonly timer: MTimer;
}

const clint = defineComponent<TimerHartOptions>({
  description: 'SiFive CLINT: msip, mtimecmp and mtime (drives <i>:msip and <i>:mtip of a hart cluster)',
  schema: timerSchema(' (QEMU virt: 0x02000000)'),
  create(ctx, o): Component {
    const msip = hartLines(ctx, o.harts, 'msip');
    const mtip = hartLines(ctx, o.harts, 'mtip');
    const timer = new MTimer(ctx.scheduler, o['timebase-frequency'] ?? DEFAULT_TIMEBASE, mtip);
    const dev = new Clint(timer, new SoftwareInterrupts(msip));
    ctx.system.addMmio(ctx.name, o.base, Clint.SIZE, dev);
    return {
      api: { timer } satisfies MTimerApi,
      reset: () => dev.reset(),
      deviceTree(dt) {
        const n = dt.soc.child(`clint@${o.base.toString(16)}`);
        n.strs('compatible', 'sifive,clint0', 'riscv,clint0');
        n.reg([o.base, Clint.SIZE]);
        const ext = interruptsExtended(dt, ctx, o.harts, msip.length, [3, 7]);
        if (ext.length > 0) n.cells('interrupts-extended', ...ext);
      },
    };
  },
});

const aclintMtimer = defineComponent<TimerHartOptions>({
  description: 'RISC-V ACLINT MTIMER: mtimecmp per hart at 0x0, mtime at 0x7ff8 (drives <i>:mtip)',
  schema: timerSchema(' (QEMU virt with aclint=on: 0x02004000)'),
  create(ctx, o): Component {
    const mtip = hartLines(ctx, o.harts, 'mtip');
    const timer = new MTimer(ctx.scheduler, o['timebase-frequency'] ?? DEFAULT_TIMEBASE, mtip);
    ctx.system.addMmio(ctx.name, o.base, AclintMtimerDevice.SIZE, new AclintMtimerDevice(timer));
    return {
      api: { timer } satisfies MTimerApi,
      reset: () => timer.reset(),
      deviceTree(dt) {
        const n = dt.soc.child(`mtimer@${o.base.toString(16)}`);
        n.str('compatible', 'riscv,aclint-mtimer');
        // ACLINT DT binding: the mtime register first, then the mtimecmp array.
        n.reg([o.base + AclintMtimerDevice.MTIME, 8], [o.base, AclintMtimerDevice.MTIME]);
        const ext = interruptsExtended(dt, ctx, o.harts, mtip.length, [7]);
        if (ext.length > 0) n.cells('interrupts-extended', ...ext);
      },
    };
  },
});

interface SwiOptions {
  base: number;
  harts: string;
}

function swiComponent(kind: 'mswi' | 'sswi') {
  return defineComponent<SwiOptions>({
    description:
      kind === 'mswi'
        ? 'RISC-V ACLINT MSWI: MSIP register per hart (drives <i>:msip)'
        : 'RISC-V ACLINT SSWI: SETSSIP register per hart (drives <i>:ssip)',
    schema: {
      type: 'object',
      required: ['base', 'harts'],
      additionalProperties: false,
      properties: {
        base: address('physical base address'),
        harts: ref('a RISC-V CPU cluster', 'CPU cluster whose harts this block drives'),
      },
    },
    create(ctx, o): Component {
      const input = kind === 'mswi' ? 'msip' : 'ssip';
      const lines = hartLines(ctx, o.harts, input);
      const swi = new SoftwareInterrupts(lines, kind === 'sswi');
      ctx.system.addMmio(ctx.name, o.base, AclintSwiDevice.SIZE, new AclintSwiDevice(swi));
      return {
        api: { swi },
        reset: () => swi.reset(),
        deviceTree(dt) {
          const n: FdtNode = dt.soc.child(`${kind}@${o.base.toString(16)}`);
          n.str('compatible', `riscv,aclint-${kind}`);
          n.reg([o.base, AclintSwiDevice.SIZE]);
          n.cells('#interrupt-cells', 0).flag('interrupt-controller');
          const ext = interruptsExtended(dt, ctx, o.harts, lines.length, [kind === 'mswi' ? 3 : 1]);
          if (ext.length > 0) n.cells('interrupts-extended', ...ext);
        },
      };
    },
  });
}

export default definePlugin({
  name: '@tessera/plic-clint',
  version: '0.1.0',
  description: 'RISC-V PLIC, SiFive CLINT and ACLINT (MTIMER, MSWI, SSWI)',
  components: {
    plic,
    clint,
    'aclint-mtimer': aclintMtimer,
    'aclint-mswi': swiComponent('mswi'),
    'aclint-sswi': swiComponent('sswi'),
  },
});

/**
 * The `@tessera/gic` plugin: component types `gicv2`, `gicv3` and `gicv2m`.
 */

import {
  SimError,
  address,
  defineComponent,
  definePlugin,
  object,
  ref,
  size,
  type Component,
  type ComponentContext,
  type Counter,
  type DtInterruptController,
  type FdtNode,
  type IrqInput,
  type IrqTarget,
  type JsonSchema,
} from '@tessera/core';
import {
  GIC_PPI,
  GIC_SPI,
  IRQ_TYPE_LEVEL_HIGH,
  type GicCpuCluster,
  type GicCpuInterface,
  type GicV3Api,
} from './cpu-interface.js';
import { GicV2, MAINTENANCE_INTID, type GicErrorReporter } from './gicv2.js';
import { GicV3 } from './gicv3.js';
import { Its, GITS_SIZE, GITS_TRANSLATER } from './its.js';
import { GicV2m, V2M_FRAME_SIZE, V2M_MSI_SETSPI_NS } from './gicv2m.js';

/** The API of a `gicv2m` component. */
export interface GicV2mApi {
  readonly v2m: GicV2m;
  /** Physical address of MSI_SETSPI_NS: an MSI writes its SPI number there. */
  readonly msiDoorbell: number;
  readonly spiBase: number;
  readonly spiCount: number;
}

/** Register frame sizes mapped and written to the device tree. */
export const GICD_V2_SIZE = 0x1000;
export const GICC_V2_SIZE = 0x2000;
export const GICH_V2_SIZE = 0x1000;
export const GICV_V2_SIZE = 0x2000;
export const GICD_V3_SIZE = 0x10000;

/** QEMU virt: 256 SPIs, so INTIDs 0..287. */
const DEFAULT_NUM_IRQS = 288;

interface CpuLines {
  irq: IrqInput[];
  fiq: IrqInput[];
  virq: IrqInput[];
  vfiq: IrqInput[];
}

/** Outputs to the CPU cluster, resolved in connect() (the cluster may have been created after us). */
function cpuLines(n: number): CpuLines & { levels: Uint8Array; bind(cluster: IrqTarget | undefined): void } {
  const noop: IrqInput = () => {};
  const levels = new Uint8Array(n * 4);
  const lines = {
    irq: new Array<IrqInput>(n).fill(noop),
    fiq: new Array<IrqInput>(n).fill(noop),
    virq: new Array<IrqInput>(n).fill(noop),
    vfiq: new Array<IrqInput>(n).fill(noop),
    levels,
    bind(cluster: IrqTarget | undefined): void {
      if (cluster === undefined) return;
      const kinds = ['irq', 'fiq', 'virq', 'vfiq'] as const;
      for (let i = 0; i < n; i++) {
        kinds.forEach((k, j) => {
          const input = cluster.irqInput(`${i}:${k}`);
          if (input !== undefined) {
            lines[k][i] = input;
            if (levels[i * 4 + j]) input(true);
          }
        });
      }
    },
  };
  return lines;
}

function signalsFor(lines: ReturnType<typeof cpuLines>) {
  const set = (k: 'irq' | 'fiq' | 'virq' | 'vfiq', j: number) => (cpu: number, level: boolean) => {
    lines.levels[cpu * 4 + j] = level ? 1 : 0;
    lines[k][cpu]!(level);
  };
  return { irq: set('irq', 0), fiq: set('fiq', 1), virq: set('virq', 2), vfiq: set('vfiq', 3) };
}

/** Acknowledged interrupts per INTID (`irq.sources` counters, `--stats`: interrupts by source). */
function sourceCounter(ctx: ComponentContext): (cpu: number, intid: number) => void {
  const counters = new Map<number, Counter>();
  return (_cpu, intid) => {
    let c = counters.get(intid);
    if (c === undefined) counters.set(intid, (c = ctx.events.counter('irq.sources', `${ctx.name} intid ${intid}`)));
    c.value++;
  };
}

function errorReporter(ctx: ComponentContext): GicErrorReporter {
  const counter = ctx.events.counter('gic', `${ctx.name}.error`);
  return (message, fields = {}) => {
    counter.value++;
    if (ctx.events.wants('gic.error')) ctx.events.emit('gic.error', ctx.name, { message, ...fields });
  };
}

/**
 * The number of CPUs when it can be known at create(): `num-cpus`, or the cluster's count
 * if the cluster was created before us. The `cpus` option is a plain name, not a loader
 * reference, so that a CPU cluster may itself name the GIC (for its timer PPIs) without a
 * reference cycle; the two find each other in connect().
 */
function knownCount(ctx: ComponentContext, cpus: string, explicit: number | undefined): number | undefined {
  if (explicit !== undefined) return explicit;
  const cl = ctx.lookup<Partial<GicCpuCluster>>(cpus);
  return cl !== undefined && typeof cl.count === 'number' && cl.count > 0 ? cl.count : undefined;
}

function clusterAt(ctx: ComponentContext, cpus: string): Partial<GicCpuCluster> & IrqTarget {
  const cl = ctx.lookup<Partial<GicCpuCluster> & IrqTarget>(cpus);
  if (cl === undefined) throw new SimError(`'${ctx.name}': cpus names '${cpus}', which is not a component of this machine`);
  if (typeof cl.irqInput !== 'function') throw new SimError(`'${ctx.name}': '${cpus}' is not a CPU cluster (it has no interrupt inputs)`);
  return cl;
}

function countOf(ctx: ComponentContext, cpus: string, explicit: number | undefined): number {
  const n = knownCount(ctx, cpus, explicit);
  if (n !== undefined) return n;
  const cl = clusterAt(ctx, cpus);
  if (typeof cl.count === 'number' && cl.count > 0) return cl.count;
  throw new SimError(`'${ctx.name}': the CPU cluster '${cpus}' does not report its number of cores (count); give 'num-cpus'`);
}

/**
 * Interrupt inputs handed out before the GIC exists (other components wire their lines in
 * create()): levels are remembered and replayed when the GIC is built.
 */
class DeferredInputs {
  private readonly early = new Map<string, { line: ParsedLine; level: boolean }>();
  private sink: ((l: ParsedLine, level: boolean) => void) | undefined;

  input(l: ParsedLine): IrqInput {
    const key = l.kind === 'spi' ? String(l.intid) : `ppi:${l.cpu}:${l.intid}`;
    return (level) => {
      if (this.sink !== undefined) this.sink(l, level);
      else this.early.set(key, { line: l, level });
    };
  }

  attach(sink: (l: ParsedLine, level: boolean) => void): void {
    this.sink = sink;
    for (const { line, level } of this.early.values()) if (level) sink(line, level);
    this.early.clear();
  }
}

type ParsedLine = { kind: 'spi'; intid: number } | { kind: 'ppi'; cpu: number; intid: number };

/** Parse an interrupt line name: a number (SPI INTID) or `ppi:<cpu>:<intid>`. */
export function parseGicLine(line: number | string): ParsedLine | undefined {
  if (typeof line === 'number') return Number.isInteger(line) ? { kind: 'spi', intid: line } : undefined;
  if (/^\d+$/.test(line)) return { kind: 'spi', intid: Number(line) };
  const m = /^ppi:(\d+):(\d+)$/.exec(line);
  if (m === null) return undefined;
  return { kind: 'ppi', cpu: Number(m[1]), intid: Number(m[2]) };
}

const numIrqsSchema: JsonSchema = { type: 'integer', minimum: 64, maximum: 1020, description: 'number of INTIDs including the 32 SGIs/PPIs (rounded up to a multiple of 32), default 288' };
const lrSchema: JsonSchema = { type: 'integer', minimum: 1, maximum: 16, description: 'list registers per CPU (default 4)' };
const numCpusSchema: JsonSchema = { type: 'integer', minimum: 1, maximum: 8, description: 'number of CPU interfaces when the cluster does not report it' };

function setRootInterruptParent(dt: { root: FdtNode }, node: FdtNode): void {
  if (!dt.root.props.has('interrupt-parent')) dt.root.cells('interrupt-parent', node.phandle());
}

// ------------------------------------------------------------------ gicv2

interface GicV2Options {
  gicd: number;
  gicc: number;
  gich?: number;
  gicv?: number;
  cpus: string;
  'num-cpus'?: number;
  'num-irqs'?: number;
  virtualization?: boolean;
  'list-registers'?: number;
}

export interface GicV2Api extends IrqTarget, DtInterruptController {
  readonly gic: GicV2;
}

const gicv2 = defineComponent<GicV2Options>({
  description: 'Arm GICv2 (GIC-400) with the virtualization extensions: GICD, GICC, GICH, GICV',
  schema: object(
    {
      gicd: address('distributor (GICD) base'),
      gicc: address('CPU interface (GICC) base'),
      gich: address('virtual interface control (GICH) base'),
      gicv: address('virtual CPU interface (GICV) base'),
      cpus: { type: 'string', description: 'name of the CPU cluster whose irq/fiq/virq/vfiq inputs the GIC drives (found in connect(), so the cluster may reference the GIC)' },
      'num-cpus': numCpusSchema,
      'num-irqs': numIrqsSchema,
      virtualization: { type: 'boolean', description: 'map GICH/GICV (default: when both bases are given)' },
      'list-registers': lrSchema,
    },
    ['gicd', 'gicc', 'cpus'],
  ),
  create(ctx, o): Component {
    const nIrqs = Math.min(Math.ceil((o['num-irqs'] ?? DEFAULT_NUM_IRQS) / 32) * 32, 1024);
    const virt = o.virtualization ?? (o.gich !== undefined && o.gicv !== undefined);
    if (virt && (o.gich === undefined || o.gicv === undefined)) throw new SimError(`'${ctx.name}': virtualization needs both 'gich' and 'gicv' bases`);
    const report = errorReporter(ctx);
    const deferred = new DeferredInputs();
    let gic: GicV2 | undefined;
    let lines: ReturnType<typeof cpuLines> | undefined;
    let n = 0;
    const build = (count: number): void => {
      if (count > 8) throw new SimError(`'${ctx.name}': GICv2 supports at most 8 CPUs, '${o.cpus}' has ${count}`);
      n = count;
      lines = cpuLines(n);
      const g = new GicV2(n, nIrqs, signalsFor(lines), o['list-registers'] ?? 4);
      g.onError = report;
      g.core.onAcknowledge = sourceCounter(ctx);
      ctx.system.addMmio(`${ctx.name}.gicd`, o.gicd, GICD_V2_SIZE, g.distributor);
      ctx.system.addMmio(`${ctx.name}.gicc`, o.gicc, GICC_V2_SIZE, g.cpuInterface);
      if (virt) {
        ctx.system.addMmio(`${ctx.name}.gich`, o.gich!, GICH_V2_SIZE, g.hypervisor);
        ctx.system.addMmio(`${ctx.name}.gicv`, o.gicv!, GICV_V2_SIZE, g.virtualCpuInterface);
      }
      gic = g;
      deferred.attach((l, level) => {
        if (l.kind === 'spi') g.setSpi(l.intid, level);
        else if (!g.setPpi(l.cpu, l.intid, level)) report('interrupt on a PPI of a CPU the GIC does not have', { line: `ppi:${l.cpu}:${l.intid}` });
      });
    };
    const early = knownCount(ctx, o.cpus, o['num-cpus']);
    if (early !== undefined) build(early);
    const api: GicV2Api = {
      get gic(): GicV2 {
        if (gic === undefined) throw new SimError(`'${ctx.name}' is not connected yet`);
        return gic;
      },
      irqInput(line) {
        const l = parseGicLine(line);
        if (l === undefined) return undefined;
        if (l.kind === 'spi') return l.intid >= 32 && l.intid < Math.min(nIrqs, 1020) ? deferred.input(l) : undefined;
        return l.intid >= 16 && l.intid < 32 && (gic === undefined || l.cpu < n) ? deferred.input(l) : undefined;
      },
      dtInterruptCells(line) {
        const l = parseGicLine(line);
        if (l === undefined) throw new SimError(`'${ctx.name}' has no interrupt line '${line}'`);
        // GICv2 PPI specifiers carry the CPU mask in bits [15:8] (Linux arm,gic binding).
        if (l.kind === 'ppi') return [GIC_PPI, l.intid - 16, (((1 << n) - 1) << 8) | IRQ_TYPE_LEVEL_HIGH];
        return [GIC_SPI, l.intid - 32, IRQ_TYPE_LEVEL_HIGH];
      },
    };
    return {
      api,
      connect() {
        if (gic === undefined) build(countOf(ctx, o.cpus, o['num-cpus']));
        lines!.bind(clusterAt(ctx, o.cpus));
      },
      reset() {
        gic?.reset();
      },
      deviceTree(dt) {
        const cpuMask = (1 << n) - 1;
        const node = dt.root.child(`intc@${o.gicd.toString(16)}`);
        node.str('compatible', 'arm,cortex-a15-gic');
        node.cells('#interrupt-cells', 3).flag('interrupt-controller');
        node.cells('#address-cells', 2).cells('#size-cells', 2).flag('ranges');
        const regs: Array<[number, number]> = [
          [o.gicd, GICD_V2_SIZE],
          [o.gicc, GICC_V2_SIZE],
        ];
        if (virt) {
          regs.push([o.gich!, GICH_V2_SIZE], [o.gicv!, GICV_V2_SIZE]);
          node.cells('interrupts', GIC_PPI, MAINTENANCE_INTID - 16, (cpuMask << 8) | IRQ_TYPE_LEVEL_HIGH);
        }
        node.reg(...regs);
        dt.register(node);
        setRootInterruptParent(dt, node);
      },
    };
  },
});

// ------------------------------------------------------------------ gicv3

interface GicV3Options {
  gicd: number;
  gicr: number;
  'gicr-stride'?: number;
  cpus: string;
  'num-cpus'?: number;
  'num-irqs'?: number;
  its?: { base: number };
  lpis?: boolean;
  'list-registers'?: number;
}

export interface GicV3ComponentApi extends GicV3Api {
  readonly gic: GicV3;
  readonly its: Its | undefined;
  /** Physical address of GITS_TRANSLATER (the MSI doorbell), if there is an ITS. */
  readonly msiDoorbell: number | undefined;
  /** The ITS device-tree node (`msi-parent` target), once the GIC node exists. */
  msiController(dt: { nodeOf(component: string): FdtNode | undefined }): FdtNode | undefined;
}

const gicv3 = defineComponent<GicV3Options>({
  description: 'Arm GICv3: distributor, redistributors, system-register CPU interface, LPIs and an optional ITS',
  schema: object(
    {
      gicd: address('distributor (GICD) base'),
      gicr: address('first redistributor (GICR) base'),
      'gicr-stride': size('redistributor stride (default 0x20000)'),
      cpus: { type: 'string', description: 'name of the CPU cluster whose irq/fiq/virq/vfiq inputs the GIC drives (found in connect(), so the cluster may reference the GIC)' },
      'num-cpus': { type: 'integer', minimum: 1, maximum: 512, description: 'number of redistributors when the cluster does not report it' },
      'num-irqs': numIrqsSchema,
      its: object({ base: address('ITS (GITS) base, 128 KiB') }, ['base'], 'Interrupt Translation Service'),
      lpis: { type: 'boolean', description: 'implement LPIs (default: when an ITS is present)' },
      'list-registers': lrSchema,
    },
    ['gicd', 'gicr', 'cpus'],
  ),
  create(ctx, o): Component {
    const nIrqs = Math.min(Math.ceil((o['num-irqs'] ?? DEFAULT_NUM_IRQS) / 32) * 32, 1024);
    const stride = o['gicr-stride'] ?? 0x20000;
    if (stride < 0x20000) throw new SimError(`'${ctx.name}': gicr-stride must be at least 0x20000 (RD_base and SGI_base frames)`);
    const lpis = o.lpis ?? o.its !== undefined;
    if (o.its !== undefined && !lpis) throw new SimError(`'${ctx.name}': an ITS needs LPIs (lpis: true)`);
    const report = errorReporter(ctx);
    const deferred = new DeferredInputs();
    let gic: GicV3 | undefined;
    let its: Its | undefined;
    let lines: ReturnType<typeof cpuLines> | undefined;
    let n = 0;
    const build = (count: number): void => {
      n = count;
      const cluster = ctx.lookup<Partial<GicCpuCluster> | undefined>(o.cpus);
      const affinity = typeof cluster?.mpidrAffinity === 'function' ? (i: number) => cluster.mpidrAffinity!(i) : undefined;
      lines = cpuLines(n);
      const g = new GicV3(
        { nCpus: n, nIrqs, lpis, memory: ctx.system, nLrs: o['list-registers'] ?? 4, redistStride: stride, ...(affinity ? { affinity } : {}) },
        signalsFor(lines),
      );
      g.onError = report;
      g.core.onAcknowledge = sourceCounter(ctx);
      ctx.system.addMmio(`${ctx.name}.gicd`, o.gicd, GICD_V3_SIZE, g.distributor);
      ctx.system.addMmio(`${ctx.name}.gicr`, o.gicr, n * stride, g.redistributors);
      if (o.its !== undefined) {
        its = new Its(g, ctx.system);
        its.onError = report;
        ctx.system.addMmio(`${ctx.name}.its`, o.its.base, GITS_SIZE, its.device);
      }
      gic = g;
      deferred.attach((l, level) => {
        if (l.kind === 'spi') g.setSpi(l.intid, level);
        else if (!g.setPpi(l.cpu, l.intid, level)) report('interrupt on a PPI of a CPU the GIC does not have', { line: `ppi:${l.cpu}:${l.intid}` });
      });
    };
    // Affinities come from the cluster, so build early only when the cluster already exists.
    if (ctx.lookup(o.cpus) !== undefined) build(countOf(ctx, o.cpus, o['num-cpus']));
    const nodeName = `intc@${o.gicd.toString(16)}`;
    const itsName = o.its !== undefined ? `its@${o.its.base.toString(16)}` : undefined;
    const need = (): GicV3 => {
      if (gic === undefined) throw new SimError(`'${ctx.name}' is not connected yet`);
      return gic;
    };
    const api: GicV3ComponentApi = {
      get gic(): GicV3 {
        return need();
      },
      get its(): Its | undefined {
        return its;
      },
      msiDoorbell: o.its !== undefined ? o.its.base + GITS_TRANSLATER : undefined,
      cpuInterface(i: number): GicCpuInterface {
        const c = need().cpuInterfaces[i];
        if (c === undefined) throw new SimError(`'${ctx.name}' has no CPU interface ${i}`);
        return c;
      },
      irqInput(line) {
        const l = parseGicLine(line);
        if (l === undefined) return undefined;
        if (l.kind === 'spi') return l.intid >= 32 && l.intid < Math.min(nIrqs, 1020) ? deferred.input(l) : undefined;
        return l.intid >= 16 && l.intid < 32 && (gic === undefined || l.cpu < n) ? deferred.input(l) : undefined;
      },
      dtInterruptCells(line) {
        const l = parseGicLine(line);
        if (l === undefined) throw new SimError(`'${ctx.name}' has no interrupt line '${line}'`);
        if (l.kind === 'ppi') return [GIC_PPI, l.intid - 16, IRQ_TYPE_LEVEL_HIGH];
        return [GIC_SPI, l.intid - 32, IRQ_TYPE_LEVEL_HIGH];
      },
      msiController(dt) {
        if (itsName === undefined) return undefined;
        return dt.nodeOf(ctx.name)?.children.find((c) => c.name === itsName);
      },
    };
    return {
      api,
      connect() {
        if (gic === undefined) build(countOf(ctx, o.cpus, o['num-cpus']));
        const cl = clusterAt(ctx, o.cpus);
        lines!.bind(cl);
        if (typeof cl.attachGicCpuInterface === 'function') {
          for (let i = 0; i < n; i++) cl.attachGicCpuInterface(i, gic!.cpuInterfaces[i]!);
        }
      },
      reset() {
        gic?.reset();
        its?.reset();
      },
      deviceTree(dt) {
        const node = dt.root.child(nodeName);
        node.str('compatible', 'arm,gic-v3');
        node.cells('#interrupt-cells', 3).flag('interrupt-controller');
        node.cells('#address-cells', 2).cells('#size-cells', 2).flag('ranges');
        node.cells('#redistributor-regions', 1);
        node.reg([o.gicd, GICD_V3_SIZE], [o.gicr, n * stride]);
        if (stride !== 0x20000) node.u64('redistributor-stride', stride);
        node.cells('interrupts', GIC_PPI, MAINTENANCE_INTID - 16, IRQ_TYPE_LEVEL_HIGH);
        if (o.its !== undefined) {
          const itsNode = node.child(itsName!);
          itsNode.str('compatible', 'arm,gic-v3-its').flag('msi-controller').cells('#msi-cells', 1);
          itsNode.reg([o.its.base, GITS_SIZE]);
          itsNode.phandle();
        }
        dt.register(node);
        setRootInterruptParent(dt, node);
      },
    };
  },
});

// ------------------------------------------------------------------ gicv2m

interface GicV2mOptions {
  base: number;
  gic: string;
  'spi-base'?: number;
  'spi-count'?: number;
}

const gicv2m = defineComponent<GicV2mOptions>({
  description: 'GICv2m MSI frame: MSI_SETSPI_NS writes raise edge-triggered SPIs of a GIC',
  schema: object(
    {
      base: address('frame base (4 KiB)'),
      gic: ref('an interrupt controller', 'the GIC whose SPIs the frame raises'),
      'spi-base': { type: 'integer', minimum: 32, maximum: 1019, description: 'first SPI INTID (default 80, as QEMU virt)' },
      'spi-count': { type: 'integer', minimum: 1, maximum: 988, description: 'number of SPIs (default 64)' },
    },
    ['base', 'gic'],
  ),
  create(ctx, o): Component {
    const target = ctx.ref<IrqTarget>(o.gic);
    if (target === undefined || typeof target.irqInput !== 'function') throw new SimError(`'${ctx.name}': '${o.gic}' is not an interrupt controller`);
    const base = o['spi-base'] ?? 80;
    const count = o['spi-count'] ?? 64;
    if (target.irqInput(base) === undefined || target.irqInput(base + count - 1) === undefined) {
      throw new SimError(`'${ctx.name}': SPIs ${base}..${base + count - 1} are not all implemented by '${o.gic}'`);
    }
    const v2m = new GicV2m(base, count, (intid) => target.irqInput(intid));
    v2m.onError = errorReporter(ctx);
    ctx.system.addMmio(ctx.name, o.base, V2M_FRAME_SIZE, v2m.device);
    return {
      api: { v2m, msiDoorbell: o.base + V2M_MSI_SETSPI_NS, spiBase: base, spiCount: count } satisfies GicV2mApi,
      deviceTree(dt) {
        const parent = dt.nodeOf(o.gic);
        if (parent === undefined) throw new SimError(`device tree: '${ctx.name}' needs the node of '${o.gic}', which put none in the tree`);
        const node = parent.child(`v2m@${o.base.toString(16)}`);
        node.str('compatible', 'arm,gic-v2m-frame').flag('msi-controller');
        node.reg([o.base, V2M_FRAME_SIZE]);
        dt.register(node);
      },
    };
  },
});

export const gicPlugin = definePlugin({
  name: '@tessera/gic',
  version: '0.1.0',
  description: 'Arm GICv2 (+virtualization), GICv3 (+LPIs, ITS) and GICv2m',
  components: { gicv2, gicv3, gicv2m },
});

/**
 * The `arm-cpu` component: a cluster of Armv8.0-A cores with their generic timers, the
 * machine-wide exclusive monitor and, when no firmware runs at EL3 (or EL2), PSCI 1.0 in
 * TypeScript. Device tree: /cpus, /timer (arm,armv8-timer) and /psci.
 */

import { address, defineComponent, frequency, ref, type Component, type ComponentContext, type DebugTarget, type IrqInput, type IrqTarget } from '@tessera/core';
import { A64Core, type TrapHandler } from './core.js';
import { aarch64DebugTarget } from './debug.js';
import { MODELS, type CpuModel, type GicCpuInterface } from './defs.js';
import { monitorFor } from './monitor.js';
import { psciHandler } from './psci.js';
import { GenericTimer, TimerId } from './timer.js';
import { R } from './regs.js';

export interface ArmCpuOptions {
  count?: number;
  model?: CpuModel;
  'start-el'?: 1 | 2 | 3;
  mips?: number;
  entry?: number;
  gic?: string;
  psci?: 'smc' | 'hvc' | 'none';
  'timer-irqs'?: { phys?: number; virt?: number; hyp?: number; sec?: number };
  'timer-frequency'?: number;
  'cluster-size'?: number;
}

/** QEMU virt's PPIs for the generic timer (hw/arm/virt.h): secure 29, EL1 phys 30, virt 27, EL2 phys 26. */
export const DEFAULT_TIMER_IRQS = { phys: 30, virt: 27, hyp: 26, sec: 29 } as const;

export class A64Cluster implements IrqTarget {
  readonly cores: A64Core[] = [];
  readonly timers: GenericTimer[] = [];
  readonly startEl: 1 | 2 | 3;
  readonly psci: 'smc' | 'hvc' | 'none';
  readonly clusterSize: number;
  /** Entry point of core 0 at reset (a boot component may change it). */
  entry: bigint;
  /** Registers X0..X3 of core 0 at reset (a boot component sets X0 = DTB). */
  readonly bootArgs = new BigUint64Array(4);
  private debug: DebugTarget | undefined;

  /** The GDB view of the cluster (debug.ts): every core a thread. */
  get debugTarget(): DebugTarget {
    return (this.debug ??= aarch64DebugTarget(this.cores));
  }

  constructor(
    readonly ctx: ComponentContext,
    readonly options: ArmCpuOptions,
  ) {
    const count = options.count ?? 1;
    const model = MODELS[options.model ?? 'cortex-a53'];
    this.startEl = options['start-el'] ?? 2;
    this.psci = options.psci ?? (this.startEl === 3 ? 'none' : this.startEl === 2 ? 'smc' : 'hvc');
    this.clusterSize = options['cluster-size'] ?? 8;
    this.entry = BigInt(options.entry ?? 0);
    const mips = options.mips ?? 100;
    const monitor = monitorFor(ctx.system);
    const freq = options['timer-frequency'] ?? 62_500_000;
    for (let i = 0; i < count; i++) {
      const core = new A64Core({
        name: count === 1 ? ctx.name : `${ctx.name}${i}`,
        index: i,
        system: ctx.system,
        scheduler: ctx.scheduler,
        events: ctx.events,
        model,
        mpidr: (1n << 31n) | BigInt(this.mpidrAffinity(i)),
        nsPerInsn: 1000 / mips,
        monitor,
      });
      const timer = new GenericTimer(ctx.scheduler, freq);
      core.timer = timer;
      this.cores.push(core);
      this.timers.push(timer);
      ctx.scheduler.addRunnable(core);
    }
    const sev = (): void => {
      for (const c of this.cores) c.eventReg = true;
    };
    for (const c of this.cores) c.sendEvent = sev;
    if (this.psci !== 'none') {
      const level = this.psci === 'smc' ? 3 : 2;
      const h = psciHandler(
        {
          cores: this.cores,
          startCore: (i, el, entry, context) => {
            const c = this.cores[i]!;
            c.reset(el, entry);
            this.applyUpperLevels(c);
            c.x[0] = context;
            c.emit('psci.cpu-on', { cpu: i, entry, el });
          },
          powerOff: () => ctx.machine.powerOff(0, ctx.name),
          reset: () => ctx.machine.requestReset(ctx.name),
          unexpected: (core, esr) => {
            core.emit('cpu.firmware-unhandled', { level, esr });
            ctx.log(`${core.name}: exception with ESR 0x${esr.toString(16)} taken to EL${level}, where only PSCI firmware runs; powering off`);
            ctx.machine.powerOff(1, ctx.name);
            core.halted = true;
          },
        },
        level,
      );
      for (const c of this.cores) c.trapHandlers[level] = h;
    }
  }

  get count(): number {
    return this.cores.length;
  }

  /** MPIDR_EL1 affinity of core `i` (Aff1 = i / cluster-size, Aff0 = i % cluster-size, as QEMU virt). */
  mpidrAffinity(i: number): number {
    return (Math.floor(i / this.clusterSize) << 8) | (i % this.clusterSize);
  }

  attachGicCpuInterface(i: number, iface: GicCpuInterface): void {
    const c = this.cores[i];
    if (c !== undefined) c.gicIface = iface;
  }

  core(i: number): A64Core {
    const c = this.cores[i];
    if (c === undefined) throw new RangeError(`no core ${i} in ${this.ctx.name}`);
    return c;
  }

  /** Install a TypeScript handler for exceptions taken to EL2 or EL3 on every core (or one). */
  setTrapHandler(level: 2 | 3, handler: TrapHandler | undefined, coreIndex?: number): void {
    for (const c of coreIndex === undefined ? this.cores : [this.core(coreIndex)]) c.trapHandlers[level] = handler;
  }

  irqInput(line: number | string): IrqInput | undefined {
    const m = /^(\d+):(irq|fiq|virq|vfiq)$/.exec(String(line));
    if (m === null) return undefined;
    const c = this.cores[Number(m[1])];
    if (c === undefined) return undefined;
    switch (m[2]) {
      case 'irq':
        return (l) => {
          c.irqLine = l;
          c.irqChanged();
        };
      case 'fiq':
        return (l) => {
          c.fiqLine = l;
          c.irqChanged();
        };
      case 'virq':
        return (l) => {
          c.virqLine = l;
          c.irqChanged();
        };
      default:
        return (l) => {
          c.vfiqLine = l;
          c.irqChanged();
        };
    }
  }

  /**
   * A core started below EL3 by the TypeScript firmware: nothing else to configure — the
   * reset values of SCR_EL3/HCR_EL2/CNTHCTL_EL2 already describe "firmware has run".
   */
  applyUpperLevels(c: A64Core): void {
    c.sr[R.RVBAR_EL3] = this.entry;
    c.stateChanged();
  }

  reset(): void {
    for (const t of this.timers) t.reset();
    for (let i = 0; i < this.cores.length; i++) {
      const c = this.cores[i]!;
      c.reset(this.startEl, this.entry);
      this.applyUpperLevels(c);
      if (i === 0) for (let r = 0; r < 4; r++) c.x[r] = this.bootArgs[r]!;
      else if (this.psci !== 'none') {
        // Secondaries wait powered off for PSCI CPU_ON.
        c.poweredOff = true;
        c.halted = true;
      }
    }
  }
}

export const armCpu = defineComponent<ArmCpuOptions>({
  description: 'Armv8.0-A AArch64 cores (Cortex-A53/A72 ID registers) with EL0-EL3, stage 1/2 MMU, generic timer and PSCI',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      count: { type: 'integer', minimum: 1, maximum: 64, description: 'number of cores' },
      model: { enum: ['cortex-a53', 'cortex-a72'], description: 'ID registers of this core (default cortex-a53)' },
      'start-el': { enum: [1, 2, 3], description: 'Exception level at reset (default 2; 3 = run an EL3 firmware image)' },
      mips: { type: 'number', exclusiveMinimum: 0, description: 'virtual instructions per microsecond of virtual time (default 100)' },
      entry: address('reset address of core 0 (a boot component may override it)'),
      gic: ref('an interrupt controller with PPIs (ppi:<cpu>:<intid>)', 'GIC the timer outputs are wired to'),
      psci: { enum: ['smc', 'hvc', 'none'], description: 'PSCI conduit provided in TypeScript (default smc from start-el 2, hvc from start-el 1, none at 3)' },
      'timer-irqs': {
        type: 'object',
        additionalProperties: false,
        properties: { phys: { type: 'integer' }, virt: { type: 'integer' }, hyp: { type: 'integer' }, sec: { type: 'integer' } },
        description: 'generic timer PPIs (default phys 30, virt 27, hyp 26, sec 29)',
      },
      'timer-frequency': frequency('CNTFRQ_EL0 (default 62.5MHz)'),
      'cluster-size': { type: 'integer', minimum: 1, maximum: 256, description: 'cores per Aff1 cluster in MPIDR (default 8; QEMU uses 16 with GICv3)' },
    },
  },
  create(ctx: ComponentContext, o: ArmCpuOptions): Component {
    const cl = new A64Cluster(ctx, o);
    const irqs = { ...DEFAULT_TIMER_IRQS, ...(o['timer-irqs'] ?? {}) };
    return {
      api: cl,
      connect() {
        if (o.gic === undefined) return;
        for (let i = 0; i < cl.cores.length; i++) {
          const t = cl.timers[i]!;
          t.outputs[TimerId.Phys] = ctx.irq({ controller: o.gic, line: `ppi:${i}:${irqs.phys}` }, `${ctx.name}${i}.cntp`);
          t.outputs[TimerId.Virt] = ctx.irq({ controller: o.gic, line: `ppi:${i}:${irqs.virt}` }, `${ctx.name}${i}.cntv`);
          t.outputs[TimerId.Hyp] = ctx.irq({ controller: o.gic, line: `ppi:${i}:${irqs.hyp}` }, `${ctx.name}${i}.cnthp`);
          t.outputs[TimerId.Sec] = ctx.irq({ controller: o.gic, line: `ppi:${i}:${irqs.sec}` }, `${ctx.name}${i}.cntps`);
        }
      },
      reset() {
        cl.reset();
      },
      deviceTree(dt) {
        const cpus = dt.root.child('cpus');
        cpus.cells('#address-cells', 1).cells('#size-cells', 0);
        for (let i = 0; i < cl.cores.length; i++) {
          const aff = cl.mpidrAffinity(i);
          const n = cpus.child(`cpu@${aff.toString(16)}`);
          n.str('device_type', 'cpu').str('compatible', cl.cores[i]!.model.compatible).cells('reg', aff);
          if (cl.psci !== 'none') n.str('enable-method', 'psci');
        }
        if (cl.psci !== 'none') {
          const p = dt.root.child('psci');
          p.strs('compatible', 'arm,psci-1.0', 'arm,psci-0.2', 'arm,psci').str('method', cl.psci);
          p.cells('cpu_suspend', 0xc4000001).cells('cpu_off', 0x84000002).cells('cpu_on', 0xc4000003).cells('migrate', 0xc4000005);
        }
        if (o.gic !== undefined) {
          const t = dt.root.child('timer');
          t.str('compatible', 'arm,armv8-timer').flag('always-on');
          const g = o.gic;
          // Order fixed by the binding: secure phys, non-secure phys, virtual, hypervisor.
          dt.interrupts(t, { controller: g, line: `ppi:0:${irqs.sec}` }, { controller: g, line: `ppi:0:${irqs.phys}` }, { controller: g, line: `ppi:0:${irqs.virt}` }, { controller: g, line: `ppi:0:${irqs.hyp}` });
        }
      },
    };
  },
});

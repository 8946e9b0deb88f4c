/** Test fixtures: a fake CPU cluster recording the GIC's outputs, a machine with RAM. */
import { Simulation, defineComponent, type Component, type IrqInput, type Machine, type SimEvent } from '@tessera/core';
import type { GicCpuCluster, GicCpuInterface, SysregAccessContext } from '../src/index.js';

export class FakeCluster implements GicCpuCluster {
  readonly lines = new Map<string, boolean>();
  readonly attached: GicCpuInterface[] = [];
  constructor(readonly count: number, private readonly affinities?: number[]) {}
  irqInput(line: number | string): IrqInput | undefined {
    const m = /^(\d+):(irq|fiq|virq|vfiq)$/.exec(String(line));
    if (m === null || Number(m[1]) >= this.count) return undefined;
    const key = String(line);
    return (level) => void this.lines.set(key, level);
  }
  level(cpu: number, kind: 'irq' | 'fiq' | 'virq' | 'vfiq'): boolean {
    return this.lines.get(`${cpu}:${kind}`) ?? false;
  }
  attachGicCpuInterface(index: number, iface: GicCpuInterface): void {
    this.attached[index] = iface;
  }
  get mpidrAffinity(): ((i: number) => number) | undefined {
    const a = this.affinities;
    return a === undefined ? undefined : (i: number) => a[i]!;
  }
}

export function fakeClusterType(cluster: FakeCluster) {
  return defineComponent<Record<string, never>>({
    description: 'fake CPU cluster',
    schema: { type: 'object' },
    create(): Component {
      return { api: cluster };
    },
  });
}

export interface Rig {
  sim: Simulation;
  machine: Machine;
  cluster: FakeCluster;
  events: SimEvent[];
  errors(): SimEvent[];
  /** MMIO access from CPU `cpu` (masterId = cpu). */
  rd(addr: number, cpu?: number, size?: 1 | 2 | 4): number;
  wr(addr: number, value: number, cpu?: number, size?: 1 | 2 | 4): void;
}

export async function rig(ncpus: number, add: (m: Machine) => Promise<unknown>, opts: { affinities?: number[]; ram?: boolean } = {}): Promise<Rig> {
  const sim = new Simulation();
  const machine = sim.addMachine('m');
  const cluster = new FakeCluster(ncpus, opts.affinities);
  const events: SimEvent[] = [];
  sim.events.addSink({ event: (e) => void events.push(e) });
  if (opts.ram !== false) machine.system.addRam('ram', 0x4000_0000, 0x100_0000);
  await machine.add('cpus', fakeClusterType(cluster), {});
  await add(machine);
  machine.start();
  const sys = machine.system;
  return {
    sim,
    machine,
    cluster,
    events,
    errors: () => events.filter((e) => e.kind === 'gic.error'),
    rd(addr, cpu = 0, size = 4) {
      sys.setMaster(`cpu${cpu}`, cpu);
      return sys.read(addr, size);
    },
    wr(addr, value, cpu = 0, size = 4) {
      sys.setMaster(`cpu${cpu}`, cpu);
      sys.write(addr, size, value >>> 0);
    },
  };
}

/** A mutable access context, as a CPU keeps per core. */
export function accessCtx(over: Partial<{ el: 0 | 1 | 2 | 3; ns: boolean; hcr: number; scr: number; haveEL2: boolean; haveEL3: boolean }> = {}): SysregAccessContext {
  return { el: 1, ns: true, hcr: 0, scr: 0, haveEL2: true, haveEL3: false, ...over };
}

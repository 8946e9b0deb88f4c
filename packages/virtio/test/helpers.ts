import { builtinPlugin, defineComponent, Simulation, type IrqTarget, type Machine, type SimEvent, type DtInterruptController, type ComponentType } from '@tessera/core';
import { GuestAllocator, VirtioMmioDriver, type VirtioMmioApi, type VirtioDevice } from '../src/index.js';

export const RAM_BASE = 0x8000_0000;
export const RAM_SIZE = 16 * 1024 * 1024;
export const SLOT = 0x1000_1000;

/** A stand-in interrupt controller that records line levels. */
export class FakeIntc implements IrqTarget, DtInterruptController {
  readonly levels = new Map<number | string, boolean>();
  readonly edges = new Map<number | string, number>();
  irqInput(line: number | string) {
    return (level: boolean) => {
      if (level && !this.levels.get(line)) this.edges.set(line, (this.edges.get(line) ?? 0) + 1);
      this.levels.set(line, level);
    };
  }
  dtInterruptCells(line: number | string): number[] {
    return [Number(line)];
  }
  level(line: number): boolean {
    return this.levels.get(line) ?? false;
  }
  raised(line: number): number {
    return this.edges.get(line) ?? 0;
  }
}

const intcType = defineComponent<Record<string, never>>({
  description: 'test interrupt controller',
  schema: {},
  create() {
    const api = new FakeIntc();
    return {
      api,
      deviceTree(dt) {
        const n = dt.soc.child('intc@0');
        n.flag('interrupt-controller').cells('#interrupt-cells', 1);
        dt.register(n);
      },
    };
  },
});

export interface TestBoard {
  sim: Simulation;
  machine: Machine;
  intc: FakeIntc;
  events: SimEvent[];
}

export async function board(sim = new Simulation(), name = 'm0'): Promise<TestBoard> {
  const machine = sim.addMachine(name);
  await machine.add('ram', builtinPlugin.components.ram!, { base: RAM_BASE, size: RAM_SIZE });
  await machine.add('intc', intcType, {});
  const events: SimEvent[] = [];
  sim.events.addSink({ kinds: ['virtio.'], event: (e) => events.push(e) });
  return { sim, machine, intc: machine.api<FakeIntc>('intc')!, events };
}

/** Add a virtio component at `base` on intc line `line`, start the machine, and return a driver for it. */
export async function attach<O, D extends VirtioDevice>(
  b: TestBoard,
  name: string,
  type: ComponentType<O>,
  options: O,
  opts: { legacy?: boolean; allocBase?: number } = {},
): Promise<{ drv: VirtioMmioDriver; device: D; api: VirtioMmioApi<D> }> {
  await b.machine.add(name, type, options);
  b.machine.start();
  const api = b.machine.api<VirtioMmioApi<D>>(name)!;
  const base = (options as { base: number }).base;
  const alloc = new GuestAllocator(opts.allocBase ?? RAM_BASE + 0x10_0000, 0x40_0000);
  return { drv: new VirtioMmioDriver(b.machine.system, base, alloc, opts.legacy ?? false), device: api.device, api };
}

export function bytes(...v: number[]): Uint8Array {
  return Uint8Array.from(v);
}

export function ethFrame(dst: Uint8Array | number[], src: Uint8Array | number[], payload: Uint8Array | string, ethertype = 0x88b5): Uint8Array {
  const p = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const f = new Uint8Array(14 + p.length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = ethertype >>> 8;
  f[13] = ethertype & 0xff;
  f.set(p, 14);
  return f;
}

export function readGuest(b: TestBoard, addr: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  b.machine.system.readBytes(addr, out);
  return out;
}

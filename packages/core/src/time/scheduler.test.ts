import { describe, expect, it } from 'vitest';
import { EventBus } from '../events/events.js';
import { type Runnable, Scheduler } from './scheduler.js';

/**
 * A fake CPU: retires one instruction per ns, runs in slices of at most `slice` ns, records
 * each run() call, and can be halted (WFI) and woken by timers.
 */
class FakeCpu implements Runnable {
  t = 0;
  retired = 0;
  halted = false;
  runs: Array<[number, number]> = [];
  onRun: ((cpu: FakeCpu) => void) | undefined;
  constructor(
    readonly name: string,
    private readonly sched: Scheduler,
    private readonly slice = 1000,
  ) {}
  run(until: number): void {
    this.runs.push([this.t, until]);
    while (this.t < until && !this.halted && !this.sched.exitRequested) {
      const step = Math.min(this.slice, until - this.t);
      this.t += step;
      this.retired += step;
      this.onRun?.(this);
    }
  }
  localTime(): number {
    return this.t;
  }
  syncTime(t: number): void {
    this.t = t;
  }
}

describe('Scheduler', () => {
  it('fires timers in (time, insertion) order', () => {
    const s = new Scheduler();
    const order: string[] = [];
    s.at(30, () => order.push('c30'));
    s.at(10, () => order.push('a10'));
    s.at(20, () => order.push('b20-1'));
    s.at(20, () => order.push('b20-2'));
    s.at(10, () => order.push('a10-2'));
    s.advance(25);
    expect(order).toEqual(['a10', 'a10-2', 'b20-1', 'b20-2']);
    expect(s.now()).toBe(25);
    s.advance(30);
    expect(order).toHaveLength(5);
    expect(s.eventsFired).toBe(5);
    expect(() => s.advance(10)).toThrow(/backwards/);
  });

  it('re-arms and cancels timers; re-arming goes behind equal times', () => {
    const s = new Scheduler();
    const order: string[] = [];
    const a = s.timer(() => order.push(`a@${s.now()}`));
    const b = s.timer(() => order.push(`b@${s.now()}`));
    a.setAt(100);
    b.setAt(50);
    a.setAt(50); // re-armed: after b at the same time
    expect(a.armed).toBe(true);
    const c = s.after(60, () => order.push('c'));
    c.cancel();
    expect(c.armed).toBe(false);
    c.cancel(); // harmless
    s.advance(200);
    expect(order).toEqual(['b@50', 'a@50']);
    expect(a.armed).toBe(false);
    // A timer re-arming itself from its callback (a periodic tick).
    let ticks = 0;
    const tick = s.timer(() => {
      ticks++;
      if (ticks < 5) tick.setAfter(10);
    });
    tick.setAfter(10);
    s.advance(1000);
    expect(ticks).toBe(5);
    expect(s.nextEventTime()).toBe(Infinity);
    // Past and NaN times fire at once.
    let fired = 0;
    s.at(-5, () => fired++);
    s.at(Number.NaN, () => fired++);
    s.advance(1000);
    expect(fired).toBe(2);
  });

  it('keeps the heap ordered through many random arms and cancels', () => {
    const s = new Scheduler();
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const fired: number[] = [];
    const timers = Array.from({ length: 200 }, () => {
      const t = s.timer(() => fired.push(t.time));
      return t;
    });
    for (let i = 0; i < 5000; i++) {
      const t = timers[rnd(timers.length)]!;
      if (rnd(4) === 0) t.cancel();
      else t.setAt(rnd(100_000));
    }
    const armed = timers.filter((t) => t.armed).length;
    s.advance(100_000);
    expect(fired).toHaveLength(armed);
    expect(fired).toEqual([...fired].sort((x, y) => x - y));
  });

  it('runs CPUs in quanta, stopping each at the next due event', () => {
    const s = new Scheduler({ quantumNs: 1000 });
    const a = new FakeCpu('a', s, 100);
    const b = new FakeCpu('b', s, 100);
    s.addRunnable(a);
    s.addRunnable(b);
    const seen: number[] = [];
    s.at(2500, () => seen.push(s.now()));
    s.at(3000, () => s.stop({ reason: 'user', exitCode: 0, message: 'done' }));
    const stop = s.run();
    expect(stop?.reason).toBe('user');
    expect(a.runs).toEqual([
      [0, 1000],
      [1000, 2000],
      [2000, 2500],
      [2500, 3000],
    ]);
    expect(b.runs).toEqual(a.runs);
    expect(seen).toEqual([2500]);
    expect(s.now()).toBe(3000);
    expect(a.retired + b.retired).toBe(6000);
  });

  it('lets a timer armed for "now" by the running CPU end its slice early', () => {
    const s = new Scheduler({ quantumNs: 10_000 });
    const a = new FakeCpu('a', s, 100);
    s.addRunnable(a);
    let when = -1;
    a.onRun = (cpu) => {
      if (cpu.t === 300) s.at(s.now(), () => (when = s.now()));
    };
    s.run(1000);
    expect(when).toBe(300);
    expect(a.runs[0]).toEqual([0, 1000]);
    expect(a.runs[1]![0]).toBe(300);
  });

  it('fires a timer armed mid-quantum at its time on every CPU, skipping no time', () => {
    const s = new Scheduler({ quantumNs: 10_000 });
    const a = new FakeCpu('a', s, 100);
    const b = new FakeCpu('b', s, 100);
    s.addRunnable(a);
    s.addRunnable(b);
    const seen: string[] = [];
    a.onRun = (cpu) => {
      if (cpu.t === 400) s.at(cpu.t + 250, () => seen.push(`fired@${s.now()} a=${a.t} b=${b.t}`));
    };
    s.run(2000);
    expect(seen).toEqual(['fired@650 a=650 b=650']);
    expect(b.runs[0]).toEqual([0, 650]);
    // Every ns of virtual time was executed by both CPUs.
    expect(a.retired).toBe(2000);
    expect(b.retired).toBe(2000);
  });

  it('jumps over idle time when every CPU is halted', () => {
    const s = new Scheduler({ quantumNs: 1000 });
    const a = new FakeCpu('a', s);
    s.addRunnable(a);
    a.halted = true;
    s.at(5_000_000, () => {
      a.halted = false;
    });
    s.at(5_002_000, () => s.stop({ reason: 'user', exitCode: 0, message: '' }));
    s.run();
    expect(a.runs).toEqual([
      [5_000_000, 5_001_000],
      [5_001_000, 5_002_000],
    ]);
    expect(a.retired).toBe(2000);
  });

  it('stops with a deadlock when everything is halted and nothing is pending', () => {
    const s = new Scheduler();
    const a = new FakeCpu('a', s);
    a.halted = true;
    s.addRunnable(a);
    const stop = s.run();
    expect(stop).toMatchObject({ reason: 'deadlock', exitCode: 3 });
  });

  it('stops at a time limit without a stop, and resumes from there', () => {
    const s = new Scheduler({ quantumNs: 1000 });
    const a = new FakeCpu('a', s);
    s.addRunnable(a);
    expect(s.run(2500)).toBeUndefined();
    expect(s.now()).toBe(2500);
    expect(a.t).toBe(2500);
    expect(s.run(4000)).toBeUndefined();
    expect(a.retired).toBe(4000);
  });

  it('stops when the instruction budget is spent', () => {
    const s = new Scheduler({ quantumNs: 1000 });
    s.addRunnable(new FakeCpu('a', s));
    s.addRunnable(new FakeCpu('b', s));
    const stop = s.run(Infinity, { instructionBudget: 10_000 });
    expect(stop).toMatchObject({ reason: 'budget', exitCode: 4 });
    expect(s.now()).toBe(5000);
  });

  it('keeps the first stop and can forget it', () => {
    const s = new Scheduler();
    s.stop({ reason: 'poweroff', exitCode: 0, message: 'a' });
    s.stop({ reason: 'timeout', exitCode: 1, message: 'b' });
    expect(s.stopped?.message).toBe('a');
    s.clearStop();
    expect(s.stopped).toBeUndefined();
    expect(s.exitRequested).toBe(false);
  });

  it('gives identical traces for two identical runs', () => {
    const trace = (): string[] => {
      const s = new Scheduler({ quantumNs: 700 });
      const out: string[] = [];
      // Events go through an EventBus clocked by the scheduler, as in a machine.
      const bus = new EventBus(() => s.now());
      bus.addSink({ event: (e) => out.push(JSON.stringify(e)) });
      const cpus = [new FakeCpu('a', s, 90), new FakeCpu('b', s, 130)];
      for (const c of cpus) s.addRunnable(c);
      let n = 0;
      // CPUs arm timers from inside their quanta; timers halt and wake CPUs.
      cpus[0]!.onRun = (c) => {
        if (c.t % 900 === 0) {
          bus.emit('cpu.exception', c.name, { cause: n % 3 });
          s.after(250, () => bus.emit('irq.inject', 'dev', { n: n++, b: cpus[1]!.t }));
        }
      };
      const wake = s.timer(() => {
        cpus[1]!.halted = !cpus[1]!.halted;
        out.push(`b ${cpus[1]!.halted ? 'sleeps' : 'wakes'}@${s.now()}`);
        wake.setAfter(1100);
      });
      wake.setAt(1000);
      s.run(20_000);
      out.push(`end ${cpus.map((c) => c.retired).join(',')} fired ${s.eventsFired}`);
      return out;
    };
    const a = trace();
    const b = trace();
    expect(a.length).toBeGreaterThan(20);
    expect(a.filter((l) => l.includes('"kind":"irq.inject"')).length).toBeGreaterThan(2);
    expect(a.filter((l) => l.includes('"kind":"cpu.exception"')).length).toBeGreaterThan(2);
    expect(b).toEqual(a);
  });
});

describe('stopping', () => {
  it('fires no further timer once a callback stops the run, even at the same instant', () => {
    const s = new Scheduler();
    const fired: string[] = [];
    s.at(100, () => {
      fired.push('a');
      s.stop({ reason: 'poweroff', exitCode: 0, message: 'off' });
    });
    s.at(100, () => fired.push('b'));
    expect(s.run()?.reason).toBe('poweroff');
    expect(fired).toEqual(['a']);
  });
});

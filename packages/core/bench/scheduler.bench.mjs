/**
 * Scheduled events per second through the Scheduler: 64 device timers, each re-armed from
 * its own callback at pseudo-random delays (as UART, timer and virtio models do), plus a
 * CPU-like runnable that executes in quanta and yields to due events.
 *
 * Rows: events/s with the runnable present (the machine-like case) and timers only
 * (Scheduler.advance, the device-only case). Target (issue 2): at least 5 M events/s.
 */

import { Scheduler } from '@tessera/core';

const TARGET = 5e6;
const TIMERS = 64;

/** A CPU that does no work: it only moves its clock, so the figure is the scheduler's cost. */
class IdleCpu {
  name = 'cpu0';
  t = 0;
  retired = 0;
  halted = false;
  run(until) {
    if (until > this.t) {
      this.retired += until - this.t;
      this.t = until;
    }
  }
  localTime() {
    return this.t;
  }
  syncTime(t) {
    this.t = t;
  }
}

function setup(withCpu) {
  const s = new Scheduler({ quantumNs: 10_000 });
  if (withCpu) s.addRunnable(new IdleCpu());
  let seed = 1;
  for (let i = 0; i < TIMERS; i++) {
    const tm = s.timer(() => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      tm.setAfter(50 + (seed & 1023)); // 50..1073 ns: many events per quantum
    });
    tm.setAt(i);
  }
  return s;
}

/**
 * Events per second of this process's CPU time (so other load on a shared machine does not
 * skew it), best of three rounds after a warm-up round; the wall-clock rate goes in the note.
 */
function measure(withCpu, minMs = 700) {
  let best = { cpu: 0, wall: 0 };
  for (let round = 0; round < 4; round++) {
    const s = setup(withCpu);
    let now = 0;
    const step = 2_000_000; // 2 ms of virtual time per slice, ~230 k events
    const go = () => {
      now += step;
      if (withCpu) s.run(now);
      else s.advance(now);
    };
    go(); // warm-up
    const e0 = s.eventsFired;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let t1 = t0;
    while (t1 - t0 < minMs) {
      go();
      t1 = performance.now();
    }
    const c = process.cpuUsage(c0);
    const n = s.eventsFired - e0;
    const cpu = n / ((c.user + c.system) / 1e6);
    if (round > 0 && cpu > best.cpu) best = { cpu, wall: n / ((t1 - t0) / 1000) };
  }
  return best;
}

export default async function schedulerBench() {
  const withCpu = measure(true);
  const timersOnly = measure(false);
  const note = (r) => `${r.cpu >= TARGET ? 'target >= 5 M/s: met' : 'target >= 5 M/s: MISSED'}; wall-clock ${(r.wall / 1e6).toFixed(2)} M/s`;
  return [
    { bench: 'scheduler', metric: `${TIMERS} re-armed timers + 1 runnable`, value: withCpu.cpu, unit: 'events/cpu-s', note: note(withCpu) },
    { bench: 'scheduler', metric: `${TIMERS} re-armed timers (advance)`, value: timersOnly.cpu, unit: 'events/cpu-s', note: note(timersOnly) },
  ];
}

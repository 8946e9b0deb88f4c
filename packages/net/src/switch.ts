/**
 * An L2 learning switch inside the simulation (IEEE 802.1D transparent bridging, without
 * spanning tree or ageing).
 *
 * Switches are named and belong to one simulation (one scheduler): any NIC of any machine
 * in that simulation joins a switch by giving its name. The switch learns which port each
 * source MAC address arrived on; a frame to a learned unicast address goes to that port
 * only, broadcast, multicast and unknown unicast frames are flooded to every other port.
 * The latency is the default unless a link gives one; links that give one must agree.
 * Every delivery happens `latency` ns of virtual time after the frame was sent, from a
 * scheduler event, in send order, so runs are deterministic.
 */

import { SimError, type Counter, type EventBus, type Scheduler, type Timer } from '@tessera/core';
import type { NetClient, NetLink } from './types.js';
import type { PcapWriter } from './pcap.js';

/** Default switch latency: 1 µs of virtual time. */
export const DEFAULT_SWITCH_LATENCY_NS = 1000;

const registry = new WeakMap<Scheduler, Map<string, NetworkSwitch>>();

/** A frame too short to carry an Ethernet header (destination, source, EtherType). */
const MIN_FRAME = 14;

export function macKey(frame: Uint8Array, offset: number): number {
  return (frame[offset]! * 2 ** 40) + (frame[offset + 1]! * 2 ** 32) + ((frame[offset + 2]! << 24) >>> 0) + (frame[offset + 3]! << 16) + (frame[offset + 4]! << 8) + frame[offset + 5]!;
}

export class SwitchPort implements NetLink {
  /** Frames this port sent into the switch / frames the switch delivered to it. */
  sent = 0;
  delivered = 0;
  closed = false;

  constructor(
    readonly sw: NetworkSwitch,
    readonly name: string,
    readonly client: NetClient,
    /** Optional capture of everything crossing this port. */
    readonly tap: PcapWriter | undefined,
  ) {}

  send(frame: Uint8Array): void {
    if (this.closed) return;
    this.sent++;
    this.sw.ingress(this, frame);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.tap?.close();
    this.sw.detach(this);
  }
}

export class NetworkSwitch {
  private readonly ports: SwitchPort[] = [];
  /** MAC address (48-bit number) -> port it was last seen on. */
  private readonly macTable = new Map<number, SwitchPort>();
  // Delivery FIFO: latency is constant, so delivery times never decrease along it.
  private qTime: number[] = [];
  private qPort: SwitchPort[] = [];
  private qFrame: Uint8Array[] = [];
  private qHead = 0;
  private readonly timer: Timer;
  private readonly cFlooded: Counter;
  private readonly cForwarded: Counter;
  private readonly cDropped: Counter;
  /** Capture of every frame entering the switch, from any port. */
  private captureAll: PcapWriter | undefined;

  private constructor(
    readonly name: string,
    private readonly scheduler: Scheduler,
    private readonly events: EventBus,
    private latencyNs: number,
    /** Whether a link gave the latency (otherwise it is the default, and a link may still set it). */
    private latencyGiven: boolean,
  ) {
    this.timer = scheduler.timer(() => this.deliverDue());
    this.cFlooded = events.counter(`switch ${name}`, 'flooded');
    this.cForwarded = events.counter(`switch ${name}`, 'forwarded');
    this.cDropped = events.counter(`switch ${name}`, 'dropped (runt)');
  }

  /**
   * The switch `name` of this simulation, created on first use. Every joiner that gives a
   * latency must give the same one.
   */
  static get(scheduler: Scheduler, events: EventBus, name: string, latency?: number): NetworkSwitch {
    let m = registry.get(scheduler);
    if (m === undefined) registry.set(scheduler, (m = new Map()));
    let sw = m.get(name);
    if (sw === undefined) {
      sw = new NetworkSwitch(name, scheduler, events, latency ?? DEFAULT_SWITCH_LATENCY_NS, latency !== undefined);
      m.set(name, sw);
    } else if (latency !== undefined && !sw.latencyGiven) {
      sw.latencyNs = latency;
      sw.latencyGiven = true;
    } else if (latency !== undefined && latency !== sw.latency) {
      throw new SimError(`switch '${name}' already has a latency of ${sw.latency} ns; another link asks for ${latency} ns`, 'give the latency on one link only, or the same value on every link');
    }
    return sw;
  }

  /**
   * Configure a switch before NICs join it (a machine file's link section, an embedder):
   * its latency, and a capture of every frame that enters it from any port.
   */
  static define(scheduler: Scheduler, events: EventBus, name: string, opts: { latency?: number; pcap?: PcapWriter } = {}): NetworkSwitch {
    const sw = NetworkSwitch.get(scheduler, events, name, opts.latency);
    if (opts.pcap !== undefined) {
      sw.captureAll?.close();
      sw.captureAll = opts.pcap;
    }
    return sw;
  }

  /** Stop the switch-wide capture (closing its file). */
  closeCapture(): void {
    this.captureAll?.close();
    this.captureAll = undefined;
  }

  /** Delivery latency in ns of virtual time. */
  get latency(): number {
    return this.latencyNs;
  }

  /** Connect a NIC. `name` is for statistics and errors. */
  attach(name: string, client: NetClient, tap?: PcapWriter): SwitchPort {
    const p = new SwitchPort(this, name, client, tap);
    this.ports.push(p);
    return p;
  }

  /** @internal */
  detach(p: SwitchPort): void {
    const i = this.ports.indexOf(p);
    if (i >= 0) this.ports.splice(i, 1);
    for (const [mac, port] of this.macTable) if (port === p) this.macTable.delete(mac);
  }

  get portCount(): number {
    return this.ports.length;
  }

  /** The port a MAC address (as `52:54:00:12:34:56`) was learned on. */
  lookup(mac: string): string | undefined {
    const bytes = Uint8Array.from(mac.split(':').map((h) => parseInt(h, 16)));
    return this.macTable.get(macKey(bytes, 0))?.name;
  }

  /** @internal a frame entering from `from`. */
  ingress(from: SwitchPort, frame: Uint8Array): void {
    if (frame.length < MIN_FRAME) {
      this.cDropped.value++;
      return;
    }
    const t = this.scheduler.now();
    from.tap?.write(t, frame);
    this.captureAll?.write(t, frame);
    // Learn the source (a multicast source address is invalid and never learned).
    if ((frame[6]! & 1) === 0) this.macTable.set(macKey(frame, 6), from);
    const copy = frame.slice();
    const due = t + this.latencyNs;
    const dstGroup = (frame[0]! & 1) !== 0;
    const known = dstGroup ? undefined : this.macTable.get(macKey(frame, 0));
    if (known !== undefined) {
      this.cForwarded.value++;
      if (known !== from) this.enqueue(due, known, copy);
    } else {
      this.cFlooded.value++;
      for (const p of this.ports) if (p !== from) this.enqueue(due, p, copy);
    }
  }

  private enqueue(t: number, p: SwitchPort, frame: Uint8Array): void {
    this.qTime.push(t);
    this.qPort.push(p);
    this.qFrame.push(frame);
    if (!this.timer.armed) this.timer.setAt(t);
  }

  private deliverDue(): void {
    const now = this.scheduler.now();
    while (this.qHead < this.qTime.length && this.qTime[this.qHead]! <= now) {
      const i = this.qHead++;
      const p = this.qPort[i]!;
      const f = this.qFrame[i]!;
      // Release references as we go.
      (this.qFrame as Array<Uint8Array | undefined>)[i] = undefined;
      if (p.closed) continue;
      p.delivered++;
      p.tap?.write(now, f);
      p.client.receive(f);
    }
    if (this.qHead >= this.qTime.length) {
      this.qTime = [];
      this.qPort = [];
      this.qFrame = [];
      this.qHead = 0;
    } else {
      if (this.qHead > 1024) {
        this.qTime = this.qTime.slice(this.qHead);
        this.qPort = this.qPort.slice(this.qHead);
        this.qFrame = this.qFrame.slice(this.qHead);
        this.qHead = 0;
      }
      this.timer.setAt(this.qTime[this.qHead]!);
    }
  }
}

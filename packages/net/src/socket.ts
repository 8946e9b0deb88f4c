/**
 * Frames over loopback UDP, so two Tessera processes can be linked.
 *
 * Node's `dgram` has no Unix datagram sockets, so each endpoint is a UDP socket bound to
 * 127.0.0.1:`port` that sends every frame as one datagram to 127.0.0.1:`peer`. Datagrams
 * keep frame boundaries without any framing of ours, and traffic never leaves loopback.
 *
 * Frames that arrive are queued and handed to the NIC from a scheduler event armed at the
 * current virtual time, never from the socket callback itself. Arrival times depend on the
 * other process, so a run linked to another process is not reproducible bit for bit; the
 * run loop must give Node's event loop a turn now and then for datagrams to arrive.
 */

import * as dgram from 'node:dgram';
import type { Counter, Scheduler, Timer } from '@tessera/core';
import { SimError } from '@tessera/core';
import type { NetClient, NetEnv, NetLink } from './types.js';
import type { PcapWriter } from './pcap.js';

export const LOOPBACK = '127.0.0.1';

export class SocketLink implements NetLink {
  private readonly sock: dgram.Socket;
  private readonly pending: Uint8Array[] = [];
  private readonly timer: Timer;
  private closed = false;
  private readonly scheduler: Scheduler;
  private readonly cSent: Counter;
  private readonly cReceived: Counter;
  /** Resolves once the socket is bound. */
  readonly ready: Promise<void>;

  constructor(
    env: NetEnv,
    readonly port: number,
    readonly peer: number,
    private readonly client: NetClient,
    private readonly tap?: PcapWriter,
  ) {
    const scheduler: Scheduler = env.scheduler;
    this.scheduler = scheduler;
    this.cSent = env.events.counter(`net ${env.name}`, 'socket frames sent');
    this.cReceived = env.events.counter(`net ${env.name}`, 'socket frames received');
    this.timer = scheduler.timer(() => this.deliver(scheduler.now()));
    this.sock = dgram.createSocket('udp4');
    this.ready = new Promise<void>((resolve, reject) => {
      this.sock.once('listening', () => resolve());
      this.sock.once('error', (e) => {
        reject(new SimError(`${env.name}: cannot bind UDP ${LOOPBACK}:${port}: ${e.message}`, 'pick another port, or stop the process that holds it'));
      });
    });
    // An unhandled rejection must not crash the process if nobody awaits `ready`.
    this.ready.catch(() => {});
    this.sock.on('message', (msg: Buffer) => {
      if (this.closed) return;
      this.pending.push(new Uint8Array(msg.buffer.slice(msg.byteOffset, msg.byteOffset + msg.byteLength)));
      if (!this.timer.armed) this.timer.setAt(scheduler.now());
    });
    this.sock.bind(port, LOOPBACK);
  }

  send(frame: Uint8Array): void {
    if (this.closed) return;
    this.cSent.value++;
    this.tap?.write(this.scheduler.now(), frame);
    this.sock.send(frame, this.peer, LOOPBACK);
  }

  private deliver(now: number): void {
    while (this.pending.length > 0) {
      const f = this.pending.shift()!;
      this.cReceived.value++;
      this.tap?.write(now, f);
      this.client.receive(f);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timer.cancel();
    this.tap?.close();
    try {
      this.sock.close();
    } catch {
      // already closed
    }
  }
}

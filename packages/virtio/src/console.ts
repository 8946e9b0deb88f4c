/**
 * virtio-console (virtio 1.2 §5.3): a single port (receiveq 0, transmitq 1), no multiport,
 * no console size. Output goes to a Tessera console port; input typed into that port is
 * delivered into receive buffers from a scheduler event.
 */

import type { ConsolePort, Timer } from '@tessera/core';
import { Features, readConfigBytes, VirtioDevice, VIRTIO_ID_CONSOLE, type VirtioEnv } from './device.js';

export const VIRTIO_CONSOLE_F_SIZE = 0;
export const VIRTIO_CONSOLE_F_MULTIPORT = 1;
export const VIRTIO_CONSOLE_F_EMERG_WRITE = 2;

/** Input bytes kept while the driver has no receive buffers. */
const INPUT_LIMIT = 64 * 1024;

export class VirtioConsole extends VirtioDevice {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  /** cols, rows, max_nr_ports, emerg_write (§5.3.4); all zero without the features. */
  readonly configSize = 12;
  private readonly config = new Uint8Array(12);
  private input: number[] = [];
  private readonly inputTimer: Timer;
  private readonly outBuf = new Uint8Array(4096);

  constructor(
    env: VirtioEnv,
    readonly port: ConsolePort,
    queueSize: number,
  ) {
    super(env, [queueSize, queueSize], new Features());
    this.inputTimer = env.scheduler.timer(() => this.deliverInput());
    port.onInput((b) => {
      if (this.input.length >= INPUT_LIMIT) return;
      this.input.push(b);
      if (!this.inputTimer.armed) this.inputTimer.setAt(env.scheduler.now());
    });
  }

  configRead(offset: number, size: 1 | 2 | 4): number {
    return readConfigBytes(this.config, offset, size);
  }

  protected override resetDevice(): void {
    this.inputTimer.cancel();
  }

  protected processQueue(q: number): void {
    if (q === 0) this.deliverInput();
    else if (q === 1) this.output();
  }

  private output(): void {
    const vq = this.queues[1]!;
    let done = 0;
    for (;;) {
      const c = vq.pop();
      if (c === undefined) break;
      if (c.writableBytes > 0) {
        this.needsReset(`transmit chain at ${c.head} has a device-writable buffer`, 1);
        return;
      }
      for (let off = 0; off < c.readableBytes; ) {
        const n = Math.min(this.outBuf.length, c.readableBytes - off);
        const piece = this.outBuf.subarray(0, n);
        vq.readChain(c, off, piece, n);
        this.port.write(piece.slice());
        off += n;
      }
      vq.push(c.head, 0);
      done++;
    }
    if (vq.error !== undefined) this.queueError(vq);
    else if (done > 0) this.signalUsed(vq);
  }

  private deliverInput(): void {
    if (!this.driverOk || this.input.length === 0) return;
    const vq = this.queues[0]!;
    if (!vq.ready) return;
    let done = 0;
    while (this.input.length > 0) {
      const c = vq.pop();
      if (c === undefined) break;
      if (c.readableBytes > 0) {
        this.needsReset(`receive chain at ${c.head} has a device-readable buffer`, 0);
        return;
      }
      const n = Math.min(c.writableBytes, this.input.length);
      vq.writeChain(c, 0, Uint8Array.from(this.input.slice(0, n)));
      this.input = this.input.slice(n);
      vq.push(c.head, n);
      done++;
    }
    if (vq.error !== undefined) this.queueError(vq);
    else if (done > 0) this.signalUsed(vq);
  }
}

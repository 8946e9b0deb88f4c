/**
 * The transport-independent half of a virtio device (virtio 1.2 §2, §3).
 *
 * A {@link VirtioDevice} holds what every transport shares: the device ID, the offered and
 * negotiated feature bits, the device status with its FEATURES_OK and DEVICE_NEEDS_RESET
 * rules, the configuration generation, and the virtqueues. A transport (virtio-mmio now,
 * virtio-pci later) only maps registers onto these and turns {@link VirtioInterruptSink}
 * calls into its own interrupt mechanism (an interrupt line with InterruptStatus, or MSI-X).
 *
 * Device work happens synchronously: a queue notification processes the queue at once,
 * inside the guest's store to the notify register, so a run is deterministic without a
 * timer per request. Input from outside (frames, console bytes) arrives in scheduler events.
 */

import type { AddressSpace, Counter, EventBus, Scheduler } from '@tessera/core';
import { SplitVirtqueue } from './queue/split.js';
import { PackedVirtqueue } from './queue/packed.js';
import type { Virtqueue } from './queue/virtqueue.js';

/** Device status bits (§2.1). */
export const VIRTIO_STATUS_ACKNOWLEDGE = 1;
export const VIRTIO_STATUS_DRIVER = 2;
export const VIRTIO_STATUS_DRIVER_OK = 4;
export const VIRTIO_STATUS_FEATURES_OK = 8;
export const VIRTIO_STATUS_DEVICE_NEEDS_RESET = 64;
export const VIRTIO_STATUS_FAILED = 128;

/** Reserved feature bits (§6). */
export const VIRTIO_F_INDIRECT_DESC = 28;
export const VIRTIO_F_EVENT_IDX = 29;
export const VIRTIO_F_VERSION_1 = 32;
export const VIRTIO_F_ACCESS_PLATFORM = 33;
export const VIRTIO_F_RING_PACKED = 34;

/** Device IDs (§5). */
export const VIRTIO_ID_NET = 1;
export const VIRTIO_ID_BLOCK = 2;
export const VIRTIO_ID_CONSOLE = 3;

/** A 64-bit feature set as two 32-bit words (no BigInt on the register paths). */
export class Features {
  readonly words = new Uint32Array(2);

  static of(...bits: number[]): Features {
    const f = new Features();
    for (const b of bits) f.set(b);
    return f;
  }

  has(bit: number): boolean {
    return ((this.words[bit >>> 5]! >>> (bit & 31)) & 1) === 1;
  }

  set(bit: number, on = true): void {
    const w = bit >>> 5;
    if (on) this.words[w] = this.words[w]! | (1 << (bit & 31));
    else this.words[w] = this.words[w]! & ~(1 << (bit & 31));
  }

  /** Word `sel` (DeviceFeaturesSel / DriverFeaturesSel); words past 1 are zero. */
  word(sel: number): number {
    return sel < 2 ? this.words[sel]! : 0;
  }

  setWord(sel: number, value: number): void {
    if (sel < 2) this.words[sel] = value >>> 0;
  }

  /** Is every bit of this set also in `other`? */
  subsetOf(other: Features): boolean {
    return (this.words[0]! & ~other.words[0]!) === 0 && (this.words[1]! & ~other.words[1]!) === 0;
  }

  clear(): void {
    this.words.fill(0);
  }
}

/** How a device asks its transport to interrupt the driver. */
export interface VirtioInterruptSink {
  /** Used buffers on queue `queue` (InterruptStatus bit 0 for MMIO). */
  usedBuffer(queue: number): void;
  /** The configuration changed, or the device needs a reset (InterruptStatus bit 1). */
  configChange(): void;
  /** The device was reset: clear pending interrupts. */
  deviceReset(): void;
}

/** What a device needs from the simulation. */
export interface VirtioEnv {
  /** Component name: the source of events. */
  readonly name: string;
  /** Machine name, when the device belongs to a machine (several machines share one event bus). */
  readonly machine?: string;
  readonly scheduler: Scheduler;
  readonly events: EventBus;
  /** The DMA view of guest memory given by the transport. */
  readonly dma: AddressSpace;
}

export abstract class VirtioDevice {
  abstract readonly deviceId: number;
  /** Feature bits the device offers (transport-independent ones are added by the base). */
  readonly deviceFeatures: Features;
  /** Feature bits the driver accepted. */
  readonly driverFeatures = new Features();
  status = 0;
  configGeneration = 0;
  /** The queues, split or packed (chosen when the driver's features are accepted). */
  readonly queues: Virtqueue[];
  /** Set by a legacy (pre-1.0) transport: no FEATURES_OK, no VERSION_1, legacy layouts. */
  legacy = false;
  sink: VirtioInterruptSink = { usedBuffer() {}, configChange() {}, deviceReset() {} };
  /** The cause that set DEVICE_NEEDS_RESET, until reset. */
  needsResetCause: string | undefined;
  /** VIRTIO_F_RING_PACKED is in use. */
  private packed: boolean;
  protected readonly counters: { errors: Counter; notifies: Counter; interrupts: Counter };

  constructor(
    readonly env: VirtioEnv,
    queueSizes: readonly number[],
    features: Features,
  ) {
    this.deviceFeatures = features;
    features.set(VIRTIO_F_VERSION_1);
    features.set(VIRTIO_F_INDIRECT_DESC);
    features.set(VIRTIO_F_EVENT_IDX);
    this.queues = queueSizes.map((n, i) => new SplitVirtqueue(i, n, env.dma));
    this.packed = false;
    const g = virtioCounterGroup(env);
    this.counters = {
      errors: env.events.counter(g, 'errors'),
      notifies: env.events.counter(g, 'queue notifications'),
      interrupts: env.events.counter(g, 'used-buffer interrupts'),
    };
  }

  /** Bytes of device-specific configuration space. */
  abstract readonly configSize: number;
  /** Read the configuration space (little-endian fields, §2.5). */
  abstract configRead(offset: number, size: 1 | 2 | 4): number;
  /** Most configuration fields are read-only; writes to them are ignored. */
  configWrite(_offset: number, _size: 1 | 2 | 4, _value: number): void {}
  /** Process the buffers the driver made available on queue `q`. */
  protected abstract processQueue(q: number): void;
  /** Device-specific reset (drop in-flight state). */
  protected resetDevice(): void {}
  /** Device-specific feature checks at FEATURES_OK; a string rejects the features. */
  protected checkFeatures(): string | undefined {
    return undefined;
  }

  /** Offered feature set as seen through the transport (legacy: low word, no VERSION_1). */
  offered(sel: number): number {
    if (this.legacy) return sel === 0 ? this.deviceFeatures.word(0) : 0;
    return this.deviceFeatures.word(sel);
  }

  /** Negotiated feature bit. */
  has(bit: number): boolean {
    return this.driverFeatures.has(bit);
  }

  get driverOk(): boolean {
    return (this.status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_DEVICE_NEEDS_RESET)) === VIRTIO_STATUS_DRIVER_OK;
  }

  /** The driver writes the device status (§2.1, §3.1.1). Writing 0 resets the device. */
  writeStatus(value: number): void {
    value &= 0xff;
    if (value === 0) {
      this.reset();
      return;
    }
    const before = this.status;
    let v = (value & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET) | (before & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    if (!this.legacy && (v & VIRTIO_STATUS_FEATURES_OK) !== 0 && (before & VIRTIO_STATUS_FEATURES_OK) === 0) {
      // §3.1.1 step 5-6: the device leaves FEATURES_OK clear if it cannot accept the subset.
      const problem = this.featureProblem();
      if (problem !== undefined) {
        v &= ~VIRTIO_STATUS_FEATURES_OK;
        this.env.events.emit('virtio.features', this.env.name, { rejected: problem });
      }
    }
    if (!this.legacy && (v & VIRTIO_STATUS_DRIVER_OK) !== 0 && (v & VIRTIO_STATUS_FEATURES_OK) === 0) {
      // DRIVER_OK without accepted features: the driver skipped negotiation (§3.1.1).
      this.status = v;
      this.needsReset('DRIVER_OK set before FEATURES_OK was accepted');
      return;
    }
    this.status = v;
    if ((v & VIRTIO_STATUS_FEATURES_OK) !== 0 && (before & VIRTIO_STATUS_FEATURES_OK) === 0) this.selectRingFormat(this.has(VIRTIO_F_RING_PACKED));
    if ((v & VIRTIO_STATUS_DRIVER_OK) !== 0 && (before & VIRTIO_STATUS_DRIVER_OK) === 0) this.activate();
  }

  private featureProblem(): string | undefined {
    if (!this.driverFeatures.subsetOf(this.deviceFeatures)) return 'the driver accepted feature bits the device did not offer';
    if (!this.driverFeatures.has(VIRTIO_F_VERSION_1)) return 'VIRTIO_F_VERSION_1 is required by a non-legacy transport';
    return this.checkFeatures();
  }

  /** Split (§2.7) or packed (§2.8) queues, fixed once features are accepted (§3.1.1 step 7 comes after). */
  private selectRingFormat(packed: boolean): void {
    if (packed === this.packed) return;
    this.packed = packed;
    for (let i = 0; i < this.queues.length; i++) {
      const q = this.queues[i]!;
      this.queues[i] = packed ? new PackedVirtqueue(i, q.maxSize, this.env.dma) : new SplitVirtqueue(i, q.maxSize, this.env.dma);
    }
  }

  /** The driver wrote a feature word; ignored once FEATURES_OK is set (§3.1.1). */
  writeDriverFeatures(sel: number, value: number): void {
    if ((this.status & VIRTIO_STATUS_FEATURES_OK) !== 0) return;
    if (this.legacy && sel !== 0) return;
    this.driverFeatures.setWord(sel, value);
  }

  private activate(): void {
    for (const q of this.queues) {
      q.indirect = this.has(VIRTIO_F_INDIRECT_DESC);
      q.eventIdx = this.has(VIRTIO_F_EVENT_IDX);
    }
    this.onDriverOk();
    // Buffers made available before DRIVER_OK are picked up now.
    for (let i = 0; i < this.queues.length; i++) if (this.queues[i]!.ready) this.queueNotify(i);
  }

  /** Hook: the driver is ready. */
  protected onDriverOk(): void {}

  /** Device reset (§2.4): everything back to its initial state. */
  reset(): void {
    this.status = 0;
    this.driverFeatures.clear();
    this.needsResetCause = undefined;
    this.selectRingFormat(false);
    for (const q of this.queues) q.reset();
    this.resetDevice();
    this.sink.deviceReset();
  }

  /** The driver notified queue `q` (QueueNotify). Spurious notifications are ignored. */
  queueNotify(q: number): void {
    this.counters.notifies.value++;
    if (!this.driverOk) return;
    const vq = this.queues[q];
    if (vq === undefined || !vq.ready) return;
    if (!vq.usable()) {
      this.queueError(vq);
      return;
    }
    this.processQueue(q);
  }

  /** A queue reported a malformed ring: the device needs a reset. */
  protected queueError(vq: Virtqueue): void {
    this.needsReset(vq.error ?? 'queue error', vq.index);
  }

  /**
   * The device cannot continue (§2.1.2): set DEVICE_NEEDS_RESET, tell the driver with a
   * configuration-change interrupt, and report the cause as a `virtio.error` event.
   */
  needsReset(cause: string, queue?: number): void {
    this.counters.errors.value++;
    if (this.env.events.wants('virtio.error')) this.env.events.emit('virtio.error', this.env.name, { cause, ...(queue !== undefined ? { queue } : {}), ...(this.env.machine !== undefined ? { machine: this.env.machine } : {}) });
    if ((this.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) !== 0) return;
    this.needsResetCause = cause;
    this.status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    if ((this.status & VIRTIO_STATUS_DRIVER_OK) !== 0) this.sink.configChange();
  }

  /** Interrupt the driver for queue `q` if its suppression rules allow (§2.7.7, §2.7.10). */
  protected signalUsed(q: Virtqueue): void {
    if (q.needsInterrupt()) {
      this.counters.interrupts.value++;
      this.sink.usedBuffer(q.index);
    }
  }

  /** The device changed its configuration space: new generation and an interrupt (§2.5.1). */
  protected configChanged(): void {
    this.configGeneration = (this.configGeneration + 1) >>> 0;
    if (this.driverOk) this.sink.configChange();
  }
}

/** Little-endian read of `size` bytes at `offset` from a config-space byte array (0 past its end). */
export function readConfigBytes(bytes: Uint8Array, offset: number, size: 1 | 2 | 4): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + (bytes[offset + i] ?? 0);
  return v >>> 0;
}

/** Counter group of a device: `virtio <machine>/<name>`. */
export function virtioCounterGroup(env: VirtioEnv): string {
  return `virtio ${env.machine !== undefined ? env.machine + '/' : ''}${env.name}`;
}

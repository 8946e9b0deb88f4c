/**
 * The contract between a NIC model and a network backend.
 *
 * A NIC opens a backend with {@link NetClient} (what the backend calls to hand it a frame)
 * and gets a {@link NetLink} back (what the NIC calls to send). Frames are whole Ethernet
 * frames (destination MAC first, no FCS).
 *
 * Determinism: a backend calls `client.receive()` only from inside a scheduler event (a
 * Timer callback), never directly from a socket or file callback, so guest memory is only
 * written while the simulation owns the clock.
 */

import type { EventBus, Scheduler } from '@tessera/core';

export interface NetClient {
  /** A frame for this NIC. The array must not be modified (it may be shared by several receivers). */
  receive(frame: Uint8Array): void;
}

export interface NetLink {
  /** Send one frame. The backend copies it if it keeps it beyond the call. */
  send(frame: Uint8Array): void;
  /** Detach from the backend (close files and sockets). */
  close(): void;
  /**
   * Settles when the backend is usable (a socket bound); rejects with a SimError saying what
   * went wrong (a port in use). Absent when the backend is ready at once.
   */
  readonly ready?: Promise<void>;
}

/** What a backend needs from the simulation. */
export interface NetEnv {
  /** The NIC's component name (switch port names, logs, events). */
  readonly name: string;
  readonly scheduler: Scheduler;
  readonly events: EventBus;
  /** Resolve a path written in the machine file. */
  resolvePath(p: string): string;
}

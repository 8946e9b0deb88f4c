/**
 * Choosing a backend from a machine file.
 *
 * ```yaml
 * network: { backend: switch, switch: lan0 }                 # join switch lan0 of this simulation
 * network: { backend: switch, switch: lan0, latency: 5000, pcap: lan0-a.pcap }   # 5 µs, tap this port
 * network: { backend: pcap, file: out.pcap }                 # capture only (nothing is received)
 * network: { backend: socket, port: 40001, peer: 40002 }     # loopback UDP to another process
 * network: { backend: none }                                 # cable unplugged
 * ```
 */

import { file, link, SimError, type JsonSchema } from '@tessera/core';
import { PcapWriter } from './pcap.js';
import { SocketLink } from './socket.js';
import { NetworkSwitch } from './switch.js';
import type { NetClient, NetEnv, NetLink } from './types.js';

export type NetBackendOptions =
  | { backend: 'switch'; switch: string; latency?: number; pcap?: string }
  | { backend: 'pcap'; file: string }
  | { backend: 'socket'; port: number; peer: number; pcap?: string }
  | { backend: 'none' };

const port = { type: 'integer', minimum: 1, maximum: 65535 };

/** JSON Schema of a NIC's `network:` option. */
export function netBackendSchema(description = 'where frames go: a switch of this simulation, a pcap file, a loopback socket, or none'): JsonSchema {
  return {
    description,
    oneOf: [
      {
        type: 'object',
        required: ['backend', 'switch'],
        additionalProperties: false,
        properties: {
          backend: { const: 'switch' },
          // A link name: in a multi-machine file with `links:`, it must name a declared switch.
          switch: link('switch', 'switch name, shared by every NIC of the simulation that joins it'),
          latency: { type: 'integer', minimum: 0, description: 'delivery latency in ns of virtual time (default 1000)' },
          pcap: file('capture this port to a pcap file'),
        },
      },
      {
        type: 'object',
        required: ['backend', 'file'],
        additionalProperties: false,
        properties: { backend: { const: 'pcap' }, file: file('pcap file to write') },
      },
      {
        type: 'object',
        required: ['backend', 'port', 'peer'],
        additionalProperties: false,
        properties: {
          backend: { const: 'socket' },
          port: { ...port, description: 'local UDP port on 127.0.0.1' },
          peer: { ...port, description: 'UDP port on 127.0.0.1 of the other endpoint' },
          pcap: file('capture this link to a pcap file'),
        },
      },
      { type: 'object', required: ['backend'], additionalProperties: false, properties: { backend: { const: 'none' } } },
    ],
  };
}

/** A link that goes nowhere (or only into a capture file). */
class SinkLink implements NetLink {
  constructor(
    private readonly env: NetEnv,
    private readonly tap: PcapWriter | undefined,
  ) {}
  send(frame: Uint8Array): void {
    this.tap?.write(this.env.scheduler.now(), frame);
  }
  close(): void {
    this.tap?.close();
  }
}

/** Open the backend `o` for a NIC. Throws a SimError for configuration problems. */
export function openNetBackend(env: NetEnv, o: NetBackendOptions, client: NetClient): NetLink {
  switch (o.backend) {
    case 'switch': {
      const sw = NetworkSwitch.get(env.scheduler, env.events, o.switch, o.latency);
      const tap = o.pcap !== undefined ? new PcapWriter(env.resolvePath(o.pcap)) : undefined;
      return sw.attach(env.name, client, tap);
    }
    case 'pcap':
      return new SinkLink(env, new PcapWriter(env.resolvePath(o.file)));
    case 'socket': {
      const tap = o.pcap !== undefined ? new PcapWriter(env.resolvePath(o.pcap)) : undefined;
      return new SocketLink(env, o.port, o.peer, client, tap);
    }
    case 'none':
      return new SinkLink(env, undefined);
    default:
      throw new SimError(`${env.name}: unknown network backend '${(o as { backend?: unknown }).backend}'`, 'use switch, pcap, socket or none');
  }
}

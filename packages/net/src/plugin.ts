/**
 * The plugin face of @tessera/net: link types for multi-machine files.
 *
 * ```yaml
 * plugins: ["@tessera/net"]
 * links:
 *   lan0: { type: switch, latency: 1000, pcap: lan0.pcap }
 * machines:
 *   a: { include: [./riscv-virt-net.yaml], components: { net0: { network: { backend: switch, switch: lan0 } } } }
 * ```
 *
 * A `switch` link is the same switch a NIC joins with `network: { backend: switch, switch:
 * NAME }`; declaring it sets its latency and a capture of every frame that enters it from any
 * port, and lets the loader check that every NIC names a declared switch.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineLink, definePlugin, file, SimError } from '@tessera/core';
import { PcapWriter } from './pcap.js';
import { NetworkSwitch } from './switch.js';

interface SwitchLinkOptions {
  latency?: number;
  pcap?: string;
}

export const switchLink = defineLink<SwitchLinkOptions>({
  description: 'an L2 learning switch; NICs join it with network: { backend: switch, switch: NAME }',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      latency: { type: 'integer', minimum: 0, description: 'delivery latency in ns of virtual time (default 1000)' },
      pcap: file('capture every frame entering the switch, from any port, to this pcap file (its folder is made if missing)'),
    },
  },
  create(ctx, o) {
    let pcap: PcapWriter | undefined;
    if (o.pcap !== undefined) {
      const file = ctx.resolvePath(o.pcap);
      // A capture is an output of the run: its folder (e.g. out/) is made when missing.
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
      } catch (e) {
        throw new SimError(`link '${ctx.name}': cannot create the folder of '${file}': ${(e as Error).message}`);
      }
      pcap = new PcapWriter(file);
    }
    const sw = NetworkSwitch.define(ctx.scheduler, ctx.events, ctx.name, { ...(o.latency !== undefined ? { latency: o.latency } : {}), ...(pcap !== undefined ? { pcap } : {}) });
    return { api: sw, dispose: () => sw.closeCapture() };
  },
});

export default definePlugin({
  name: '@tessera/net',
  version: '0.1.0',
  description: 'network links: an in-simulation L2 switch with pcap capture',
  components: {},
  links: { switch: switchLink },
});

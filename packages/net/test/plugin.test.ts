/** The `switch` link type (multi-machine files' `links:`) and the `link()` annotation of NIC options. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus, Scheduler, type Link, type LinkContext } from '@tessera/core';
import netPlugin, { netBackendSchema, NetworkSwitch, parsePcap } from '../src/index.js';

describe('@tessera/net as a plugin', () => {
  it('declares the switch link type; creating it sets the latency and a switch-wide capture', () => {
    expect(Object.keys(netPlugin.links ?? {})).toEqual(['switch']);
    expect(netPlugin.components).toEqual({});
    const scheduler = new Scheduler();
    const events = new EventBus(() => scheduler.now());
    // The capture's folder does not exist yet: the link makes it.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-net-link-')), 'captures', 'lan0.pcap');
    const ctx: LinkContext = { name: 'lan0', scheduler, events, resolvePath: (p) => p, log: () => {} };
    const link = netPlugin.links!.switch!.create(ctx, { latency: 5000, pcap: file }) as Link;
    const sw = NetworkSwitch.get(scheduler, events, 'lan0');
    expect(link.api).toBe(sw);
    expect(sw.latency).toBe(5000);
    const got: Uint8Array[] = [];
    const a = sw.attach('a', { receive: () => {} });
    sw.attach('b', { receive: (f) => got.push(f) });
    a.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0, 0, 0, 1, 0x88, 0xb5, 1, 2]));
    scheduler.run(10_000);
    expect(got.length).toBe(1);
    link.dispose!();
    const records = parsePcap(new Uint8Array(fs.readFileSync(file))).records;
    expect(records.length).toBe(1);
    expect(records[0]!.data[15]).toBe(2);
  });

  it('a NIC\'s switch name is a link reference for the machine loader', () => {
    const schema = netBackendSchema() as { oneOf: Array<{ properties: Record<string, Record<string, unknown>> }> };
    expect(schema.oneOf[0]!.properties.switch).toMatchObject({ 'x-tessera': 'link', 'x-tessera-link': 'switch' });
  });
});

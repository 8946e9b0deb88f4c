import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus, Scheduler } from '@tessera/core';
import { NetworkSwitch, openNetBackend, parsePcap, PcapWriter, SocketLink, LINKTYPE_ETHERNET, type NetEnv } from '../src/index.js';

function env(name: string, scheduler: Scheduler, events = new EventBus(() => scheduler.now())): NetEnv {
  return { name, scheduler, events, resolvePath: (p) => path.resolve(p) };
}

function mac(n: number): number[] {
  return [0x52, 0x54, 0, 0, 0, n];
}

function frame(dst: number[], src: number[], payload = 'hi'): Uint8Array {
  const p = new TextEncoder().encode(payload);
  const f = new Uint8Array(14 + p.length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = 0x88;
  f[13] = 0xb5; // IEEE 802 local experimental EtherType
  f.set(p, 14);
  return f;
}

const BCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

function tmp(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-net-')), name);
}

describe('switch backend', () => {
  it('floods unknown and broadcast destinations, then forwards learned unicast only', () => {
    const s = new Scheduler();
    const ev = new EventBus(() => s.now());
    const got: Array<Array<{ t: number; f: Uint8Array }>> = [[], [], []];
    const links = [0, 1, 2].map((i) => openNetBackend(env(`nic${i}`, s, ev), { backend: 'switch', switch: 'lan0', latency: 500 }, { receive: (f) => got[i]!.push({ t: s.now(), f }) }));
    // nic0 broadcasts: everyone but nic0 sees it after the latency.
    links[0]!.send(frame(BCAST, mac(0)));
    s.advance(499);
    expect(got.map((g) => g.length)).toEqual([0, 0, 0]);
    s.advance(500);
    expect(got.map((g) => g.length)).toEqual([0, 1, 1]);
    expect(got[1]![0]!.t).toBe(500);
    // nic1 answers to nic0 (learned): only nic0 receives.
    links[1]!.send(frame(mac(0), mac(1)));
    s.advance(2000);
    expect(got.map((g) => g.length)).toEqual([1, 1, 1]);
    // nic0 to nic2, not yet learned: flooded to nic1 and nic2.
    links[0]!.send(frame(mac(2), mac(0)));
    s.advance(3000);
    expect(got.map((g) => g.length)).toEqual([1, 2, 2]);
    // nic2 speaks, is learned; nic0 to nic2 goes to nic2 only.
    links[2]!.send(frame(mac(0), mac(2)));
    links[0]!.send(frame(mac(2), mac(0), 'again'));
    s.advance(4000);
    expect(got.map((g) => g.length)).toEqual([2, 2, 3]);
    expect(new TextDecoder().decode(got[2]![2]!.f.subarray(14))).toBe('again');
    const sw = NetworkSwitch.get(s, ev, 'lan0');
    expect(sw.lookup('52:54:00:00:00:02')).toBe('nic2');
    expect(sw.portCount).toBe(3);
  });

  it('keeps send order and copies the frame (the sender may reuse its buffer)', () => {
    const s = new Scheduler();
    const got: string[] = [];
    const a = openNetBackend(env('a', s), { backend: 'switch', switch: 'x' }, { receive: () => {} });
    openNetBackend(env('b', s), { backend: 'switch', switch: 'x' }, { receive: (f) => got.push(String.fromCharCode(f[14]!)) });
    const buf = frame(BCAST, mac(9), 'A');
    a.send(buf);
    buf[14] = 0x42;
    a.send(buf);
    s.advance(10_000);
    expect(got).toEqual(['A', 'B']);
  });

  it('drops runt frames and refuses conflicting latencies', () => {
    const s = new Scheduler();
    const ev = new EventBus(() => s.now());
    const got: Uint8Array[] = [];
    const a = openNetBackend(env('a', s, ev), { backend: 'switch', switch: 'y', latency: 10 }, { receive: () => {} });
    openNetBackend(env('b', s, ev), { backend: 'switch', switch: 'y' }, { receive: (f) => got.push(f) });
    a.send(new Uint8Array(13));
    s.advance(100);
    expect(got.length).toBe(0);
    expect(ev.counter('switch y', 'dropped (runt)').value).toBe(1);
    expect(() => openNetBackend(env('c', s, ev), { backend: 'switch', switch: 'y', latency: 20 }, { receive: () => {} })).toThrow(/latency/);
    // A switch created with the default takes the latency a later link gives.
    openNetBackend(env('d', s, ev), { backend: 'switch', switch: 'z' }, { receive: () => {} });
    openNetBackend(env('e', s, ev), { backend: 'switch', switch: 'z', latency: 70 }, { receive: () => {} });
    expect(NetworkSwitch.get(s, ev, 'z').latency).toBe(70);
  });

  it('switches of different simulations are separate', () => {
    const s1 = new Scheduler();
    const s2 = new Scheduler();
    const got: Uint8Array[] = [];
    const a = openNetBackend(env('a', s1), { backend: 'switch', switch: 'lan' }, { receive: () => {} });
    openNetBackend(env('b', s2), { backend: 'switch', switch: 'lan' }, { receive: (f) => got.push(f) });
    a.send(frame(BCAST, mac(1)));
    s1.advance(1e6);
    s2.advance(1e6);
    expect(got.length).toBe(0);
  });
});

describe('pcap backend', () => {
  it('writes a classic pcap with virtual-time stamps that parses back', () => {
    const s = new Scheduler();
    const file = tmp('out.pcap');
    const link = openNetBackend(env('n', s), { backend: 'pcap', file }, { receive: () => {} });
    const f1 = frame(BCAST, mac(1), 'first');
    s.advance(1_500_000); // 1.5 ms
    link.send(f1);
    s.advance(2_000_003_000); // 2 s + 3 µs
    link.send(frame(mac(1), mac(2), 'second frame'));
    link.close();
    const bytes = new Uint8Array(fs.readFileSync(file));
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    expect(v.getUint32(0, true)).toBe(0xa1b2c3d4);
    expect(v.getUint16(4, true)).toBe(2);
    expect(v.getUint16(6, true)).toBe(4);
    const p = parsePcap(bytes);
    expect(p.linktype).toBe(LINKTYPE_ETHERNET);
    expect(p.records.length).toBe(2);
    expect(p.records[0]!.us).toBe(1500);
    expect(p.records[0]!.data).toEqual(f1);
    expect(p.records[1]!.us).toBe(2_000_003);
    expect(p.records[1]!.origLen).toBe(14 + 12);
  });

  it('taps a switch port (frames in both directions) and tshark reads the file', () => {
    const s = new Scheduler();
    const file = tmp('tap.pcap');
    const a = openNetBackend(env('a', s), { backend: 'switch', switch: 't', pcap: file }, { receive: () => {} });
    const b = openNetBackend(env('b', s), { backend: 'switch', switch: 't' }, { receive: () => {} });
    a.send(frame(BCAST, mac(1), 'out'));
    s.advance(5000);
    b.send(frame(mac(1), mac(2), 'in'));
    s.advance(10000);
    a.close();
    const p = parsePcap(new Uint8Array(fs.readFileSync(file)));
    expect(p.records.map((r) => new TextDecoder().decode(r.data.subarray(14)))).toEqual(['out', 'in']);
    expect(p.records[1]!.us).toBe(6); // sent at 5 µs, delivered 1 µs later
    let tshark = true;
    try {
      execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    } catch {
      tshark = false;
    }
    if (!tshark) return;
    const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'eth.src', '-e', 'eth.dst'], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual(['52:54:00:00:00:01\tff:ff:ff:ff:ff:ff', '52:54:00:00:00:02\t52:54:00:00:00:01']);
  });
});

describe('switch-wide capture', () => {
  it('records every frame entering the switch from any port, once', () => {
    const s = new Scheduler();
    const ev = new EventBus(() => s.now());
    const file = tmp('lan.pcap');
    NetworkSwitch.define(s, ev, 'lan', { latency: 100, pcap: new PcapWriter(file) });
    const a = openNetBackend(env('a', s, ev), { backend: 'switch', switch: 'lan' }, { receive: () => {} });
    const b = openNetBackend(env('b', s, ev), { backend: 'switch', switch: 'lan' }, { receive: () => {} });
    openNetBackend(env('c', s, ev), { backend: 'switch', switch: 'lan' }, { receive: () => {} });
    a.send(frame(BCAST, mac(1), 'who'));
    s.advance(1000);
    b.send(frame(mac(1), mac(2), 'me'));
    s.advance(2000);
    const sw = NetworkSwitch.get(s, ev, 'lan');
    expect(sw.latency).toBe(100);
    sw.closeCapture();
    const p = parsePcap(new Uint8Array(fs.readFileSync(file)));
    expect(p.records.map((r) => new TextDecoder().decode(r.data.subarray(14)))).toEqual(['who', 'me']);
    expect(p.records.map((r) => r.us)).toEqual([0, 1]);
  });
});

describe('socket backend', () => {
  it('links two endpoints over loopback UDP, delivering from a scheduler event', async () => {
    const s = new Scheduler();
    const gotA: Uint8Array[] = [];
    const gotB: Uint8Array[] = [];
    const base = 20000 + (process.pid % 20000);
    const a = openNetBackend(env('a', s), { backend: 'socket', port: base, peer: base + 1 }, { receive: (f) => gotA.push(f) }) as SocketLink;
    const b = openNetBackend(env('b', s), { backend: 'socket', port: base + 1, peer: base }, { receive: (f) => gotB.push(f) }) as SocketLink;
    try {
      await Promise.all([a.ready, b.ready]);
      const f = frame(mac(2), mac(1), 'over udp');
      a.send(f);
      b.send(frame(mac(1), mac(2), 'back'));
      const deadline = Date.now() + 5000;
      while (gotA.length + gotB.length < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
        // Nothing reaches the NIC until the scheduler runs its events.
        if (s.nextEventTime() !== Infinity) s.advance(s.now());
      }
      expect(gotB.length).toBe(1);
      expect(gotB[0]).toEqual(f);
      expect(new TextDecoder().decode(gotA[0]!.subarray(14))).toBe('back');
    } finally {
      a.close();
      b.close();
    }
  });

  it('reports a port that is already in use', async () => {
    const s = new Scheduler();
    const base = 41000 + (process.pid % 10000);
    const a = new SocketLink(env('a', s), base, base + 1, { receive: () => {} });
    await a.ready;
    const b = new SocketLink(env('b', s), base, base + 1, { receive: () => {} });
    await expect(b.ready).rejects.toThrow(/cannot bind UDP 127\.0\.0\.1/);
    a.close();
    b.close();
  });
});

describe('pcap writer', () => {
  it('refuses an unwritable path with a clear message', () => {
    expect(() => new PcapWriter('/nonexistent-dir/x.pcap')).toThrow(/cannot create pcap file/);
  });
});

/**
 * Classic libpcap capture files (the format tcpdump and tshark read).
 *
 * Global header (24 bytes, little-endian): magic 0xa1b2c3d4 (microsecond timestamps),
 * version 2.4, thiszone 0, sigfigs 0, snaplen, network = 1 (LINKTYPE_ETHERNET). Each record
 * is a 16-byte header (ts_sec, ts_usec, incl_len, orig_len) followed by the frame.
 * Timestamps are virtual time, so two runs of the same simulation give identical files.
 */

import * as fs from 'node:fs';
import { SimError } from '@tessera/core';

export const PCAP_MAGIC_USEC = 0xa1b2c3d4;
export const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 262144;

export class PcapWriter {
  private fd: number | undefined;
  private readonly hdr = new Uint8Array(16);
  private readonly hdrView = new DataView(this.hdr.buffer);
  /** Frames written so far. */
  frames = 0;

  constructor(readonly path: string) {
    try {
      this.fd = fs.openSync(path, 'w');
    } catch (e) {
      throw new SimError(`cannot create pcap file '${path}': ${(e as Error).message}`, 'check that the folder exists and is writable');
    }
    const g = new Uint8Array(24);
    const v = new DataView(g.buffer);
    v.setUint32(0, PCAP_MAGIC_USEC, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setInt32(8, 0, true);
    v.setUint32(12, 0, true);
    v.setUint32(16, SNAPLEN, true);
    v.setUint32(20, LINKTYPE_ETHERNET, true);
    fs.writeSync(this.fd, g);
  }

  /** Append one frame captured at virtual time `ns`. */
  write(ns: number, frame: Uint8Array): void {
    if (this.fd === undefined) return;
    const us = Math.floor(ns / 1000);
    const sec = Math.floor(us / 1e6);
    const incl = Math.min(frame.length, SNAPLEN);
    const v = this.hdrView;
    v.setUint32(0, sec >>> 0, true);
    v.setUint32(4, us - sec * 1e6, true);
    v.setUint32(8, incl, true);
    v.setUint32(12, frame.length, true);
    fs.writeSync(this.fd, this.hdr);
    fs.writeSync(this.fd, frame, 0, incl);
    this.frames++;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface PcapRecord {
  /** Timestamp in microseconds. */
  readonly us: number;
  readonly origLen: number;
  readonly data: Uint8Array;
}

/** Parse a classic pcap file (microsecond, little-endian, as {@link PcapWriter} writes). */
export function parsePcap(bytes: Uint8Array): { linktype: number; snaplen: number; records: PcapRecord[] } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24 || v.getUint32(0, true) !== PCAP_MAGIC_USEC) throw new SimError('not a little-endian microsecond pcap file');
  const snaplen = v.getUint32(16, true);
  const linktype = v.getUint32(20, true);
  const records: PcapRecord[] = [];
  let o = 24;
  while (o + 16 <= bytes.length) {
    const sec = v.getUint32(o, true);
    const usec = v.getUint32(o + 4, true);
    const incl = v.getUint32(o + 8, true);
    const orig = v.getUint32(o + 12, true);
    if (o + 16 + incl > bytes.length) throw new SimError(`truncated pcap record at offset ${o}`);
    records.push({ us: sec * 1e6 + usec, origLen: orig, data: bytes.slice(o + 16, o + 16 + incl) });
    o += 16 + incl;
  }
  return { linktype, snaplen, records };
}

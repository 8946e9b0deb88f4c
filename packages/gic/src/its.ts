/**
 * The GICv3 Interrupt Translation Service (ARM IHI 0069H chapter 5.3, registers §12.19,
 * commands §5.3.x): translates an MSI — a write of an EventID to GITS_TRANSLATER by a
 * device with a DeviceID — into a physical LPI at a redistributor, through tables that
 * software places in guest memory.
 *
 * DeviceID of an MSI: the writer's {@link MmioAccess.masterId}. A PCI host bridge model
 * sets it to the requester ID (bus << 8 | device << 3 | function) on the address space
 * its devices write through; a write with masterId -1 (no requester) is ignored with a
 * `gic.error`.
 *
 * Memory formats (implementation defined, IHI 0069H §5.2):
 *  - Device table (GITS_BASER0, Type 1 = Devices, flat, 8-byte entries indexed by DeviceID):
 *    V [63], EventID bits - 1 [62:58], ITT address [51:8] (256-byte aligned).
 *  - Collection table (GITS_BASER1, Type 4 = Collections, 8-byte entries indexed by ICID):
 *    V [63], target processor number [15:0] (GITS_TYPER.PTA = 0).
 *  - ITT (per device, 8-byte entries indexed by EventID; GITS_TYPER.ITT_entry_size = 8):
 *    V [63], ICID [47:32], pINTID [31:0].
 * Tables use the page size software programs in GITS_BASER<n>.Page_Size (4K, 16K or 64K).
 * The device table may be two-level (GITS_BASER0.Indirect = 1, IHI 0069H §5.2.1): level 1
 * holds 8-byte entries V [63], level-2 page address [51:12]; each level-2 page holds
 * page size / 8 device entries. The collection table is flat (its Indirect bit is RAZ/WI).
 *
 * Commands that find bad arguments (an unmapped DeviceID, an EventID beyond the device's
 * size, a pINTID outside the LPI range, a table entry outside RAM) are ignored, recorded
 * in {@link Its.commandErrors} and reported as `gic.error`; the queue keeps going.
 */

import type { AddressSpace, MmioAccess, MmioDevice } from '@tessera/core';
import { LPI_BASE } from './gic-core.js';
import { peripheralId, type GicErrorReporter } from './gicv2.js';
import { GICV3_IIDR, type GicV3 } from './gicv3.js';

export const GITS_CMD = {
  MOVI: 0x01,
  INT: 0x03,
  CLEAR: 0x04,
  SYNC: 0x05,
  MAPD: 0x08,
  MAPC: 0x09,
  MAPTI: 0x0a,
  MAPI: 0x0b,
  INV: 0x0c,
  INVALL: 0x0d,
  MOVALL: 0x0e,
  DISCARD: 0x0f,
} as const;

/** Offset of GITS_TRANSLATER in the ITS frame (the second 64 KiB page). */
export const GITS_TRANSLATER = 0x10040;
/** Size of the ITS register frames (control page + translation page). */
export const GITS_SIZE = 0x20000;

const DEVICE_BITS = 16;
const EVENT_BITS = 16;
const COLLECTIONS = 256;
const ENTRY = 8;

export interface ItsCommandError {
  readonly command: number;
  readonly offset: number;
  readonly message: string;
}

interface Ite {
  readonly addr: number;
  readonly pintid: number;
  readonly icid: number;
}

export class Its {
  enabled = false;
  cbaserLo = 0;
  cbaserHi = 0;
  cwriter = 0;
  creadr = 0;
  readonly baserLo = new Uint32Array(8);
  readonly baserHi = new Uint32Array(8);
  readonly commandErrors: ItsCommandError[] = [];
  /** MSIs translated and delivered (statistics). */
  translated = 0;
  readonly device: MmioDevice;
  onError: GicErrorReporter = () => {};
  private readonly buf = new Uint8Array(32);
  private readonly dv = new DataView(this.buf.buffer);

  constructor(
    private readonly gic: GicV3,
    private readonly mem: AddressSpace,
  ) {
    this.device = {
      read: (o, s) => this.read(o, s),
      write: (o, s, v, a) => this.write(o, s, v, a),
    };
  }

  reset(): void {
    this.enabled = false;
    this.cbaserLo = 0;
    this.cbaserHi = 0;
    this.cwriter = 0;
    this.creadr = 0;
    this.baserLo.fill(0);
    this.baserHi.fill(0);
    // Type and Entry_Size fields are read-only (IHI 0069H §12.19.1).
    this.baserHi[0] = (1 << 24) | ((ENTRY - 1) << 16);
    this.baserHi[1] = (4 << 24) | ((ENTRY - 1) << 16);
    this.commandErrors.length = 0;
    this.translated = 0;
  }

  // ---------------------------------------------------------------- registers

  private read(off: number, size: number): number {
    if (size !== 4) return 0;
    switch (off) {
      case 0x0000:
        // Enabled [0]; Quiescent [31]: commands run synchronously, so always quiescent.
        return ((this.enabled ? 1 : 0) | (1 << 31)) >>> 0;
      case 0x0004:
        return GICV3_IIDR;
      case 0x0008:
        // Physical [0], ITT_entry_size - 1 [7:4], ID_bits - 1 [12:8], Devbits - 1 [17:13] (IHI 0069H §12.19.11).
        return (1 | ((ENTRY - 1) << 4) | ((EVENT_BITS - 1) << 8) | ((DEVICE_BITS - 1) << 13)) >>> 0;
      case 0x000c:
        return 0;
      case 0x0080:
        return this.cbaserLo;
      case 0x0084:
        return this.cbaserHi;
      case 0x0088:
        return this.cwriter;
      case 0x008c:
        return 0;
      case 0x0090:
        return this.creadr;
      case 0x0094:
        return 0;
    }
    if (off >= 0x100 && off < 0x140) {
      const n = (off - 0x100) >> 3;
      return (off & 4) === 0 ? this.baserLo[n]! : this.baserHi[n]!;
    }
    if (off >= 0xffd0 && off < 0x10000) return peripheralId(off - 0xf000, 0x3b);
    return 0;
  }

  private write(off: number, size: number, value: number, a: MmioAccess): void {
    if (off === GITS_TRANSLATER && (size === 4 || size === 2)) {
      this.translate(a.masterId, value);
      return;
    }
    if (size !== 4) {
      this.onError('GITS access of an unsupported size (WI)', { offset: off, size });
      return;
    }
    switch (off) {
      case 0x0000:
        this.enabled = (value & 1) !== 0;
        if (this.enabled) this.process();
        return;
      case 0x0080:
        this.cbaserLo = value >>> 0;
        this.creadr = 0;
        return;
      case 0x0084:
        this.cbaserHi = value >>> 0;
        // Writing GITS_CBASER resets GITS_CREADR to 0 (IHI 0069H §12.19.2).
        this.creadr = 0;
        return;
      case 0x0088:
        this.cwriter = value & 0xfffe0;
        this.process();
        return;
      case 0x008c:
        return;
      case 0x0008:
      case 0x000c:
      case 0x0090:
      case 0x0094:
        this.onError('write to a read-only GITS register ignored', { offset: off, value });
        return;
    }
    if (off >= 0x100 && off < 0x140) {
      const n = (off - 0x100) >> 3;
      if (n >= 2) return; // unimplemented tables: RAZ/WI
      // Page_Size [9:8] (4K, 16K, 64K), Shareability [11:10], Size [7:0], address: all writable.
      if ((off & 4) === 0) this.baserLo[n] = value >>> 0;
      else {
        // Type [58:56] and Entry_Size [52:48] are read-only; Indirect [62] only for devices.
        const ro = this.baserHi[n]! & 0x071f0000;
        const mask = n === 0 ? 0xf8e0ffff : 0xb8e0ffff;
        this.baserHi[n] = ((value & mask) | ro) >>> 0;
      }
      return;
    }
  }

  private queueSize(): number {
    return ((this.cbaserLo & 0xff) + 1) * 4096;
  }

  private queueBase(): number {
    return (this.cbaserHi & 0xfffff) * 2 ** 32 + (this.cbaserLo & 0xfffff000);
  }

  /** Run every command between GITS_CREADR and GITS_CWRITER (IHI 0069H §5.3.1). */
  process(): void {
    if (!this.enabled || (this.cbaserHi & 0x80000000) === 0) return;
    const size = this.queueSize();
    if (this.cwriter >= size) {
      this.error(0, this.cwriter, 'GITS_CWRITER beyond the command queue');
      return;
    }
    let guard = size / 32;
    while (this.creadr !== this.cwriter && guard-- > 0) {
      const addr = this.queueBase() + this.creadr;
      if (!this.mem.readBytes(addr, this.buf, 32)) {
        this.error(0, this.creadr, `command queue entry at 0x${addr.toString(16)} is not in RAM`);
      } else this.execute(this.creadr);
      this.creadr = (this.creadr + 32) % size;
    }
  }

  private dw(i: number): bigint {
    return this.dv.getBigUint64(i * 8, true);
  }

  private error(command: number, offset: number, message: string): void {
    this.commandErrors.push({ command, offset, message });
    if (this.commandErrors.length > 64) this.commandErrors.shift();
    this.onError(`ITS command error: ${message}`, { command, offset });
  }

  private execute(offset: number): void {
    const d0 = this.dw(0);
    const d1 = this.dw(1);
    const d2 = this.dw(2);
    const d3 = this.dw(3);
    const cmd = Number(d0 & 0xffn);
    const deviceId = Number(d0 >> 32n);
    const eventId = Number(d1 & 0xffffffffn);
    const fail = (m: string): void => this.error(cmd, offset, m);
    switch (cmd) {
      case GITS_CMD.MAPD: {
        const sizeBits = Number(d1 & 0x1fn) + 1;
        const itt = Number(d2 & 0x000fffffffffff00n);
        const valid = (d2 >> 63n) !== 0n;
        if (sizeBits > EVENT_BITS) return fail(`MAPD Size ${sizeBits} bits exceeds GITS_TYPER.ID_bits`);
        const entry = valid ? (1n << 63n) | (BigInt(sizeBits - 1) << 58n) | BigInt(itt) : 0n;
        this.writeTable(0, deviceId, entry, fail);
        return;
      }
      case GITS_CMD.MAPC: {
        const icid = Number(d2 & 0xffffn);
        const rd = Number((d2 >> 16n) & 0xffffffffn);
        const valid = (d2 >> 63n) !== 0n;
        if (valid && rd >= this.gic.nCpus) return fail(`MAPC RDbase ${rd} is not a processor number`);
        this.writeTable(1, icid, valid ? (1n << 63n) | BigInt(rd) : 0n, fail);
        return;
      }
      case GITS_CMD.MAPTI:
      case GITS_CMD.MAPI: {
        const pintid = cmd === GITS_CMD.MAPI ? eventId : Number(d1 >> 32n);
        const icid = Number(d2 & 0xffffn);
        const dte = this.deviceEntry(deviceId, fail);
        if (dte === undefined) return;
        if (eventId >= dte.events) return fail(`EventID ${eventId} beyond the size of device ${deviceId}`);
        if (pintid < LPI_BASE || pintid >= 2 ** this.gic.idBits) return fail(`pINTID ${pintid} is not an LPI`);
        if (icid >= COLLECTIONS) return fail(`ICID ${icid} out of range`);
        this.writeMem(dte.itt + eventId * ENTRY, (1n << 63n) | (BigInt(icid) << 32n) | BigInt(pintid), fail);
        return;
      }
      case GITS_CMD.INT:
      case GITS_CMD.CLEAR:
      case GITS_CMD.DISCARD:
      case GITS_CMD.INV: {
        const ite = this.lookup(deviceId, eventId, fail);
        if (ite === undefined) return;
        const cpu = this.collectionTarget(ite.icid, fail);
        if (cpu < 0) return;
        if (cmd === GITS_CMD.INT) this.gic.setLpi(cpu, ite.pintid, true);
        else if (cmd === GITS_CMD.INV) this.gic.invalidateLpiConfig(cpu, ite.pintid);
        else {
          if (this.gic.enableLpis[cpu]) this.gic.core.setLpiPending(cpu, ite.pintid, false);
          if (cmd === GITS_CMD.DISCARD) this.writeMem(ite.addr, 0n, fail);
        }
        return;
      }
      case GITS_CMD.MOVI: {
        const ite = this.lookup(deviceId, eventId, fail);
        if (ite === undefined) return;
        const icid = Number(d2 & 0xffffn);
        const from = this.collectionTarget(ite.icid, fail);
        const to = this.collectionTarget(icid, fail);
        if (from < 0 || to < 0) return;
        this.writeMem(ite.addr, (1n << 63n) | (BigInt(icid) << 32n) | BigInt(ite.pintid), fail);
        if (from !== to && this.gic.core.lpiPending[from]!.has(ite.pintid)) {
          this.gic.core.setLpiPending(from, ite.pintid, false);
          this.gic.setLpi(to, ite.pintid, true);
        }
        return;
      }
      case GITS_CMD.INVALL: {
        const cpu = this.collectionTarget(Number(d2 & 0xffffn), fail);
        if (cpu >= 0) this.gic.invalidateLpiConfig(cpu);
        return;
      }
      case GITS_CMD.MOVALL: {
        const rd1 = Number((d2 >> 16n) & 0xffffffffn);
        const rd2 = Number((d3 >> 16n) & 0xffffffffn);
        if (rd1 >= this.gic.nCpus || rd2 >= this.gic.nCpus) return fail('MOVALL RDbase is not a processor number');
        if (rd1 === rd2) return;
        for (const id of [...this.gic.core.lpiPending[rd1]!]) {
          this.gic.core.setLpiPending(rd1, id, false);
          this.gic.setLpi(rd2, id, true);
        }
        return;
      }
      case GITS_CMD.SYNC:
        // Every effect is already visible: commands complete synchronously.
        if (Number((d2 >> 16n) & 0xffffffffn) >= this.gic.nCpus) fail('SYNC RDbase is not a processor number');
        return;
      default:
        fail(`unknown command 0x${cmd.toString(16)}`);
    }
  }

  /** GITS_BASER<n>.Page_Size in bytes (0b11 is reserved: treated as 64K). */
  private pageSize(n: number): number {
    const ps = (this.baserLo[n]! >>> 8) & 3;
    return ps === 0 ? 4096 : ps === 1 ? 16384 : 65536;
  }

  /** Table base: Physical_Address [47:12] (16K: [47:14]); with 64K pages [47:16] and PA[51:48] in [15:12]. */
  private tableBase(n: number): number {
    const lo = this.baserLo[n]!;
    const hi = (this.baserHi[n]! & 0xffff) * 2 ** 32;
    const ps = this.pageSize(n);
    if (ps === 65536) return hi + (lo & 0xffff0000) + ((lo >>> 12) & 0xf) * 2 ** 48;
    return hi + (lo & (ps === 16384 ? 0xffffc000 : 0xfffff000));
  }

  private tableEntries(n: number): number {
    return (((this.baserLo[n]! & 0xff) + 1) * this.pageSize(n)) / ENTRY;
  }

  /**
   * Address of entry `index` of table `n`, following the level-1 table when GITS_BASER<n>
   * is Indirect; undefined (after `fail`) if the entry has no backing.
   */
  private entryAddress(n: number, index: number, fail: (m: string) => void): number | undefined {
    const what = n === 0 ? 'device' : 'collection';
    if ((this.baserHi[n]! & 0x80000000) === 0) {
      fail(`GITS_BASER${n} is not valid`);
      return undefined;
    }
    if ((this.baserHi[n]! & 0x40000000) === 0) {
      if (index >= this.tableEntries(n)) {
        fail(`index ${index} beyond the ${what} table`);
        return undefined;
      }
      return this.tableBase(n) + index * ENTRY;
    }
    // Level-2 tables are pages of GITS_BASER<n>.Page_Size (IHI 0069H §5.2.1).
    const ps = this.pageSize(n);
    const perPage = ps / ENTRY;
    const l1 = Math.floor(index / perPage);
    if (l1 >= this.tableEntries(n)) {
      fail(`index ${index} beyond the two-level ${what} table`);
      return undefined;
    }
    const e = this.readMem(this.tableBase(n) + l1 * 8, fail);
    if (e === undefined) return undefined;
    if ((e >> 63n) === 0n) {
      fail(`level-1 entry ${l1} of the ${what} table is not valid`);
      return undefined;
    }
    return Number(e & 0x000ffffffffff000n & ~BigInt(ps - 1)) + (index % perPage) * ENTRY;
  }

  private writeTable(n: number, index: number, entry: bigint, fail: (m: string) => void): void {
    const addr = this.entryAddress(n, index, fail);
    if (addr !== undefined) this.writeMem(addr, entry, fail);
  }

  private readTable(n: number, index: number, fail: (m: string) => void): bigint | undefined {
    const addr = this.entryAddress(n, index, fail);
    return addr === undefined ? undefined : this.readMem(addr, fail);
  }

  private readMem(addr: number, fail: (m: string) => void): bigint | undefined {
    if (!this.mem.isRam(addr, 8)) {
      fail(`table entry at 0x${addr.toString(16)} is not in RAM`);
      return undefined;
    }
    return this.mem.read64(addr);
  }

  private writeMem(addr: number, value: bigint, fail: (m: string) => void): void {
    if (!this.mem.isRam(addr, 8, true)) return fail(`table entry at 0x${addr.toString(16)} is not in RAM`);
    this.mem.write64(addr, value);
  }

  private deviceEntry(deviceId: number, fail: (m: string) => void): { itt: number; events: number } | undefined {
    if (deviceId >= 2 ** DEVICE_BITS) {
      fail(`DeviceID ${deviceId} out of range`);
      return undefined;
    }
    const e = this.readTable(0, deviceId, fail);
    if (e === undefined) return undefined;
    if ((e >> 63n) === 0n) {
      fail(`DeviceID ${deviceId} is not mapped`);
      return undefined;
    }
    return { itt: Number(e & 0x000fffffffffff00n), events: 2 ** (Number((e >> 58n) & 0x1fn) + 1) };
  }

  private lookup(deviceId: number, eventId: number, fail: (m: string) => void): Ite | undefined {
    const d = this.deviceEntry(deviceId, fail);
    if (d === undefined) return undefined;
    if (eventId >= d.events) {
      fail(`EventID ${eventId} beyond the size of device ${deviceId}`);
      return undefined;
    }
    const addr = d.itt + eventId * ENTRY;
    const e = this.readMem(addr, fail);
    if (e === undefined) return undefined;
    if ((e >> 63n) === 0n) {
      fail(`EventID ${eventId} of device ${deviceId} is not mapped`);
      return undefined;
    }
    return { addr, pintid: Number(e & 0xffffffffn), icid: Number((e >> 32n) & 0xffffn) };
  }

  private collectionTarget(icid: number, fail: (m: string) => void): number {
    const e = this.readTable(1, icid, fail);
    if (e === undefined) return -1;
    if ((e >> 63n) === 0n) {
      fail(`collection ${icid} is not mapped`);
      return -1;
    }
    return Number(e & 0xffffn);
  }

  /** An MSI: EventID `eventId` from DeviceID `deviceId` (IHI 0069H §5.3.2 translation). */
  translate(deviceId: number, eventId: number): boolean {
    if (!this.enabled) {
      this.onError('MSI to GITS_TRANSLATER while the ITS is disabled ignored', { deviceId, eventId });
      return false;
    }
    if (deviceId < 0) {
      this.onError('MSI to GITS_TRANSLATER without a DeviceID (masterId -1) ignored', { eventId });
      return false;
    }
    const fail = (m: string): void => this.onError(`MSI translation failed: ${m}`, { deviceId, eventId });
    const ite = this.lookup(deviceId, eventId, fail);
    if (ite === undefined) return false;
    const cpu = this.collectionTarget(ite.icid, fail);
    if (cpu < 0) return false;
    this.translated++;
    return this.gic.setLpi(cpu, ite.pintid, true);
  }
}

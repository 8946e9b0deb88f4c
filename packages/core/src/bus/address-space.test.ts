import { describe, expect, it } from 'vitest';
import { SimError } from '../util/errors.js';
import { AddressSpace, BusStatus, type MmioAccess, type MmioDevice } from './address-space.js';
import { type CodeWatcher, PAGE_SIZE, type RamRegion } from './ram.js';

/** A device that records every access and answers offset-derived values. */
class Recorder implements MmioDevice {
  log: string[] = [];
  masters: string[] = [];
  failOffsets = new Set<number>();
  read(offset: number, size: 1 | 2 | 4, access: MmioAccess): number {
    this.log.push(`r${size}@${offset}`);
    this.masters.push(access.master);
    if (this.failOffsets.has(offset)) access.fault();
    return (0x11223344 + offset) & (size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff);
  }
  write(offset: number, size: 1 | 2 | 4, value: number, access: MmioAccess): void {
    this.log.push(`w${size}@${offset}=${value.toString(16)}`);
    this.masters.push(access.master);
    if (this.failOffsets.has(offset)) access.fault();
  }
}

class Recorder64 extends Recorder {
  read64(offset: number): bigint {
    this.log.push(`r8@${offset}`);
    return 0x0102030405060708n;
  }
  write64(offset: number, value: bigint): void {
    this.log.push(`w8@${offset}=${value.toString(16)}`);
  }
}

describe('AddressSpace', () => {
  it('reports overlapping regions with both names and ranges', () => {
    const s = new AddressSpace('sysbus');
    s.addRam('ram', 0x8000_0000, 0x1000_0000);
    s.addMmio('uart', 0x1000_0000, 0x100, new Recorder());
    expect(() => s.addMmio('plic', 0x8fff_f000, 0x2000, new Recorder())).toThrow(
      new SimError("region 'plic' [0x8ffff000..0x90000fff] overlaps 'ram' [0x80000000..0x8fffffff] in address space 'sysbus'"),
    );
    // Touching is not overlapping.
    s.addMmio('after', 0x9000_0000, 0x100, new Recorder());
    s.addMmio('before', 0x0fff_ff00, 0x100, new Recorder());
    expect(s.map.map((r) => r.name)).toEqual(['before', 'uart', 'ram', 'after']);
    expect(() => s.addRam('neg', -4, 8)).toThrow(/invalid range/);
    expect(() => s.addRam('zero', 0x100, 0)).toThrow(/invalid range/);
    expect(() => s.addRam('huge', 2 ** 53 - 4, 8)).toThrow(/invalid range/);
  });

  it('finds regions, follows aliases into RAM and tells RAM from the rest', () => {
    const s = new AddressSpace('sysbus');
    const ram = s.addRam('ram', 0x8000_0000, 0x10000);
    s.addMmio('dev', 0x1000, 0x100, new Recorder());
    const pci = new AddressSpace('pci0');
    pci.addAlias('dma-window', 0x0, 0x10000, s, 0x8000_0000);
    expect(s.find(0x8000_fff0)?.name).toBe('ram');
    expect(s.find(0x8001_0000)).toBeUndefined();
    expect(s.find(0x10ff)?.name).toBe('dev');
    expect(pci.findRam(0x20)).toEqual({ ram, offset: 0x20, length: 0x10000 - 0x20 });
    expect(s.findRam(0x1000)).toBeUndefined();
    expect(s.isRam(0x8000_0000, 0x10000)).toBe(true);
    expect(s.isRam(0x8000_0000, 0x10001)).toBe(false);
    expect(s.isRam(0x1000, 4)).toBe(false);
    expect(pci.isRam(0xfff0, 0x10)).toBe(true);
    // DMA through the alias lands in the RAM, reads back through the CPU view.
    expect(pci.writeBytes(0x100, new Uint8Array([1, 2, 3, 4]))).toBe(true);
    expect(s.read(0x8000_0100, 4)).toBe(0x04030201);
    const dst = new Uint8Array(4);
    expect(s.readBytes(0x8000_0100, dst)).toBe(true);
    expect([...dst]).toEqual([1, 2, 3, 4]);
    // A range that runs off RAM transfers nothing.
    expect(s.writeBytes(0x8000_fffe, new Uint8Array([9, 9, 9, 9]))).toBe(false);
    expect(s.read(0x8000_fffe, 2)).toBe(0);
    expect(s.readBytes(0x0fff, new Uint8Array(4))).toBe(false);
    expect(() => s.addAlias('self', 0x9000_0000, 0x10, s, 0)).toThrow(SimError);
  });

  it('keeps a master inside an alias window smaller than the RAM behind it', () => {
    const sys = new AddressSpace('sysbus');
    const ram = sys.addRam('ram', 0x8000_0000, 0x10000);
    const dev = new AddressSpace('dev0');
    dev.addAlias('window', 0x1000, 0x1000, sys, 0x8000_4000);
    expect(dev.findRam(0x1800)).toEqual({ ram, offset: 0x4800, length: 0x800 });
    expect(sys.findRam(0x8000_fff0)!.length).toBe(0x10);
    expect(dev.isRam(0x1000, 0x1000)).toBe(true);
    expect(dev.isRam(0x1000, 0x1001)).toBe(false);
    expect(dev.writeBytes(0x1ff0, new Uint8Array(0x20).fill(7))).toBe(false);
    expect(ram.u8[0x5000]).toBe(0);
    expect(dev.readBytes(0x1ff8, new Uint8Array(16))).toBe(false);
    expect(dev.writeBytes(0x1ff0, new Uint8Array(0x10).fill(7))).toBe(true);
    expect(ram.u8[0x4fff]).toBe(7);
    expect(ram.u8[0x5000]).toBe(0);
  });

  it('reports an image that does not fit a RAM region as a SimError', () => {
    const s = new AddressSpace('sysbus');
    const ram = s.addRam('ram', 0, 0x100);
    expect(() => ram.load(0xf0, new Uint8Array(0x20))).toThrow(SimError);
    expect(() => ram.load(-1, new Uint8Array(1))).toThrow(/does not fit in 'ram'/);
  });

  it('delivers an MSI as an ordinary write from a device view to a doorbell region', () => {
    const sys = new AddressSpace('sysbus');
    sys.addRam('ram', 0x8000_0000, 0x10000);
    const doorbell = new Recorder();
    sys.addMmio('msi-doorbell', 0x0800_0000, 0x1000, doorbell);
    // The PCI device's bus addresses: 0x0 maps to the CPU's 0x0 (identity window).
    const dev = new AddressSpace('pci0:01.0');
    dev.setMaster('pci0:01.0', -1);
    dev.addAlias('host-window', 0, 0x1_0000_0000, sys, 0);
    dev.write(0x0800_0040, 4, 33);
    expect(dev.status).toBe(BusStatus.Ok);
    expect(doorbell.log).toEqual(['w4@64=21']);
    expect(doorbell.masters).toEqual(['pci0:01.0']);
    // DMA (writeBytes) never reaches device registers.
    expect(dev.writeBytes(0x0800_0040, new Uint8Array(4))).toBe(false);
    expect(doorbell.log).toHaveLength(1);
  });

  it('spans adjacent RAM regions in DMA transfers', () => {
    const s = new AddressSpace('sysbus');
    s.addRam('lo', 0x0, 0x1000);
    s.addRam('hi', 0x1000, 0x1000);
    const src = new Uint8Array(16).map((_, i) => i + 1);
    expect(s.writeBytes(0xff8, src)).toBe(true);
    expect(s.read(0xff8, 1)).toBe(1);
    expect(s.read(0x1000, 1)).toBe(9);
    const back = new Uint8Array(16);
    expect(s.readBytes(0xff8, back)).toBe(true);
    expect([...back]).toEqual([...src]);
  });

  it('dispatches 1, 2, 4 and 8-byte MMIO accesses, splitting 8 into two 4 low word first', () => {
    const s = new AddressSpace('sysbus');
    const d = new Recorder();
    s.addMmio('dev', 0x1000, 0x100, d);
    expect(s.read(0x1001, 1)).toBe(0x45);
    expect(s.read(0x1002, 2)).toBe(0x3346);
    expect(s.read(0x1004, 4)).toBe(0x11223348);
    s.write(0x1008, 1, 0xab);
    s.write(0x100a, 2, 0xabcd);
    s.write(0x100c, 4, 0xdeadbeef);
    expect(s.read64(0x1010)).toBe((0x11223358n << 32n) | 0x11223354n);
    s.write64(0x1018, 0x1122334455667788n);
    expect(d.log).toEqual(['r1@1', 'r2@2', 'r4@4', 'w1@8=ab', 'w2@10=abcd', 'w4@12=deadbeef', 'r4@16', 'r4@20', 'w4@24=55667788', 'w4@28=11223344']);
    expect(s.status).toBe(BusStatus.Ok);

    const d64 = new Recorder64();
    s.addMmio('dev64', 0x2000, 0x100, d64);
    expect(s.read64(0x2008)).toBe(0x0102030405060708n);
    s.write64(0x2010, -1n);
    expect(d64.log).toEqual(['r8@8', 'w8@16=ffffffffffffffff']);
  });

  it('reports unmapped accesses and device faults through status', () => {
    const s = new AddressSpace('sysbus');
    const d = new Recorder();
    d.failOffsets.add(0x10);
    s.addMmio('dev', 0x1000, 0x100, d);
    expect(s.read(0x5000, 4)).toBe(0);
    expect(s.status).toBe(BusStatus.Unmapped);
    s.read(0x1000, 4);
    expect(s.status).toBe(BusStatus.Ok);
    // Straddling the end of a region is unmapped too, and the device sees nothing.
    expect(s.read(0x10fe, 4)).toBe(0);
    expect(s.status).toBe(BusStatus.Unmapped);
    s.write64(0x10fc, 1n);
    expect(s.status).toBe(BusStatus.Unmapped);
    expect(s.read64(0x9000)).toBe(0n);
    expect(s.status).toBe(BusStatus.Unmapped);
    s.write(0x1010, 4, 1);
    expect(s.status).toBe(BusStatus.DeviceError);
    s.read(0x1010, 2);
    expect(s.status).toBe(BusStatus.DeviceError);
    s.read(0x1014, 2);
    expect(s.status).toBe(BusStatus.Ok);
    s.read64(0x100c); // the second half faults
    expect(s.status).toBe(BusStatus.DeviceError);
    expect(s.read(2 ** 60, 4)).toBe(0);
    expect(s.status).toBe(BusStatus.Unmapped);
    expect(d.log.filter((l) => l.includes('@254') || l.includes('@252'))).toEqual([]);
  });

  it('passes the master identity through aliases and tells the observer', () => {
    const sys = new AddressSpace('sysbus');
    const d = new Recorder();
    sys.addMmio('dev', 0x1000, 0x100, d);
    const view = new AddressSpace('hart0');
    view.setMaster('hart0', 0);
    view.addAlias('all', 0, 0x10000, sys, 0);
    const seen: string[] = [];
    sys.mmioObserver = (r, off, size, isWrite, value, master) => seen.push(`${r.name}:${off}:${size}:${isWrite}:${value}:${master}`);
    view.write(0x1004, 4, 7);
    view.read(0x1000, 1);
    expect(d.masters).toEqual(['hart0', 'hart0']);
    expect(seen).toEqual(['dev:4:4:true:7:hart0', 'dev:0:1:false:68:hart0']);
    view.read(0x3000, 4);
    expect(view.status).toBe(BusStatus.Unmapped);
  });

  it('keeps ROM read-only for bus writes but not for reads', () => {
    const s = new AddressSpace('sysbus');
    const rom = s.addRam('rom', 0x1000, 0x1000, { readonly: true });
    rom.load(0, new Uint8Array([0x13, 0, 0, 0, 1, 2, 3, 4]));
    s.write(0x1000, 4, 0xffffffff);
    expect(s.status).toBe(BusStatus.DeviceError);
    s.write64(0x1000, 0n);
    expect(s.status).toBe(BusStatus.DeviceError);
    expect(s.read(0x1000, 4)).toBe(0x13);
    expect(s.status).toBe(BusStatus.Ok);
    expect(s.read64(0x1000)).toBe(0x0403020100000013n);
    expect(s.writeBytes(0x1000, new Uint8Array(1))).toBe(false);
    expect(s.isRam(0x1000, 4)).toBe(true);
    expect(s.isRam(0x1000, 4, true)).toBe(false);
  });

  it('reads and writes unaligned RAM values', () => {
    const s = new AddressSpace('sysbus');
    s.addRam('ram', 0, 0x100);
    s.write(0x3, 4, 0xa1b2c3d4);
    expect(s.read(0x3, 4)).toBe(0xa1b2c3d4);
    expect(s.read(0x4, 2)).toBe(0xb2c3);
    s.write64(0x11, 0x0123456789abcdefn);
    expect(s.read64(0x11)).toBe(0x0123456789abcdefn);
    expect(s.read(0x11, 1)).toBe(0xef);
  });

  it('tells code watchers about writes to marked pages, once per mark', () => {
    const s = new AddressSpace('sysbus');
    const ram = s.addRam('ram', 0x8000_0000, 4 * PAGE_SIZE);
    const events: string[] = [];
    const w: CodeWatcher = {
      codeMarked: (_r: RamRegion, p: number) => events.push(`mark ${p}`),
      codeWritten: (_r: RamRegion, p: number) => events.push(`write ${p}`),
    };
    ram.addCodeWatcher(w);
    ram.addCodeWatcher(w); // added once
    ram.markCode(1);
    ram.markCode(1);
    ram.markCode(3);
    s.write(0x8000_0000, 4, 1); // page 0: not code
    s.write(0x8000_1ffe, 4, 1); // straddles pages 1 and 2: page 1 is code
    s.write(0x8000_1000, 4, 1); // page 1 no longer marked
    s.writeBytes(0x8000_2ff0, new Uint8Array(0x20)); // DMA into page 3
    s.write64(0x8000_3000, 5n); // unmarked now
    expect(events).toEqual(['mark 1', 'mark 3', 'write 1', 'write 3']);
    expect([...ram.codePages]).toEqual([0, 0, 0, 0]);
    ram.markCode(0);
    s.write64(0x8000_0ffc, 1n);
    ram.markCode(2);
    ram.load(0x2000, new Uint8Array(4));
    expect(events.slice(4)).toEqual(['mark 0', 'write 0', 'mark 2', 'write 2']);
  });
});

import { describe, expect, it } from 'vitest';
import { AddressSpace } from '@tessera/core';
import { GStageTable, TablePool } from './gstage.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function pool(): TablePool {
  const space = new AddressSpace('test');
  const ram = space.addRam('ram', 0x8000_0000, 64 * MiB);
  return new TablePool(ram, 0x8000_0000 + 32 * MiB, 4 * MiB);
}

describe('G-stage tables', () => {
  it('encodes hgatp with mode, VMID and a 16 KiB aligned root', () => {
    const t = new GStageTable('sv39x4', pool());
    expect(t.root % (16 * 1024)).toBe(0);
    const h = t.hgatp(5);
    expect(h >> 60n).toBe(8n);
    expect((h >> 44n) & 0x3fffn).toBe(5n);
    expect(Number(h & ((1n << 44n) - 1n)) * 4096).toBe(t.root);
    expect(new GStageTable('sv48x4', pool()).hgatp(0) >> 60n).toBe(9n);
  });

  it('uses gigapages and megapages where alignment allows', () => {
    const t = new GStageTable('sv39x4', pool());
    t.map(0x8000_0000, 0x1_0000_0000, GiB + 4 * MiB);
    expect(t.stats).toMatchObject({ gigapages: 1, megapages: 2, pages: 0 });
    expect(t.translate(0x8000_1234)).toMatchObject({ hpa: 0x1_0000_1234, size: GiB });
    expect(t.translate(0xc000_0000 + 3 * MiB + 8)).toMatchObject({ hpa: 0x1_4000_0000 + 3 * MiB + 8, size: 2 * MiB });
    expect(t.translate(0xc000_0000 + 4 * MiB)).toBeUndefined();
  });

  it('splits to 4 KiB only around pages that must trap', () => {
    const t = new GStageTable('sv39x4', pool());
    const hole = 0x8000_0000 + 2 * MiB + 0x5000;
    t.map(0x8000_0000, 0x9000_0000, 8 * MiB, undefined, new Set([hole]));
    // 2 MiB leaves for the three clean megapages, 511 small pages around the hole.
    expect(t.stats.megapages).toBe(3);
    expect(t.stats.pages).toBe(511);
    expect(t.translate(hole)).toBeUndefined();
    expect(t.translate(hole + 0x1000)?.hpa).toBe(0x9000_0000 + 2 * MiB + 0x6000);
    expect(t.translate(hole - 8)?.size).toBe(4096);
  });

  it('writes leaves with V, U, A, D and the permissions asked for', () => {
    const p = pool();
    const t = new GStageTable('sv48x4', p);
    t.map(0x1000, 0x8000_0000, 0x1000, { read: true, write: false, execute: true });
    const r = t.translate(0x1abc)!;
    expect(r.perm).toEqual({ read: true, write: false, execute: true });
    // Walk by hand: root index for gpa 0x1000 at level 3 is 0.
    const l3 = p.ram.read64(t.root - p.ram.base);
    expect(l3 & 1n).toBe(1n);
    expect(l3 & 0xen).toBe(0n); // pointer, not leaf
  });

  it('rejects overlaps, misalignment and addresses beyond the guest physical width', () => {
    const t = new GStageTable('sv39x4', pool());
    t.map(0, 0x8000_0000, 2 * MiB);
    expect(() => t.map(0x1000, 0x8000_0000, 0x1000)).toThrow(/overlaps/);
    expect(() => t.map(0x10, 0x8000_0000, 0x1000)).toThrow(/aligned/);
    expect(() => t.map(2 ** 41, 0x8000_0000, 0x1000)).toThrow(/41-bit/);
  });
});

describe('GStageTable with large pages off', () => {
  it('maps an aligned 4 MiB region with 1024 4 KiB leaves instead of two 2 MiB ones', () => {
    const large = new GStageTable('sv39x4', pool());
    large.map(0x8000_0000, 0x8000_0000, 4 << 20);
    expect(large.stats).toMatchObject({ megapages: 2, pages: 0 });
    const small = new GStageTable('sv39x4', pool(), false);
    small.map(0x8000_0000, 0x8000_0000, 4 << 20);
    expect(small.stats).toMatchObject({ gigapages: 0, megapages: 0, pages: 1024 });
  });
});

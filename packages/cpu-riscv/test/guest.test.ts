import { describe, expect, it } from 'vitest';
import { runGuest } from './harness.js';

/** Guest programs that report through HTIF: exit code 0 = pass, otherwise the failing check number. */
const programs: Array<[string, Record<string, unknown>?, number?]> = [
  ['simple.elf'],
  ['rv64i.elf'],
  ['rv64m.elf'],
  ['rv64a.elf'],
  ['rv64c.elf'],
  ['csr.elf'],
  ['traps.elf'],
  ['pmp.elf'],
  ['fp.elf'],
  ['h.elf'],
  ['smc.elf'],
  ['zb.elf', { isa: 'rv64imafdc_zicsr_zifencei_zba_zbb_zbs_h' }],
  ['zb.elf', {}, 1],
  ['misaligned.elf', { misaligned: 'trap' }],
  ['misaligned.elf', {}, 1],
  ['smp.elf', { count: 2 }],
  ['vm.elf'],
  ['vm.elf', { 'ad-update': 'fault' }, 5],
];

describe('htif', () => {
  it('prints through device 1 and exits through device 0', async () => {
    const r = await runGuest('hello.elf');
    expect(r.stop?.exitCode).toBe(0);
    expect(r.output).toBe('hello from htif\n');
  });
});

describe('guest programs', () => {
  for (const [elf, opts, code] of programs) {
    it(`${elf} ${JSON.stringify(opts ?? {})}`, async () => {
      const r = await runGuest(elf, opts ?? {});
      expect(r.stop?.reason).toBe('poweroff');
      expect(r.stop?.exitCode, `failing check number in ${elf}`).toBe(code ?? 0);
    });
  }
});

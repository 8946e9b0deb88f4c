import { describe, expect, it } from 'vitest';
import { Simulation, builtinPlugin, SimError } from '@tessera/core';
import plugin, { parseIsa, type RiscvCluster } from '../src/index.js';
import { fuzz } from './fuzz.js';

async function machine(opts: Record<string, unknown> = {}) {
  const sim = new Simulation();
  const m = sim.addMachine('t');
  await m.add('ram', builtinPlugin.components.ram!, { base: 0x8000_0000, size: 1 << 20 });
  await m.add('cpus', plugin.components['riscv-hart']!, { 'reset-vector': 0x8000_0000, ...opts });
  const cluster = m.api<RiscvCluster>('cpus')!;
  const ram = m.api<{ u32: Uint32Array; noteWrite(o: number, n: number): void }>('ram')!;
  sim.run(0); // connect and reset (RAM is cleared at reset)
  const load = (words: number[], at = 0): void => {
    cluster.harts[0]!.setPc(0x8000_0000);
    ram.u32.set(words, at / 4);
    ram.noteWrite(at, words.length * 4);
  };
  return { sim, m, cluster, load, hart: cluster.harts[0]! };
}

describe('ISA string', () => {
  it('parses the default and g', () => {
    expect(parseIsa('rv64gc_zicntr').letters).toBe('imafdc');
    expect(parseIsa('rv64imac_zicsr_h_sstc').letters).toBe('imach');
  });
  it('rejects what is not implemented', () => {
    expect(() => parseIsa('rv64imafdcv')).toThrow(SimError);
    expect(() => parseIsa('rv64gc_zbc')).toThrow(/zbc/);
    expect(parseIsa('rv64gc_zba_zbb_zbs').multi).toEqual(['zicsr', 'zifencei', 'zba', 'zbb', 'zbs']);
    expect(() => parseIsa('rv32i')).toThrow(/RV64/);
  });
});

describe('riscv-hart component', () => {
  it('writes /cpus with one cpu@N per hart and a cpu-intc each', async () => {
    const { m } = await machine({ count: 2, mmu: 'sv39' });
    const dt = m.deviceTree();
    const cpus = dt.find('cpus')!;
    expect(cpus.getCells('timebase-frequency')).toEqual([10_000_000]);
    const c1 = dt.find('cpus/cpu@1')!;
    expect(c1.getStrings('device_type')).toEqual(['cpu']);
    expect(c1.getStrings('mmu-type')).toEqual(['riscv,sv39']);
    expect(c1.getStrings('riscv,isa')![0]).toMatch(/^rv64imafdc_zicsr_zifencei_zicntr_zihintpause_sstc_h$/);
    expect(c1.getStrings('riscv,isa-extensions')).toContain('sstc');
    expect(c1.getStrings('riscv,isa-extensions')).toContain('h');
    const intc = dt.find('cpus/cpu@1/interrupt-controller')!;
    expect(intc.getStrings('compatible')).toEqual(['riscv,cpu-intc']);
    expect(intc.getCells('#interrupt-cells')).toEqual([1]);
    expect(intc.getCells('phandle')!.length).toBe(1);
  });

  it('exposes interrupt lines per hart and rejects unknown ones', async () => {
    const { cluster } = await machine({ count: 2, geilen: 2 });
    expect(cluster.irqInput('1:meip')).toBeTypeOf('function');
    expect(cluster.irqInput('0:sgei2')).toBeTypeOf('function');
    expect(cluster.irqInput('0:sgei3')).toBeUndefined();
    expect(cluster.irqInput('2:meip')).toBeUndefined();
    expect(cluster.irqInput('0:bogus')).toBeUndefined();
    expect(cluster.dtInterruptCells('0:meip')).toEqual([11]);
    expect(cluster.dtInterruptCells('0:seip')).toEqual([9]);
  });

  it('WFI halts until an interrupt is pending, even with interrupts disabled', async () => {
    const { sim, cluster, load, hart } = await machine();
    // lui t0, 1; addi t0, t0, -2048 (MEIE); csrw mie, t0; wfi; addi a0, zero, 7; j .
    load([0x000012b7, 0x80028293, 0x30429073, 0x10500073, 0x00700513, 0x0000006f]);
    sim.run(1000);
    expect(hart.halted).toBe(true);
    expect(hart.readReg(10)).toBe(0n);
    cluster.irqInput('0:meip')!(true);
    expect(hart.halted).toBe(false);
    sim.run(2000);
    expect(hart.readReg(10)).toBe(7n); // mstatus.MIE = 0: no trap, execution just resumes
    expect(hart.mcause).toBe(0n);
  });

  it('hands M-level traps to a TypeScript handler after updating the CSRs', async () => {
    const { sim, load, hart } = await machine();
    // addi a7, zero, 42; ecall; addi a1, a0, 1; j .
    load([0x02a00893, 0x00000073, 0x00150593, 0x0000006f]);
    const seen: number[] = [];
    hart.setTrapHandler('M', (h, trap) => {
      seen.push(trap.cause);
      expect(h.privilege).toBe('M');
      h.writeReg(10, h.readReg(17) * 2n);
      h.writeCsr(0x341, h.readCsr(0x341)! + 4n);
      h.mret();
    });
    sim.run(1000);
    expect(seen).toEqual([11]);
    expect(hart.readReg(11)).toBe(85n);
    expect(hart.mcause).toBe(11n);
  });

  it('hands traps delegated to HS to a TypeScript hypervisor, which returns to VS with sret', async () => {
    const { sim, load, hart } = await machine();
    load([0x00000073, 0x00500513, 0x0000006f]); // ecall; addi a0, zero, 5; j .
    hart.writeCsr(0x302, 1n << 10n); // medeleg: ecall from VS -> HS
    hart.writeCsr(0x3b0, (1n << 54n) - 1n); // pmpaddr0: everything
    hart.writeCsr(0x3a0, 0x1fn); // pmpcfg0: NAPOT RWX
    hart.priv = 1;
    hart.virt = true;
    hart.flushTlb();
    const causes: number[] = [];
    hart.setTrapHandler('HS', (h, trap) => {
      causes.push(trap.cause);
      expect(h.virt).toBe(false);
      expect(h.privilege).toBe('S');
      expect(h.readCsr(0x600)! & (1n << 7n)).toBe(1n << 7n); // hstatus.SPV
      expect(h.readCsr(0x600)! & (1n << 8n)).toBe(1n << 8n); // hstatus.SPVP
      h.writeCsr(0x141, h.readCsr(0x141)! + 4n); // sepc
      h.sret();
    });
    sim.run(100);
    expect(causes).toEqual([10]);
    expect(hart.virt).toBe(true);
    expect(hart.readReg(10)).toBe(5n);
  });

  it('instret does not count trapping instructions or WFI', async () => {
    const { sim, load, hart } = await machine();
    // auipc t0, 0; addi t0, t0, 16; csrw mtvec, t0; ecall; (handler at +16:) wfi
    load([0x00000297, 0x01028293, 0x30529073, 0x00000073, 0x10500073]);
    sim.run(100);
    expect(hart.halted).toBe(true);
    expect(hart.retired).toBe(4); // auipc, addi, csrw, wfi
  });

  it('mcountinhibit stops minstret and mcycle, which then continue from where they stopped', async () => {
    const { sim, load, hart } = await machine();
    load([0x0000006f]); // j .
    sim.run(100);
    hart.writeCsr(0x320, 5n);
    const ir = hart.readCsr(0xb02)!;
    const cy = hart.readCsr(0xb00)!;
    sim.run(200);
    expect(hart.readCsr(0xb02)).toBe(ir);
    expect(hart.readCsr(0xb00)).toBe(cy);
    hart.writeCsr(0x320, 0n);
    sim.run(300);
    expect(hart.readCsr(0xb02)! - ir).toBe(100n);
    expect(hart.readCsr(0xb00)! - cy).toBe(100n);
  });

  it('counts exceptions per hart and cause', async () => {
    const { sim, load } = await machine();
    load([0xffffffff]); // illegal, mtvec = 0 -> access faults afterwards
    sim.run(100);
    const ex = sim.events.snapshot().get('exceptions')!;
    expect(ex.find((c) => c.key === 'hart0 illegal-instruction')?.value).toBe(1);
    expect(ex.find((c) => c.key === 'hart0 instruction-access-fault')!.value).toBeGreaterThan(1);
  });

  it('Sstc raises STIP when time reaches stimecmp', async () => {
    const { sim, hart } = await machine();
    sim.run(0);
    hart.writeCsr(0x30a, 1n << 63n); // menvcfg.STCE
    hart.writeCsr(0x14d, 500n); // stimecmp: 50 us at 10 MHz
    expect(hart.mipValue() & (1 << 5)).toBe(0);
    hart.wfi = true;
    hart.writeCsr(0x304, 1n << 5n);
    sim.run(60_000);
    expect(hart.mipValue() & (1 << 5)).not.toBe(0);
  });
});

describe('CSR details', () => {
  it('a read-modify-write of mip keeps a wired SEIP out of the software bit', async () => {
    const { cluster, hart, load, sim } = await machine();
    cluster.irqInput('0:seip')!(true);
    // csrrci x0, mip, 2 (clear SSIP): must not latch SEIP in software
    load([0x34417073, 0x0000006f]);
    sim.run(10);
    cluster.irqInput('0:seip')!(false);
    expect(hart.mipValue() & (1 << 9)).toBe(0);
  });

  it('without Sstc in the isa string, stimecmp/vstimecmp do not exist and menvcfg/henvcfg.STCE read as zero', async () => {
    for (const [isa, sstc] of [['rv64imafdch_zicsr_zifencei_zicntr', false], [undefined, true]] as const) {
      const { hart, load, sim } = await machine(isa === undefined ? {} : { isa });
      hart.writeCsr(0x30a, 1n << 63n); // menvcfg.STCE
      expect(hart.readCsr(0x30a)! >> 63n).toBe(sstc ? 1n : 0n);
      hart.writeCsr(0x60a, 1n << 63n); // henvcfg.STCE
      expect(hart.readCsr(0x60a)! >> 63n).toBe(sstc ? 1n : 0n);
      // csrr a0, stimecmp in M-mode: illegal without Sstc; trap vector at the `j .`.
      hart.writeCsr(0x305, 0x8000_0004n);
      load([0x14d02573, 0x0000006f]);
      sim.run(10);
      expect(hart.readCsr(0x342)).toBe(sstc ? 0n : 2n);
    }
  });

  it('without F, mstatus.FS stays zero and FP instructions are illegal', async () => {
    const { hart } = await machine({ isa: 'rv64imac_zicsr' });
    hart.writeCsr(0x300, 3n << 13n);
    expect(hart.readCsr(0x300)! & (3n << 13n)).toBe(0n);
    expect(hart.readCsr(0x301)! & (1n << 5n)).toBe(0n);
  });
});

describe('H extension interrupt state', () => {
  it('guest external lines set hgeip; hgeie gives SGEIP and hstatus.VGEIN selects VSEIP', async () => {
    const { cluster, hart } = await machine({ geilen: 4 });
    cluster.irqInput('0:sgei2')!(true);
    expect(hart.readCsr(0xe12)).toBe(4n); // hgeip
    expect(hart.mipValue() & (1 << 12)).toBe(0);
    hart.writeCsr(0x607, 0xffn); // hgeie: only bits 1..GEILEN stick
    expect(hart.readCsr(0x607)).toBe(0x1en);
    expect(hart.mipValue() & (1 << 12)).not.toBe(0); // SGEIP
    expect(hart.mipValue() & (1 << 10)).toBe(0);
    hart.writeCsr(0x600, 2n << 12n); // hstatus.VGEIN = 2
    expect(hart.mipValue() & (1 << 10)).not.toBe(0); // VSEIP
    hart.writeCsr(0x600, 7n << 12n); // VGEIN > GEILEN: WARL, unchanged
    expect((hart.readCsr(0x600)! >> 12n) & 63n).toBe(2n);
    cluster.irqInput('0:sgei2')!(false);
    expect(hart.mipValue() & ((1 << 12) | (1 << 10))).toBe(0);
  });

  it('emits cpu.exception events with the trap details', async () => {
    const { sim, load } = await machine();
    const seen: Array<Record<string, unknown>> = [];
    sim.events.addSink({ kinds: ['cpu.exception'], event: (e) => seen.push(e as Record<string, unknown>) });
    load([0x00000073]); // ecall
    sim.run(5);
    expect(seen[0]).toMatchObject({ kind: 'cpu.exception', hart: 0, cause: 'ecall-m', from: 'M', to: 'M', pc: '0x80000000', virt: false });
  });
});

describe('fuzz', () => {
  it('two million random instruction words in every mode raise only architectural traps', async () => {
    const r = await fuzz(2_000_000, 12345);
    expect(r.traps).toBeGreaterThan(10_000);
  }, 120_000);
});

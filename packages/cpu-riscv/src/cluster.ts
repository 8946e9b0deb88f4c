/** The `riscv-hart` component: a cluster of N harts, their interrupt inputs and device-tree nodes. */

import {
  defineComponent, frequency, address, SimError,
  type Component, type ComponentContext, type DebugTarget, type DeviceTreeContext, type FdtNode, type IrqInput, type IrqTarget, type DtInterruptController,
} from '@tessera/core';
import { CodeCache, Hart, type HartConfig } from './hart.js';
import { riscvDebugTarget } from './debug.js';

export interface RiscvHartOptions {
  count?: number;
  isa?: string;
  mmu?: 'sv39' | 'sv48';
  'pmp-entries'?: number;
  hypervisor?: boolean;
  geilen?: number;
  'timebase-frequency'?: number;
  mips?: number;
  'reset-vector'?: number;
  'hartid-base'?: number;
  misaligned?: 'trap' | 'emulate';
  'ad-update'?: 'hardware' | 'fault';
}

const SINGLE = 'imafdch';
const MULTI = ['zicsr', 'zifencei', 'zicntr', 'zihintpause', 'zba', 'zbb', 'zbs', 'sstc', 'h'];

export interface ParsedIsa {
  letters: string;
  multi: string[];
}

/** Parse an ISA string such as `rv64imafdc_zicsr_zifencei_h_sstc` (`g` = imafd_zicsr_zifencei). */
export function parseIsa(isa: string): ParsedIsa {
  const s = isa.toLowerCase();
  if (!s.startsWith('rv64')) throw new SimError(`ISA '${isa}' is not RV64 (riscv-hart implements RV64 only)`);
  const parts = s.slice(4).split('_').filter((p) => p !== '');
  let letters = '';
  const multi: string[] = [];
  const first = parts.shift() ?? '';
  for (const ch of first.replace('g', 'imafd')) {
    if (!SINGLE.includes(ch)) throw new SimError(`ISA '${isa}': extension '${ch}' is not implemented (supported: ${SINGLE.split('').join(' ')}, ${MULTI.join(' ')})`);
    if (!letters.includes(ch)) letters += ch;
  }
  if (first.includes('g')) multi.push('zicsr', 'zifencei');
  for (const p of parts) {
    if (!MULTI.includes(p)) throw new SimError(`ISA '${isa}': extension '${p}' is not implemented (supported: ${MULTI.join(' ')})`);
    if (p === 'h') {
      if (!letters.includes('h')) letters += 'h';
    } else if (!multi.includes(p)) multi.push(p);
  }
  if (!letters.includes('i')) throw new SimError(`ISA '${isa}' lacks the base integer ISA 'i'`);
  if (letters.includes('d') && !letters.includes('f')) throw new SimError(`ISA '${isa}': 'd' needs 'f'`);
  return { letters, multi };
}

export const DEFAULT_ISA = 'rv64imafdch_zicsr_zifencei_zicntr_zihintpause_sstc';

/** The cluster's API; as a DebugTarget (debug.ts) every hart is a GDB thread. */
export interface RiscvCluster extends IrqTarget, DtInterruptController, DebugTarget {
  readonly harts: readonly Hart[];
  /** The `cpu@N/interrupt-controller` node of hart `index` (for PLIC/CLINT interrupts-extended). */
  intcNode(dt: DeviceTreeContext, index: number): FdtNode | undefined;
}

export const riscvHart = defineComponent<RiscvHartOptions>({
  description: 'RV64GC harts with M/S/U, PMP, Sv39/Sv48, Sstc and the H extension',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      count: { type: 'integer', minimum: 1, maximum: 64, description: 'number of harts (default 1)' },
      isa: { type: 'string', description: `ISA string (default ${DEFAULT_ISA})` },
      mmu: { enum: ['sv39', 'sv48'], description: 'largest satp mode (default sv48)' },
      'pmp-entries': { enum: [0, 16, 64], description: 'PMP entries (default 16)' },
      hypervisor: { type: 'boolean', description: 'the H extension (default true)' },
      geilen: { type: 'integer', minimum: 0, maximum: 31, description: 'guest external interrupt lines (default 4)' },
      'timebase-frequency': frequency('rate of the time CSR (default 10MHz)'),
      mips: { type: 'number', exclusiveMinimum: 0, description: 'virtual instructions per microsecond (default 1000: 1 ns each)' },
      'reset-vector': address('pc at reset (default 0x1000)'),
      'hartid-base': { type: 'integer', minimum: 0, description: 'mhartid of the first hart (default 0)' },
      misaligned: { enum: ['trap', 'emulate'], description: "misaligned loads/stores: 'emulate' (default, as QEMU) or 'trap'" },
      'ad-update': { enum: ['hardware', 'fault'], description: "PTE A/D bits: 'hardware' update (default) or 'fault' (Svade)" },
    },
  },
  create(ctx: ComponentContext, o: RiscvHartOptions): Component {
    const count = o.count ?? 1;
    const hypervisorOpt = o.hypervisor;
    let isa = parseIsa(o.isa ?? DEFAULT_ISA);
    const hypervisor = hypervisorOpt ?? isa.letters.includes('h');
    if (hypervisorOpt === false && isa.letters.includes('h')) isa = { ...isa, letters: isa.letters.replace('h', '') };
    if (hypervisor && !isa.letters.includes('h')) isa = { ...isa, letters: isa.letters + 'h' };
    const adUpdate = o['ad-update'] ?? 'hardware';
    let misa = 2n << 62n;
    for (const ch of isa.letters) misa |= 1n << BigInt(ch.charCodeAt(0) - 97);
    misa |= (1n << 18n) | (1n << 20n); // S and U
    const code = new CodeCache();
    const harts: Hart[] = [];
    const base = o['hartid-base'] ?? 0;
    for (let i = 0; i < count; i++) {
      const cfg: HartConfig = {
        hartid: base + i,
        name: `hart${base + i}`,
        mmu: o.mmu ?? 'sv48',
        pmpEntries: o['pmp-entries'] ?? 16,
        hypervisor,
        geilen: hypervisor ? o.geilen ?? 4 : 0,
        timebaseFrequency: o['timebase-frequency'] ?? 10_000_000,
        mips: o.mips ?? 1000,
        resetVector: o['reset-vector'] ?? 0x1000,
        misaligned: o.misaligned ?? 'emulate',
        adUpdate,
        misa,
        zba: isa.multi.includes('zba'),
        zbb: isa.multi.includes('zbb'),
        zbs: isa.multi.includes('zbs'),
        sstc: isa.multi.includes('sstc'),
      };
      const h = new Hart(cfg, ctx.system, ctx.scheduler, ctx.events, code);
      harts.push(h);
      ctx.scheduler.addRunnable(h);
    }
    const isaString = (): string => {
      const exts = [...isa.multi];
      if (adUpdate === 'fault') exts.push('svade');
      return 'rv64' + isa.letters.replace('h', '') + exts.map((e) => '_' + e).join('') + (isa.letters.includes('h') ? '_h' : '');
    };
    const api: RiscvCluster = {
      ...riscvDebugTarget(harts, ctx.system),
      harts,
      irqInput(line: number | string): IrqInput | undefined {
        const m = /^(\d+):([a-z0-9]+)$/.exec(String(line));
        if (m === null) return undefined;
        const h = harts[Number(m[1])];
        if (h === undefined) return undefined;
        const name = m[2]!;
        if (!/^(msip|mtip|meip|seip|ssip|stip|sgei\d+)$/.test(name)) return undefined;
        if (name.startsWith('sgei')) {
          const k = Number(name.slice(4));
          if (!hypervisor || k < 1 || k > h.cfg.geilen) return undefined;
        }
        return (level: boolean) => {
          h.setIrqLine(name, level);
        };
      },
      dtInterruptCells(line: number | string): number[] {
        const name = String(line).split(':')[1] ?? '';
        const map: Record<string, number> = { ssip: 1, msip: 3, stip: 5, mtip: 7, seip: 9, meip: 11 };
        return [map[name] ?? 0];
      },
      intcNode(dt: DeviceTreeContext, index: number): FdtNode | undefined {
        return dt.root.find(`cpus/cpu@${base + index}/interrupt-controller`);
      },
    };
    return {
      api,
      reset() {
        for (const h of harts) h.reset();
      },
      deviceTree(dt: DeviceTreeContext) {
        const cpus = dt.root.child('cpus');
        cpus.cells('#address-cells', 1).cells('#size-cells', 0).cells('timebase-frequency', o['timebase-frequency'] ?? 10_000_000);
        const exts = ['i', ...isa.letters.replace('i', '').split('').filter((c) => c !== 'h'), ...(isa.letters.includes('h') ? ['h'] : []), ...isa.multi];
        if (adUpdate === 'fault') exts.push('svade');
        for (const h of harts) {
          const c = cpus.child(`cpu@${h.hartid}`);
          c.str('device_type', 'cpu').cells('reg', h.hartid).str('status', 'okay').str('compatible', 'riscv');
          c.str('riscv,isa', isaString());
          c.str('riscv,isa-base', 'rv64i');
          c.strs('riscv,isa-extensions', ...exts);
          c.str('mmu-type', `riscv,${h.cfg.mmu}`);
          const intc = c.child('interrupt-controller');
          intc.cells('#address-cells', 0).cells('#interrupt-cells', 1).flag('interrupt-controller').str('compatible', 'riscv,cpu-intc');
          intc.phandle();
          c.phandle();
        }
        dt.register(cpus);
      },
    };
  },
});

/**
 * @tessera/cpu-riscv — RV64GC harts with the privileged architecture 1.12, PMP, Sv39/Sv48,
 * Sstc and the H extension 1.0, an HTIF device and an ELF loader for bare-metal programs.
 */
import { definePlugin } from '@tessera/core';
import { riscvHart } from './cluster.js';
import { htif } from './htif.js';

export { Hart, CodeCache, DecodedPage, type HartConfig, type TrapHandler, type TrapInfo, type TrapLevel } from './hart.js';
export { riscvHart, parseIsa, DEFAULT_ISA, type RiscvCluster, type RiscvHartOptions } from './cluster.js';
export { htif, type HtifOptions } from './htif.js';
export { riscvDebugTarget, debugTranslate } from './debug.js';
export { parseElf, EM_RISCV, type ElfImage, type ElfSegment } from './elf.js';
export { CSR, EXC, EXC_NAMES, IRQ_NAMES } from './csr.js';
export { decode32, decode16, expandCompressed } from './decode.js';

export default definePlugin({
  name: '@tessera/cpu-riscv',
  version: '0.1.0',
  description: 'RV64GC harts (M/S/U, PMP, Sv39/Sv48, Sstc, H) and HTIF',
  components: { 'riscv-hart': riscvHart, htif },
});

/**
 * @tessera/hypervisor-thin — the thin hypervisor. So far: the RISC-V G-stage page-table
 * builder. See README.md for what is implemented and what is not.
 */
export { GStageTable, TablePool, RWX, type GStageMode, type GStageStats, type Permissions } from './riscv/gstage.js';

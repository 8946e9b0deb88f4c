/**
 * @tessera/hypervisor-thin — the thin hypervisor at HS-mode (RISC-V): partitions, G-stage
 * isolation, SBI for VS-mode guests. See README.md for what is implemented and what is not.
 */
import { definePlugin } from '@tessera/core';
import { thinHypervisor } from './riscv/component.js';

export { GStageTable, TablePool, RWX, type GStageMode, type GStageStats, type Permissions } from './riscv/gstage.js';
export { validateLayout, guestToHost, type HypervisorConfig, type PartitionConfig, type MemoryRegionConfig, type PoolConfig, type MachineFacts, type PartitionBootConfig } from './riscv/layout.js';
export { ThinHypervisor, Partition, Vcpu } from './riscv/hypervisor.js';
export { Vplic, VcpuIrqState, VPLIC_BASE, VPLIC_SIZE, VPLIC_NDEV, type VplicTarget } from './riscv/vplic.js';
export { PartitionIo, PhysicalPlic } from './riscv/vio.js';
export { VirtualDevice, type VirtualDeviceConfig, type VirtioNetDeviceConfig } from './riscv/vdevices.js';
export type { HgeipConfig } from './riscv/layout.js';
export { thinHypervisor, type ThinHypervisorApi, type ThinHypervisorOptions } from './riscv/component.js';

export default definePlugin({
  name: '@tessera/hypervisor-thin',
  version: '0.1.0',
  description: 'Thin hypervisor at HS-mode: partitions, G-stage isolation, SBI for guests',
  components: { 'thin-hypervisor': thinHypervisor },
});

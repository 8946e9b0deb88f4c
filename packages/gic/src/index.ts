/**
 * @tessera/gic — Arm Generic Interrupt Controllers: GICv2 (+virtualization extensions),
 * GICv3 (redistributors, LPIs, ITS) and GICv2m MSI frames.
 *
 * Component types: `gicv2`, `gicv3`, `gicv2m`. The CPU contract is in cpu-interface.ts.
 */
import { gicPlugin } from './plugin.js';

export * from './cpu-interface.js';
export { GicCore, SPURIOUS, SPURIOUS_OTHER_GROUP, LPI_BASE, type GicSignals } from './gic-core.js';
export * from './virtual.js';
export { GicV2, MAINTENANCE_INTID, GICD_IIDR_GIC400, GICC_IIDR_GIC400, type GicV2Signals, type GicErrorReporter } from './gicv2.js';
export { GicV3, GicV3CpuInterface, GICV3_IIDR, type GicV3Options, type GicV3Signals } from './gicv3.js';
export { Its, GITS_CMD, GITS_TRANSLATER, GITS_SIZE, type ItsCommandError } from './its.js';
export { GicV2m, V2M_MSI_TYPER, V2M_MSI_SETSPI_NS, V2M_FRAME_SIZE } from './gicv2m.js';
export { gicPlugin, parseGicLine, type GicV2Api, type GicV3ComponentApi, type GicV2mApi } from './plugin.js';

export default gicPlugin;

/**
 * @tessera/core — the bus/event kernel every Tessera plugin registers against.
 *
 * Public surface only: other packages import from here, never from deeper paths.
 */

export * from './bus/address-space.js';
export * from './bus/ram.js';
export * from './irq/irq.js';
export * from './time/scheduler.js';
export * from './events/events.js';
export * from './plugin/types.js';
export * from './plugin/registry.js';
export { builtinPlugin } from './plugin/builtin.js';
export * from './machine/console.js';
export * from './machine/machine.js';
export * from './machine/build.js';
export type { PartitionDeviceTreeProvider } from './cli/index.js';
export * from './util/errors.js';
export * from './fdt/index.js';
export * from './loaders/index.js';
export * from './config/index.js';
export * from './gdb/index.js';
export * from './events/mmio-trace.js';
export * from './events/trace-schema.js';

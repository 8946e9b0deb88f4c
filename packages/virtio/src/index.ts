/**
 * @tessera/virtio — virtio 1.2 devices (net, block, console) and the virtio-mmio and
 * virtio-pci transports.
 *
 * The queue logic (split virtqueues) and the device models are transport-independent; a
 * transport maps its registers onto {@link VirtioDevice} and delivers its interrupts.
 */

import { virtioPlugin } from './plugin.js';

export * from './queue/virtqueue.js';
export { SplitVirtqueue } from './queue/split.js';
export * from './queue/packed.js';
export * from './device.js';
export * from './mmio.js';
export * from './pci.js';
export * from './transport.js';
export * from './net.js';
export * from './blk.js';
export * from './console.js';
export { virtioMmioNet, virtioMmioBlk, virtioMmioConsole, virtioPciNet, virtioPciBlk, virtioPciConsole, type VirtioMmioApi, type VirtioPciApi } from './plugin.js';
export default virtioPlugin;
export * from './driver-model.js';
export { virtioMmioSlots, VirtioMmioPlaceholder, type VirtioMmioSlot, type VirtioMmioSlotsApi } from './slots.js';
export * from './pci-driver.js';

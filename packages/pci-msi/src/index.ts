/**
 * @tessera/pci-msi — PCI Express: an ECAM host bridge with bus-address windows, type 0
 * configuration space, BARs, MSI, MSI-X and INTx, and a small API for new PCI functions.
 */

import { defineComponent, definePlugin } from '@tessera/core';
import { createEcamHost, ecamHostSchema, type EcamHostOptions } from './host-ecam.js';
import { pciTest } from './test-device.js';

export * from './config-space.js';
export * from './function.js';
export { createEcamHost, ecamHostSchema, isPciHost, bdfName, type EcamHostOptions, type PciHostApi, type WindowOptions, type WindowKind } from './host-ecam.js';
export { pciTest, type PciTestOptions } from './test-device.js';

const pciHostEcam = defineComponent<EcamHostOptions>({
  description: 'Generic ECAM PCIe host bridge (pci-host-ecam-generic)',
  schema: ecamHostSchema,
  create: createEcamHost,
});

export default definePlugin({
  name: '@tessera/pci-msi',
  version: '0.1.0',
  description: 'PCI Express host bridge, functions, MSI/MSI-X and INTx',
  components: { 'pci-host-ecam': pciHostEcam, 'pci-test': pciTest },
});

/**
 * @tessera/pci-msi — not implemented yet; see README.md for what this package will hold.
 * It exports nothing so that no machine can mistake it for a working plugin.
 */
export {};

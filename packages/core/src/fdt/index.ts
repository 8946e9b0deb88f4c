export * from './node.js';
export * from './dtb.js';
export * from './dts.js';

export * from './elf.js';
export * from './load.js';
export * from './linux.js';

export * from './target.js';
export * from './server.js';
export * from './points.js';
export * from './registers.js';
export * from './memory.js';
export * from './cluster.js';
export * from './gdb-client.js';

export * from './schema-helpers.js';
export * from './types.js';

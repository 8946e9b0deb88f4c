export * from './target.js';
export * from './server.js';

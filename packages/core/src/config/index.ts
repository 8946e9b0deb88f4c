export * from './schema-helpers.js';
export * from './types.js';
export { loadMachine, loadBody, machineBodySchema, type CliOverrides, type LoadOptions, type BodyContext } from './loader.js';
export { PositionMap, parseYamlSource, type ParsedSource } from './source.js';
export { validateValue, didYouMean, type CoercionScope } from './validate.js';
export { composeSchema } from './compose.js';
export { loadSystem, isSystemFile, systemSchema } from './system.js';

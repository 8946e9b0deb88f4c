/**
 * The machine-file JSON Schema for editors (the YAML language server's `$schema` comment).
 *
 * Composed from the static top-level schema and every component type of the given plugins.
 * `x-tessera` annotations become plain JSON Schema (draft-07) that editors understand: an
 * address or size is an integer or text in the accepted notation, a frequency likewise.
 * Components are a map whose values are chosen by `type` with `if`/`then`, so an editor
 * completes the options of the type written.
 */

import type { PluginRegistry } from '../plugin/registry.js';
import type { JsonSchema } from '../plugin/types.js';
import { machineBodySchema } from './loader.js';

const SIZE_PATTERN = '^\\s*(0x[0-9a-fA-F_]+|0b[01_]+|0o[0-7_]+|[0-9][0-9_]*(\\.[0-9]+)?)\\s*([kmgtKMGT](i?[bB])?)?\\s*$';
const FREQ_PATTERN = '^\\s*[0-9][0-9_]*(\\.[0-9]+)?\\s*([kKmMgG])?([hH][zZ])?\\s*$';

/** Rewrite `x-tessera` annotations (anywhere in `schema`) into plain JSON Schema. */
export function plainSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(plainSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'x-tessera' || k === 'x-tessera-api' || k === 'x-tessera-link') continue;
    // Keywords whose values are maps of names to schemas, or schemas, or lists of schemas.
    out[k] = k === 'enum' || k === 'const' || k === 'default' || k === 'examples' || k === 'required' ? v : plainSchema(v);
  }
  const kind = s['x-tessera'];
  const description = typeof s.description === 'string' ? { description: s.description } : {};
  switch (kind) {
    case 'address':
    case 'size':
      return { ...description, anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: SIZE_PATTERN }] };
    case 'frequency':
      return { ...description, anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: FREQ_PATTERN }] };
    default:
      return out;
  }
}

/**
 * The whole machine-file schema for the component types of `plugins` (package names as
 * registered; default: every plugin the registry holds).
 */
export function composeSchema(registry: PluginRegistry, plugins?: readonly string[]): JsonSchema {
  const seen = new Set<unknown>();
  const branches: JsonSchema[] = [];
  const typeNames: string[] = [];
  const count = new Map<string, number>();
  const chosen = registry.all.filter((p) => {
    if (seen.has(p)) return false;
    seen.add(p);
    return plugins === undefined || p.name === '@tessera/core' || plugins.includes(p.name);
  });
  for (const p of chosen) for (const t of Object.keys(p.components)) count.set(t, (count.get(t) ?? 0) + 1);
  for (const p of chosen) {
    for (const [t, type] of Object.entries(p.components).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const written = count.get(t)! > 1 ? [`${p.name}#${t}`] : [t, `${p.name}#${t}`];
      typeNames.push(...written);
      const opts = plainSchema(type.schema) as Record<string, unknown>;
      const props = { type: { enum: written, description: `${type.description} (${p.name})` }, ...((opts.properties as Record<string, unknown> | undefined) ?? {}) };
      branches.push({
        if: { properties: { type: { enum: written } }, required: ['type'] },
        then: { ...opts, type: 'object', properties: props, description: type.description },
      });
    }
  }
  // Link types (a multi-machine file's `links:`), chosen by `type` the same way.
  const linkBranches: JsonSchema[] = [];
  const linkNames: string[] = [];
  const linkCount = new Map<string, number>();
  for (const p of chosen) for (const t of Object.keys(p.links ?? {})) linkCount.set(t, (linkCount.get(t) ?? 0) + 1);
  for (const p of chosen) {
    for (const [t, type] of Object.entries(p.links ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const written = linkCount.get(t)! > 1 ? [`${p.name}#${t}`] : [t, `${p.name}#${t}`];
      linkNames.push(...written);
      const opts = plainSchema(type.schema) as Record<string, unknown>;
      const props = { type: { enum: written, description: `${type.description} (${p.name})` }, ...((opts.properties as Record<string, unknown> | undefined) ?? {}) };
      linkBranches.push({
        if: { properties: { type: { enum: written } }, required: ['type'] },
        then: { ...opts, type: 'object', properties: props, description: type.description },
      });
    }
  }
  const top = plainSchema(machineBodySchema) as Record<string, unknown>;
  const topProps = { ...(top.properties as Record<string, unknown>) };
  topProps.include = {
    description: 'machine files merged first (by component name, last wins)',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  };
  topProps.components = {
    type: 'object',
    description: 'components by name: `type` plus that type\'s options; creation order follows references, then file order',
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' },
    additionalProperties: {
      oneOf: [
        { type: 'null', description: 'delete a component defined in an included file' },
        {
          type: 'object',
          properties: { type: { type: 'string', enum: typeNames, description: 'component type' } },
          allOf: branches,
        },
      ],
    },
  };
  // A machine entry of a multi-machine file is a machine body whose components may all come
  // from its includes.
  const machineEntry = {
    type: 'object',
    additionalProperties: false,
    description: 'a machine: a machine file\'s body (include:, plugins:, components:, ...); its key is its name',
    properties: { ...topProps, components: { $ref: '#/properties/components' } },
  };
  const single = Object.keys(topProps);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Tessera machine file',
    ...top,
    required: [],
    properties: {
      ...topProps,
      links: {
        type: 'object',
        description: 'multi-machine files: links between the machines by name (`type` plus that link type\'s options)',
        propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' },
        additionalProperties: {
          type: 'object',
          required: ['type'],
          // With no plugin declaring link types, no `type` is valid.
          properties: { type: linkNames.length > 0 ? { type: 'string', enum: linkNames, description: 'link type' } : { not: {}, description: 'link type (no plugin in use declares one)' } },
          ...(linkBranches.length > 0 ? { allOf: linkBranches } : {}),
        },
      },
      machines: {
        type: 'object',
        minProperties: 1,
        description: 'multi-machine files: machines by name, each a machine body that may include machine files',
        propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' },
        additionalProperties: { $ref: '#/definitions/machine' },
      },
    },
    definitions: { machine: machineEntry },
    // One machine (components:) or several (machines: + links:), never both.
    if: { required: ['machines'] },
    then: { properties: Object.fromEntries(single.filter((k) => !['name', 'description', 'plugins'].includes(k)).map((k) => [k, false])) },
    else: { required: ['components'], properties: { links: false } },
  };
}

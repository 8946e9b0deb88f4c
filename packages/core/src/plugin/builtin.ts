/**
 * Component types every machine has without naming a plugin: memory.
 */

import { address, file, size } from '../config/schema-helpers.js';
import type { Component, ComponentContext, Plugin } from './types.js';
import { definePlugin, defineComponent } from './types.js';
import { SimError } from '../util/errors.js';

interface MemoryOptions {
  base: number;
  size: number;
  /** Describe it in the device tree as a `memory` node (RAM only). */
  'device-tree'?: boolean;
}

interface RomOptions {
  base: number;
  size: number;
  image?: string;
}

const ram = defineComponent<MemoryOptions>({
  description: 'RAM: flat memory that CPUs reach without a call per access',
  schema: {
    type: 'object',
    required: ['base', 'size'],
    additionalProperties: false,
    properties: {
      base: address('physical base address'),
      size: size('size in bytes, e.g. 512MiB'),
      'device-tree': { type: 'boolean', description: 'add a /memory node (default true)' },
    },
  },
  create(ctx: ComponentContext, o: MemoryOptions): Component {
    const region = ctx.system.addRam(ctx.name, o.base, o.size);
    return {
      api: region,
      reset() {
        region.u8.fill(0);
        region.noteWrite(0, region.size);
      },
      deviceTree(dt) {
        if (o['device-tree'] === false) return;
        const n = dt.root.child(`memory@${o.base.toString(16)}`);
        n.str('device_type', 'memory');
        n.reg([o.base, o.size]);
      },
    };
  },
});

const rom = defineComponent<RomOptions>({
  description: 'ROM: read-only memory, optionally loaded from an image file',
  schema: {
    type: 'object',
    required: ['base', 'size'],
    additionalProperties: false,
    properties: {
      base: address('physical base address'),
      size: size('size in bytes'),
      image: file('raw image copied to the start of the ROM'),
    },
  },
  create(ctx: ComponentContext, o: RomOptions): Component {
    const region = ctx.system.addRam(ctx.name, o.base, o.size, { readonly: true });
    const image = o.image !== undefined ? ctx.readFile(o.image, 'ROM image') : undefined;
    if (image !== undefined && image.length > o.size) {
      throw new SimError(`ROM image '${o.image}' (${image.length} bytes) is larger than '${ctx.name}' (${o.size} bytes)`);
    }
    return {
      api: region,
      reset() {
        region.u8.fill(0);
        if (image !== undefined) region.load(0, image);
      },
    };
  },
});

export const builtinPlugin: Plugin = definePlugin({
  name: '@tessera/core',
  version: '0.1.0',
  description: 'built-in memory types',
  components: { ram, rom },
});

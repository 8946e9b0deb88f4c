/**
 * @tessera/uart — serial ports: NS16550A and Arm PL011.
 *
 * Component types: `ns16550a`, `pl011`.
 */

import { address, defineComponent, definePlugin, frequency, irq, type Component, type IrqRef } from '@tessera/core';
import { Ns16550a } from './ns16550a.js';
import { Pl011 } from './pl011.js';

export * from './ns16550a.js';
export * from './pl011.js';

interface Ns16550aComponentOptions {
  base: number;
  irq?: IrqRef;
  console?: string;
  'reg-shift'?: number;
  'reg-io-width'?: number;
  'clock-frequency'?: number;
}

const ns16550a = defineComponent<Ns16550aComponentOptions>({
  description: 'NS16550A UART: 16-byte FIFOs, DLAB, THRE/RDA/timeout/line-status interrupts',
  schema: {
    type: 'object',
    required: ['base'],
    additionalProperties: false,
    properties: {
      base: address('physical base address (QEMU virt: 0x10000000)'),
      irq: irq('interrupt output, e.g. plic:10'),
      console: { type: 'string', description: 'console backend: stdio (default), file:PATH, none, capture' },
      'reg-shift': { type: 'integer', minimum: 0, maximum: 3, description: 'register stride is 1 << reg-shift bytes (default 0)' },
      'reg-io-width': { enum: [1, 4], description: 'access width the DT advertises (default 1)' },
      'clock-frequency': frequency('input clock (default 3.6864MHz, as QEMU virt)'),
    },
  },
  create(ctx, o): Component {
    const shift = o['reg-shift'] ?? 0;
    const clock = o['clock-frequency'] ?? 3_686_400;
    const port = ctx.console(o.console ?? 'stdio');
    const line = o.irq !== undefined ? ctx.irq(o.irq) : undefined;
    const dev = new Ns16550a({ regShift: shift, clock, port, irq: line, scheduler: ctx.scheduler });
    const size = Math.max(0x100, 8 << shift);
    ctx.system.addMmio(ctx.name, o.base, size, dev);
    return {
      api: { port, device: dev },
      reset: () => dev.reset(),
      deviceTree(dt) {
        const n = dt.soc.child(`serial@${o.base.toString(16)}`);
        n.str('compatible', 'ns16550a');
        n.reg([o.base, size]);
        n.cells('clock-frequency', clock);
        if (shift !== 0) n.cells('reg-shift', shift);
        if (o['reg-io-width'] !== undefined) n.cells('reg-io-width', o['reg-io-width']);
        if (o.irq !== undefined) dt.interrupts(n, o.irq);
        dt.register(n);
      },
    };
  },
});

interface Pl011ComponentOptions {
  base: number;
  irq?: IrqRef;
  console?: string;
  'clock-frequency'?: number;
}

const pl011 = defineComponent<Pl011ComponentOptions>({
  description: 'Arm PrimeCell UART (PL011) with PeriphID/CellID, FIFOs and interrupts',
  schema: {
    type: 'object',
    required: ['base'],
    additionalProperties: false,
    properties: {
      base: address('physical base address (QEMU arm virt: 0x09000000)'),
      irq: irq('interrupt output, e.g. gic:33'),
      console: { type: 'string', description: 'console backend: stdio (default), file:PATH, none, capture' },
      'clock-frequency': frequency('UARTCLK and APB clock (default 24MHz, as QEMU arm virt)'),
    },
  },
  create(ctx, o): Component {
    const clock = o['clock-frequency'] ?? 24_000_000;
    const port = ctx.console(o.console ?? 'stdio');
    const line = o.irq !== undefined ? ctx.irq(o.irq) : undefined;
    const dev = new Pl011({ port, irq: line, scheduler: ctx.scheduler, clock });
    ctx.system.addMmio(ctx.name, o.base, 0x1000, dev);
    return {
      api: { port, device: dev },
      reset: () => dev.reset(),
      deviceTree(dt) {
        // QEMU describes the UART clock as a fixed clock at the root, `apb-pclk`.
        const clk = dt.root.child('apb-pclk');
        if (clk.props.size === 0) {
          clk.str('compatible', 'fixed-clock').cells('#clock-cells', 0).cells('clock-frequency', clock).str('clock-output-names', 'clk24mhz');
        }
        const ph = clk.phandle();
        const n = dt.soc.child(`pl011@${o.base.toString(16)}`);
        n.strs('compatible', 'arm,pl011', 'arm,primecell');
        n.reg([o.base, 0x1000]);
        n.cells('clocks', ph, ph);
        n.strs('clock-names', 'uartclk', 'apb_pclk');
        if (o.irq !== undefined) dt.interrupts(n, o.irq);
        dt.register(n);
      },
    };
  },
});

export default definePlugin({
  name: '@tessera/uart',
  version: '0.1.0',
  description: 'serial ports: NS16550A and Arm PL011',
  components: { ns16550a, pl011 },
});

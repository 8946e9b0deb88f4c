/**
 * PL031 real-time clock (Arm DDI 0224C): a seconds counter, match register and interrupt,
 * enough for Linux's rtc-pl031 and U-Boot. The count is derived from virtual time plus the
 * load value, so runs stay deterministic (the start time is an option, default 0 = 1970).
 */

import { address, defineComponent, irq, type Component, type ComponentContext, type IrqLine, type IrqRef, type MmioAccess, type MmioDevice, type Scheduler } from '@tessera/core';

export interface Pl031Options {
  base: number;
  irq?: IrqRef;
  /** Seconds since the epoch at time 0 (default 0). */
  epoch?: number;
}

const ID = [0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

export class Pl031 implements MmioDevice {
  private offset = 0;
  private match = 0;
  private imsc = 0;
  private ris = 0;
  private readonly timer;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly line: IrqLine | undefined,
    private readonly epoch: number,
  ) {
    this.timer = scheduler.timer(() => {
      this.ris = 1;
      this.update();
    });
  }

  private now(): number {
    return (Math.floor(this.scheduler.now() / 1e9) + this.epoch + this.offset) >>> 0;
  }

  private update(): void {
    this.line?.set((this.ris & this.imsc) !== 0);
  }

  private arm(): void {
    const delta = (this.match - this.now()) >>> 0;
    const t = (Math.floor(this.scheduler.now() / 1e9) + (delta === 0 ? 2 ** 32 : delta)) * 1e9;
    if (t < 2 ** 53) this.timer.setAt(t);
  }

  read(off: number, _size?: 1 | 2 | 4, _access?: MmioAccess): number {
    if (off >= 0xfe0 && off < 0x1000) return ID[(off - 0xfe0) >> 2] ?? 0;
    switch (off) {
      case 0x00: // RTCDR
        return this.now();
      case 0x04: // RTCMR
        return this.match;
      case 0x08: // RTCLR
        return (this.now() - 0) >>> 0;
      case 0x0c: // RTCCR: always started
        return 1;
      case 0x10:
        return this.imsc;
      case 0x14:
        return this.ris;
      case 0x18:
        return this.ris & this.imsc;
      default:
        return 0;
    }
  }

  write(off: number, _size: 1 | 2 | 4, v: number, _access?: MmioAccess): void {
    switch (off) {
      case 0x04:
        this.match = v >>> 0;
        this.arm();
        break;
      case 0x08:
        this.offset = (v - (Math.floor(this.scheduler.now() / 1e9) + this.epoch)) >>> 0;
        this.arm();
        break;
      case 0x10:
        this.imsc = v & 1;
        this.update();
        break;
      case 0x1c:
        if (v & 1) this.ris = 0;
        this.update();
        break;
      default:
        break;
    }
  }

  reset(): void {
    this.offset = 0;
    this.match = 0;
    this.imsc = 0;
    this.ris = 0;
    this.timer.cancel();
    this.update();
  }
}

export const pl031 = defineComponent<Pl031Options>({
  description: 'Arm PL031 real-time clock',
  schema: {
    type: 'object',
    required: ['base'],
    additionalProperties: false,
    properties: {
      base: address('MMIO base (4 KiB)'),
      irq: irq('interrupt output'),
      epoch: { type: 'integer', minimum: 0, description: 'seconds since 1970 at virtual time 0' },
    },
  },
  create(ctx: ComponentContext, o: Pl031Options): Component {
    const line = o.irq !== undefined ? ctx.irq(o.irq) : undefined;
    const dev = new Pl031(ctx.scheduler, line, o.epoch ?? 0);
    ctx.system.addMmio(ctx.name, o.base, 0x1000, dev);
    return {
      api: dev,
      reset: () => dev.reset(),
      deviceTree(dt) {
        const n = dt.soc.child(`pl031@${o.base.toString(16)}`);
        n.strs('compatible', 'arm,pl031', 'arm,primecell').reg([o.base, 0x1000]);
        const clk = dt.root.child('apb-pclk');
        if (clk.props.size === 0) clk.str('compatible', 'fixed-clock').cells('#clock-cells', 0).cells('clock-frequency', 24_000_000).str('clock-output-names', 'clk24mhz');
        n.cells('clocks', clk.phandle()).str('clock-names', 'apb_pclk');
        if (o.irq !== undefined) dt.interrupts(n, o.irq);
      },
    };
  },
});

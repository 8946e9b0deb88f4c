/**
 * GICv2m MSI frame (Arm Server Base System Architecture, GICv2m appendix; Linux
 * `arm,gic-v2m-frame`): a 4 KiB frame whose MSI_SETSPI_NS register turns a write of an
 * SPI number into an edge on that SPI of the GIC. The frame only raises SPIs in
 * [base, base + count); any other value is ignored with a `gic.error`.
 */

import type { IrqInput, MmioDevice } from '@tessera/core';
import type { GicErrorReporter } from './gicv2.js';

export const V2M_MSI_TYPER = 0x008;
export const V2M_MSI_SETSPI_NS = 0x040;
export const V2M_MSI_IIDR = 0xfcc;
export const V2M_FRAME_SIZE = 0x1000;

export class GicV2m {
  readonly device: MmioDevice;
  onError: GicErrorReporter = () => {};
  /** MSIs delivered (statistics). */
  delivered = 0;

  constructor(
    readonly spiBase: number,
    readonly spiCount: number,
    /** The GIC input of SPI `intid`. */
    private readonly spiInput: (intid: number) => IrqInput | undefined,
  ) {
    this.device = {
      read: (o, s) => this.read(o, s),
      write: (o, s, v) => this.write(o, s, v),
    };
  }

  private read(off: number, size: number): number {
    if (size !== 4) return 0;
    // MSI_TYPER: first SPI [25:16], number of SPIs [9:0].
    if (off === V2M_MSI_TYPER) return ((this.spiBase & 0x3ff) << 16) | (this.spiCount & 0x3ff);
    if (off === V2M_MSI_IIDR) return 0x0000043b;
    return 0;
  }

  private write(off: number, size: number, value: number): void {
    if (off !== V2M_MSI_SETSPI_NS) {
      this.onError('GICv2m write to a register other than MSI_SETSPI_NS ignored', { offset: off, value });
      return;
    }
    if (size !== 4 && size !== 2) return;
    const spi = value & 0x3ff;
    if (spi < this.spiBase || spi >= this.spiBase + this.spiCount) {
      this.onError('GICv2m MSI for an SPI outside the frame ignored', { spi });
      return;
    }
    const input = this.spiInput(spi);
    if (input === undefined) {
      this.onError('GICv2m MSI for an SPI the GIC does not implement ignored', { spi });
      return;
    }
    // The frame signals an edge; the SPI must be configured edge-triggered (as Linux does).
    input(true);
    input(false);
    this.delivered++;
  }
}

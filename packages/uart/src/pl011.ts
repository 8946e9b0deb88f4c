/**
 * Arm PrimeCell UART PL011 (ARM DDI 0183G, PrimeCell UART (PL011) Technical Reference
 * Manual r1p5), enough for U-Boot's pl01x driver and Linux's amba-pl011 driver.
 *
 * Transmission is instantaneous: DR writes go to the console at once, the transmit FIFO always
 * reads empty (FR.TXFE set, BUSY clear) and the transmit interrupt is raised after each write
 * (TRM §3.4.2: UARTTXINTR asserts when the FIFO drains to its trigger level), as QEMU does; it
 * is cleared by writing ICR. Reception uses a 32-entry FIFO (1 entry when LCR_H.FEN is clear)
 * with the receive interrupt at the IFLS trigger level and the receive-timeout interrupt
 * after 32 bit periods of silence (TRM §3.4.3).
 */

import type { ConsolePort, IrqLine, MmioAccess, MmioDevice, Scheduler, Timer } from '@tessera/core';

export const UARTDR = 0x000;
export const UARTRSR = 0x004;
export const UARTFR = 0x018;
export const UARTILPR = 0x020;
export const UARTIBRD = 0x024;
export const UARTFBRD = 0x028;
export const UARTLCR_H = 0x02c;
export const UARTCR = 0x030;
export const UARTIFLS = 0x034;
export const UARTIMSC = 0x038;
export const UARTRIS = 0x03c;
export const UARTMIS = 0x040;
export const UARTICR = 0x044;
export const UARTDMACR = 0x048;

export const FR_CTS = 1 << 0;
export const FR_BUSY = 1 << 3;
export const FR_RXFE = 1 << 4;
export const FR_TXFF = 1 << 5;
export const FR_RXFF = 1 << 6;
export const FR_TXFE = 1 << 7;

export const INT_RX = 1 << 4;
export const INT_TX = 1 << 5;
export const INT_RT = 1 << 6;
export const INT_OE = 1 << 10;

const LCR_H_FEN = 1 << 4;
const CR_LBE = 1 << 7;
const FIFO_DEPTH = 32;
/** IFLS trigger levels in eighths: 1/8, 1/4, 1/2, 3/4, 7/8 of the 32-entry FIFO. */
const TRIGGER = [4, 8, 16, 24, 28];

/** PeriphID0..3 (PL011 r1p5: part 0x011, designer 0x41 'A', revision 3) and the PrimeCell CellID. */
const ID = [0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

export interface Pl011Options {
  port: ConsolePort;
  irq: IrqLine | undefined;
  scheduler: Scheduler;
  /** UARTCLK in Hz (for the receive timeout). */
  clock: number;
}

export class Pl011 implements MmioDevice {
  private readonly rx = new Uint16Array(FIFO_DEPTH);
  private rxHead = 0;
  private rxCount = 0;
  private hostQueue: number[] = [];
  private rsr = 0;
  private ilpr = 0;
  private ibrd = 0;
  private fbrd = 0;
  private lcrH = 0;
  private cr = 0x300;
  private ifls = 0x12;
  private imsc = 0;
  private ris = 0;
  private dmacr = 0;
  private readonly timer: Timer;
  txCount = 0;

  constructor(private readonly o: Pl011Options) {
    this.timer = o.scheduler.timer(() => {
      if (this.rxCount > 0) {
        this.ris |= INT_RT;
        this.update();
      }
    });
    o.port.onInput((b) => {
      this.hostQueue.push(b & 0xff);
      this.refill();
      this.update();
    });
  }

  reset(): void {
    this.rxHead = 0;
    this.rxCount = 0;
    this.rsr = 0;
    this.ilpr = 0;
    this.ibrd = 0;
    this.fbrd = 0;
    this.lcrH = 0;
    this.cr = 0x300; // TXE and RXE set at reset (TRM §3.3.8)
    this.ifls = 0x12; // half-full triggers
    this.imsc = 0;
    this.ris = 0;
    this.dmacr = 0;
    this.timer.cancel();
    this.refill();
    this.update();
  }

  private get depth(): number {
    return (this.lcrH & LCR_H_FEN) !== 0 ? FIFO_DEPTH : 1;
  }

  private get rxTrigger(): number {
    return (this.lcrH & LCR_H_FEN) !== 0 ? TRIGGER[(this.ifls >>> 3) & 7] ?? 16 : 1;
  }

  private refill(): void {
    let moved = false;
    while (this.hostQueue.length > 0 && this.rxCount < this.depth) {
      this.push(this.hostQueue.shift()!);
      moved = true;
    }
    if (moved) this.rxEvent();
  }

  private push(b: number): void {
    if (this.rxCount >= this.depth) {
      this.ris |= INT_OE;
      this.rsr |= 0x8;
      return;
    }
    this.rx[(this.rxHead + this.rxCount) % FIFO_DEPTH] = b;
    this.rxCount++;
  }

  /** Receive-interrupt bookkeeping after the RX FIFO level changed. */
  private rxEvent(): void {
    if (this.rxCount >= this.rxTrigger) this.ris |= INT_RX;
    else this.ris &= ~INT_RX;
    if (this.rxCount === 0) {
      this.ris &= ~INT_RT;
      this.timer.cancel();
    } else {
      // Timeout: 32 bit periods; a bit period is 16 UARTCLK cycles per baud divisor unit.
      const divisor = this.ibrd + this.fbrd / 64 || 1;
      this.timer.setAfter((32 * 16 * divisor * 1e9) / this.o.clock);
    }
  }

  private update(): void {
    this.o.irq?.set((this.ris & this.imsc) !== 0);
  }

  read(offset: number, _size: 1 | 2 | 4, _access: MmioAccess): number {
    if (offset >= 0xfe0 && offset < 0x1000) return ID[(offset - 0xfe0) >>> 2]!;
    let v = 0;
    switch (offset) {
      case UARTDR:
        if (this.rxCount > 0) {
          v = this.rx[this.rxHead]!;
          this.rxHead = (this.rxHead + 1) % FIFO_DEPTH;
          this.rxCount--;
          this.ris &= ~INT_RT;
          this.refill();
          this.rxEvent();
        }
        break;
      case UARTRSR:
        v = this.rsr;
        break;
      case UARTFR:
        v = FR_TXFE | FR_CTS | (this.rxCount === 0 ? FR_RXFE : 0) | (this.rxCount >= this.depth ? FR_RXFF : 0);
        break;
      case UARTILPR:
        v = this.ilpr;
        break;
      case UARTIBRD:
        v = this.ibrd;
        break;
      case UARTFBRD:
        v = this.fbrd;
        break;
      case UARTLCR_H:
        v = this.lcrH;
        break;
      case UARTCR:
        v = this.cr;
        break;
      case UARTIFLS:
        v = this.ifls;
        break;
      case UARTIMSC:
        v = this.imsc;
        break;
      case UARTRIS:
        v = this.ris;
        break;
      case UARTMIS:
        v = this.ris & this.imsc;
        break;
      case UARTDMACR:
        v = this.dmacr;
        break;
      default:
        v = 0;
    }
    this.update();
    return v;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number, _access: MmioAccess): void {
    switch (offset) {
      case UARTDR: {
        const b = value & 0xff;
        this.txCount++;
        if ((this.cr & CR_LBE) !== 0) {
          this.push(b);
          this.rxEvent();
        } else this.o.port.write([b]);
        this.ris |= INT_TX;
        break;
      }
      case UARTRSR:
        this.rsr = 0; // any write to ECR clears the error flags
        break;
      case UARTILPR:
        this.ilpr = value & 0xff;
        break;
      case UARTIBRD:
        this.ibrd = value & 0xffff;
        break;
      case UARTFBRD:
        this.fbrd = value & 0x3f;
        break;
      case UARTLCR_H: {
        const before = this.lcrH;
        this.lcrH = value & 0xff;
        if (((before ^ this.lcrH) & LCR_H_FEN) !== 0) {
          // Changing FIFO mode flushes the receive FIFO (as QEMU).
          this.rxHead = 0;
          this.rxCount = 0;
          this.refill();
          this.rxEvent();
        }
        break;
      }
      case UARTCR:
        this.cr = value & 0xffff;
        break;
      case UARTIFLS:
        this.ifls = value & 0x3f;
        this.rxEvent();
        break;
      case UARTIMSC:
        this.imsc = value & 0x7ff;
        break;
      case UARTICR:
        this.ris &= ~(value & 0x7ff);
        break;
      case UARTDMACR:
        this.dmacr = value & 7;
        break;
      default:
        break;
    }
    this.update();
  }
}

/**
 * NS16550A UART (National Semiconductor PC16550D datasheet; the 8250 family's register set).
 *
 * | idx | read                | write              | DLAB=1     |
 * |-----|---------------------|--------------------|------------|
 * | 0   | RBR receive buffer  | THR transmit       | DLL        |
 * | 1   | IER                 | IER                | DLM        |
 * | 2   | IIR                 | FCR                |            |
 * | 3   | LCR                 | LCR                |            |
 * | 4   | MCR                 | MCR                |            |
 * | 5   | LSR                 | (ignored)          |            |
 * | 6   | MSR                 | (ignored)          |            |
 * | 7   | SCR                 | SCR                |            |
 *
 * Register index = offset >> reg-shift. Transmission is instantaneous: a byte written to THR
 * goes to the console at once and THR/TSR read empty again (LSR.THRE and TEMT stay set), and
 * the THRE interrupt is raised as the datasheet describes for an emptied THR. This is what
 * QEMU does too, and it is what OpenSBI, U-Boot and Linux's 8250 driver are happy with:
 * they either poll THRE or wait for the THRE interrupt, neither of which needs a baud-rate
 * delay. Reception honours the baud rate only for the character-timeout interrupt
 * (4 character times, datasheet "FIFO Interrupt Mode Operation").
 */

import type { ConsolePort, IrqLine, MmioAccess, MmioDevice, Scheduler, Timer } from '@tessera/core';

export const UART_IER_ERBFI = 0x01;
export const UART_IER_ETBEI = 0x02;
export const UART_IER_ELSI = 0x04;
export const UART_IER_EDSSI = 0x08;

export const UART_IIR_NO_INT = 0x01;
export const UART_IIR_MSI = 0x00;
export const UART_IIR_THRI = 0x02;
export const UART_IIR_RDI = 0x04;
export const UART_IIR_RLSI = 0x06;
export const UART_IIR_CTI = 0x0c;
export const UART_IIR_FIFO_ENABLED = 0xc0;

export const UART_FCR_ENABLE = 0x01;
export const UART_FCR_CLEAR_RCVR = 0x02;
export const UART_FCR_CLEAR_XMIT = 0x04;

export const UART_LCR_DLAB = 0x80;
export const UART_MCR_LOOP = 0x10;

export const UART_LSR_DR = 0x01;
export const UART_LSR_OE = 0x02;
export const UART_LSR_PE = 0x04;
export const UART_LSR_FE = 0x08;
export const UART_LSR_BI = 0x10;
export const UART_LSR_THRE = 0x20;
export const UART_LSR_TEMT = 0x40;
export const UART_LSR_FIFOE = 0x80;

export const UART_MSR_DCTS = 0x01;
export const UART_MSR_DDSR = 0x02;
export const UART_MSR_TERI = 0x04;
export const UART_MSR_DDCD = 0x08;
export const UART_MSR_CTS = 0x10;
export const UART_MSR_DSR = 0x20;
export const UART_MSR_RI = 0x40;
export const UART_MSR_DCD = 0x80;

const FIFO_SIZE = 16;
const RX_TRIGGER = [1, 4, 8, 14];

export interface Ns16550aOptions {
  regShift: number;
  /** Input clock (Hz); the baud rate is clock / (16 * divisor). */
  clock: number;
  port: ConsolePort;
  irq: IrqLine | undefined;
  scheduler: Scheduler;
}

export class Ns16550a implements MmioDevice {
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private lsr = 0;
  private msr = 0;
  private scr = 0;
  private fcr = 0;
  private dll = 0;
  private dlm = 0;
  /** THRE interrupt pending (set when THR empties, cleared by reading IIR or writing THR). */
  private thrIpending = false;
  /** Character-timeout condition (RX FIFO not empty and idle for 4 character times). */
  private timeoutPending = false;
  private readonly rx = new Uint16Array(FIFO_SIZE);
  private rxHead = 0;
  private rxCount = 0;
  /** Host input the FIFO has no room for yet (the console is flow-controlled, as QEMU's chardev). */
  private hostQueue: number[] = [];
  private readonly rxTimer: Timer;
  private readonly regShift: number;
  private readonly clock: number;
  private readonly port: ConsolePort;
  private readonly irqLine: IrqLine | undefined;
  private readonly scheduler: Scheduler;
  /** Transmitted bytes, for statistics. */
  txCount = 0;

  constructor(o: Ns16550aOptions) {
    this.regShift = o.regShift;
    this.clock = o.clock;
    this.port = o.port;
    this.irqLine = o.irq;
    this.scheduler = o.scheduler;
    this.rxTimer = o.scheduler.timer(() => this.onRxTimeout());
    o.port.onInput((b) => this.receive(b));
  }

  reset(): void {
    this.ier = 0;
    this.lcr = 0;
    this.mcr = 0;
    this.lsr = UART_LSR_THRE | UART_LSR_TEMT;
    // No modem on the other end: report carrier, data set ready and clear to send, as QEMU does.
    this.msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    this.scr = 0;
    this.fcr = 0;
    this.dll = 0x0c; // 9600 baud at 1.8432 MHz, the PC default
    this.dlm = 0;
    this.thrIpending = false;
    this.timeoutPending = false;
    this.rxHead = 0;
    this.rxCount = 0;
    this.rxTimer.cancel();
    this.refill();
    this.update();
  }

  private get fifoEnabled(): boolean {
    return (this.fcr & UART_FCR_ENABLE) !== 0;
  }

  private get rxCapacity(): number {
    return this.fifoEnabled ? FIFO_SIZE : 1;
  }

  /** Nanoseconds per character (start + data + parity + stop bits at the programmed rate). */
  charTimeNs(): number {
    const divisor = (this.dlm << 8) | this.dll || 1;
    const bits = 1 + 5 + (this.lcr & 3) + ((this.lcr & 0x08) !== 0 ? 1 : 0) + ((this.lcr & 0x04) !== 0 ? 2 : 1);
    return (bits * 16 * divisor * 1e9) / this.clock;
  }

  /** A byte from the host. */
  receive(byte: number): void {
    this.hostQueue.push(byte & 0xff);
    this.refill();
    this.update();
  }

  /** Move host input into the RX FIFO while it has room. */
  private refill(): void {
    let moved = false;
    while (this.hostQueue.length > 0 && this.rxCount < this.rxCapacity) {
      this.pushRx(this.hostQueue.shift()!);
      moved = true;
    }
    if (moved) this.armTimeout();
  }

  private pushRx(b: number): void {
    if (this.rxCount >= this.rxCapacity) {
      this.lsr |= UART_LSR_OE;
      return;
    }
    this.rx[(this.rxHead + this.rxCount) % FIFO_SIZE] = b;
    this.rxCount++;
    this.lsr |= UART_LSR_DR;
  }

  private armTimeout(): void {
    this.timeoutPending = false;
    if (this.fifoEnabled && this.rxCount > 0) this.rxTimer.setAfter(4 * this.charTimeNs());
    else this.rxTimer.cancel();
  }

  private onRxTimeout(): void {
    if (this.fifoEnabled && this.rxCount > 0) {
      this.timeoutPending = true;
      this.update();
    }
  }

  private popRx(): number {
    if (this.rxCount === 0) return 0;
    const b = this.rx[this.rxHead]!;
    this.rxHead = (this.rxHead + 1) % FIFO_SIZE;
    this.rxCount--;
    if (this.rxCount === 0) this.lsr &= ~UART_LSR_DR;
    this.refill();
    this.armTimeout();
    return b;
  }

  private transmit(b: number): void {
    this.txCount++;
    if ((this.mcr & UART_MCR_LOOP) !== 0) {
      // Loopback: the transmitter feeds the receiver (datasheet, MCR bit 4).
      this.pushRx(b);
      this.armTimeout();
    } else {
      this.port.write([b]);
    }
    // THR empties at once; an emptied THR raises the THRE interrupt.
    this.lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    this.thrIpending = true;
  }

  /** The highest-priority interrupt identification (datasheet Table 4), or NO_INT. */
  private iirId(): number {
    if ((this.ier & UART_IER_ELSI) !== 0 && (this.lsr & (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)) !== 0) return UART_IIR_RLSI;
    if ((this.ier & UART_IER_ERBFI) !== 0) {
      const trig = this.fifoEnabled ? RX_TRIGGER[this.fcr >>> 6]! : 1;
      if (this.rxCount >= trig) return UART_IIR_RDI;
      if (this.timeoutPending && this.rxCount > 0) return UART_IIR_CTI;
    }
    if ((this.ier & UART_IER_ETBEI) !== 0 && this.thrIpending) return UART_IIR_THRI;
    if ((this.ier & UART_IER_EDSSI) !== 0 && (this.msr & 0x0f) !== 0) return UART_IIR_MSI;
    return UART_IIR_NO_INT;
  }

  private update(): void {
    this.irqLine?.set(this.iirId() !== UART_IIR_NO_INT);
  }

  read(offset: number, size: 1 | 2 | 4, _access: MmioAccess): number {
    const reg = (offset >>> this.regShift) & 7;
    if ((offset & ((1 << this.regShift) - 1)) !== 0) return 0;
    let v = 0;
    switch (reg) {
      case 0:
        if ((this.lcr & UART_LCR_DLAB) !== 0) v = this.dll;
        else {
          v = this.popRx();
          this.timeoutPending = false;
        }
        break;
      case 1:
        v = (this.lcr & UART_LCR_DLAB) !== 0 ? this.dlm : this.ier;
        break;
      case 2: {
        const id = this.iirId();
        v = id | (this.fifoEnabled ? UART_IIR_FIFO_ENABLED : 0);
        // Reading IIR while it reports THRE clears that interrupt (datasheet Table 4).
        if (id === UART_IIR_THRI) this.thrIpending = false;
        break;
      }
      case 3:
        v = this.lcr;
        break;
      case 4:
        v = this.mcr;
        break;
      case 5:
        v = this.lsr | (this.rxCount > 0 ? UART_LSR_DR : 0);
        // Reading LSR clears the error bits (OE, PE, FE, BI).
        this.lsr &= ~(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI | UART_LSR_FIFOE);
        break;
      case 6:
        if ((this.mcr & UART_MCR_LOOP) !== 0) {
          // Loopback: CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2.
          const m = this.mcr;
          v = ((m & 0x02) << 3) | ((m & 0x01) << 5) | ((m & 0x04) << 4) | ((m & 0x08) << 4);
        } else v = this.msr;
        this.msr &= 0xf0; // reading MSR clears the delta bits
        break;
      case 7:
        v = this.scr;
        break;
    }
    this.update();
    void size;
    return v;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number, _access: MmioAccess): void {
    const reg = (offset >>> this.regShift) & 7;
    if ((offset & ((1 << this.regShift) - 1)) !== 0) return;
    const v = value & 0xff;
    switch (reg) {
      case 0:
        if ((this.lcr & UART_LCR_DLAB) !== 0) this.dll = v;
        else {
          this.thrIpending = false;
          this.transmit(v);
        }
        break;
      case 1:
        if ((this.lcr & UART_LCR_DLAB) !== 0) this.dlm = v;
        else {
          const before = this.ier;
          this.ier = v & 0x0f;
          // Enabling ETBEI with THR empty raises THRE at once (8250 drivers rely on it).
          if ((before & UART_IER_ETBEI) === 0 && (this.ier & UART_IER_ETBEI) !== 0 && (this.lsr & UART_LSR_THRE) !== 0) this.thrIpending = true;
        }
        break;
      case 2: {
        const wasEnabled = this.fifoEnabled;
        if ((v & UART_FCR_ENABLE) !== (this.fcr & UART_FCR_ENABLE)) {
          // Changing the FIFO mode resets both FIFOs (datasheet FCR bit 0).
          this.rxHead = 0;
          this.rxCount = 0;
        }
        if ((v & UART_FCR_CLEAR_RCVR) !== 0) {
          this.rxHead = 0;
          this.rxCount = 0;
          this.timeoutPending = false;
        }
        if ((v & UART_FCR_CLEAR_XMIT) !== 0) {
          this.lsr |= UART_LSR_THRE | UART_LSR_TEMT;
          this.thrIpending = true;
        }
        this.fcr = v & 0xc9;
        if (this.rxCount === 0) this.lsr &= ~UART_LSR_DR;
        if (wasEnabled !== this.fifoEnabled || this.rxCount === 0) this.refill();
        break;
      }
      case 3:
        this.lcr = v;
        break;
      case 4:
        this.mcr = v & 0x1f;
        break;
      case 7:
        this.scr = v;
        break;
      default:
        break; // LSR and MSR are read-only
    }
    this.update();
  }
}

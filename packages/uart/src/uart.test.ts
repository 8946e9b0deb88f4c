import { describe, expect, it } from 'vitest';
import { ConsoleHub, IrqLine, Scheduler, type MmioAccess } from '@tessera/core';
import { Ns16550a } from './ns16550a.js';
import { Pl011 } from './pl011.js';

const a: MmioAccess = { master: 't', masterId: 0, fault() {} };

function uart(regShift = 0) {
  const s = new Scheduler();
  const port = new ConsoleHub().open('uart', 'capture', (p) => p);
  const irq = new IrqLine('irq');
  const u = new Ns16550a({ regShift, clock: 1_843_200, port, irq, scheduler: s });
  u.reset();
  const stride = 1 << regShift;
  return {
    s,
    port,
    irq,
    u,
    rd: (r: number) => u.read(r * stride, 1, a),
    wr: (r: number, v: number) => u.write(r * stride, 1, v, a),
  };
}

describe('ns16550a', () => {
  it('transmits to the console; LSR reports THRE and TEMT', () => {
    const { port, rd, wr } = uart();
    expect(rd(5) & 0x60).toBe(0x60);
    for (const c of 'hi\n') wr(0, c.charCodeAt(0));
    expect(port.captured()).toBe('hi\n');
    expect(rd(5) & 0x60).toBe(0x60);
  });

  it('DLAB switches registers 0 and 1 to the divisor latch', () => {
    const { port, rd, wr } = uart();
    wr(1, 0x05); // IER
    wr(3, 0x83); // DLAB, 8N1
    wr(0, 0x01);
    wr(1, 0x02);
    expect(rd(0)).toBe(0x01);
    expect(rd(1)).toBe(0x02);
    wr(3, 0x03);
    expect(rd(1)).toBe(0x05);
    expect(port.captured()).toBe('');
  });

  it('honours reg-shift', () => {
    const { rd, wr } = uart(2);
    wr(7, 0x5a);
    expect(rd(7)).toBe(0x5a);
  });

  it('THRE interrupt: raised on enabling ETBEI with THR empty, cleared by reading IIR, raised again after a write', () => {
    const { irq, rd, wr } = uart();
    expect(rd(2) & 0x0f).toBe(0x01);
    wr(1, 0x02);
    expect(irq.level).toBe(true);
    expect(rd(2) & 0x0f).toBe(0x02);
    expect(irq.level).toBe(false);
    expect(rd(2) & 0x0f).toBe(0x01);
    wr(0, 0x41);
    expect(irq.level).toBe(true);
    wr(1, 0);
    expect(irq.level).toBe(false);
  });

  it('receives into the FIFO: DR, RDA interrupt at the trigger level, IIR shows FIFOs enabled', () => {
    const { port, irq, rd, wr } = uart();
    wr(2, 0x81); // FIFO on, trigger 8
    wr(1, 0x01);
    port.input('abcdefg');
    expect(rd(5) & 1).toBe(1);
    expect(irq.level).toBe(false); // 7 < 8
    port.input('h');
    expect(irq.level).toBe(true);
    expect(rd(2)).toBe(0xc4);
    let got = '';
    while (rd(5) & 1) got += String.fromCharCode(rd(0));
    expect(got).toBe('abcdefgh');
    expect(irq.level).toBe(false);
  });

  it('character timeout interrupt after 4 character times below the trigger level', () => {
    const { s, port, irq, u, rd, wr } = uart();
    wr(2, 0xc1); // trigger 14
    wr(1, 0x01);
    port.input('x');
    expect(irq.level).toBe(false);
    s.advance(Math.ceil(4 * u.charTimeNs()) + 1);
    expect(irq.level).toBe(true);
    expect(rd(2) & 0x0f).toBe(0x0c);
    expect(rd(0)).toBe('x'.charCodeAt(0));
    expect(irq.level).toBe(false);
  });

  it('host input beyond the FIFO waits (flow control) instead of overrunning', () => {
    const { port, rd, wr } = uart();
    wr(2, 0x01);
    const text = 'the quick brown fox jumps over';
    port.input(text);
    let got = '';
    while (rd(5) & 1) got += String.fromCharCode(rd(0));
    expect(got).toBe(text);
    expect(rd(5) & 0x02).toBe(0);
  });

  it('loopback: transmitted bytes come back and MSR mirrors MCR', () => {
    const { port, rd, wr } = uart();
    wr(4, 0x10 | 0x03);
    wr(0, 0x55);
    expect(port.captured()).toBe('');
    expect(rd(5) & 1).toBe(1);
    expect(rd(0)).toBe(0x55);
    expect(rd(6) & 0x30).toBe(0x30); // CTS from RTS, DSR from DTR
  });

  it('without FIFOs an unread byte is overrun and reported in LSR (then cleared by reading)', () => {
    const { u, rd, wr } = uart();
    wr(4, 0x10);
    wr(0, 1);
    wr(0, 2);
    expect(rd(5) & 0x02).toBe(0x02);
    expect(rd(5) & 0x02).toBe(0);
    void u;
  });

  it('line status interrupt on overrun when ELSI is set', () => {
    const { irq, rd, wr } = uart();
    wr(4, 0x10);
    wr(1, 0x04);
    wr(0, 1);
    expect(irq.level).toBe(false);
    wr(0, 2);
    expect(irq.level).toBe(true);
    expect(rd(2) & 0x0f).toBe(0x06);
    rd(5);
    expect(irq.level).toBe(false);
  });
});

function pl011() {
  const s = new Scheduler();
  const port = new ConsoleHub().open('pl011', 'capture', (p) => p);
  const irq = new IrqLine('irq');
  const u = new Pl011({ port, irq, scheduler: s, clock: 24_000_000 });
  u.reset();
  return { s, port, irq, u, rd: (o: number) => u.read(o, 4, a), wr: (o: number, v: number) => u.write(o, 4, v, a) };
}

describe('pl011', () => {
  it('has the PrimeCell identification Linux amba probing reads', () => {
    const { rd } = pl011();
    const pid = rd(0xfe0) | (rd(0xfe4) << 8) | (rd(0xfe8) << 16) | (rd(0xfec) << 24);
    const cid = rd(0xff0) | (rd(0xff4) << 8) | (rd(0xff8) << 16) | (rd(0xffc) << 24);
    expect(pid & 0x000fffff).toBe(0x00041011);
    expect(cid >>> 0).toBe(0xb105f00d);
  });

  it('transmits, FR says TX empty and RX empty, TX interrupt until ICR', () => {
    const { port, irq, rd, wr } = pl011();
    expect(rd(0x18) & 0x90).toBe(0x90);
    wr(0x38, 1 << 5);
    expect(irq.level).toBe(false);
    wr(0x00, 0x4f);
    expect(port.captured()).toBe('O');
    expect(irq.level).toBe(true);
    expect(rd(0x40)).toBe(1 << 5);
    wr(0x44, 1 << 5);
    expect(irq.level).toBe(false);
  });

  it('receive interrupt at the FIFO trigger level; timeout below it', () => {
    const { s, port, irq, rd, wr } = pl011();
    wr(0x2c, 0x70); // 8 bits, FIFOs enabled
    wr(0x34, 0x00); // RX trigger 1/8 = 4 entries
    wr(0x24, 13); // IBRD
    wr(0x38, (1 << 4) | (1 << 6));
    port.input('ab');
    expect(irq.level).toBe(false);
    expect(rd(0x18) & 0x10).toBe(0);
    s.advance(1_000_000);
    expect(irq.level).toBe(true);
    expect(rd(0x3c) & (1 << 6)).toBe(1 << 6);
    expect(rd(0x00)).toBe(0x61);
    expect(rd(0x00)).toBe(0x62);
    expect(irq.level).toBe(false);
    expect(rd(0x18) & 0x10).toBe(0x10);
    port.input('wxyz');
    expect(rd(0x3c) & (1 << 4)).toBe(1 << 4);
    expect(irq.level).toBe(true);
  });

  it('registers read back what was written', () => {
    const { rd, wr } = pl011();
    wr(0x24, 0x1234);
    wr(0x28, 0xff);
    wr(0x30, 0x301);
    expect(rd(0x24)).toBe(0x1234);
    expect(rd(0x28)).toBe(0x3f);
    expect(rd(0x30)).toBe(0x301);
  });
});

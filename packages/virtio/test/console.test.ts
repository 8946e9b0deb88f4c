import { describe, expect, it } from 'vitest';
import type { ConsolePort } from '@tessera/core';
import { MmioReg, VIRTIO_F_VERSION_1, virtioMmioConsole, type VirtioConsole } from '../src/index.js';
import { attach, board, readGuest, SLOT } from './helpers.js';

describe('virtio-console', () => {
  it('prints transmitted bytes on its console port and delivers typed input from a scheduler event', async () => {
    const b = await board();
    const { drv, device } = await attach<object, VirtioConsole>(b, 'hvc0', virtioMmioConsole as never, { base: SLOT, irq: { controller: 'intc', line: 4 }, console: 'capture' });
    expect(drv.r32(MmioReg.DeviceID)).toBe(3);
    expect(drv.negotiate([VIRTIO_F_VERSION_1]).ok).toBe(true);
    const rx = drv.setupQueue(0, 8);
    const tx = drv.setupQueue(1, 8);
    drv.driverOk();
    const port: ConsolePort = device.port;
    tx.addData([new TextEncoder().encode('hello, '), new TextEncoder().encode('hvc0\n')], []);
    tx.kick();
    expect(port.captured()).toBe('hello, hvc0\n');
    expect(tx.takeUsed()).toEqual([{ id: 0, len: 0 }]);
    // Input typed before buffers exist waits; it is delivered in a scheduler event.
    port.input('ls\n');
    const { out } = rx.addData([], [2]);
    const second = rx.addData([], [16]).out;
    rx.kick();
    const used = rx.takeUsed();
    expect(used.map((u) => u.len)).toEqual([2, 1]);
    expect(new TextDecoder().decode(readGuest(b, out[0]!, 2))).toBe('ls');
    expect(readGuest(b, second[0]!, 1)[0]).toBe(0x0a);
    rx.addData([], [16]);
    rx.kick();
    port.input('x');
    expect(rx.usedIdx()).toBe(2);
    b.sim.scheduler.advance(b.sim.scheduler.now());
    expect(rx.usedIdx()).toBe(3);
    expect(b.intc.level(4)).toBe(true);
  });
});

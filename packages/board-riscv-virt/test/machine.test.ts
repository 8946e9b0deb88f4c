/**
 * machines/riscv-virt.yaml without images: the device tree OpenSBI/U-Boot/Linux read, and the
 * interrupt path UART -> PLIC -> hart contexts through the system bus.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSimulation, loadMachine, PluginRegistry, type FdtNode } from '@tessera/core';
import { machineFile, repoRoot } from './harness.js';

async function build(file: string, smp?: number, sets: string[] = []) {
  const registry = new PluginRegistry();
  const config = await loadMachine(file, { registry, sets: ['components.uart0.console=capture', ...sets], overrides: smp !== undefined ? { smp } : {}, cwd: repoRoot });
  return buildSimulation(config, registry);
}

function intcPhandles(root: FdtNode): number[] {
  const cpus = root.find('cpus')!;
  return cpus.children.filter((c) => c.name.startsWith('cpu@')).map((c) => c.find('interrupt-controller')!.getCells('phandle')![0]!);
}

describe('riscv-virt machine', () => {
  it('device tree: QEMU virt root, PLIC contexts M/S per hart, CLINT msip/mtip, UART on PLIC 10, chosen', async () => {
    const { machine } = await build(machineFile, 2);
    const root = machine.deviceTree();
    expect(root.getStrings('compatible')).toEqual(['riscv-virtio']);
    expect(root.getStrings('model')).toEqual(['riscv-virtio,qemu']);
    const [i0, i1] = intcPhandles(root);
    const plic = root.find('soc/plic@c000000')!;
    expect(plic.getStrings('compatible')).toEqual(['sifive,plic-1.0.0', 'riscv,plic0']);
    expect(plic.getCells('riscv,ndev')).toEqual([95]);
    expect(plic.getCells('interrupts-extended')).toEqual([i0, 11, i0, 9, i1, 11, i1, 9]);
    const clint = root.find('soc/clint@2000000')!;
    expect(clint.getCells('interrupts-extended')).toEqual([i0, 3, i0, 7, i1, 3, i1, 7]);
    const uart = root.find('soc/serial@10000000')!;
    expect(uart.getCells('interrupts')).toEqual([10]);
    expect(uart.getCells('interrupt-parent')).toEqual([plic.getCells('phandle')![0]]);
    expect(root.find('chosen')!.getStrings('stdout-path')).toEqual(['/soc/serial@10000000']);
    const test = root.find('soc/test@100000')!;
    expect(root.find('poweroff')!.getCells('regmap')).toEqual(test.getCells('phandle'));
    expect(root.find('poweroff')!.getCells('value')).toEqual([0x5555]);
  });

  it('UART THRE interrupt reaches hart 1 S-mode context (3) through the PLIC; claim/complete over the bus', async () => {
    const { sim, machine } = await build(machineFile, 2);
    machine.start();
    const bus = machine.system;
    const PLIC = 0x0c00_0000;
    bus.write(PLIC + 4 * 10, 4, 1); // priority of source 10
    bus.write(PLIC + 0x2000 + 0x80 * 3, 4, 1 << 10); // enable for context 3 (hart 1, S)
    bus.write(0x1000_0001, 1, 0x02); // UART IER.ETBEI: THR is empty, so THRE fires
    expect(bus.read(PLIC + 0x1000, 4) & (1 << 10)).not.toBe(0);
    expect(bus.read(PLIC + 0x200004 + 0x1000 * 1, 4)).toBe(0); // hart 0 S has it disabled
    expect(bus.read(PLIC + 0x200004 + 0x1000 * 3, 4)).toBe(10);
    bus.write(0x1000_0001, 1, 0x00);
    bus.write(PLIC + 0x200004 + 0x1000 * 3, 4, 10);
    expect(bus.read(PLIC + 0x1000, 4) & (1 << 10)).toBe(0);
    sim.dispose();
  });

  it('ACLINT split and a PLIC context routed to a guest external interrupt line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-aclint-'));
    const file = path.join(dir, 'aclint.yaml');
    fs.writeFileSync(
      file,
      [
        'name: aclint',
        'plugins: ["@tessera/cpu-riscv", "@tessera/plic-clint", "@tessera/uart", "@tessera/board-riscv-virt"]',
        'components:',
        '  ram:   { type: ram, base: 0x8000_0000, size: 64MiB }',
        '  cpus:  { type: riscv-hart, count: 2 }',
        '  mswi:  { type: aclint-mswi, base: 0x200_0000, harts: cpus }',
        '  mtimer: { type: aclint-mtimer, base: 0x200_4000, harts: cpus }',
        '  sswi:  { type: aclint-sswi, base: 0x2f0_0000, harts: cpus }',
        '  plic:  { type: plic, base: 0xc00_0000, contexts: [cpus:0:meip, cpus:0:seip, cpus:0:sgei1] }',
        '  uart0: { type: ns16550a, base: 0x1000_0000, irq: plic:10 }',
        '',
      ].join('\n'),
    );
    try {
      const { sim, machine } = await build(file);
      const root = machine.deviceTree();
      const [i0] = intcPhandles(root);
      expect(root.find('soc/mtimer@2004000')!.getStrings('compatible')).toEqual(['riscv,aclint-mtimer']);
      expect(root.find('soc/mtimer@2004000')!.getCells('reg')).toEqual([0, 0x2004000 + 0x7ff8, 0, 8, 0, 0x2004000, 0, 0x7ff8]);
      expect(root.find('soc/mswi@2000000')!.getStrings('compatible')).toEqual(['riscv,aclint-mswi']);
      expect(root.find('soc/sswi@2f00000')!.getCells('interrupts-extended')).toEqual([i0, 1, intcPhandles(root)[1], 1]);
      expect(root.find('soc/plic@c000000')!.getCells('interrupts-extended')).toEqual([i0, 11, i0, 9, i0, 0xffffffff]);
      machine.start();
      // PLIC context 2 drives hart 0's guest external interrupt line 1 (hgeip bit 1).
      const bus = machine.system;
      const hart0 = machine.api<{ harts: Array<{ hgeip: number }> }>('cpus')!.harts[0]!;
      bus.write(0x0c00_0000 + 4 * 10, 4, 1);
      bus.write(0x0c00_0000 + 0x2000 + 0x80 * 2, 4, 1 << 10);
      expect(hart0.hgeip).toBe(0);
      bus.write(0x1000_0001, 1, 0x02); // UART THRE interrupt on source 10
      expect(hart0.hgeip).toBe(1 << 1);
      expect(bus.read(0x0c00_0000 + 0x200004 + 0x1000 * 2, 4)).toBe(10);
      expect(hart0.hgeip).toBe(0);
      // mtime through the MTIMER block follows virtual time.
      sim.scheduler.advance(1_000_000);
      expect(machine.system.read64(0x200_4000 + 0x7ff8)).toBe(10_000n);
      sim.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

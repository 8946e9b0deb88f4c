import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { validateLayout, type HypervisorConfig, type MachineFacts, type PartitionConfig } from '../src/index.js';
import { CSR } from '@tessera/cpu-riscv';
import { AddressSpace } from '@tessera/core';
import { GuestAllocator, VirtioMmioDriver, VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC, VIRTIO_STATUS_DEVICE_NEEDS_RESET } from '@tessera/virtio';
import { PartitionIo, type Partition } from '../src/index.js';
import { build, here, repoRoot } from './harness.js';

const facts: MachineFacts = {
  hartCount: 4,
  ram: { base: 0x8000_0000, size: 512 * 2 ** 20 },
  gpaBits: 41,
  deviceRegions: (d) => (d === 'uart0' ? [{ base: 0x1000_0000, size: 0x100 }] : d === 'plic' ? [{ base: 0x0c00_0000, size: 0x60_0000 }] : undefined),
  deviceIrqs: (d) => (d === 'uart0' ? [10] : []),
};

function layout(p: Partial<PartitionConfig>, top: Partial<HypervisorConfig> = {}): HypervisorConfig {
  return {
    harts: 'cpus',
    ram: 'ram',
    pool: { base: 0x9c00_0000, size: 0x10_0000 },
    plic: 'plic',
    ...top,
    partitions: { left: { harts: [0, 1], memory: [{ guest: 0x8000_0000, host: 0x8000_0000, size: 0x100_0000 }], devices: ['uart0'], ...p } },
  };
}

describe('layouts with virtual devices', () => {
  it('accepts virtio-net in the default slots beside a passthrough UART', () => {
    expect(() => validateLayout(layout({ virtual: [{ type: 'virtio-net', link: 'a' }, { type: 'virtio-net', network: { backend: 'none' } }] }), facts)).not.toThrow();
  });

  it('rejects a virtual device over guest memory, a passthrough device or another virtual device', () => {
    expect(() => validateLayout(layout({ virtual: [{ type: 'virtio-net', base: 0x8000_1000 }] }), facts)).toThrow(/virtual device 0 \(virtio-net\) at \[0x80001000, 0x80002000\) overlaps its region/);
    expect(() => validateLayout(layout({ virtual: [{ type: 'virtio-net', base: 0x1000_0000 }] }), facts)).toThrow(/overlaps passthrough device 'uart0'/);
    expect(() => validateLayout(layout({ virtual: [{ type: 'virtio-net' }, { type: 'virtio-net', base: 0x1000_1000 }] }), facts)).toThrow(/virtual device 1 .* overlaps virtual device 0/);
    expect(() => validateLayout(layout({ virtual: [{ type: 'virtio-net', base: 0x0c00_1000 }] }), facts)).toThrow(/overlaps the virtual PLIC/);
  });

  it('rejects interrupt sources that collide or do not exist, unaligned windows, unknown types, link and network together', () => {
    expect(() => validateLayout(layout({ virtual: [{ type: 'virtio-net', irq: 10 }] }), facts)).toThrow(/interrupt 10 is already taken by passthrough device 'uart0'/);
    expect(() => validateLayout(layout({ virtual: [{ type: 'virtio-net', irq: 96 }] }), facts)).toThrow(/interrupt 96 is not a source of the virtual PLIC/);
    expect(() => validateLayout(layout({ virtual: [{ type: 'virtio-net', base: 0x1000_1200 }] }), facts)).toThrow(/not 4 KiB aligned/);
    expect(() => validateLayout(layout({ virtual: [{ type: 'virtio-blk' } as unknown as { type: 'virtio-net' }] }), facts)).toThrow(/unknown type/);
    expect(() => validateLayout(layout({ virtual: [{ type: 'virtio-net', link: 'a', network: { backend: 'none' } }] }), facts)).toThrow(/both 'link' and 'network'/);
  });

  it('rejects partition memory over the virtual PLIC and passing the owned PLIC through', () => {
    expect(() => validateLayout(layout({ memory: [{ guest: 0x0c00_0000, host: 0x8000_0000, size: 0x10_0000 }] }), facts)).toThrow(/virtual PLIC at \[0xc000000, 0xc600000\) overlaps/);
    expect(() => validateLayout(layout({ devices: ['plic'] }), facts)).toThrow(/'plic' is the PLIC the hypervisor owns/);
  });
});

describe('machines/riscv-virt-2p.yaml device trees (tessera dtb --partition)', () => {
  it('each partition sees its 2 vCPUs, a virtual PLIC with their contexts, its UART wired to it and a virtio-mmio node', async () => {
    const { api, sim } = await build(path.join(repoRoot, 'machines', 'riscv-virt-2p.yaml'));
    for (const [name, uart, irq] of [['left', 'serial@10000000', 10], ['right', 'serial@10010000', 11]] as const) {
      const dt = api.partitionDeviceTree(name)!;
      expect(dt.find('/cpus')!.children.filter((c) => c.name.startsWith('cpu@')).length).toBe(2);
      const plic = dt.find('/plic@c000000')!;
      expect(plic.getStrings('compatible')).toEqual(['sifive,plic-1.0.0', 'riscv,plic0']);
      const intc0 = dt.find('/cpus/cpu@0/interrupt-controller')!.phandle();
      const intc1 = dt.find('/cpus/cpu@1/interrupt-controller')!.phandle();
      // Context 2N is vCPU N's M context (cause 11), 2N+1 its S context (cause 9).
      expect(plic.getCells('interrupts-extended')).toEqual([intc0, 11, intc0, 9, intc1, 11, intc1, 9]);
      const serial = dt.find(`/${uart}`)!;
      expect(serial.getCells('interrupts')).toEqual([irq]);
      expect(serial.getCells('interrupt-parent')).toEqual([plic.phandle()]);
      const virtio = dt.find('/virtio_mmio@10001000')!;
      expect(virtio.getStrings('compatible')).toEqual(['virtio,mmio']);
      expect(virtio.getCells('interrupts')).toEqual([1]);
      expect(virtio.getCells('interrupt-parent')).toEqual([plic.phandle()]);
      // Nothing of the other partition.
      expect(dt.find(`/${name === 'left' ? 'serial@10010000' : 'serial@10000000'}`)).toBeUndefined();
    }
    sim.dispose();
  });
});

describe('passthrough lines with emulated delivery', () => {
  it('follow the guest\'s affinity: the line is taken on the hart of the vCPU whose S context enables it', async () => {
    const hello = path.join(here, '..', 'guest', 'bin', 'hello.elf');
    const sets = ['left', 'right'].flatMap((p) => [`components.hyp.partitions.${p}.boot.kernel=${hello}`, `components.hyp.partitions.${p}.boot.initrd=${hello}`]);
    const { api, sim } = await build(path.join(repoRoot, 'machines', 'riscv-virt-2p.yaml'), [...sets, 'components.uart0.console=none', 'components.uart1.console=none']);
    sim.run(0);
    const hyp = api.hypervisor;
    for (const p of hyp.partitions) for (const v of p.vcpus) hyp.park(v);
    const bus = hyp.ctx.system;
    const left = hyp.partition('left')!;
    const vplic = left.io.vplic!;
    const enabled = (ctx: number) => (bus.read(0x0c00_2000 + 0x80 * ctx + 0, 4) >>> 10) & 1;
    // Power-on: uart0's line 10 on hart 0's S context (1), the hypervisor's.
    expect([enabled(1), enabled(3)]).toEqual([1, 0]);
    vplic.write(4 * 10, 4, 1);
    vplic.write(0x2000 + 0x80 * 3, 4, 1 << 10); // the guest routes it to vCPU 1 (its context 3)
    expect([enabled(1), enabled(3)]).toEqual([0, 1]);
    bus.write(0x1000_0001, 1, 0x02); // UART IER.ETBEI: line 10 high
    expect(PartitionIo.externalInterrupt(hyp.physicalPlic!, 0)).toBe(0);
    expect(PartitionIo.externalInterrupt(hyp.physicalPlic!, 1)).toBe(1);
    expect(left.vcpus[1]!.virq.vseip).toBe(true);
    expect(left.vcpus[0]!.virq.vseip).toBe(false);
    // Completed by vCPU 1, then moved back to vCPU 0 (no S context enables it: vCPU 0's default).
    expect(vplic.read(0x20_0004 + 0x1000 * 3, 4)).toBe(10);
    vplic.write(0x20_0004 + 0x1000 * 3, 4, 10);
    vplic.write(0x2000 + 0x80 * 3, 4, 0);
    expect([enabled(1), enabled(3)]).toEqual([1, 0]);
    // The right partition's line 11 stayed on hart 2's S context (5).
    expect((bus.read(0x0c00_2000 + 0x80 * 5, 4) >>> 11) & 1).toBe(1);
    sim.dispose();
  });
});

describe('direct delivery of passthrough lines (irq-delivery: hgeip)', () => {
  it('maps vCPU 0\'s claim page to the guest external interrupt context, sets VGEIN, mirrors enables and priorities; the line raises hgeip with no exit', async () => {
    const { api, sim } = await build(path.join(here, 'hgeip.yaml'));
    sim.run(0); // power-on: tables, VS entry
    const hyp = api.hypervisor;
    const a = hyp.partition('a')!;
    const hart = a.vcpus[0]!.hart;
    const bus = hyp.ctx.system;
    // vPLIC context 1 (vCPU 0, S) threshold/claim page -> the real context 4 page.
    expect(a.table!.translate(0x0c20_1004)).toMatchObject({ hpa: 0x0c20_4004, perm: { read: true, write: true, execute: false } });
    // Every other vPLIC page still traps.
    expect(a.table!.translate(0x0c20_0000)).toBeUndefined();
    expect(a.table!.translate(0x0c00_2000)).toBeUndefined();
    expect(((hart.readCsr(CSR.hstatus) ?? 0n) >> 12n) & 0x3fn).toBe(1n);
    // Until the guest enables its line, the real context has it disabled at priority 0.
    expect(bus.read(0x0c00_0000 + 4 * 10, 4)).toBe(0);
    expect(bus.read(0x0c00_2000 + 0x80 * 4, 4) & (1 << 10)).toBe(0);
    const vplic = a.io.vplic!;
    vplic.write(4 * 10, 4, 3);
    vplic.write(0x2000 + 0x80 * 1, 4, 1 << 10);
    expect(bus.read(0x0c00_0000 + 4 * 10, 4)).toBe(3);
    expect(bus.read(0x0c00_2000 + 0x80 * 4, 4) & (1 << 10)).toBe(1 << 10);
    // The UART's THR-empty interrupt (IER.ETBEI) raises line 10 -> context 4 -> hgeip bit 1.
    bus.write(0x1000_0001, 1, 0x02);
    expect(hart.readCsr(CSR.hgeip)! & 2n).toBe(2n);
    // VSEIP = hgeip[VGEIN] (H §9.2.4): seen in hip without hvip.
    expect(hart.readCsr(CSR.hvip)! & (1n << 10n)).toBe(0n);
    expect(hart.readCsr(CSR.hip)! & (1n << 10n)).toBe(1n << 10n);
    // The guest's claim through the mapped page is the real claim: no hypervisor exit.
    expect(bus.read(0x0c20_4004, 4)).toBe(10);
    expect(hart.readCsr(CSR.hgeip)! & 2n).toBe(0n);
    expect([...hyp.exitCounts().keys()].filter((k) => k.includes('external-interrupt'))).toEqual([]);
    sim.dispose();
  });

  it('a partition rebooting with a passthrough claim in flight completes it on the real PLIC (the line is not lost)', async () => {
    const { api, sim } = await build(path.join(here, 'hgeip.yaml'), ['components.hyp.partitions.a.irq-delivery=vplic']);
    sim.run(0);
    const hyp = api.hypervisor;
    for (const p of hyp.partitions) for (const v of p.vcpus) hyp.park(v);
    const bus = hyp.ctx.system;
    const a = hyp.partition('a')!;
    bus.write(0x1000_0001, 1, 0x02); // UART IER.ETBEI: line 10 high
    // What the HS handler does on hart 0: claim on its S context (1), pend in the vPLIC.
    expect(PartitionIo.externalInterrupt(hyp.physicalPlic!, 0)).toBe(1);
    expect(a.io.vplic!.isPending(10)).toBe(true);
    expect(bus.read(0x0c20_1004, 4)).toBe(0); // in flight: the gateway holds it
    hyp.rebootPartition(a);
    // Completed for the rebooted guest: the still-high line pends again at once.
    expect(a.io.vplic!.isPending(10)).toBe(false);
    expect(bus.read(0x0c20_1004, 4)).toBe(10);
    sim.dispose();
  });

  it('rejects direct delivery without the PLIC, without its context, or with virtual devices', () => {
    expect(() => validateLayout(layout({ 'irq-delivery': 'hgeip' }, { plic: undefined }), facts)).toThrow(/needs the machine's PLIC/);
    expect(() => validateLayout(layout({ 'irq-delivery': 'hgeip' }), facts)).toThrow(/needs 'hgeip: \{ context, line \}'/);
    expect(() => validateLayout(layout({ 'irq-delivery': 'hgeip', hgeip: { context: 4, line: 0 } }), facts)).toThrow(/line 0 does not exist/);
    expect(() => validateLayout(layout({ 'irq-delivery': 'hgeip', hgeip: { context: 4, line: 1 }, virtual: [{ type: 'virtio-net' }] }), facts)).toThrow(/cannot carry virtual devices' interrupts/);
    expect(() => validateLayout(layout({ 'irq-delivery': 'hgeip', hgeip: { context: 4, line: 1 } }), facts)).not.toThrow();
  });
});

describe('virtio-net virtual devices', () => {
  it('carry frames between partitions over their link; DMA reaches only the partition\'s own memory', async () => {
    const { api, sim } = await build(path.join(here, 'virtio-link.yaml'));
    sim.run(0);
    const hyp = api.hypervisor;
    const sys = hyp.ctx.system;
    // The test plays the guests' drivers: their vCPUs stay stopped, only devices and the link run.
    for (const p of hyp.partitions) for (const v of p.vcpus) hyp.park(v);
    // What the guest sees: its memory at guest physical addresses and the device window,
    // reached here as the trap path reaches it (the device's read/write at guest addresses).
    const driver = (p: Partition): VirtioMmioDriver => {
      const view = new AddressSpace(`${p.name}.guest`);
      p.cfg.memory.forEach((r, k) => view.addAlias(`mem${k}`, r.guest, r.size, sys, r.host));
      const d = p.io.devices[0]!;
      view.addMmio('virtio', d.base, d.size, { read: (o, n) => d.read(d.base + o, n), write: (o, n, v) => d.write(d.base + o, n, v) });
      const drv = new VirtioMmioDriver(view, d.base, new GuestAllocator(0x8010_0000, 0x8_0000));
      expect(drv.negotiate([VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC]).ok).toBe(true);
      drv.setupQueue(0, 16);
      drv.setupQueue(1, 16);
      drv.driverOk();
      return drv;
    };
    const alpha = hyp.partition('alpha')!;
    const beta = hyp.partition('beta')!;
    const a = driver(alpha);
    const b = driver(beta);
    const frame = new Uint8Array(60);
    frame.set([0x52, 0x54, 0, 0, 0, 0x0b, 0x52, 0x54, 0, 0, 0, 0x0a, 0x88, 0xb5]);
    frame.fill(0x5a, 14);
    const { out } = b.queues[0]!.addData([], [1526]);
    b.queues[0]!.kick();
    a.queues[1]!.addData([new Uint8Array(12), frame], []);
    a.queues[1]!.kick();
    sim.run(sim.scheduler.now() + 100_000);
    const used = b.queues[0]!.takeUsed();
    expect(used).toHaveLength(1);
    expect(used[0]!.len).toBe(12 + 60);
    // Written at beta's guest address, i.e. host = guest + 2 MiB.
    const got = new Uint8Array(60);
    expect(sys.readBytes(out[0]! + 0x20_0000 + 12, got)).toBe(true);
    expect(got).toEqual(frame);
    // The used-buffer interrupt is pending in beta's vPLIC (source 1, slot 0).
    expect(beta.io.vplic!.isPending(1)).toBe(true);
    // alpha offers a receive buffer just past its memory: beta's memory in host terms.
    const before = new Uint8Array(2048);
    sys.readBytes(0x8020_0000, before);
    a.queues[0]!.add([{ addr: 0x8020_0000, len: 1526, write: true }]);
    a.queues[0]!.kick();
    const back = new Uint8Array(60);
    back.set(frame);
    back.set([0x52, 0x54, 0, 0, 0, 0x0a, 0x52, 0x54, 0, 0, 0, 0x0b], 0);
    b.queues[1]!.addData([new Uint8Array(12), back], []);
    b.queues[1]!.kick();
    // The vCPUs are stopped: each run ends when no event is left (a 'deadlock' stop), cleared here.
    sim.scheduler.clearStop();
    sim.run(sim.scheduler.now() + 100_000);
    expect(alpha.io.devices[0]!.device.needsResetCause).toMatch(/outside .*guest RAM/);
    expect(a.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET).toBe(VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    const after = new Uint8Array(2048);
    sys.readBytes(0x8020_0000, after);
    expect(after).toEqual(before);
    sim.dispose();
  });
});

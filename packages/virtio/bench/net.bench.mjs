// virtio-net throughput between two machines on an in-simulation switch, with the
// TypeScript driver model playing both guests. Each step, machine A queues a batch of
// frames and rings the doorbell once, the switch delivers them after its latency (1 µs),
// machine B takes them from its used ring and gives the buffers back. Reported: frames
// per second of wall-clock time, wall-clock cost per frame (device + switch + driver
// model), and the simulated traffic rate that pacing gives (frames per virtual second).
// The same runs over virtio-mmio and over virtio-pci (INTx, BARs behind an ECAM bridge).
import { builtinPlugin, Simulation } from '@tessera/core';
import pciPlugin from '@tessera/pci-msi';
import { GuestAllocator, VirtioMmioDriver, VirtioPciDriver, virtioMmioNet, virtioPciNet, VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_RING_PACKED } from '@tessera/virtio';

const RAM = 0x8000_0000;
const SLOT = 0x1000_1000;
const ECAM = 0x3000_0000;
const WINDOW = { cpu: 0x4000_0000, bus: 0x4000_0000, size: 0x1000_0000 };
const QSIZE = 256;
const BATCH = 32;
const STEP_NS = 20_000; // the driver model sends a batch every 20 µs of virtual time

const intcType = {
  description: 'bench interrupt sink',
  schema: {},
  create() {
    return { api: { irqInput: () => () => {}, dtInterruptCells: (l) => [Number(l)] } };
  },
};

async function nic(sim, name, packed, pci) {
  const m = sim.addMachine(name);
  await m.add('ram', builtinPlugin.components.ram, { base: RAM, size: 32 * 1024 * 1024 });
  await m.add('intc', intcType, {});
  const net = { network: { backend: 'switch', switch: 'lan0' }, 'queue-size': QSIZE, packed };
  const alloc = new GuestAllocator(RAM + 0x10_0000, 0x100_0000);
  let drv;
  if (pci) {
    const intx = [32, 33, 34, 35].map((line) => ({ controller: 'intc', line }));
    await m.add('pcie', pciPlugin.components['pci-host-ecam'], { ecam: { base: ECAM, size: 16 << 20 }, windows: [{ type: 'mem32', ...WINDOW }], intx });
    await m.add('net0', virtioPciNet, { bus: 'pcie', device: 1, ...net });
    m.start();
    drv = new VirtioPciDriver(m.system, ECAM + (1 << 15), alloc);
    drv.enable(WINDOW);
  } else {
    await m.add('net0', virtioMmioNet, { base: SLOT, irq: { controller: 'intc', line: 1 }, ...net });
    m.start();
    drv = new VirtioMmioDriver(m.system, SLOT, alloc);
  }
  drv.negotiate([VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, ...(packed ? [VIRTIO_F_RING_PACKED] : [])]);
  const rx = drv.setupQueue(0, QSIZE);
  const tx = drv.setupQueue(1, QSIZE);
  drv.driverOk();
  const mac = [0, 1, 2, 3, 4, 5].map((i) => drv.config(i, 1));
  return { m, drv, rx, tx, mac };
}

async function run(frameLen, seconds, packed, pci) {
  const sim = new Simulation();
  const a = await nic(sim, 'a', packed, pci);
  const b = await nic(sim, 'b', packed, pci);
  // Receive buffers on B, one fixed 2 KiB buffer per descriptor.
  const rxBuf = new Map();
  for (let i = 0; i < QSIZE; i++) {
    const addr = b.drv.alloc.alloc(2048);
    const head = b.rx.add([{ addr, len: 2048, write: true }]);
    rxBuf.set(head, addr);
  }
  b.rx.kick();
  // Transmit buffers on A: header + frame, written once.
  const frame = new Uint8Array(12 + frameLen);
  frame.set(b.mac, 12);
  frame.set(a.mac, 18);
  frame[24] = 0x88;
  frame[25] = 0xb5;
  const txAddrs = [];
  for (let i = 0; i < BATCH; i++) {
    const addr = a.drv.alloc.alloc(frame.length);
    a.m.system.writeBytes(addr, frame);
    txAddrs.push(addr);
  }
  let received = 0;
  let bytes = 0;
  const step = () => {
    for (let i = 0; i < BATCH; i++) a.tx.add([{ addr: txAddrs[i], len: frame.length, write: false }]);
    a.tx.kick();
    a.tx.takeUsed();
    sim.scheduler.advance(sim.scheduler.now() + STEP_NS);
    const used = b.rx.takeUsed();
    for (const u of used) {
      received++;
      bytes += u.len - 12;
      b.rx.add([{ addr: rxBuf.get(u.id), len: 2048, write: true }]);
      // The descriptor index may change; remember the buffer under its new head.
    }
    if (used.length > 0) b.rx.kick();
  };
  // B's descriptors are reused in LIFO order by the driver model; keep the address map right.
  const origAdd = b.rx.add.bind(b.rx);
  b.rx.add = (segs, opts) => {
    const h = origAdd(segs, opts);
    rxBuf.set(h, segs[0].addr);
    return h;
  };
  for (let i = 0; i < 200; i++) step(); // warm-up
  received = 0;
  bytes = 0;
  const v0 = sim.scheduler.now();
  const t0 = process.hrtime.bigint();
  let wall = 0;
  while (wall < seconds) {
    for (let i = 0; i < 100; i++) step();
    wall = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  const virt = (sim.scheduler.now() - v0) / 1e9;
  if (received === 0) throw new Error('no frames arrived');
  if (bytes !== received * frameLen) throw new Error(`received ${bytes} bytes for ${received} frames of ${frameLen}`);
  sim.dispose();
  return { fpsWall: received / wall, usPerFrame: (wall * 1e6) / received, fpsVirtual: received / virt };
}

export default async function bench() {
  const rows = [];
  for (const [len, packed, pci] of [[64, false, false], [1514, false, false], [64, true, false], [64, false, true]]) {
    const r = await run(len, 2, packed, pci);
    const bench = `virtio-net${pci ? '-pci' : ''} ${len}-byte frames, ${packed ? 'packed' : 'split'} rings, 2 machines on a switch`;
    rows.push({ bench, metric: 'frames per wall-clock second', value: Math.round(r.fpsWall), unit: 'frames/s' });
    rows.push({ bench, metric: 'wall-clock cost per frame', value: Number(r.usPerFrame.toFixed(2)), unit: 'µs' });
    rows.push({ bench, metric: 'simulated traffic', value: Math.round(r.fpsVirtual), unit: 'frames/virtual s', note: `${BATCH} frames every ${STEP_NS / 1000} µs of virtual time` });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await bench());
}

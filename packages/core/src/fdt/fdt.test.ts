import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimError } from '../util/errors.js';
import { FDT_MAGIC, fdtDiff, parseDtb, readDtb, writeDtb } from './dtb.js';
import { writeDts } from './dts.js';
import { createTree, encodeCells, type FdtNode } from './node.js';

const DTC = '/usr/bin/dtc';
const haveDtc = fs.existsSync(DTC);
if (!haveDtc && process.env.CI) throw new Error('dtc is missing: install device-tree-compiler (apt-get install device-tree-compiler)');
const withDtc = haveDtc ? it : it.skip;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-fdt-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function dtc(args: string[], input: Uint8Array | string): { out: Buffer; stderr: string } {
  const r = spawnSync(DTC, args, { input: typeof input === 'string' ? Buffer.from(input) : Buffer.from(input) });
  if (r.status !== 0) throw new Error(`dtc ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return { out: r.stdout, stderr: r.stderr.toString() };
}

/** A tree shaped like QEMU's riscv virt machine. */
function riscvVirt(): FdtNode {
  const root = createTree();
  root.cells('#address-cells', 2).cells('#size-cells', 2).str('compatible', 'riscv-virtio').str('model', 'riscv-virtio,qemu');
  const chosen = root.child('chosen');
  chosen.str('bootargs', 'console=ttyS0 earlycon "quoted" back\\slash').str('stdout-path', '/soc/serial@10000000');
  root.child('memory@80000000').str('device_type', 'memory').reg([0x8000_0000, 0x2000_0000]);
  const cpus = root.child('cpus').cells('#address-cells', 1).cells('#size-cells', 0).cells('timebase-frequency', 10_000_000);
  const intcs: FdtNode[] = [];
  for (let i = 0; i < 2; i++) {
    const cpu = cpus.child(`cpu@${i}`);
    cpu.phandle();
    cpu.str('device_type', 'cpu').reg([i, 0]).str('status', 'okay').str('compatible', 'riscv').str('riscv,isa', 'rv64imafdch_zicsr_zifencei').str('mmu-type', 'riscv,sv48');
    cpu.set('reg', encodeCells([i]));
    const intc = cpu.child('interrupt-controller');
    intc.cells('#interrupt-cells', 1).flag('interrupt-controller').str('compatible', 'riscv,cpu-intc');
    intc.phandle();
    intcs.push(intc);
  }
  const map = cpus.child('cpu-map').child('cluster0');
  map.child('core0').cells('cpu', cpus.find('cpu@0')!.phandle());
  map.child('core1').cells('cpu', cpus.find('cpu@1')!.phandle());
  const soc = root.child('soc').cells('#address-cells', 2).cells('#size-cells', 2).str('compatible', 'simple-bus').flag('ranges');
  soc
    .child('clint@2000000')
    .cells('interrupts-extended', ...intcs.flatMap((c) => [c.phandle(), 3, c.phandle(), 7]))
    .reg([0x200_0000, 0x10000])
    .strs('compatible', 'sifive,clint0', 'riscv,clint0');
  const plic = soc.child('plic@c000000');
  plic.phandle();
  plic
    .cells('riscv,ndev', 0x5f)
    .reg([0xc00_0000, 0x60_0000])
    .cells('interrupts-extended', ...intcs.flatMap((c) => [c.phandle(), 11, c.phandle(), 9]))
    .flag('interrupt-controller')
    .strs('compatible', 'sifive,plic-1.0.0', 'riscv,plic0')
    .cells('#address-cells', 0)
    .cells('#interrupt-cells', 1);
  soc
    .child('serial@10000000')
    .cells('interrupts', 10)
    .cells('interrupt-parent', plic.phandle())
    .cells('clock-frequency', 0x384000)
    .reg([0x1000_0000, 0x100])
    .str('compatible', 'ns16550a');
  soc.child('test@100000').strs('compatible', 'sifive,test1', 'sifive,test0', 'syscon').reg([0x10_0000, 0x1000]);
  chosen.u64('linux,initrd-start', 0x8800_0000).u64('linux,initrd-end', 0x8840_0000);
  return root;
}

/** A tree shaped like QEMU's aarch64 virt machine (GICv3, timer, PSCI). */
function aarch64Virt(): FdtNode {
  const root = createTree();
  const gicPh = 0x8002;
  root.cells('interrupt-parent', gicPh).cells('#size-cells', 2).cells('#address-cells', 2).str('compatible', 'linux,dummy-virt');
  root
    .child('psci')
    .cells('migrate', 0xc400_0005)
    .cells('cpu_on', 0xc400_0003)
    .cells('cpu_off', 0x8400_0002)
    .cells('cpu_suspend', 0xc400_0001)
    .str('method', 'hvc')
    .strs('compatible', 'arm,psci-1.0', 'arm,psci-0.2', 'arm,psci');
  root.child('memory@40000000').reg([0x4000_0000, 0x8000_0000]).str('device_type', 'memory');
  const apb = root.child('apb-pclk');
  apb.setPhandle(0x8000);
  apb.str('clock-output-names', 'clk24mhz').cells('clock-frequency', 24_000_000).cells('#clock-cells', 0).str('compatible', 'fixed-clock');
  root
    .child('pl011@9000000')
    .strs('clock-names', 'uartclk', 'apb_pclk')
    .cells('clocks', 0x8000, 0x8000)
    .cells('interrupts', 0, 1, 4)
    .reg([0x900_0000, 0x1000])
    .strs('compatible', 'arm,pl011', 'arm,primecell');
  const gic = root.child('intc@8000000');
  gic.setPhandle(gicPh);
  gic.label = 'gic';
  gic
    .reg([0x800_0000, 0x1_0000], [0x80a_0000, 0xf6_0000])
    .cells('#redistributor-regions', 1)
    .str('compatible', 'arm,gic-v3')
    .flag('ranges')
    .cells('#size-cells', 2)
    .cells('#address-cells', 2)
    .flag('interrupt-controller')
    .cells('#interrupt-cells', 3);
  gic.child('its@8080000').flag('msi-controller').cells('#msi-cells', 1).reg([0x808_0000, 0x2_0000]).str('compatible', 'arm,gic-v3-its');
  const cpus = root.child('cpus').cells('#size-cells', 0).cells('#address-cells', 1);
  for (let i = 0; i < 2; i++) {
    cpus.child(`cpu@${i}`).reg([i, 0]).set('reg', encodeCells([i])).str('enable-method', 'psci').str('compatible', 'arm,cortex-a57').str('device_type', 'cpu');
  }
  root
    .child('timer')
    .cells('interrupts', 1, 13, 0xf04, 1, 14, 0xf04, 1, 11, 0xf04, 1, 10, 0xf04)
    .flag('always-on')
    .strs('compatible', 'arm,armv8-timer', 'arm,armv7-timer');
  root.child('chosen').str('stdout-path', '/pl011@9000000').set('rng-seed', new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
  // PCI INTx swizzle as QEMU writes it: child (3 address + 1 interrupt cells) -> GIC SPI.
  const map: number[] = [];
  for (let dev = 0; dev < 2; dev++) {
    for (let pin = 1; pin <= 4; pin++) map.push(dev << 11, 0, 0, pin, gicPh, 0, 0, 0, 3 + ((dev + pin - 1) % 4), 4);
  }
  root
    .child('pcie@10000000')
    .cells('interrupt-map-mask', 0x1800, 0, 0, 7)
    .cells('interrupt-map', ...map)
    .cells('#interrupt-cells', 1)
    .cells('#address-cells', 3)
    .cells('#size-cells', 2)
    .str('device_type', 'pci')
    .str('compatible', 'pci-host-ecam-generic');
  return root;
}

describe('writeDtb', () => {
  it('writes the v17 header, reservation block and deduplicated strings', () => {
    const t = riscvVirt();
    const b = writeDtb(t, { bootCpuId: 1, reserve: [[0x8000_0000, 0x4_0000]] });
    const dv = new DataView(b.buffer);
    expect(dv.getUint32(0)).toBe(FDT_MAGIC);
    expect(dv.getUint32(4)).toBe(b.length);
    expect(dv.getUint32(20)).toBe(17);
    expect(dv.getUint32(24)).toBe(16);
    expect(dv.getUint32(28)).toBe(1);
    const offStruct = dv.getUint32(8);
    const offStrings = dv.getUint32(12);
    const offRsv = dv.getUint32(16);
    expect(offRsv % 8).toBe(0);
    expect(offStruct % 4).toBe(0);
    expect(dv.getBigUint64(offRsv)).toBe(0x8000_0000n);
    expect(dv.getBigUint64(offRsv + 8)).toBe(0x4_0000n);
    expect(dv.getBigUint64(offRsv + 16)).toBe(0n);
    expect(offStruct).toBe(offRsv + 32);
    expect(dv.getUint32(36)).toBe(offStrings - offStruct);
    const strings = Buffer.from(b.subarray(offStrings, offStrings + dv.getUint32(32))).toString('latin1').split('\0');
    // `compatible` is used by many nodes, stored once.
    expect(strings.filter((s) => s === 'compatible')).toHaveLength(1);
    expect(strings.filter((s) => s === 'reg')).toHaveLength(1);
    const info = readDtb(b);
    expect(info.bootCpuId).toBe(1);
    expect(info.reserve).toEqual([[0x8000_0000n, 0x4_0000n]]);
  });

  it('shares the tail of a longer name as dtc does', () => {
    const t = createTree();
    t.child('a').cells('linux,phandle', 5).cells('phandle', 5);
    const b = writeDtb(t);
    const dv = new DataView(b.buffer);
    expect(dv.getUint32(32)).toBe('linux,phandle\0'.length);
  });

  it('rejects names a DTB cannot hold', () => {
    const t = createTree();
    t.child('bad\0name');
    expect(() => writeDtb(t)).toThrow(SimError);
  });
});

describe('parseDtb', () => {
  it('reads back what writeDtb wrote, phandles included', () => {
    const t = riscvVirt();
    const back = parseDtb(writeDtb(t));
    expect(fdtDiff(t, back)).toBeUndefined();
    const plic = back.find('soc/plic@c000000')!;
    expect(plic.phandleIfAny).toBe(t.find('soc/plic@c000000')!.phandle());
    // New phandles continue above the ones read.
    const fresh = back.child('new-node').phandle();
    expect(fresh).toBeGreaterThan(plic.phandleIfAny);
    expect(back.find('soc/serial')!.getStrings('compatible')).toEqual(['ns16550a']);
    expect(back.find('memory@80000000')!.getCells('reg')).toEqual([0, 0x8000_0000, 0, 0x2000_0000]);
  });

  it('fdtDiff reports a difference', () => {
    const a = riscvVirt();
    const b = riscvVirt();
    b.find('soc/serial@10000000')!.cells('interrupts', 11);
    expect(fdtDiff(a, b)).toMatch(/\/soc\/serial@10000000: property interrupts/);
  });

  it('names the offset of a malformed blob', () => {
    const b = writeDtb(riscvVirt());
    const bad = b.slice();
    new DataView(bad.buffer).setUint32(0, 0x12345678);
    expect(() => parseDtb(bad)).toThrow(/malformed DTB at offset 0x0: bad magic/);
    const offStruct = new DataView(b.buffer).getUint32(8);
    const bad2 = b.slice();
    new DataView(bad2.buffer).setUint32(offStruct, 0x77);
    expect(() => parseDtb(bad2)).toThrow(new RegExp(`offset 0x${offStruct.toString(16)}: unknown token 0x77`));
    expect(() => parseDtb(b.subarray(0, 20))).toThrow(SimError);
    expect(() => parseDtb(b.subarray(0, b.length - 4))).toThrow(/totalsize/);
  });

  it('reads version 16 blobs (no size_dt_struct) and refuses incompatible versions', () => {
    const t = aarch64Virt();
    const b = writeDtb(t);
    const v16 = b.slice();
    const dv = new DataView(v16.buffer);
    dv.setUint32(20, 16);
    dv.setUint32(36, 0);
    expect(fdtDiff(t, parseDtb(v16))).toBeUndefined();
    const v15 = b.slice();
    new DataView(v15.buffer).setUint32(20, 15);
    expect(() => parseDtb(v15)).toThrow(/offset 0x14: version 15/);
    const future = b.slice();
    new DataView(future.buffer).setUint32(24, 18);
    expect(() => parseDtb(future)).toThrow(/last_comp_version 18/);
    // NOPs anywhere in the structure block are skipped.
    const withNop = new Uint8Array(b.length + 4);
    const offStruct = new DataView(b.buffer).getUint32(8);
    withNop.set(b.subarray(0, offStruct));
    new DataView(withNop.buffer).setUint32(offStruct, 4);
    withNop.set(b.subarray(offStruct), offStruct + 4);
    const hv = new DataView(withNop.buffer);
    hv.setUint32(4, withNop.length);
    hv.setUint32(12, hv.getUint32(12) + 4);
    hv.setUint32(36, hv.getUint32(36) + 4);
    expect(fdtDiff(t, parseDtb(withNop))).toBeUndefined();
  });

  it('never throws anything but SimError on truncated or corrupted blobs (fuzz)', () => {
    const good = writeDtb(aarch64Virt(), { reserve: [[1, 2]] });
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let parsed = 0;
    let rejected = 0;
    const attempt = (b: Uint8Array): void => {
      try {
        parseDtb(b);
        parsed++;
      } catch (e) {
        if (!(e instanceof SimError)) throw e;
        rejected++;
      }
    };
    for (let n = 0; n < good.length; n += 3) {
      const cut = good.slice(0, n);
      attempt(cut);
      // Truncated but with the header claiming the truncated size.
      if (n >= 40) {
        new DataView(cut.buffer).setUint32(4, n);
        attempt(cut);
      }
    }
    for (let i = 0; i < 3000; i++) {
      const b = good.slice();
      const flips = 1 + rnd(4);
      for (let k = 0; k < flips; k++) {
        const at = rnd(b.length);
        b[at] = rnd(3) === 0 ? 0xff : rnd(256);
      }
      attempt(b);
    }
    expect(rejected).toBeGreaterThan(100);
    expect(parsed + rejected).toBeGreaterThan(3000);
  });
});

describe('FdtNode helpers', () => {
  it('reads 64-bit and string values, finds by phandle and compatible, deletes', () => {
    const t = riscvVirt();
    const chosen = t.find('chosen')!;
    expect(chosen.getU64('linux,initrd-start')).toBe(0x8800_0000n);
    expect(chosen.getU64('bootargs')).toBeUndefined();
    expect(chosen.getString('stdout-path')).toBe('/soc/serial@10000000');
    const plic = t.find('soc/plic@c000000')!;
    expect(t.findByPhandle(plic.phandle())).toBe(plic);
    expect(t.findByPhandle(0x7777)).toBeUndefined();
    expect(t.findCompatible('riscv,cpu-intc').map((n) => n.path)).toEqual(['/cpus/cpu@0/interrupt-controller', '/cpus/cpu@1/interrupt-controller']);
    const seen: string[] = [];
    t.find('cpus')!.walk((n) => seen.push(n.name));
    expect(seen.slice(0, 3)).toEqual(['cpus', 'cpu@0', 'interrupt-controller']);
    expect(plic.deleteProp('riscv,ndev')).toBe(true);
    expect(plic.props.has('riscv,ndev')).toBe(false);
  });

  it('clones a tree deeply, keeping phandles and allocating above them', () => {
    const t = riscvVirt();
    const c = t.clone();
    expect(fdtDiff(t, c)).toBeUndefined();
    c.find('soc/serial@10000000')!.cells('interrupts', 99);
    c.find('soc')!.removeChild('test@100000');
    expect(t.find('soc/serial@10000000')!.getCells('interrupts')).toEqual([10]);
    expect(t.find('soc/test@100000')).toBeDefined();
    const max = Math.max(...[...Array(10).keys()].map((i) => (t.findByPhandle(i + 1) !== undefined ? i + 1 : 0)));
    expect(c.child('new').phandle()).toBe(max + 1);
    expect(c.find('soc/plic@c000000')!.phandle()).toBe(t.find('soc/plic@c000000')!.phandle());
    const sub = t.find('soc')!.clone();
    expect(sub.name).toBe('soc');
    expect(sub.parent).toBeUndefined();
    expect(sub.children).toHaveLength(4);
  });
});

describe('writeDts', () => {
  it('writes strings, cells, bytestrings and phandle references', () => {
    const dts = writeDts(aarch64Virt(), { reserve: [[0x4000_0000, 0x1000]] });
    expect(dts.startsWith('/dts-v1/;\n')).toBe(true);
    expect(dts).toContain('/memreserve/ 0x40000000 0x1000;');
    expect(dts).toContain('interrupt-parent = <&gic>;');
    expect(dts).toContain('gic: intc@8000000 {');
    expect(dts).toContain('compatible = "arm,psci-1.0", "arm,psci-0.2", "arm,psci";');
    expect(dts).toContain('rng-seed = [01 02 03 04 05 06 07];');
    expect(dts).toContain('reg = <0x0 0x8000000 0x0 0x10000 0x0 0x80a0000 0x0 0xf60000>;');
    expect(dts).toContain('always-on;');
    expect(dts).toContain('interrupt-map = <0x0 0x0 0x0 0x1 &gic 0x0 0x0 0x0 0x3 0x4 0x0 0x0 0x0 0x2 &gic 0x0 0x0 0x0 0x4 0x4');
    expect(dts).toContain('interrupt-map-mask = <0x1800 0x0 0x0 0x7>;');
    const rv = writeDts(riscvVirt());
    expect(rv).toContain('bootargs = "console=ttyS0 earlycon \\"quoted\\" back\\\\slash";');
    expect(rv).toMatch(/interrupts-extended = <&cpu_0_interrupt_controller 0x3 &cpu_0_interrupt_controller 0x7 &cpu_1_interrupt_controller 0x3 &cpu_1_interrupt_controller 0x7>;/);
    expect(rv).toMatch(/cpu = <&cpu_0>;/);
  });
});

describe('round trips through dtc', () => {
  for (const [name, make] of [
    ['riscv-virt', riscvVirt],
    ['aarch64-virt', aarch64Virt],
  ] as const) {
    withDtc(`${name}: our DTB decompiles with dtc`, () => {
      const { out, stderr } = dtc(['-I', 'dtb', '-O', 'dts', '-q'], writeDtb(make()));
      expect(stderr).not.toMatch(/ERROR/);
      expect(out.toString()).toContain('compatible');
    });

    withDtc(`${name}: our DTS compiles with dtc to the same tree and the same bytes`, () => {
      const t = make();
      const dts = writeDts(t, { reserve: [[0x1000, 0x2000]] });
      fs.writeFileSync(path.join(tmp, `${name}.dts`), dts);
      const { out, stderr } = dtc(['-I', 'dts', '-O', 'dtb'], dts);
      expect(stderr).not.toMatch(/ERROR/);
      const back = new Uint8Array(out);
      expect(fdtDiff(t, parseDtb(back))).toBeUndefined();
      expect(Buffer.from(back).equals(Buffer.from(writeDtb(t, { reserve: [[0x1000, 0x2000]] })))).toBe(true);
    });

    withDtc(`${name}: dtc's DTB of our DTS parses to the tree and dtc -O dts of ours is stable`, () => {
      const t = make();
      const viaDtc = dtc(['-I', 'dtb', '-O', 'dtb'], writeDtb(t)).out;
      expect(fdtDiff(t, parseDtb(new Uint8Array(viaDtc)))).toBeUndefined();
    });
  }

  withDtc('a hand-written DTS compiled by dtc parses to the expected nodes and properties', () => {
    const src = `/dts-v1/;
/memreserve/ 0x80000000 0x200000;
/ {
	#address-cells = <2>;
	#size-cells = <1>;
	model = "hand made";
	intc: interrupt-controller@1000 {
		compatible = "vendor,intc";
		reg = <0x0 0x1000 0x100>;
		interrupt-controller;
		#interrupt-cells = <2>;
	};
	dev@2000 {
		compatible = "vendor,dev", "generic";
		reg = <0x0 0x2000 0x10>;
		interrupt-parent = <&intc>;
		interrupts = <5 4>;
		mac-address = [02 00 00 00 00 01];
		wide = /bits/ 64 <0x123456789abcdef0>;
		nested {
			deep@0 { reg = <0>; };
		};
	};
};
`;
    const blob = new Uint8Array(dtc(['-I', 'dts', '-O', 'dtb', '-b', '3'], src).out);
    const info = readDtb(blob);
    expect(info.bootCpuId).toBe(3);
    expect(info.reserve).toEqual([[0x8000_0000n, 0x20_0000n]]);
    const t = info.root;
    expect(t.getStrings('model')).toEqual(['hand made']);
    const intc = t.find('interrupt-controller@1000')!;
    expect(intc.props.has('interrupt-controller')).toBe(true);
    expect(intc.props.get('interrupt-controller')!.length).toBe(0);
    const dev = t.find('dev@2000')!;
    expect(dev.getCells('interrupt-parent')).toEqual([intc.phandleIfAny]);
    expect(intc.phandleIfAny).toBeGreaterThan(0);
    expect(dev.getStrings('compatible')).toEqual(['vendor,dev', 'generic']);
    expect(dev.getCells('reg')).toEqual([0, 0x2000, 0x10]);
    expect([...dev.props.get('mac-address')!]).toEqual([2, 0, 0, 0, 0, 1]);
    expect(dev.getCells('wide')).toEqual([0x12345678, 0x9abcdef0]);
    expect(t.find('dev@2000/nested/deep@0')!.getCells('reg')).toEqual([0]);
    expect(t.find('dev/nested/deep')!.path).toBe('/dev@2000/nested/deep@0');
    // And back again through our writer: dtc accepts ours and gives the same bytes.
    const again = new Uint8Array(dtc(['-I', 'dts', '-O', 'dtb', '-b', '3'], writeDts(t, { reserve: info.reserve })).out);
    expect(Buffer.from(again).equals(Buffer.from(blob))).toBe(true);
    expect(Buffer.from(writeDtb(t, { bootCpuId: 3, reserve: info.reserve })).equals(Buffer.from(blob))).toBe(true);
  });

  withDtc('dtc-made DTB of the QEMU-like trees has no errors when checked', () => {
    for (const make of [riscvVirt, aarch64Virt]) {
      const r = spawnSync(DTC, ['-I', 'dtb', '-O', 'dtb', '-o', '/dev/null'], { input: Buffer.from(writeDtb(make())) });
      expect(r.status).toBe(0);
      expect(r.stderr.toString()).not.toMatch(/ERROR/);
    }
  });
});

/** QEMU's own device trees (`-machine virt,dumpdtb=FILE`), where QEMU is installed. */
describe('device trees QEMU generates', () => {
  const machines = [
    ['riscv64 virt', '/usr/bin/qemu-system-riscv64', ['-machine', 'virt', '-smp', '2', '-m', '256M']],
    ['aarch64 virt (GICv3)', '/usr/bin/qemu-system-aarch64', ['-machine', 'virt,gic-version=3', '-cpu', 'cortex-a57', '-smp', '2', '-m', '256M']],
  ] as const;
  for (const [name, qemu, args] of machines) {
    // Under CI the tools are installed by scripts/ci-setup.sh: a missing one fails the test.
    const run = (haveDtc && fs.existsSync(qemu)) || process.env.CI ? it : it.skip;
    run(`${name}: parses, and our DTB and DTS of it decompile exactly as QEMU's does`, () => {
      const file = path.join(tmp, 'qemu.dtb');
      const [m, ...rest] = args;
      const r = spawnSync(qemu, [m, `${rest[0]},dumpdtb=${file}`, ...rest.slice(1), '-nographic', '-nodefaults'], { timeout: 20_000 });
      expect(r.status).toBe(0);
      const blob = new Uint8Array(fs.readFileSync(file));
      const info = readDtb(blob);
      expect(info.root.find('chosen')).toBeDefined();
      const ours = writeDtb(info.root, { reserve: info.reserve, bootCpuId: info.bootCpuId });
      const theirsDts = dtc(['-I', 'dtb', '-O', 'dts', '-q'], blob).out.toString();
      expect(dtc(['-I', 'dtb', '-O', 'dts', '-q'], ours).out.toString()).toBe(theirsDts);
      // Our DTS of QEMU's tree compiles to our DTB of it.
      const viaDts = dtc(['-I', 'dts', '-O', 'dtb', '-q'], writeDts(info.root, { reserve: info.reserve })).out;
      expect(fdtDiff(info.root, parseDtb(new Uint8Array(viaDts)))).toBeUndefined();
    });
  }
});

/**
 * A partition's I/O: its virtual PLIC, its virtual devices, the forwarding of passthrough
 * devices' interrupts, and the trap-and-emulate path for guest accesses to emulated
 * windows. The hypervisor calls in from its HS trap handler; everything here acts through
 * architectural state (CSRs of the trapping hart, hvip, guest memory read through the
 * partition's map, the real PLIC's registers over the system bus).
 */

import { FdtNode, type ComponentContext } from '@tessera/core';
import { CSR, type Hart, type TrapInfo } from '@tessera/cpu-riscv';
import { guestToHost, hasVplic, type HgeipConfig, type HypervisorConfig, type PartitionConfig } from './layout.js';
import { decodeHtinst, decodeInstruction, fetchGuestInstruction, type MmioInsn } from './mmio-decode.js';
import { VirtualDevice } from './vdevices.js';
import { Vplic, VPLIC_BASE, VPLIC_NDEV, VPLIC_SIZE, PLIC_CONTEXT, PLIC_CONTEXT_STRIDE, PLIC_ENABLE, PLIC_ENABLE_STRIDE, type VplicTarget } from './vplic.js';
import { HSTATUS_VGEIN_SHIFT, HSTATUS_VGEIN, SIE_SEIE } from './csr-bits.js';

const EXC_LOAD_GUEST_PAGE = 21;
const EXC_STORE_GUEST_PAGE = 23;
/** sie/mie.SEIE (privileged §4.1.3). */
/** hstatus.VGEIN, bits 17:12 (H §9.2.1). */
/** PLIC register map (PLIC spec 1.0.0 §3, QEMU virt). */

/** What vio needs of the hypervisor (kept narrow so hypervisor.ts and this module stay apart). */
export interface IoHost {
  readonly ctx: ComponentContext;
  readonly cfg: HypervisorConfig;
  readonly ram: { readonly base: number; readonly u8: Uint8Array; read64(off: number): bigint };
  /** Count an exit (and emit `hyp.exit`). */
  exit(v: IoVcpu, reason: string, pc: bigint, extra?: Record<string, unknown>): void;
  /** Component name → MMIO regions. */
  deviceRegions(name: string): Array<{ base: number; size: number }> | undefined;
  /** The harts, in cluster order (PLIC contexts are numbered by it). */
  readonly cluster: { readonly harts: readonly Hart[] };
}

/** What vio needs of a vCPU. */
export interface IoVcpu extends VplicTarget {
  readonly index: number;
  readonly hart: Hart;
  /** Select the vCPU's guest external interrupt line (hstatus.VGEIN), kept across its context switches. */
  setVgein?(line: number): void;
}

/** PLIC sources of machine device `name`: the `interrupts` of its device-tree nodes. */
export function machineDeviceIrqs(host: Pick<IoHost, 'ctx' | 'deviceRegions'>, name: string): number[] {
  const out: number[] = [];
  let tree: FdtNode;
  try {
    tree = host.ctx.machine.deviceTree();
  } catch {
    return out;
  }
  for (const reg of host.deviceRegions(name) ?? []) {
    tree.walk((n) => {
      if (n.name.endsWith(`@${reg.base.toString(16)}`)) for (const c of n.getCells('interrupts') ?? []) if (!out.includes(c)) out.push(c);
    });
  }
  return out;
}

/**
 * The machine's PLIC as the hypervisor uses it: the S-mode context of each physical hart
 * (2N+1 with QEMU virt's M/S context pairs) belongs to HS, and passthrough sources are
 * enabled there for the hart that runs the partition's first vCPU.
 */
export class PhysicalPlic {
  /** Physical source → the partition I/O that owns it. */
  readonly owner = new Map<number, PartitionIo>();
  /** Physical source → the context it was claimed on (for the completion). */
  private readonly claimedOn = new Map<number, number>();
  /** Physical source → the hart (cluster index) whose S context has it enabled (emulated delivery). */
  private readonly routed = new Map<number, number>();

  constructor(
    private readonly ctx: ComponentContext,
    readonly base: number,
  ) {}

  context(hartIndex: number): number {
    return 2 * hartIndex + 1;
  }

  private read(off: number): number {
    return this.ctx.system.read(this.base + off, 4);
  }

  private write(off: number, v: number): void {
    this.ctx.system.write(this.base + off, 4, v >>> 0);
  }

  /**
   * Power-on: each partition's passthrough sources at priority 1, enabled on its first
   * hart's S context. With direct delivery the sources go to the partition's guest external
   * interrupt context instead, disabled and at priority 0 until the guest enables them
   * through its vPLIC (mirrored by {@link setEnable} and {@link setPriority}).
   */
  setup(parts: readonly PartitionIo[]): void {
    this.owner.clear();
    this.claimedOn.clear();
    this.routed.clear();
    for (const io of parts) this.setupPartition(io);
  }

  private setupPartition(io: PartitionIo): void {
    const direct = io.direct;
    const c = direct !== undefined ? direct.context : this.context(io.firstHart);
    this.write(PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * c, 0); // threshold 0
    for (const s of io.passthroughSources) {
      this.owner.set(s, io);
      this.setPriority(s, direct !== undefined ? 0 : 1);
      const was = this.routed.get(s);
      if (direct === undefined && was !== undefined && was !== io.firstHart) this.setEnable(this.context(was), s, false);
      this.setEnable(c, s, direct === undefined);
      if (direct === undefined) this.routed.set(s, io.firstHart);
    }
  }

  /**
   * Take emulated-delivery line `source` on hart `hartIndex` from now on (the guest moved
   * its affinity to the vCPU running there): its enable moves between the hypervisor's S
   * contexts. A claim in flight is still completed where it was made.
   */
  route(source: number, hartIndex: number): void {
    const was = this.routed.get(source);
    if (was === undefined || was === hartIndex) return;
    this.setEnable(this.context(was), source, false);
    this.setEnable(this.context(hartIndex), source, true);
    this.routed.set(source, hartIndex);
  }

  /** The hart whose S context takes `source` (emulated delivery), if it is a routed line. */
  routedTo(source: number): number | undefined {
    return this.routed.get(source);
  }

  /**
   * One partition restarts (SRST reboot) while the others run: its lines' claims still in
   * flight are completed (the gateways would otherwise hold them forever, PLIC spec §5) and
   * its contexts go back to their power-on state.
   */
  rebootPartition(io: PartitionIo): void {
    for (const s of io.passthroughSources) {
      if (io.direct !== undefined) {
        // The guest claimed from the real context itself; a completion of an unclaimed source is harmless.
        this.setEnable(io.direct.context, s, true);
        this.write(PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * io.direct.context + 4, s);
      } else this.complete(s);
    }
    this.setupPartition(io);
  }

  setPriority(source: number, value: number): void {
    this.write(4 * source, value);
  }

  setEnable(context: number, source: number, on: boolean): void {
    const off = PLIC_ENABLE + PLIC_ENABLE_STRIDE * context + 4 * (source >>> 5);
    const bit = 1 << (source & 31);
    const v = this.read(off);
    this.write(off, on ? v | bit : v & ~bit);
  }

  /** The physical address of context `context`'s threshold and claim/complete page. */
  contextPage(context: number): number {
    return this.base + PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * context;
  }

  /** Claim on hart `hartIndex`'s S context (PLIC spec §3.7); 0 when nothing is pending. */
  claim(hartIndex: number): number {
    const c = this.context(hartIndex);
    const s = this.read(0x20_0004 + 0x1000 * c);
    if (s !== 0) this.claimedOn.set(s, c);
    return s;
  }

  /** Complete `source` on the context that claimed it (§3.8): the gateway takes the next request. */
  complete(source: number): void {
    const c = this.claimedOn.get(source);
    if (c === undefined) return;
    this.claimedOn.delete(source);
    this.write(0x20_0004 + 0x1000 * c, source);
  }
}

export class PartitionIo {
  readonly vplic: Vplic | undefined;
  readonly devices: VirtualDevice[] = [];
  readonly passthroughSources: number[] = [];
  /** Cluster index of the hart that runs vCPU 0 (where passthrough interrupts are taken). */
  readonly firstHart: number;
  physical: PhysicalPlic | undefined;
  /** Direct delivery of passthrough lines through hgeip (`irq-delivery: hgeip`). */
  readonly direct: HgeipConfig | undefined;
  private plicPhandle = 0;

  constructor(
    private readonly host: IoHost,
    readonly name: string,
    readonly cfg: PartitionConfig,
    readonly vcpus: readonly IoVcpu[],
  ) {
    this.firstHart = cfg.harts[0]!;
    this.direct = cfg['irq-delivery'] === 'hgeip' ? cfg.hgeip : undefined;
    if (!hasVplic(host.cfg, cfg)) return;
    this.vplic = new Vplic(vcpus, (s) => this.physical?.complete(s));
    if (this.direct === undefined) {
      // Emulated delivery follows the guest's affinity: a line is taken at HS on the hart of
      // the first vCPU whose S context enables it (vCPU 0's when none does), so its VSEIP is
      // raised on the hart where the claim was made.
      this.vplic.onEnableWrite = (ctx, word) => {
        if ((ctx & 1) === 0 || this.physical === undefined) return;
        for (const s of this.passthroughSources) if (s >>> 5 === word) this.followAffinity(s);
      };
    } else {
      const direct = this.direct;
      // The guest's enables and priorities of its passthrough lines on vCPU 0's S context
      // (vPLIC context 1) become the real ones of the guest external interrupt context.
      this.vplic.onEnableWrite = (ctx, word, value) => {
        if (ctx !== 1 || this.physical === undefined) return;
        for (const s of this.passthroughSources) if (s >>> 5 === word) this.physical.setEnable(direct.context, s, ((value >>> (s & 31)) & 1) === 1);
      };
      this.vplic.onPriorityWrite = (s, value) => {
        if (this.physical !== undefined && this.passthroughSources.includes(s)) this.physical.setPriority(s, value);
      };
    }
    (cfg.virtual ?? []).forEach((d, i) => {
      this.devices.push(new VirtualDevice(host.ctx, name, i, d, cfg.memory, (s, high) => this.vplic!.setLevel(s, high)));
    });
    if (host.cfg.plic !== undefined) {
      for (const d of cfg.devices ?? []) {
        for (const s of machineDeviceIrqs(host, d)) {
          if (s >= 1 && s <= VPLIC_NDEV) {
            this.passthroughSources.push(s);
            this.vplic.addPassthrough(s);
          }
        }
      }
    }
  }

  private followAffinity(source: number): void {
    const plic = this.physical!;
    const vplic = this.vplic!;
    const target = this.vcpus.find((v) => ((v.virq.enable[1][source >>> 5]! >>> (source & 31)) & 1) === 1) ?? this.vcpus[0]!;
    const hart = this.host.cluster.harts.indexOf(target.hart);
    if (hart >= 0 && plic.owner.get(source) === this && vplic.isPassthrough(source)) plic.route(source, hart);
  }

  /** Power-on (and partition reboot): vPLIC and devices back to reset. */
  reset(): void {
    this.vplic?.reset();
    for (const d of this.devices) d.reset();
  }

  close(): void {
    for (const d of this.devices) d.close();
  }

  /** HS state a vCPU needs for forwarding: SEIE so the physical S external interrupt reaches HS while the guest runs (H §9.2.2). */
  hsSetup(v: IoVcpu): void {
    if (this.physical === undefined) return;
    const h = v.hart;
    h.writeCsr(CSR.sie, (h.readCsr(CSR.sie) ?? 0n) | SIE_SEIE);
    if (this.direct !== undefined) {
      // VSEIP of vCPU 0 is hgeip[VGEIN] (H §9.2.1, §9.2.4): the PLIC context drives it directly.
      const v0 = this.vcpus[0]!;
      v0.setVgein?.(this.direct.line);
      if (v0.hart === h) {
        const hs = h.readCsr(CSR.hstatus) ?? 0n;
        h.writeCsr(CSR.hstatus, (hs & ~HSTATUS_VGEIN) | (BigInt(this.direct.line) << HSTATUS_VGEIN_SHIFT));
      }
    }
  }

  /**
   * G-stage mappings besides memory and passthrough devices: with direct delivery, the
   * threshold and claim/complete page of vCPU 0's S context (vPLIC context 1) is the real
   * guest external interrupt context's page, so claims and completions need no exit.
   */
  gstageMappings(): Array<{ gpa: number; hpa: number; size: number }> {
    if (this.direct === undefined || this.physical === undefined) return [];
    return [{ gpa: VPLIC_BASE + PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * 1, hpa: this.physical.contextPage(this.direct.context), size: 4096 }];
  }

  /**
   * A physical supervisor external interrupt at HS on this partition's hart: claim every
   * pending source there and pend it in its owner's vPLIC (the owner raises VSEIP).
   */
  static externalInterrupt(plic: PhysicalPlic, hartIndex: number): number {
    let n = 0;
    for (;;) {
      const s = plic.claim(hartIndex);
      if (s === 0) return n;
      n++;
      const io = plic.owner.get(s);
      if (io?.vplic === undefined) plic.complete(s);
      else io.vplic.raisePassthrough(s);
    }
  }

  // ------------------------------------------------------------ trap and emulate

  private emulatedAt(gpa: number): 'vplic' | VirtualDevice | undefined {
    if (this.vplic !== undefined && gpa >= VPLIC_BASE && gpa < VPLIC_BASE + VPLIC_SIZE) return 'vplic';
    for (const d of this.devices) if (d.contains(gpa)) return d;
    return undefined;
  }

  /** Does guest physical `gpa` trap to an emulated window? */
  emulates(gpa: number): boolean {
    return this.emulatedAt(gpa) !== undefined;
  }

  /**
   * A load or store guest-page fault (H §9.4.4) in an emulated window: decode the access,
   * emulate it and step sepc over the instruction; the caller returns to the guest (SRET).
   * False when the
   * fault is not for an emulated window or the access is not one the device decodes; the
   * hypervisor then treats it as a blocked access.
   */
  handleGuestFault(v: IoVcpu, trap: TrapInfo, sepc: bigint): boolean {
    if (trap.cause !== EXC_LOAD_GUEST_PAGE && trap.cause !== EXC_STORE_GUEST_PAGE) return false;
    const hart = v.hart;
    const gpa = Number((((hart.readCsr(CSR.htval) ?? 0n) << 2n) | (trap.tval & 3n)) & ((1n << 53n) - 1n));
    const target = this.emulatedAt(gpa);
    if (target === undefined) return false;
    const kind = target === 'vplic' ? 'vplic' : 'virtio';
    const fromHtinst = decodeHtinst(hart.readCsr(CSR.htinst) ?? 0n);
    let insn: MmioInsn | undefined;
    if (fromHtinst === 'fetch') {
      const bits = fetchGuestInstruction(hart.readCsr(CSR.vsatp) ?? 0n, sepc, (a) => this.guestRead64(a), (a) => this.guestRead16(a));
      if (bits === undefined) {
        // The guest's translation of its own pc changed under it: let it run the instruction again.
        this.host.exit(v, `${kind}-retry`, sepc);
        return true;
      }
      insn = decodeInstruction(bits);
    } else insn = fromHtinst;
    const store = trap.cause === EXC_STORE_GUEST_PAGE;
    if (insn === undefined || insn.store !== store) return false;
    if (store) {
      const value = hart.readReg(insn.reg);
      if (!this.writeEmulated(target, gpa, insn.size, value)) return false;
    } else {
      const value = this.readEmulated(target, gpa, insn.size);
      if (value === undefined) return false;
      const n = BigInt(insn.size * 8);
      hart.writeReg(insn.reg, insn.signed ? BigInt.asIntN(Number(n), value) : BigInt.asUintN(Number(n), value));
    }
    this.host.exit(v, `${kind}-${store ? 'store' : 'load'}`, sepc, { address: '0x' + gpa.toString(16) });
    hart.writeCsr(CSR.sepc, sepc + BigInt(insn.length));
    return true;
  }

  private readEmulated(target: 'vplic' | VirtualDevice, gpa: number, size: 1 | 2 | 4 | 8): bigint | undefined {
    if (target === 'vplic') {
      const v = this.vplic!.read(gpa - VPLIC_BASE, size);
      return v === undefined ? undefined : BigInt(v >>> 0);
    }
    if (size === 8) {
      // Two 32-bit accesses, low word first, as a 32-bit interconnect carries a 64-bit one.
      return BigInt(target.read(gpa, 4) >>> 0) | (BigInt(target.read(gpa + 4, 4) >>> 0) << 32n);
    }
    return BigInt(target.read(gpa, size) >>> 0);
  }

  private writeEmulated(target: 'vplic' | VirtualDevice, gpa: number, size: 1 | 2 | 4 | 8, value: bigint): boolean {
    if (target === 'vplic') return size !== 8 && this.vplic!.write(gpa - VPLIC_BASE, size, Number(BigInt.asUintN(32, value)));
    if (size === 8) {
      target.write(gpa, 4, Number(value & 0xffffffffn));
      target.write(gpa + 4, 4, Number((value >> 32n) & 0xffffffffn));
    } else target.write(gpa, size, Number(BigInt.asUintN(size * 8, value)));
    return true;
  }

  private guestRead64(gpa: number): bigint | undefined {
    const hpa = guestToHost(this.cfg.memory, gpa, 8);
    if (hpa === undefined || gpa % 8 !== 0) return undefined;
    return this.host.ram.read64(hpa - this.host.ram.base);
  }

  private guestRead16(gpa: number): number | undefined {
    const hpa = guestToHost(this.cfg.memory, gpa, 2);
    if (hpa === undefined) return undefined;
    const u8 = this.host.ram.u8;
    const o = hpa - this.host.ram.base;
    return u8[o]! | (u8[o + 1]! << 8);
  }

  // ------------------------------------------------------------ device tree

  /**
   * The vPLIC node (QEMU virt's shape: `interrupts-extended` pairs of M (11) and S (9)
   * external interrupt causes per vCPU, of which Linux uses the S ones); returns its
   * phandle, or 0 without a vPLIC.
   */
  addPlicNode(root: FdtNode): number {
    if (this.vplic === undefined) return 0;
    const ext: number[] = [];
    for (const v of this.vcpus) {
      const intc = root.find(`/cpus/cpu@${v.index}/interrupt-controller`);
      if (intc === undefined) continue;
      const ph = intc.phandle();
      ext.push(ph, 11, ph, 9);
    }
    const n = root.child(`plic@${VPLIC_BASE.toString(16)}`);
    n.cells('#address-cells', 0).cells('#interrupt-cells', 1).flag('interrupt-controller');
    n.strs('compatible', 'sifive,plic-1.0.0', 'riscv,plic0');
    n.reg([VPLIC_BASE, VPLIC_SIZE]);
    n.cells('riscv,ndev', VPLIC_NDEV);
    n.cells('interrupts-extended', ...ext);
    this.plicPhandle = n.phandle();
    return this.plicPhandle;
  }

  /** Interrupt wiring of a copied passthrough node: its sources, now of the vPLIC. */
  wirePassthrough(copy: FdtNode, machineNode: FdtNode): void {
    const irqs = machineNode.getCells('interrupts');
    if (this.physical === undefined || this.plicPhandle === 0 || irqs === undefined) return;
    copy.cells('interrupts', ...irqs).cells('interrupt-parent', this.plicPhandle);
  }

  /** virtio-mmio nodes as QEMU virt writes them. */
  addDeviceNodes(root: FdtNode): void {
    for (const d of this.devices) {
      const n = root.child(`virtio_mmio@${d.base.toString(16)}`);
      n.str('compatible', 'virtio,mmio');
      n.reg([d.base, d.size]);
      n.cells('interrupts', d.irq).cells('interrupt-parent', this.plicPhandle);
    }
  }
}

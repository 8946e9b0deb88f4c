/**
 * The thin hypervisor at HS-mode for RISC-V harts with the H extension 1.0.
 *
 * It takes the traps that target HS (and plays the M-mode firmware layer beneath itself at
 * reset), reached through the CPU plugin's trap-handler interface, and acts only through
 * architectural state: CSRs (hgatp, hstatus, hedeleg/hideleg, hvip, vs* CSRs, vstimecmp),
 * the G-stage tables it writes into RAM it owns, and the guest's memory.
 *
 * Per partition: a G-stage table built once per boot (VMID = partition index + 1), an SBI
 * dispatcher answering the guest's ECALLs, a console port, and one vCPU per physical hart.
 * Accesses outside the partition fault at the G-stage (guest-page faults, H §9.5) or at the
 * PMA/PMP check (access faults); the hypervisor records each as a `hyp.blocked` event and
 * forwards it to the guest as the access fault missing hardware would give.
 */

import { SimError, type ComponentContext, type ConsolePort, FdtNode, type RamRegion, loadElf, isElf, writeDtb, type Counter, decompressKernel, parseLinuxImage, loadLinuxImage, placeInitrd, placeDtb, setChosen } from '@tessera/core';
import { CSR, type Hart, type RiscvCluster, type TrapInfo } from '@tessera/cpu-riscv';
import { Sbi, HartState, SBI_SUCCESS, SBI_ERR_INVALID_PARAM, SBI_ERR_ALREADY_AVAILABLE, SRST_SHUTDOWN, type SbiCaller, type SbiPlatform, type RfenceKind } from '@tessera/riscv-sbi';
import { GStageTable, TablePool, RWX } from './gstage.js';
import { guestToHost, validateLayout, timeSliceNs, type HypervisorConfig, type PartitionConfig } from './layout.js';
import { HartScheduler, VcpuRun, type SchedHost, type SchedVcpu } from './scheduler.js';
import { ALL_ONES } from './vcpu-state.js';
import { MSTATUS_FS_DIRTY, SSTATUS_SIE, SSTATUS_SPIE, SSTATUS_SPP, HSTATUS_SPV, HSTATUS_SPVP, MIP_SSIP, MIP_MSIP, MIP_STIP, MIP_MTIP, HVIP_VSSIP, HVIP_VSTIP, HVIP_VSEIP } from './csr-bits.js';
import { VcpuIrqState } from './vplic.js';
import { machineDeviceIrqs, PartitionIo, PhysicalPlic } from './vio.js';

// Exception causes (privileged 1.12 Table 3.6, H §9.4.4 for 20..23).
const EXC_INSN_ACCESS = 1;
const EXC_ILLEGAL = 2;
const EXC_LOAD_ACCESS = 5;
const EXC_STORE_ACCESS = 7;
const EXC_ECALL_VS = 10;
const EXC_INSN_GUEST_PAGE = 20;
const EXC_LOAD_GUEST_PAGE = 21;
const EXC_VIRTUAL_INSN = 22;
const EXC_STORE_GUEST_PAGE = 23;

/** Exceptions the guest handles itself (hedeleg, H §9.4.3): everything but ECALLs, access and guest-page faults. */
const HEDELEG = [0, 2, 3, 4, 6, 8, 12, 13, 15].reduce((m, c) => m | (1n << BigInt(c)), 0n);
/** Exceptions M-mode hands to HS (medeleg). */
const MEDELEG = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 15, 20, 21, 22, 23].reduce((m, c) => m | (1n << BigInt(c)), 0n);
/** VS-level interrupts (VSSIP, VSTIP, VSEIP) go to VS-mode (hideleg). */
const HIDELEG = (1n << 2n) | (1n << 6n) | (1n << 10n);
const MIDELEG = (1n << 1n) | (1n << 5n) | (1n << 9n) | HIDELEG | (1n << 12n);
const IRQ_SUPERVISOR_EXTERNAL = 9;
const ENVCFG_STCE = 1n << 63n;
const SBI_ERR_INVALID_ADDRESS = -5;
/** SBI HSM default non-retentive suspend type (SBI 2.0 §9.4, Table 35). */
const SUSPEND_NON_RETENTIVE = 0x8000_0000;
/** WFI's encoding, as a virtual-instruction trap reports it in stval (H §9.6.1). */
const INSN_WFI = 0x10500073n;
// Interrupt causes at HS and M (privileged 1.12 Table 3.6).
const IRQ_SSI = 1;
const IRQ_STI = 5;
const IRQ_MSI = 3;
const IRQ_MTI = 7;
/** The HS idle loop: `wfi; j .-4`. */
const IDLE_LOOP = [0x10500073, 0xffdff06f];
/** SiFive CLINT layout: msip at 4*hart, mtimecmp at 0x4000 + 8*hart. */
const CLINT_MTIMECMP = 0x4000;

export interface ExitCounts {
  readonly [reason: string]: number;
}

export class Vcpu {
  /** Scheduling state and the saved context while the vCPU is off its hart. */
  readonly run = new VcpuRun();
  /** Virtual interrupt state (vPLIC contexts, VSEIP): the vCPU's own, kept when it leaves its hart. */
  readonly virq = new VcpuIrqState();
  private readonly counters = new Map<string, Counter>();

  constructor(
    readonly partition: Partition,
    /** The vCPU's hart ID as the guest sees it. */
    readonly index: number,
    readonly hart: Hart,
  ) {}

  get label(): string {
    return `${this.partition.name}/${this.index}`;
  }

  /** HSM stopped (never started, hart_stop, partition off). */
  get parked(): boolean {
    return this.run.state === 'stopped';
  }

  /** The scheduler of the hart this vCPU is placed on. */
  get sched(): HartScheduler {
    return this.partition.hyp.schedulerOf(this);
  }

  counter(reason: string): Counter {
    let c = this.counters.get(reason);
    if (c === undefined) {
      c = this.partition.hyp.ctx.events.counter('hyp.exits', `${this.label} ${reason}`);
      this.counters.set(reason, c);
    }
    return c;
  }

  /** The vPLIC's S context has (or no longer has) a deliverable interrupt: hvip.VSEIP (H §9.2.3). */
  setVseip(level: boolean): void {
    // On the hart while the vCPU runs there, in its context while it is switched out.
    this.partition.hyp.setVsInterrupt(this, HVIP_VSEIP, level);
  }

  /** hstatus.VGEIN of this vCPU (direct delivery of passthrough lines), in its context. */
  setVgein(line: number): void {
    this.run.ctx.setVgein(line);
  }

  caller(): SbiCaller {
    const hart = this.hart;
    return { hartid: this.index, x: (n) => hart.readReg(n), setX: (n, v) => hart.writeReg(n, v) };
  }
}

export class Partition implements SbiPlatform {
  readonly vcpus: Vcpu[];
  readonly sbi: Sbi;
  readonly console: ConsolePort;
  /** Virtual PLIC, virtual devices, passthrough interrupt forwarding. */
  readonly io: PartitionIo;
  table: GStageTable | undefined;
  off = false;
  exitCode = 0;
  entry = 0;
  dtbAddr = 0;
  /** Guest physical placement of the initrd, when the partition boots one. */
  initrd: { start: number; end: number } | undefined;
  readonly machineIds = { mvendorid: 0n, marchid: 0n, mimpid: 0n };
  private readonly input: number[] = [];

  constructor(
    readonly hyp: ThinHypervisor,
    readonly name: string,
    /** VMID = index + 1 (VMID 0 stays the hypervisor's own). */
    readonly index: number,
    readonly cfg: PartitionConfig,
  ) {
    // vCPU i runs on the partition's hart i mod (number of harts).
    this.vcpus = Array.from({ length: cfg.vcpus ?? cfg.harts.length }, (_, i) => new Vcpu(this, i, hyp.cluster.harts[cfg.harts[i % cfg.harts.length]!]!));
    this.sbi = new Sbi(this, { implId: 0x54, implVersion: 1 });
    this.io = new PartitionIo(hyp, name, cfg, this.vcpus);
    this.console = hyp.ctx.console(cfg.console ?? 'stdio');
    this.console.onInput((b) => this.input.push(b));
  }

  get vmid(): number {
    return this.index + 1;
  }

  // ------------------------------------------------------------ SbiPlatform

  hartIds(): readonly number[] {
    return this.vcpus.map((v) => v.index);
  }

  /**
   * TIME set_timer. With Sstc: vstimecmp (enabled for the guest through henvcfg.STCE).
   * Without: the deadline goes into the vCPU's context, the hypervisor's own timer is
   * armed for it, and the pending timer interrupt is cleared (SBI 2.0 §6.1); hvip.VSTIP is
   * injected when it expires.
   */
  setTimer(caller: SbiCaller, stime: bigint): void {
    const v = this.vcpus[caller.hartid]!;
    if (this.hyp.sstc) {
      v.hart.writeCsr(CSR.vstimecmp, stime);
      return;
    }
    v.run.ctx.timer = BigInt.asUintN(64, stime);
    this.hyp.setVsInterrupt(v, HVIP_VSTIP, false);
  }

  /**
   * IPI: hvip.VSSIP for each target vCPU (H §9.2.3): at once when it runs on the calling
   * hart, through a kick of its hart when it runs there, held in its context when it is
   * switched out (delivered when it next runs; a waiting vCPU is woken if it enabled it).
   */
  sendIpi(_caller: SbiCaller, harts: readonly number[]): void {
    for (const h of harts) {
      const v = this.vcpus[h];
      if (v === undefined) continue;
      this.hyp.setVsInterrupt(v, HVIP_VSSIP, true);
    }
  }

  clearIpi(caller: SbiCaller): void {
    const v = this.vcpus[caller.hartid]!;
    this.hyp.setVsInterrupt(v, HVIP_VSSIP, false);
  }

  /**
   * RFENCE: the target vCPUs share this partition's VMID, so a fence of their hart's
   * VS-stage (or G-stage) translations is what the guest asked for. The hart model flushes
   * its whole TLB on any hgatp write; rewriting the value in force is the fence (stronger
   * than HFENCE.VVMA by address: allowed). A vCPU running on another hart is fenced there
   * (a kick); a switched-out one is fenced when it is switched in (every switch-in fences).
   */
  remoteFence(_caller: SbiCaller, _kind: RfenceKind, harts: readonly number[]): void {
    for (const h of harts) {
      const v = this.vcpus[h];
      if (v === undefined) continue;
      v.sched.fence(v);
    }
  }

  hartStart(hartid: number, start: bigint, opaque: bigint): number {
    const v = this.vcpus[hartid];
    if (v === undefined) return SBI_ERR_INVALID_PARAM;
    if (!v.parked) return SBI_ERR_ALREADY_AVAILABLE;
    if (guestToHost(this.cfg.memory, Number(BigInt.asUintN(64, start)), 2) === undefined) return SBI_ERR_INVALID_PARAM;
    this.hyp.enterGuest(v, Number(start), BigInt(hartid), opaque);
    return SBI_SUCCESS;
  }

  hartStop(caller: SbiCaller): number {
    this.hyp.park(this.vcpus[caller.hartid]!);
    return SBI_SUCCESS;
  }

  /**
   * HSM hart_suspend (SBI 2.0 §9.4): the vCPU gives up its hart until one of its enabled VS
   * interrupts is pending. Retentive (type 0): it continues after the ECALL with a0 = 0.
   * Non-retentive (0x80000000): it resumes at `resume` with a0 = hartid, a1 = opaque.
   */
  hartSuspend(caller: SbiCaller, type: number, resume: bigint, opaque: bigint): number {
    const v = this.vcpus[caller.hartid]!;
    let at: { pc: bigint; opaque: bigint } | undefined;
    if (type === SUSPEND_NON_RETENTIVE) {
      if (guestToHost(this.cfg.memory, Number(BigInt.asUintN(64, resume)), 2) === undefined) return SBI_ERR_INVALID_ADDRESS;
      at = { pc: resume, opaque };
    }
    v.sched.suspend(v, at);
    return SBI_SUCCESS;
  }

  /** hart_get_status for vCPUs the scheduler moved (SBI 2.0 §9.3). */
  hsmChanged(v: Vcpu): void {
    this.sbi.setState(v.index, v.run.state === 'stopped' ? HartState.Stopped : v.run.suspended ? HartState.Suspended : HartState.Started);
  }

  /**
   * SRST: a shutdown powers this partition off (the machine powers off when every partition
   * is off, with the first partition's exit code); a reboot restarts the partition alone.
   * Exit code: 0 for reason "no reason", 1 for "system failure".
   */
  systemReset(type: number, reason: number): void {
    if (type === SRST_SHUTDOWN) {
      this.exitCode = reason === 0 ? 0 : 1;
      this.off = true;
      for (const v of this.vcpus) this.hyp.park(v);
      this.hyp.ctx.events.emit('hyp.partition.off', this.hyp.ctx.name, { partition: this.name, exitCode: this.exitCode });
      this.hyp.partitionOff();
    } else {
      this.hyp.rebootPartition(this);
    }
  }

  consoleWrite(bytes: Uint8Array): void {
    this.console.write(bytes);
  }

  consoleRead(max: number): Uint8Array {
    return Uint8Array.from(this.input.splice(0, max));
  }

  readMemory(_caller: SbiCaller, addr: bigint, length: number): Uint8Array | undefined {
    const hpa = guestToHost(this.cfg.memory, Number(BigInt.asUintN(64, addr)), length);
    if (hpa === undefined) return undefined;
    const ram = this.hyp.ram;
    return ram.u8.slice(hpa - ram.base, hpa - ram.base + length);
  }

  writeMemory(_caller: SbiCaller, addr: bigint, data: Uint8Array): boolean {
    const hpa = guestToHost(this.cfg.memory, Number(BigInt.asUintN(64, addr)), data.length);
    if (hpa === undefined) return false;
    const ram = this.hyp.ram;
    ram.u8.set(data, hpa - ram.base);
    ram.noteWrite(hpa - ram.base, data.length);
    return true;
  }

  // ------------------------------------------------------------ device tree

  /** The device tree this partition's guest sees (its vCPUs, memory, /chosen). */
  deviceTree(): FdtNode {
    const root = new FdtNode('');
    root.cells('#address-cells', 2).cells('#size-cells', 2);
    root.str('compatible', 'tessera,partition').str('model', `tessera partition ${this.name}`);
    const cpus = root.child('cpus');
    cpus.cells('#address-cells', 1).cells('#size-cells', 0).cells('timebase-frequency', this.hyp.timebaseFrequency);
    for (const v of this.vcpus) {
      const cpu = cpus.child(`cpu@${v.index}`);
      cpu.str('device_type', 'cpu').cells('reg', v.index).str('status', 'okay').str('compatible', 'riscv');
      // Sstc only when the harts have it: without, the guest's timer is SBI set_timer.
      const sstc = this.hyp.sstc ? ['sstc'] : [];
      cpu.str('riscv,isa', 'rv64imafdc_zicsr_zifencei_zicntr' + sstc.map((e) => '_' + e).join('')).str('mmu-type', 'riscv,sv48');
      cpu.str('riscv,isa-base', 'rv64i').strs('riscv,isa-extensions', 'i', 'm', 'a', 'f', 'd', 'c', 'zicsr', 'zifencei', 'zicntr', ...sstc);
      const intc = cpu.child('interrupt-controller');
      intc.cells('#interrupt-cells', 1).flag('interrupt-controller').str('compatible', 'riscv,cpu-intc');
      intc.phandle();
    }
    for (const r of this.cfg.memory) {
      root.child(`memory@${r.guest.toString(16)}`).str('device_type', 'memory').reg([r.guest, r.size]);
    }
    this.io.addPlicNode(root);
    const machineTree = this.hyp.ctx.machine.deviceTree();
    let stdout: string | undefined;
    for (const d of this.cfg.devices ?? []) {
      for (const reg of this.hyp.deviceRegions(d) ?? []) {
        let found: FdtNode | undefined;
        machineTree.walk((n) => {
          if (found === undefined && n.name.endsWith(`@${reg.base.toString(16)}`)) found = n;
        });
        if (found === undefined) continue;
        // Interrupts go through the partition's virtual PLIC when the hypervisor forwards
        // them (a `plic:` is given); otherwise passthrough nodes carry their registers only.
        const copy = root.child(found.name);
        for (const [k, val] of found.props) {
          if (k === 'interrupts' || k === 'interrupt-parent' || k === 'interrupts-extended' || k === 'phandle') continue;
          copy.set(k, val);
        }
        this.io.wirePassthrough(copy, found);
        // A passthrough UART is the partition's console (Linux polls it without an interrupt).
        if (stdout === undefined && (copy.getStrings('compatible') ?? []).some((c) => c.startsWith('ns16550'))) stdout = copy.path;
      }
    }
    this.io.addDeviceNodes(root);
    setChosen(root, {
      ...(this.cfg.boot?.append !== undefined ? { bootargs: this.cfg.boot.append } : {}),
      ...(this.initrd !== undefined ? { initrdStart: this.initrd.start, initrdEnd: this.initrd.end } : {}),
      ...(stdout !== undefined ? { stdoutPath: stdout } : {}),
    });
    return root;
  }
}

/** The `thin-hypervisor` component's state. */
export class ThinHypervisor implements SchedHost {
  readonly partitions: Partition[];
  /** The harts have Sstc (menvcfg.STCE is WARL: probed by writing it, privileged 1.12 §3.1.18). */
  readonly sstc: boolean;
  /** One scheduler per hart given to a partition, by hart. */
  private readonly schedulers = new Map<Hart, HartScheduler>();
  /** Physical address of the HS idle loop (in the pool). */
  idlePc = 0;
  /** The hart whose HS (or firmware M) handler is running. */
  activeHart: Hart | undefined;
  /** The CLINT the firmware layer drives (mtimecmp without Sstc, msip for kicks), if given. */
  private readonly clintBase: number | undefined;
  private resetting = false;
  readonly cluster: RiscvCluster;
  readonly ram: RamRegion;
  readonly timebaseFrequency: number;
  /** The machine's PLIC, when passthrough interrupts are forwarded (`plic:`). */
  readonly physicalPlic: PhysicalPlic | undefined;
  private readonly byHart = new Map<Hart, Vcpu>();
  private readonly blocked: Counter;

  constructor(
    readonly ctx: ComponentContext,
    readonly cfg: HypervisorConfig & { 'timebase-frequency'?: number },
  ) {
    this.cluster = ctx.ref<RiscvCluster>(cfg.harts);
    if (!Array.isArray(this.cluster?.harts)) throw new SimError(`'harts: ${cfg.harts}' is not a riscv-hart cluster`);
    const ram = ctx.ref<RamRegion>(cfg.ram);
    if (ram === undefined || typeof ram.base !== 'number' || !(ram.u8 instanceof Uint8Array)) throw new SimError(`'ram: ${cfg.ram}' is not a RAM region`);
    this.ram = ram;
    this.timebaseFrequency = cfg['timebase-frequency'] ?? 10_000_000;
    validateLayout(cfg, {
      hartCount: this.cluster.harts.length,
      ram: { base: ram.base, size: ram.size },
      gpaBits: (cfg.gstage ?? 'sv39x4') === 'sv39x4' ? 41 : 50,
      deviceRegions: (d) => this.deviceRegions(d),
      deviceIrqs: (d) => machineDeviceIrqs(this, d),
    });
    if (cfg.plic !== undefined) {
      const regs = this.deviceRegions(cfg.plic);
      if (regs === undefined) throw new SimError(`'plic: ${cfg.plic}' is not a component with registers in this machine`);
      this.physicalPlic = new PhysicalPlic(ctx, Math.min(...regs.map((r) => r.base)));
    }
    this.partitions = Object.entries(cfg.partitions).map(([name, p], i) => new Partition(this, name, i, p));
    for (const p of this.partitions) {
      p.io.physical = this.physicalPlic;
      for (const v of p.vcpus) this.byHart.set(v.hart, v);
    }
    this.blocked = ctx.events.counter('hyp.blocked', 'total');
    this.sstc = probeSstc(this.cluster.harts[0]!);
    if (cfg.clint !== undefined) {
      const regs = this.deviceRegions(cfg.clint);
      if (regs === undefined) throw new SimError(`'clint: ${cfg.clint}' is not a component with registers in this machine`);
      this.clintBase = Math.min(...regs.map((r) => r.base));
    }
    if (!this.sstc && this.clintBase === undefined) {
      throw new SimError('the harts have no Sstc: the hypervisor needs the CLINT for its timer', "add 'clint: <the clint component>' to the thin-hypervisor, or give the harts Sstc");
    }
    for (const p of this.partitions) {
      const sliceTicks = BigInt(Math.max(1, Math.round((timeSliceNs(p.cfg) * this.timebaseFrequency) / 1e9)));
      for (const h of p.cfg.harts) {
        const hart = this.cluster.harts[h]!;
        this.schedulers.set(hart, new HartScheduler(this, hart, h, sliceTicks));
      }
      for (const v of p.vcpus) this.schedulers.get(v.hart)!.vcpus.push(v);
    }
    // Harts not given to any partition stay powered down: nothing runs there.
    for (const h of this.cluster.harts) {
      h.setTrapHandler('HS', (hart: Hart, trap: TrapInfo) => this.onTrap(hart, trap));
      if (this.clintBase !== undefined && this.schedulers.has(h)) h.setTrapHandler('M', (hart: Hart, trap: TrapInfo) => this.onFirmwareTrap(hart, trap));
    }
  }

  schedulerOf(v: Vcpu): HartScheduler {
    return this.schedulers.get(v.hart)!;
  }

  /** Scheduler of cluster hart `index`, if a partition has it. */
  scheduler(index: number): HartScheduler | undefined {
    const h = this.cluster.harts[index];
    return h === undefined ? undefined : this.schedulers.get(h);
  }

  // ------------------------------------------------------------ SchedHost

  /**
   * The hypervisor's timer. With Sstc: stimecmp (the trap handler runs in HS, so this is
   * HS's own). Without: the firmware layer's set_timer — the CLINT's mtimecmp for this
   * hart, mip.STIP cleared and MTIE enabled (as OpenSBI does; MTIP is turned into STIP by
   * the firmware's M-mode handler).
   */
  setHsTimer(hart: Hart, index: number, ticks: bigint): void {
    if (this.sstc) {
      hart.writeCsr(CSR.stimecmp, ticks);
      return;
    }
    this.ctx.system.write64(this.clintBase! + CLINT_MTIMECMP + 8 * index, ticks);
    hart.writeCsr(CSR.mip, (hart.readCsr(CSR.mip) ?? 0n) & ~MIP_STIP);
    const mie = hart.readCsr(CSR.mie) ?? 0n;
    hart.writeCsr(CSR.mie, ticks === ALL_ONES ? mie & ~MIP_MTIP : mie | MIP_MTIP);
  }

  /**
   * Make hart `index` enter the hypervisor: a software interrupt through the CLINT's msip
   * (the firmware layer turns it into SSIP), or — in a machine without a `clint:` — SSIP
   * set on that hart directly, which is what an ACLINT SSWI write would do.
   */
  kick(index: number): void {
    if (this.resetting) return;
    if (this.clintBase !== undefined) {
      this.ctx.system.write(this.clintBase + 4 * index, 4, 1);
      return;
    }
    const h = this.cluster.harts[index]!;
    h.writeCsr(CSR.mip, (h.readCsr(CSR.mip) ?? 0n) | MIP_SSIP);
  }

  fence(hart: Hart): void {
    hart.writeCsr(CSR.hgatp, hart.readCsr(CSR.hgatp) ?? 0n);
  }

  /** Scheduling events (`hyp.sched`, `<partition>/<vcpu> <what>`): not exits, the hypervisor's own work. */
  count(v: SchedVcpu, what: string): void {
    this.ctx.events.counter('hyp.sched', `${v.label} ${what}`).value++;
  }

  hsmChanged(v: SchedVcpu): void {
    (v as Vcpu).partition.hsmChanged(v as Vcpu);
  }

  /**
   * Set or clear VS-level interrupt bits (hvip positions: VSSIP 2, VSTIP 6, VSEIP 10) of a
   * vCPU wherever it is: on its hart's hvip while it runs, in its context while switched
   * out (a waiting vCPU that enabled the interrupt is woken).
   */
  setVsInterrupt(v: Vcpu, bits: bigint, level: boolean): void {
    // `irq.inject` (core/TRACE.md): a virtual interrupt raised or withdrawn for a vCPU.
    const ev = this.ctx.events;
    if (ev.active && ev.wants('irq.inject')) {
      const irq = (bits & HVIP_VSSIP ? ['vssi'] : []).concat(bits & HVIP_VSTIP ? ['vsti'] : [], bits & HVIP_VSEIP ? ['vsei'] : []).join(',');
      ev.emit('irq.inject', this.ctx.name, { partition: v.partition.name, vcpu: v.index, hart: v.hart.hartid, irq, level });
    }
    this.schedulerOf(v).setVsInterrupt(v, bits, level);
  }

  /**
   * The firmware layer's M-mode handler (there only with a `clint:`): a CLINT software
   * interrupt becomes SSIP for the hypervisor (msip cleared), a CLINT timer interrupt
   * becomes STIP (MTIE off until the next set_timer), as OpenSBI does for S-mode.
   */
  private onFirmwareTrap(hart: Hart, trap: TrapInfo): void {
    const index = this.cluster.harts.indexOf(hart);
    if (trap.interrupt && trap.cause === IRQ_MSI) {
      this.ctx.system.write(this.clintBase! + 4 * index, 4, 0);
      hart.writeCsr(CSR.mip, (hart.readCsr(CSR.mip) ?? 0n) | MIP_SSIP);
      hart.mret();
      return;
    }
    if (trap.interrupt && trap.cause === IRQ_MTI) {
      hart.writeCsr(CSR.mie, (hart.readCsr(CSR.mie) ?? 0n) & ~MIP_MTIP);
      hart.writeCsr(CSR.mip, (hart.readCsr(CSR.mip) ?? 0n) | MIP_STIP);
      hart.mret();
      return;
    }
    // Nothing else is left to M-mode (medeleg/mideleg): the hart has nothing to return to.
    hart.stopped = true;
    hart.wfi = true;
  }

  /** MMIO regions the machine has for component `name` (its own name or `name.*`). */
  deviceRegions(name: string): Array<{ base: number; size: number }> | undefined {
    const regs = this.ctx.system.map.filter((r) => r.kind === 'mmio' && (r.name === name || r.name.startsWith(name + '.')));
    return regs.length === 0 ? undefined : regs.map((r) => ({ base: r.base, size: r.size }));
  }

  partition(name: string): Partition | undefined {
    return this.partitions.find((p) => p.name === name);
  }

  /** Power-on: tables, images, DTBs, then the boot vCPU of every partition enters VS-mode. */
  reset(): void {
    const pool = new TablePool(this.ram, this.cfg.pool.base, this.cfg.pool.size);
    this.resetting = true;
    // The HS idle loop lives in the hypervisor's own memory, mapped in no partition.
    this.idlePc = pool.alloc(4096, 4096);
    IDLE_LOOP.forEach((w, i) => this.ram.writeN(this.idlePc - this.ram.base + 4 * i, 4, w));
    this.ram.noteWrite(this.idlePc - this.ram.base, 4 * IDLE_LOOP.length);
    for (const h of this.cluster.harts) {
      this.firmwareSetup(h);
      h.stopped = true;
      h.wfi = true;
    }
    for (const s of this.schedulers.values()) {
      s.loaded = undefined;
      for (const v of s.vcpus) s.stop(v);
    }
    // No kicks while the harts are being set up (they enter their vCPUs below).
    try {
      for (const p of this.partitions) {
        p.off = false;
        p.exitCode = 0;
        const t = new GStageTable(this.cfg.gstage ?? 'sv39x4', pool, this.cfg['gstage-pages'] !== '4k');
        for (const r of p.cfg.memory) t.map(r.guest, r.host, r.size, RWX);
        for (const d of p.cfg.devices ?? []) {
          for (const reg of this.deviceRegions(d) ?? []) {
            const base = Math.floor(reg.base / 4096) * 4096;
            const size = Math.ceil((reg.base + reg.size) / 4096) * 4096 - base;
            t.map(base, base, size, { read: true, write: true, execute: false });
          }
        }
        for (const m of p.io.gstageMappings()) t.map(m.gpa, m.hpa, m.size, { read: true, write: true, execute: false });
        p.table = t;
        p.io.reset();
        this.loadPartition(p);
        this.startPartition(p);
      }
    } finally {
      this.resetting = false;
    }
    // Each partition hart leaves M-mode into its first runnable vCPU or the idle loop.
    for (const s of this.schedulers.values()) {
      const h = s.hart;
      h.stopped = false;
      h.wfi = false;
      this.hsSetup(s);
      s.enterFromMachine();
    }
  }

  private loadPartition(p: Partition): void {
    const ram = this.ram;
    for (const r of p.cfg.memory) {
      ram.u8.fill(0, r.host - ram.base, r.host - ram.base + r.size);
      ram.noteWrite(r.host - ram.base, r.size);
    }
    const writer = {
      name: `partition '${p.name}'`,
      isRam: (addr: number, length: number) => guestToHost(p.cfg.memory, addr, length) !== undefined,
      writeBytes: (addr: number, src: Uint8Array, length = src.length) => {
        const hpa = guestToHost(p.cfg.memory, addr, length);
        if (hpa === undefined) return false;
        ram.u8.set(src.subarray(0, length), hpa - ram.base);
        ram.noteWrite(hpa - ram.base, length);
        return true;
      },
    };
    const first = p.cfg.memory[0]!;
    const bank = { ramBase: first.guest, ramSize: first.size };
    p.entry = p.cfg.boot?.entry ?? first.guest;
    p.initrd = undefined;
    let kernelEnd = first.guest;
    const kernel = p.cfg.boot?.kernel;
    if (kernel !== undefined) {
      const what = `partition '${p.name}' kernel`;
      const bytes = this.ctx.readFile(kernel, what);
      if (isElf(bytes)) {
        const loaded = loadElf(writer, bytes);
        p.entry = p.cfg.boot?.entry ?? loaded.entry;
        kernelEnd = loaded.high;
      } else if (parseLinuxImage(decompressKernel(bytes, what)) !== undefined) {
        // A Linux Image: at the region base + text_offset, 2 MiB aligned (riscv boot.rst).
        const k = loadLinuxImage(writer, bytes, { ...bank, arch: 'riscv', name: what });
        p.entry = p.cfg.boot?.entry ?? k.start;
        kernelEnd = k.end;
      } else if (!writer.writeBytes(p.entry, bytes)) {
        throw new SimError(`partition '${p.name}': kernel of ${bytes.length} bytes does not fit at guest 0x${p.entry.toString(16)}`);
      } else {
        kernelEnd = p.entry + bytes.length;
      }
    }
    const initrd = p.cfg.boot?.initrd;
    // The DTB goes to the top of the first region (QEMU's rule); size it with the initrd
    // properties already present so the placement holds.
    const dtbRoom = writeDtb(p.deviceTree()).length + 4096;
    const dtbAt = placeDtb({ ...bank, size: dtbRoom, above: kernelEnd });
    if (initrd !== undefined) {
      const bytes = this.ctx.readFile(initrd, `partition '${p.name}' initrd`);
      p.initrd = placeInitrd({ ...bank, kernelStart: p.entry, kernelEnd, size: bytes.length, limit: dtbAt });
      writer.writeBytes(p.initrd.start, bytes);
    }
    const dtb = writeDtb(p.deviceTree());
    p.dtbAddr = dtbAt;
    writer.writeBytes(p.dtbAddr, dtb);
  }

  private startPartition(p: Partition): void {
    if (this.physicalPlic !== undefined && this.resetting && p === this.partitions[0]) this.physicalPlic.setup(this.partitions.map((q) => q.io));
    for (const v of p.vcpus) p.sbi.setState(v.index, HartState.Stopped);
    p.off = false;
    const boot = p.vcpus[0]!;
    this.enterGuest(boot, p.entry, 0n, BigInt(p.dtbAddr));
  }

  rebootPartition(p: Partition): void {
    for (const v of p.vcpus) this.park(v);
    this.ctx.events.emit('hyp.partition.reboot', this.ctx.name, { partition: p.name });
    this.physicalPlic?.rebootPartition(p.io);
    p.io.reset();
    this.loadPartition(p);
    this.startPartition(p);
  }

  /**
   * What M-mode firmware does before handing a hart to HS (as OpenSBI does): a PMP entry
   * opening all memory to S/U (privileged §3.7: with PMP implemented, S/U accesses that
   * match no entry fail), delegation of guest-related exceptions and interrupts to HS,
   * Sstc and the counters for lower modes.
   */
  private firmwareSetup(h: Hart): void {
    h.writeCsr(CSR.pmpaddr0, (1n << 54n) - 1n);
    h.writeCsr(CSR.pmpcfg0, 0x1fn); // NAPOT, RWX
    h.writeCsr(CSR.medeleg, MEDELEG);
    h.writeCsr(CSR.mideleg, MIDELEG);
    h.writeCsr(CSR.menvcfg, this.sstc ? ENVCFG_STCE : 0n);
    h.writeCsr(CSR.mcounteren, 7n);
    // User mode may read cycle, time and instret, as OpenSBI leaves it. There is no VS copy of
    // scounteren (H §9.2): it is what a guest's U-mode sees too, and Linux without an SBI PMU
    // never sets it (its vDSO reads time with rdtime; busybox ping does).
    h.writeCsr(CSR.scounteren, 7n);
    h.writeCsr(CSR.mstatus, (h.readCsr(CSR.mstatus) ?? 0n) | MSTATUS_FS_DIRTY);
    // The firmware layer takes the CLINT's software interrupt (kicks) when it drives the CLINT.
    h.writeCsr(CSR.mie, this.clintBase !== undefined ? MIP_MSIP : 0n);
  }

  /**
   * HS-mode state of a partition's hart (H §9.2): delegation, Sstc, counters, G-stage,
   * WFI trapping when vCPUs share the hart, the hypervisor's own interrupts (SSIE for kicks,
   * STIE for its timer), and a blank VS context.
   */
  private hsSetup(s: HartScheduler): void {
    const h = s.hart;
    const v = s.vcpus[0] as Vcpu;
    h.writeCsr(CSR.hedeleg, HEDELEG);
    h.writeCsr(CSR.hideleg, HIDELEG);
    h.writeCsr(CSR.henvcfg, this.sstc ? ENVCFG_STCE : 0n);
    h.writeCsr(CSR.hcounteren, 7n);
    h.writeCsr(CSR.hvip, 0n);
    h.writeCsr(CSR.hgatp, v.partition.table!.hgatp(v.partition.vmid));
    h.writeCsr(CSR.htimedelta, 0n);
    h.writeCsr(CSR.hstatus, s.hstatusPolicy(h.readCsr(CSR.hstatus) ?? 0n));
    h.writeCsr(CSR.sie, (h.readCsr(CSR.sie) ?? 0n) | MIP_SSIP | MIP_STIP);
    h.writeCsr(CSR.vsatp, 0n);
    h.writeCsr(CSR.vsstatus, 0n);
    h.writeCsr(CSR.vsie, 0n);
    h.writeCsr(CSR.vstvec, 0n);
    if (this.sstc) h.writeCsr(CSR.vstimecmp, ALL_ONES);
    this.setHsTimer(h, s.index, ALL_ONES);
    v.partition.io.hsSetup(v);
  }

  /** Start vCPU `v` in VS-mode at guest address `entry` with a0, a1 (SBI HSM hart_start semantics); it runs when its hart schedules it. */
  enterGuest(v: Vcpu, entry: number, a0: bigint, a1: bigint): void {
    this.schedulerOf(v).start(v, BigInt(entry), a0, a1);
    v.partition.sbi.setState(v.index, HartState.Started);
  }

  /** Stop a vCPU (HSM stop, partition off): it runs nothing until started; its hart moves on. */
  park(v: Vcpu): void {
    this.schedulerOf(v).stop(v);
    v.partition.sbi.setState(v.index, HartState.Stopped);
  }

  partitionOff(): void {
    if (this.partitions.every((p) => p.off)) {
      this.ctx.machine.powerOff(this.partitions[0]!.exitCode, this.ctx.name);
    }
  }

  // ------------------------------------------------------------ traps

  exit(v: Vcpu, reason: string, pc: bigint, extra?: Record<string, unknown>): void {
    v.counter(reason).value++;
    const ev = this.ctx.events;
    if (ev.active && ev.wants('hyp.exit')) {
      ev.emit('hyp.exit', this.ctx.name, { partition: v.partition.name, vcpu: v.index, reason, pc: '0x' + pc.toString(16), ...extra });
    }
  }

  private onTrap(hart: Hart, trap: TrapInfo): void {
    const s = this.schedulers.get(hart);
    if (s === undefined) {
      // A hart outside every partition has nothing to return to.
      hart.stopped = true;
      hart.wfi = true;
      return;
    }
    this.activeHart = hart;
    try {
      this.handleTrap(s, hart, trap);
    } finally {
      this.activeHart = undefined;
    }
  }

  private handleTrap(s: HartScheduler, hart: Hart, trap: TrapInfo): void {
    const sepc = hart.readCsr(CSR.sepc) ?? 0n;
    // Trapped from a vCPU (hstatus.SPV = 1) or woken in the idle loop.
    const v = s.fromIdle() ? undefined : (s.loaded as Vcpu | undefined);
    if (trap.interrupt) {
      if (trap.cause === IRQ_SUPERVISOR_EXTERNAL && this.physicalPlic !== undefined) {
        // A passthrough device's line on the real PLIC: claim it and pend it in the owner's vPLIC.
        if (v !== undefined) this.exit(v, 'external-interrupt', sepc);
        PartitionIo.externalInterrupt(this.physicalPlic, this.cluster.harts.indexOf(hart));
      } else if (trap.cause === IRQ_SSI) {
        // A kick from another hart (or the firmware's forwarded CLINT msip): requests are in hypervisor memory.
        hart.writeCsr(CSR.sip, (hart.readCsr(CSR.sip) ?? 0n) & ~MIP_SSIP);
        if (v !== undefined) this.exit(v, 'kick', sepc);
      } else if (v !== undefined) {
        // The hypervisor's timer: a slice ends or a switched-out vCPU's deadline came.
        this.exit(v, trap.cause === IRQ_STI ? 'timer' : `interrupt-${trap.cause}`, sepc);
      }
      s.resume();
      return;
    }
    if (v === undefined || v.parked) {
      // From a vCPU stopped meanwhile by another hart: it is dropped.
      s.resume();
      return;
    }
    switch (trap.cause) {
      case EXC_ECALL_VS: {
        this.exit(v, 'sbi', sepc, { eid: '0x' + hart.readReg(17).toString(16) });
        hart.writeCsr(CSR.sepc, sepc + 4n);
        v.partition.sbi.handle(v.caller());
        s.resume();
        return;
      }
      case EXC_INSN_GUEST_PAGE:
      case EXC_LOAD_GUEST_PAGE:
      case EXC_STORE_GUEST_PAGE:
      case EXC_INSN_ACCESS:
      case EXC_LOAD_ACCESS:
      case EXC_STORE_ACCESS:
        if (v.partition.io.handleGuestFault(v, trap, sepc)) {
          // Emulated (vPLIC, virtio): sepc is past the instruction (or at it, to retry).
          s.resume();
          return;
        }
        this.blockedAccess(v, trap, sepc);
        return;
      case EXC_VIRTUAL_INSN:
        if (trap.tval === INSN_WFI) {
          // WFI trapped through hstatus.VTW: the vCPU waits for an interrupt off the hart.
          this.exit(v, 'wfi', sepc);
          hart.writeCsr(CSR.sepc, sepc + 4n);
          s.wfi(v);
          return;
        }
        // Nothing is emulated yet: the guest gets the illegal-instruction exception.
        this.exit(v, 'virtual-instruction', sepc);
        this.inject(v, EXC_ILLEGAL, trap.tval, sepc);
        return;
      default:
        this.exit(v, `exception-${trap.cause}`, sepc);
        this.inject(v, trap.cause, trap.tval, sepc);
    }
  }

  /**
   * An access outside the partition: record it and forward the access fault the guest
   * would get from missing hardware. For guest-page faults the guest physical address is
   * htval << 2 | the low bits of stval (H §9.4.4); stval is the guest virtual address.
   */
  private blockedAccess(v: Vcpu, trap: TrapInfo, sepc: bigint): void {
    const hart = v.hart;
    const kind = trap.cause === EXC_INSN_GUEST_PAGE || trap.cause === EXC_INSN_ACCESS ? 'fetch' : trap.cause === EXC_LOAD_GUEST_PAGE || trap.cause === EXC_LOAD_ACCESS ? 'load' : 'store';
    const guestFault = trap.cause >= 20;
    const gpa = guestFault ? ((hart.readCsr(CSR.htval) ?? 0n) << 2n) | (trap.tval & 3n) : trap.tval;
    this.exit(v, `blocked-${kind}`, sepc);
    this.blocked.value++;
    const ev = this.ctx.events;
    if (ev.active && ev.wants('hyp.blocked')) {
      ev.emit('hyp.blocked', this.ctx.name, { partition: v.partition.name, vcpu: v.index, access: kind, address: '0x' + gpa.toString(16), va: '0x' + trap.tval.toString(16), pc: '0x' + sepc.toString(16) });
    }
    const cause = kind === 'fetch' ? EXC_INSN_ACCESS : kind === 'load' ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS;
    this.inject(v, cause, trap.tval, sepc);
  }

  /**
   * Deliver exception `cause` to the guest as the hart would have (H §9.6.4 / privileged
   * §4.1.1 applied to the VS CSRs): vsepc, vscause, vstval, vsstatus.SPP/SPIE/SIE, then
   * continue in VS-mode at vstvec's base.
   */
  private inject(v: Vcpu, cause: number, tval: bigint, sepc: bigint): void {
    const h = v.hart;
    const fromVS = ((h.readCsr(CSR.hstatus) ?? 0n) & HSTATUS_SPVP) !== 0n;
    let vs = h.readCsr(CSR.vsstatus) ?? 0n;
    vs = (vs & ~SSTATUS_SPP) | (fromVS ? SSTATUS_SPP : 0n);
    vs = (vs & ~SSTATUS_SPIE) | ((vs & SSTATUS_SIE) !== 0n ? SSTATUS_SPIE : 0n);
    vs &= ~SSTATUS_SIE;
    h.writeCsr(CSR.vsstatus, vs);
    h.writeCsr(CSR.vsepc, sepc);
    h.writeCsr(CSR.vscause, BigInt(cause));
    h.writeCsr(CSR.vstval, tval);
    h.writeCsr(CSR.sepc, (h.readCsr(CSR.vstvec) ?? 0n) & ~3n);
    h.writeCsr(CSR.sstatus, (h.readCsr(CSR.sstatus) ?? 0n) | SSTATUS_SPP);
    h.writeCsr(CSR.hstatus, (h.readCsr(CSR.hstatus) ?? 0n) | HSTATUS_SPV | HSTATUS_SPVP);
    h.sret();
  }

  /** Exits counted so far, by `<partition>/<vcpu> <reason>`. */
  exitCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const { key, value } of this.ctx.events.snapshot().get('hyp.exits') ?? []) out.set(key, value);
    return out;
  }
}

/** Whether harts have Sstc: menvcfg.STCE reads back as written only with Sstc (privileged 1.12 §3.1.18, Sstc). */
function probeSstc(h: Hart): boolean {
  const old = h.readCsr(CSR.menvcfg) ?? 0n;
  h.writeCsr(CSR.menvcfg, old | ENVCFG_STCE);
  const sstc = ((h.readCsr(CSR.menvcfg) ?? 0n) & ENVCFG_STCE) !== 0n;
  h.writeCsr(CSR.menvcfg, old);
  return sstc;
}

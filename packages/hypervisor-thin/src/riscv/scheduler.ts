/**
 * Time-sliced vCPUs: one scheduler per physical hart, switching the vCPUs placed on it.
 *
 * Everything here runs inside the hypervisor's HS trap handler of the hart it schedules
 * (the hart is in HS-mode, trapped from a vCPU or woken from the idle loop) and acts through
 * that hart's CSRs, the vCPU contexts in hypervisor memory, and the hypervisor's own timer:
 *
 * - A vCPU is `runnable`, `waiting` (WFI trapped through hstatus.VTW, H §9.2.1, or an SBI
 *   HSM retentive/non-retentive suspend, SBI 2.0 §9.4) or `stopped` (HSM stopped).
 * - The hart runs one vCPU at a time. A switch saves the outgoing vCPU's context
 *   ({@link VcpuContext}), restores the incoming one and fences VS-stage translations (the
 *   vCPUs share the partition's VMID, so the outgoing vCPU's VS-stage entries would match the
 *   incoming one's: an hgatp rewrite, which flushes them, H §9.2.10 / §9.3.2).
 * - The hypervisor's timer (stimecmp with Sstc, else the CLINT mtimecmp through the firmware
 *   layer) ends a time slice when another vCPU is runnable, wakes waiting vCPUs at their
 *   timer deadlines (vstimecmp, or the SBI set_timer deadline without Sstc, which injects
 *   hvip.VSTIP), and is otherwise disarmed.
 * - With nothing to run the hart sits in an HS idle loop (`wfi; j .-4` in hypervisor memory)
 *   with its supervisor interrupts enabled, until the timer or a kick from another hart.
 * - Requests from other harts (an IPI, a remote fence or a start aimed at a vCPU placed here)
 *   are recorded in the vCPU's state and this hart is kicked with a supervisor software
 *   interrupt; the handler applies them here. Requests to a vCPU that is switched out are
 *   held in its context: a VSSIP waits in the saved hvip, a fence is done when it is next
 *   switched in (every switch-in fences).
 */

import { CSR, type Hart } from '@tessera/cpu-riscv';
import { VcpuContext, ALL_ONES } from './vcpu-state.js';
import { MSTATUS_MPP, MSTATUS_MPP_S, MSTATUS_MPV, SSTATUS_SIE, SSTATUS_SPIE, SSTATUS_SPP, VSSTATUS_SIE, HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_VTW, HVIP_VSTIP, HVIP_VS_BITS } from './csr-bits.js';

export type VcpuRunState = 'stopped' | 'runnable' | 'waiting';


/** Scheduling state of one vCPU (kept in hypervisor memory). */
export class VcpuRun {
  state: VcpuRunState = 'stopped';
  readonly ctx = new VcpuContext();
  /** HSM suspend in progress (hart_get_status reports SUSPENDED). */
  suspended = false;
  /** Non-retentive suspend: where the vCPU resumes (SBI 2.0 §9.4) and its opaque value. */
  resumeAt: { pc: bigint; opaque: bigint } | undefined;
  /** hvip bits to set/clear, posted by another hart while this vCPU is on its own hart. */
  hvipSet = 0n;
  hvipClear = 0n;
  /** A remote fence posted by another hart while this vCPU runs. */
  fencePending = false;
  /** Scheduling counters. */
  switchesIn = 0;
}

/** What a scheduled vCPU offers (the hypervisor's Vcpu). */
export interface SchedVcpu {
  readonly index: number;
  readonly hart: Hart;
  readonly run: VcpuRun;
  readonly label: string;
}

/** The hypervisor services a hart scheduler uses. */
export interface SchedHost {
  /** The harts have Sstc: vstimecmp is the guest timer and stimecmp the hypervisor's. */
  readonly sstc: boolean;
  /** Physical address of the HS idle loop. */
  readonly idlePc: number;
  /** Arm the hypervisor's timer of hart `index` at `ticks` (all ones: disarm) and clear its pending timer interrupt. */
  setHsTimer(hart: Hart, index: number, ticks: bigint): void;
  /** Make hart `index` enter its handler soon (a supervisor software interrupt). */
  kick(index: number): void;
  /** The hart whose HS handler is running now, if any. */
  readonly activeHart: Hart | undefined;
  /** Fence the VS-stage and G-stage translations of the hart (an hgatp rewrite). */
  fence(hart: Hart): void;
  /** Count an exit or scheduling event. */
  count(v: SchedVcpu, reason: string): void;
  /** The vCPU's HSM state changed (for hart_get_status). */
  hsmChanged(v: SchedVcpu): void;
}

export class HartScheduler {
  readonly vcpus: SchedVcpu[] = [];
  /** The vCPU whose state is in the hart's registers and CSRs (the one running). */
  loaded: SchedVcpu | undefined;
  /** Time (ticks) at which the loaded vCPU's slice ends. */
  private sliceEnd = ALL_ONES;
  /** Switches done on this hart. */
  switches = 0;

  constructor(
    readonly host: SchedHost,
    readonly hart: Hart,
    /** The hart's index in the cluster. */
    readonly index: number,
    /** Time slice in timer ticks. */
    readonly sliceTicks: bigint,
  ) {}

  /** hstatus.VTW: WFI in VS-mode traps (only worth it when another vCPU could use the hart). */
  get trapsWfi(): boolean {
    return this.vcpus.length > 1;
  }

  now(): bigint {
    return this.hart.readCsr(CSR.time) ?? 0n;
  }

  // ------------------------------------------------------------ requests (any hart)

  /** HSM start: a fresh context at `pc` with a0, a1; runnable from now. */
  start(v: SchedVcpu, pc: bigint, a0: bigint, a1: bigint): void {
    const r = v.run;
    if (this.loaded === v) this.loaded = undefined;
    r.ctx.clear(pc, a0, a1);
    r.state = 'runnable';
    r.suspended = false;
    r.resumeAt = undefined;
    r.hvipSet = r.hvipClear = 0n;
    r.fencePending = false;
    this.poke();
  }

  /** HSM stop (or partition off): the vCPU runs nothing until started again. */
  stop(v: SchedVcpu): void {
    const r = v.run;
    r.state = 'stopped';
    r.suspended = false;
    r.resumeAt = undefined;
    r.ctx.timer = ALL_ONES;
    this.poke();
  }

  /** Raise (level true) or lower VS-level interrupt bits (hvip positions) of `v`. */
  setVsInterrupt(v: SchedVcpu, bits: bigint, level: boolean): void {
    bits &= HVIP_VS_BITS;
    const r = v.run;
    if (this.loaded === v) {
      if (this.host.activeHart === this.hart) {
        const hvip = this.hart.readCsr(CSR.hvip) ?? 0n;
        this.hart.writeCsr(CSR.hvip, level ? hvip | bits : hvip & ~bits);
        return;
      }
      // Running on its hart while another hart asks: post it and kick.
      if (level) {
        r.hvipSet |= bits;
        r.hvipClear &= ~bits;
      } else {
        r.hvipClear |= bits;
        r.hvipSet &= ~bits;
      }
      this.host.kick(this.index);
      return;
    }
    r.ctx.hvip = level ? r.ctx.hvip | bits : r.ctx.hvip & ~bits;
    if (level && r.state === 'waiting') this.poke();
  }

  /** A remote fence for `v`: now if it runs on the active hart, at its next run if switched out. */
  fence(v: SchedVcpu): void {
    if (this.loaded !== v) return; // every switch-in fences
    if (this.host.activeHart === this.hart) this.host.fence(this.hart);
    else {
      v.run.fencePending = true;
      this.host.kick(this.index);
    }
  }

  /** Let this hart reschedule: at the end of the running handler if it is this hart's, else by a kick. */
  private poke(): void {
    if (this.host.activeHart !== this.hart) this.host.kick(this.index);
  }

  // ------------------------------------------------------------ events on this hart (in its handler)

  /** The loaded vCPU executed WFI (trapped through hstatus.VTW; sepc already past it). */
  wfi(v: SchedVcpu): void {
    if (!this.loadedWantsInterrupt()) v.run.state = 'waiting';
    this.resume();
  }

  /** HSM hart_suspend of the loaded vCPU (sepc past the ECALL, a0/a1 written by the SBI). */
  suspend(v: SchedVcpu, resumeAt: { pc: bigint; opaque: bigint } | undefined): void {
    const r = v.run;
    r.state = 'waiting';
    r.suspended = true;
    r.resumeAt = resumeAt;
    this.host.hsmChanged(v);
  }

  /**
   * Leave the handler: apply posted requests, expire timers, wake vCPUs whose interrupts are
   * pending, switch if the slice is over (or the loaded vCPU cannot run), arm the timer,
   * and SRET into the chosen vCPU or the idle loop.
   */
  resume(): void {
    const hart = this.hart;
    const now = this.now();
    const cur = this.loaded;
    if (cur !== undefined) {
      const r = cur.run;
      if (r.hvipSet !== 0n || r.hvipClear !== 0n) {
        hart.writeCsr(CSR.hvip, ((hart.readCsr(CSR.hvip) ?? 0n) | r.hvipSet) & ~r.hvipClear);
        r.hvipSet = r.hvipClear = 0n;
      }
      if (r.fencePending) {
        r.fencePending = false;
        this.host.fence(hart);
      }
    }
    if (!this.host.sstc) this.expireTimers(now);
    for (const v of this.vcpus) if (v.run.state === 'waiting' && this.wantsInterrupt(v, now)) this.wake(v);
    let next: SchedVcpu | undefined = cur !== undefined && cur.run.state === 'runnable' ? cur : undefined;
    if (next === undefined || now >= this.sliceEnd) {
      const other = this.pick(cur);
      if (other !== undefined) next = other;
    }
    if (next !== cur) {
      if (cur !== undefined) this.unload(cur);
      if (next !== undefined) this.load(next, now);
    } else if (next !== undefined && now >= this.sliceEnd) {
      this.sliceEnd = now + this.sliceTicks; // nobody else wants the hart: another slice
    }
    this.armTimer(now, next);
    if (next === undefined) this.enterIdle();
    else hart.sret();
  }

  /**
   * Power-on: the hart is in M-mode (the firmware layer). Load the first runnable vCPU and
   * MRET into it (MPP = S, MPV = 1: VS-mode, H §9.6.4), or MRET into the HS idle loop.
   */
  enterFromMachine(): void {
    const h = this.hart;
    const now = this.now();
    const next = this.pick(undefined);
    if (next !== undefined) this.load(next, now);
    this.armTimer(now, next);
    const ms = h.readCsr(CSR.mstatus) ?? 0n;
    const base = (ms & ~(MSTATUS_MPP | MSTATUS_MPV)) | MSTATUS_MPP_S;
    if (next !== undefined) {
      h.writeCsr(CSR.mstatus, base | MSTATUS_MPV);
      h.writeCsr(CSR.mepc, h.readCsr(CSR.sepc) ?? 0n);
    } else {
      h.writeCsr(CSR.mstatus, base | SSTATUS_SIE);
      h.writeCsr(CSR.mepc, BigInt(this.host.idlePc));
    }
    h.mret();
  }

  /** Round-robin: the first runnable vCPU after `cur` (not `cur` itself). */
  private pick(cur: SchedVcpu | undefined): SchedVcpu | undefined {
    const n = this.vcpus.length;
    const start = cur === undefined ? 0 : this.vcpus.indexOf(cur) + 1;
    for (let i = 0; i < n; i++) {
      const v = this.vcpus[(start + i) % n]!;
      if (v !== cur && v.run.state === 'runnable') return v;
    }
    return undefined;
  }

  private unload(v: SchedVcpu): void {
    if (v.run.state !== 'stopped') v.run.ctx.save(this.hart, this.host.sstc);
    this.loaded = undefined;
  }

  private load(v: SchedVcpu, now: bigint): void {
    const r = v.run;
    r.ctx.restore(this.hart, this.host.sstc);
    r.fencePending = false;
    this.host.fence(this.hart);
    this.loaded = v;
    this.sliceEnd = now + this.sliceTicks;
    this.switches++;
    r.switchesIn++;
    this.host.count(v, 'switch-in');
  }

  /** Without Sstc: inject hvip.VSTIP into each vCPU whose set_timer deadline passed. */
  private expireTimers(now: bigint): void {
    for (const v of this.vcpus) {
      const ctx = v.run.ctx;
      if (ctx.timer > now) continue;
      ctx.timer = ALL_ONES;
      if (this.loaded === v) this.hart.writeCsr(CSR.hvip, (this.hart.readCsr(CSR.hvip) ?? 0n) | HVIP_VSTIP);
      else ctx.hvip = ctx.hvip | HVIP_VSTIP;
    }
  }

  /** The loaded vCPU has a VS interrupt pending and enabled (the WFI wake-up condition, privileged §3.3.3). */
  private loadedWantsInterrupt(): boolean {
    const hip = this.hart.readCsr(CSR.hip) ?? 0n;
    const hie = this.hart.readCsr(CSR.hie) ?? 0n;
    return (hip & hie & HVIP_VS_BITS) !== 0n;
  }

  /** Pending VS interrupts of `v` that its vsie enables (vsie bits are one below hvip's, H §9.2.3). */
  wantsInterrupt(v: SchedVcpu, now: bigint): boolean {
    if (this.loaded === v) return this.loadedWantsInterrupt();
    const ctx = v.run.ctx;
    let pending = ctx.hvip;
    if (this.host.sstc && now >= ctx.vstimecmp) pending |= HVIP_VSTIP;
    return (pending & (ctx.vsie << 1n) & HVIP_VS_BITS) !== 0n;
  }

  private wake(v: SchedVcpu): void {
    const r = v.run;
    r.state = 'runnable';
    if (r.suspended) {
      r.suspended = false;
      const at = r.resumeAt;
      r.resumeAt = undefined;
      if (at !== undefined) {
        // Non-retentive resume (SBI 2.0 §9.4): at the resume address in VS-mode with
        // a0 = hartid, a1 = opaque, vsatp = 0 and vsstatus.SIE = 0.
        if (this.loaded === v) {
          const h = this.hart;
          h.writeCsr(CSR.sepc, at.pc);
          h.writeReg(10, BigInt(v.index));
          h.writeReg(11, at.opaque);
          h.writeCsr(CSR.vsatp, 0n);
          h.writeCsr(CSR.vsstatus, (h.readCsr(CSR.vsstatus) ?? 0n) & ~VSSTATUS_SIE);
        } else {
          const ctx = v.run.ctx;
          ctx.resumeNonRetentive(at.pc, BigInt(v.index), at.opaque);
        }
      }
      this.host.hsmChanged(v);
    }
  }

  /** Arm the hypervisor's timer for the next event this hart must act on. */
  private armTimer(now: bigint, running: SchedVcpu | undefined): void {
    let at = ALL_ONES;
    if (running !== undefined && this.pick(running) !== undefined) at = this.sliceEnd;
    for (const v of this.vcpus) {
      const r = v.run;
      if (r.state === 'stopped') continue;
      if (!this.host.sstc) {
        if (r.ctx.timer < at) at = r.ctx.timer;
      } else if (v !== running && r.state === 'waiting' && (r.ctx.vsie & (1n << 5n)) !== 0n && r.ctx.vstimecmp < at) {
        at = r.ctx.vstimecmp;
      }
    }
    if (at !== ALL_ONES && at <= now) at = now + 1n;
    this.host.setHsTimer(this.hart, this.index, at);
  }

  /** HS idle loop: SRET to `wfi; j .-4` in HS-mode with supervisor interrupts enabled. */
  private enterIdle(): void {
    const h = this.hart;
    this.sliceEnd = ALL_ONES;
    h.writeCsr(CSR.sepc, BigInt(this.host.idlePc));
    h.writeCsr(CSR.sstatus, (h.readCsr(CSR.sstatus) ?? 0n) | SSTATUS_SPP | SSTATUS_SPIE);
    h.writeCsr(CSR.hstatus, (h.readCsr(CSR.hstatus) ?? 0n) & ~(HSTATUS_SPV | HSTATUS_SPVP));
    // No VS state stays behind to wake the idle WFI (hie aliases vsie's enables).
    h.writeCsr(CSR.vsie, 0n);
    h.writeCsr(CSR.hvip, 0n);
    if (this.host.sstc) h.writeCsr(CSR.vstimecmp, ALL_ONES);
    h.sret();
  }

  /** hstatus for this hart's vCPUs: VTW when several share it. */
  hstatusPolicy(hstatus: bigint): bigint {
    return this.trapsWfi ? hstatus | HSTATUS_VTW : hstatus & ~HSTATUS_VTW;
  }

  /** Whether the trap was taken from the idle loop rather than from a vCPU. */
  fromIdle(): boolean {
    return ((this.hart.readCsr(CSR.hstatus) ?? 0n) & HSTATUS_SPV) === 0n;
  }

  /** The hypervisor's supervisor interrupts (timer, software) come on in idle and in VS-mode. */
  static readonly SIE = SSTATUS_SIE;
}

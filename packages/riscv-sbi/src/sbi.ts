/**
 * The RISC-V Supervisor Binary Interface, version 2.0, as a call dispatcher.
 *
 * One implementation serves two callers: a firmware layer at M-mode (S-mode software's
 * ECALLs) and a hypervisor at HS-mode (VS-mode guests' ECALLs). What differs between them
 * — how a timer is armed, how an IPI is raised, how a hart is started — is the
 * {@link SbiPlatform} they provide; the calling convention, extension probing, error codes
 * and the hart state machine are here.
 *
 * Calling convention (SBI 2.0 §3): a7 = extension ID (EID), a6 = function ID (FID),
 * arguments in a0..a5; the result is `struct sbiret { long error; long value; }` in a0/a1.
 * Legacy extensions (EIDs 0x00..0x0F, §5) return a single value in a0 and leave a1 alone.
 */

export const SBI_SUCCESS = 0;
export const SBI_ERR_FAILED = -1;
export const SBI_ERR_NOT_SUPPORTED = -2;
export const SBI_ERR_INVALID_PARAM = -3;
export const SBI_ERR_DENIED = -4;
export const SBI_ERR_INVALID_ADDRESS = -5;
export const SBI_ERR_ALREADY_AVAILABLE = -6;
export const SBI_ERR_ALREADY_STARTED = -7;
export const SBI_ERR_ALREADY_STOPPED = -8;

/** Extension IDs (SBI 2.0 §4–§12). */
export const EID_BASE = 0x10;
export const EID_TIME = 0x54494d45; // "TIME"
export const EID_IPI = 0x735049; // "sPI"
export const EID_RFENCE = 0x52464e43; // "RFNC"
export const EID_HSM = 0x48534d; // "HSM"
export const EID_SRST = 0x53525354; // "SRST"
export const EID_DBCN = 0x4442434e; // "DBCN"

export const LEGACY_SET_TIMER = 0x00;
export const LEGACY_CONSOLE_PUTCHAR = 0x01;
export const LEGACY_CONSOLE_GETCHAR = 0x02;
export const LEGACY_CLEAR_IPI = 0x03;
export const LEGACY_SEND_IPI = 0x04;
export const LEGACY_REMOTE_FENCE_I = 0x05;
export const LEGACY_REMOTE_SFENCE_VMA = 0x06;
export const LEGACY_REMOTE_SFENCE_VMA_ASID = 0x07;
export const LEGACY_SHUTDOWN = 0x08;

/** HSM hart states (SBI 2.0 §9). */
export const enum HartState {
  Started = 0,
  Stopped = 1,
  StartPending = 2,
  StopPending = 3,
  Suspended = 4,
  SuspendPending = 5,
  ResumePending = 6,
}

export type RfenceKind = 'fence.i' | 'sfence.vma' | 'sfence.vma.asid' | 'hfence.gvma.vmid' | 'hfence.gvma' | 'hfence.vvma.asid' | 'hfence.vvma';

export const SRST_SHUTDOWN = 0;
export const SRST_COLD_REBOOT = 1;
export const SRST_WARM_REBOOT = 2;

/** The hart (or vCPU) making the call: its registers, as the ECALL left them. */
export interface SbiCaller {
  /** The caller's hart ID as S-mode sees it (a vCPU's virtual hart ID for a guest). */
  readonly hartid: number;
  x(n: number): bigint;
  setX(n: number, value: bigint): void;
}

/** What the execution environment does on the SBI's behalf. */
export interface SbiPlatform {
  /** Hart IDs that exist for this caller's supervisor (a partition's vCPUs for a guest). */
  hartIds(): readonly number[];
  /** Program the caller's next timer event at `stime` (absolute, in `time` units) and clear its pending timer. */
  setTimer(caller: SbiCaller, stime: bigint): void;
  /** Raise a supervisor software interrupt on each of `harts`. */
  sendIpi(caller: SbiCaller, harts: readonly number[]): void;
  /** Clear the caller's pending supervisor software interrupt (legacy clear_ipi). */
  clearIpi?(caller: SbiCaller): void;
  /** Perform a remote fence on `harts`; `start`/`size` bound the range (size all-ones: everything). */
  remoteFence(caller: SbiCaller, kind: RfenceKind, harts: readonly number[], start: bigint, size: bigint, id: bigint): void;
  /** Start a stopped hart in S-mode at `start` with a0 = hartid, a1 = opaque. Return an SBI error or success. */
  hartStart(hartid: number, start: bigint, opaque: bigint): number;
  /** Stop the calling hart (it will not return to the caller). */
  hartStop(caller: SbiCaller): number;
  /** Suspend the caller; `type` is the SBI suspend type. Return an SBI error (or success once resumed, for retentive). */
  hartSuspend?(caller: SbiCaller, type: number, resume: bigint, opaque: bigint): number;
  /** Shutdown or reboot the system (SRST). */
  systemReset(type: number, reason: number): void;
  /** Write console bytes (DBCN and legacy putchar). */
  consoleWrite(bytes: Uint8Array): void;
  /** Read up to `max` pending console bytes (may be empty). */
  consoleRead(max: number): Uint8Array;
  /** Read/write memory at an address the caller gave (physical for the caller's view). */
  readMemory(caller: SbiCaller, addr: bigint, length: number): Uint8Array | undefined;
  writeMemory(caller: SbiCaller, addr: bigint, data: Uint8Array): boolean;
  /** Values for BASE get_mvendorid/marchid/mimpid. */
  readonly machineIds: { mvendorid: bigint; marchid: bigint; mimpid: bigint };
}

export interface SbiOptions {
  /** SBI implementation ID (BASE get_impl_id); OpenSBI is 1, choose your own. */
  implId?: number;
  implVersion?: number;
  /** Extensions to refuse (answered as not present by probe and NOT_SUPPORTED when called). */
  disabled?: readonly number[];
  /** Whether the legacy extensions (0x00-0x08) are offered (default true, as Linux's earlycon=sbi may use them). */
  legacy?: boolean;
}

/** SBI spec version reported by BASE get_spec_version: 2.0 (major << 24 | minor). */
export const SBI_SPEC_VERSION = (2 << 24) | 0;

const ALL_ONES = (1n << 64n) - 1n;

function signed(v: number): bigint {
  return BigInt.asUintN(64, BigInt(v));
}

export class Sbi {
  private readonly states = new Map<number, HartState>();
  private readonly extensions: Set<number>;
  private readonly legacy: boolean;
  /** Calls handled, by extension name and function, for statistics. */
  readonly calls = new Map<string, number>();

  constructor(
    private readonly platform: SbiPlatform,
    private readonly opts: SbiOptions = {},
  ) {
    this.legacy = opts.legacy ?? true;
    this.extensions = new Set([EID_BASE, EID_TIME, EID_IPI, EID_RFENCE, EID_HSM, EID_SRST, EID_DBCN].filter((e) => !(opts.disabled ?? []).includes(e)));
    if (this.legacy) for (let e = 0; e <= 8; e++) this.extensions.add(e);
  }

  /** Record a hart's HSM state (the platform calls this as harts start, stop and suspend). */
  setState(hartid: number, s: HartState): void {
    this.states.set(hartid, s);
  }

  state(hartid: number): HartState | undefined {
    if (!this.platform.hartIds().includes(hartid)) return undefined;
    return this.states.get(hartid) ?? HartState.Stopped;
  }

  /** Name of an extension for traces and statistics. */
  static extensionName(eid: number): string {
    switch (eid) {
      case EID_BASE: return 'BASE';
      case EID_TIME: return 'TIME';
      case EID_IPI: return 'IPI';
      case EID_RFENCE: return 'RFENCE';
      case EID_HSM: return 'HSM';
      case EID_SRST: return 'SRST';
      case EID_DBCN: return 'DBCN';
      default: return eid <= 0x0f ? `legacy-${eid}` : `0x${eid.toString(16)}`;
    }
  }

  /**
   * Handle the ECALL the caller just made: read a7/a6/a0..a5, act, write a0/a1. Returns
   * false if the hart was stopped by the call (HSM hart_stop), so the caller must not
   * resume it; true otherwise.
   */
  handle(caller: SbiCaller): boolean {
    const eid = Number(BigInt.asUintN(32, caller.x(17)));
    const fid = Number(BigInt.asUintN(32, caller.x(16)));
    const key = `${Sbi.extensionName(eid)}.${eid <= 0x0f ? 0 : fid}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    const a = (i: number) => caller.x(10 + i);
    if (eid <= 0x0f) {
      if (!this.legacy || eid > 8) return this.ret(caller, SBI_ERR_NOT_SUPPORTED);
      return this.legacyCall(caller, eid, a);
    }
    if (!this.extensions.has(eid)) return this.ret(caller, SBI_ERR_NOT_SUPPORTED);
    switch (eid) {
      case EID_BASE:
        return this.base(caller, fid, a(0));
      case EID_TIME:
        if (fid !== 0) return this.ret(caller, SBI_ERR_NOT_SUPPORTED);
        this.platform.setTimer(caller, a(0));
        return this.ret(caller, SBI_SUCCESS);
      case EID_IPI: {
        if (fid !== 0) return this.ret(caller, SBI_ERR_NOT_SUPPORTED);
        const harts = this.maskToHarts(a(0), a(1));
        if (harts === undefined) return this.ret(caller, SBI_ERR_INVALID_PARAM);
        this.platform.sendIpi(caller, harts);
        return this.ret(caller, SBI_SUCCESS);
      }
      case EID_RFENCE:
        return this.rfence(caller, fid, a);
      case EID_HSM:
        return this.hsm(caller, fid, a);
      case EID_SRST: {
        if (fid !== 0) return this.ret(caller, SBI_ERR_NOT_SUPPORTED);
        const type = Number(BigInt.asUintN(32, a(0)));
        const reason = Number(BigInt.asUintN(32, a(1)));
        if (type > SRST_WARM_REBOOT || reason > 1) return this.ret(caller, SBI_ERR_INVALID_PARAM);
        this.platform.systemReset(type, reason);
        return this.ret(caller, SBI_SUCCESS);
      }
      case EID_DBCN:
        return this.dbcn(caller, fid, a);
      default:
        return this.ret(caller, SBI_ERR_NOT_SUPPORTED);
    }
  }

  private ret(caller: SbiCaller, error: number, value: bigint = 0n): true {
    caller.setX(10, signed(error));
    caller.setX(11, value);
    return true;
  }

  private base(caller: SbiCaller, fid: number, a0: bigint): boolean {
    const ids = this.platform.machineIds;
    switch (fid) {
      case 0: return this.ret(caller, SBI_SUCCESS, BigInt(SBI_SPEC_VERSION));
      case 1: return this.ret(caller, SBI_SUCCESS, BigInt(this.opts.implId ?? 0x54_53)); // "TS"
      case 2: return this.ret(caller, SBI_SUCCESS, BigInt(this.opts.implVersion ?? 0x0001_0000));
      case 3: {
        // probe_extension: 0 when absent, 1 (or an extension-specific non-zero value) when present.
        const e = Number(BigInt.asUintN(32, a0));
        return this.ret(caller, SBI_SUCCESS, this.extensions.has(e) ? 1n : 0n);
      }
      case 4: return this.ret(caller, SBI_SUCCESS, ids.mvendorid);
      case 5: return this.ret(caller, SBI_SUCCESS, ids.marchid);
      case 6: return this.ret(caller, SBI_SUCCESS, ids.mimpid);
      default: return this.ret(caller, SBI_ERR_NOT_SUPPORTED);
    }
  }

  /**
   * hart_mask / hart_mask_base (SBI 2.0 §3.1): bit i of the mask is hart base + i; a base
   * of all ones means every hart. Undefined when a named hart does not exist.
   */
  maskToHarts(mask: bigint, base: bigint): number[] | undefined {
    const ids = this.platform.hartIds();
    if (base === ALL_ONES) return [...ids];
    const out: number[] = [];
    for (let i = 0n; i < 64n; i++) {
      if (((mask >> i) & 1n) === 0n) continue;
      const h = base + i;
      if (h > BigInt(Number.MAX_SAFE_INTEGER) || !ids.includes(Number(h))) return undefined;
      out.push(Number(h));
    }
    return out;
  }

  private rfence(caller: SbiCaller, fid: number, a: (i: number) => bigint): boolean {
    const kinds: RfenceKind[] = ['fence.i', 'sfence.vma', 'sfence.vma.asid', 'hfence.gvma.vmid', 'hfence.gvma', 'hfence.vvma.asid', 'hfence.vvma'];
    const kind = kinds[fid];
    if (kind === undefined) return this.ret(caller, SBI_ERR_NOT_SUPPORTED);
    const harts = this.maskToHarts(a(0), a(1));
    if (harts === undefined) return this.ret(caller, SBI_ERR_INVALID_PARAM);
    this.platform.remoteFence(caller, kind, harts, fid === 0 ? 0n : a(2), fid === 0 ? ALL_ONES : a(3), fid === 2 || fid === 3 || fid === 5 ? a(4) : 0n);
    return this.ret(caller, SBI_SUCCESS);
  }

  private hsm(caller: SbiCaller, fid: number, a: (i: number) => bigint): boolean {
    switch (fid) {
      case 0: {
        const hartid = a(0);
        const h = hartid > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(hartid);
        const st = this.state(h);
        if (st === undefined) return this.ret(caller, SBI_ERR_INVALID_PARAM);
        if (st !== HartState.Stopped) return this.ret(caller, SBI_ERR_ALREADY_AVAILABLE);
        this.states.set(h, HartState.StartPending);
        const err = this.platform.hartStart(h, a(1), a(2));
        if (err !== SBI_SUCCESS) {
          this.states.set(h, HartState.Stopped);
          return this.ret(caller, err);
        }
        if (this.states.get(h) === HartState.StartPending) this.states.set(h, HartState.Started);
        return this.ret(caller, SBI_SUCCESS);
      }
      case 1: {
        if (this.state(caller.hartid) !== HartState.Started) return this.ret(caller, SBI_ERR_FAILED);
        this.states.set(caller.hartid, HartState.Stopped);
        const err = this.platform.hartStop(caller);
        if (err !== SBI_SUCCESS) {
          this.states.set(caller.hartid, HartState.Started);
          return this.ret(caller, err);
        }
        return false;
      }
      case 2: {
        const hartid = a(0);
        const st = this.state(hartid > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(hartid));
        if (st === undefined) return this.ret(caller, SBI_ERR_INVALID_PARAM);
        return this.ret(caller, SBI_SUCCESS, BigInt(st));
      }
      case 3: {
        const type = Number(BigInt.asUintN(32, a(0)));
        // Only the default retentive (0) and default non-retentive (0x80000000) types exist here.
        if (type !== 0 && type !== 0x8000_0000) return this.ret(caller, SBI_ERR_INVALID_PARAM);
        if (this.platform.hartSuspend === undefined) return this.ret(caller, SBI_ERR_NOT_SUPPORTED);
        return this.ret(caller, this.platform.hartSuspend(caller, type, a(1), a(2)));
      }
      default:
        return this.ret(caller, SBI_ERR_NOT_SUPPORTED);
    }
  }

  private dbcn(caller: SbiCaller, fid: number, a: (i: number) => bigint): boolean {
    switch (fid) {
      case 0: {
        // console_write(num_bytes, base_addr_lo, base_addr_hi): base is a physical address (§12.1).
        // The address is base_addr_lo | base_addr_hi << XLEN: on RV64 a non-zero high half
        // names memory beyond 64 bits, which no caller can own.
        if (a(2) !== 0n) return this.ret(caller, SBI_ERR_INVALID_PARAM);
        const n = Number(a(0) > 0x10000n ? 0x10000n : a(0));
        const data = this.platform.readMemory(caller, a(1), n);
        if (data === undefined) return this.ret(caller, SBI_ERR_INVALID_PARAM);
        this.platform.consoleWrite(data);
        return this.ret(caller, SBI_SUCCESS, BigInt(data.length));
      }
      case 1: {
        if (a(2) !== 0n) return this.ret(caller, SBI_ERR_INVALID_PARAM);
        const n = Number(a(0) > 0x10000n ? 0x10000n : a(0));
        const bytes = this.platform.consoleRead(n);
        if (bytes.length > 0 && !this.platform.writeMemory(caller, a(1), bytes)) return this.ret(caller, SBI_ERR_INVALID_PARAM);
        return this.ret(caller, SBI_SUCCESS, BigInt(bytes.length));
      }
      case 2:
        this.platform.consoleWrite(Uint8Array.of(Number(a(0) & 0xffn)));
        return this.ret(caller, SBI_SUCCESS);
      default:
        return this.ret(caller, SBI_ERR_NOT_SUPPORTED);
    }
  }

  private legacyCall(caller: SbiCaller, eid: number, a: (i: number) => bigint): boolean {
    const done = (v: bigint) => {
      caller.setX(10, v);
      return true;
    };
    /** Legacy calls take a pointer to a hart mask in memory (or 0 for all harts). */
    const legacyMask = (p: bigint): number[] | undefined => {
      if (p === 0n) return [...this.platform.hartIds()];
      const bytes = this.platform.readMemory(caller, p, 8);
      if (bytes === undefined) return undefined;
      const mask = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
      return this.maskToHarts(mask, 0n);
    };
    switch (eid) {
      case LEGACY_SET_TIMER:
        this.platform.setTimer(caller, a(0));
        return done(0n);
      case LEGACY_CONSOLE_PUTCHAR:
        this.platform.consoleWrite(Uint8Array.of(Number(a(0) & 0xffn)));
        return done(0n);
      case LEGACY_CONSOLE_GETCHAR: {
        const b = this.platform.consoleRead(1);
        return done(b.length > 0 ? BigInt(b[0]!) : ALL_ONES);
      }
      case LEGACY_CLEAR_IPI:
        this.platform.clearIpi?.(caller);
        return done(0n);
      case LEGACY_SEND_IPI: {
        const harts = legacyMask(a(0));
        if (harts === undefined) return done(signed(SBI_ERR_INVALID_PARAM));
        this.platform.sendIpi(caller, harts);
        return done(0n);
      }
      case LEGACY_REMOTE_FENCE_I:
      case LEGACY_REMOTE_SFENCE_VMA:
      case LEGACY_REMOTE_SFENCE_VMA_ASID: {
        const harts = legacyMask(a(0));
        if (harts === undefined) return done(signed(SBI_ERR_INVALID_PARAM));
        const kind: RfenceKind = eid === LEGACY_REMOTE_FENCE_I ? 'fence.i' : eid === LEGACY_REMOTE_SFENCE_VMA ? 'sfence.vma' : 'sfence.vma.asid';
        this.platform.remoteFence(caller, kind, harts, eid === LEGACY_REMOTE_FENCE_I ? 0n : a(1), eid === LEGACY_REMOTE_FENCE_I ? ALL_ONES : a(2), eid === LEGACY_REMOTE_SFENCE_VMA_ASID ? a(3) : 0n);
        return done(0n);
      }
      case LEGACY_SHUTDOWN:
        this.platform.systemReset(SRST_SHUTDOWN, 0);
        return done(0n);
      default:
        return done(signed(SBI_ERR_NOT_SUPPORTED));
    }
  }
}

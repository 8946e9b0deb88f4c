/**
 * CSR fields the hypervisor reads and writes (RISC-V privileged 1.12 §3.1.6 mstatus, §3.1.9
 * mip/mie, §4.1.1 sstatus; H extension §9.2.1 hstatus, §9.2.3 hvip), named once for every
 * module of the package.
 */

export const MSTATUS_MPP = 3n << 11n;
export const MSTATUS_MPP_S = 1n << 11n;
export const MSTATUS_MPV = 1n << 39n;
/** mstatus/sstatus.FS = Dirty: with V=1 both sstatus.FS and vsstatus.FS gate the FPU (H §9.2.1), so HS keeps it on. */
export const MSTATUS_FS_DIRTY = 3n << 13n;

export const SSTATUS_SIE = 1n << 1n;
export const SSTATUS_SPIE = 1n << 5n;
export const SSTATUS_SPP = 1n << 8n;
/** vsstatus.SIE (same position as sstatus.SIE). */
export const VSSTATUS_SIE = SSTATUS_SIE;

export const HSTATUS_SPV = 1n << 7n;
export const HSTATUS_SPVP = 1n << 8n;
export const HSTATUS_VGEIN_SHIFT = 12n;
export const HSTATUS_VGEIN = 0x3fn << HSTATUS_VGEIN_SHIFT;
export const HSTATUS_VTW = 1n << 21n;

export const MIP_SSIP = 1n << 1n;
export const MIP_MSIP = 1n << 3n;
export const MIP_STIP = 1n << 5n;
export const MIP_MTIP = 1n << 7n;
export const SIE_SEIE = 1n << 9n;

/** hvip's writable bits: VSSIP (2), VSTIP (6), VSEIP (10) (H §9.2.3). */
export const HVIP_VSSIP = 1n << 2n;
export const HVIP_VSTIP = 1n << 6n;
export const HVIP_VSEIP = 1n << 10n;
export const HVIP_VS_BITS = HVIP_VSSIP | HVIP_VSTIP | HVIP_VSEIP;

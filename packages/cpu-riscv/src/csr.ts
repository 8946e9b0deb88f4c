/** CSR numbers, bit positions and cause codes (RISC-V privileged 1.12, H extension 1.0). */

export const CSR = {
  fflags: 0x001, frm: 0x002, fcsr: 0x003,
  cycle: 0xc00, time: 0xc01, instret: 0xc02,
  sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, senvcfg: 0x10a,
  sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143, sip: 0x144, stimecmp: 0x14d, satp: 0x180,
  vsstatus: 0x200, vsie: 0x204, vstvec: 0x205, vsscratch: 0x240, vsepc: 0x241, vscause: 0x242, vstval: 0x243,
  vsip: 0x244, vstimecmp: 0x24d, vsatp: 0x280,
  hstatus: 0x600, hedeleg: 0x602, hideleg: 0x603, hie: 0x604, htimedelta: 0x605, hcounteren: 0x606, hgeie: 0x607,
  henvcfg: 0x60a, htval: 0x643, hip: 0x644, hvip: 0x645, htinst: 0x64a, hgatp: 0x680, hgeip: 0xe12,
  mstatus: 0x300, misa: 0x301, medeleg: 0x302, mideleg: 0x303, mie: 0x304, mtvec: 0x305, mcounteren: 0x306,
  menvcfg: 0x30a, mcountinhibit: 0x320, mscratch: 0x340, mepc: 0x341, mcause: 0x342, mtval: 0x343, mip: 0x344,
  mtinst: 0x34a, mtval2: 0x34b, pmpcfg0: 0x3a0, pmpaddr0: 0x3b0,
  mcycle: 0xb00, minstret: 0xb02,
  mvendorid: 0xf11, marchid: 0xf12, mimpid: 0xf13, mhartid: 0xf14, mconfigptr: 0xf15,
} as const;

// Interrupt bit numbers (mip/mie), privileged §3.1.9 and H §9.2.3.
export const IRQ_SSI = 1, IRQ_VSSI = 2, IRQ_MSI = 3, IRQ_STI = 5, IRQ_VSTI = 6, IRQ_MTI = 7;
export const IRQ_SEI = 9, IRQ_VSEI = 10, IRQ_MEI = 11, IRQ_SGEI = 12;

// Exception causes (privileged Table 3.6, H Table 9.7).
export const EXC = {
  instMisaligned: 0, instAccess: 1, illegal: 2, breakpoint: 3, loadMisaligned: 4, loadAccess: 5,
  storeMisaligned: 6, storeAccess: 7, ecallU: 8, ecallS: 9, ecallVS: 10, ecallM: 11,
  instPage: 12, loadPage: 13, storePage: 15, instGuestPage: 20, loadGuestPage: 21, virtualInstruction: 22,
  storeGuestPage: 23,
} as const;

export const EXC_NAMES: Record<number, string> = {
  0: 'instruction-misaligned', 1: 'instruction-access-fault', 2: 'illegal-instruction', 3: 'breakpoint',
  4: 'load-misaligned', 5: 'load-access-fault', 6: 'store-misaligned', 7: 'store-access-fault',
  8: 'ecall-u', 9: 'ecall-s', 10: 'ecall-vs', 11: 'ecall-m', 12: 'instruction-page-fault', 13: 'load-page-fault',
  15: 'store-page-fault', 20: 'instruction-guest-page-fault', 21: 'load-guest-page-fault',
  22: 'virtual-instruction', 23: 'store-guest-page-fault',
};

export const IRQ_NAMES: Record<number, string> = {
  1: 'ssi', 2: 'vssi', 3: 'msi', 5: 'sti', 6: 'vsti', 7: 'mti', 9: 'sei', 10: 'vsei', 11: 'mei', 12: 'sgei',
};

// mstatus bits (low word) §3.1.6.
export const MS_SIE = 1 << 1, MS_MIE = 1 << 3, MS_SPIE = 1 << 5, MS_UBE = 1 << 6, MS_MPIE = 1 << 7, MS_SPP = 1 << 8;
export const MS_MPP_SHIFT = 11, MS_FS_SHIFT = 13;
export const MS_MPRV = 1 << 17, MS_SUM = 1 << 18, MS_MXR = 1 << 19, MS_TVM = 1 << 20, MS_TW = 1 << 21, MS_TSR = 1 << 22;
// High-word bits of mstatus (bit - 32).
export const MSH_GVA = 1 << 6, MSH_MPV = 1 << 7;

// hstatus §9.2.1.
export const HS_VSBE = 1 << 5, HS_GVA = 1 << 6, HS_SPV = 1 << 7, HS_SPVP = 1 << 8, HS_HU = 1 << 9;
export const HS_VGEIN_SHIFT = 12, HS_VTVM = 1 << 20, HS_VTW = 1 << 21, HS_VTSR = 1 << 22;

// Page-table entry bits §4.3.1.
export const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_G = 32, PTE_A = 64, PTE_D = 128;

// menvcfg / henvcfg bit 63: STCE (Sstc), bit 0: FIOM.
export const ENVCFG_STCE = 1n << 63n;

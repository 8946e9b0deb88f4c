# The H extension: VS/VU entry, virtual-instruction traps, VS CSR aliasing, two-stage
# translation (Sv39 over Sv39x4 and Sv48x4) with guest-page faults, htval/mtval2/mtinst,
# HLV/HLVX/HSV, hvip-injected VS interrupts, delegation to HS with hstatus.SPV/SPVP/GVA.
#include "test.h"
#define PTE_V 1
#define PTE_R 2
#define PTE_W 4
#define PTE_X 8
#define PTE_U 16
#define PTE_A 64
#define PTE_D 128
#define SETPTE(table, idx, target, flags) \
  la t0, target; srli t0, t0, 12; slli t0, t0, 10; li t1, flags; or t0, t0, t1; la t1, table; li t2, (idx) * 8; add t1, t1, t2; sd t0, 0(t1)
#define SETPTE_ABS(table, idx, target, flags) \
  li t0, target; srli t0, t0, 12; slli t0, t0, 10; li t1, flags; or t0, t0, t1; la t1, table; li t2, (idx) * 8; add t1, t1, t2; sd t0, 0(t1)
#define MPV (1 << 39)
/* Enter VS-mode (V=1, S) at label */
#define ENTER_VS(target) \
  li t0, 3 << 11; csrc mstatus, t0; li t0, (1 << 11) | MPV; csrs mstatus, t0; la t0, target; csrw mepc, t0; mret

RVTEST_BEGIN
  li t0, 7
  csrw mcounteren, t0
  # G-stage (Sv39x4): GPA 0x80000000 1 GiB identity; GPA 0x40000000 -> g_l1 -> g_l0:
  #   +0 page0 RW, +1000 page0 R, +2000 unmapped, +3000 page0 RWX
  SETPTE_ABS(g_root, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
  SETPTE(g_root, 1, g_l1, PTE_V)
  SETPTE(g_l1, 0, g_l0, PTE_V)
  SETPTE(g_l0, 0, page0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
  SETPTE(g_l0, 1, page0, PTE_V | PTE_R | PTE_U | PTE_A)
  SETPTE(g_l0, 3, page0, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
  # Sv48x4 root: [0] -> the Sv39x4 root's first 4 KiB as its next level covers GPA < 512 GiB
  SETPTE(g_root48, 0, g_root, PTE_V)
  # VS-stage (Sv39, in guest-physical = physical for 0x80000000): [1] 1 GiB at GPA 0x40000000
  # (RW, no X), [2] 1 GiB identity for the code.
  SETPTE_ABS(vs_root, 1, 0x40000000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  SETPTE_ABS(vs_root, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
  li t0, 0xabcd
  la t1, page0
  sd t0, 0(t1)

  # 1. VS entry and virtual-instruction traps (bare stages)
  ENTER_VS(vs1)
vs1:
  li TESTNUM, 1
  EXPECT(22, csrr t0, hstatus)
  EXPECT(22, csrr t0, vsstatus)
  EXPECT(22, hfence.gvma)
  EXPECT(22, hlv.w t0, (sp))
  EXPECT(2, csrr t0, mstatus)
  EXPECT(10, ecall)
  EXPECT(22, rdtime t0)                 # hcounteren.TM = 0
  TO_M(m1)
m1:
  li TESTNUM, 2
  csrr t0, mstatus
  li t1, MPV
  and t0, t0, t1
  beqz t0, fail                         # MPV = 1 after a trap from VS
  li t0, (1 << 20) | (1 << 21) | (1 << 22) # VTVM VTW VTSR
  csrs hstatus, t0
  ENTER_VS(vs2)
vs2:
  li TESTNUM, 3
  EXPECT(22, wfi)
  EXPECT(22, sret)
  EXPECT(22, sfence.vma)
  EXPECT(22, csrr t0, satp)
  TO_M(m2)
m2:
  li t0, (1 << 20) | (1 << 21) | (1 << 22)
  csrc hstatus, t0
  # VU-mode (V=1, U)
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, MPV
  csrs mstatus, t0
  la t0, vu1
  csrw mepc, t0
  mret
vu1:
  li TESTNUM, 30
  EXPECT(22, csrr t0, sstatus)          # S CSR from VU: virtual instruction
  EXPECT(2, csrr t0, mstatus)           # M CSR: illegal
  EXPECT(22, wfi)
  EXPECT(22, sret)
  EXPECT(22, hlv.d t0, (sp))
  EXPECT(8, ecall)                      # ecall from VU is "from U"
  TO_M(m_vu)
m_vu:
  csrr t0, mstatus
  srli t0, t0, 11
  andi t0, t0, 3
  bnez t0, fail                         # MPP = U
  # 2. VS CSR aliasing
  li TESTNUM, 4
  li t0, 0x5a5a
  csrw vsscratch, t0
  csrw sscratch, zero
  li t0, 2
  csrw hcounteren, t0
  ENTER_VS(vs3)
vs3:
  csrr t1, sscratch
  li t2, 0x5a5a
  bne t1, t2, fail
  rdtime t1                             # now allowed
  li t0, 1 << 18
  csrs sstatus, t0                      # vsstatus.SUM
  TO_M(m3)
m3:
  li TESTNUM, 5
  csrr t0, vsstatus
  li t1, 1 << 18
  and t0, t0, t1
  beqz t0, fail
  csrr t0, mstatus
  and t0, t0, t1
  bnez t0, fail                         # HS sstatus untouched

  # 3. Two-stage translation, Sv39 over Sv39x4, then Sv48x4
  la t0, vs_root
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw vsatp, t0
  la t0, g_root
  srli t0, t0, 12
  li t1, 8 << 60
  or s6, t0, t1
  li s5, 0
two_stage:
  csrw hgatp, s6
  hfence.gvma
  ENTER_VS(vs4)
vs4:
  li TESTNUM, 6
  li a0, 0x40000000
  ld t0, 0(a0)
  li t1, 0xabcd
  bne t0, t1, fail
  li TESTNUM, 7
  li a0, 0x40001000
  ld t0, 0(a0)
  la s8, m4
  li s11, -2
  sd t0, 0(a0)                          # G-stage read-only: store guest-page fault
  j fail
m4:
  li TESTNUM, 8
  csrr t0, mcause
  li t1, 23
  bne t0, t1, fail
  csrr t0, mtval
  bne t0, a0, fail                      # mtval = guest virtual address
  csrr t0, mtval2
  li t1, 0x40001000 >> 2
  bne t0, t1, fail                      # mtval2 = guest physical address >> 2
  csrr t0, mstatus
  li t1, 1 << 38
  and t0, t0, t1
  beqz t0, fail                         # GVA
  li s11, -1
  la t0, vs5
  csrw mepc, t0
  mret                                  # back to VS (MPP = S, MPV = 1)
vs5:
  li TESTNUM, 9
  li a0, 0x40002000
  EXPECT(21, ld t0, 0(a0))              # not mapped in the G-stage
  li TESTNUM, 10
  li a0, 0x40003000
  EXPECT(12, jr a0)                     # VS-stage has no X: an ordinary page fault
  TO_M(m5)
m5:
  # Implicit access: a VS root in unmapped guest-physical memory
  csrr s4, vsatp
  li t0, (8 << 60) | (0x50000000 >> 12)
  csrw vsatp, t0
  la s8, m6
  li s11, -2
  ENTER_VS(vs6)                         # the very first fetch needs the VS root: it faults
vs6:
  j fail
m6:
  li TESTNUM, 13
  csrr t0, mcause
  li t1, 20
  bne t0, t1, fail                      # instruction guest-page fault
  csrr t0, mtinst
  li t1, 0x3000
  bne t0, t1, fail                      # pseudoinstruction for an implicit VS-stage PTE read
  csrr t0, mtval2
  li t1, (0x50000000 + 2 * 8) >> 2
  bne t0, t1, fail                      # the guest-physical address of the PTE
  li s11, -1
  csrw vsatp, s4
  # Second pass with Sv48x4
  bnez s5, hlv_tests
  li s5, 1
  la t0, g_root48
  srli t0, t0, 12
  li t1, 9 << 60
  or s6, t0, t1
  j two_stage

hlv_tests:
  # 4. HLV/HLVX/HSV from HS-mode with SPVP = 1 (VS-mode permissions)
  li t0, 1 << 8
  csrs hstatus, t0
  li t0, MPV
  csrc mstatus, t0                      # MPV = 0: mret to HS
  ENTER_MODE(1, hs1)
hs1:
  li TESTNUM, 14
  li a0, 0x40000000
  hlv.d t0, (a0)
  li t1, 0xabcd
  bne t0, t1, fail
  li t2, 0x7777
  hsv.d t2, (a0)
  hlv.wu t0, (a0)
  bne t0, t2, fail
  li TESTNUM, 15
  EXPECT(13, hlvx.wu t0, (a0))          # VS-stage page is not executable
  li a1, 0x40001000
  EXPECT(23, hsv.w t2, (a1))            # G-stage read-only
  TO_M(m7h)
m7h:
  # HLV from U-mode (V=0) needs hstatus.HU
  li TESTNUM, 31
  li t0, MPV | (3 << 11)
  csrc mstatus, t0
  la t0, u_hlv
  csrw mepc, t0
  mret
u_hlv:
  li a0, 0x40000000
  EXPECT(2, hlv.d t0, (a0))
  TO_M(m_hu)
m_hu:
  li t0, 1 << 9
  csrs hstatus, t0                      # HU
  li t0, MPV | (3 << 11)
  csrc mstatus, t0
  la t0, u_hlv2
  csrw mepc, t0
  mret
u_hlv2:
  li TESTNUM, 32
  li a0, 0x40000000
  hlv.d t0, (a0)
  li t1, 0x7777
  bne t0, t1, fail
  TO_M(m7)
m7:
  li t0, 1 << 9
  csrc hstatus, t0
  # 5. Delegation to HS: guest-page faults via medeleg, hstatus.SPV/SPVP/GVA and htval
  li TESTNUM, 16
  la t0, hs_trap
  csrw stvec, t0
  li t0, (1 << 21) | (1 << 10)
  csrw medeleg, t0
  ENTER_VS(vs7)
vs7:
  li a0, 0x40002000
  EXPECT(21, ld t0, 0(a0))
  li t1, (1 << 7) | (1 << 8) | (1 << 6)   # SPV SPVP GVA
  and t0, s9, t1
  bne t0, t1, fail
  li t1, 0x40002000 >> 2
  bne s4, t1, fail                      # htval
  li TESTNUM, 17
  EXPECT(10, ecall)                     # delegated to HS
  li t1, 1 << 6
  and t0, s9, t1
  bnez t0, fail                         # no GVA for an ecall
  la s8, m8
  li s11, -2
  csrr t0, mstatus                      # illegal, not delegated: to M (ecall now goes to HS)
m8:
  csrw medeleg, zero
  # 6. hvip injects VS interrupts, delivered to VS with S-level cause numbers
  li TESTNUM, 18
  la t0, s_trap
  csrw vstvec, t0
  li t0, (1 << 2) | (1 << 6) | (1 << 10)
  csrw hideleg, t0
  csrs hie, t0                          # VSSIE VSTIE VSEIE
  ENTER_VS(vs8)
vs8:
  li t0, (1 << 1) | (1 << 5) | (1 << 9)
  csrs sie, t0                          # vsie
  TO_M(m9)
m9:
  li t0, 1 << 6
  csrs hvip, t0                         # VSTIP
  ENTER_VS(vs9)
vs9:
  la s10, 9f
  li s11, 0x8000000000000005
  csrsi sstatus, 2
  j fail
9: li t0, -1
  bne s11, t0, fail
  TO_M(m10)
m10:
  li TESTNUM, 19
  li t0, 1 << 6
  csrc hvip, t0
  li t0, 1 << 2
  csrs hvip, t0                         # VSSIP
  ENTER_VS(vs10)
vs10:
  la s10, 9f
  li s11, 0x8000000000000001
  csrsi sstatus, 2
  j fail
9: csrr t0, sip
  andi t0, t0, 2
  beqz t0, fail                         # vsip.SSIP reflects hvip.VSSIP
  csrci sip, 2                          # and clears it
  TO_M(m11)
m11:
  li TESTNUM, 20
  csrr t0, hvip
  bnez t0, fail
  li t0, 1 << 10
  csrs hvip, t0                         # VSEIP
  ENTER_VS(vs11)
vs11:
  la s10, 9f
  li s11, 0x8000000000000009
  csrsi sstatus, 2
  j fail
9: TO_M(m12)
m12:
  csrw hvip, zero
  j pass

  .align 2
hs_trap:
  csrr t6, scause
  bne t6, s11, fail
  csrr s9, hstatus
  csrr s4, htval
  csrw sepc, s10
  li s11, -1
  sret
RVTEST_END
  .data
  .align 14
g_root: .skip 16384
g_root48: .skip 16384
  .align 12
g_l1: .skip 4096
g_l0: .skip 4096
vs_root: .skip 4096
page0: .skip 4096

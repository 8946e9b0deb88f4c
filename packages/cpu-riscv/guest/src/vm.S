# Sv39 and Sv48 (privileged §4.3-4.4): leaves at every level, permissions, U/SUM/MXR, A/D
# updates, invalid and misaligned superpages, non-canonical addresses, SFENCE.VMA, MPRV.
#include "test.h"

#define PTE_V 1
#define PTE_R 2
#define PTE_W 4
#define PTE_X 8
#define PTE_U 16
#define PTE_G 32
#define PTE_A 64
#define PTE_D 128

/* table[idx] = PTE for physical `target` with `flags` */
#define SETPTE(table, idx, target, flags) \
  la t0, target; srli t0, t0, 12; slli t0, t0, 10; li t1, flags; or t0, t0, t1; la t1, table; sd t0, (idx) * 8(t1)

#define SETPTE_ABS(table, idx, target, flags) \
  li t0, target; srli t0, t0, 12; slli t0, t0, 10; li t1, flags; or t0, t0, t1; la t1, table; sd t0, (idx) * 8(t1)
/* The U-accessible alias of a code label: VA 0xc0000000 maps the 1 GiB at 0x80000000 with U set. */
#define ULA(reg, label) la reg, label; li t6, 0x40000000; add reg, reg, t6

RVTEST_BEGIN
  # Sv39 root: [1] -> l1 (0x40000000..), [2] 1 GiB identity at 0x80000000, [3] U alias of it.
  SETPTE(root39, 1, l1, PTE_V)
  SETPTE_ABS(root39, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
  SETPTE_ABS(root39, 3, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
  SETPTE(l1, 0, l0, PTE_V)
  SETPTE(l1, 1, page0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)    # megapage with a misaligned PPN
  SETPTE(l0, 0, page0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  SETPTE(l0, 1, page0, PTE_V | PTE_R | PTE_A)
  SETPTE(l0, 2, page0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
  SETPTE(l0, 3, page0, PTE_V | PTE_X | PTE_A)
  SETPTE(l0, 4, page0, PTE_V | PTE_R | PTE_W)
  SETPTE(l0, 6, page1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  # Sv48 root: [0] -> the Sv39 root as its level-2 table
  SETPTE(root48, 0, root39, PTE_V)
  li t0, 0x1234
  la t1, page0
  sd t0, 0(t1)
  li t0, 0x5678
  la t1, page1
  sd t0, 0(t1)
  li t0, 7
  csrw mcounteren, t0

  la t0, root39
  srli t0, t0, 12
  li t1, 8 << 60
  or s6, t0, t1
  li s5, 0                              # pass 0: Sv39
again:
  csrw satp, s6
  sfence.vma
  ENTER_MODE(1, s_main)
s_main:
  li TESTNUM, 1
  li a0, 0x40000000
  ld t0, 0(a0)
  li t1, 0x1234
  bne t0, t1, fail
  li TESTNUM, 2
  li a0, 0x40001000
  ld t0, 0(a0)
  EXPECT(15, sd t0, 0(a0))              # read-only page
  bne s9, a0, fail
  li TESTNUM, 3
  li a0, 0x40002000
  EXPECT(13, ld t0, 0(a0))              # U page from S without SUM
  li t0, 1 << 18
  csrs sstatus, t0
  ld t0, 0(a0)                          # with SUM
  li t0, 1 << 18
  csrc sstatus, t0
  li TESTNUM, 4
  li a0, 0x40003000
  EXPECT(13, ld t0, 0(a0))              # execute-only
  li t0, 1 << 19
  csrs sstatus, t0
  ld t0, 0(a0)                          # with MXR
  li t0, 1 << 19
  csrc sstatus, t0
  li TESTNUM, 5
  li a0, 0x40004000
  ld t0, 0(a0)                          # A is set by hardware
  la t1, l0
  ld t2, 4 * 8(t1)
  andi t3, t2, PTE_A
  beqz t3, fail
  andi t3, t2, PTE_D
  bnez t3, fail
  sd t0, 0(a0)                          # and D on a store
  ld t2, 4 * 8(t1)
  andi t3, t2, PTE_D
  beqz t3, fail
  li TESTNUM, 6
  li a0, 0x40005000
  EXPECT(13, ld t0, 0(a0))              # invalid PTE
  EXPECT(15, sd t0, 0(a0))
  li TESTNUM, 7
  li a0, 0x40000000
  EXPECT(12, jr a0)                     # no X
  bne s9, a0, fail
  li TESTNUM, 8
  li a0, 0x40200000
  EXPECT(13, ld t0, 0(a0))              # misaligned megapage
  li TESTNUM, 9
  li a0, 0x0000004000000000
  beqz s5, 1f
  li a0, 0x0000800000000000             # Sv48: bit 47 set, not sign-extended
1:
  EXPECT(13, ld t0, 0(a0))
  li TESTNUM, 10
  li a0, 0x40006000
  ld t0, 0(a0)
  li t1, 0x5678
  bne t0, t1, fail
  SETPTE(l0, 6, page0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  sfence.vma
  ld t0, 0(a0)
  li t1, 0x1234
  bne t0, t1, fail
  SETPTE(l0, 6, page1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  sfence.vma
  # U mode through the U alias of the code
  li TESTNUM, 11
  li t0, 1 << 8
  csrc sstatus, t0                      # SPP = U
  ULA(t0, u_main)
  csrw sepc, t0
  sret
u_main:
  li a0, 0x40002000
  ld t0, 0(a0)
  li TESTNUM, 12
  li a0, 0x40000000
  la s10, 9f                            # pc-relative: already the U alias
  li s11, 13
  ld t0, 0(a0)
  j fail
9:
  li TESTNUM, 13
  la s10, 9f
  li s11, 12
  la t1, s_main
  li t0, 0x40000000
  sub t1, t1, t0
  jr t1                                 # supervisor page from U
9:
  la s8, m_back
  li t0, 0x40000000
  sub s8, s8, t0                        # the M-mode (physical) address of m_back
  li s11, -2
  ecall
m_back:
  # MPRV in M with MPP = S and the translation in force
  li TESTNUM, 14
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, (1 << 11) | (1 << 17)
  csrs mstatus, t0
  li a0, 0x40000000
  ld t0, 0(a0)
  li t1, 0x1234
  bne t0, t1, fail
  li t0, 1 << 17
  csrc mstatus, t0
  # Second pass: Sv48
  bnez s5, done
  li s5, 1
  la t0, root48
  srli t0, t0, 12
  li t1, 9 << 60
  or s6, t0, t1
  # reset A/D of the test PTE
  SETPTE(l0, 4, page0, PTE_V | PTE_R | PTE_W)
  j again
done:
  csrw satp, zero
  j pass
RVTEST_END
  .data
  .align 12
root39: .skip 4096
root48: .skip 4096
l1: .skip 4096
l0: .skip 4096
page0: .skip 4096
page1: .skip 4096

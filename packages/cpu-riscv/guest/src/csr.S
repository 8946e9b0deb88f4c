# Zicsr and Zicntr: read/modify/write semantics, misa, mhartid, counters and their enables.
#include "test.h"
RVTEST_BEGIN
  li TESTNUM, 1
  li t0, 0x1234
  csrw mscratch, t0
  csrrs t1, mscratch, 0x0f
  bne t1, t0, fail
  csrr t1, mscratch
  li t2, 0x123f
  bne t1, t2, fail
  li TESTNUM, 2
  csrrci t1, mscratch, 0x3
  csrr t1, mscratch
  li t2, 0x123c
  bne t1, t2, fail
  li TESTNUM, 3
  csrrwi t1, mscratch, 7
  bne t1, t2, fail
  csrr t1, mscratch
  li t2, 7
  bne t1, t2, fail
  li TESTNUM, 4
  csrr t0, misa
  srli t1, t0, 62
  li t2, 2
  bne t1, t2, fail                      # MXL = 64
  li t1, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20)
  and t2, t0, t1
  bne t2, t1, fail                      # A C D F I M S U
  li TESTNUM, 5
  csrr t0, mhartid
  bnez t0, fail
  li TESTNUM, 6
  rdcycle t0
  rdinstret t1
  nop
  nop
  rdinstret t2
  sub t2, t2, t1
  li t3, 3
  bne t2, t3, fail                      # three instructions retired in between
  li TESTNUM, 7
  rdtime t0
  li t1, 20000
1: addi t1, t1, -1
  bnez t1, 1b
  rdtime t1
  bleu t1, t0, fail                     # time advances
  li TESTNUM, 8
  csrw minstret, zero
  rdinstret t0
  li t1, 2
  bgeu t0, t1, fail
  # Counter enables: U-mode rdtime needs mcounteren.TM and scounteren.TM
  li TESTNUM, 9
  csrw mcounteren, zero
  ENTER_MODE(0, u1)
u1:
  EXPECT(2, rdtime t0)
  TO_M(m1)
m1:
  li TESTNUM, 10
  li t0, 7
  csrw mcounteren, t0
  csrw scounteren, t0
  ENTER_MODE(0, u2)
u2:
  rdtime t0
  rdcycle t0
  TO_M(m2)
m2:
  # satp is WARL: an unsupported mode (Sv57 = 10) leaves it unchanged
  li TESTNUM, 11
  li t0, (8 << 60) | 0x80123
  csrw satp, t0
  li t1, (10 << 60) | 0x80456
  csrw satp, t1
  csrr t2, satp
  bne t2, t0, fail
  csrw satp, zero
  # mstatus.MPP is WARL: 2 is not kept
  li TESTNUM, 12
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, 2 << 11
  csrs mstatus, t0
  csrr t0, mstatus
  srli t0, t0, 11
  andi t0, t0, 3
  li t1, 2
  beq t0, t1, fail
  # FS = off makes FP instructions and fcsr illegal
  li TESTNUM, 13
  li t0, 3 << 13
  csrc mstatus, t0
  EXPECT(2, csrr t1, fcsr)
  EXPECT(2, fadd.d f0, f0, f0)
  li t0, 1 << 13
  csrs mstatus, t0
  csrr t1, fcsr
  fmv.d.x f1, zero
  csrr t0, mstatus
  srli t0, t0, 13
  andi t0, t0, 3
  li t1, 3
  bne t0, t1, fail                      # writing f1 made FS dirty
  csrr t0, mstatus
  bgez t0, fail                         # SD set
  # sstatus is a view of mstatus
  li TESTNUM, 14
  li t0, 1 << 18
  csrs sstatus, t0
  csrr t1, mstatus
  and t1, t1, t0
  beqz t1, fail
  csrc mstatus, t0
  csrr t1, sstatus
  and t1, t1, t0
  bnez t1, fail
  j pass
RVTEST_END

# Every exception cause reachable without paging (page faults are in vm.S, guest faults in h.S),
# delegation to S, and interrupts (SSIP at M, Sstc STIP at S).
#include "test.h"
RVTEST_BEGIN
  li TESTNUM, 1
  EXPECT(2, .half 0x0000)               # the all-zero halfword is illegal (C)
  li TESTNUM, 2
  EXPECT(2, .word 0xffffffff)
  li t0, 0xffffffff
  bne s9, t0, fail                      # mtval = instruction bits
  li TESTNUM, 3
  la s10, 9f
  li s11, 3
1: ebreak
  j fail
9: la t1, 1b
  bne s9, t1, fail                      # mtval = pc of the ebreak
  li TESTNUM, 4
  EXPECT(11, ecall)
  li TESTNUM, 5
  li t0, 0x10
  EXPECT(5, ld t1, 0(t0))
  bne s9, t0, fail
  li TESTNUM, 6
  EXPECT(7, sd t1, 0(t0))
  bne s9, t0, fail
  li TESTNUM, 7
  EXPECT(1, jr t0)                      # fetch from nothing
  bne s9, t0, fail
  li TESTNUM, 8
  la t0, data + 2
  EXPECT(6, amoadd.w t1, t1, (t0))      # misaligned AMO
  li TESTNUM, 9
  EXPECT(4, lr.d t1, (t0))
  li TESTNUM, 10
  EXPECT(2, csrr t1, 0x7c0)             # no such CSR
  li TESTNUM, 11
  EXPECT(2, csrw mvendorid, t1)         # read-only CSR
  li t0, 0xf1131073                     # csrw mvendorid, t1 encoding
  bne s9, t0, fail
  li TESTNUM, 12
  EXPECT(2, .word 0x0000707f)           # unknown major opcode... (custom) encoding
  # ecall from S (9) and U (8); the M handler resumes in the mode that trapped
  li TESTNUM, 13
  ENTER_MODE(1, in_s)
in_s:
  EXPECT(9, ecall)
  li TESTNUM, 14
  EXPECT(2, csrr t0, mstatus)           # M CSR from S
  li TESTNUM, 15
  EXPECT(2, mret)                       # MRET from S
  TO_M(back1)
back1:
  li TESTNUM, 16
  csrr t0, mstatus
  srli t0, t0, 11
  andi t0, t0, 3
  li t1, 1
  bne t0, t1, fail                      # MPP = S
  ENTER_MODE(0, in_u)
in_u:
  EXPECT(8, ecall)
  li TESTNUM, 17
  EXPECT(2, csrr t0, sstatus)           # S CSR from U
  EXPECT(2, sret)
  EXPECT(2, wfi)                        # WFI in U traps when S exists
  li t0, 0x10500073
  bne s9, t0, fail                      # mtval = the WFI encoding
  TO_M(back2)
back2:
  # Delegation: illegal instructions from S go to the S handler
  li TESTNUM, 18
  la t0, s_trap
  csrw stvec, t0
  li t0, 1 << 2
  csrw medeleg, t0
  li t0, 7
  csrw mcounteren, t0
  li t0, 1
  slli t0, t0, 63
  csrs menvcfg, t0
  li t0, 1 << 5
  csrs mideleg, t0
  ENTER_MODE(1, in_s2)
in_s2:
  EXPECT(2, .word 0xffffffff)
  li t0, 0xffffffff
  bne s9, t0, fail                      # stval
  # Sstc: a supervisor timer interrupt, delegated to S
  li TESTNUM, 19
  csrr t0, time
  addi t0, t0, 20
  csrw stimecmp, t0
  li t0, 1 << 5
  csrs sie, t0
  la s10, 9f
  li s11, 0x8000000000000005
  csrsi sstatus, 2
1: wfi
  j 1b
9: li t0, -1
  bne s11, t0, fail
  csrw stimecmp, t0
  TO_M(back3)
back3:
  # M-level software interrupt through mip.SSIP (not delegated)
  li TESTNUM, 20
  csrw mideleg, zero
  li t0, 2
  csrs mie, t0
  la s8, irq_m
  li s11, -2
  csrs mip, t0
  csrsi mstatus, 8
  j fail
irq_m:
  csrr t0, mcause
  li t1, 0x8000000000000001
  bne t0, t1, fail
  li t0, 2
  csrc mip, t0
  li s11, -1
  # mstatus.TW: WFI from S traps
  li TESTNUM, 21
  li t0, 1 << 21
  csrs mstatus, t0
  csrw medeleg, zero
  ENTER_MODE(1, in_s3)
in_s3:
  EXPECT(2, wfi)
  TO_M(back4)
back4:
  li t0, 1 << 21
  csrc mstatus, t0
  # TSR: SRET from S traps
  li TESTNUM, 22
  li t0, 1 << 22
  csrs mstatus, t0
  ENTER_MODE(1, in_s4)
in_s4:
  EXPECT(2, sret)
  TO_M(back5)
back5:
  li t0, 1 << 22
  csrc mstatus, t0
  # Vectored mtvec for interrupts: cause 1 lands at base + 4
  li TESTNUM, 23
  la t0, vec_table
  ori t0, t0, 1
  csrw mtvec, t0
  li t0, 2
  csrs mie, t0
  csrs mip, t0
  csrsi mstatus, 8
  j fail
vec_ok:
  li t0, 2
  csrc mip, t0
  la t0, m_trap
  csrw mtvec, t0
  j pass
  .align 2
vec_table:
  .option push
  .option norvc
  j fail
  j vec_ok
  j fail
  .option pop
RVTEST_END
  .data
  .align 3
data: .dword 0, 0

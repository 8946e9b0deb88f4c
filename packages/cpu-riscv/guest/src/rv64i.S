# RV64I: arithmetic, logic, shifts, compares, loads/stores, branches, jumps, LUI/AUIPC, *W.
#include "test.h"
RVTEST_BEGIN
  TEST_RR(1, add, 0x0000000100000000, 0xffffffff, 1)
  TEST_RR(2, add, 0, -1, 1)
  TEST_RR(3, sub, -1, 0, 1)
  TEST_RR(4, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
  TEST_RI(5, addi, -2048, 0, -2048)
  TEST_RI(6, addi, 0x80000000000007fe, 0x7fffffffffffffff, 0x7ff)
  TEST_RR(7, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR(8, or, 0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR(9, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RI(10, andi, 0xff00ff00 & 0x70f, 0xff00ff00, 0x70f)
  TEST_RI(11, ori, -241, 0xff00ff00, -0xf1)
  TEST_RI(12, xori, 0xffffffff00ff00ff, 0xff00ff00, -0x100 | 0xff)
  TEST_RR(13, sll, 0x8000000000000000, 1, 63)
  TEST_RR(14, sll, 2, 1, 65)
  TEST_RR(15, srl, 1, 0x8000000000000000, 63)
  TEST_RR(16, sra, -1, 0x8000000000000000, 63)
  TEST_RI(17, slli, 0x100000000, 1, 32)
  TEST_RI(18, srli, 0x00000000ffffffff, -1, 32)
  TEST_RI(19, srai, 0xffffffff80000000, 0x8000000000000000, 32)
  TEST_RR(20, slt, 1, -1, 0)
  TEST_RR(21, sltu, 0, -1, 0)
  TEST_RI(22, slti, 0, 5, -3)
  TEST_RI(23, sltiu, 1, 5, -3)
  TEST_RR(24, addw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_RR(25, subw, 0x000000007fffffff, 0x80000000, 1)
  TEST_RI(26, addiw, 0, 0xffffffff, 1)
  TEST_RR(27, sllw, 0xffffffff80000000, 1, 31)
  TEST_RR(28, srlw, 1, 0x80000000, 31)
  TEST_RR(29, sraw, -1, 0x80000000, 31)
  TEST_RI(30, slliw, 0xffffffff80000000, 0x12345001, 31)
  TEST_RI(31, srliw, 0x7fffffff, -1, 1)
  TEST_RI(32, sraiw, 0xfffffffff8000000, 0x80000000, 4)
  TEST_RR(33, sllw, 2, 1, 33)

  # LUI / AUIPC
  li TESTNUM, 34
  lui x3, 0x80000
  li x4, 0xffffffff80000000
  bne x3, x4, fail
  li TESTNUM, 35
1: auipc x3, 0
  la x4, 1b
  bne x3, x4, fail

  # Loads and stores
  la s0, data
  li TESTNUM, 36
  li x1, 0x8877665544332211
  sd x1, 0(s0)
  lb x3, 7(s0)
  li x4, -0x78
  bne x3, x4, fail
  li TESTNUM, 37
  lbu x3, 7(s0)
  li x4, 0x88
  bne x3, x4, fail
  li TESTNUM, 38
  lh x3, 6(s0)
  li x4, 0xffffffffffff8877
  bne x3, x4, fail
  li TESTNUM, 39
  lhu x3, 6(s0)
  li x4, 0x8877
  bne x3, x4, fail
  li TESTNUM, 40
  lw x3, 4(s0)
  li x4, 0xffffffff88776655
  bne x3, x4, fail
  li TESTNUM, 41
  lwu x3, 4(s0)
  li x4, 0x88776655
  bne x3, x4, fail
  li TESTNUM, 42
  sb x0, 0(s0)
  sh x0, 2(s0)
  sw x0, 4(s0)
  ld x3, 0(s0)
  li x4, 0x2200
  bne x3, x4, fail
  # Misaligned accesses are handled (misaligned: emulate, the default)
  li TESTNUM, 43
  sd x1, 9(s0)
  ld x3, 9(s0)
  bne x3, x1, fail
  lw x3, 11(s0)
  li x4, 0x66554433
  bne x3, x4, fail
  # Across a page boundary
  li TESTNUM, 44
  la s1, page_end
  sd x1, -3(s1)
  ld x3, -3(s1)
  bne x3, x1, fail

  # Branches
  li TESTNUM, 45
  li x1, -1
  li x2, 1
  blt x2, x1, fail
  bge x1, x2, fail
  bltu x1, x2, fail
  bgeu x2, x1, fail
  beq x1, x2, fail
  bne x1, x1, fail
  blt x1, x2, 2f
  j fail
2: bgeu x1, x2, 3f
  j fail
3:
  # JAL / JALR, and JALR clearing bit 0
  li TESTNUM, 46
  jal x5, 4f
5: j fail
4: la x4, 5b
  bne x5, x4, fail
  li TESTNUM, 47
  la x6, 6f
  addi x6, x6, 1
  jalr x7, 0(x6)
  j fail
6: li TESTNUM, 48
  # x0 stays zero
  addi x0, x0, 5
  bne x0, zero, fail
  j pass
RVTEST_END
  .data
  .align 3
data: .skip 64
  .align 12
  .skip 4096
page_end: .skip 64

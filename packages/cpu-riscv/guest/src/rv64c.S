# RV64C: every compressed instruction, checked against its expansion's effect.
#include "test.h"
RVTEST_BEGIN
  .option push
  .option rvc
  la sp, cdata
  li TESTNUM, 1
  c.li a0, -3
  c.addi a0, 5
  li t0, 2
  bne a0, t0, fail
  li TESTNUM, 2
  c.lui a1, 0xfffe1
  li t0, 0xfffffffffffe1000
  bne a1, t0, fail
  li TESTNUM, 3
  li a0, 0x7fffffff
  c.addiw a0, 1
  li t0, 0xffffffff80000000
  bne a0, t0, fail
  li TESTNUM, 4
  mv s0, sp
  c.addi16sp sp, 64
  addi t0, s0, 64
  bne sp, t0, fail
  c.addi16sp sp, -64
  li TESTNUM, 5
  c.addi4spn a2, sp, 16
  addi t0, sp, 16
  bne a2, t0, fail
  li TESTNUM, 6
  li a0, 0x1122334455667788
  c.sdsp a0, 8(sp)
  c.ldsp a1, 8(sp)
  bne a0, a1, fail
  c.swsp a0, 16(sp)
  c.lwsp a2, 16(sp)
  li t0, 0x55667788
  bne a2, t0, fail
  li TESTNUM, 7
  mv a3, sp
  c.sd a0, 24(a3)
  c.ld a4, 24(a3)
  bne a4, a0, fail
  c.sw a0, 32(a3)
  c.lw a5, 32(a3)
  bne a5, t0, fail
  li TESTNUM, 8
  li a0, -16
  c.srli a0, 60
  li t0, 15
  bne a0, t0, fail
  li a0, -16
  c.srai a0, 2
  li t0, -4
  bne a0, t0, fail
  c.andi a0, 0x1d
  li t0, 0x1c
  bne a0, t0, fail
  c.slli a0, 60
  li t0, 0xc000000000000000
  bne a0, t0, fail
  li TESTNUM, 9
  li a0, 12
  li a1, 10
  c.sub a0, a1
  li t0, 2
  bne a0, t0, fail
  li a0, 12
  c.xor a0, a1
  li t0, 6
  bne a0, t0, fail
  li a0, 12
  c.or a0, a1
  li t0, 14
  bne a0, t0, fail
  li a0, 12
  c.and a0, a1
  li t0, 8
  bne a0, t0, fail
  li a0, 0x7fffffff
  li a1, 1
  c.addw a0, a1
  li t0, 0xffffffff80000000
  bne a0, t0, fail
  li a0, 0
  c.subw a0, a1
  li t0, -1
  bne a0, t0, fail
  li TESTNUM, 10
  c.mv a2, a1
  bne a2, a1, fail
  c.add a2, a1
  li t0, 2
  bne a2, t0, fail
  li TESTNUM, 11
  li a0, 0
  c.beqz a0, 1f
  j fail
1: c.bnez a0, fail_c
  c.j 2f
  j fail
2: la a1, 3f
  c.jr a1
  j fail
3: la a1, 4f
  c.jalr a1
5: j fail
4: la t0, 5b
  bne ra, t0, fail
  li TESTNUM, 12
  la a3, cdata
  li t0, 0x3ff0000000000000
  fmv.d.x f8, t0
  c.fsd f8, 40(a3)
  c.fld f9, 40(a3)
  fmv.x.d t1, f9
  bne t0, t1, fail
  c.fsdsp f8, 48(sp)
  c.fldsp f10, 48(sp)
  fmv.x.d t1, f10
  bne t0, t1, fail
  li TESTNUM, 13
  la s10, 9f
  li s11, 3
  c.ebreak
  j fail
9: c.nop
  j pass
fail_c:
  j fail
  .option pop
RVTEST_END
  .data
  .align 4
cdata: .skip 256

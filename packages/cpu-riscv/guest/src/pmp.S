# PMP (privileged §3.7): NAPOT, NA4, TOR, OFF, priority, M-mode bypass, MPRV, lock.
#include "test.h"
RVTEST_BEGIN
  # e0 NAPOT data_a 4 KiB R; e1 NA4 data_b RW; e2 OFF (TOR base); e3 TOR [data_c, data_c+4K) none;
  # e4 NAPOT everything RWX.
  la t0, data_a
  srli t0, t0, 2
  ori t0, t0, 0x1ff
  csrw pmpaddr0, t0
  la t0, data_b
  srli t0, t0, 2
  csrw pmpaddr1, t0
  la t0, data_c
  srli t0, t0, 2
  csrw pmpaddr2, t0
  la t0, data_c + 4096
  srli t0, t0, 2
  csrw pmpaddr3, t0
  li t0, -1
  csrw pmpaddr4, t0
  li t0, 0x1f08001319
  csrw pmpcfg0, t0
  li TESTNUM, 1
  csrr t1, pmpcfg0
  bne t0, t1, fail
  li TESTNUM, 2
  la a0, data_a
  sd zero, 0(a0)                        # M ignores unlocked entries
  ENTER_MODE(1, s1)
s1:
  li TESTNUM, 3
  la a0, data_a
  ld t0, 0(a0)                          # readable
  EXPECT(7, sd t0, 0(a0))
  bne s9, a0, fail
  li TESTNUM, 4
  la a1, data_b
  sw t0, 0(a1)                          # NA4 RW
  lw t0, 0(a1)
  sd t0, 8(a1)                          # outside the NA4 word: the catch-all entry
  li TESTNUM, 5
  EXPECT(7, sd t0, 0(a1))               # 8 bytes overlap the NA4 word only partly: fails
  li TESTNUM, 6
  la a2, data_c
  EXPECT(5, ld t0, 0(a2))
  EXPECT(7, sw t0, 16(a2))
  li TESTNUM, 7
  EXPECT(1, jr a2)                      # no X in data_c
  la t0, data_c + 4096
  ld t1, 0(t0)                          # just past the TOR range
  TO_M(m1)
m1:
  # MPRV with MPP = S: loads and stores in M use S permissions
  li TESTNUM, 8
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, (1 << 11) | (1 << 17)
  csrs mstatus, t0
  la a0, data_a
  ld t1, 0(a0)
  EXPECT(7, sd t1, 0(a0))
  li t0, 1 << 17
  csrc mstatus, t0
  sd t1, 0(a0)                          # MPRV off: M again
  # Lock e0: now M is checked too, and e0 cannot change
  li TESTNUM, 9
  li t0, 0x80
  csrs pmpcfg0, t0
  la a0, data_a
  ld t1, 0(a0)
  EXPECT(7, sd t1, 0(a0))
  li TESTNUM, 10
  li t0, 0xff
  csrc pmpcfg0, t0                      # ignored for a locked entry
  csrr t1, pmpcfg0
  andi t1, t1, 0xff
  li t0, 0x99
  bne t1, t0, fail
  csrr t0, pmpaddr0
  csrw pmpaddr0, zero                   # ignored
  csrr t1, pmpaddr0
  bne t0, t1, fail
  j pass
RVTEST_END
  .data
  .align 12
data_a: .skip 4096
data_b: .skip 4096
data_c: .skip 4096
  .skip 4096

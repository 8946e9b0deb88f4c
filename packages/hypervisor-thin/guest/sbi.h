/* SBI 2.0 calling convention: a7 = EID, a6 = FID, a0..a5 arguments; a0/a1 = error/value. */
#define EID_DBCN 0x4442434E
#define EID_SRST 0x53525354
#define EID_HSM  0x48534D
#define EID_TIME 0x54494D45

/* Write the bytes [\addr, \end) through DBCN console_write (SBI 2.0 §12.1). */
.macro sbi_puts addr, end
  li a7, EID_DBCN
  li a6, 0
  la a1, \addr
  la a0, \end
  sub a0, a0, a1
  li a2, 0
  ecall
.endm

/* SRST system_reset (SBI 2.0 §10.1): type 0 = shutdown, reason 0 = none, 1 = failure. */
.macro sbi_shutdown reason
  li a7, EID_SRST
  li a6, 0
  li a0, 0
  li a1, \reason
  ecall
.endm

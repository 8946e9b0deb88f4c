/*
 * Tessera cpu-riscv bare-metal test harness (assembly).
 * Exit through HTIF: tohost = 1 on success, (TESTNUM << 1) | 1 on failure, so the exit code
 * names the failing check.
 *
 * Expected traps: EXPECT(cause) arms the M-mode (and S-mode) handler for one trap; the handler
 * checks xcause, keeps xtval in s9 and resumes at the label in s10.
 */
#define TESTNUM s7

#define RVTEST_BEGIN           \
  .section .text.init;         \
  .globl _start;               \
_start:                        \
  la t0, m_trap; csrw mtvec, t0; \
  la sp, stack_top;            \
  li TESTNUM, 0;               \
  li s11, -1;                  \
  li t0, 1 << 13; csrs mstatus, t0; \
  li t0, -1; csrw pmpaddr0, t0; li t0, 0x1f; csrw pmpcfg0, t0; \
  j test_main;                 \
  .align 2;                    \
m_trap:                        \
  csrr t6, mcause;             \
  bne t6, s11, m_trap_fail;    \
  csrr s9, mtval;              \
  csrw mepc, s10;              \
  li s11, -1;                  \
  bgez t6, 8f;                 \
  li t6, 0x80; csrc mstatus, t6; \
8: mret;                       \
m_trap_fail:                   \
  li t5, -2;                   \
  beq s11, t5, m_trap_hook;    \
  j fail;                      \
m_trap_hook:                   \
  jr s8;                       \
  .align 2;                    \
s_trap:                        \
  csrr t6, scause;             \
  bne t6, s11, fail;           \
  csrr s9, stval;              \
  csrw sepc, s10;              \
  li s11, -1;                  \
  bgez t6, 8f;                 \
  li t6, 0x20; csrc sstatus, t6; \
8: sret;                       \
test_main:

#define RVTEST_END             \
pass:                          \
  li a0, 1;                    \
  j htif_write;                \
fail:                          \
  slli a0, TESTNUM, 1;         \
  ori a0, a0, 1;               \
htif_write:                    \
  la t0, tohost;               \
  sd a0, 0(t0);                \
1: j 1b;                       \
  .section .tohost, "aw", @progbits; \
  .align 6; .globl tohost; tohost: .dword 0; \
  .align 6; .globl fromhost; fromhost: .dword 0; \
  .section .bss; .align 4; stack: .skip 4096; stack_top:

/* Interrupts and returns from U/S: the M handler jumps to s8 (in M) when s11 == -2. */
#define TO_M(label) la s8, label; li s11, -2; ecall

/* Arm the handler for one trap of `cause`, resume at local label 9 after `insn`. */
#define EXPECT(cause, insn...) \
  la s10, 9f; li s11, cause; insn; j fail; 9: ; li t6, -1; bne s11, t6, fail

#define TEST_RR(n, inst, exp, a, b) \
  li TESTNUM, n; li x1, a; li x2, b; inst x3, x1, x2; li x4, exp; bne x3, x4, fail
#define TEST_RI(n, inst, exp, a, imm) \
  li TESTNUM, n; li x1, a; inst x3, x1, imm; li x4, exp; bne x3, x4, fail
#define TEST_EQ(n, reg, exp) \
  li TESTNUM, n; li x4, exp; bne reg, x4, fail

/* Drop to mode `mpp` (0 U, 1 S) at label `target`. */
#define ENTER_MODE(mpp, target) \
  li t0, 3 << 11; csrc mstatus, t0; li t0, (mpp) << 11; csrs mstatus, t0; la t0, target; csrw mepc, t0; mret

/* A TLB-bound guest for the G-stage benchmark: ROUNDS passes over 32 MiB of its memory,
   one load and one store per 4 KiB page (8192 pages: far more than a TLB holds), then
   shuts down through SRST. Needs 34 MiB of partition memory at 0x80000000. */
#include "sbi.h"
#define ROUNDS 128
  .option norvc
  .section .text.start, "ax"
  .globl _start
_start:
  li s0, ROUNDS
  li s1, 0x80200000
  li s2, 0x82200000
  li s3, 4096
1:
  mv t0, s1
2:
  ld t2, 0(t0)
  addi t2, t2, 1
  sd t2, 0(t0)
  add t0, t0, s3
  bltu t0, s2, 2b
  addi s0, s0, -1
  bnez s0, 1b
  sbi_shutdown 0
3: j 3b

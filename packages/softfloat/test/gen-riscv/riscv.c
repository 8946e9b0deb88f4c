/*
 * RISC-V reference vectors for @tessera/softfloat: runs bare-metal on QEMU's `virt` machine
 * (rv64gc + Zfh), executes F/D/Zfh instructions with frm set to each rounding mode (RMM
 * included, which the x86 host lacks) and prints result and fflags through the NS16550A UART.
 * Lines: op rm a b c result flags (hex), as the x86 generator's.
 */
#include <stdint.h>

#define UART0 ((volatile uint8_t *)0x10000000)
static void putc_(char c) { *UART0 = (uint8_t)c; }
static void puthex(uint64_t v) {
  char buf[17];
  int n = 0;
  do {
    int d = v & 15;
    buf[n++] = d < 10 ? '0' + d : 'a' + d - 10;
    v >>= 4;
  } while (v);
  while (n) putc_(buf[--n]);
}
static void puts_(const char *s) { while (*s) putc_(*s++); }

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
  uint64_t x = rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  rng = x;
  return x * 0x2545f4914f6cdd1dull;
}

static int rm;
static void setup(void) { __asm__ volatile("fsrm %0\n fsflags zero" ::"r"(rm)); }
static int flags(void) { uint64_t f; __asm__ volatile("frflags %0" : "=r"(f)); return (int)f; }
static void out(const char *op, uint64_t a, uint64_t b, uint64_t c, uint64_t r, int f) {
  puts_(op); putc_(' '); puthex(rm); putc_(' '); puthex(a); putc_(' '); puthex(b); putc_(' ');
  puthex(c); putc_(' '); puthex(r); putc_(' '); puthex(f); putc_('\n');
}

#define BIN(name, insn, mvin, mvout) \
  static uint64_t name(uint64_t a, uint64_t b) { uint64_t r; \
    __asm__ volatile(mvin " ft0, %1\n " mvin " ft1, %2\n " insn " ft0, ft0, ft1\n " mvout " %0, ft0" : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1"); return r; }
#define CMP(name, insn, mvin) \
  static uint64_t name(uint64_t a, uint64_t b) { uint64_t r; \
    __asm__ volatile(mvin " ft0, %1\n " mvin " ft1, %2\n " insn " %0, ft0, ft1" : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1"); return r; }
#define UN(name, insn, mvin, mvout) \
  static uint64_t name(uint64_t a) { uint64_t r; \
    __asm__ volatile(mvin " ft0, %1\n " insn " ft0, ft0\n " mvout " %0, ft0" : "=r"(r) : "r"(a) : "ft0"); return r; }
#define FMA(name, insn, mvin, mvout) \
  static uint64_t name(uint64_t a, uint64_t b, uint64_t c) { uint64_t r; \
    __asm__ volatile(mvin " ft0, %1\n " mvin " ft1, %2\n " mvin " ft2, %3\n " insn " ft0, ft0, ft1, ft2\n " mvout " %0, ft0" \
                     : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2"); return r; }
#define TOI(name, insn, mvin) \
  static uint64_t name(uint64_t a) { uint64_t r; __asm__ volatile(mvin " ft0, %1\n " insn " %0, ft0" : "=r"(r) : "r"(a) : "ft0"); return r; }
#define FROMI(name, insn, mvout) \
  static uint64_t name(uint64_t a) { uint64_t r; __asm__ volatile(insn " ft0, %1\n " mvout " %0, ft0" : "=r"(r) : "r"(a) : "ft0"); return r; }

#define FAMILY(S, sfx, mvin, mvout) \
  BIN(add_##S, "fadd." sfx, mvin, mvout) BIN(sub_##S, "fsub." sfx, mvin, mvout) BIN(mul_##S, "fmul." sfx, mvin, mvout) \
  BIN(div_##S, "fdiv." sfx, mvin, mvout) BIN(min_##S, "fmin." sfx, mvin, mvout) BIN(max_##S, "fmax." sfx, mvin, mvout) \
  UN(sqrt_##S, "fsqrt." sfx, mvin, mvout) FMA(fma_##S, "fmadd." sfx, mvin, mvout) \
  CMP(eq_##S, "feq." sfx, mvin) CMP(lt_##S, "flt." sfx, mvin) CMP(le_##S, "fle." sfx, mvin) \
  TOI(class_##S, "fclass." sfx, mvin) \
  TOI(w_##S, "fcvt.w." sfx, mvin) TOI(wu_##S, "fcvt.wu." sfx, mvin) TOI(l_##S, "fcvt.l." sfx, mvin) TOI(lu_##S, "fcvt.lu." sfx, mvin) \
  FROMI(fw_##S, "fcvt." sfx ".w", mvout) FROMI(fwu_##S, "fcvt." sfx ".wu", mvout) \
  FROMI(fl_##S, "fcvt." sfx ".l", mvout) FROMI(flu_##S, "fcvt." sfx ".lu", mvout)

FAMILY(h, "h", "fmv.h.x", "fmv.x.h")
FAMILY(s, "s", "fmv.w.x", "fmv.x.w")
FAMILY(d, "d", "fmv.d.x", "fmv.x.d")
UN(s_to_d, "fcvt.d.s", "fmv.w.x", "fmv.x.d")
UN(d_to_s, "fcvt.s.d", "fmv.d.x", "fmv.x.w")
UN(s_to_h, "fcvt.h.s", "fmv.w.x", "fmv.x.h")
UN(h_to_s, "fcvt.s.h", "fmv.h.x", "fmv.x.w")
UN(d_to_h, "fcvt.h.d", "fmv.d.x", "fmv.x.h")
UN(h_to_d, "fcvt.d.h", "fmv.h.x", "fmv.x.d")

static uint64_t operand(int ebits, int mbits, int around) {
  uint64_t emax = (1ull << ebits) - 1, bias = emax >> 1, fmask = (1ull << mbits) - 1;
  uint64_t sign = next() & 1, e, frac;
  unsigned se = next() % 20;
  if (around >= 0 && se < 8) {
    long d = (long)(next() % 9) - 4;
    if (se < 3) d = (long)(next() % (2 * (mbits + 6))) - (mbits + 6);
    long v = around + d;
    e = v < 0 ? 0 : v > (long)emax ? emax : (uint64_t)v;
  } else if (se < 10) e = 0;
  else if (se < 11) e = emax;
  else if (se < 12) e = 1;
  else if (se < 13) e = emax - 1;
  else if (se < 15) e = bias + (next() % 7) - 3;
  else if (se < 16) e = bias + mbits + (next() % 12) - 6;
  else if (se < 17) e = emax - 1 - (next() % 3);
  else e = 1 + next() % (emax - 1);
  unsigned sf = next() % 10;
  if (sf == 0) frac = 0;
  else if (sf == 1) frac = fmask;
  else if (sf == 2) frac = 1;
  else if (sf == 3) frac = 1ull << (mbits - 1);
  else if (sf == 4) frac = next() & fmask & ~((1ull << (next() % mbits)) - 1);
  else if (sf == 5) frac = (next() & fmask) | ((1ull << (next() % mbits)) - 1);
  else frac = next() & fmask;
  return (sign << (ebits + mbits)) | (e << mbits) | frac;
}
static int ex(uint64_t b, int mbits, int ebits) { return (int)((b >> mbits) & ((1ull << ebits) - 1)); }

#define E(op, expr, A, B, C) do { setup(); uint64_t _r = (expr); int _f = flags(); out(op, A, B, C, _r, _f); } while (0)
#define M16(x) ((x) & 0xffff)
#define M32(x) ((x) & 0xffffffff)

#define RUN(P, S, EB, MB, MASK) do { \
    uint64_t a = operand(EB, MB, -1), b = operand(EB, MB, ex(a, MB, EB)); \
    int ep = ex(a, MB, EB) + ex(b, MB, EB) - (int)((1u << (EB - 1)) - 1); \
    uint64_t c = operand(EB, MB, ep < 0 ? 0 : ep); \
    E(P "_add", MASK(add_##S(a, b)), a, b, 0); E(P "_sub", MASK(sub_##S(a, b)), a, b, 0); \
    E(P "_mul", MASK(mul_##S(a, b)), a, b, 0); E(P "_div", MASK(div_##S(a, c)), a, c, 0); \
    E(P "_sqrt", MASK(sqrt_##S(a)), a, 0, 0); E(P "_fma", MASK(fma_##S(a, b, c)), a, b, c); \
    E(P "_min", MASK(min_##S(a, b)), a, b, 0); E(P "_max", MASK(max_##S(a, b)), a, b, 0); \
    E(P "_eq", eq_##S(a, b), a, b, 0); E(P "_lt", lt_##S(a, b), a, b, 0); E(P "_le", le_##S(a, b), a, b, 0); \
    E(P "_classify", class_##S(a), a, 0, 0); \
    E(P "_to_i32", M32(w_##S(b)), b, 0, 0); E(P "_to_u32", M32(wu_##S(b)), b, 0, 0); \
    E(P "_to_i64", l_##S(b), b, 0, 0); E(P "_to_u64", lu_##S(b), b, 0, 0); \
    uint64_t v = next() >> (next() % 64); if (next() & 1) v = -v; \
    E("i32_to_" P, MASK(fw_##S(v)), M32(v), 0, 0); E("u32_to_" P, MASK(fwu_##S(v)), M32(v), 0, 0); \
    E("i64_to_" P, MASK(fl_##S(v)), v, 0, 0); E("u64_to_" P, MASK(flu_##S(v)), v, 0, 0); \
  } while (0)

int main(void) {
  const long N = 1200;
  for (long t = 0; t < N; t++) {
    rm = (int)(next() % 5);
    RUN("f16", h, 5, 10, M16);
    RUN("f32", s, 8, 23, M32);
    RUN("f64", d, 11, 52, );
    uint64_t A = operand(11, 52, -1), a = operand(8, 23, -1), h = operand(5, 10, -1);
    E("f32_to_f64", s_to_d(a), a, 0, 0); E("f64_to_f32", M32(d_to_s(A)), A, 0, 0);
    E("f32_to_f16", M16(s_to_h(a)), a, 0, 0); E("f16_to_f32", M32(h_to_s(h)), h, 0, 0);
    E("f64_to_f16", M16(d_to_h(A)), A, 0, 0); E("f16_to_f64", h_to_d(h), h, 0, 0);
  }
  puts_("done\n");
  return 0;
}

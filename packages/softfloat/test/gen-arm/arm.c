/*
 * Arm reference vectors for @tessera/softfloat: runs bare-metal on QEMU's `virt` machine with the
 * `max` CPU (FEAT_FP16 for half-precision arithmetic; FPCR.AH stays 0, so FEAT_AFP and
 * FEAT_RPRES do not change any result), executes each scalar
 * FP instruction under a chosen FPCR (RMode, FZ, DN) and prints the result and FPSR through the
 * PL011 UART. Lines: op cfg a b c result flags (hex), cfg = rm | FZ<<3 | DN<<4 | FZ16<<5 with rm in the
 * RISC-V encoding, flags in the package's layout (NX UF OF DZ NV IDC).
 */
#include <stdint.h>

#define UART0 ((volatile uint32_t *)0x09000000)

static void putc_(char c) { *UART0 = (uint32_t)c; }
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

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next(void) {
  uint64_t x = rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  rng = x;
  return x * 0x2545f4914f6cdd1dull;
}

static int cfg; /* rm | fz<<3 | dn<<4 | fz16<<5 */
static void set_fpcr(int c) {
  static const int rmode[5] = {0, 3, 2, 1, 0}; /* RNE RTZ RDN RUP (RMM unused) -> FPCR.RMode */
  uint64_t v = ((uint64_t)rmode[c & 7] << 22) | ((uint64_t)((c >> 3) & 1) << 24) | ((uint64_t)((c >> 4) & 1) << 25) |
               ((uint64_t)((c >> 5) & 1) << 19);
  __asm__ volatile("msr fpcr, %0\n isb" ::"r"(v));
  __asm__ volatile("msr fpsr, xzr");
}
static int flags(void) {
  uint64_t s;
  __asm__ volatile("mrs %0, fpsr" : "=r"(s));
  int f = 0;
  if (s & 0x10) f |= 1;   /* IXC */
  if (s & 0x08) f |= 2;   /* UFC */
  if (s & 0x04) f |= 4;   /* OFC */
  if (s & 0x02) f |= 8;   /* DZC */
  if (s & 0x01) f |= 16;  /* IOC */
  if (s & 0x80) f |= 32;  /* IDC */
  return f;
}
static void out(const char *op, int c, uint64_t a, uint64_t b, uint64_t cc, uint64_t r, int f) {
  puts_(op); putc_(' '); puthex(c); putc_(' '); puthex(a); putc_(' '); puthex(b); putc_(' ');
  puthex(cc); putc_(' '); puthex(r); putc_(' '); puthex(f); putc_('\n');
}

/* Two-operand instructions on S and D registers. */
#define BIN_S(name, insn) \
  static uint32_t name(uint32_t a, uint32_t b) { uint32_t r; \
    __asm__ volatile("fmov s0, %w1\n fmov s1, %w2\n " insn " s0, s0, s1\n fmov %w0, s0" : "=r"(r) : "r"(a), "r"(b) : "v0", "v1"); return r; }
#define BIN_D(name, insn) \
  static uint64_t name(uint64_t a, uint64_t b) { uint64_t r; \
    __asm__ volatile("fmov d0, %1\n fmov d1, %2\n " insn " d0, d0, d1\n fmov %0, d0" : "=r"(r) : "r"(a), "r"(b) : "v0", "v1"); return r; }
#define UN_S(name, insn) \
  static uint32_t name(uint32_t a) { uint32_t r; \
    __asm__ volatile("fmov s0, %w1\n " insn " s0, s0\n fmov %w0, s0" : "=r"(r) : "r"(a) : "v0"); return r; }
#define UN_D(name, insn) \
  static uint64_t name(uint64_t a) { uint64_t r; \
    __asm__ volatile("fmov d0, %1\n " insn " d0, d0\n fmov %0, d0" : "=r"(r) : "r"(a) : "v0"); return r; }

BIN_S(fadd_s, "fadd") BIN_S(fsub_s, "fsub") BIN_S(fmul_s, "fmul") BIN_S(fdiv_s, "fdiv")
BIN_S(fmin_s, "fmin") BIN_S(fmax_s, "fmax") BIN_S(fminnm_s, "fminnm") BIN_S(fmaxnm_s, "fmaxnm")
BIN_S(frecps_s, "frecps") BIN_S(frsqrts_s, "frsqrts")
BIN_D(fadd_d, "fadd") BIN_D(fsub_d, "fsub") BIN_D(fmul_d, "fmul") BIN_D(fdiv_d, "fdiv")
BIN_D(fmin_d, "fmin") BIN_D(fmax_d, "fmax") BIN_D(fminnm_d, "fminnm") BIN_D(fmaxnm_d, "fmaxnm")
BIN_D(frecps_d, "frecps") BIN_D(frsqrts_d, "frsqrts")
UN_S(fsqrt_s, "fsqrt") UN_S(frecpe_s, "frecpe") UN_S(frsqrte_s, "frsqrte")
UN_S(frintn_s, "frintn") UN_S(frintz_s, "frintz") UN_S(frintm_s, "frintm") UN_S(frintp_s, "frintp")
UN_S(frinta_s, "frinta") UN_S(frintx_s, "frintx") UN_S(frinti_s, "frinti")
UN_D(fsqrt_d, "fsqrt") UN_D(frecpe_d, "frecpe") UN_D(frsqrte_d, "frsqrte")
UN_D(frintn_d, "frintn") UN_D(frintz_d, "frintz") UN_D(frintm_d, "frintm") UN_D(frintp_d, "frintp")
UN_D(frinta_d, "frinta") UN_D(frintx_d, "frintx") UN_D(frinti_d, "frinti")

/* Half precision (FEAT_FP16) */
#define BIN_H(name, insn) \
  static uint32_t name(uint32_t a, uint32_t b) { uint32_t r; \
    __asm__ volatile("fmov h0, %w1\n fmov h1, %w2\n " insn " h0, h0, h1\n fmov %w0, h0" : "=r"(r) : "r"(a), "r"(b) : "v0", "v1"); return r; }
#define UN_H(name, insn) \
  static uint32_t name(uint32_t a) { uint32_t r; \
    __asm__ volatile("fmov h0, %w1\n " insn " h0, h0\n fmov %w0, h0" : "=r"(r) : "r"(a) : "v0"); return r; }
BIN_H(fadd_h, "fadd") BIN_H(fsub_h, "fsub") BIN_H(fmul_h, "fmul") BIN_H(fdiv_h, "fdiv")
BIN_H(fmin_h, "fmin") BIN_H(fmax_h, "fmax") BIN_H(fminnm_h, "fminnm") BIN_H(fmaxnm_h, "fmaxnm")
BIN_H(frecps_h, "frecps") BIN_H(frsqrts_h, "frsqrts")
UN_H(fsqrt_h, "fsqrt") UN_H(frecpe_h, "frecpe") UN_H(frsqrte_h, "frsqrte") UN_H(frintx_h, "frintx") UN_H(frinta_h, "frinta")
static uint32_t fmadd_h(uint32_t n, uint32_t m, uint32_t a) {
  uint32_t r;
  __asm__ volatile("fmov h0, %w1\n fmov h1, %w2\n fmov h2, %w3\n fmadd h0, h0, h1, h2\n fmov %w0, h0"
                   : "=r"(r) : "r"(n), "r"(m), "r"(a) : "v0", "v1", "v2");
  return r;
}
static int fcmp_h(uint32_t a, uint32_t b, int e) {
  uint64_t f;
  if (e) __asm__ volatile("fmov h0, %w1\n fmov h1, %w2\n fcmpe h0, h1\n mrs %0, nzcv" : "=r"(f) : "r"(a), "r"(b) : "v0", "v1", "cc");
  else __asm__ volatile("fmov h0, %w1\n fmov h1, %w2\n fcmp h0, h1\n mrs %0, nzcv" : "=r"(f) : "r"(a), "r"(b) : "v0", "v1", "cc");
  return (int)((f >> 28) == 0x8 ? 0 : (f >> 28) == 0x6 ? 1 : (f >> 28) == 0x2 ? 2 : 3);
}
static uint64_t fcvtzs_hw(uint32_t a) { uint64_t r; __asm__ volatile("fmov h0, %w1\n fcvtzs %w0, h0" : "=r"(r) : "r"(a) : "v0"); return r & 0xffffffff; }
static uint32_t scvtf_hw(uint32_t v) { uint32_t r; __asm__ volatile("scvtf h0, %w1\n fmov %w0, h0" : "=r"(r) : "r"(v) : "v0"); return r; }

static uint32_t fmadd_s(uint32_t n, uint32_t m, uint32_t a) {
  uint32_t r;
  __asm__ volatile("fmov s0, %w1\n fmov s1, %w2\n fmov s2, %w3\n fmadd s0, s0, s1, s2\n fmov %w0, s0"
                   : "=r"(r) : "r"(n), "r"(m), "r"(a) : "v0", "v1", "v2");
  return r;
}
static uint64_t fmadd_d(uint64_t n, uint64_t m, uint64_t a) {
  uint64_t r;
  __asm__ volatile("fmov d0, %1\n fmov d1, %2\n fmov d2, %3\n fmadd d0, d0, d1, d2\n fmov %0, d0"
                   : "=r"(r) : "r"(n), "r"(m), "r"(a) : "v0", "v1", "v2");
  return r;
}
/* 0 lt, 1 eq, 2 gt, 3 unordered, from NZCV after FCMP/FCMPE */
static int nzcv_to_cmp(uint64_t f) {
  f >>= 28;
  if (f == 0x8) return 0;
  if (f == 0x6) return 1;
  if (f == 0x2) return 2;
  return 3;
}
static int fcmp_s(uint32_t a, uint32_t b, int e) {
  uint64_t f;
  if (e) __asm__ volatile("fmov s0, %w1\n fmov s1, %w2\n fcmpe s0, s1\n mrs %0, nzcv" : "=r"(f) : "r"(a), "r"(b) : "v0", "v1", "cc");
  else __asm__ volatile("fmov s0, %w1\n fmov s1, %w2\n fcmp s0, s1\n mrs %0, nzcv" : "=r"(f) : "r"(a), "r"(b) : "v0", "v1", "cc");
  return nzcv_to_cmp(f);
}
static int fcmp_d(uint64_t a, uint64_t b, int e) {
  uint64_t f;
  if (e) __asm__ volatile("fmov d0, %1\n fmov d1, %2\n fcmpe d0, d1\n mrs %0, nzcv" : "=r"(f) : "r"(a), "r"(b) : "v0", "v1", "cc");
  else __asm__ volatile("fmov d0, %1\n fmov d1, %2\n fcmp d0, d1\n mrs %0, nzcv" : "=r"(f) : "r"(a), "r"(b) : "v0", "v1", "cc");
  return nzcv_to_cmp(f);
}
static uint64_t cvt_s_d(uint32_t a) { uint64_t r; __asm__ volatile("fmov s0, %w1\n fcvt d0, s0\n fmov %0, d0" : "=r"(r) : "r"(a) : "v0"); return r; }
static uint32_t cvt_d_s(uint64_t a) { uint32_t r; __asm__ volatile("fmov d0, %1\n fcvt s0, d0\n fmov %w0, s0" : "=r"(r) : "r"(a) : "v0"); return r; }
static uint32_t cvt_s_h(uint32_t a) { uint32_t r; __asm__ volatile("fmov s0, %w1\n fcvt h0, s0\n umov %w0, v0.h[0]" : "=r"(r) : "r"(a) : "v0"); return r; }
static uint32_t cvt_d_h(uint64_t a) { uint32_t r; __asm__ volatile("fmov d0, %1\n fcvt h0, d0\n umov %w0, v0.h[0]" : "=r"(r) : "r"(a) : "v0"); return r; }
static uint32_t cvt_h_s(uint32_t a) { uint32_t r; __asm__ volatile("movi v0.2d, #0\n mov v0.h[0], %w1\n fcvt s0, h0\n fmov %w0, s0" : "=r"(r) : "r"(a) : "v0"); return r; }
static uint64_t cvt_h_d(uint32_t a) { uint64_t r; __asm__ volatile("movi v0.2d, #0\n mov v0.h[0], %w1\n fcvt d0, h0\n fmov %0, d0" : "=r"(r) : "r"(a) : "v0"); return r; }

/* Float to integer with the instruction's own rounding: N=RNE Z=RTZ M=RDN P=RUP A=RMM */
#define TOINT(name, insn, src, dst, sreg, dreg) \
  static uint64_t name(uint64_t a) { uint64_t r = 0; \
    __asm__ volatile("fmov " sreg "0, %" src "1\n " insn " %" dst "0, " sreg "0" : "=r"(r) : "r"(a) : "v0"); return r; }
#define TOINT_ALL(P, sreg, src) \
  TOINT(P##_ns_w, "fcvtns", src, "w", sreg, "w") TOINT(P##_zs_w, "fcvtzs", src, "w", sreg, "w") \
  TOINT(P##_ms_w, "fcvtms", src, "w", sreg, "w") TOINT(P##_ps_w, "fcvtps", src, "w", sreg, "w") \
  TOINT(P##_as_w, "fcvtas", src, "w", sreg, "w") TOINT(P##_nu_w, "fcvtnu", src, "w", sreg, "w") \
  TOINT(P##_zu_w, "fcvtzu", src, "w", sreg, "w") TOINT(P##_mu_w, "fcvtmu", src, "w", sreg, "w") \
  TOINT(P##_pu_w, "fcvtpu", src, "w", sreg, "w") TOINT(P##_au_w, "fcvtau", src, "w", sreg, "w") \
  TOINT(P##_ns_x, "fcvtns", src, "x", sreg, "x") TOINT(P##_zs_x, "fcvtzs", src, "x", sreg, "x") \
  TOINT(P##_ms_x, "fcvtms", src, "x", sreg, "x") TOINT(P##_ps_x, "fcvtps", src, "x", sreg, "x") \
  TOINT(P##_as_x, "fcvtas", src, "x", sreg, "x") TOINT(P##_nu_x, "fcvtnu", src, "x", sreg, "x") \
  TOINT(P##_zu_x, "fcvtzu", src, "x", sreg, "x") TOINT(P##_mu_x, "fcvtmu", src, "x", sreg, "x") \
  TOINT(P##_pu_x, "fcvtpu", src, "x", sreg, "x") TOINT(P##_au_x, "fcvtau", src, "x", sreg, "x")
TOINT_ALL(s, "s", "w")
TOINT_ALL(d, "d", "x")
typedef uint64_t (*toint_fn)(uint64_t);
/* index: rm (RNE RTZ RDN RUP RMM) */
static const toint_fn s_i32[5] = {s_ns_w, s_zs_w, s_ms_w, s_ps_w, s_as_w}, s_u32[5] = {s_nu_w, s_zu_w, s_mu_w, s_pu_w, s_au_w};
static const toint_fn s_i64[5] = {s_ns_x, s_zs_x, s_ms_x, s_ps_x, s_as_x}, s_u64[5] = {s_nu_x, s_zu_x, s_mu_x, s_pu_x, s_au_x};
static const toint_fn d_i32[5] = {d_ns_w, d_zs_w, d_ms_w, d_ps_w, d_as_w}, d_u32[5] = {d_nu_w, d_zu_w, d_mu_w, d_pu_w, d_au_w};
static const toint_fn d_i64[5] = {d_ns_x, d_zs_x, d_ms_x, d_ps_x, d_as_x}, d_u64[5] = {d_nu_x, d_zu_x, d_mu_x, d_pu_x, d_au_x};

static uint32_t scvtf_ws(uint32_t v) { uint32_t r; __asm__ volatile("scvtf s0, %w1\n fmov %w0, s0" : "=r"(r) : "r"(v) : "v0"); return r; }
static uint32_t ucvtf_ws(uint32_t v) { uint32_t r; __asm__ volatile("ucvtf s0, %w1\n fmov %w0, s0" : "=r"(r) : "r"(v) : "v0"); return r; }
static uint32_t scvtf_xs(uint64_t v) { uint32_t r; __asm__ volatile("scvtf s0, %1\n fmov %w0, s0" : "=r"(r) : "r"(v) : "v0"); return r; }
static uint32_t ucvtf_xs(uint64_t v) { uint32_t r; __asm__ volatile("ucvtf s0, %1\n fmov %w0, s0" : "=r"(r) : "r"(v) : "v0"); return r; }
static uint64_t scvtf_xd(uint64_t v) { uint64_t r; __asm__ volatile("scvtf d0, %1\n fmov %0, d0" : "=r"(r) : "r"(v) : "v0"); return r; }
static uint64_t ucvtf_xd(uint64_t v) { uint64_t r; __asm__ volatile("ucvtf d0, %1\n fmov %0, d0" : "=r"(r) : "r"(v) : "v0"); return r; }

/* FCVTXN: binary64 -> binary32 rounding to odd */
static uint32_t fcvtxn(uint64_t a) { uint32_t r; __asm__ volatile("fmov d0, %1\n fcvtxn s0, d0\n fmov %w0, s0" : "=r"(r) : "r"(a) : "v0"); return r; }

/* Fixed-point conversions (#fbits is an immediate: a few representative values) */
#define FIXTO(name, insn, dst, sreg, src, fb) \
  static uint64_t name(uint64_t a) { uint64_t r = 0; \
    __asm__ volatile("fmov " sreg "0, %" src "1\n " insn " %" dst "0, " sreg "0, #" #fb : "=r"(r) : "r"(a) : "v0"); return r; }
FIXTO(szs_w1, "fcvtzs", "w", "s", "w", 1) FIXTO(szs_w16, "fcvtzs", "w", "s", "w", 16) FIXTO(szs_w32, "fcvtzs", "w", "s", "w", 32)
FIXTO(szu_w1, "fcvtzu", "w", "s", "w", 1) FIXTO(szu_w16, "fcvtzu", "w", "s", "w", 16) FIXTO(szu_w32, "fcvtzu", "w", "s", "w", 32)
FIXTO(dzs_x1, "fcvtzs", "x", "d", "x", 1) FIXTO(dzs_x40, "fcvtzs", "x", "d", "x", 40) FIXTO(dzs_x64, "fcvtzs", "x", "d", "x", 64)
FIXTO(dzu_x1, "fcvtzu", "x", "d", "x", 1) FIXTO(dzu_x40, "fcvtzu", "x", "d", "x", 40) FIXTO(dzu_x64, "fcvtzu", "x", "d", "x", 64)
static uint32_t scvtf_ws_fb(uint32_t v, int k) {
  uint32_t r;
  switch (k) {
    case 0: __asm__ volatile("scvtf s0, %w1, #1\n fmov %w0, s0" : "=r"(r) : "r"(v) : "v0"); break;
    case 1: __asm__ volatile("scvtf s0, %w1, #16\n fmov %w0, s0" : "=r"(r) : "r"(v) : "v0"); break;
    default: __asm__ volatile("scvtf s0, %w1, #32\n fmov %w0, s0" : "=r"(r) : "r"(v) : "v0"); break;
  }
  return r;
}
static uint64_t ucvtf_xd_fb(uint64_t v, int k) {
  uint64_t r;
  switch (k) {
    case 0: __asm__ volatile("ucvtf d0, %1, #1\n fmov %0, d0" : "=r"(r) : "r"(v) : "v0"); break;
    case 1: __asm__ volatile("ucvtf d0, %1, #40\n fmov %0, d0" : "=r"(r) : "r"(v) : "v0"); break;
    default: __asm__ volatile("ucvtf d0, %1, #64\n fmov %0, d0" : "=r"(r) : "r"(v) : "v0"); break;
  }
  return r;
}
static const int fb_w[3] = {1, 16, 32}, fb_x[3] = {1, 40, 64};
static const toint_fn fix_si32[3] = {szs_w1, szs_w16, szs_w32}, fix_su32[3] = {szu_w1, szu_w16, szu_w32};
static const toint_fn fix_di64[3] = {dzs_x1, dzs_x40, dzs_x64}, fix_du64[3] = {dzu_x1, dzu_x40, dzu_x64};

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

#define EMIT(opname, expr, A, B, C) do { set_fpcr(cfg); uint64_t _r = (uint64_t)(expr); int _f = flags(); out(opname, cfg, A, B, C, _r, _f); } while (0)

int main(void) {
  const long N = 700;
  for (long t = 0; t < N; t++) {
    for (int k = 0; k < 4; k++) {
      cfg = (int)(next() % 4) | (int)((next() % 3 == 0) << 3) | (int)((next() % 4 == 0) << 4) | (int)((next() % 3 == 0) << 5);
      uint32_t a = (uint32_t)operand(8, 23, -1);
      uint32_t b = (uint32_t)operand(8, 23, ex(a, 23, 8));
      int ep = ex(a, 23, 8) + ex(b, 23, 8) - 127;
      uint32_t c = (uint32_t)operand(8, 23, ep < 0 ? 0 : ep);
      uint64_t A = operand(11, 52, -1);
      uint64_t B = operand(11, 52, ex(A, 52, 11));
      int Ep = ex(A, 52, 11) + ex(B, 52, 11) - 1023;
      uint64_t C = operand(11, 52, Ep < 0 ? 0 : Ep);
      EMIT("f32_add", fadd_s(a, b), a, b, 0); EMIT("f64_add", fadd_d(A, B), A, B, 0);
      EMIT("f32_sub", fsub_s(a, b), a, b, 0); EMIT("f64_sub", fsub_d(A, B), A, B, 0);
      EMIT("f32_mul", fmul_s(a, b), a, b, 0); EMIT("f64_mul", fmul_d(A, B), A, B, 0);
      EMIT("f32_div", fdiv_s(a, c), a, c, 0); EMIT("f64_div", fdiv_d(A, C), A, C, 0);
      EMIT("f32_sqrt", fsqrt_s(a), a, 0, 0); EMIT("f64_sqrt", fsqrt_d(A), A, 0, 0);
      EMIT("f32_fma", fmadd_s(a, b, c), a, b, c); EMIT("f64_fma", fmadd_d(A, B, C), A, B, C);
      EMIT("f32_min", fmin_s(a, b), a, b, 0); EMIT("f64_min", fmin_d(A, B), A, B, 0);
      EMIT("f32_max", fmax_s(a, b), a, b, 0); EMIT("f64_max", fmax_d(A, B), A, B, 0);
      EMIT("f32_minNum", fminnm_s(a, b), a, b, 0); EMIT("f64_minNum", fminnm_d(A, B), A, B, 0);
      EMIT("f32_maxNum", fmaxnm_s(a, b), a, b, 0); EMIT("f64_maxNum", fmaxnm_d(A, B), A, B, 0);
      EMIT("f32_cmp", fcmp_s(a, b, 0), a, b, 0); EMIT("f64_cmp", fcmp_d(A, B, 0), A, B, 0);
      EMIT("f32_cmpe", fcmp_s(a, b, 1), a, b, 0); EMIT("f64_cmpe", fcmp_d(A, B, 1), A, B, 0);
      EMIT("f32_recipEstimate", frecpe_s(a), a, 0, 0); EMIT("f64_recipEstimate", frecpe_d(A), A, 0, 0);
      EMIT("f32_rsqrtEstimate", frsqrte_s(a), a, 0, 0); EMIT("f64_rsqrtEstimate", frsqrte_d(A), A, 0, 0);
      EMIT("f32_recipStep", frecps_s(a, b), a, b, 0); EMIT("f64_recipStep", frecps_d(A, B), A, B, 0);
      EMIT("f32_rsqrtStep", frsqrts_s(a, b), a, b, 0); EMIT("f64_rsqrtStep", frsqrts_d(A, B), A, B, 0);
      EMIT("f32_to_f64", cvt_s_d(a), a, 0, 0); EMIT("f64_to_f32", cvt_d_s(A), A, 0, 0);
      EMIT("f32_to_f16", cvt_s_h(a), a, 0, 0); EMIT("f64_to_f16", cvt_d_h(A), A, 0, 0);
      uint32_t h = (uint32_t)operand(5, 10, -1);
      EMIT("f16_to_f32", cvt_h_s(h), h, 0, 0); EMIT("f16_to_f64", cvt_h_d(h), h, 0, 0);
      /* FRINT<N|Z|M|P|A> use their own rounding (c = 0: not exact); FRINTX/I use FPCR's (c = 1 for X) */
      {
        static uint32_t (*const rs[5])(uint32_t) = {frintn_s, frintz_s, frintm_s, frintp_s, frinta_s};
        static uint64_t (*const rd[5])(uint64_t) = {frintn_d, frintz_d, frintm_d, frintp_d, frinta_d};
        int saved = cfg, rm = (int)(next() % 5);
        cfg = (cfg & ~7) | rm;
        EMIT("f32_rint", rs[rm](b), b, 0, 0); EMIT("f64_rint", rd[rm](B), B, 0, 0);
        rm = (int)(next() % 4);
        cfg = (cfg & ~7) | rm;
        EMIT("f32_rint", frintx_s(b), b, 0, 1); EMIT("f64_rint", frintx_d(B), B, 0, 1);
        EMIT("f32_rint", frinti_s(b), b, 0, 0); EMIT("f64_rint", frinti_d(B), B, 0, 0);
        /* integer conversions with the instruction's rounding */
        rm = (int)(next() % 5);
        cfg = (saved & ~7) | rm;
        EMIT("f32_to_i32", (uint32_t)s_i32[rm](b), b, 0, 0); EMIT("f32_to_u32", (uint32_t)s_u32[rm](b), b, 0, 0);
        EMIT("f32_to_i64", s_i64[rm](b), b, 0, 0); EMIT("f32_to_u64", s_u64[rm](b), b, 0, 0);
        EMIT("f64_to_i32", (uint32_t)d_i32[rm](B), B, 0, 0); EMIT("f64_to_u32", (uint32_t)d_u32[rm](B), B, 0, 0);
        EMIT("f64_to_i64", d_i64[rm](B), B, 0, 0); EMIT("f64_to_u64", d_u64[rm](B), B, 0, 0);
        cfg = saved;
      }
      EMIT("f64_to_f32_roundOdd", fcvtxn(A), A, 0, 0);
      {
        uint32_t ha = (uint32_t)operand(5, 10, -1);
        uint32_t hb = (uint32_t)operand(5, 10, ex(ha, 10, 5));
        int hp = ex(ha, 10, 5) + ex(hb, 10, 5) - 15;
        uint32_t hc = (uint32_t)operand(5, 10, hp < 0 ? 0 : hp);
        EMIT("f16_add", fadd_h(ha, hb), ha, hb, 0); EMIT("f16_sub", fsub_h(ha, hb), ha, hb, 0);
        EMIT("f16_mul", fmul_h(ha, hb), ha, hb, 0); EMIT("f16_div", fdiv_h(ha, hc), ha, hc, 0);
        EMIT("f16_sqrt", fsqrt_h(ha), ha, 0, 0); EMIT("f16_fma", fmadd_h(ha, hb, hc), ha, hb, hc);
        EMIT("f16_min", fmin_h(ha, hb), ha, hb, 0); EMIT("f16_max", fmax_h(ha, hb), ha, hb, 0);
        EMIT("f16_minNum", fminnm_h(ha, hb), ha, hb, 0); EMIT("f16_maxNum", fmaxnm_h(ha, hb), ha, hb, 0);
        EMIT("f16_cmp", fcmp_h(ha, hb, 0), ha, hb, 0); EMIT("f16_cmpe", fcmp_h(ha, hb, 1), ha, hb, 0);
        EMIT("f16_recipEstimate", frecpe_h(ha), ha, 0, 0); EMIT("f16_rsqrtEstimate", frsqrte_h(ha), ha, 0, 0);
        EMIT("f16_recipStep", frecps_h(ha, hb), ha, hb, 0); EMIT("f16_rsqrtStep", frsqrts_h(ha, hb), ha, hb, 0);
        EMIT("f16_rint", frintx_h(hb), hb, 0, 1);
        { int saved = cfg; cfg = (cfg & ~7) | 4; EMIT("f16_rint", frinta_h(hb), hb, 0, 0);
          cfg = (cfg & ~7) | 1; EMIT("f16_to_i32", fcvtzs_hw(hb), hb, 0, 0); cfg = saved; }
        uint32_t iv = (uint32_t)(next() >> (next() % 64));
        EMIT("i32_to_f16", scvtf_hw(iv), iv, 0, 0);
      }
      {
        int k = (int)(next() % 3), saved = cfg;
        cfg = (cfg & ~7) | 1; /* FCVTZ* #fbits round towards zero */
        EMIT("f32_to_i32", (uint32_t)fix_si32[k](b), b, 0, fb_w[k]); EMIT("f32_to_u32", (uint32_t)fix_su32[k](b), b, 0, fb_w[k]);
        EMIT("f64_to_i64", fix_di64[k](B), B, 0, fb_x[k]); EMIT("f64_to_u64", fix_du64[k](B), B, 0, fb_x[k]);
        cfg = saved;
        uint64_t w = next() >> (next() % 64);
        EMIT("i32_to_f32", scvtf_ws_fb((uint32_t)w, k), (uint32_t)w, 0, fb_w[k]);
        EMIT("u64_to_f64", ucvtf_xd_fb(w, k), w, 0, fb_x[k]);
      }
      uint64_t v = next() >> (next() % 64);
      if (next() & 1) v = -v;
      EMIT("i32_to_f32", scvtf_ws((uint32_t)v), (uint32_t)v, 0, 0); EMIT("u32_to_f32", ucvtf_ws((uint32_t)v), (uint32_t)v, 0, 0);
      EMIT("i64_to_f32", scvtf_xs(v), v, 0, 0); EMIT("u64_to_f32", ucvtf_xs(v), v, 0, 0);
      EMIT("i64_to_f64", scvtf_xd(v), v, 0, 0); EMIT("u64_to_f64", ucvtf_xd(v), v, 0, 0);
    }
  }
  puts_("done\n");
  return 0;
}

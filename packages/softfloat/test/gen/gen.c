/*
 * Reference vectors for @tessera/softfloat from the host's IEEE 754 hardware (x86-64 SSE) and libm.
 *
 * x86 SSE detects tininess after rounding (as RISC-V does) and raises UE only for tiny inexact
 * results when underflow is masked, so its flags equal RISC-V fflags for these operations. NaN
 * payloads differ (x86 propagates operands, RISC-V canonicalises): consumers compare NaN-ness.
 * Integer conversions are written with RISC-V's saturating semantics (unprivileged §11.7,
 * Table 11.4) computed here from the range check, since x86 returns the "integer indefinite".
 *
 * Usage: gen <random-per-op-per-mode> [seed]   Output lines: op rm a b c result flags (hex).
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma STDC FENV_ACCESS ON

static const int modes[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
  /* xorshift64* */
  uint64_t x = rng_state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  rng_state = x;
  return x * 0x2545f4914f6cdd1dull;
}

static int flags_now(void) {
  int e = fetestexcept(FE_ALL_EXCEPT);
  int f = 0;
  if (e & FE_INEXACT) f |= 1;
  if (e & FE_UNDERFLOW) f |= 2;
  if (e & FE_OVERFLOW) f |= 4;
  if (e & FE_DIVBYZERO) f |= 8;
  if (e & FE_INVALID) f |= 16;
  return f;
}

static float f32(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }
static uint32_t b32(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }
static double f64(uint64_t b) { double f; memcpy(&f, &b, 8); return f; }
static uint64_t b64(double f) { uint64_t b; memcpy(&b, &f, 8); return b; }

/* An operand biased towards the interesting parts of the format. */
static uint64_t operand(int ebits, int mbits, int around_exp) {
  uint64_t emax = (1ull << ebits) - 1, bias = emax >> 1;
  uint64_t fmask = (1ull << mbits) - 1;
  uint64_t sign = next() & 1, e, frac;
  unsigned se = next() % 20;
  if (around_exp >= 0 && se < 8) {
    long d = (long)(next() % 9) - 4;
    if (se < 3) d = (long)(next() % (2 * (mbits + 6))) - (mbits + 6);
    long v = around_exp + d;
    e = v < 0 ? 0 : v > (long)emax ? emax : (uint64_t)v;
  } else if (se < 10) e = 0;
  else if (se < 11) e = emax;
  else if (se < 12) e = 1;
  else if (se < 13) e = emax - 1;
  else if (se < 15) e = bias + (next() % 7) - 3;
  else if (se < 16) e = (next() % 3) + 1;
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
static int expof(uint64_t b, int mbits, int ebits) { return (int)((b >> mbits) & ((1ull << ebits) - 1)); }

static const uint32_t edge32[] = {
  0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000, 0x80800000,
  0x00800001, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00001, 0xffc12345,
  0x3f800000, 0xbf800000, 0x3f800001, 0x3fffffff, 0x40000000, 0x33800000, 0x34000000, 0x00400000,
  0x4b800000, 0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000, 0x4f800000, 0x3f000000, 0xbf400000,
};
static const uint64_t edge64[] = {
  0x0000000000000000ull, 0x8000000000000000ull, 0x0000000000000001ull, 0x8000000000000001ull,
  0x000fffffffffffffull, 0x800fffffffffffffull, 0x0010000000000000ull, 0x8010000000000000ull,
  0x0010000000000001ull, 0x7fefffffffffffffull, 0xffefffffffffffffull, 0x7ff0000000000000ull,
  0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000001ull, 0xfff8123456789abcull,
  0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3ff0000000000001ull, 0x3fffffffffffffffull,
  0x4000000000000000ull, 0x3ca0000000000000ull, 0x3cb0000000000000ull, 0x0008000000000000ull,
  0x43e0000000000000ull, 0xc3e0000000000000ull, 0x41e0000000000000ull, 0xc1e0000000000000ull,
  0x43f0000000000000ull, 0x41f0000000000000ull, 0x3fe0000000000000ull, 0xbfe8000000000000ull,
};
#define NEDGE 32

static void out(const char *op, int rm, uint64_t a, uint64_t b, uint64_t c, uint64_t r, int fl) {
  printf("%s %d %llx %llx %llx %llx %x\n", op, rm, (unsigned long long)a, (unsigned long long)b,
         (unsigned long long)c, (unsigned long long)r, fl);
}

static volatile float vf;
static volatile double vd;

static void run32(const char *op, int rm, uint32_t a, uint32_t b, uint32_t c) {
  fesetround(modes[rm]);
  feclearexcept(FE_ALL_EXCEPT);
  float x = f32(a), y = f32(b), z = f32(c), r;
  if (!strcmp(op, "f32_add")) r = x + y;
  else if (!strcmp(op, "f32_sub")) r = x - y;
  else if (!strcmp(op, "f32_mul")) r = x * y;
  else if (!strcmp(op, "f32_div")) r = x / y;
  else if (!strcmp(op, "f32_sqrt")) r = sqrtf(x);
  else r = fmaf(x, y, z);
  vf = r;
  int fl = flags_now();
  out(op, rm, a, b, c, b32(r), fl);
}

static void run64(const char *op, int rm, uint64_t a, uint64_t b, uint64_t c) {
  fesetround(modes[rm]);
  feclearexcept(FE_ALL_EXCEPT);
  double x = f64(a), y = f64(b), z = f64(c), r;
  if (!strcmp(op, "f64_add")) r = x + y;
  else if (!strcmp(op, "f64_sub")) r = x - y;
  else if (!strcmp(op, "f64_mul")) r = x * y;
  else if (!strcmp(op, "f64_div")) r = x / y;
  else if (!strcmp(op, "f64_sqrt")) r = sqrt(x);
  else r = fma(x, y, z);
  vd = r;
  int fl = flags_now();
  out(op, rm, a, b, c, b64(r), fl);
}

/* Float (as a double, exact) to integer with RISC-V saturation; width 32/64, signed or not. */
static void to_int(const char *op, int rm, uint64_t abits, double x, int width, int is_signed) {
  fesetround(modes[rm]);
  feclearexcept(FE_ALL_EXCEPT);
  uint64_t r;
  int fl;
  double lo = is_signed ? -ldexp(1, width - 1) : 0, hi = is_signed ? ldexp(1, width - 1) : ldexp(1, width);
  if (isnan(x)) {
    r = is_signed ? (1ull << (width - 1)) - 1 : (width == 64 ? ~0ull : (1ull << width) - 1);
    fl = 16;
  } else {
    double ri = nearbyint(x); /* exact integer rounding in the current mode, no flags */
    if (!(ri >= lo && ri < hi)) {
      int neg = x < 0;
      if (is_signed) r = neg ? (1ull << (width - 1)) : (1ull << (width - 1)) - 1;
      else r = neg ? 0 : (width == 64 ? ~0ull : (1ull << width) - 1);
      fl = 16;
    } else {
      if (ri >= ldexp(1, 63)) r = (uint64_t)(int64_t)(ri - ldexp(1, 63)) + (1ull << 63);
      else r = (uint64_t)(int64_t)ri;
      if (width == 32) r &= 0xffffffffull;
      fl = ri != x ? 1 : 0;
    }
  }
  out(op, rm, abits, 0, 0, r, fl);
}

static void from_int(int rm, uint64_t v) {
  const char *names[8] = {"i32_to_f32", "u32_to_f32", "i64_to_f32", "u64_to_f32",
                          "i32_to_f64", "u32_to_f64", "i64_to_f64", "u64_to_f64"};
  for (int k = 0; k < 8; k++) {
    uint64_t a = (k & 3) < 2 ? (v & 0xffffffffull) : v;
    fesetround(modes[rm]);
    feclearexcept(FE_ALL_EXCEPT);
    uint64_t r;
    if (k < 4) {
      float f;
      switch (k & 3) {
        case 0: f = (float)(int32_t)(uint32_t)a; break;
        case 1: f = (float)(uint32_t)a; break;
        case 2: f = (float)(int64_t)a; break;
        default: f = (float)(uint64_t)a; break;
      }
      vf = f;
      r = b32(f);
    } else {
      double d;
      switch (k & 3) {
        case 0: d = (double)(int32_t)(uint32_t)a; break;
        case 1: d = (double)(uint32_t)a; break;
        case 2: d = (double)(int64_t)a; break;
        default: d = (double)(uint64_t)a; break;
      }
      vd = d;
      r = b64(d);
    }
    out(names[k], rm, a, 0, 0, r, flags_now());
  }
}

static void conversions(int rm, uint32_t a32, uint64_t a64) {
  fesetround(modes[rm]);
  feclearexcept(FE_ALL_EXCEPT);
  double d = (double)f32(a32);
  vd = d;
  out("f32_to_f64", rm, a32, 0, 0, b64(d), flags_now());
  feclearexcept(FE_ALL_EXCEPT);
  float f = (float)f64(a64);
  vf = f;
  out("f64_to_f32", rm, a64, 0, 0, b32(f), flags_now());
#ifdef __FLT16_MAX__
  feclearexcept(FE_ALL_EXCEPT);
  volatile _Float16 h = (_Float16)f32(a32);
  _Float16 hh = h;
  uint16_t hb;
  memcpy(&hb, &hh, 2);
  out("f32_to_f16", rm, a32, 0, 0, hb, flags_now());
  feclearexcept(FE_ALL_EXCEPT);
  h = (_Float16)f64(a64);
  hh = h;
  memcpy(&hb, &hh, 2);
  out("f64_to_f16", rm, a64, 0, 0, hb, flags_now());
  /* and back: f16 -> f32 / f64 are exact */
  uint16_t h16 = (uint16_t)a32;
  memcpy(&hh, &h16, 2);
  feclearexcept(FE_ALL_EXCEPT);
  f = (float)hh;
  vf = f;
  out("f16_to_f32", rm, h16, 0, 0, b32(f), flags_now());
#endif
  static const char *n32[4] = {"f32_to_i32", "f32_to_u32", "f32_to_i64", "f32_to_u64"};
  static const char *n64[4] = {"f64_to_i32", "f64_to_u32", "f64_to_i64", "f64_to_u64"};
  for (int k = 0; k < 4; k++) {
    to_int(n32[k], rm, a32, (double)f32(a32), k < 2 ? 32 : 64, !(k & 1));
    to_int(n64[k], rm, a64, f64(a64), k < 2 ? 32 : 64, !(k & 1));
  }
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000;
  if (argc > 2) rng_state ^= strtoull(argv[2], 0, 0) * 0x9e3779b97f4a7c15ull;
  static const char *ops32[6] = {"f32_add", "f32_sub", "f32_mul", "f32_div", "f32_sqrt", "f32_fma"};
  static const char *ops64[6] = {"f64_add", "f64_sub", "f64_mul", "f64_div", "f64_sqrt", "f64_fma"};
  for (int rm = 0; rm < 4; rm++) {
    /* Every pair (and for fma a slice of triples) of edge values. */
    for (int i = 0; i < NEDGE; i++)
      for (int j = 0; j < NEDGE; j++) {
        for (int o = 0; o < 6; o++) {
          if (o == 4 && j) continue;
          if (o == 5) {
            for (int k = 0; k < NEDGE; k += 5) {
              run32(ops32[o], rm, edge32[i], edge32[j], edge32[k]);
              run64(ops64[o], rm, edge64[i], edge64[j], edge64[k]);
            }
            continue;
          }
          run32(ops32[o], rm, edge32[i], edge32[j], 0);
          run64(ops64[o], rm, edge64[i], edge64[j], 0);
        }
      }
    for (int i = 0; i < NEDGE; i++) conversions(rm, edge32[i], edge64[i]);
    for (long t = 0; t < n; t++) {
      for (int o = 0; o < 6; o++) {
        uint32_t a = (uint32_t)operand(8, 23, -1);
        uint32_t b = (uint32_t)operand(8, 23, o == 3 ? -1 : expof(a, 23, 8));
        int ep = expof(a, 23, 8) + expof(b, 23, 8) - 127;
        uint32_t c = (uint32_t)operand(8, 23, ep < 0 ? 0 : ep);
        if (o == 5 && (next() & 3) == 0) {
          /* addend cancelling the product: exercises massive cancellation */
          float p = f32(a) * f32(b);
          c = b32(-p) ^ (uint32_t)(next() & 3);
        }
        if (o == 3 && (next() & 3) == 0) {
          /* exact quotients */
          float q = (float)(int)(next() % 1000 + 1);
          fesetround(FE_TONEAREST);
          a = b32(f32(b) * q);
        }
        run32(ops32[o], rm, a, b, c);
        uint64_t A = operand(11, 52, -1);
        uint64_t B = operand(11, 52, o == 3 ? -1 : expof(A, 52, 11));
        int Ep = expof(A, 52, 11) + expof(B, 52, 11) - 1023;
        uint64_t C = operand(11, 52, Ep < 0 ? 0 : Ep);
        if (o == 5 && (next() & 3) == 0) {
          fesetround(FE_TONEAREST);
          double p = f64(A) * f64(B);
          C = b64(-p) ^ (next() & 3);
        }
        if (o == 3 && (next() & 3) == 0) {
          double q = (double)(next() % 1000 + 1);
          fesetround(FE_TONEAREST);
          A = b64(f64(B) * q);
        }
        run64(ops64[o], rm, A, B, C);
      }
      conversions(rm, (uint32_t)operand(8, 23, (next() & 1) ? 127 + (int)(next() % 66) : -1),
                  operand(11, 52, (next() & 1) ? 1023 + (int)(next() % 66) : -1));
      uint64_t v = next();
      unsigned sh = next() % 64;
      from_int(rm, (next() & 1) ? v >> sh : v);
    }
  }
  return 0;
}

/* A CPU-bound integer workload for the MIPS benchmark: CRC-32, an insertion sort, a small
 * matrix multiply and a sieve, repeated. Exit code 0 if the checksum is the expected one. */
typedef unsigned long u64;
typedef unsigned int u32;

static u32 crc32(const unsigned char *p, int n) {
  u32 c = 0xffffffffu;
  for (int i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & -(c & 1));
  }
  return ~c;
}

static unsigned char buf[1024];
static int arr[256];
static long ma[16][16], mb[16][16], mc[16][16];
static unsigned char sieve[8192];

volatile u64 result;

int main(void) {
  u64 sum = 0;
  u32 seed = 12345;
  for (int i = 0; i < 1024; i++) { seed = seed * 1103515245u + 12345u; buf[i] = seed >> 16; }
  for (int round = 0; round < ITER; round++) {
    sum += crc32(buf, 1024);
    for (int i = 0; i < 256; i++) { seed = seed * 1103515245u + 12345u; arr[i] = (int)(seed >> 8); }
    for (int i = 1; i < 256; i++) {
      int v = arr[i], j = i - 1;
      while (j >= 0 && arr[j] > v) { arr[j + 1] = arr[j]; j--; }
      arr[j + 1] = v;
    }
    sum += (u64)arr[round & 255];
    for (int i = 0; i < 16; i++) for (int j = 0; j < 16; j++) { ma[i][j] = i * j + round; mb[i][j] = i - j; }
    for (int i = 0; i < 16; i++) for (int j = 0; j < 16; j++) {
      long s = 0;
      for (int k = 0; k < 16; k++) s += ma[i][k] * mb[k][j];
      mc[i][j] = s;
    }
    sum += (u64)mc[round & 15][3];
    for (int i = 0; i < 8192; i++) sieve[i] = 1;
    for (int i = 2; i * i < 8192; i++) if (sieve[i]) for (int j = i * i; j < 8192; j += i) sieve[j] = 0;
    int primes = 0;
    for (int i = 2; i < 8192; i++) primes += sieve[i];
    sum += primes;
    sum = sum * 31 + (sum >> 17);
  }
  result = sum;
  return 0;
}

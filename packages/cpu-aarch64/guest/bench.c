/* CPU-bound integer workload for the MIPS benchmark: a sieve, bitwise CRC-32, an integer
 * matrix product and a pointer-chasing list walk. No floating point (built with
 * -mgeneral-regs-only). Returns a checksum so the work cannot be optimised away. */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;

#ifndef ROUNDS
#define ROUNDS 48
#endif

static u8 sieve[32768];
static u32 mat_a[24][24], mat_b[24][24], mat_c[24][24];
static u32 next_idx[4096];
static u8 data[4096];

static u32 crc32(const u8 *p, u32 n, u32 crc) {
	crc = ~crc;
	for (u32 i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static u32 primes(void) {
	u32 count = 0;
	for (u32 i = 0; i < sizeof sieve; i++) sieve[i] = 1;
	for (u32 i = 2; i < sizeof sieve; i++) {
		if (!sieve[i]) continue;
		count++;
		for (u32 j = i * 2; j < sizeof sieve; j += i) sieve[j] = 0;
	}
	return count;
}

static u64 matmul(u32 seed) {
	for (int i = 0; i < 24; i++)
		for (int j = 0; j < 24; j++) {
			seed = seed * 1103515245u + 12345u;
			mat_a[i][j] = seed >> 16;
			mat_b[j][i] = (seed >> 8) & 0xff;
		}
	u64 sum = 0;
	for (int i = 0; i < 24; i++)
		for (int j = 0; j < 24; j++) {
			u32 s = 0;
			for (int k = 0; k < 24; k++) s += mat_a[i][k] * mat_b[k][j];
			mat_c[i][j] = s;
			sum += s;
		}
	return sum;
}

static u64 chase(u32 seed) {
	for (u32 i = 0; i < 4096; i++) next_idx[i] = (i * 2654435761u + seed) & 4095;
	u32 p = 0;
	u64 acc = 0;
	for (u32 i = 0; i < 200000; i++) {
		p = next_idx[p];
		acc += p ^ i;
	}
	return acc;
}

u64 main(void) {
	u64 check = 0;
	for (u32 i = 0; i < sizeof data; i++) data[i] = (u8)(i * 7 + 3);
	for (int r = 0; r < ROUNDS; r++) {
		check += primes();
		check ^= crc32(data, sizeof data, (u32)r);
		check += matmul((u32)r + 1);
		check += chase((u32)r);
	}
	return check;
}

/*
 * A bare-metal virtio-net driver over virtio-mmio (virtio 1.2 §3.1.1, §4.2.3, §5.1), run by
 * a Tessera RV64 hart in M-mode. Every machine of the test runs this same program: it brings
 * the NIC up, posts receive buffers, broadcasts one frame carrying its MAC, waits until its
 * transmit buffer comes back and a frame from another NIC arrives, checks that frame, prints
 * what it got through HTIF and exits 0. Any failed check exits with its own code.
 *
 * Interrupts are not used: the program polls the used rings, and checks InterruptStatus.
 */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

#define MMIO 0x10001000UL
#define REG(off) (*(volatile u32 *)(MMIO + (off)))
#define CFG8(off) (*(volatile u8 *)(MMIO + 0x100 + (off)))

#define MagicValue 0x000
#define Version 0x004
#define DeviceID 0x008
#define DeviceFeatures 0x010
#define DeviceFeaturesSel 0x014
#define DriverFeatures 0x020
#define DriverFeaturesSel 0x024
#define QueueSel 0x030
#define QueueNumMax 0x034
#define QueueNum 0x038
#define QueueReady 0x044
#define QueueNotify 0x050
#define InterruptStatus 0x060
#define InterruptACK 0x064
#define Status 0x070
#define QueueDescLow 0x080
#define QueueDescHigh 0x084
#define QueueDriverLow 0x090
#define QueueDriverHigh 0x094
#define QueueDeviceLow 0x0a0
#define QueueDeviceHigh 0x0a4

#define ACKNOWLEDGE 1
#define DRIVER 2
#define DRIVER_OK 4
#define FEATURES_OK 8

#define F_MAC 5
#define F_STATUS 16
#define F_VERSION_1 32

#define QSZ 8
#define HDR 12
#define BUF 2048
#define DESC_F_WRITE 2

struct desc { u64 addr; u32 len; u16 flags; u16 next; };
struct avail { u16 flags; u16 idx; u16 ring[QSZ]; u16 used_event; };
struct used_elem { u32 id; u32 len; };
struct used { u16 flags; u16 idx; struct used_elem ring[QSZ]; u16 avail_event; };

struct queue {
  struct desc desc[QSZ] __attribute__((aligned(16)));
  struct avail avail __attribute__((aligned(2)));
  struct used used __attribute__((aligned(4)));
};

static struct queue rxq __attribute__((aligned(4096)));
static struct queue txq __attribute__((aligned(4096)));
static u8 rxbuf[QSZ][BUF] __attribute__((aligned(16)));
static u8 txbuf[BUF] __attribute__((aligned(16)));

extern volatile u64 tohost;
extern volatile u64 fromhost;
void exit(int code) __attribute__((noreturn));

static void fence(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }

static void putc_htif(char c) {
  tohost = (1UL << 56) | (1UL << 48) | (u8)c;
  while (fromhost == 0) {}
  fromhost = 0;
}

static void puts_htif(const char *s) { while (*s) putc_htif(*s++); }

static void puthex8(u8 v) {
  const char *d = "0123456789abcdef";
  putc_htif(d[v >> 4]);
  putc_htif(d[v & 15]);
}

static void setup_queue(u32 index, struct queue *q) {
  REG(QueueSel) = index;
  if (REG(QueueReady) != 0) exit(20);
  if (REG(QueueNumMax) < QSZ) exit(21);
  REG(QueueNum) = QSZ;
  u64 d = (u64)q->desc, a = (u64)&q->avail, u = (u64)&q->used;
  REG(QueueDescLow) = (u32)d;
  REG(QueueDescHigh) = (u32)(d >> 32);
  REG(QueueDriverLow) = (u32)a;
  REG(QueueDriverHigh) = (u32)(a >> 32);
  REG(QueueDeviceLow) = (u32)u;
  REG(QueueDeviceHigh) = (u32)(u >> 32);
  REG(QueueReady) = 1;
}

int main(void) {
  if (REG(MagicValue) != 0x74726976) exit(2);
  if (REG(Version) != 2) exit(3);
  if (REG(DeviceID) != 1) exit(4);

  /* §3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK. */
  REG(Status) = 0;
  REG(Status) = ACKNOWLEDGE;
  REG(Status) = ACKNOWLEDGE | DRIVER;
  REG(DeviceFeaturesSel) = 0;
  u32 lo = REG(DeviceFeatures);
  REG(DeviceFeaturesSel) = 1;
  u32 hi = REG(DeviceFeatures);
  if (!(lo & (1u << F_MAC)) || !(hi & (1u << (F_VERSION_1 - 32)))) exit(5);
  REG(DriverFeaturesSel) = 0;
  REG(DriverFeatures) = (1u << F_MAC) | (1u << F_STATUS);
  REG(DriverFeaturesSel) = 1;
  REG(DriverFeatures) = 1u << (F_VERSION_1 - 32);
  REG(Status) = ACKNOWLEDGE | DRIVER | FEATURES_OK;
  if (!(REG(Status) & FEATURES_OK)) exit(6);

  setup_queue(0, &rxq);
  setup_queue(1, &txq);

  /* Receive buffers: one device-writable descriptor each (§5.1.6.3). */
  for (int i = 0; i < QSZ; i++) {
    rxq.desc[i].addr = (u64)rxbuf[i];
    rxq.desc[i].len = BUF;
    rxq.desc[i].flags = DESC_F_WRITE;
    rxq.avail.ring[i] = i;
  }
  fence();
  rxq.avail.idx = QSZ;
  fence();
  REG(Status) = ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK;
  REG(QueueNotify) = 0;

  u8 mac[6];
  for (int i = 0; i < 6; i++) mac[i] = CFG8(i);
  if (!(CFG8(6) & 1)) exit(7); /* VIRTIO_NET_S_LINK_UP */

  /* One broadcast frame: header (all zero), ff:ff:ff:ff:ff:ff, our MAC, EtherType 0x88b5. */
  for (int i = 0; i < HDR; i++) txbuf[i] = 0;
  u8 *f = txbuf + HDR;
  for (int i = 0; i < 6; i++) f[i] = 0xff;
  for (int i = 0; i < 6; i++) f[6 + i] = mac[i];
  f[12] = 0x88;
  f[13] = 0xb5;
  for (int i = 0; i < 46; i++) f[14 + i] = (u8)(mac[5] + i);
  txq.desc[0].addr = (u64)txbuf;
  txq.desc[0].len = HDR + 60;
  txq.desc[0].flags = 0;
  txq.avail.ring[0] = 0;
  fence();
  txq.avail.idx = 1;
  fence();
  REG(QueueNotify) = 1;

  long spins = 0;
  while (*(volatile u16 *)&txq.used.idx != 1) {
    if (++spins > 1000000) exit(8);
  }
  if (!(REG(InterruptStatus) & 1)) exit(9);
  REG(InterruptACK) = REG(InterruptStatus);

  spins = 0;
  while (*(volatile u16 *)&rxq.used.idx == 0) {
    if (++spins > 50000000) exit(10);
  }
  fence();
  struct used_elem e = rxq.used.ring[0];
  if (e.id >= QSZ) exit(11);
  if (e.len != HDR + 60) exit(12);
  u8 *r = rxbuf[e.id];
  if (r[10] != 1 || r[11] != 0) exit(13); /* num_buffers = 1 */
  u8 *g = r + HDR;
  for (int i = 0; i < 6; i++) if (g[i] != 0xff) exit(14);
  int same = 1;
  for (int i = 0; i < 6; i++) if (g[6 + i] != mac[i]) same = 0;
  if (same) exit(15); /* our own frame must not come back */
  if (g[12] != 0x88 || g[13] != 0xb5) exit(16);
  for (int i = 0; i < 46; i++) if (g[14 + i] != (u8)(g[11] + i)) exit(17);

  puts_htif("virtio-net ");
  for (int i = 0; i < 6; i++) { puthex8(mac[i]); if (i < 5) putc_htif(':'); }
  puts_htif(" got a frame from ");
  for (int i = 0; i < 6; i++) { puthex8(g[6 + i]); if (i < 5) putc_htif(':'); }
  putc_htif('\n');
  exit(0);
}

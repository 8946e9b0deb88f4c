/*
 * A bare-metal virtio-blk driver over virtio-mmio (virtio 1.2 §5.2), run by a Tessera RV64
 * hart in M-mode: it reads sector 0 and prints the text it starts with, writes a pattern to
 * sector 1, reads it back, asks for the device ID, flushes, and reads a sector past the end
 * of the disk (which must fail with VIRTIO_BLK_S_IOERR). Exit 0 when every check holds.
 */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

#define MMIO 0x10001000UL
#define REG(off) (*(volatile u32 *)(MMIO + (off)))
#define CFG32(off) (*(volatile u32 *)(MMIO + 0x100 + (off)))

#define QSZ 4
#define DESC_F_NEXT 1
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
struct req { u32 type; u32 reserved; u64 sector; };

static struct queue q __attribute__((aligned(4096)));
static struct req hdr __attribute__((aligned(16)));
static u8 data[512] __attribute__((aligned(16)));
static volatile u8 status;
static u16 avail_idx;

extern volatile u64 tohost;
extern volatile u64 fromhost;
void exit(int code) __attribute__((noreturn));

static void fence(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }

static void putc_htif(char c) {
  tohost = (1UL << 56) | (1UL << 48) | (u8)c;
  while (fromhost == 0) {}
  fromhost = 0;
}

/* One request: header, data (device-writable for reads), status byte. Returns the status. */
static int request(u32 type, u64 sector, u32 len, int device_writes, u32 *used_len) {
  hdr.type = type;
  hdr.reserved = 0;
  hdr.sector = sector;
  status = 0xff;
  q.desc[0].addr = (u64)&hdr;
  q.desc[0].len = sizeof hdr;
  q.desc[0].flags = DESC_F_NEXT;
  q.desc[0].next = 1;
  int n = 1;
  if (len) {
    q.desc[1].addr = (u64)data;
    q.desc[1].len = len;
    q.desc[1].flags = DESC_F_NEXT | (device_writes ? DESC_F_WRITE : 0);
    q.desc[1].next = 2;
    n = 2;
  }
  q.desc[n].addr = (u64)&status;
  q.desc[n].len = 1;
  q.desc[n].flags = DESC_F_WRITE;
  q.desc[n].next = 0;
  if (!len) q.desc[0].next = 1;
  q.avail.ring[avail_idx % QSZ] = 0;
  fence();
  avail_idx++;
  q.avail.idx = avail_idx;
  fence();
  REG(0x050) = 0;
  long spins = 0;
  while (*(volatile u16 *)&q.used.idx != avail_idx) if (++spins > 1000000) exit(40);
  fence();
  if (used_len) *used_len = q.used.ring[(avail_idx - 1) % QSZ].len;
  REG(0x064) = REG(0x060);
  return status;
}

int main(void) {
  if (REG(0x000) != 0x74726976 || REG(0x004) != 2 || REG(0x008) != 2) exit(2);
  REG(0x070) = 0;
  REG(0x070) = 1;
  REG(0x070) = 3;
  REG(0x014) = 1;
  if (!(REG(0x010) & 1)) exit(3); /* VIRTIO_F_VERSION_1 */
  REG(0x024) = 0;
  REG(0x020) = (1u << 9); /* VIRTIO_BLK_F_FLUSH */
  REG(0x024) = 1;
  REG(0x020) = 1;
  REG(0x070) = 11;
  if (!(REG(0x070) & 8)) exit(4);
  REG(0x030) = 0;
  REG(0x038) = QSZ;
  REG(0x080) = (u32)(u64)q.desc;
  REG(0x084) = 0;
  REG(0x090) = (u32)(u64)&q.avail;
  REG(0x094) = 0;
  REG(0x0a0) = (u32)(u64)&q.used;
  REG(0x0a4) = 0;
  REG(0x044) = 1;
  REG(0x070) = 15;

  u32 capacity = CFG32(0);
  if (capacity == 0) exit(5);
  u32 ulen = 0;
  if (request(0, 0, 512, 1, &ulen) != 0 || ulen != 513) exit(6); /* VIRTIO_BLK_T_IN */
  for (int i = 0; i < 64 && data[i]; i++) putc_htif(data[i]);
  putc_htif('\n');
  for (int i = 0; i < 512; i++) data[i] = (u8)(i * 3 + 1);
  if (request(1, 1, 512, 0, &ulen) != 0 || ulen != 1) exit(7); /* VIRTIO_BLK_T_OUT */
  for (int i = 0; i < 512; i++) data[i] = 0;
  if (request(0, 1, 512, 1, 0) != 0) exit(8);
  for (int i = 0; i < 512; i++) if (data[i] != (u8)(i * 3 + 1)) exit(9);
  if (request(8, 0, 20, 1, &ulen) != 0 || ulen != 21) exit(10); /* VIRTIO_BLK_T_GET_ID */
  for (int i = 0; i < 20 && data[i]; i++) putc_htif(data[i]);
  putc_htif('\n');
  if (request(4, 0, 0, 0, 0) != 0) exit(11); /* VIRTIO_BLK_T_FLUSH */
  if (request(0, capacity, 512, 1, 0) != 1) exit(12); /* past the end: VIRTIO_BLK_S_IOERR */
  exit(0);
}

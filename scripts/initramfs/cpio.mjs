// cpio "newc" (SVR4 without CRC) archive writer, the format the Linux kernel unpacks as an
// initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).
//
// Each entry: a 110-byte ASCII header ("070701" + 13 eight-digit hex fields), the NUL-terminated
// name padded to a 4-byte boundary, then the data padded to a 4-byte boundary. The archive
// ends with an entry named "TRAILER!!!".

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

export class CpioWriter {
  constructor() {
    /** @type {Uint8Array[]} */
    this.chunks = [];
    this.length = 0;
    this.ino = 1;
    /** @type {Set<string>} */
    this.names = new Set();
  }

  /** @param {Uint8Array} b */
  push(b) {
    this.chunks.push(b);
    this.length += b.length;
  }

  pad() {
    const n = (4 - (this.length % 4)) % 4;
    if (n > 0) this.push(new Uint8Array(n));
  }

  /**
   * @param {string} name path inside the archive, without a leading slash
   * @param {number} mode full st_mode (type and permission bits)
   * @param {Uint8Array} data
   * @param {{ rdevmajor?: number, rdevminor?: number, nlink?: number }} [extra]
   */
  entry(name, mode, data, extra = {}) {
    const fields = [
      this.ino++, mode, 0, 0, extra.nlink ?? 1, 0, data.length,
      0, 0, extra.rdevmajor ?? 0, extra.rdevminor ?? 0, Buffer.byteLength(name) + 1, 0,
    ];
    const header = '070701' + fields.map((f) => (f >>> 0).toString(16).padStart(8, '0')).join('');
    this.push(new TextEncoder().encode(header + name + '\0'));
    this.pad();
    if (data.length > 0) this.push(data);
    this.pad();
  }

  /** Create every missing parent directory of `name`. */
  parents(name) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) this.dir(parts.slice(0, i).join('/'));
  }

  dir(name, perm = 0o755) {
    if (this.names.has(name)) return this;
    this.parents(name);
    this.names.add(name);
    this.entry(name, S_IFDIR | perm, new Uint8Array(0), { nlink: 2 });
    return this;
  }

  /** @param {string} name @param {Uint8Array | string} data */
  file(name, data, perm = 0o644) {
    this.parents(name);
    this.names.add(name);
    this.entry(name, S_IFREG | perm, typeof data === 'string' ? new TextEncoder().encode(data) : data);
    return this;
  }

  symlink(name, target) {
    this.parents(name);
    this.names.add(name);
    this.entry(name, S_IFLNK | 0o777, new TextEncoder().encode(target));
    return this;
  }

  charDevice(name, major, minor, perm = 0o600) {
    this.parents(name);
    this.names.add(name);
    this.entry(name, S_IFCHR | perm, new Uint8Array(0), { rdevmajor: major, rdevminor: minor });
    return this;
  }

  /** The finished archive. */
  finish() {
    this.entry('TRAILER!!!', 0, new Uint8Array(0));
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

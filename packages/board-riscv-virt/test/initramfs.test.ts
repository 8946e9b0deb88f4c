/** The initramfs builder (scripts/initramfs): newc archives that cpio(1) and Linux read. */

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations
import { CpioWriter } from '../../../scripts/initramfs/cpio.mjs';
// @ts-expect-error: a plain ES module script without type declarations
import { buildInitramfs, resolveModules } from '../../../scripts/initramfs/build.mjs';

const haveCpio = spawnSync('cpio', ['--version']).status === 0;

describe('initramfs', () => {
  it('writes newc headers, 4-byte padding and the trailer', () => {
    const w = new CpioWriter();
    w.file('a/b.txt', 'hello');
    const bytes: Uint8Array = w.finish();
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text.startsWith('070701')).toBe(true);
    expect(bytes.length % 4).toBe(0);
    expect(text).toContain('a\0');
    expect(text).toContain('a/b.txt\0');
    expect(text).toContain('hello');
    expect(text).toContain('TRAILER!!!\0');
  });

  it.skipIf(!haveCpio)('builds an archive cpio lists, with /init, busybox, /dev/console and modules in dependency order', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-initramfs-'));
    try {
      const bb = path.join(dir, 'busybox');
      fs.writeFileSync(bb, 'not really busybox');
      // A fake /lib/modules/<version> without modules.dep: dependencies come from .modinfo.
      const kdir = path.join(dir, 'modules', '6.0.0', 'kernel', 'drivers');
      fs.mkdirSync(kdir, { recursive: true });
      fs.writeFileSync(path.join(kdir, 'virtio_net.ko'), '\0depends=net_failover,virtio_ring\0');
      fs.writeFileSync(path.join(kdir, 'net_failover.ko'), '\0depends=failover\0');
      fs.writeFileSync(path.join(kdir, 'failover.ko'), '\0depends=\0');
      fs.writeFileSync(path.join(kdir, 'virtio_ring.ko'), '\0depends=\0');
      expect(resolveModules(path.join(dir, 'modules', '6.0.0'), ['virtio-net']).map((f: string) => path.basename(f))).toEqual([
        'failover.ko',
        'net_failover.ko',
        'virtio_ring.ko',
        'virtio_net.ko',
      ]);
      const gz: Uint8Array = buildInitramfs({ busybox: bb, modulesRoot: path.join(dir, 'modules'), modules: ['virtio_net'], commands: ['echo extra'] });
      const cpio = gunzipSync(gz);
      const r = spawnSync('cpio', ['-itv', '--quiet'], { input: cpio, encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^c.* dev\/console$/m);
      expect(r.stdout).toMatch(/ init$/m);
      expect(r.stdout).toMatch(/ bin\/busybox$/m);
      expect(r.stdout).toMatch(/ lib\/modules\/virtio_net\.ko$/m);
      const init = new TextDecoder().decode(cpio).split('#!/bin/busybox sh')[1]!;
      expect(init).toContain('TESSERA-INIT-OK');
      expect(init.indexOf('insmod /lib/modules/failover.ko')).toBeLessThan(init.indexOf('insmod /lib/modules/virtio_net.ko'));
      expect(init).toContain('echo extra');
      expect(init).toContain('poweroff -f');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Initramfs builder: a busybox-static userland, an /init script, optional kernel modules.
//
// Reusable by anything that needs a small Linux userland for a test:
//
//   import { buildInitramfs } from './scripts/initramfs/build.mjs';
//   const gz = buildInitramfs({
//     busybox: '.cache/images/riscv64/busybox',
//     modulesRoot: '.cache/images/riscv64/modules',   // holds <version>/modules.dep and kernel/...
//     modules: ['virtio_mmio', 'virtio_net'],          // loaded with their dependencies, in order
//     commands: ['ip link'],                           // shell lines run after the marker
//   });
//
// The /init it writes mounts proc, sys and devtmpfs, prints the marker, shows /proc/cpuinfo,
// loads the modules, runs the commands and powers off (`poweroff -f`), so a run ends by itself.
//
// Command line: node scripts/initramfs/build.mjs --busybox B -o OUT [--modules-root D]
//                 [--module M]... [--command C]... [--marker TEXT] [--no-poweroff]

import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { CpioWriter } from './cpio.mjs';

export const DEFAULT_MARKER = 'TESSERA-INIT-OK';

/**
 * Resolve `names` to module files, dependencies first. Uses `modules.dep` when depmod has
 * written one; Debian's kernel packages ship without it (depmod runs at install time), so
 * otherwise each module's own `.modinfo` section (`depends=a,b`) is read, as depmod does.
 * @param {string} kdir the /lib/modules/<version> directory
 * @param {string[]} names module names (dashes and underscores are the same, as in modprobe)
 * @returns {string[]} paths relative to kdir, dependencies first
 */
export function resolveModules(kdir, names) {
  /** @type {Map<string, string>} module name -> file relative to kdir */
  const files = new Map();
  /** @type {(file: string) => string[]} */
  let depsOf;
  const depFile = path.join(kdir, 'modules.dep');
  if (fs.existsSync(depFile)) {
    /** @type {Map<string, string[]>} */
    const table = new Map();
    for (const line of fs.readFileSync(depFile, 'utf8').split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const file = line.slice(0, colon).trim();
      table.set(file, line.slice(colon + 1).trim().split(/\s+/).filter(Boolean));
      files.set(moduleName(file), file);
    }
    // modules.dep lists indirect dependencies too, the deepest last.
    depsOf = (file) => [...(table.get(file) ?? [])].reverse();
  } else {
    const walk = (dir) => {
      for (const e of fs.readdirSync(path.join(kdir, dir), { withFileTypes: true })) {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) walk(rel);
        else if (/\.ko(\.(xz|zst|gz))?$/.test(e.name)) files.set(moduleName(e.name), rel);
      }
    };
    if (!fs.existsSync(path.join(kdir, 'kernel'))) throw new Error(`no modules.dep and no kernel/ folder in ${kdir}: is it a /lib/modules/<version> directory?`);
    walk('kernel');
    depsOf = (file) => {
      const text = new TextDecoder('latin1').decode(readModule(path.join(kdir, file)));
      const m = /\0depends=([^\0]*)\0/.exec(text);
      return (m?.[1] ?? '').split(',').filter(Boolean).map((d) => {
        const f = files.get(d.replace(/-/g, '_'));
        if (f === undefined) throw new Error(`module ${file} depends on '${d}', which is not in ${kdir}`);
        return f;
      });
    };
  }
  const builtinFile = path.join(kdir, 'modules.builtin');
  const builtin = fs.existsSync(builtinFile) ? new Set(fs.readFileSync(builtinFile, 'utf8').split('\n').filter(Boolean).map(moduleName)) : new Set();
  /** @type {string[]} */
  const order = [];
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const d of depsOf(file)) visit(d);
    order.push(file);
  };
  for (const n of names) {
    const key = n.replace(/-/g, '_');
    const f = files.get(key);
    if (f === undefined) {
      if (builtin.has(key)) continue; // built into the kernel: nothing to load
      throw new Error(`kernel module '${n}' is not in ${kdir}`);
    }
    visit(f);
  }
  return order;
}

function moduleName(file) {
  return path.basename(file).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/** Module bytes, decompressed (busybox insmod reads plain ELF objects). */
function readModule(file) {
  if (file.endsWith('.xz')) return new Uint8Array(execFileSync('xz', ['-dc', file], { maxBuffer: 1 << 28 }));
  if (file.endsWith('.zst')) return new Uint8Array(execFileSync('zstd', ['-dc', file], { maxBuffer: 1 << 28 }));
  if (file.endsWith('.gz')) return new Uint8Array(execFileSync('gzip', ['-dc', file], { maxBuffer: 1 << 28 }));
  return new Uint8Array(fs.readFileSync(file));
}

/**
 * Build a gzip-compressed newc cpio initramfs.
 * @param {{
 *   busybox: string,
 *   modulesRoot?: string,
 *   modules?: string[],
 *   commands?: string[],
 *   marker?: string,
 *   poweroff?: boolean,
 *   files?: Record<string, Uint8Array | string>,
 * }} o
 * @returns {Uint8Array}
 */
export function buildInitramfs(o) {
  const cpio = new CpioWriter();
  for (const d of ['bin', 'sbin', 'dev', 'proc', 'sys', 'tmp', 'etc', 'root', 'lib/modules']) cpio.dir(d);
  // The kernel opens /dev/console for init's stdio before devtmpfs is mounted.
  cpio.charDevice('dev/console', 5, 1);
  cpio.file('bin/busybox', new Uint8Array(fs.readFileSync(o.busybox)), 0o755);
  cpio.symlink('bin/sh', 'busybox');

  const loads = [];
  if (o.modules !== undefined && o.modules.length > 0) {
    if (o.modulesRoot === undefined) throw new Error('modules were asked for but no modulesRoot was given');
    const versions = fs.readdirSync(o.modulesRoot).filter((v) => fs.existsSync(path.join(o.modulesRoot, v, 'kernel')));
    if (versions.length === 0) throw new Error(`no <version>/kernel folder under ${o.modulesRoot}`);
    const kdir = path.join(o.modulesRoot, versions[0]);
    for (const rel of resolveModules(kdir, o.modules)) {
      const name = path.basename(rel).replace(/\.(xz|zst|gz)$/, '');
      cpio.file(`lib/modules/${name}`, readModule(path.join(kdir, rel)));
      loads.push(`insmod /lib/modules/${name} || echo "insmod ${name} failed"`);
    }
  }
  for (const [name, data] of Object.entries(o.files ?? {})) cpio.file(name.replace(/^\/+/, ''), data, 0o755);

  const marker = o.marker ?? DEFAULT_MARKER;
  const init = [
    '#!/bin/busybox sh',
    '/bin/busybox --install -s /bin',
    'export PATH=/bin:/sbin',
    'mount -t proc proc /proc',
    'mount -t sysfs sysfs /sys',
    'mount -t devtmpfs devtmpfs /dev 2>/dev/null',
    `echo ${marker}`,
    'cat /proc/cpuinfo',
    ...loads,
    ...(o.commands ?? []),
    ...(o.poweroff === false ? ['exec sh'] : ['echo TESSERA-INIT-POWEROFF', 'poweroff -f']),
    '',
  ].join('\n');
  cpio.file('init', init, 0o755);
  return gzipSync(cpio.finish(), { level: 9 });
}

// Command-line use.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  /** @type {{ busybox?: string, out?: string, modulesRoot?: string, modules: string[], commands: string[], marker?: string, poweroff: boolean }} */
  const o = { modules: [], commands: [], poweroff: true };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = () => {
      const x = args[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--busybox') o.busybox = v();
    else if (a === '-o' || a === '--output') o.out = v();
    else if (a === '--modules-root') o.modulesRoot = v();
    else if (a === '--module') o.modules.push(v());
    else if (a === '--command') o.commands.push(v());
    else if (a === '--marker') o.marker = v();
    else if (a === '--no-poweroff') o.poweroff = false;
    else {
      console.error(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (o.busybox === undefined || o.out === undefined) {
    console.error('usage: node scripts/initramfs/build.mjs --busybox BUSYBOX -o OUT [--modules-root DIR] [--module M]... [--command C]... [--marker TEXT] [--no-poweroff]');
    process.exit(2);
  }
  try {
    const gz = buildInitramfs({ ...o, busybox: o.busybox });
    fs.writeFileSync(o.out, gz);
    console.log(`wrote ${o.out} (${gz.length} bytes)`);
  } catch (e) {
    console.error(`initramfs: ${e.message}`);
    process.exit(1);
  }
}

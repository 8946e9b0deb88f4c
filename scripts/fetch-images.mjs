#!/usr/bin/env node
// pnpm fetch-images: Debian's firmware, kernels and busybox for the reference machines.
//
// Downloads with `apt-get download` using a private apt state, cache and sources list under
// .cache/images/apt (so the host's own apt configuration and architectures are untouched),
// extracts with `dpkg-deb -x` and writes stable paths:
//   .cache/images/riscv64/{fw_jump.elf, fw_dynamic.elf, fw_jump.bin, fw_dynamic.bin, u-boot.bin,
//                          Image, initramfs.cpio.gz, busybox, modules/<version>/...}
//   .cache/images/arm64/{u-boot.bin, Image, initramfs.cpio.gz, busybox, modules/<version>/...}
// The archive address is read from the host's apt sources at run time.
//
// Idempotent: when every output exists it only lists them. Options: --riscv64-only,
// --force (update the package lists, download and build everything again), --quiet.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildInitramfs } from './initramfs/build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.join(root, '.cache', 'images');
const aptDir = path.join(cache, 'apt');
const debDir = path.join(cache, 'debs');
const args = new Set(process.argv.slice(2));
const force = args.has('--force');
const quiet = args.has('--quiet');

/** Modules the test initramfs loads (virtio over MMIO; built into some kernels, modules in Debian's). */
export const DEFAULT_MODULES = ['virtio_mmio'];

class FetchError extends Error {}

function log(msg) {
  if (!quiet) console.log(msg);
}

function fail(msg) {
  throw new FetchError(msg);
}

/** The main Debian archive URI from the host's apt sources (deb822 or one-line format). */
function archiveUri() {
  const candidates = [];
  const files = [];
  for (const d of ['/etc/apt/sources.list.d']) {
    if (fs.existsSync(d)) for (const f of fs.readdirSync(d).sort()) files.push(path.join(d, f));
  }
  if (fs.existsSync('/etc/apt/sources.list')) files.push('/etc/apt/sources.list');
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    if (f.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const uris = /^URIs:\s*(.+)$/im.exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
        const suites = /^Suites:\s*(.+)$/im.exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
        if (/^Enabled:\s*no/im.test(stanza)) continue;
        for (const u of uris) candidates.push({ uri: u, suites });
      }
    } else if (f.endsWith('.list')) {
      for (const line of text.split('\n')) {
        const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (m) candidates.push({ uri: m[1], suites: [m[2]] });
      }
    }
  }
  // The main archive: not the security archive, carrying a plain release suite.
  const main = candidates.find((c) => !/security/.test(c.uri) && c.suites.some((s) => !s.includes('-')) && /debian/.test(c.uri));
  if (main === undefined) fail('could not find a Debian archive in /etc/apt/sources.list(.d): this script copies the archive address from the host\'s apt sources');
  return main.uri.replace(/\/+$/, '');
}

function keyring() {
  for (const k of ['/usr/share/keyrings/debian-archive-keyring.gpg']) if (fs.existsSync(k)) return k;
  fail('the debian-archive-keyring package is needed to check the archive signatures (apt-get install debian-archive-keyring)');
}

function aptOptions() {
  return [
    '-o', `Dir::State=${path.join(aptDir, 'state')}`,
    '-o', `Dir::State::status=${path.join(aptDir, 'state', 'status')}`,
    '-o', `Dir::Cache=${path.join(aptDir, 'cache')}`,
    '-o', `Dir::Etc::sourcelist=${path.join(aptDir, 'sources.list')}`,
    '-o', 'Dir::Etc::sourceparts=-',
    '-o', `Dir::Etc::preferences=${path.join(aptDir, 'preferences')}`,
    '-o', 'Dir::Etc::preferencesparts=-',
    '-o', 'APT::Architecture=riscv64',
    '-o', 'APT::Architectures=riscv64,arm64',
    '-o', 'Acquire::Languages=none',
    '-o', 'Debug::NoLocking=1',
    '-q',
  ];
}

function apt(cmd, rest, opts = {}) {
  try {
    return execFileSync(cmd, [...aptOptions(), ...rest], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26, ...opts });
  } catch (e) {
    const err = /** @type {{ stderr?: string, message: string }} */ (e);
    fail(`${cmd} ${rest.join(' ')} failed:\n${(err.stderr ?? err.message).trim()}`);
  }
}

function setupApt() {
  for (const d of ['state/lists/partial', 'cache/archives/partial']) fs.mkdirSync(path.join(aptDir, d), { recursive: true });
  fs.writeFileSync(path.join(aptDir, 'state', 'status'), '');
  fs.writeFileSync(path.join(aptDir, 'preferences'), '');
  const uri = archiveUri();
  const kr = keyring();
  fs.writeFileSync(
    path.join(aptDir, 'sources.list'),
    [`deb [arch=riscv64,arm64 signed-by=${kr}] ${uri} trixie main`, `deb [arch=riscv64,arm64 signed-by=${kr}] ${uri} bookworm main`, ''].join('\n'),
  );
  const lists = path.join(aptDir, 'state', 'lists');
  const fresh = fs.readdirSync(lists).some((f) => f.includes('_Packages')) && Date.now() - fs.statSync(lists).mtimeMs < 24 * 3600e3;
  if (!fresh || force) {
    log('apt: updating the private package lists (trixie, bookworm; riscv64, arm64)');
    apt('apt-get', ['update']);
  }
}

/** Newest version of `pkg` (with :arch) available in `suite`. */
function candidate(pkg, suite) {
  const out = apt('apt-cache', ['madison', pkg]);
  for (const line of out.split('\n')) {
    const parts = line.split('|').map((s) => s.trim());
    if (parts.length >= 3 && parts[2].includes(` ${suite}/`)) return parts[1];
  }
  fail(`package ${pkg} was not found in Debian ${suite}`);
}

/** Name of the versioned kernel package the `linux-image-<flavour>` metapackage depends on. */
function kernelPackage(meta, suite) {
  const ver = candidate(meta, suite);
  const out = apt('apt-cache', ['show', `${meta}=${ver}`]);
  const dep = /^Depends:\s*(.+)$/m.exec(out)?.[1] ?? '';
  const m = /(linux-image-[0-9][^\s,(]*)/.exec(dep);
  if (m === null) fail(`cannot tell which kernel ${meta} (${suite}) depends on`);
  return m[1];
}

/** Download (once) and extract a package; returns the extraction directory. */
function fetchDeb(pkg, arch, suite) {
  const ver = candidate(`${pkg}:${arch}`, suite);
  const tag = `${pkg}_${ver.replace(/:/g, '%3a')}_${arch}`;
  const dest = path.join(debDir, tag);
  if (fs.existsSync(path.join(dest, '.done')) && !force) return dest;
  fs.mkdirSync(debDir, { recursive: true });
  log(`apt: downloading ${pkg}:${arch} ${ver} (${suite})`);
  apt('apt-get', ['download', `${pkg}:${arch}=${ver}`], { cwd: debDir });
  const deb = fs.readdirSync(debDir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb') && (f.includes(`_${arch}.deb`) || f.includes('_all.deb')));
  if (deb === undefined) fail(`apt-get download ${pkg}:${arch} produced no .deb in ${debDir}`);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  execFileSync('dpkg-deb', ['-x', path.join(debDir, deb), dest]);
  fs.rmSync(path.join(debDir, deb));
  fs.writeFileSync(path.join(dest, '.done'), ver);
  return dest;
}

function copy(from, to, what) {
  if (!fs.existsSync(from)) fail(`${what}: expected ${from} in the Debian package, it is not there (did the package layout change?)`);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  log(`  ${path.relative(root, to)}  (${fs.statSync(to).size} bytes)`);
}

function findFile(dir, re) {
  if (!fs.existsSync(dir)) return undefined;
  return fs.readdirSync(dir).find((f) => re.test(f));
}

/** A kernel package's Image (decompressed if gzip'd, as Debian's arm64 vmlinuz is). */
function installKernel(extract, outDir, arch) {
  // Already installed from this very package: nothing to copy again.
  const stamp = path.join(outDir, '.kernel');
  const version = fs.readFileSync(path.join(extract, '.done'), 'utf8');
  if (!force && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === `${extract}\n${version}` && fs.existsSync(path.join(outDir, 'Image'))) {
    log(`  ${path.relative(root, path.join(outDir, 'Image'))}  (up to date)`);
    return;
  }
  const boot = path.join(extract, 'boot');
  const f = findFile(boot, /^vmlinu[xz]-/);
  if (f === undefined) fail(`no /boot/vmlinu[xz]-* in the ${arch} kernel package`);
  let bytes = fs.readFileSync(path.join(boot, f));
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'Image'), bytes);
  log(`  ${path.relative(root, path.join(outDir, 'Image'))}  (${bytes.length} bytes, from ${f})`);
  // Modules: kept (compressed) so initramfs builds can pick any of them.
  const mods = path.join(extract, 'lib', 'modules');
  const modsUsr = path.join(extract, 'usr', 'lib', 'modules');
  const src = fs.existsSync(mods) ? mods : modsUsr;
  const dst = path.join(outDir, 'modules');
  fs.rmSync(dst, { recursive: true, force: true });
  if (fs.existsSync(src)) fs.cpSync(src, dst, { recursive: true });
  fs.writeFileSync(stamp, `${extract}\n${version}`);
}

function installBusybox(extract, outDir) {
  const candidates = [path.join(extract, 'bin', 'busybox'), path.join(extract, 'usr', 'bin', 'busybox')];
  const bb = candidates.find((c) => fs.existsSync(c));
  if (bb === undefined) fail('busybox-static has no bin/busybox');
  copy(bb, path.join(outDir, 'busybox'), 'busybox');
}

function initramfs(outDir) {
  const gz = buildInitramfs({ busybox: path.join(outDir, 'busybox'), modulesRoot: path.join(outDir, 'modules'), modules: DEFAULT_MODULES });
  fs.writeFileSync(path.join(outDir, 'initramfs.cpio.gz'), gz);
  log(`  ${path.relative(root, path.join(outDir, 'initramfs.cpio.gz'))}  (${gz.length} bytes)`);
}

function main() {
  for (const tool of ['apt-get', 'apt-cache', 'dpkg-deb', 'xz']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      fail(`'${tool}' is needed (a Debian or Ubuntu host has it: apt-get install apt dpkg xz-utils)`);
    }
  }
  fs.mkdirSync(cache, { recursive: true });
  const outputs = [
    ...['fw_jump.elf', 'fw_dynamic.elf', 'fw_jump.bin', 'fw_dynamic.bin', 'u-boot.bin', 'Image', 'busybox', 'initramfs.cpio.gz'].map((f) => path.join(cache, 'riscv64', f)),
    ...(args.has('--riscv64-only') ? [] : ['u-boot.bin', 'Image', 'busybox', 'initramfs.cpio.gz'].map((f) => path.join(cache, 'arm64', f))),
  ];
  if (!force && outputs.every((f) => fs.existsSync(f))) {
    log(`images are up to date in ${path.relative(process.cwd(), cache) || '.'} (--force fetches and builds them again)`);
    for (const f of outputs) log(`  ${path.relative(root, f)}  (${fs.statSync(f).size} bytes)`);
    return;
  }
  setupApt();

  const rv = path.join(cache, 'riscv64');
  log('riscv64 (Debian 13 trixie):');
  const opensbi = fetchDeb('opensbi', 'riscv64', 'trixie');
  const sbiDir = path.join(opensbi, 'usr', 'lib', 'riscv64-linux-gnu', 'opensbi', 'generic');
  for (const f of ['fw_jump.elf', 'fw_dynamic.elf', 'fw_jump.bin', 'fw_dynamic.bin']) copy(path.join(sbiDir, f), path.join(rv, f), 'opensbi');
  const uboot = fetchDeb('u-boot-qemu', 'riscv64', 'trixie');
  copy(path.join(uboot, 'usr', 'lib', 'u-boot', 'qemu-riscv64_smode', 'u-boot.bin'), path.join(rv, 'u-boot.bin'), 'u-boot-qemu');
  installKernel(fetchDeb(kernelPackage('linux-image-riscv64:riscv64', 'trixie'), 'riscv64', 'trixie'), rv, 'riscv64');
  installBusybox(fetchDeb('busybox-static', 'riscv64', 'trixie'), rv);
  initramfs(rv);

  if (!args.has('--riscv64-only')) {
    const a = path.join(cache, 'arm64');
    log('arm64 (Debian 12 bookworm kernel and busybox; U-Boot from Debian 13):');
    copy(path.join(uboot, 'usr', 'lib', 'u-boot', 'qemu_arm64', 'u-boot.bin'), path.join(a, 'u-boot.bin'), 'u-boot-qemu');
    installKernel(fetchDeb(kernelPackage('linux-image-arm64:arm64', 'bookworm'), 'arm64', 'bookworm'), a, 'arm64');
    installBusybox(fetchDeb('busybox-static', 'arm64', 'bookworm'), a);
    initramfs(a);
  }
  log(`images are in ${path.relative(process.cwd(), cache) || '.'}`);
}

try {
  main();
} catch (e) {
  if (e instanceof FetchError) {
    console.error(`fetch-images: ${e.message}`);
    process.exit(1);
  }
  console.error(`fetch-images: ${/** @type {Error} */ (e).message}`);
  process.exit(1);
}

/**
 * Set-up shared by the Linux end-to-end tests: Debian's riscv64 images from
 * `pnpm fetch-images`, the project's busybox initramfs, and a run loop in slices of virtual
 * time that keeps a progress log (TESSERA_E2E_LOG=FILE) while a boot takes minutes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Simulation, StopInfo } from '@tessera/core';
import { repoRoot } from './harness.js';

const images = path.join(repoRoot, '.cache', 'images', 'riscv64');

/** An image's path; undefined (the test skips) when it is missing, except under CI where that fails. */
export function need(name: string): string | undefined {
  const p = path.join(images, name);
  if (fs.existsSync(p)) return p;
  if (process.env.CI) throw new Error(`${p} is missing: run 'pnpm fetch-images' before the end-to-end tests`);
  return undefined;
}

export interface InitramfsOptions {
  busybox: string;
  modulesRoot?: string;
  modules: string[];
  commands: string[];
  poweroff?: boolean;
}

/** Write the project's busybox initramfs (scripts/initramfs) to `file`; returns `file`. */
export async function writeInitramfs(file: string, options: InitramfsOptions): Promise<string> {
  const { buildInitramfs } = (await import(path.join(repoRoot, 'scripts', 'initramfs', 'build.mjs'))) as {
    buildInitramfs(o: InitramfsOptions): Uint8Array;
  };
  fs.writeFileSync(file, buildInitramfs(options));
  return file;
}

/**
 * Run in slices of 20 ms of virtual time until the simulation stops, `done()` holds or
 * `wallMs` of wall time have passed. With TESSERA_E2E_LOG set, `log(wallSeconds)` is
 * written to that file after every slice.
 */
export function runSlices(
  sim: Simulation,
  wallMs: number,
  log: (wallSeconds: number) => string,
  done: () => boolean = () => false,
): { stop: StopInfo | undefined; wall: number } {
  const logFile = process.env.TESSERA_E2E_LOG;
  const start = Date.now();
  let stop: StopInfo | undefined;
  while (stop === undefined && !done() && Date.now() - start < wallMs) {
    stop = sim.run(sim.scheduler.now() + 20_000_000);
    if (logFile !== undefined) fs.writeFileSync(logFile, log((Date.now() - start) / 1000));
  }
  return { stop, wall: (Date.now() - start) / 1000 };
}

/** Virtual time so far, for progress lines. */
export function virtualSeconds(sim: Simulation): string {
  return (sim.scheduler.now() / 1e9).toFixed(3);
}

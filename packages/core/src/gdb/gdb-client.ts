/**
 * Driving Debian's `gdb-multiarch` in batch mode against a `tessera run --gdb` (for the CPU
 * plugins' tests, which check the server with the real client).
 */

import { spawn, spawnSync } from 'node:child_process';
import type { CliIo } from '../cli/index.js';

/** True if `gdb-multiarch` runs on this machine. */
export function haveGdbMultiarch(): boolean {
  return spawnSync('gdb-multiarch', ['--version']).status === 0;
}

/**
 * Run `gdb-multiarch -nx -batch` with `commands` (each an `-ex`) after connecting to
 * `127.0.0.1:port`; resolves with everything it printed (stdout and stderr interleaved).
 */
export function gdbBatch(port: number, commands: readonly string[], opts: { file?: string; architecture?: string; timeoutS?: number } = {}): Promise<string> {
  const args = ['-nx', '-batch', '-ex', 'set pagination off', '-ex', 'set confirm off'];
  if (opts.architecture !== undefined) args.push('-ex', `set architecture ${opts.architecture}`);
  if (opts.file !== undefined) args.push('-ex', `file ${opts.file}`);
  args.push('-ex', `target remote 127.0.0.1:${port}`);
  for (const c of commands) args.push('-ex', c);
  return new Promise<string>((resolve) => {
    const p = spawn('timeout', [String(opts.timeoutS ?? 60), 'gdb-multiarch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    p.stdout.on('data', (d: Buffer) => (text += d.toString()));
    p.stderr.on('data', (d: Buffer) => (text += d.toString()));
    p.on('close', () => resolve(text));
  });
}

/**
 * Start `tessera run <argv> --gdb 0` in this process and wait for its gdb port. `exit`
 * resolves with the run's exit code; `err` gives what it wrote to stderr so far.
 */
export async function runWithGdb(argv: readonly string[], cwd: string): Promise<{ port: number; exit: Promise<number>; err(): string; out(): string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd };
  // Imported when used: the CLI imports most of core, which re-exports this module.
  const { main } = await import('../cli/index.js');
  const exit = main(['run', ...argv, '--gdb', '0'], io);
  let done = false;
  void exit.then(() => (done = true));
  for (let i = 0; i < 3000 && !done; i++) {
    const hit = /(?:waiting for gdb|gdb server) on 127\.0\.0\.1:(\d+)/.exec(err);
    if (hit !== null) return { port: Number(hit[1]), exit, err: () => err, out: () => out };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`tessera run did not start its gdb server: ${err}`);
}

/** Set-up shared by the CLI tests: fixture paths, a scratch folder, `main` run in-process. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { main, type CliIo } from '../src/cli/index.js';

/** This test folder, also the working directory the CLI runs in. */
export const here = path.dirname(fileURLToPath(import.meta.url));
export const machines = path.join(here, 'fixtures', 'machines');
export const plugin = path.join(here, 'fixtures', 'test-plugin.mjs');

/** A fresh temporary folder, removed when the calling test file is done. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `tessera ...argv` in this process, with its exit code and what it printed. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: here };
  const code = await main(argv, io);
  return { code, out, err };
}

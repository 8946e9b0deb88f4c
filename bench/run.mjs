#!/usr/bin/env node
/**
 * Runs every benchmark and prints one table.
 *
 *   node bench/run.mjs [FILTER...] [--json FILE] [--timeout SECONDS]
 *
 * Benchmarks are `packages/<pkg>/bench/<name>.bench.mjs` and `bench/<name>.bench.mjs`: ES
 * modules whose default export is an async function returning rows (see bench/README.md).
 * Each runs in its own `node` process, so a crash or a hang in one does not stop the rest.
 * FILTER keeps the files whose path contains any of the given words. The exit code is 1 if
 * any benchmark failed.
 */

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MARK = '@@tessera-bench-rows@@';
// TESSERA_BENCH_ROOT points the runner at another tree (its own tests use it).
const root = process.env.TESSERA_BENCH_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[2] === '--child') {
  try {
    await child(process.argv[3]);
  } catch (e) {
    // The stack for the reader, then one line the table's note is taken from.
    process.stderr.write(`${e?.stack ?? e}\n${e?.message ?? e}\n`);
    process.exit(1);
  }
} else {
  await main(process.argv.slice(2));
}

/** In the child process: run one bench file and print its rows after a marker line. */
async function child(file) {
  const mod = await import(pathToFileURL(file).href);
  if (typeof mod.default !== 'function') throw new Error(`${file} has no default export function`);
  const rows = await mod.default();
  process.stdout.write(`\n${MARK}${JSON.stringify(rows)}\n`);
}

function findBenchFiles() {
  const files = [];
  const pkgs = path.join(root, 'packages');
  for (const pkg of fs.existsSync(pkgs) ? fs.readdirSync(pkgs).sort() : []) {
    const dir = path.join(pkgs, pkg, 'bench');
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.bench.mjs')) files.push(path.join(dir, f));
  }
  const top = path.join(root, 'bench');
  for (const f of fs.existsSync(top) ? fs.readdirSync(top).sort() : []) if (f.endsWith('.bench.mjs')) files.push(path.join(top, f));
  return files;
}

function parseArgs(argv) {
  const opts = { filters: [], json: undefined, timeout: 600 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = argv[++i];
    else if (a === '--timeout') opts.timeout = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: pnpm bench [FILTER...] [--json FILE] [--timeout SECONDS]');
      process.exit(0);
    } else opts.filters.push(a);
  }
  if (!(opts.timeout > 0)) {
    console.error('--timeout needs a positive number of seconds');
    process.exit(2);
  }
  return opts;
}

/** Run one file in a child process; resolves to { rows } or { error }. */
function runFile(file, timeoutS) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      err += `\ntimed out after ${timeoutS} s`;
    }, timeoutS * 1000);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const at = out.lastIndexOf(MARK);
      const lastErr = err.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
      if (code !== 0 || at < 0) {
        resolve({ error: `${signal ?? `exit ${code}`}${lastErr ? ': ' + lastErr : ''}`, stderr: err });
        return;
      }
      try {
        const rows = JSON.parse(out.slice(at + MARK.length));
        resolve({ rows: validate(rows) });
      } catch (e) {
        resolve({ error: `bad rows: ${e.message}`, stderr: err });
      }
    });
  });
}

/** The row contract (bench/README.md). */
function validate(rows) {
  if (!Array.isArray(rows)) throw new Error('the default export must resolve to an array of rows');
  return rows.map((r, i) => {
    if (typeof r !== 'object' || r === null) throw new Error(`row ${i} is not an object`);
    for (const k of ['bench', 'metric', 'unit']) if (typeof r[k] !== 'string') throw new Error(`row ${i}: '${k}' must be a string`);
    if (typeof r.value !== 'number') throw new Error(`row ${i}: 'value' must be a number`);
    for (const k of ['reference', 'ratio']) if (r[k] !== undefined && typeof r[k] !== 'number') throw new Error(`row ${i}: '${k}' must be a number`);
    const ratio = r.ratio ?? (r.reference !== undefined && r.reference !== 0 ? r.value / r.reference : undefined);
    return { ...r, ratio };
  });
}

/** 234567890 -> "234.6 M" (three significant digits, SI prefix). */
export function formatValue(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const [div, pre] = a >= 1e9 ? [1e9, ' G'] : a >= 1e6 ? [1e6, ' M'] : a >= 1e4 ? [1e3, ' k'] : [1, ''];
  const x = v / div;
  const s = Math.abs(x) >= 100 || Number.isInteger(x) ? x.toFixed(Math.abs(x) >= 100 ? 1 : 0) : x.toPrecision(4);
  return s + pre;
}

function table(rows) {
  const head = ['bench', 'metric', 'value', 'reference', 'ratio', 'note'];
  const cells = rows.map((r) => [
    r.bench,
    r.metric,
    r.value === undefined ? '-' : `${formatValue(r.value)} ${r.unit}`,
    r.reference === undefined ? '' : `${formatValue(r.reference)} ${r.unit}`,
    r.ratio === undefined ? '' : r.ratio.toFixed(r.ratio >= 10 ? 1 : 3),
    r.note ?? '',
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => (i === 2 || i === 3 || i === 4 ? x.padStart(w[i]) : x.padEnd(w[i]))).join(' | ').trimEnd();
  return [line(head), w.map((n) => '-'.repeat(n)).join('-|-'), ...cells.map(line)].join('\n');
}

async function main(argv) {
  const opts = parseArgs(argv);
  let files = findBenchFiles();
  if (opts.filters.length > 0) files = files.filter((f) => opts.filters.some((w) => path.relative(root, f).includes(w)));
  if (files.length === 0) {
    console.error(opts.filters.length > 0 ? `no benchmark matches ${opts.filters.join(', ')}` : 'no benchmarks found');
    process.exit(1);
  }
  const all = [];
  let failed = 0;
  for (const f of files) {
    const rel = path.relative(root, f);
    process.stderr.write(`running ${rel} ...\n`);
    const t0 = performance.now();
    const r = await runFile(f, opts.timeout);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    if (r.error !== undefined) {
      failed++;
      process.stderr.write(`  FAILED after ${secs} s: ${r.error}\n`);
      if (r.stderr) process.stderr.write(r.stderr.replace(/^/gm, '  | ') + '\n');
      all.push({ bench: path.basename(f, '.bench.mjs'), metric: '-', value: undefined, unit: '', note: `FAILED (${r.error})`, file: rel });
    } else {
      process.stderr.write(`  ${r.rows.length} rows in ${secs} s\n`);
      for (const row of r.rows) all.push({ ...row, file: rel });
    }
  }
  console.log(table(all));
  if (opts.json !== undefined) fs.writeFileSync(opts.json, JSON.stringify(all, null, 2) + '\n');
  process.exit(failed > 0 ? 1 : 0);
}

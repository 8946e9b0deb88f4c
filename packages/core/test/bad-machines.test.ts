/**
 * The bad-machine corpus: every file in test/bad-machines/ must fail with one line naming
 * file:line:column and the message in its `# expect:` header.
 *
 * Headers (comment lines at the top of a file):
 *   # expect: [FILE:]LINE:COLUMN: MESSAGE   FILE defaults to the machine file itself; MESSAGE is
 *                                         a substring, or /a regex/
 *   # set: PATH=VALUE                     a --set override (repeatable)
 *   # smp: N  /  # memory: SIZE           the --smp / -m overrides
 *   # plugin: SPEC                        a plugin loaded beforehand (like --plugin)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSystem, ConfigError, loadSystem, PluginRegistry, SimError } from '../src/index.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bad-machines');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

interface Case {
  expect: string;
  sets: string[];
  smp?: string;
  memory?: string;
  plugins: string[];
}

function headers(text: string): Case {
  const c: Case = { expect: '', sets: [], plugins: [] };
  for (const line of text.split('\n')) {
    const m = /^# (expect|set|smp|memory|plugin): (.*)$/.exec(line);
    if (m === null) break;
    const [, key, value] = m;
    if (key === 'expect') c.expect = value!;
    else if (key === 'set') c.sets.push(value!);
    else if (key === 'plugin') c.plugins.push(value!);
    else if (key === 'smp') c.smp = value!;
    else if (key === 'memory') c.memory = value!;
  }
  return c;
}

async function failure(file: string, c: Case): Promise<unknown> {
  const registry = new PluginRegistry();
  for (const p of c.plugins) await registry.load(path.resolve(dir, p), dir);
  try {
    // Single- and multi-machine files alike.
    const config = await loadSystem(file, {
      registry,
      sets: c.sets,
      overrides: { ...(c.smp !== undefined ? { smp: c.smp } : {}), ...(c.memory !== undefined ? { memory: c.memory } : {}) },
    });
    const { sim } = await buildSystem(config, registry);
    sim.dispose();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('bad machine corpus', () => {
  it('has at least 30 files', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  for (const name of files) {
    it(name, async () => {
      const file = path.join(dir, name);
      const c = headers(fs.readFileSync(file, 'utf8'));
      const e = await failure(file, c);
      if (process.env.DUMP_BAD_MACHINES) console.log(`${name}\n  ${e instanceof Error ? e.message : String(e)}`);
      expect(c.expect, 'the file needs an # expect: header').toMatch(/^(\S+:)?\d+:\d+: /);
      expect(e, 'loading must fail').toBeInstanceOf(SimError);
      const err = e as SimError;
      expect(err.message).not.toContain('\n');
      const m = /^(?:(\S+):)?(\d+):(\d+): (.*)$/.exec(c.expect)!;
      const [, expFile, line, column, message] = m;
      expect(err).toBeInstanceOf(ConfigError);
      const ce = err as ConfigError;
      const wantFile = expFile === undefined ? file : expFile.startsWith('<') ? expFile : path.resolve(dir, expFile);
      expect(`${ce.file}:${ce.line}:${ce.column}`).toBe(`${wantFile}:${line}:${column}`);
      expect(err.message.startsWith(`${wantFile}:${line}:${column}: `)).toBe(true);
      const regex = /^\/(.*)\/$/.exec(message!);
      if (regex !== null) expect(err.message).toMatch(new RegExp(regex[1]!));
      else expect(err.message).toContain(message);
    });
  }
});

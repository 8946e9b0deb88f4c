import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli/index.js';
import { cli, here, machines, plugin, scratchDir } from './cli-harness.js';

const tmp = scratchDir('tessera-cli-');

const m = (name: string): string => path.join(machines, name);

describe('tessera CLI', () => {
  it('prints help and version', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/usage: tessera <command>/);
    for (const c of ['run', 'validate', 'dtb', 'list', 'schema']) {
      const r = await cli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`usage: tessera ${c}`);
    }
    expect((await cli('run', '--help')).out).toContain('--until REGEX');
    const v = await cli('--version');
    expect(v.out).toMatch(/^tessera \d+\.\d+\.\d+\n$/);
  });

  it('rejects unknown commands and options with exit code 2 and one line', async () => {
    const a = await cli('rnu');
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/^tessera: unknown command 'rnu' \(did you mean 'run'\?\)\n/);
    const b = await cli('run', m('ticker.yaml'), '--bogus');
    expect(b.code).toBe(2);
    expect(b.err.split('\n')[0]).toBe("tessera: run: unknown option '--bogus'");
    const c = await cli('run');
    expect(c.code).toBe(2);
    expect((await cli('run', m('ticker.yaml'), '--timeout', 'soon')).err).toContain("--timeout expects a positive number, got 'soon'");
  });

  it('validate: ok, and a bad machine as one positioned line without a stack', async () => {
    const ok = await cli('validate', m('good.yaml'));
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("ok (machine 'good', 6 components)");
    const bad = await cli('validate', path.join(here, 'bad-machines', 'bad-address.yaml'));
    expect(bad.code).toBe(1);
    const lines = bad.err.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tessera: .*bad-address\.yaml:4:27: \/components\/ram\/base: expected an address like 0x1000_0000, got "banana"$/);
    const set = await cli('validate', m('good.yaml'), '--set', 'components.dev0.mode=medium');
    expect(set.code).toBe(1);
    expect(set.err).toMatch(/^tessera: <--set>:1:22: \/components\/dev0\/mode: expected one of "fast", "slow", got "medium"/);
    const missing = await cli('validate', 'no-such-machine.yaml');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^tessera: machine file '.*no-such-machine\.yaml' does not exist\n  check the path/);
  });

  it('validate --print writes the loaded machine as a machine file that loads the same', async () => {
    const r = await cli('validate', m('good.yaml'), '--print', '--set', 'components.dev0.mode=fast');
    expect(r.code).toBe(0);
    expect(r.out).toContain('    base: 0x8000_0000\n    size: 0x400_0000\n');
    expect(r.out).toContain('    irq: intc:3\n');
    const file = path.join(tmp, 'printed.yaml');
    fs.writeFileSync(file, r.out.slice(0, r.out.lastIndexOf('\n', r.out.length - 2) + 1));
    const { loadMachine, PluginRegistry } = await import('../src/index.js');
    const a = await loadMachine(m('good.yaml'), { registry: new PluginRegistry(), sets: ['components.dev0.mode=fast'] });
    const b = await loadMachine(file, { registry: new PluginRegistry() });
    expect(b.components.map((c) => [c.name, c.options])).toEqual(a.components.map((c) => [c.name, c.options]));
    expect(b.boot).toEqual(a.boot);
  });

  it('run: the guest power-off code is the exit code; --stats prints the table', async () => {
    const r = await cli('run', m('ticker.yaml'), '--stats');
    expect(r.code).toBe(5);
    expect(r.err).toMatch(/virtual time\s+20\.000 µs/);
    // The power-off timer (armed at reset) and the 20th tick (armed at 19 µs) are both due
    // at 20 µs; the earlier-armed one fires first and the stop ends the run before the tick.
    expect(r.err).toMatch(/-- ticker --\ntick\s+19/);
    expect(r.err).toMatch(/wall time\s+[\d.]+ ms/);
  });

  it('run: --set changes the run', async () => {
    const r = await cli('run', m('ticker.yaml'), '--set', 'components.tick.code=9', '--set', 'components.tick.after=5000', '--stats');
    expect(r.code).toBe(9);
    expect(r.err).toMatch(/virtual time\s+5\.000 µs/);
  });

  it('run: --until matches ANSI-stripped console output and exits 0', async () => {
    const r = await cli('run', m('forever.yaml'), '--until', '^tick 5$', '--stats');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/virtual time\s+5\.000 µs/);
    expect(r.err).toMatch(/cpu0 retired\s+5000 /);
  });

  it('run: --timeout stops with 124 and the last console line', async () => {
    const t0 = Date.now();
    const r = await cli('run', m('forever.yaml'), '--timeout', '0.3');
    expect(r.code).toBe(124);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.err).toMatch(/^tessera: timeout after 0\.3 s: .* of virtual time simulated; last console line: "tick \d+"\n$/);
  });

  it('run: --max-instructions stops with 4', async () => {
    const r = await cli('run', m('forever.yaml'), '--max-instructions', '100000');
    expect(r.code).toBe(4);
    expect(r.err).toContain('instruction budget of 100000 reached');
  });

  it('run: a machine that can never wake up is a deadlock (exit 3)', async () => {
    const r = await cli('run', m('idle.yaml'));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^tessera: every CPU is halted and no event is pending/);
  });

  it('run: --smp overrides the CPU cluster', async () => {
    const r = await cli('run', m('forever.yaml'), '--smp', '3', '--until', 'tick 2', '--stats');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/cpu2 retired\s+2000 /);
  });

  it('run: traces are JSONL, filterable and identical across runs (determinism)', async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const file = path.join(tmp, `trace${i}.jsonl`);
      const r = await cli('run', m('good.yaml'), '--trace', file);
      expect(r.code).toBe(7);
      const text = fs.readFileSync(file, 'utf8');
      hashes.push(createHash('sha256').update(text).digest('hex'));
      const events = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(events.filter((e) => e.kind === 'fixture.tick')).toHaveLength(10);
      expect(events.find((e) => e.kind === 'fixture.tick')).toEqual({ kind: 'fixture.tick', t: 1000, src: 'tick', n: 1, big: '0x10000000000' });
      expect(events[events.length - 1]).toMatchObject({ kind: 'power.off', src: 'tick', exitCode: 7, t: 10500 });
    }
    expect(hashes[0]).toBe(hashes[1]);
    const filtered = path.join(tmp, 'power.jsonl');
    await cli('run', m('good.yaml'), '--trace', filtered, '--trace-kinds', 'power');
    const kinds = fs.readFileSync(filtered, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds).toEqual(['power.off']);
    const none = path.join(tmp, 'none.jsonl');
    await cli('run', m('good.yaml'), '--trace', none, '--trace-sources', 'dev0');
    expect(fs.readFileSync(none, 'utf8')).toBe('');
  });

  it('run --gdb --gdb-wait: waits for GDB, runs on after it detaches; needs a debuggable CPU', async () => {
    let out = '';
    let err = '';
    const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: here };
    const running = main(['run', m('forever.yaml'), '--gdb', '0', '--gdb-wait', '--until', 'tick 3', '--stats'], io);
    let port: number | undefined;
    for (let i = 0; i < 200 && port === undefined; i++) {
      await new Promise((r) => setTimeout(r, 10));
      const hit = /waiting for gdb on 127\.0\.0\.1:(\d+)/.exec(err);
      if (hit !== null) port = Number(hit[1]);
    }
    expect(port).toBeGreaterThan(0);
    // Nothing runs before GDB attaches.
    await new Promise((r) => setTimeout(r, 100));
    expect(err).not.toContain('virtual time');
    const net = await import('node:net');
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(port!, '127.0.0.1', () => sock.write('$D#44'));
      let got = '';
      sock.on('data', (d) => {
        got += d.toString('latin1');
        if (got.includes('$OK#9a')) {
          sock.end();
          resolve(got);
        }
      });
      sock.on('error', reject);
    });
    expect(reply).toContain('$OK#9a');
    expect(await running).toBe(0);
    expect(err).toMatch(/virtual time\s+3\.000 µs/);
    expect(out).toBe('');
    const none = await cli('run', m('ticker.yaml'), '--gdb', '0');
    expect(none.code).toBe(1);
    expect(none.err).toContain("machine 'ticker' has no component GDB can debug");
    expect((await cli('run', m('forever.yaml'), '--gdb', 'x')).code).toBe(2);
  });

  it('dtb: DTS to stdout, DTB to a file', async () => {
    const dts = await cli('dtb', m('good.yaml'), '--dts');
    expect(dts.code).toBe(0);
    expect(dts.out).toMatch(/^\/dts-v1\/;/);
    expect(dts.out).toContain('interrupt-controller@c000000');
    expect(dts.out).toMatch(/fake@10000000 \{[^}]*interrupts = <0x3>;/);
    const out = path.join(tmp, 'good.dtb');
    const dtb = await cli('dtb', m('good.yaml'), '-o', out);
    expect(dtb.code).toBe(0);
    const bytes = fs.readFileSync(out);
    expect(bytes.readUInt32BE(0)).toBe(0xd00dfeed);
    const noOut = await cli('dtb', m('good.yaml'));
    expect(noOut.code).toBe(2);
    const part = await cli('dtb', m('good.yaml'), '--partition', 'guest0');
    expect(part.code).toBe(1);
    expect(part.err).toContain("machine 'good' has no partitions");
  });

  it('dtb output round-trips through dtc when it is installed', async () => {
    const dtc = spawnSync('dtc', ['--version']);
    if (dtc.status !== 0) return;
    const out = path.join(tmp, 'rt.dtb');
    await cli('dtb', m('good.yaml'), '-o', out);
    const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', out], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('compatible = "tessera,fake"');
  });

  it('list: built-in types, workspace plugins and --plugin', async () => {
    const r = await cli('list', '--plugin', plugin);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^@tessera\/core \S+ - built-in memory types\n  ram\s+RAM:/);
    expect(r.out).toMatch(/tessera-test-plugin 0\.0\.0 - fixture plugin for the core tests\n(  .*\n)*  ticker\s+test device that ticks/);
  });

  it('schema: a JSON Schema with a branch per type, plain JSON Schema for annotations', async () => {
    const file = path.join(tmp, 'machine.schema.json');
    const r = await cli('schema', '--plugin', plugin, '-o', file);
    expect(r.code).toBe(0);
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as { properties: Record<string, { additionalProperties?: { oneOf: Array<{ allOf?: unknown[] }> } }> };
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['name', 'plugins', 'include', 'boot', 'components', 'smp', 'memory']));
    const text = JSON.stringify(s);
    expect(text).not.toContain('x-tessera');
    const branches = s.properties.components!.additionalProperties!.oneOf[1]!.allOf as Array<{ if: { properties: { type: { enum: string[] } } }; then: { properties: Record<string, unknown> } }>;
    const ram = branches.find((b) => b.if.properties.type.enum.includes('ram'))!;
    expect(ram.then.properties.base).toMatchObject({ anyOf: [{ type: 'integer' }, { type: 'string' }] });
    const sizePattern = new RegExp((ram.then.properties.size as { anyOf: Array<{ pattern?: string }> }).anyOf[1]!.pattern!);
    expect(sizePattern.test('512MiB')).toBe(true);
    expect(sizePattern.test('0x8000_0000')).toBe(true);
    expect(sizePattern.test('banana')).toBe(false);
    expect(branches.some((b) => b.if.properties.type.enum.includes('fake-dev'))).toBe(true);
  });

  it('the built CLI runs as a process (when built)', () => {
    const bin = path.join(here, '..', 'dist', 'cli', 'main.js');
    if (!fs.existsSync(bin)) {
      if (process.env.CI) throw new Error('packages/core/dist/cli/main.js is missing: run pnpm build first');
      return;
    }
    const r = spawnSync(process.execPath, [bin, 'run', m('ticker.yaml')], { encoding: 'utf8' });
    expect(r.status).toBe(5);
    const bad = spawnSync(process.execPath, [bin, 'validate', path.join(here, 'bad-machines', 'unknown-option.yaml')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    const sig = spawnSync(process.execPath, ['-e', `
      const { spawn } = require('node:child_process');
      const c = spawn(process.execPath, [${JSON.stringify(bin)}, 'run', ${JSON.stringify(m('forever.yaml'))}, '--set', 'components.tick.console=stdio'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      let sent = false;
      c.stderr.on('data', (d) => (err += d));
      // Interrupt once the guest is visibly running (the handler is installed by then).
      c.stdout.on('data', () => { if (!sent) { sent = true; c.kill('SIGINT'); } });
      c.on('exit', (code) => { process.stdout.write(JSON.stringify({ code, err })); });
    `], { encoding: 'utf8' });
    expect(JSON.parse(sig.stdout)).toEqual({ code: 130, err: 'tessera: interrupted\n' });
    expect(bad.stderr).toMatch(/^tessera: .*unknown-option\.yaml:6:5: \/components\/ram\/bsae: unknown option 'bsae' for type 'ram' \(did you mean 'base'\?\)\n$/);
  });
});

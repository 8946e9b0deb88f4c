/**
 * The `tessera` command line (CONVENTIONS.md, "CLI contract").
 *
 *   tessera run <machine.yaml> [--kernel F ...] [--until RE] [--timeout S] [--stats] [--trace F]
 *   tessera validate <machine.yaml>
 *   tessera dtb <machine.yaml> [--dts] [-o FILE] [--partition NAME]
 *   tessera list [--plugin P ...]
 *   tessera schema [-o FILE] [--plugin P ...]
 *
 * Every user-facing failure is one line `tessera: <message>` (plus a hint line) and a
 * non-zero exit code; only a genuine bug prints a stack trace. `main(argv)` returns the exit
 * code instead of exiting, so tests run it in-process.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { type CliOverrides } from '../config/loader.js';
import { composeSchema } from '../config/compose.js';
import { didYouMean } from '../config/validate.js';
import type { MachineConfig, SystemConfig } from '../config/types.js';
import { loadSystem } from '../config/system.js';
import { writeDtb } from '../fdt/dtb.js';
import { writeDts } from '../fdt/dts.js';
import type { FdtNode } from '../fdt/node.js';
import { buildSimulation, buildSystem, creationOrder } from '../machine/build.js';
import { stringify as stringifyYaml, type ScalarTag } from 'yaml';
import type { IrqRef } from '../plugin/types.js';
import type { Machine, Simulation } from '../machine/machine.js';
import type { StopInfo } from '../time/scheduler.js';
import { combineDebugTargets, debugTargetOf, type DebugTarget } from '../gdb/target.js';
import { startGdbServer, type GdbSession } from '../gdb/server.js';
import { PluginRegistry } from '../plugin/registry.js';
import { ConfigError, SimError } from '../util/errors.js';
import { formatNs, JsonlSink, runLoop, statsTable, traceKinds } from './run.js';
import { observeMmio } from '../events/mmio-trace.js';
import { traceEventSchema } from '../events/trace-schema.js';

export { runLoop, statsTable, JsonlSink, ConsoleWatch, formatNs, traceKinds } from './run.js';
export type { RunLoopOptions, RunResult } from './run.js';

/** Where the CLI writes; tests capture it. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Directory relative paths on the command line resolve against. */
  readonly cwd: string;
}

const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};

/**
 * A component API that can describe one partition of the machine as its own device tree
 * (the thin hypervisor's guests). `tessera dtb --partition NAME` asks every component.
 */
export interface PartitionDeviceTreeProvider {
  partitionDeviceTree(name: string): FdtNode | undefined;
}

function isPartitionProvider(x: unknown): x is PartitionDeviceTreeProvider {
  return typeof x === 'object' && x !== null && typeof (x as PartitionDeviceTreeProvider).partitionDeviceTree === 'function';
}

/** A mistake on the command line itself (exit code 2, like most Unix tools). */
class UsageError extends SimError {}

type Options = NonNullable<ParseArgsConfig['options']>;

const machineFlags: Options = {
  set: { type: 'string', multiple: true },
  smp: { type: 'string' },
  memory: { type: 'string', short: 'm' },
  firmware: { type: 'string' },
  kernel: { type: 'string' },
  initrd: { type: 'string' },
  dtb: { type: 'string' },
  append: { type: 'string' },
  plugin: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
};

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
  readonly help: string;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

const MACHINE_HELP = `machine options (QEMU's meanings):
  --firmware FILE       firmware image (boot.firmware)
  --kernel FILE         kernel image (boot.kernel)
  --initrd FILE         initial ramdisk (boot.initrd)
  --dtb FILE            device tree blob to use instead of the generated one
  --append TEXT         kernel command line (boot.append)
  --smp N               CPUs of the component named by the machine's 'smp:'
  -m, --memory SIZE     size of the component named by 'memory:' (512M, 2G; a bare number is MiB)
  --set PATH=VALUE      override any value, e.g. components.uart0.console=none (repeatable)
  --plugin PACKAGE      load a plugin package besides those the machine names (repeatable)`;

const commands: Record<string, Command> = {
  run: {
    summary: 'run a machine',
    usage: 'tessera run <machine.yaml> [options]',
    options: {
      ...machineFlags,
      until: { type: 'string' },
      timeout: { type: 'string' },
      stats: { type: 'boolean' },
      trace: { type: 'string' },
      'trace-kinds': { type: 'string' },
      'trace-sources': { type: 'string' },
      'trace-harts': { type: 'string' },
      'trace-mmio': { type: 'string' },
      'max-instructions': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      gdb: { type: 'string' },
      'gdb-wait': { type: 'boolean' },
    },
    help: `${MACHINE_HELP}
run options:
  --until REGEX         stop with exit code 0 when the console prints a match (ANSI codes removed)
  --timeout SECONDS     stop after this much wall-clock time (exit code 124)
  --max-instructions N  stop after N instructions retired by all CPUs together (exit code 4)
  --stats               print virtual/wall time, per-CPU instructions and MIPS, and counters at the end
  --trace FILE          write every event as one JSON object per line
  --trace-kinds LIST    only these event kinds (comma-separated; 'cpu' means every cpu.* kind)
  --trace-sources LIST  only events from these components
  --trace-harts LIST    only events about these harts/cores (by index or name); others pass
  --trace-mmio LIST     also trace MMIO accesses (kind 'mmio') to these devices (component names)
  -q, --quiet           do not echo stdio consoles (the --until watch still sees them)
  --gdb PORT            serve GDB on 127.0.0.1:PORT (0 picks a free port): every hart/core is a
                        thread; the machine stops when GDB attaches and runs on when it detaches
  --gdb-wait            with --gdb: stay frozen at reset until GDB attaches (QEMU's -s -S)
exit codes: the guest's power-off code; 0 when --until matched; 124 timeout; 130 interrupted;
  3 every CPU halted with nothing pending; 4 instruction budget reached; 1 configuration error`,
    run: cmdRun,
  },
  validate: {
    summary: 'check a machine file (and build it) without running it',
    usage: 'tessera validate <machine.yaml> [options]',
    options: { ...machineFlags, print: { type: 'boolean' } },
    help: `  --print               print the machine as loaded: includes merged, overrides applied,
                        values converted (addresses as hex), in creation order
${MACHINE_HELP}`,
    run: cmdValidate,
  },
  dtb: {
    summary: 'write the device tree of a machine (or of one partition)',
    usage: 'tessera dtb <machine.yaml> [--dts] [-o FILE] [--partition NAME] [options]',
    options: { ...machineFlags, dts: { type: 'boolean' }, output: { type: 'string', short: 'o' }, partition: { type: 'string' }, machine: { type: 'string' } },
    help: `  --dts                 write DTS source instead of a DTB
  -o, --output FILE     write to FILE ('-' for stdout); without it DTS goes to stdout and a DTB needs -o
  --partition NAME      the device tree a component (the hypervisor) gives to partition NAME
  --machine NAME        which machine of a multi-machine file (machines: NAME)
${MACHINE_HELP}`,
    run: cmdDtb,
  },
  list: {
    summary: 'list installed plugins and their component types',
    usage: 'tessera list [--plugin PACKAGE ...]',
    options: { plugin: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
    help: `  --plugin PACKAGE      also load this plugin (a package name or a path; repeatable)
Lists the built-in types and every @tessera/* package the workspace (or project) root depends on.`,
    run: cmdList,
  },
  schema: {
    summary: 'write the JSON Schema of machine files for editors',
    usage: 'tessera schema [-o FILE] [--plugin PACKAGE ...]',
    options: { output: { type: 'string', short: 'o' }, plugin: { type: 'string', multiple: true }, trace: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    help: `  -o, --output FILE     write to FILE instead of stdout
  --trace               the schema of --trace lines (one JSON object per event) instead
  --plugin PACKAGE      also include this plugin's types (repeatable)
Machine files use it with a first line: # yaml-language-server: $schema=./machine.schema.json`,
    run: cmdSchema,
  },
};

export function version(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // src/cli and dist/cli are both two levels below the package root.
  const pkg = JSON.parse(fs.readFileSync(path.join(here, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function topHelp(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return `Tessera ${version()}: a full-system simulator for thin hypervisors on Arm and RISC-V

usage: tessera <command> [options]

commands:
${Object.entries(commands)
  .map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`)
  .join('\n')}

tessera <command> --help shows a command's options; tessera --version prints the version.
`;
}

function commandHelp(name: string, c: Command): string {
  return `usage: ${c.usage}\n\n${c.summary}\n\n${c.help}\n`;
}

/** Run the CLI with `argv` (without node and the script). Resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const target = name === 'help' ? rest[0] : undefined;
      if (target !== undefined && commands[target] !== undefined) io.out(commandHelp(target, commands[target]!));
      else io.out(topHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-V' || name === 'version') {
      io.out(`tessera ${version()}\n`);
      return 0;
    }
    const cmd = commands[name];
    if (cmd === undefined) {
      const close = didYouMean(name, Object.keys(commands));
      throw new UsageError(`unknown command '${name}'${close ? ` (did you mean '${close}'?)` : ''}`, 'tessera --help lists the commands');
    }
    let parsed: ParsedArgs;
    try {
      parsed = parseArgs({ args: [...rest], options: cmd.options, allowPositionals: true, strict: true }) as ParsedArgs;
    } catch (e) {
      const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option/, 'unknown option');
      throw new UsageError(`${name}: ${msg}`, `tessera ${name} --help lists its options`);
    }
    if (parsed.values.help === true) {
      io.out(commandHelp(name, cmd));
      return 0;
    }
    return await cmd.run(parsed, io);
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof SimError) {
    let message = e.message;
    // Positions in files below the working directory are shown relative to it.
    if (e instanceof ConfigError && path.isAbsolute(e.file) && message.startsWith(e.file + ':')) {
      const rel = path.relative(io.cwd, e.file);
      if (!rel.startsWith('..')) message = rel + message.slice(e.file.length);
    }
    io.err(`tessera: ${message}\n`);
    if (e.hint !== undefined) io.err(`  ${e.hint.split('\n').join('\n  ')}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
  const err = e as Error;
  io.err(`tessera: internal error: ${err?.message ?? String(e)}\n${err?.stack ?? ''}\nthis is a bug in Tessera (or in a plugin named by the stack above); please report it with the machine file and command line\n`);
  return 70;
}

function oneMachine(args: ParsedArgs, cmd: string): string {
  if (args.positionals.length === 0) throw new UsageError(`${cmd}: which machine? (tessera ${cmd} <machine.yaml>)`, `tessera ${cmd} --help lists its options`);
  if (args.positionals.length > 1) throw new UsageError(`${cmd}: one machine file expected, got ${args.positionals.map((p) => `'${p}'`).join(' ')}`);
  return args.positionals[0]!;
}

function str(args: ParsedArgs, key: string): string | undefined {
  const v = args.values[key];
  return typeof v === 'string' ? v : undefined;
}

function list(args: ParsedArgs, key: string): string[] {
  const v = args.values[key];
  return Array.isArray(v) ? v : [];
}

async function registryWith(args: ParsedArgs, io: CliIo): Promise<PluginRegistry> {
  const registry = new PluginRegistry();
  for (const p of list(args, 'plugin')) await registry.load(p.startsWith('.') ? path.resolve(io.cwd, p) : p, io.cwd);
  return registry;
}

/**
 * Load the machine file of either kind: `config` is its (first) machine; `system` has every
 * machine and link of a multi-machine file.
 */
async function load(args: ParsedArgs, io: CliIo, cmd: string): Promise<{ config: MachineConfig; system: SystemConfig; registry: PluginRegistry }> {
  const file = oneMachine(args, cmd);
  const registry = await registryWith(args, io);
  const overrides: CliOverrides = {
    ...(str(args, 'smp') !== undefined ? { smp: str(args, 'smp')! } : {}),
    ...(str(args, 'memory') !== undefined ? { memory: str(args, 'memory')! } : {}),
    ...(str(args, 'firmware') !== undefined ? { firmware: str(args, 'firmware')! } : {}),
    ...(str(args, 'kernel') !== undefined ? { kernel: str(args, 'kernel')! } : {}),
    ...(str(args, 'initrd') !== undefined ? { initrd: str(args, 'initrd')! } : {}),
    ...(str(args, 'dtb') !== undefined ? { dtb: str(args, 'dtb')! } : {}),
    ...(str(args, 'append') !== undefined ? { append: str(args, 'append')! } : {}),
  };
  const system = await loadSystem(file, { registry, sets: list(args, 'set'), overrides, cwd: io.cwd });
  return { config: system.machines[0]!, system, registry };
}

function positiveNumber(text: string | undefined, flag: string, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new UsageError(`${flag} expects a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  return v;
}

async function cmdRun(args: ParsedArgs, io: CliIo): Promise<number> {
  const timeoutS = positiveNumber(str(args, 'timeout'), '--timeout', false);
  const maxInstructions = positiveNumber(str(args, 'max-instructions'), '--max-instructions', true);
  let until: RegExp | undefined;
  const untilText = str(args, 'until');
  if (untilText !== undefined) {
    try {
      until = new RegExp(untilText, 'm');
    } catch (e) {
      throw new UsageError(`--until: not a regular expression: ${(e as Error).message}`);
    }
  }
  const { config, system, registry } = await load(args, io, 'run');
  // Every machine of a multi-machine file runs in one simulation; the run ends when all
  // have powered off, with the first non-zero exit code.
  const { sim } = await buildSystem(system, registry);
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  let closeGdb: (() => void) | undefined;
  try {
    if (args.values.quiet === true) sim.consoles.echo = false;
    const tracePath = str(args, 'trace');
    if (tracePath !== undefined) {
      const sources = str(args, 'trace-sources')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const harts = str(args, 'trace-harts')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      sim.events.addSink(new JsonlSink(path.resolve(io.cwd, tracePath), traceKinds(str(args, 'trace-kinds')), sources, harts));
    }
    const mmioTrace = str(args, 'trace-mmio')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (mmioTrace !== undefined && tracePath === undefined) throw new UsageError('--trace-mmio needs --trace FILE');
    if (args.values.stats === true || mmioTrace !== undefined) {
      for (const m of sim.machines) observeMmio(m.system, sim.events, m.name, { count: args.values.stats === true, trace: mmioTrace });
    }
    if (process.stdin.isTTY && args.values.quiet !== true) sim.consoles.attachStdin();
    const gdbPort = str(args, 'gdb');
    if (args.values['gdb-wait'] === true && gdbPort === undefined) throw new UsageError('--gdb-wait needs --gdb PORT');
    let takeover: (() => Promise<StopInfo | undefined> | undefined) | undefined;
    if (gdbPort !== undefined) {
      const gdb = await serveGdb(sim, gdbPort, io, config.name);
      closeGdb = gdb.close;
      const started = performance.now();
      if (args.values['gdb-wait'] === true) {
        io.err(`tessera: waiting for gdb on 127.0.0.1:${gdb.port} (gdb: target remote :${gdb.port})\n`);
        const session = await untilOrInterrupted(gdb.next(), () => interrupted);
        if (session === 'interrupted') return 130;
        const end = await untilOrInterrupted(session.value.done, () => interrupted);
        const ended = end === 'interrupted' ? { reason: 'user' as const, exitCode: 130, message: 'interrupted' } : end.value;
        if (ended !== undefined) {
          // The run ended under GDB: wall time includes the debugging session.
          if (args.values.stats === true) io.err(statsTable(sim, performance.now() - started));
          if (ended.reason !== 'poweroff' && ended.reason !== 'until') io.err(`tessera: ${ended.message}\n`);
          return ended.exitCode;
        }
      } else {
        io.err(`tessera: gdb server on 127.0.0.1:${gdb.port} (gdb: target remote :${gdb.port})\n`);
      }
      takeover = () => {
        const s = gdb.pending();
        if (s === undefined) return undefined;
        return untilOrInterrupted(s.done, () => interrupted).then((e) => (e === 'interrupted' ? { reason: 'user' as const, exitCode: 130, message: 'interrupted' } : e.value));
      };
    }
    const r = await runLoop(sim, {
      ...(timeoutS !== undefined ? { timeoutS } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(maxInstructions !== undefined ? { maxInstructions } : {}),
      ...(takeover !== undefined ? { takeover } : {}),
      interrupted: () => interrupted,
    });
    if (args.values.stats === true) io.err(statsTable(sim, r.wallMs));
    const s = r.stop;
    switch (s.reason) {
      case 'poweroff':
      case 'until':
        break;
      case 'timeout':
        io.err(`tessera: ${s.message}${r.lastLine !== '' ? `; last console line: ${JSON.stringify(r.lastLine.slice(-200))}` : '; the console printed nothing'}\n`);
        break;
      case 'deadlock':
        io.err(`tessera: ${s.message} (at ${formatNs(sim.scheduler.now())} of virtual time)\n`);
        break;
      default:
        io.err(`tessera: ${s.message}\n`);
    }
    return s.exitCode;
  } finally {
    closeGdb?.();
    process.off('SIGINT', onSigint);
    sim.dispose();
  }
}

/**
 * `--gdb PORT`: serve GDB (core/gdb) on loopback for the machine's CPUs (every component
 * whose API is a DebugTarget; all their cores are threads). `next()` resolves with the next
 * GDB connection; `pending()` hands over a connection that arrived while the machine ran.
 */
async function serveGdb(
  sim: Simulation,
  portText: string,
  io: CliIo,
  name: string,
): Promise<{ port: number; next(): Promise<GdbSession>; pending(): GdbSession | undefined; close(): void }> {
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--gdb expects a TCP port number, got '${portText}'`);
  const targets = sim.machines.flatMap((m) => m.componentNames.map((n) => debugTargetOf(m.api(n))).filter((t): t is DebugTarget => t !== undefined));
  if (targets.length === 0) throw new SimError(`machine '${name}' has no component GDB can debug (no CPU implements DebugTarget)`);
  let target;
  try {
    target = combineDebugTargets(targets);
  } catch (e) {
    throw new SimError(`--gdb: ${(e as Error).message}`);
  }
  for (const m of sim.machines) m.start();
  let waiting: ((s: GdbSession) => void) | undefined;
  let arrived: GdbSession | undefined;
  // TESSERA_GDB_LOG=FILE records every packet (debugging the server or a client's dialect).
  const logFile = process.env.TESSERA_GDB_LOG;
  const server = await startGdbServer(sim, target, {
    port,
    ...(logFile !== undefined && logFile !== '' ? { log: (dir: '<-' | '->', packet: string) => fs.appendFileSync(logFile, `${dir} ${packet.slice(0, 200)}\n`) } : {}),
    onSession: (s) => {
      io.err(`tessera: gdb attached; the machine is stopped\n`);
      if (waiting !== undefined) {
        const w = waiting;
        waiting = undefined;
        w(s);
      } else arrived = s;
    },
  });
  return {
    port: server.port,
    next: () =>
      new Promise<GdbSession>((resolve) => {
        if (arrived !== undefined) {
          const a = arrived;
          arrived = undefined;
          resolve(a);
        } else waiting = resolve;
      }),
    pending: () => {
      const a = arrived;
      arrived = undefined;
      return a;
    },
    close: () => server.close(),
  };
}

/** Wait for `p`, or give up when `interrupted()` becomes true (checked every 50 ms). */
async function untilOrInterrupted<T>(p: Promise<T>, interrupted: () => boolean): Promise<{ value: T } | 'interrupted'> {
  let timer: NodeJS.Timeout | undefined;
  const poll = new Promise<'interrupted'>((resolve) => {
    timer = setInterval(() => {
      if (interrupted()) resolve('interrupted');
    }, 50);
  });
  try {
    return await Promise.race([p.then((value) => ({ value })), poll]);
  } finally {
    clearInterval(timer);
  }
}

async function cmdValidate(args: ParsedArgs, io: CliIo): Promise<number> {
  const { config, system, registry } = await load(args, io, 'validate');
  // Building catches what only instantiation can see (overlapping regions, wiring).
  const { sim, machines } = await buildSystem(system, registry);
  try {
    if (args.values.print === true) io.out(system.multi ? printSystem(system) : printConfig(config));
    const rel = path.relative(io.cwd, config.file);
    const shown = rel === '' || rel.startsWith('..') ? config.file : rel;
    if (system.multi) {
      const each = machines.map((m) => `${m.name}: ${m.componentNames.length} components`).join(', ');
      io.out(`${shown}: ok (${machines.length} machines: ${each}; ${system.links.length} link(s)${system.links.length > 0 ? `: ${system.links.map((l) => l.name).join(', ')}` : ''})\n`);
    } else {
      io.out(`${shown}: ok (machine '${config.name}', ${machines[0]!.componentNames.length} components)\n`);
    }
  } finally {
    sim.dispose();
  }
  return 0;
}

async function cmdDtb(args: ParsedArgs, io: CliIo): Promise<number> {
  const { system, registry } = await load(args, io, 'dtb');
  const config = pickMachine(system, str(args, 'machine'));
  const { sim } = await buildSystem({ ...system, machines: [config] }, registry);
  const machine = sim.machines[0]!;
  try {
    connectOnly(machine);
    const partition = str(args, 'partition');
    let root: FdtNode;
    if (partition !== undefined) {
      const providers = machine.componentNames.map((n) => machine.api(n)).filter(isPartitionProvider);
      if (providers.length === 0) throw new SimError(`machine '${config.name}' has no partitions (no component provides partition device trees)`, 'partitions come from the hypervisor component (@tessera/hypervisor-thin)');
      const found = providers.map((p) => p.partitionDeviceTree(partition)).find((t) => t !== undefined);
      if (found === undefined) throw new SimError(`machine '${config.name}' has no partition named '${partition}'`);
      root = found;
    } else {
      root = machine.deviceTree();
    }
    const output = str(args, 'output');
    if (args.values.dts === true) {
      const text = writeDts(root);
      if (output !== undefined && output !== '-') fs.writeFileSync(path.resolve(io.cwd, output), text);
      else io.out(text);
    } else {
      const bytes = writeDtb(root);
      if (output === undefined) throw new UsageError('dtb: a DTB is binary; write it with -o FILE, or -o - for stdout (or use --dts for text)');
      if (output === '-') fs.writeSync(1, bytes);
      else fs.writeFileSync(path.resolve(io.cwd, output), bytes);
    }
  } finally {
    sim.dispose();
  }
  return 0;
}

/** `--machine NAME`: one machine of the file (needed when it has several). */
function pickMachine(system: SystemConfig, name: string | undefined): MachineConfig {
  const names = system.machines.map((m) => m.name);
  if (name === undefined) {
    if (system.machines.length === 1) return system.machines[0]!;
    throw new UsageError(`${path.basename(system.file)} describes ${names.length} machines: choose one with --machine ${names.join('|')}`);
  }
  const found = system.machines.find((m) => m.name === name);
  if (found === undefined) {
    const close = didYouMean(name, names);
    throw new UsageError(`--machine: no machine '${name}' in ${path.basename(system.file)}${close ? ` (did you mean '${close}'?)` : ''} (machines: ${names.join(', ')})`);
  }
  return found;
}

/** A multi-machine file as loaded (`validate --print`): links, then each machine's body. */
function printSystem(system: SystemConfig): string {
  const links: Record<string, unknown> = {};
  for (const l of system.links) links[l.name] = { type: l.type, ...l.options };
  const machines: Record<string, unknown> = {};
  for (const m of system.machines) {
    const { name: _name, ...body } = configDoc(m);
    machines[m.name] = body;
  }
  const doc = {
    name: system.name,
    ...(system.description !== undefined ? { description: system.description } : {}),
    ...(system.plugins.length > 0 ? { plugins: system.plugins } : {}),
    ...(system.links.length > 0 ? { links } : {}),
    machines,
  };
  return stringifyYaml(doc, { schema: 'core', customTags: [hexTag] });
}

/** The loaded machine as YAML (`validate --print`). */
function printConfig(config: MachineConfig): string {
  return stringifyYaml(configDoc(config), { schema: 'core', customTags: [hexTag] });
}

function configDoc(config: MachineConfig): Record<string, unknown> {
  const hexKeys = /^(base|address|addr|size|.*-base|.*-size|reset-vector|tohost)$/;
  const conv = (v: unknown, key: string): unknown => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0x1000 && hexKeys.test(key)) return new HexNumber(v);
    if (Array.isArray(v)) return v.map((x) => conv(x, key));
    if (typeof v === 'object' && v !== null) {
      const r = v as Partial<IrqRef>;
      if (typeof r.controller === 'string' && r.line !== undefined && Object.keys(v).length === 2) return `${r.controller}:${String(r.line)}`;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x, k)]));
    }
    return v;
  };
  const components: Record<string, unknown> = {};
  for (const c of creationOrder(config)) components[c.name] = { type: c.type, ...(conv(c.options, '') as Record<string, unknown>) };
  const doc = {
    name: config.name,
    ...(config.description !== undefined ? { description: config.description } : {}),
    plugins: config.plugins,
    ...(config.smp !== undefined ? { smp: config.smp } : {}),
    ...(config.memory !== undefined ? { memory: config.memory } : {}),
    ...(Object.keys(config.boot).length > 0 ? { boot: config.boot } : {}),
    components,
  };
  return doc;
}

const hexTag: ScalarTag = {
  identify: (v: unknown) => v instanceof HexNumber,
  default: true,
  tag: 'tag:yaml.org,2002:int',
  resolve: (s: string) => Number(s),
  stringify: (item) => (item.value as HexNumber).text,
};

/** A number printed as `0x8000_0000` by `validate --print`. */
class HexNumber {
  readonly text: string;
  constructor(readonly value: number) {
    const h = value.toString(16);
    this.text = '0x' + h.replace(/\B(?=([0-9a-f]{4})+$)/g, '_');
  }
}

/** Let components find each other (`connect()`) without resetting (no images are loaded). */
function connectOnly(machine: Machine): void {
  for (const n of machine.componentNames) machine.component(n)?.connect?.();
}

/** The `@tessera/*` packages the project root (nearest package.json with them, from cwd) depends on. */
function workspacePlugins(cwd: string): { root: string; names: string[] } | undefined {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(pj, 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
        const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => n.startsWith('@tessera/') && n !== '@tessera/core');
        if (names.length > 0 || fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return { root: dir, names: names.sort() };
      } catch {
        // unreadable package.json: keep looking upwards
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function loadInstalled(args: ParsedArgs, io: CliIo): Promise<{ registry: PluginRegistry; failures: string[]; libraries: string[] }> {
  const registry = await registryWith(args, io);
  const failures: string[] = [];
  const libraries: string[] = [];
  const ws = workspacePlugins(io.cwd);
  for (const name of ws?.names ?? []) {
    try {
      await registry.load(name, ws!.root);
    } catch (e) {
      const msg = e instanceof SimError ? e.message : (e as Error).message;
      // A workspace package without a plugin default export is a library (softfloat, ...).
      if (/has no default export describing its components/.test(msg)) libraries.push(name);
      else failures.push(`${name}: ${msg}`);
    }
  }
  return { registry, failures, libraries };
}

async function cmdList(args: ParsedArgs, io: CliIo): Promise<number> {
  const { registry, failures, libraries } = await loadInstalled(args, io);
  const seen = new Set<unknown>();
  const lines: string[] = [];
  for (const p of registry.all) {
    if (seen.has(p)) continue;
    seen.add(p);
    lines.push(`${p.name} ${p.version}${p.description ? ` - ${p.description}` : ''}`);
    const types = Object.entries(p.components).sort(([a], [b]) => (a < b ? -1 : 1));
    const links = Object.entries(p.links ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    if (types.length === 0 && links.length === 0) lines.push('  (no component types yet)');
    const w = Math.max(0, ...types.map(([t]) => t.length), ...links.map(([t]) => t.length + 7));
    for (const [t, c] of types) lines.push(`  ${t.padEnd(w)}  ${c.description}`);
    // Link types go under a multi-machine file's links: (not under components:).
    for (const [t, l] of links) lines.push(`  ${`${t} (link)`.padEnd(w)}  ${l.description}`);
  }
  for (const l of libraries) lines.push(`${l} (no component types: a library, or a plugin not written yet)`);
  io.out(lines.join('\n') + '\n');
  for (const f of failures) io.err(`tessera: could not load ${f}\n`);
  return 0;
}

async function cmdSchema(args: ParsedArgs, io: CliIo): Promise<number> {
  let text: string;
  if (args.values.trace === true) text = JSON.stringify(traceEventSchema, null, 2) + '\n';
  else {
    const { registry, failures } = await loadInstalled(args, io);
    for (const f of failures) io.err(`tessera: could not load ${f}\n`);
    text = JSON.stringify(composeSchema(registry), null, 2) + '\n';
  }
  const output = str(args, 'output');
  if (output !== undefined) fs.writeFileSync(path.resolve(io.cwd, output), text);
  else io.out(text);
  return 0;
}

/**
 * Console ports: where a UART (or a virtio console, or SBI's debug console) sends its
 * output and gets its input.
 *
 * A port's backend is chosen by a spec string: `stdio`, `file:PATH`, `none`, or `capture`
 * (kept in memory, for tests). Every byte written to any port is also given to the
 * simulation's {@link ConsoleHub}, which is how `--until REGEX` watches the guest.
 */

import * as fs from 'node:fs';
import { SimError } from '../util/errors.js';

export interface ConsolePort {
  readonly name: string;
  /** Guest output. */
  write(bytes: Uint8Array | number[] | string): void;
  /** Register the handler for host input (one per port). */
  onInput(handler: (byte: number) => void): void;
  /** Inject input as if typed (tests, scripted sessions). */
  input(data: string | Uint8Array): void;
  /** Everything written so far, for `capture` ports (empty string otherwise). */
  captured(): string;
  close(): void;
}

type Watcher = (text: string, port: string) => void;

/** Collects console output of the whole simulation for `--until` and tests. */
export class ConsoleHub {
  private readonly watchers: Watcher[] = [];
  private readonly ports: ConsolePort[] = [];
  private stdinOwner: ConsolePortImpl | undefined;
  private stdinAttached = false;
  /** When false, `stdio` ports print nothing (quiet runs); input is still accepted. */
  echo = true;
  /** Machines that own a `stdio` port: with more than one, stdio lines carry `[machine] `. */
  private readonly stdioMachines = new Set<string>();
  /** Whether stdout is at the start of a line (for the machine prefixes). */
  private atLineStart = true;
  private lastStdioMachine: string | undefined;

  watch(w: Watcher): void {
    this.watchers.push(w);
  }

  /** @internal */
  emit(text: string, port: string): void {
    for (const w of this.watchers) w(text, port);
  }

  /**
   * Open a port for component `name` (of machine `machine`, when the simulation has several:
   * their stdio output is then prefixed per line with the machine's name).
   */
  open(name: string, spec: string, resolvePath: (p: string) => string, machine?: string): ConsolePort {
    let port: ConsolePortImpl;
    if (spec === 'stdio') {
      if (machine !== undefined) this.stdioMachines.add(machine);
      port = new ConsolePortImpl(name, this, (s) => {
        if (this.echo) process.stdout.write(this.labelled(s, machine));
      });
      if (this.stdinOwner === undefined) {
        this.stdinOwner = port;
      }
    } else if (spec === 'none') {
      port = new ConsolePortImpl(name, this, () => {});
    } else if (spec === 'capture') {
      port = new ConsolePortImpl(name, this, () => {}, true);
    } else if (spec.startsWith('file:')) {
      const path = resolvePath(spec.slice(5));
      let fd: number;
      try {
        fd = fs.openSync(path, 'w');
      } catch (e) {
        throw new SimError(`cannot open console file '${path}' for '${name}': ${(e as Error).message}`);
      }
      port = new ConsolePortImpl(name, this, (s) => fs.writeSync(fd, s), false, () => fs.closeSync(fd));
    } else {
      throw new SimError(`unknown console backend '${spec}' for '${name}'`, 'use stdio, file:PATH, none or capture');
    }
    this.ports.push(port);
    return port;
  }

  /**
   * `text` with `[machine] ` at the start of each line when stdio ports of several machines
   * share stdout. A machine that writes while another's line is unfinished starts a new line.
   */
  labelled(text: string, machine: string | undefined): string {
    if (machine === undefined || this.stdioMachines.size <= 1 || text === '') return text;
    let out = '';
    if (!this.atLineStart && this.lastStdioMachine !== machine) {
      out += '\n';
      this.atLineStart = true;
    }
    this.lastStdioMachine = machine;
    const prefix = `[${machine}] `;
    for (let i = 0; i < text.length; ) {
      if (this.atLineStart) out += prefix;
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl + 1;
      out += text.slice(i, end);
      this.atLineStart = nl >= 0;
      i = end;
    }
    return out;
  }

  /** Forward the process's stdin to the first stdio port (interactive runs). */
  attachStdin(): void {
    if (this.stdinAttached || this.stdinOwner === undefined || !process.stdin.readable) return;
    this.stdinAttached = true;
    const owner = this.stdinOwner;
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    process.stdin.on('data', (d: Buffer) => {
      // Ctrl-A x quits, as in QEMU's -nographic.
      for (let i = 0; i < d.length; i++) {
        if (d[i] === 0x01 && d[i + 1] === 0x78) process.kill(process.pid, 'SIGINT');
      }
      owner.input(d);
    });
  }

  detachStdin(): void {
    if (!this.stdinAttached) return;
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stdin.removeAllListeners('data');
    this.stdinAttached = false;
  }

  closeAll(): void {
    this.detachStdin();
    for (const p of this.ports) p.close();
  }
}

const decoder = new TextDecoder('latin1');

class ConsolePortImpl implements ConsolePort {
  private handler: ((byte: number) => void) | undefined;
  private pending: number[] = [];
  private buf = '';

  constructor(
    readonly name: string,
    private readonly hub: ConsoleHub,
    private readonly out: (s: string) => void,
    private readonly capture = false,
    private readonly onClose: () => void = () => {},
  ) {}

  write(bytes: Uint8Array | number[] | string): void {
    const s = typeof bytes === 'string' ? bytes : decoder.decode(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
    if (this.capture) this.buf += s;
    this.out(s);
    this.hub.emit(s, this.name);
  }

  onInput(handler: (byte: number) => void): void {
    this.handler = handler;
    const p = this.pending;
    this.pending = [];
    for (const b of p) handler(b);
  }

  input(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    for (const b of bytes) {
      if (this.handler !== undefined) this.handler(b);
      else this.pending.push(b);
    }
  }

  captured(): string {
    return this.buf;
  }

  close(): void {
    this.onClose();
  }
}

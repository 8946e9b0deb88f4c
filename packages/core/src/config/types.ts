/** The machine description after loading: what the machine builder instantiates. */

import type { BootOptions } from '../plugin/types.js';

export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface ComponentConfig {
  readonly name: string;
  /** The type as written (`ns16550a` or `@tessera/uart#ns16550a`). */
  readonly type: string;
  /** Options after validation and coercion (sizes/addresses as numbers, irqs as IrqRef, files absolute). */
  readonly options: Record<string, unknown>;
  /** Names of every component referenced from `options` (refs and irq controllers). */
  readonly references: readonly string[];
  /** Where the component's entry starts. */
  readonly pos: SourcePos;
}

export interface MachineConfig {
  readonly name: string;
  readonly description?: string;
  /** Absolute path of the machine file given by the user. */
  readonly file: string;
  /** Plugin package names (or paths), in order. */
  readonly plugins: readonly string[];
  /** Components in file order (included files first, overrides applied). */
  readonly components: readonly ComponentConfig[];
  readonly boot: BootOptions;
  /** Component whose `count` the CLI's `--smp` sets. */
  readonly smp?: string;
  /** Component whose `size` the CLI's `-m/--memory` sets. */
  readonly memory?: string;
  /** JSON path of the machine's body in its file: `/machines/NAME` in a multi-machine file. */
  readonly pathPrefix?: string;
  /** Source position of a JSON path (`/components/uart0/base`), for errors found later. */
  positionOf(path: string): SourcePos;
}

/** One entry of a multi-machine file's `links:`. */
export interface LinkConfig {
  readonly name: string;
  /** The type as written (`switch` or `@tessera/net#switch`). */
  readonly type: string;
  /** Options after validation and coercion (files absolute). */
  readonly options: Record<string, unknown>;
  /** Where the link's entry starts. */
  readonly pos: SourcePos;
}

/**
 * What a machine file describes: one machine, or (a multi-machine file with `machines:`)
 * several machines and the links between them, run in one simulation.
 */
export interface SystemConfig {
  readonly name: string;
  readonly description?: string;
  /** Absolute path of the file given by the user. */
  readonly file: string;
  /** Whether the file is a multi-machine file (`machines:` + `links:`). */
  readonly multi: boolean;
  /** Plugins named at the top of a multi-machine file (link types); empty otherwise. */
  readonly plugins: readonly string[];
  readonly links: readonly LinkConfig[];
  /** The machines in file order. */
  readonly machines: readonly MachineConfig[];
}

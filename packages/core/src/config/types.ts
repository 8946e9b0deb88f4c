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
  /** Source position of a JSON path (`/components/uart0/base`), for errors found later. */
  positionOf(path: string): SourcePos;
}

/**
 * Interrupt wiring.
 *
 * An interrupt controller (or a CPU) exposes numbered or named inputs as {@link IrqInput}
 * functions. A device owns {@link IrqLine} outputs that the machine connects to those
 * inputs. Several outputs wired to one input are combined by a {@link WiredOr}, so a
 * level-triggered line shared by several devices (PCI INTx) stays asserted while any of them
 * asserts it. Edge-triggered sources use `pulse()`. MSI is not a line: it is an ordinary
 * memory write to a doorbell region.
 */

/** An interrupt input: called with the new level of the wire driving it. */
export type IrqInput = (level: boolean) => void;

/** Anything with interrupt inputs: controllers, CPUs. */
export interface IrqTarget {
  /**
   * The input `line` (a number, or a name such as `meip`), or undefined if there is no
   * such input (the machine loader reports it as a configuration error).
   */
  irqInput(line: number | string): IrqInput | undefined;
}

export function isIrqTarget(x: unknown): x is IrqTarget {
  return typeof x === 'object' && x !== null && typeof (x as IrqTarget).irqInput === 'function';
}

/** A device's interrupt output. Calls through to its input only when the level changes. */
export class IrqLine {
  private _level = false;
  /** Number of rising edges, for statistics. */
  raised = 0;

  constructor(
    readonly name: string,
    private input: IrqInput = () => {},
  ) {}

  get level(): boolean {
    return this._level;
  }

  /** Reconnect this output (the machine loader does this once, when wiring). */
  connect(input: IrqInput): void {
    this.input = input;
    if (this._level) input(true);
  }

  set(level: boolean): void {
    if (level === this._level) return;
    this._level = level;
    if (level) this.raised++;
    this.input(level);
  }

  raise(): void {
    this.set(true);
  }

  lower(): void {
    this.set(false);
  }

  /** An edge: assert then deassert. */
  pulse(): void {
    this.set(true);
    this.set(false);
  }
}

/** Wired-OR of several outputs onto one input. */
export class WiredOr {
  private count = 0;
  private readonly levels: boolean[] = [];

  constructor(private readonly input: IrqInput) {}

  /** A new source on this wire; returns the input that source drives. */
  source(): IrqInput {
    const i = this.levels.length;
    this.levels.push(false);
    return (level: boolean) => {
      if (this.levels[i] === level) return;
      this.levels[i] = level;
      const before = this.count > 0;
      this.count += level ? 1 : -1;
      const after = this.count > 0;
      if (before !== after) this.input(after);
      else if (level && after) {
        // Another source asserting an already-high level: an edge-triggered input would
        // not see it (as on real wires), a level one is already set. Nothing to do.
      }
    };
  }
}

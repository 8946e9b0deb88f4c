/**
 * Errors meant for the user. The CLI prints a SimError's message as one line, never a stack
 * trace; anything else reaching the top level is a bug in Tessera and is reported as such.
 */
export class SimError extends Error {
  constructor(
    message: string,
    /** Extra lines of advice printed after the message (what to do next). */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'SimError';
  }
}

/** A configuration error with its location in a machine file. */
export class ConfigError extends SimError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** JSON path of the offending value, e.g. `/components/uart0/base`. */
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${path === '' ? '' : path + ': '}${detail}`);
    this.name = 'ConfigError';
  }
}

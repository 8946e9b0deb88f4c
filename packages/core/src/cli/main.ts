#!/usr/bin/env node
/** Entry point of the `tessera` command (packages/core/dist/cli/main.js). */
import { main } from './index.js';

// `tessera schema | head`: a closed pipe ends the command quietly, as for other Unix tools.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const code = await main(process.argv.slice(2));
// Let stdout drain (large DTS or schema output to a pipe), then exit with the code.
process.exitCode = code;
setImmediate(() => process.exit(code));

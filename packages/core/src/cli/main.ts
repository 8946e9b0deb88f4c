#!/usr/bin/env node
/** Entry point of the `tessera` command (packages/core/dist/cli/main.js). */
import { main } from './index.js';

const code = await main(process.argv.slice(2));
// Let stdout drain (large DTS or schema output to a pipe), then exit with the code.
process.exitCode = code;
setImmediate(() => process.exit(code));

#!/usr/bin/env node
/* Entry point of the `vident` command (see commands.ts for what it does). */
import { VidentApiError } from '@vident/protocol';
import { UsageError, run } from './commands.ts';

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) console.error(error.message);
  else if (error instanceof VidentApiError) console.error(`the vident API refused: ${error.message}`);
  else console.error(`error: ${(error as Error).message}`);
  process.exitCode = 2;
}

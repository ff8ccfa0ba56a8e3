#!/usr/bin/env node
/* Entry point of the `vident` command: the real stdout, stderr, environment and terminal (see commands.ts). */
import { useEnglishIssueMessages } from '@vident/protocol';
import { buildParser, COMPLETION_REQUEST } from './command-line.ts';
import { runCli, VERSION } from './commands.ts';
import { showsProgress, terminalProgress } from './progress.ts';

useEnglishIssueMessages();

const argv = process.argv.slice(2);
if (argv.includes(COMPLETION_REQUEST)) {
  // The completion script asking for candidates: yargs prints them itself.
  await buildParser({ version: VERSION }).exitProcess(false).parseAsync(argv);
} else {
  const json = argv.includes('--json');
  process.exitCode = await runCli(
    argv,
    {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
      env: process.env,
      ...(showsProgress({ stderrIsTTY: process.stderr.isTTY, json }) ? { progress: terminalProgress } : {}),
    },
    Math.min(100, process.stdout.columns || 100),
  );
}

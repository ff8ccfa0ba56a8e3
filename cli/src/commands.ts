/*
 * `vident`: the command line for a bank's back office and the platform team.
 *
 *   vident evidence download|verify|decrypt|pin-key ...   evidence packs (evidence-commands.ts)
 *   vident nodes list|enrol|revoke|drain|undrain          the media node fleet (fleet-commands.ts)
 *   vident sessions list|timeline ...                     live sessions and one session's timeline
 *   vident agents revoke <agentId>                        cut a desk agent off at once (agent-commands.ts)
 *   vident completion                                     a bash/zsh completion script
 *
 * The command line is parsed in command-line.ts (yargs). The bank API (evidence, agents) is reached
 * with VIDENT_URL, VIDENT_KEY_ID and VIDENT_KEY_SECRET; the admin API (nodes, sessions) with
 * VIDENT_ADMIN_KEY_ID and VIDENT_ADMIN_KEY_SECRET. For a local stack, --state-dir <dir> reads both
 * from its secrets.json (URL from VIDENT_URL or 127.0.0.1:8787).
 */
import { runAgents } from './agent-commands.ts';
import { CliError, describeFailure, failureText, UsageError } from './cli-error.ts';
import type { CliIo } from './cli-io.ts';
import { helpHint, parseCommandLine, type CommandSpec } from './command-line.ts';
import { runEvidence } from './evidence-commands.ts';
import { runFleet } from './fleet-commands.ts';
import cliPackage from '../package.json' with { type: 'json' };

export { CliError, UsageError };

/** The version `vident --version` prints: the cli package's. */
export const VERSION = cliPackage.version;

/**
 * Runs one command line; resolves to the exit code (0 done, 1 a command that failed its way, e.g.
 * a pack that does not verify). Throws UsageError for a usage mistake, anything else for a failure.
 */
export async function run(argv: readonly string[], io: CliIo = { out: (line) => console.log(line) }, width?: number): Promise<number> {
  const line = parseCommandLine(argv, { version: VERSION, ...(width ? { width } : {}) });
  if (line.kind === 'complete') throw new CliError('completion', 'completion requests are answered by main.ts');
  if (line.kind === 'print') {
    io.out(line.text);
    return 0;
  }
  return runSpec(line.spec, { ...io, json: line.json || io.json === true });
}

function runSpec(spec: CommandSpec, io: CliIo): Promise<number> {
  switch (spec.group) {
    case 'evidence':
      return runEvidence(spec.args, io.env ?? process.env, io);
    case 'nodes':
    case 'sessions':
      return runFleet(spec.args, io);
    case 'agents':
      return runAgents(spec.args, io);
  }
}

/**
 * `run` as the shell sees it: never throws; a failure is one stderr entry with a stable code
 * (JSON with --json), exit 2 for a usage mistake and 1 for anything else.
 */
export async function runCli(argv: readonly string[], io: CliIo, width?: number): Promise<number> {
  try {
    return await run(argv, io, width);
  } catch (error) {
    const failure = describeFailure(error);
    const err = io.err ?? ((l: string) => console.error(l));
    err(failureText(failure, argv.includes('--json'), helpHint(argv)));
    return failure.exitCode;
  }
}

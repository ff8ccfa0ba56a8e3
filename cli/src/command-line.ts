/*
 * The `vident` command line, parsed by yargs into the command to run. Nothing here reads a file,
 * the environment or the network: the help, version and completion texts come back as text, a
 * usage mistake as a UsageError, anything else as a CommandSpec that commands.ts runs.
 */
import yargs, { type Argv } from 'yargs';
import type { AgentArgs } from './agent-commands.ts';
import { UsageError } from './cli-error.ts';
import type { EvidenceArgs } from './evidence-commands.ts';
import type { FleetArgs } from './fleet-commands.ts';

export type CommandSpec = { group: 'evidence'; args: EvidenceArgs } | { group: 'nodes' | 'sessions'; args: FleetArgs } | { group: 'agents'; args: AgentArgs };

export type CommandLine =
  /** Run a command; `json` asks for JSON output. */
  | { kind: 'run'; spec: CommandSpec; json: boolean }
  /** --help, --version or the completion script: print `text` on stdout, exit 0. */
  | { kind: 'print'; text: string }
  /** The shell's completion script asking for candidates (yargs prints them itself). */
  | { kind: 'complete' };

const COMPLETION_HELP = `vident completion

print a bash (or, run from zsh, a zsh) completion script for vident; install it with
  vident completion >> ~/.bashrc     (or ~/.zshrc)
vident must be on the PATH for the script to call it.`;

/** The option the completion script calls the command with. */
export const COMPLETION_REQUEST = '--get-yargs-completions';

const BANK_KEY = 'Bank API key: VIDENT_URL, VIDENT_KEY_ID and VIDENT_KEY_SECRET (or --state-dir of a local stack).';
const ADMIN_KEY = 'Admin API key: VIDENT_URL, VIDENT_ADMIN_KEY_ID and VIDENT_ADMIN_KEY_SECRET (or --state-dir of a local stack).';
const EXIT_STATUS = 'Exit status: 0 done, 1 failed (a stable code and a message on stderr), 2 a usage mistake.';

export interface ParserOptions {
  version: string;
  /** Help text width (the terminal's); tests fix it. */
  width?: number;
}

/** yargs' definition of every command; `select` receives the command chosen. */
export function buildParser(options: ParserOptions, select: (spec: CommandSpec) => void = () => undefined): Argv {
  const stateDir = { type: 'string', requiresArg: true, describe: "a local stack's folder: credentials from its secrets.json (URL from VIDENT_URL, else 127.0.0.1:8787)" } as const;
  const signingKey = { type: 'string', requiresArg: true, describe: 'base64 Ed25519 public key to verify under (default: the pinned key the pack names)' } as const;
  const evidence = (args: Partial<EvidenceArgs> & Pick<EvidenceArgs, 'command'>) =>
    select({ group: 'evidence', args: { target: undefined, out: undefined, key: undefined, signingKey: undefined, stateDir: undefined, ...args } });
  const fleet = (group: 'nodes' | 'sessions', args: Partial<FleetArgs> & Pick<FleetArgs, 'command'>) =>
    select({ group, args: { group, target: undefined, stateDir: undefined, node: undefined, ...args } });

  return yargs()
    .scriptName('vident')
    .locale('en')
    .usage('$0 <command>\n\nThe command line for a bank\'s back office (evidence packs, agents) and the platform team (media nodes, live sessions).')
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false, 'duplicate-arguments-array': false })
    .option('json', { type: 'boolean', global: true, describe: 'print the result as JSON on stdout (nothing else there)' })
    .command('evidence', 'evidence packs: download, verify offline, decrypt with the bank key, pin the signing key', (y) =>
      y
        .usage('$0 evidence <command>\n\nEvidence packs of decided sessions. ' + BANK_KEY)
        .command(
          'download <sessionId>',
          'download the signed manifest, audit trail and sealed files of a session (the first download pins the signing key)',
          (c) => c.positional('sessionId', { type: 'string', demandOption: true, describe: 'the session' }).option('out', { type: 'string', requiresArg: true, demandOption: true, describe: 'folder to write the pack to' }).option('state-dir', stateDir),
          (a) => evidence({ command: 'download', target: a.sessionId, out: a.out, stateDir: a.stateDir }),
        )
        .command(
          'verify <dir>',
          "check a pack offline: the signature under the PINNED key, the audit chain, every artifact's SHA-256",
          (c) => c.positional('dir', { type: 'string', demandOption: true, describe: 'a downloaded pack' }).option('signing-key', signingKey).option('state-dir', { ...stateDir, hidden: true }),
          (a) => evidence({ command: 'verify', target: a.dir, signingKey: a.signingKey }),
        )
        .command(
          'decrypt <dir>',
          'verify a pack, then open every sealed file with the bank private key',
          (c) =>
            c
              .positional('dir', { type: 'string', demandOption: true, describe: 'a downloaded pack' })
              .option('key', { type: 'string', requiresArg: true, demandOption: true, describe: "the bank's RSA private key (PKCS#8 PEM file)" })
              .option('out', { type: 'string', requiresArg: true, describe: 'folder for the plaintext files (default: <dir>/decrypted)' })
              .option('signing-key', signingKey)
              .option('state-dir', { ...stateDir, hidden: true }),
          (a) => evidence({ command: 'decrypt', target: a.dir, key: a.key, out: a.out, signingKey: a.signingKey }),
        )
        .command(
          'pin-key',
          "trust an evidence signing key (after a rotation): --signing-key, else the control plane's current key",
          (c) => c.option('signing-key', { type: 'string', requiresArg: true, describe: 'base64 Ed25519 public key to pin' }).option('state-dir', { ...stateDir, hidden: true }),
          (a) => evidence({ command: 'pin-key', signingKey: a.signingKey }),
        )
        .demandCommand(1, 'vident evidence: which command? download, verify, decrypt or pin-key'),
    )
    .command('nodes', 'the media node fleet: list, enrol, revoke, drain, undrain', (y) => {
      const nodeId = (c: Argv) => c.positional('nodeId', { type: 'string', demandOption: true, describe: 'the node' }).option('state-dir', stateDir);
      return y
        .usage('$0 nodes <command>\n\nThe media node fleet. ' + ADMIN_KEY)
        .command('list', 'every node: region, status, sessions/capacity, Janus CPU, version, heartbeat age', (c) => c.option('state-dir', stateDir), (a) =>
          fleet('nodes', { command: 'list', stateDir: a.stateDir as string | undefined }),
        )
        .command(
          'enrol <nodeId>',
          "enrol a node with its public key and command URL; prints the control plane's key for the node to pin",
          (c) =>
            nodeId(c)
              .option('public-key', { type: 'string', requiresArg: true, demandOption: true, describe: 'the node\'s Ed25519 public key (base64; install.sh prints it)' })
              .option('url', { type: 'string', requiresArg: true, demandOption: true, describe: "the node's command URL (https://...)" })
              .option('region', { type: 'string', requiresArg: true, describe: 'its region (default: default)' }),
          (a) => fleet('nodes', { command: 'enrol', target: a.nodeId as string, stateDir: a.stateDir as string | undefined, publicKey: a.publicKey, url: a.url, region: a.region }),
        )
        .command('revoke <nodeId>', 'refuse the node at once; its sessions move to other nodes', nodeId, (a) =>
          fleet('nodes', { command: 'revoke', target: a.nodeId as string, stateDir: a.stateDir as string | undefined }),
        )
        .command('drain <nodeId>', 'no new sessions on the node; its calls finish', nodeId, (a) =>
          fleet('nodes', { command: 'drain', target: a.nodeId as string, stateDir: a.stateDir as string | undefined }),
        )
        .command('undrain <nodeId>', 'the node takes sessions again', nodeId, (a) =>
          fleet('nodes', { command: 'undrain', target: a.nodeId as string, stateDir: a.stateDir as string | undefined }),
        )
        .demandCommand(1, 'vident nodes: which command? list, enrol, revoke, drain or undrain');
    })
    .command('sessions', 'live sessions and one session\'s timeline', (y) =>
      y
        .usage('$0 sessions <command>\n\nLive sessions (no customer data). ' + ADMIN_KEY)
        .command('list', 'live sessions with their node and state', (c) => c.option('node', { type: 'string', requiresArg: true, describe: 'only the sessions on this node' }).option('state-dir', stateDir), (a) =>
          fleet('sessions', { command: 'list', node: a.node, stateDir: a.stateDir }),
        )
        .command(
          'timeline <sessionId>',
          "a session's events: time, role, action, no details (reading it is audited)",
          (c) => c.positional('sessionId', { type: 'string', demandOption: true, describe: 'the session' }).option('state-dir', stateDir),
          (a) => fleet('sessions', { command: 'timeline', target: a.sessionId, stateDir: a.stateDir }),
        )
        .demandCommand(1, 'vident sessions: which command? list or timeline'),
    )
    .command('agents', 'desk agents: revoke', (y) =>
      y
        .usage('$0 agents <command>\n\nDesk agents. ' + BANK_KEY)
        .command(
          'revoke <agentId>',
          "cut a desk agent off at once: its desk tokens refused, its consoles closed, its session's link refused",
          (c) => c.positional('agentId', { type: 'string', demandOption: true, describe: 'the agent' }).option('state-dir', stateDir),
          (a) => select({ group: 'agents', args: { command: 'revoke', target: a.agentId, stateDir: a.stateDir } }),
        )
        .demandCommand(1, 'vident agents: which command? revoke'),
    )
    .completion('completion', 'print a bash/zsh completion script (vident completion >> ~/.bashrc)')
    .demandCommand(1, 'which command? evidence, nodes, sessions or agents')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version(options.version)
    .showHelpOnFail(false)
    .epilogue(EXIT_STATUS)
    .wrap(options.width ?? 100);
}

/** The leading words of argv that name a command ("nodes", "drain"), and the word after them. */
function commandWords(argv: readonly string[]): { words: string[]; next: string | undefined } {
  const words: string[] = [];
  for (const word of argv) {
    if (word.startsWith('-') || words.length === 2) return { words, next: undefined };
    const known = words.length === 0 ? Object.keys(subcommands) : subcommands[words[0]!] ?? [];
    if (!known.includes(word)) return { words, next: word };
    words.push(word);
  }
  return { words, next: undefined };
}

/** `run "vident nodes --help" for usage`: the help of the deepest command the line named. */
export function helpHint(argv: readonly string[]): string {
  return `run "${['vident', ...commandWords(argv).words, '--help'].join(' ')}" for usage`;
}

const subcommands: Record<string, string[]> = {
  completion: [],
  evidence: ['download', 'verify', 'decrypt', 'pin-key'],
  nodes: ['list', 'enrol', 'revoke', 'drain', 'undrain'],
  sessions: ['list', 'timeline'],
  agents: ['revoke'],
};

/** Parses a command line (without `node vident`). Throws UsageError for a usage mistake. */
export function parseCommandLine(argv: readonly string[], options: ParserOptions): CommandLine {
  if (argv.includes(COMPLETION_REQUEST)) return { kind: 'complete' };
  // yargs answers `completion --help` with the script itself.
  if (argv[0] === 'completion' && (argv.includes('--help') || argv.includes('-h'))) return { kind: 'print', text: COMPLETION_HELP };
  let spec: CommandSpec | undefined;
  let failure: string | undefined;
  let output = '';
  let json = false;
  buildParser(options, (s) => (spec = s)).parse([...argv], {}, (error, args, text) => {
    failure = error ? error.message : undefined;
    output = text;
    json = args.json === true;
  });
  if (failure !== undefined) {
    // yargs says "Unknown arguments: fleet, list" or only "Did you mean list?" for a mistyped command.
    const unknown = commandWords(argv).next;
    if (unknown === undefined) throw new UsageError(failure);
    throw new UsageError(`unknown command ${JSON.stringify(unknown)}${failure.startsWith('Did you mean') ? `. ${failure}` : ''}`);
  }
  if (spec === undefined) return { kind: 'print', text: output };
  return { kind: 'run', spec, json };
}

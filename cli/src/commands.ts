/*
 * `vident`: the command line for a bank's back office and the platform team.
 *
 *   vident evidence download|verify|decrypt ...   evidence packs (evidence-commands.ts)
 *   vident nodes list|enrol|revoke|drain|undrain  the media node fleet (fleet-commands.ts)
 *   vident sessions list|timeline ...             live sessions and one session's timeline
 *   vident agents revoke <agentId>                cut a desk agent off at once (agent-commands.ts)
 *
 * The bank API (evidence, agents) is reached with VIDENT_URL, VIDENT_KEY_ID and VIDENT_KEY_SECRET;
 * the admin API (nodes, sessions) with VIDENT_ADMIN_KEY_ID and VIDENT_ADMIN_KEY_SECRET. For a local stack,
 * --state-dir <dir> reads both from its secrets.json (URL from VIDENT_URL or 127.0.0.1:8787).
 */
import { parseArgs } from 'node:util';
import { agentUsage, runAgents } from './agent-commands.ts';
import { evidenceUsage, runEvidence } from './evidence-commands.ts';
import { fleetUsage, runFleet, type FleetIo } from './fleet-commands.ts';
import { UsageError } from './usage-error.ts';

export { UsageError };

const usage = `usage:\n${evidenceUsage}\n${fleetUsage}\n${agentUsage}`;

/** Runs one command; resolves to the exit code. Throws UsageError for bad arguments. */
export async function run(argv: string[], io: FleetIo = { out: (line) => console.log(line) }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        key: { type: 'string' },
        'signing-key': { type: 'string' },
        'state-dir': { type: 'string' },
        node: { type: 'string' },
        'public-key': { type: 'string' },
        url: { type: 'string' },
        region: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
  const { values, positionals } = parsed;
  const [group, command, target, ...extra] = positionals;
  if (values.help || extra.length > 0) throw new UsageError(usage);
  switch (group) {
    case 'evidence':
      return runEvidence({ command, target, out: values.out, key: values.key, signingKey: values['signing-key'], stateDir: values['state-dir'] });
    case 'nodes':
    case 'sessions':
      return runFleet(
        { group, command, target, stateDir: values['state-dir'], node: values.node, publicKey: values['public-key'], url: values.url, region: values.region },
        io,
      );
    case 'agents':
      return runAgents({ command, target, stateDir: values['state-dir'] }, io);
    default:
      throw new UsageError(usage);
  }
}

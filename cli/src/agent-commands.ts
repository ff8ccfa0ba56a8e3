import { AgentId, createBankClient } from '@vident/protocol';
import { bankCredentials } from './credentials.ts';
import type { FleetIo } from './fleet-commands.ts';
import { UsageError } from './usage-error.ts';

export const agentUsage = `  vident agents revoke <agentId> [--state-dir <dir>]`;

/**
 * `vident agents revoke <agentId>` (bank key): the agent's desk tokens and its link into the
 * session it holds are refused at once, its consoles closed (POST /v1/agents/:agentId/revoke).
 */
export async function runAgents(a: { command: string | undefined; target: string | undefined; stateDir: string | undefined }, io: FleetIo): Promise<number> {
  if (a.command !== 'revoke') throw new UsageError(`vident agents: revoke\n${agentUsage}`);
  const agentId = AgentId.safeParse(a.target);
  if (!agentId.success) throw new UsageError(`vident agents revoke: an agent id (1..64 of A-Z a-z 0-9 _ . @ -)\n${agentUsage}`);
  const client = createBankClient({ ...bankCredentials(a.stateDir, io.env), ...(io.fetch ? { fetch: io.fetch } : {}) });
  const revoked = await client.revokeAgent(agentId.data);
  io.out(`${revoked.agentId} revoked at ${revoked.revokedAt}: its desk tokens are refused and its consoles closed`);
  if (revoked.sessionId) io.out(`it held session ${revoked.sessionId}, which no longer admits it`);
  return 0;
}

import { AgentId, createBankClient } from '@vident/protocol';
import { UsageError } from './cli-error.ts';
import { emit, type CliIo } from './cli-io.ts';
import { bankCredentials } from './credentials.ts';

export interface AgentArgs {
  command: string | undefined;
  target: string | undefined;
  stateDir: string | undefined;
}

/**
 * `vident agents revoke <agentId>` (bank key): the agent's desk tokens and its link into the
 * session it holds are refused at once, its consoles closed (POST /v1/agents/:agentId/revoke).
 */
export async function runAgents(a: AgentArgs, io: CliIo): Promise<number> {
  if (a.command !== 'revoke') throw new UsageError('vident agents: revoke');
  const agentId = AgentId.safeParse(a.target);
  if (!agentId.success) throw new UsageError('vident agents revoke: an agent id (1..64 of A-Z a-z 0-9 _ . @ -)');
  const client = createBankClient({ ...bankCredentials(a.stateDir, io.env), ...(io.fetch ? { fetch: io.fetch } : {}) });
  const revoked = await client.revokeAgent(agentId.data);
  emit(io, revoked, () => [
    `${revoked.agentId} revoked at ${revoked.revokedAt}: its desk tokens are refused and its consoles closed`,
    ...(revoked.sessionId ? [`it held session ${revoked.sessionId}, which no longer admits it`] : []),
  ]);
  return 0;
}

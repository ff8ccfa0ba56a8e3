import { CreateSessionRequest, type CreateSessionResponse } from '@vident/protocol';
import type { z } from 'zod';
import type { Config } from '../base/config.ts';
import type { Caller } from '../base/caller.ts';
import { registryStub, sessionStub, type Env } from '../base/env.ts';
import type { ReplayTicket } from '../base/replay-guard-rpc.ts';
import type { CreatedResult } from './session-rpc.ts';
import { bankKeyOf } from '../evidence/evidence-keys.ts';
import { ApiError, fromFailure } from '../base/http-error.ts';
import { log } from '../base/log.ts';
import { participantLinks } from './session-link.ts';

export type ParsedCreateSession = z.output<typeof CreateSessionRequest>;

/**
 * Both outcomes once both settled (neither is left running behind the answer); the first failure
 * in argument order is thrown, so a refused replay claim wins over what the work did.
 */
export async function settled<A, B>(work: Promise<A>, gate: Promise<B>): Promise<[A, B]> {
  const [w, g] = await Promise.allSettled([work, gate]);
  if (g.status === 'rejected') throw g.reason;
  if (w.status === 'rejected') throw w.reason;
  return [w.value, g.value];
}

/**
 * Creates a session (503 not_configured for a recorded session without the bank's evidence key).
 * One round trip to the new session's object, which places itself on a live node with a free slot
 * (503 no_media_node otherwise) while it claims `replay` (the request's replay ticket; 401
 * request_replayed), stores itself only once both succeeded (a placement whose claim was refused is
 * released, so a refused request leaves nothing behind), audits its creation, arms its timeout and
 * writes its directory row. Both participants' links are minted meanwhile. Without `replay` the
 * caller has claimed the request itself.
 */
export async function createSession(
  env: Env,
  config: Config,
  request: ParsedCreateSession,
  baseUrl: string,
  now: number = Date.now(),
  caller?: Caller,
  replay?: ReplayTicket,
): Promise<CreateSessionResponse> {
  // A bank must not record what it cannot open: recording needs its public key to seal with.
  if (request.record && !(await bankKeyOf(config.evidence))) {
    throw new ApiError('not_configured', 503, 'recorded sessions need EVIDENCE_PUBLIC_KEY (the bank key that seals the evidence)');
  }
  const sessionId = crypto.randomUUID();
  const expiresAt = now + config.sessionMaxMinutes * 60_000;
  const init = async (): Promise<CreatedResult> => sessionStub(env, sessionId).init(
    {
      sessionId,
      request,
      ...(request.region === undefined ? {} : { region: request.region }),
      ...(replay ? { replay } : {}),
      createdAt: now,
      expiresAt,
      linkExpiresAt: now + config.linkValidityMinutes * 60_000,
      reconnectGraceMs: config.reconnectGraceSeconds * 1000,
      oneTimeCodeRequired: (request.oneTimeCode ?? config.procedure.oneTimeCode) === 'required',
    },
    caller,
  );
  const [created, links] = await settled(init(), participantLinks(config, baseUrl, sessionId, expiresAt, request.locale)).catch(async (err: unknown) => {
    // The object may have placed itself before it failed: its slot is freed (idempotent).
    await registryStub(env).release(sessionId).catch((e: unknown) => log('node_release_failed', { sessionId, message: e instanceof Error ? e.message : String(e) }));
    throw err;
  });
  if (!created.ok) throw fromFailure(created);
  return { sessionId, ...links, expiresAt: new Date(expiresAt).toISOString() };
}

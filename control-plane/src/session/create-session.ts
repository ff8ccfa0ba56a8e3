import { CreateSessionRequest, type CreateSessionResponse } from '@vident/protocol';
import type { z } from 'zod';
import type { Config } from '../base/config.ts';
import type { Caller } from '../base/caller.ts';
import { registryStub, sessionStub, type Env } from '../base/env.ts';
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
 * Creates a session: places it on a live node with a free slot (503 no_media_node otherwise; 503
 * not_configured for a recorded session without the bank's evidence key),
 * initializes its Durable Object (which arms the timeout) and mints both participants' links.
 * `claimed` (the request's replay claim) runs alongside the placement; the session object is
 * initialized only once both succeeded, and a placement whose claim was refused is released, so a
 * refused request leaves nothing behind (its signature was verified before any of this started).
 */
export async function createSession(
  env: Env,
  config: Config,
  request: ParsedCreateSession,
  baseUrl: string,
  now: number = Date.now(),
  caller?: Caller,
  claimed: Promise<void> = Promise.resolve(),
): Promise<CreateSessionResponse> {
  // A bank must not record what it cannot open: recording needs its public key to seal with.
  if (request.record && !(await bankKeyOf(config.evidence))) {
    throw new ApiError('not_configured', 503, 'recorded sessions need EVIDENCE_PUBLIC_KEY (the bank key that seals the evidence)');
  }
  const sessionId = crypto.randomUUID();
  const expiresAt = now + config.sessionMaxMinutes * 60_000;
  const registry = registryStub(env);
  const placing = registry.place(sessionId, now, request.region);
  const [placement] = await settled(placing, claimed).catch(async (err: unknown) => {
    if (await placing.catch(() => null)) {
      await registry.release(sessionId).catch((e: unknown) => log('node_release_failed', { sessionId, message: e instanceof Error ? e.message : String(e) }));
    }
    throw err;
  });
  if (!placement) {
    log('session_refused', { reason: 'no_media_node' });
    throw new ApiError('no_media_node', 503, 'no live, undrained media node with Janus up has a free slot');
  }
  const created = await sessionStub(env, sessionId).init({
    sessionId,
    request,
    nodeId: placement.nodeId,
    nodeUrl: placement.url,
    createdAt: now,
    expiresAt,
    linkExpiresAt: now + config.linkValidityMinutes * 60_000,
    reconnectGraceMs: config.reconnectGraceSeconds * 1000,
    oneTimeCodeRequired: (request.oneTimeCode ?? config.procedure.oneTimeCode) === 'required',
  }, caller);
  if (!created.ok) {
    await registry.release(sessionId);
    throw fromFailure(created);
  }
  return {
    sessionId,
    ...(await participantLinks(config, baseUrl, sessionId, expiresAt, request.locale)),
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

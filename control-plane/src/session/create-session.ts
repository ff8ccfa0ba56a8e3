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
 * Creates a session: places it on a live node with a free slot (503 no_media_node otherwise; 503
 * not_configured for a recorded session without the bank's evidence key),
 * initializes its Durable Object (which arms the timeout) and mints both participants' links.
 */
export async function createSession(
  env: Env,
  config: Config,
  request: ParsedCreateSession,
  baseUrl: string,
  now: number = Date.now(),
  caller?: Caller,
): Promise<CreateSessionResponse> {
  // A bank must not record what it cannot open: recording needs its public key to seal with.
  if (request.record && !(await bankKeyOf(config.evidence))) {
    throw new ApiError('not_configured', 503, 'recorded sessions need EVIDENCE_PUBLIC_KEY (the bank key that seals the evidence)');
  }
  const sessionId = crypto.randomUUID();
  const expiresAt = now + config.sessionMaxMinutes * 60_000;
  const registry = registryStub(env);
  const placement = await registry.place(sessionId, now, request.region);
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

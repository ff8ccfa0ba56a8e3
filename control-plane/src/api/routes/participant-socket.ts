import { PARTICIPANT_TOKEN_PROTOCOL_PREFIX, SessionId, SIGNALING_SUBPROTOCOL } from '@vident/protocol';
import { Hono } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { AGENT_CLAIM_HEADER, ROLE_HEADER } from '../../session/session-rpc.ts';
import { sessionStub } from '../../base/env.ts';
import { ApiError, parseInput } from '../../base/http-error.ts';
import { agentClaimOfToken, verifyToken } from '../../session/participant-token.ts';

/**
 * `GET /v1/sessions/:id/ws`: a participant's WebSocket. The browser offers the subprotocols
 * ['vident.v1', 'vident-token.<token>'] — the token rides in a header because query strings end up
 * in logs. The token is checked here, before any upgrade; the Durable Object answers the 101.
 */
export const participantSocketRoutes = new Hono<AppEnv>().get('/:id/ws', async (c) => {
  const sessionId = parseInput(SessionId, c.req.param('id'));
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    throw new ApiError('bad_request', 426, 'expected a WebSocket upgrade');
  }
  const offered = (c.req.header('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim());
  if (!offered.includes(SIGNALING_SUBPROTOCOL)) throw new ApiError('bad_request', 400, `subprotocol ${SIGNALING_SUBPROTOCOL} is required`);
  const token = offered.find((p) => p.startsWith(PARTICIPANT_TOKEN_PROTOCOL_PREFIX))?.slice(PARTICIPANT_TOKEN_PROTOCOL_PREFIX.length);
  if (!token) throw new ApiError('token_invalid', 401, 'participant token is missing');
  const check = await verifyToken(c.var.config.tokenSecret, token, { sessionId, now: Date.now() });
  if (!check.ok) throw new ApiError(check.code, 401, check.message);

  const headers = new Headers(c.req.raw.headers);
  // The Durable Object trusts these headers: always ours, never the client's; the token stays here.
  headers.set(ROLE_HEADER, check.payload.role);
  headers.delete(AGENT_CLAIM_HEADER);
  const claim = agentClaimOfToken(check.payload);
  if (claim) headers.set(AGENT_CLAIM_HEADER, JSON.stringify(claim));
  headers.set('sec-websocket-protocol', SIGNALING_SUBPROTOCOL);
  return sessionStub(c.env, sessionId).fetch(new Request(c.req.url, { method: 'GET', headers }));
});

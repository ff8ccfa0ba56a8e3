import { AgentId, AgentSignInRequest, DESK_TOKEN_PROTOCOL_PREFIX, type AgentRevocation, type AgentSignInResponse, type DeskTokenRefresh } from '@vident/protocol';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { baseUrlFor } from '../../session/session-link.ts';
import { deskOverview } from '../../desk/desk-overview.ts';
import { deskTokenExpiry, mintDeskToken, verifyDeskToken, type DeskTokenPayload } from '../../desk/desk-token.ts';
import { DESK_AGENT_HEADER, DESK_SUBPROTOCOL, type DeskIdentity } from '../../desk/desk-socket.ts';
import { deskStub } from '../../base/env.ts';
import { ApiError, parseInput, parseJsonBody } from '../../base/http-error.ts';
import { log } from '../../base/log.ts';
import { bankAuth } from '../../base/signed-request.ts';
import { callerOf } from '../request-caller.ts';
import { loadFunnelReport, parseFunnelQuery } from '../../reports/funnel-report.ts';

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/**
 * `POST /v1/agents/sign-ins` (bank-signed): the bank's backend, after its own SSO, gets a console link
 * for an agent or supervisor. The token rides in the link's fragment, never in a log; it lives
 * DESK_TOKEN_MINUTES and the console refreshes it until the sign-in's end.
 * `POST /v1/agents/:agentId/revoke` (bank-signed): cuts the agent off the desk and its sessions at once.
 */
export const agentSignInRoutes = new Hono<AppEnv>()
  .use('*', bankAuth)
  .post('/sign-ins', async (c) => {
    const body = parseJsonBody(AgentSignInRequest, c.var.rawBody);
    const now = Date.now();
    const until = Math.floor((now + body.ttlMinutes * 60_000) / 1000);
    const exp = deskTokenExpiry(now, until);
    const token = await mintDeskToken(c.var.config.tokenSecret, {
      aid: body.agentId,
      name: body.name,
      role: body.role,
      loc: body.locales,
      exp,
      until,
      gen: await deskStub(c.env).generation(body.agentId),
    });
    const page = body.role === 'supervisor' ? 'supervisor' : 'agent';
    log('agent_signed_in', { agentId: body.agentId, role: body.role, bankKeyId: c.var.keyId, ttlMinutes: body.ttlMinutes });
    const answer: AgentSignInResponse = {
      consoleUrl: `${baseUrlFor(c.var.config, c.req.url)}/${page}#token=${token}`,
      expiresAt: iso(until),
      tokenExpiresAt: iso(exp),
    };
    return c.json(answer, 201);
  })
  .post('/:agentId/revoke', async (c) => {
    const agentId = parseInput(AgentId, c.req.param('agentId'));
    const revoked = await deskStub(c.env).revokeAgent(agentId, callerOf(c));
    log('agent_revoked', { agentId, bankKeyId: c.var.keyId, sessionId: revoked.sessionId });
    const answer: AgentRevocation = { agentId, revokedAt: revoked.revokedAt, sessionId: revoked.sessionId };
    return c.json(answer);
  });

/** The verified desk token of a request, refused when expired, forged or revoked (its generation is not the agent's). */
async function deskCaller(c: Context<AppEnv>, token: string | undefined): Promise<DeskTokenPayload> {
  if (!token) throw new ApiError('token_invalid', 401, 'desk token is missing');
  const check = await verifyDeskToken(c.var.config.tokenSecret, token, Date.now());
  if (!check.ok) throw new ApiError(check.code, 401, check.message);
  if ((await deskStub(c.env).generation(check.payload.aid)) !== check.payload.gen) {
    throw new ApiError('token_revoked', 401, "this agent's desk access was revoked; sign in again");
  }
  return check.payload;
}

function bearer(c: Context<AppEnv>): string | undefined {
  const auth = c.req.header('authorization') ?? '';
  return /^Bearer [A-Za-z0-9_.-]+$/.test(auth) ? auth.slice('Bearer '.length) : undefined;
}

/**
 * `/v1/desk/socket`: a console's WebSocket, with the subprotocols ['vident-desk.v1',
 * 'vident-desk-token.<token>'] (as participant sockets do: no token in a query string).
 * `/v1/desk/overview`: the supervisor's view, `Authorization: Bearer <desk token>`; agents get 403.
 * `/v1/desk/funnel?from&to[&agent]`: the verification funnel (JSON only), supervisors only, as `overview`.
 * `/v1/desk/token`: a fresh desk token for the same sign-in, `Authorization: Bearer <desk token>`.
 */
export const deskRoutes = new Hono<AppEnv>()
  .get('/socket', async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') throw new ApiError('bad_request', 426, 'expected a WebSocket upgrade');
    const offered = (c.req.header('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(DESK_SUBPROTOCOL)) throw new ApiError('bad_request', 400, `subprotocol ${DESK_SUBPROTOCOL} is required`);
    const token = offered.find((p) => p.startsWith(DESK_TOKEN_PROTOCOL_PREFIX))?.slice(DESK_TOKEN_PROTOCOL_PREFIX.length);
    if (!token) throw new ApiError('token_invalid', 401, 'desk token is missing');
    const check = await verifyDeskToken(c.var.config.tokenSecret, token, Date.now());
    if (!check.ok) throw new ApiError(check.code, 401, check.message);
    const who = check.payload;
    // The generation is checked by the desk itself, which then tells the console why it is refused.
    const identity: DeskIdentity = { agentId: who.aid, name: who.name, role: who.role, locales: who.loc, baseUrl: baseUrlFor(c.var.config, c.req.url), gen: who.gen };
    const headers = new Headers(c.req.raw.headers);
    // The desk trusts this header: always ours, never the client's; the token stays here. URI-encoded:
    // a header value must be ASCII, and names are often not (김민지).
    headers.set(DESK_AGENT_HEADER, encodeURIComponent(JSON.stringify(identity)));
    headers.set('sec-websocket-protocol', DESK_SUBPROTOCOL);
    return deskStub(c.env).fetch(new Request(c.req.url, { method: 'GET', headers }));
  })
  .get('/overview', async (c) => {
    const who = await deskCaller(c, bearer(c));
    if (who.role !== 'supervisor') throw new ApiError('forbidden', 403, 'the overview is for supervisors');
    return c.json(await deskOverview(c.env, c.var.config));
  })
  .get('/funnel', async (c) => {
    const who = await deskCaller(c, bearer(c));
    if (who.role !== 'supervisor') throw new ApiError('forbidden', 403, 'the funnel is for supervisors');
    const query = parseFunnelQuery(c.req.query());
    if (query.format !== 'json') throw new ApiError('validation_failed', 400, 'format: the desk answers JSON only');
    return c.json(await loadFunnelReport(c.env, query, Date.now()));
  })
  .post('/token', async (c) => {
    const who = await deskCaller(c, bearer(c));
    const exp = deskTokenExpiry(Date.now(), who.until);
    const token = await mintDeskToken(c.var.config.tokenSecret, { aid: who.aid, name: who.name, role: who.role, loc: who.loc, exp, until: who.until, gen: who.gen });
    const answer: DeskTokenRefresh = { token, expiresAt: iso(exp), signInExpiresAt: iso(who.until) };
    return c.json(answer);
  });

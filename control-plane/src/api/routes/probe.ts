import { PrecheckSignal, ProbeId, probeOfferProblem, ProbeReport, ProbeRequest, SessionId, type IceServer, type NodeCommand, type ProbeAnswer } from '@vident/protocol';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { sessionStub } from '../../base/env.ts';
import { ApiError, fromFailure, parseInput, parseJsonBody, readBody } from '../../base/http-error.ts';
import { log } from '../../base/log.ts';
import { sendNodeCommand } from '../../fleet/node-client.ts';
import { verifyToken } from '../../session/participant-token.ts';
import { turnIceServer, type TurnConfig } from '../../session/turn-credentials.ts';

/** The media node answers well within this; the browser gives the whole check 10 s. */
const PROBE_COMMAND_TIMEOUT_MS = 8_000;

/** The customer's token from `Authorization: Bearer` (never a query string: it would reach logs). */
async function customerOf(c: Context<AppEnv>, sessionId: string): Promise<void> {
  const auth = /^Bearer ([\x21-\x7e]{1,2048})$/.exec(c.req.header('authorization') ?? '');
  if (!auth) throw new ApiError('token_invalid', 401, 'Authorization: Bearer <participant token> is required');
  const check = await verifyToken(c.var.config.tokenSecret, auth[1]!, { sessionId, now: Date.now() });
  if (!check.ok) throw new ApiError(check.code, 401, check.message);
  // The agent's console has no pre-call check; only the customer may probe (and spend the session's rate).
  if (check.payload.role !== 'customer') throw new ApiError('forbidden', 403, 'only the customer runs the network check');
}

/**
 * The customer's TURN servers for the relay probe, minted as the welcome mints them (same label:
 * session id prefix and role, no secret), so the probe tests exactly the credentials the call gets.
 */
async function customerIceServers(turn: TurnConfig | null, sessionId: string): Promise<IceServer[]> {
  return turn ? [await turnIceServer(turn, sessionId, 'customer', Date.now())] : [];
}

/**
 * The customer's pre-call reachability check of the media path over TCP (see protocol/src/probe.ts).
 *
 * `POST /v1/sessions/:id/probe` {sdp, transport?}: a data-channel-only offer; the session (rate
 * limit, ended sessions refused, audited `precheck.probe`) names its media node, which answers
 * through a Janus EchoTest handle with the candidates `transport` allows; the answer also carries
 * the customer's TURN servers for a `relay` probe after a failed direct one.
 * `POST /v1/sessions/:id/probe/:probeId/result` {result, transport?, failure?, echoMs?}: what
 * the browser saw, audited once as `precheck.network`. Neither joins the session.
 * `POST /v1/sessions/:id/precheck` {event}: the page was opened, or the camera/microphone permission
 * was refused (funnel-marks.ts), noted and audited once each.
 * Mounted before sessionRoutes: token-authenticated, not bank-signed.
 */
export const probeRoutes = new Hono<AppEnv>()
  .post('/:id/probe', async (c) => {
    const sessionId = parseInput(SessionId, c.req.param('id'));
    await customerOf(c, sessionId);
    const { sdp, transport } = parseJsonBody(ProbeRequest, (await readBody(c.req.raw)).text);
    const problem = probeOfferProblem(sdp);
    if (problem !== null) throw new ApiError('validation_failed', 400, problem);
    const ticket = await sessionStub(c.env, sessionId).admitProbe(c.req.header('cf-connecting-ip') ?? null);
    if (!ticket.ok) throw fromFailure(ticket);
    // `transport` only when relay: a node that predates the field refuses unknown keys, and direct is its default.
    const command: Extract<NodeCommand, { type: 'probe' }> = { type: 'probe', sessionId, probeId: ticket.probeId, sdp, ...(transport === 'relay' ? { transport } : {}) };
    const answered = await sendNodeCommand(c.env, ticket.node.nodeId, command, { timeoutMs: PROBE_COMMAND_TIMEOUT_MS });
    if (!answered.ok) {
      log('probe_failed', { sessionId, probeId: ticket.probeId, message: answered.message });
      throw new ApiError('media_node_error', 502, answered.message);
    }
    const iceServers = await customerIceServers(c.var.config.turn, sessionId);
    return c.json({ probeId: ticket.probeId, sdp: answered.result.sdp, iceServers } satisfies ProbeAnswer);
  })
  .post('/:id/probe/:probeId/result', async (c) => {
    const sessionId = parseInput(SessionId, c.req.param('id'));
    await customerOf(c, sessionId);
    const probeId = parseInput(ProbeId, c.req.param('probeId'));
    const report = parseJsonBody(ProbeReport, (await readBody(c.req.raw)).text);
    const stored = await sessionStub(c.env, sessionId).reportProbe(probeId, report, c.req.header('cf-connecting-ip') ?? null);
    if (!stored.ok) throw fromFailure(stored);
    return c.body(null, 204);
  })
  // The customer's page before it joins, for the funnel: `{event: 'link_opened' | 'permission_refused'}`, noted once each.
  .post('/:id/precheck', async (c) => {
    const sessionId = parseInput(SessionId, c.req.param('id'));
    await customerOf(c, sessionId);
    const signal = parseJsonBody(PrecheckSignal, (await readBody(c.req.raw)).text);
    const noted = await sessionStub(c.env, sessionId).precheckSignal(signal, c.req.header('cf-connecting-ip') ?? null);
    if (!noted.ok) throw fromFailure(noted);
    return c.body(null, 204);
  });

import { NodeEvent, NodeHeartbeat, NodeId, NodeRegistration, type NodeHeartbeatAccepted, type NodeRegistrationAccepted } from '@vident/protocol';
import { Hono } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { registryStub, sessionStub } from '../../base/env.ts';
import { ApiError, fromFailure, parseInput, parseJsonBody } from '../../base/http-error.ts';
import { log } from '../../base/log.ts';
import { nodeAuth, nodeAuthDeferredClaim, requireOwnNode } from '../../base/signed-request.ts';

const EVENTS_PATH = /^\/v1\/nodes\/[^/]+\/events$/;

/**
 * Media node API, mounted at /v1/nodes; signed with the node's enrolled Ed25519 key, key id = node id.
 * An event's replay claim is made by the session it names (nodeAuthDeferredClaim); every other
 * request's by the ReplayGuard before the route runs.
 */
export const nodeRoutes = new Hono<AppEnv>()
  .use('*', (c, next) => (EVENTS_PATH.test(c.req.path) ? nodeAuthDeferredClaim : nodeAuth)(c, next))
  .post('/register', async (c) => {
    const reg = parseJsonBody(NodeRegistration, c.var.rawBody);
    requireOwnNode(c, reg.nodeId);
    const result = await registryStub(c.env).register(reg);
    if (!result.ok) {
      log('node_registration_refused', { nodeId: reg.nodeId, code: result.code });
      throw fromFailure(result);
    }
    const { ok: _ok, ...accepted } = result;
    return c.json(accepted satisfies NodeRegistrationAccepted);
  })
  .post('/:nodeId/heartbeat', async (c) => {
    const nodeId = parseInput(NodeId, c.req.param('nodeId'));
    requireOwnNode(c, nodeId);
    const beat = parseJsonBody(NodeHeartbeat, c.var.rawBody);
    const result = await registryStub(c.env).heartbeat(nodeId, beat);
    if (!result.ok) throw fromFailure(result);
    return c.json(result satisfies NodeHeartbeatAccepted);
  })
  .post('/:nodeId/events', async (c) => {
    const nodeId = parseInput(NodeId, c.req.param('nodeId'));
    requireOwnNode(c, nodeId);
    const event = parseJsonBody(NodeEvent, c.var.rawBody);
    const replay = c.var.replayTicket;
    // Only nodeAuthDeferredClaim leaves a ticket: without one the request was not verified for this route.
    if (!replay) throw new ApiError('internal', 500, 'node event without its replay ticket');
    const result = await sessionStub(c.env, event.sessionId).nodeEvent(nodeId, event, replay);
    if (!result.ok) {
      log('node_event_refused', { nodeId, sessionId: event.sessionId, code: result.code });
      throw fromFailure(result);
    }
    return c.json({ ok: true });
  });

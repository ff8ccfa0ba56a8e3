import {
  AuditTrail,
  CONTROL_PLANE_KEY_ID,
  ed25519PublicKeyOf,
  ListAdminSessionsQuery,
  NodeEnrolment,
  NodeId,
  SessionId,
  type AdminSession,
  type AdminSessionList,
  type EnrolledNode,
  type SessionTimeline,
} from '@vident/protocol';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { adminCallerOf } from '../request-caller.ts';
import { directoryStub, registryStub, sessionStub } from '../../base/env.ts';
import { ApiError, fromFailure, parseInput, parseJsonBody } from '../../base/http-error.ts';
import { log } from '../../base/log.ts';
import { adminAuth } from '../../base/signed-request.ts';
import type { EnrolmentResult } from '../../fleet/media-node-registry-rpc.ts';
import { controlPlaneSigningKey } from '../../fleet/node-signing-keys.ts';

/** An enrolment as the platform team sees it, with the control plane's key the node must pin. */
async function enrolledNode(c: Context<AppEnv>, result: EnrolmentResult): Promise<EnrolledNode> {
  if (!result.ok) throw fromFailure(result);
  const e = result.enrolment;
  return {
    nodeId: e.nodeId,
    publicKey: e.publicKey,
    url: e.url,
    region: e.region,
    enrolledAt: new Date(e.enrolledAt).toISOString(),
    revokedAt: e.revokedAt === null ? null : new Date(e.revokedAt).toISOString(),
    controlPlanePublicKey: await ed25519PublicKeyOf(await controlPlaneSigningKey(c.var.config)),
  };
}

/**
 * The platform team's admin API, mounted at /v1/admin, signed with an ADMIN_API_KEYS key: node
 * enrolment and revocation, fleet status, drain and undrain, live sessions, a session's timeline.
 * Enrolments, revocations and drains are logged with the key.
 */
export const adminRoutes = new Hono<AppEnv>()
  .use('*', adminAuth)
  .get('/nodes', async (c) => c.json(await registryStub(c.env).fleet()))
  .post('/nodes', async (c) => {
    const enrolment = parseJsonBody(NodeEnrolment, c.var.rawBody);
    const node = await enrolledNode(c, await registryStub(c.env).enrol(enrolment));
    log('admin_enrol', { nodeId: node.nodeId, adminKeyId: c.var.keyId });
    return c.json(node, 201);
  })
  .post('/nodes/:nodeId/revoke', async (c) => {
    const nodeId = parseInput(NodeId, c.req.param('nodeId'));
    const node = await enrolledNode(c, await registryStub(c.env).revoke(nodeId));
    log('admin_revoke', { nodeId, adminKeyId: c.var.keyId });
    return c.json(node);
  })
  .get('/control-plane-key', async (c) =>
    c.json({ keyId: CONTROL_PLANE_KEY_ID, publicKey: await ed25519PublicKeyOf(await controlPlaneSigningKey(c.var.config)) }),
  )
  .post('/nodes/:nodeId/drain', async (c) => {
    const nodeId = parseInput(NodeId, c.req.param('nodeId'));
    const result = await registryStub(c.env).drain(nodeId);
    if (!result.ok) throw fromFailure(result);
    log('admin_drain', { nodeId, adminKeyId: c.var.keyId, status: result.node.status });
    return c.json(result.node);
  })
  .post('/nodes/:nodeId/undrain', async (c) => {
    const nodeId = parseInput(NodeId, c.req.param('nodeId'));
    const result = await registryStub(c.env).undrain(nodeId);
    if (!result.ok) throw fromFailure(result);
    log('admin_undrain', { nodeId, adminKeyId: c.var.keyId });
    return c.json(result.node);
  })
  .get('/sessions', async (c) => {
    const query = parseInput(ListAdminSessionsQuery, c.req.query());
    const views = await directoryStub(c.env).list({
      states: ['created', 'waiting', 'in_call'],
      ...(query.nodeId ? { nodeId: query.nodeId } : {}),
      limit: query.limit,
    });
    // Where and how, never who: no customer name, external reference or metadata.
    const sessions = views.map(
      (v): AdminSession => ({
        sessionId: v.sessionId,
        state: v.state,
        nodeId: v.nodeId,
        createdAt: v.createdAt,
        startedAt: v.startedAt,
        expiresAt: v.expiresAt,
        connected: v.participants.filter((p) => p.connected).map((p) => p.role),
      }),
    );
    return c.json({ sessions } satisfies AdminSessionList);
  })
  .get('/sessions/:id/timeline', async (c) => {
    const id = parseInput(SessionId, c.req.param('id'));
    const result = await sessionStub(c.env, id).audit(adminCallerOf(c));
    if (!result.ok) throw fromFailure(result);
    const trail = AuditTrail.safeParse(JSON.parse(result.json));
    if (!trail.success) throw new ApiError('internal', 500, 'stored audit trail is unreadable');
    const start = trail.data.entries[0] ? Date.parse(trail.data.entries[0].at) : 0;
    const timeline: SessionTimeline = {
      sessionId: trail.data.sessionId,
      entries: trail.data.entries.map((e) => ({
        seq: e.seq,
        at: e.at,
        offsetMs: Math.max(0, Date.parse(e.at) - start),
        // The role only (bank:<keyId> -> bank), and no detail: security review finding 8.
        actor: e.actor.split(':')[0]!,
        action: e.action,
      })),
    };
    return c.json(timeline);
  });

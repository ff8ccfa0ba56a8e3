import { ListAdminSessionsQuery } from '@vident/protocol';
import { error, json, queryParameters, ref, sessionIdParameter, signed, signedErrors } from './openapi-parts.ts';

const ADMIN = 'Admin API (platform team): signed like every route, but with an ADMIN_API_KEYS key; bank keys are refused (401 unknown_key).';
const nodeIdParameter = { name: 'nodeId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } };

/** /v1/admin/...: fleet status, drain, live sessions, a session's timeline. */
export const adminPaths = {
  '/v1/admin/nodes': {
    get: {
      operationId: 'adminListNodes',
      security: signed,
      description: `${ADMIN} Every media node: address, region, capacity, reported load, version, last heartbeat, draining flag and status (live, silent, draining, drained).`,
      responses: { '200': json('FleetStatus', 'the fleet'), ...signedErrors },
    },
    post: {
      operationId: 'adminEnrolNode',
      security: signed,
      description: `${ADMIN} Enrols a media node before it may register: its id, its Ed25519 public key (key id = node id for every request it signs), its command URL (pinned; https unless ALLOW_HTTP_NODE_URLS on a local stack) and region. Enrolling an enrolled id again replaces its key and URL; a revoked id is refused (401 key_revoked). The answer carries the control plane's public key for the node to pin.`,
      requestBody: { required: true, content: { 'application/json': { schema: ref('NodeEnrolment') } } },
      responses: { '201': json('EnrolledNode', 'the enrolment'), ...signedErrors },
    },
  },
  '/v1/admin/nodes/{nodeId}/revoke': {
    parameters: [nodeIdParameter],
    post: {
      operationId: 'adminRevokeNode',
      security: signed,
      description: `${ADMIN} Cuts the node off at once: its registrations, heartbeats, events and uploads are refused, it leaves placement, and its live sessions move to other nodes as for a dead node. Permanent for this id.`,
      responses: { '200': json('EnrolledNode', 'the revoked enrolment'), ...signedErrors },
    },
  },
  '/v1/admin/control-plane-key': {
    get: {
      operationId: 'adminControlPlaneKey',
      security: signed,
      description: `${ADMIN} The control plane's command-signing public key (Ed25519, base64) that every media node pins as CONTROL_PLANE_PUBLIC_KEY.`,
      responses: { '200': { description: 'the key', content: { 'application/json': { schema: { type: 'object', properties: { keyId: { type: 'string' }, publicKey: { type: 'string' } } } } } }, ...signedErrors },
    },
  },
  '/v1/admin/nodes/{nodeId}/drain': {
    parameters: [nodeIdParameter],
    post: {
      operationId: 'adminDrainNode',
      security: signed,
      description: `${ADMIN} The node takes no new session; its calls finish where they are. Its status becomes drained (safe to stop) once no session is assigned to it. Idempotent; survives the node re-registering.`,
      responses: { '200': json('FleetNode', 'the node, now draining or drained'), ...signedErrors, '404': error('not_found') },
    },
  },
  '/v1/admin/nodes/{nodeId}/undrain': {
    parameters: [nodeIdParameter],
    post: {
      operationId: 'adminUndrainNode',
      security: signed,
      description: `${ADMIN} Puts the node back in service. Idempotent.`,
      responses: { '200': json('FleetNode', 'the node'), ...signedErrors, '404': error('not_found') },
    },
  },
  '/v1/admin/sessions': {
    get: {
      operationId: 'adminListSessions',
      security: signed,
      description: `${ADMIN} Live sessions (created, waiting, in_call), newest first, with their node and state; no customer data.`,
      parameters: queryParameters(ListAdminSessionsQuery.shape),
      responses: { '200': json('AdminSessionList', 'live sessions'), ...signedErrors },
    },
  },
  '/v1/admin/sessions/{id}/timeline': {
    parameters: [sessionIdParameter],
    get: {
      operationId: 'adminSessionTimeline',
      security: signed,
      description: `${ADMIN} What happened in the session, oldest first: each audit entry's action, time, offset from the creation and the actor's role only (bank, admin, node, customer, agent, system). Never the details (chat text, decision notes, names, external references, addresses): the bank's GET /v1/sessions/{id}/audit has those. Reading it is audited (api.audit.get by admin:<keyId>).`,
      responses: { '200': json('SessionTimeline', 'the timeline'), ...signedErrors, '404': error('not_found') },
    },
  },
};


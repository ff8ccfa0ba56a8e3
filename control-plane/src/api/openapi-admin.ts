import { ListAdminSessionsQuery } from '@vident/protocol';
import { error, json, queryParameters, sessionIdParameter, signed, signedErrors } from './openapi-parts.ts';

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
      description: `${ADMIN} The session's audit entries, oldest first, with their offset from its creation. Reading it is audited (api.audit.get by admin:<keyId>).`,
      responses: { '200': json('SessionTimeline', 'the timeline'), ...signedErrors, '404': error('not_found') },
    },
  },
};


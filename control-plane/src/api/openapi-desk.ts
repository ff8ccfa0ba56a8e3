import { AgentId, AgentRevocation, AgentSignInRequest, AgentSignInResponse, DESK_TOKEN_MINUTES, DeskOverview, DeskTokenRefresh } from '@vident/protocol';
import { error, json, jsonSchema, ref, signed, signedErrors } from './openapi-parts.ts';

/* The agents' desk in the OpenAPI document: the bank signs agents in; consoles use the desk token. */

export const deskSchemas = {
  AgentSignInRequest: jsonSchema(AgentSignInRequest, 'input'),
  AgentSignInResponse: jsonSchema(AgentSignInResponse, 'output'),
  DeskOverview: jsonSchema(DeskOverview, 'output'),
  DeskTokenRefresh: jsonSchema(DeskTokenRefresh, 'output'),
  AgentRevocation: jsonSchema(AgentRevocation, 'output'),
};

export const deskSecuritySchemes = {
  deskToken: {
    type: 'http',
    scheme: 'bearer',
    description: "an agent's or supervisor's desk token (the fragment of the console link POST /v1/agents/sign-ins answers)",
  },
};

const tokenErrors = {
  '401': error("token_invalid, token_expired, or token_revoked (the bank revoked the agent after this token was issued)"),
  '500': error('internal'),
};

export const deskPaths = {
  '/v1/agents/sign-ins': {
    post: {
      operationId: 'signInAgent',
      description:
        `After the bank's own SSO: a console link for an agent (\`/agent#token=...\`) or supervisor (\`/supervisor#token=...\`). The desk token is in the fragment and lives ${DESK_TOKEN_MINUTES} minutes (tokenExpiresAt: open the link before then); the console refreshes it (POST /v1/desk/token) until the sign-in ends after ttlMinutes (expiresAt) or the agent is revoked.`,
      security: signed,
      requestBody: { required: true, content: { 'application/json': { schema: ref('AgentSignInRequest') } } },
      responses: { '201': json('AgentSignInResponse', 'signed in'), ...signedErrors },
    },
  },
  '/v1/agents/{agentId}/revoke': {
    parameters: [{ name: 'agentId', in: 'path', required: true, schema: jsonSchema(AgentId, 'input') }],
    post: {
      operationId: 'revokeAgent',
      description:
        "Cuts an agent off at once (left the bank, lost a device): every desk token issued to it so far is refused (token_revoked), its consoles are closed, and its link into the session it holds admits it no more: a customer it has not joined yet is offered to other agents, a call it is in loses it (socket closed; the session ends abandoned by the agent unless it is decided otherwise first). Audited in that session (agent.revoked or agent.released). A later sign-in works again.",
      security: signed,
      responses: { '200': json('AgentRevocation', 'revoked'), ...signedErrors },
    },
  },
  '/v1/desk/token': {
    post: {
      operationId: 'refreshDeskToken',
      description: `A fresh desk token for the same sign-in (Authorization: Bearer <desk token>), living ${DESK_TOKEN_MINUTES} minutes and never past the sign-in's end. Consoles call it before their token expires.`,
      security: [{ deskToken: [] }],
      responses: { '200': json('DeskTokenRefresh', 'a fresh token'), ...tokenErrors },
    },
  },
  '/v1/desk/socket': {
    get: {
      operationId: 'deskSocket',
      description:
        "The console's WebSocket (not for banks): subprotocols `vident-desk.v1` and `vident-desk-token.<desk token>`. Messages: DeskClientMessage / DeskServerMessage in the protocol package.",
      security: [],
      responses: {
        '101': { description: 'switching protocols' },
        '400': error('bad_request: the vident-desk.v1 subprotocol is missing'),
        '426': error('bad_request: not a WebSocket upgrade'),
        ...tokenErrors,
      },
    },
  },
  '/v1/desk/overview': {
    get: {
      operationId: 'deskOverview',
      description: "The supervisor's view: live sessions, waiting customers, agents, today's outcomes and averages (UTC day), media nodes.",
      security: [{ deskToken: [] }],
      responses: { '200': json('DeskOverview', 'the overview'), '403': error('forbidden: the token is an agent\'s, not a supervisor\'s'), ...tokenErrors },
    },
  },
};

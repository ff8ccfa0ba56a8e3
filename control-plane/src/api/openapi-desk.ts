import { AgentSignInRequest, AgentSignInResponse, DeskOverview } from '@vident/protocol';
import { error, json, jsonSchema, ref, signed, signedErrors } from './openapi-parts.ts';

/* The agents' desk in the OpenAPI document: the bank signs agents in; consoles use the desk token. */

export const deskSchemas = {
  AgentSignInRequest: jsonSchema(AgentSignInRequest, 'input'),
  AgentSignInResponse: jsonSchema(AgentSignInResponse, 'output'),
  DeskOverview: jsonSchema(DeskOverview, 'output'),
};

export const deskSecuritySchemes = {
  deskToken: {
    type: 'http',
    scheme: 'bearer',
    description: "an agent's or supervisor's desk token (the fragment of the console link POST /v1/agents/sign-ins answers)",
  },
};

const tokenErrors = {
  '401': error('token_invalid or token_expired'),
  '500': error('internal'),
};

export const deskPaths = {
  '/v1/agents/sign-ins': {
    post: {
      operationId: 'signInAgent',
      description:
        "After the bank's own SSO: a console link for an agent (`/agent#token=...`) or supervisor (`/supervisor#token=...`). The desk token is in the fragment and lasts ttlMinutes.",
      security: signed,
      requestBody: { required: true, content: { 'application/json': { schema: ref('AgentSignInRequest') } } },
      responses: { '201': json('AgentSignInResponse', 'signed in'), ...signedErrors },
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

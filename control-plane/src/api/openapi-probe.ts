import { PROBES_PER_MINUTE, ProbeAnswer, ProbeReport, ProbeRequest } from '@vident/protocol';
import { error, json, jsonSchema, ref, sessionIdParameter } from './openapi-parts.ts';

/* The customer's pre-call TCP probe (direct, then through TURN) in the OpenAPI document (browser routes, not for banks). */

export const probeSchemas = {
  ProbeRequest: jsonSchema(ProbeRequest, 'input'),
  ProbeAnswer: jsonSchema(ProbeAnswer, 'output'),
  ProbeReport: jsonSchema(ProbeReport, 'input'),
};

const customerOnly = {
  '401': error('token_invalid or token_expired'),
  '403': error('forbidden: not the customer'),
};

export const probePaths = {
  '/v1/sessions/{id}/probe': {
    parameters: [sessionIdParameter],
    post: {
      operationId: 'probeMediaPath',
      security: [{ participantToken: [] }],
      description: `The customer's pre-call check of the media path over TCP (customer token): a full offer with only a data channel, answered by the session's media node (Janus EchoTest; transport direct: TCP candidates only; relay: the browser's TURN relay candidates only, as for a relayed call leg). The answer carries the customer's TURN servers (empty without TURN) for a relay probe after a failed direct one. Does not join the session; audited precheck.probe; at most ${PROBES_PER_MINUTE} a minute per session.`,
      requestBody: { required: true, content: { 'application/json': { schema: ref('ProbeRequest') } } },
      responses: {
        '200': json('ProbeAnswer', "the media node's answer"),
        '400': error('validation_failed (not a data-channel-only offer) or invalid_json'),
        ...customerOnly,
        '404': error('not_found'),
        '409': error('session_ended'),
        '413': error('payload_too_large'),
        '429': error('rate_limited'),
        '502': error('media_node_error'),
      },
    },
  },
  '/v1/sessions/{id}/probe/{probeId}/result': {
    parameters: [sessionIdParameter, { name: 'probeId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
    post: {
      operationId: 'reportProbe',
      security: [{ participantToken: [] }],
      description: "What the customer's browser saw of one probe (and which path it tested); audited once as precheck.network.",
      requestBody: { required: true, content: { 'application/json': { schema: ref('ProbeReport') } } },
      responses: {
        '204': { description: 'recorded' },
        '400': error('validation_failed or invalid_json'),
        ...customerOnly,
        '404': error('not_found: no such probe, or its result is already recorded'),
      },
    },
  },
};

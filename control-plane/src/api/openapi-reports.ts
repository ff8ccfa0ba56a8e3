import { FUNNEL_MAX_DAYS, FunnelQuery, FunnelReport, PrecheckSignal } from '@vident/protocol';
import { FUNNEL_CSV_COLUMNS } from '../reports/funnel-csv.ts';
import { error, json, jsonSchema, queryParameters, ref, sessionIdParameter, signed, signedErrors } from './openapi-parts.ts';

/*
 * The verification funnel (issue 18) in the OpenAPI document: the bank's report (JSON or CSV), the
 * supervisor's desk route, and the customer page's pre-call signal that feeds it.
 */

export const reportSchemas = {
  FunnelReport: jsonSchema(FunnelReport, 'output'),
  PrecheckSignal: jsonSchema(PrecheckSignal, 'input'),
};

const FUNNEL_DESCRIPTION = `Each session counts once it ended, on the UTC day it was created, with its desk agent's id (null: no desk agent), no name, reference or number. reached: sessions at or past each step (created, link_opened, precheck_passed, consent_given, queued, in_call, decided); stopped: why the others stopped (permission_refused and network_check_failed: stuck in the pre-call check; consent_declined; left_queue; abandoned; expired; cancelled_by_bank; cancelled_by_agent; failed). waitSeconds (queued to the call's start) and callSeconds: p50 and p90, nearest rank. approvalRate and rejectionRate: shares of the decided sessions, with the rejections' reason codes. At most ${FUNNEL_MAX_DAYS} days.`;

const parameters = queryParameters(FunnelQuery.shape);

export const reportPaths = {
  '/v1/reports/funnel': {
    get: {
      operationId: 'funnelReport',
      security: signed,
      description: `The verification funnel of the sessions created from \`from\` to \`to\` (UTC days, inclusive), optionally of one desk agent: in all (total), per day, per agent, and per day and agent (rows). ${FUNNEL_DESCRIPTION} format=csv answers text/csv (RFC 4180, CRLF): a header, one line per day and agent, then a line with day \`total\`; the columns are ${FUNNEL_CSV_COLUMNS.join(', ')} (rejection_reasons: CODE:count joined by ;).`,
      parameters,
      responses: {
        '200': {
          description: 'the funnel',
          content: {
            'application/json': { schema: ref('FunnelReport') },
            'text/csv': { schema: { type: 'string' }, example: `${FUNNEL_CSV_COLUMNS.slice(0, 4).join(',')},...\r\n2026-12-01,agent-7,12,12,...\r\ntotal,,12,12,...\r\n` },
          },
        },
        ...signedErrors,
      },
    },
  },
  '/v1/desk/funnel': {
    get: {
      operationId: 'deskFunnel',
      security: [{ deskToken: [] }],
      description: `The supervisor page's funnel (JSON only, supervisors only), as GET /v1/reports/funnel answers it. ${FUNNEL_DESCRIPTION}`,
      parameters: parameters.filter((p) => p.name !== 'format'),
      responses: {
        '200': json('FunnelReport', 'the funnel'),
        '400': error('validation_failed'),
        '401': error('token_invalid, token_expired, or token_revoked'),
        '403': error("forbidden: the token is an agent's, not a supervisor's"),
        '500': error('internal'),
      },
    },
  },
  '/v1/sessions/{id}/precheck': {
    parameters: [sessionIdParameter],
    post: {
      operationId: 'precheckSignal',
      security: [{ participantToken: [] }],
      description:
        "The customer's page before it joins, for the funnel (customer token): link_opened when the landing page shows, permission_refused when the browser refused the camera or microphone. Noted and audited once each (precheck.link_opened, precheck.permission_refused); a repeat changes nothing. Does not join the session.",
      requestBody: { required: true, content: { 'application/json': { schema: ref('PrecheckSignal') } } },
      responses: {
        '204': { description: 'noted' },
        '400': error('validation_failed or invalid_json'),
        '401': error('token_invalid or token_expired'),
        '403': error('forbidden: not the customer'),
        '404': error('not_found'),
        '409': error('session_ended'),
      },
    },
  },
};

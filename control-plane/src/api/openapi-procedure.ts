import { MAX_CODE_ATTEMPTS, SessionOneTimeCode } from '@vident/protocol';
import { error, json, jsonSchema, sessionIdParameter, signed, signedErrors } from './openapi-parts.ts';

/*
 * The regulated procedure's bank-facing part (issue 15) in the OpenAPI document: the one-time code
 * the bank delivers to the customer's phone. The session.code_issued webhook (openapi-webhooks.ts)
 * points here.
 */

export const procedureSchemas = {
  SessionOneTimeCode: jsonSchema(SessionOneTimeCode, 'output'),
};

export const procedurePaths = {
  '/v1/sessions/{id}/one-time-code': {
    parameters: [sessionIdParameter],
    get: {
      operationId: 'getSessionOneTimeCode',
      security: signed,
      description: `The session's one-time code, for the bank to deliver to the customer's phone (SMS, app push) while the call runs. A session asks for one when it was created with oneTimeCode "required", or ONE_TIME_CODE=required is the default; the code is made when the call starts and announced by the session.code_issued webhook, which never carries it. The customer types it on the call page; ${MAX_CODE_ATTEMPTS} wrong entries fail it for good, and an approval is refused (one_time_code_required) until it is verified. Answered only while the code is open: once verified, failed or expired the session keeps only a hash and answers one_time_code_closed. Every read is audited (api.one_time_code.get, never the code). Sent with cache-control: no-store.`,
      responses: {
        '200': json('SessionOneTimeCode', 'the open code'),
        ...signedErrors,
        '404': error('not_found: no such session, the session asks for no code, or the call has not started yet'),
        '409': error('one_time_code_closed: the code was verified, failed or expired'),
      },
    },
  },
};

import { BankCheckAccepted, BankCheckRequest, MAX_BANK_CHECKS, SessionDocument } from '@vident/protocol';
import { error, json, jsonSchema, ref, sessionIdParameter, signed, signedErrors } from './openapi-parts.ts';

/*
 * The confirmed ID document and the bank's checks (issue 14) in the OpenAPI document; the
 * document.confirmed webhook (openapi-webhooks.ts) points here.
 */

export const documentSchemas = {
  SessionDocument: jsonSchema(SessionDocument, 'output'),
  BankCheckRequest: jsonSchema(BankCheckRequest, 'input'),
  BankCheckAccepted: jsonSchema(BankCheckAccepted, 'output'),
};

export const documentPaths = {
  '/v1/sessions/{id}/document': {
    parameters: [sessionIdParameter],
    get: {
      operationId: 'getSessionDocument',
      security: signed,
      description:
        "The ID document the agent confirmed in the call (its latest confirmation): type, every field in full (resident and registration numbers unmasked: only here and in the evidence pack's sealed assessment, assessment.json.venc), each field's source (ocr or agent), the plausibility results the agent saw, and the bank's checks so far. Announced by the document.confirmed webhook, which carries no field. The read is audited (api.document.get).",
      responses: {
        '200': json('SessionDocument', 'the confirmed document and the checks'),
        ...signedErrors,
        '404': error('not_found: no such session, or no document confirmed yet'),
      },
    },
  },
  '/v1/sessions/{id}/checks': {
    parameters: [sessionIdParameter],
    post: {
      operationId: 'postBankCheck',
      security: signed,
      description: `The bank's own check on the document (e.g. with the issuing authority): stored with the server's time, audited (bank.check), shown to the agent at once, and in the evidence pack. A kind named in REQUIRED_BANK_CHECKS must have passed (its latest result) before the agent can approve; the agent's approval is refused bank_check_required until then. A re-check of a kind adds one; at most ${MAX_BANK_CHECKS} per session.`,
      requestBody: { required: true, content: { 'application/json': { schema: ref('BankCheckRequest') } } },
      responses: {
        '201': json('BankCheckAccepted', 'stored; every check so far'),
        ...signedErrors,
        '404': error('not_found'),
        '409': error("limit_reached, or session_ended after retention's end"),
      },
    },
  },
};

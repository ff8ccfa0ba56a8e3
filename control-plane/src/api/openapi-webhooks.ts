import { WEBHOOK_HEADERS, WEBHOOK_TOLERANCE_SECONDS, WebhookEvent, WebhookEventType } from '@vident/protocol';
import { webhookDataExamples } from './openapi-examples.ts';
import { jsonSchema, ref } from './openapi-parts.ts';

/*
 * The webhooks the control plane POSTs to the bank (OpenAPI 3.1 `webhooks`): one entry per
 * WebhookEventType, each with its body (WebhookEvent with `type` fixed to the event), the three
 * Standard Webhooks headers and an example body, so a generator sees every event a bank can receive.
 */

export const webhookSchemas = {
  WebhookEvent: jsonSchema(WebhookEvent, 'output'),
};

/** What each event means. A Record over every type: a new event type does not compile until it is described here. */
const EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  'session.created': 'The bank created the session (POST /v1/sessions).',
  'session.waiting': 'The customer connected and is waiting for an agent.',
  'session.started': 'Both participants publish: the call is on (state in_call).',
  'session.decided': "The agent approved or rejected, with reason codes and the deciding desk agent. The note is not sent: read it with GET /v1/sessions/{id}.",
  'session.cancelled': 'Cancelled by the bank (DELETE /v1/sessions/{id}) or a participant hanging up without a decision (outcome.by).',
  'session.expired': 'The customer did not join in time (link_expired) or the call reached its longest duration (max_duration).',
  'session.abandoned': 'A participant dropped and did not come back within the reconnect grace (outcome.participant).',
  'session.failed': 'A technical failure ended the session (outcome.cause).',
  'recording.ready': 'One recording segment is stored, sealed for the bank key (data.recording).',
  'evidence.ready': 'The evidence pack can be fetched (GET /v1/sessions/{id}/evidence); sent once per session.',
  'evidence.deleted': "Every artifact of the session was deleted, by the bank or at retention's end (data.evidence.reason).",
  'document.confirmed': 'The agent confirmed the ID document in the call. No field is sent: read them with GET /v1/sessions/{id}/document.',
  'session.code_issued':
    "The call started and the session made its one-time code. The code is not sent: fetch it with GET /v1/sessions/{id}/one-time-code and deliver it to the customer's phone.",
};

const SIGNATURE_HEADER_PARAMETERS = [
  {
    name: WEBHOOK_HEADERS.id,
    in: 'header',
    required: true,
    description: 'evt_<sessionId>_<seq>: the same on every retry of this event; deduplicate on it.',
    schema: { type: 'string', pattern: '^evt_[0-9a-f-]{36}_\\d+$' },
    example: 'evt_d2a7c1e4-5b3f-4e8a-9c61-0f3b7a2e9d15_3',
  },
  {
    name: WEBHOOK_HEADERS.timestamp,
    in: 'header',
    required: true,
    description: `Unix seconds of this delivery attempt. Refuse one more than ${WEBHOOK_TOLERANCE_SECONDS} s from your clock.`,
    schema: { type: 'string', pattern: '^\\d{1,12}$' },
    example: '1796290096',
  },
  {
    name: WEBHOOK_HEADERS.signature,
    in: 'header',
    required: true,
    description:
      'Space-separated `v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<raw body>")>`, where key is the base64 decoding of WEBHOOK_SECRET after its `whsec_` prefix. Accept the request if any one matches (compare in constant time): during a secret rotation there may be several.',
    schema: { type: 'string', pattern: '^v1,[A-Za-z0-9+/]+={0,2}( v1,[A-Za-z0-9+/]+={0,2})*$' },
  },
];

const DELIVERY =
  'POSTed to WEBHOOK_URL as JSON, signed the Standard Webhooks way (https://www.standardwebhooks.com; `verifyWebhook` in @vident/protocol). Events of a session arrive oldest first; a later one waits for an earlier one. Answer 2xx within 10 s; anything else is retried after 5 s, 10 s, 20 s ... (at most 1 h apart) until 24 h after the event: delivery is at least once. Ids, state and outcome only: never the decision note, never a document field.';

/** One OpenAPI webhook per event type, keyed by the type. */
export const webhooks = Object.fromEntries(
  WebhookEventType.options.map((type) => [
    type,
    {
      post: {
        operationId: `webhook_${type.replace('.', '_')}`,
        summary: EVENT_DESCRIPTIONS[type],
        description: DELIVERY,
        parameters: SIGNATURE_HEADER_PARAMETERS,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { allOf: [ref('WebhookEvent'), { type: 'object', properties: { type: { const: type } } }] },
              example: { type, timestamp: '2026-12-03T09:28:16.220Z', data: webhookDataExamples[type] },
            },
          },
        },
        responses: { '2XX': { description: 'received (anything else is retried with backoff)' } },
      },
    },
  ]),
);

import {
  AdminSessionList,
  EnrolledNode,
  FleetNode,
  NodeEnrolment,
  FleetStatus,
  SessionTimeline,
  ArtifactList,
  ArtifactView,
  AuditTrail,
  CaptureKind,
  StillDimension,
  StillRequestId,
  CreateSessionRequest,
  EvidencePack,
  EvidenceSigningKey,
  MAX_CAPTURE_BYTES,
  CreateSessionResponse,
  ListRecordingsQuery,
  ListSessionsQuery,
  PublicConfig,
  RecordingList,
  SessionList,
  SessionView,
  SystemStatus,
  UpdateSessionRequest,
} from '@vident/protocol';
import { DOWNLOAD_URL_TTL_SECONDS } from '../evidence/download-url.ts';
import { IDEMPOTENT_REPLAYED_HEADER, IdempotencyKey } from './idempotent-create.ts';
import { adminPaths } from './openapi-admin.ts';
import { probePaths, probeSchemas } from './openapi-probe.ts';
import { documentPaths, documentSchemas } from './openapi-document.ts';
import { procedurePaths, procedureSchemas } from './openapi-procedure.ts';
import { reportPaths, reportSchemas } from './openapi-reports.ts';
import { deskPaths, deskSchemas, deskSecuritySchemes } from './openapi-desk.ts';
import { ERRORS_DESCRIPTION, errorSchemas } from './openapi-errors.ts';
import {
  createSessionRequestExample,
  createSessionResponseExample,
  sessionListExample,
  sessionViewExample,
  updateSessionRequestExample,
} from './openapi-examples.ts';
import { error, json, jsonBody, jsonSchema, queryParameters, ref, sealedBytes, sessionIdParameter, signed, signedErrors } from './openapi-parts.ts';
import { signatureSecuritySchemes } from './openapi-security.ts';
import { webhookSchemas, webhooks } from './openapi-webhooks.ts';

/*
 * The bank API (and the public evidence routes, and the agent's capture upload) as OpenAPI 3.1, generated from the same zod schemas the Worker validates with
 * (OpenAPI 3.1 schemas are JSON Schema 2020-12, which z.toJSONSchema emits). Request bodies and
 * parameters are described as accepted (zod input), responses as produced (zod output).
 */

/** Builds the OpenAPI 3.1 document of the bank API (pure; the route serves it as JSON). */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'vident bank API',
      version,
      description: [
        "The bank's API of vident: create a verification session, send the customer its link, follow it by webhooks, read the outcome, the audit trail and the evidence pack. The bank's routes are signed with HMAC-SHA256 (the `videntSignature` security scheme describes the canonical request); `/health`, `/v1/config`, `/v1/openapi.json` and `/v1/evidence/signing-key` are public; the browser routes take a bearer token. Webhooks (one per event type) are listed under `webhooks`.",
        '',
        ERRORS_DESCRIPTION,
      ].join('\n'),
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      securitySchemes: {
        ...signatureSecuritySchemes,
        participantToken: {
          type: 'http',
          scheme: 'bearer',
          description: "the agent's participant token (from its join link); the agent's page uses it for captures",
        },
        ...deskSecuritySchemes,
      },
      schemas: {
        CreateSessionRequest: jsonSchema(CreateSessionRequest, 'input'),
        CreateSessionResponse: jsonSchema(CreateSessionResponse, 'output'),
        UpdateSessionRequest: jsonSchema(UpdateSessionRequest, 'input'),
        SessionView: jsonSchema(SessionView, 'output'),
        SessionList: jsonSchema(SessionList, 'output'),
        RecordingList: jsonSchema(RecordingList, 'output'),
        SystemStatus: jsonSchema(SystemStatus, 'output'),
        PublicConfig: jsonSchema(PublicConfig, 'output'),
        AuditTrail: jsonSchema(AuditTrail, 'output'),
        ArtifactView: jsonSchema(ArtifactView, 'output'),
        ArtifactList: jsonSchema(ArtifactList, 'output'),
        EvidencePack: jsonSchema(EvidencePack, 'output'),
        EvidenceSigningKey: jsonSchema(EvidenceSigningKey, 'output'),
        ...errorSchemas,
        FleetStatus: jsonSchema(FleetStatus, 'output'),
        FleetNode: jsonSchema(FleetNode, 'output'),
        NodeEnrolment: jsonSchema(NodeEnrolment, 'input'),
        EnrolledNode: jsonSchema(EnrolledNode, 'output'),
        AdminSessionList: jsonSchema(AdminSessionList, 'output'),
        SessionTimeline: jsonSchema(SessionTimeline, 'output'),
        ...probeSchemas,
        ...deskSchemas,
        ...documentSchemas,
        ...procedureSchemas,
        ...reportSchemas,
        ...webhookSchemas,
      },
    },
    paths: {
      '/health': {
        get: { operationId: 'health', security: [], responses: { '200': { description: 'alive', content: { 'application/json': { schema: { type: 'object', properties: { ok: { const: true } } } } } } } },
      },
      '/v1/config': {
        get: { operationId: 'getConfig', security: [], responses: { '200': json('PublicConfig', 'public configuration') } },
      },
      '/v1/openapi.json': {
        get: { operationId: 'getOpenApi', security: [], responses: { '200': { description: 'this document', content: { 'application/json': { schema: { type: 'object' } } } } } },
      },
      '/v1/sessions': {
        post: {
          operationId: 'createSession',
          security: signed,
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: `Retrying with the same key and the same body returns the first answer (201, header ${IDEMPOTENT_REPLAYED_HEADER}: true); the same key with another body is 409 conflict. Scoped per bank key id, kept at least 24 h.`,
              schema: jsonSchema(IdempotencyKey, 'input'),
            },
          ],
          requestBody: jsonBody('CreateSessionRequest', createSessionRequestExample),
          responses: {
            '201': json('CreateSessionResponse', 'created (or replayed for an Idempotency-Key)', createSessionResponseExample),
            ...signedErrors,
            '409': error('conflict: the Idempotency-Key was used with another body, or its first request is still running'),
            '503': error('no_media_node'),
          },
        },
        get: {
          operationId: 'listSessions',
          security: signed,
          parameters: queryParameters(ListSessionsQuery.shape),
          responses: { '200': json('SessionList', 'one page, newest first', sessionListExample), ...signedErrors },
        },
      },
      '/v1/sessions/{id}': {
        parameters: [sessionIdParameter],
        get: { operationId: 'getSession', security: signed, responses: { '200': json('SessionView', 'the session', sessionViewExample), ...signedErrors, '404': error('not_found') } },
        patch: {
          operationId: 'updateSession',
          security: signed,
          requestBody: jsonBody('UpdateSessionRequest', updateSessionRequestExample),
          responses: { '200': json('SessionView', 'the updated session', { ...sessionViewExample, ...updateSessionRequestExample }), ...signedErrors, '404': error('not_found'), '409': error('session_ended') },
        },
        delete: {
          operationId: 'deleteSession',
          security: signed,
          responses: { '200': json('SessionView', 'the ended session'), ...signedErrors, '404': error('not_found') },
        },
      },
      '/v1/sessions/{id}/audit': {
        parameters: [sessionIdParameter],
        get: {
          operationId: 'getSessionAudit',
          security: signed,
          responses: {
            '200': json('AuditTrail', "the hash-chained audit trail and its head; after retention's end only the entries since the purge, which verify from `purged` (the head the purged ones ended at)"),
            ...signedErrors,
            '404': error('not_found'),
          },
        },
      },
      '/v1/sessions/{id}/artifacts': {
        parameters: [sessionIdParameter],
        get: {
          operationId: 'listSessionArtifacts',
          security: signed,
          responses: { '200': json('ArtifactList', "every artifact of the session: recordings, captures and the sealed assessment (the session's review), stored, uploading or deleted"), ...signedErrors, '404': error('not_found') },
        },
      },
      '/v1/sessions/{id}/evidence': {
        parameters: [sessionIdParameter],
        get: {
          operationId: 'getEvidencePack',
          security: signed,
          description: `The manifest (Ed25519-signed, verify with GET /v1/evidence/signing-key), the audit entries it covers, and one download URL per artifact, valid ${DOWNLOAD_URL_TTL_SECONDS} s and fetched without a signature. Built and audited (evidence.accessed) on each call. The manifest's review carries the confirmed document masked (no full resident or registration number, no MRZ), the bank's checks and the face-match results; the review in full is the artifact assessment.json.venc (kind assessment, application/json), sealed with the bank's key like every artifact and listed with its SHA-256.`,
          responses: {
            '200': json('EvidencePack', 'the evidence pack'),
            ...signedErrors,
            '404': error('not_found'),
            '409': error('evidence_not_ready: the session is active, a recording is still owed or an upload is in progress (the message says which); limit_reached: the pack would exceed 24 MiB (out of reach under the per-session caps)'),
            '410': error('evidence_deleted'),
            '503': error('not_configured: no EVIDENCE_SIGNING_KEY'),
          },
        },
        delete: {
          operationId: 'deleteEvidence',
          security: signed,
          description: 'Deletes every artifact of an ended session from storage (audited evidence.deleted, webhook evidence.deleted). Repeating it changes nothing.',
          responses: { '200': json('ArtifactList', 'the artifacts, now deleted'), ...signedErrors, '404': error('not_found'), '409': error('conflict: the session is still active') },
        },
      },
      '/v1/sessions/{id}/captures': {
        parameters: [
          sessionIdParameter,
          { name: 'capture', in: 'query', required: true, schema: jsonSchema(CaptureKind, 'input') },
          {
            name: 'width',
            in: 'query',
            required: false,
            description: "the still's width in pixels as the page declares it (required with `request`); kept as the artifact's `width`",
            schema: jsonSchema(StillDimension, 'input'),
          },
          { name: 'height', in: 'query', required: false, description: "the still's height in pixels, as `width`", schema: jsonSchema(StillDimension, 'input') },
          {
            name: 'request',
            in: 'query',
            required: false,
            description: "the customer's page only: the id of the agent's outstanding `still-request` this still answers (issue 17)",
            schema: jsonSchema(StillRequestId, 'input'),
          },
        ],
        post: {
          operationId: 'uploadCapture',
          security: [{ participantToken: [] }],
          description: `A still of the customer, sealed in the taking browser for the bank's key (GET /v1/config evidencePublicKey): a VEN1 envelope of image/jpeg or image/png, at most ${MAX_CAPTURE_BYTES} bytes, while the session is active. With the agent's token: the agent's still of the received video (source received_video). With the customer's token: only the still the agent asked for (its \`still-request\` id in \`request\`, with \`width\` and \`height\`; source customer_camera), used up by this upload; the agent's page is told \`still-stored\`.`,
          requestBody: { required: true, ...sealedBytes('the sealed capture') },
          responses: {
            '201': json('ArtifactView', 'the stored capture'),
            '400': error('validation_failed: not an envelope, another bank key, another content type, a malformed request id or size, a customer still without its size'),
            '401': error('token_invalid, token_expired, or token_revoked: the agent link no longer admits its holder (a released or revoked desk agent, or the bank agent link once a desk agent has the session)'),
            '409': error("session_ended; limit_reached: the session has its SESSION_CAPTURES captures already; still_not_requested: the customer's token without an outstanding still request of the agent for this kind (checked before the body is read)"),
            '413': error('payload_too_large'),
            '503': error('not_configured: no EVIDENCE_PUBLIC_KEY'),
          },
        },
      },
      '/v1/evidence/signing-key': {
        get: {
          operationId: 'getEvidenceSigningKey',
          security: [],
          responses: { '200': json('EvidenceSigningKey', 'the Ed25519 public key (raw, base64) that verifies every manifest'), '503': error('not_configured') },
        },
      },
      '/v1/evidence/{sessionId}/{artifactId}': {
        parameters: [
          { name: 'sessionId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          { name: 'artifactId', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'expires', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d{1,12}$' } },
          { name: 'sig', in: 'query', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        ],
        get: {
          operationId: 'downloadArtifact',
          security: [],
          description: 'A download URL from the evidence pack: the link is the credential. Serves the sealed file; open it with the bank private key.',
          responses: {
            '200': sealedBytes('the sealed artifact'),
            '401': error('unauthorized or signature_invalid: not a link this API issued'),
            '403': error('forbidden: the link has expired'),
            '404': error('not_found'),
            '410': error('evidence_deleted'),
          },
        },
      },
      '/v1/status': {
        get: { operationId: 'getStatus', security: signed, responses: { '200': json('SystemStatus', 'media nodes and active sessions'), ...signedErrors } },
      },
      '/v1/recordings': {
        get: {
          operationId: 'listRecordings',
          security: signed,
          parameters: queryParameters(ListRecordingsQuery.shape),
          responses: { '200': json('RecordingList', 'newest first'), ...signedErrors },
        },
      },
      ...adminPaths,
      ...probePaths,
      ...deskPaths,
      ...documentPaths,
      ...procedurePaths,
      ...reportPaths,
    },
    webhooks,
  };
}

/** The document never changes within an isolate: built once on first request. */
let cached: string | null = null;

export function openApiJson(version: string): string {
  cached ??= JSON.stringify(openApiDocument(version));
  return cached;
}

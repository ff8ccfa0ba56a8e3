import type {
  ArtifactView,
  CreateSessionRequest,
  CreateSessionResponse,
  SessionList,
  SessionView,
  UpdateSessionRequest,
  WebhookData,
  WebhookEventType,
  WebhookOutcome,
} from '@vident/protocol';

/*
 * Example values of the OpenAPI document (request and response bodies of the main operations,
 * webhook bodies). Typed with the protocol's types, and test/openapi-document.test.ts parses every
 * one with its zod schema, so an example can never drift from what the API accepts and sends.
 */

const sessionId = 'd2a7c1e4-5b3f-4e8a-9c61-0f3b7a2e9d15';
const base = 'https://vident.bank.example';

export const createSessionRequestExample: CreateSessionRequest = {
  externalRef: 'loan-2026-000123',
  customerName: '홍길동',
  locale: 'ko',
  record: true,
  metadata: { branch: 'seoul-01', product: 'credit-loan' },
};

export const createSessionResponseExample: CreateSessionResponse = {
  sessionId,
  customerUrl: `${base}/join?lang=ko#token=eyJzaWQiOiJkMmE3YzFlNCJ9.c2lnbmF0dXJl`,
  agentUrl: `${base}/join?lang=ko#token=eyJzaWQiOiJkMmE3YzFlNCIsInJvbGUiOiJhZ2VudCJ9.c2lnbmF0dXJl`,
  expiresAt: '2026-12-03T09:45:00.000Z',
};

export const updateSessionRequestExample: UpdateSessionRequest = { customerName: '홍길순' };

export const recordingExample: ArtifactView = {
  artifactId: 'rec-7f3a9c21e4b0',
  sessionId,
  kind: 'recording',
  participant: 'customer',
  capture: null,
  segment: 1,
  fileName: 'recording-customer-01.webm.venc',
  contentType: 'video/webm',
  size: 18_734_112,
  sha256: '5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef',
  bankKeyId: '9c1185a5c5e9fc54612808977ee8f548b2258d31a4b1f6c1e0b5b0b5ff7d1f2a',
  startedAt: '2026-12-03T09:21:04.512Z',
  offsetMs: 0,
  durationMs: 412_300,
  nodeId: 'media-seoul-1',
  state: 'stored',
  storedAt: '2026-12-03T09:28:20.004Z',
  deletedAt: null,
};

/** A session the agent approved: what GET /v1/sessions/{id} answers after the call. */
export const sessionViewExample: SessionView = {
  sessionId,
  externalRef: 'loan-2026-000123',
  customerName: '홍길동',
  locale: 'ko',
  record: true,
  metadata: { branch: 'seoul-01', product: 'credit-loan' },
  state: 'decided',
  endReason: 'approved',
  outcome: {
    state: 'decided',
    decision: 'approved',
    reasonCodes: [],
    note: 'ID checked against the photo; hologram visible.',
    decidedBy: 'agent',
    agent: { id: 'agent.kim', name: 'Kim Minji' },
  },
  decision: 'approved',
  reasonCodes: [],
  note: 'ID checked against the photo; hologram visible.',
  decidedBy: 'agent',
  createdAt: '2026-12-03T09:15:00.000Z',
  startedAt: '2026-12-03T09:21:03.870Z',
  endedAt: '2026-12-03T09:28:16.220Z',
  expiresAt: '2026-12-03T09:45:00.000Z',
  linkExpiresAt: '2026-12-03T09:30:00.000Z',
  nodeId: 'media-seoul-1',
  participants: [
    { role: 'customer', connected: false, joinedAt: '2026-12-03T09:19:42.101Z', leftAt: '2026-12-03T09:28:16.220Z' },
    { role: 'agent', connected: false, joinedAt: '2026-12-03T09:21:01.955Z', leftAt: '2026-12-03T09:28:16.220Z' },
  ],
  consent: { version: 'ko-2026-11', at: '2026-12-03T09:20:10.332Z' },
  recordings: [recordingExample],
  agent: { id: 'agent.kim', name: 'Kim Minji' },
};

export const sessionListExample: SessionList = {
  sessions: [sessionViewExample],
  nextCursor: 'MjAyNi0xMi0wM1QwOToxNTowMC4wMDBafGQyYTdjMWU0',
};

const webhookSession = { sessionId, externalRef: 'loan-2026-000123' };
const approved: WebhookOutcome = { state: 'decided', decision: 'approved', reasonCodes: [], decidedBy: 'agent', agent: { id: 'agent.kim', name: 'Kim Minji' } };

/**
 * The `data` of each webhook event as the control plane sends it (session-webhooks.ts,
 * evidence-lifecycle.ts, evidence-uploads.ts). A Record over every event type: a new type does not
 * compile until it has an example.
 */
export const webhookDataExamples: Record<WebhookEventType, WebhookData> = {
  'session.created': { ...webhookSession, state: 'created' },
  'session.waiting': { ...webhookSession, state: 'waiting' },
  'session.started': { ...webhookSession, state: 'in_call' },
  'session.decided': { ...webhookSession, state: 'decided', outcome: approved, endReason: 'approved' },
  'session.cancelled': { ...webhookSession, state: 'cancelled', outcome: { state: 'cancelled', by: 'bank' }, endReason: 'cancelled_by_bank' },
  'session.expired': { ...webhookSession, state: 'expired', outcome: { state: 'expired', cause: 'link_expired' }, endReason: 'link_expired' },
  'session.abandoned': { ...webhookSession, state: 'abandoned', outcome: { state: 'abandoned', participant: 'customer' }, endReason: 'abandoned' },
  'session.failed': { ...webhookSession, state: 'failed', outcome: { state: 'failed', cause: 'media node lost' }, endReason: 'failed' },
  'recording.ready': { ...webhookSession, state: 'in_call', recording: recordingExample },
  'evidence.ready': { ...webhookSession, state: 'decided', outcome: approved, endReason: 'approved', evidence: { artifacts: 3 } },
  'evidence.deleted': { ...webhookSession, state: 'decided', outcome: approved, endReason: 'approved', evidence: { artifacts: 3, reason: 'retention' } },
  'document.confirmed': { ...webhookSession, state: 'in_call' },
  'session.code_issued': { ...webhookSession, state: 'in_call' },
};

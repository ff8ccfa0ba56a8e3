import { AgentRevocation, AgentSignInResponse, type AgentSignInRequest } from './agent-desk.ts';
import { AuditTrail } from './audit.ts';
import * as z from 'zod/mini';
import {
  CreateSessionResponse,
  RecordingList,
  SessionList,
  SessionView,
  SystemStatus,
  type CreateSessionRequest,
  type ListSessionsQuery,
  type UpdateSessionRequest,
} from './bank-api.ts';
import { BankCheckAccepted, SessionDocument, type BankCheckRequest } from './document.ts';
import { ErrorBody, type ErrorCode } from './errors.ts';
import { ArtifactList, EvidencePack, EvidenceSigningKey } from './evidence.ts';
import { FunnelReport } from './funnel.ts';
import { SessionOneTimeCode } from './one-time-code.ts';
import { signRequest } from './signing.ts';

/** An error answered by the vident API, with its stable code. */
export class VidentApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'unexpected_response',
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'VidentApiError';
  }
}

export interface BankClientOptions {
  baseUrl: string;
  keyId: string;
  secret: string;
  fetch?: typeof fetch;
}

/** Validates an answer: its schema when 2xx, else the ErrorBody it carries, as a VidentApiError. */
async function answer<T extends z.core.$ZodType>(response: Response, schema: T): Promise<z.infer<T>> {
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = ErrorBody.safeParse(json);
    if (error.success) throw new VidentApiError(response.status, error.data.error.code, error.data.error.message);
    throw new VidentApiError(response.status, 'unexpected_response', 'error without an error body');
  }
  const parsed = z.safeParse(schema, json);
  if (!parsed.success) throw new VidentApiError(response.status, 'unexpected_response', parsed.error.message);
  return parsed.data;
}

/**
 * One signed JSON request with its answer validated: what the bank and the admin clients are made of.
 * Signs (X-Vident-Key-Id / -Timestamp / -Nonce / -Signature) over the exact body it sends.
 */
export function signedCaller(options: { baseUrl: string; keyId: string; secret: string; fetch?: typeof fetch }) {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/$/, '');
  return async function call<T extends z.core.$ZodType>(
    method: string,
    pathWithQuery: string,
    schema: T,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<z.infer<T>> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers = await signRequest({ keyId: options.keyId, secret: options.secret, method, pathWithQuery, body: text });
    const response = await doFetch(base + pathWithQuery, {
      method,
      headers: { ...extraHeaders, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: text }),
    });
    return answer(response, schema);
  };
}

/**
 * The bank backend's typed client of the vident API: signs every request and validates every answer.
 */
export function createBankClient(options: BankClientOptions) {
  const call = signedCaller(options);
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/$/, '');

  return {
    /**
     * With an idempotency key (1..128 visible ASCII, e.g. a UUID), a retry with the same request
     * returns the same session instead of creating another (keys are kept at least 24 h).
     */
    createSession: (request: CreateSessionRequest, options: { idempotencyKey?: string } = {}) =>
      call(
        'POST',
        '/v1/sessions',
        CreateSessionResponse,
        request,
        options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey },
      ),
    getSession: (sessionId: string) => call('GET', `/v1/sessions/${encodeURIComponent(sessionId)}`, SessionView),
    /** One page, newest first; pass the answer's nextCursor (with the same filters) for the next. */
    listSessions: (query: ListSessionsQuery = {}) => {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined && value !== '') params.set(name, String(value));
      }
      const qs = params.toString();
      return call('GET', `/v1/sessions${qs ? `?${qs}` : ''}`, SessionList);
    },
    updateSession: (sessionId: string, update: UpdateSessionRequest) =>
      call('PATCH', `/v1/sessions/${encodeURIComponent(sessionId)}`, SessionView, update),
    deleteSession: (sessionId: string) => call('DELETE', `/v1/sessions/${encodeURIComponent(sessionId)}`, SessionView),
    /** The session's hash-chained audit trail; check it with verifyAuditChain(entries, head, purged) (`purged`: after retention's end). */
    sessionAudit: (sessionId: string) => call('GET', `/v1/sessions/${encodeURIComponent(sessionId)}/audit`, AuditTrail),
    /** The ID document the agent confirmed (full fields) with the bank's checks; 404 not_found until one is. */
    getDocument: (sessionId: string) => call('GET', `/v1/sessions/${encodeURIComponent(sessionId)}/document`, SessionDocument),
    /** Posts the bank's own check on the document; the agent sees it at once (REQUIRED_BANK_CHECKS gates approval). */
    postCheck: (sessionId: string, check: BankCheckRequest) => call('POST', `/v1/sessions/${encodeURIComponent(sessionId)}/checks`, BankCheckAccepted, check),
    /** The session's open one-time code, for delivery to the customer's phone (after session.code_issued). */
    getOneTimeCode: (sessionId: string) => call('GET', `/v1/sessions/${encodeURIComponent(sessionId)}/one-time-code`, SessionOneTimeCode),
    status: () => call('GET', '/v1/status', SystemStatus),
    /** The verification funnel of the sessions created on these UTC days (`YYYY-MM-DD`, inclusive), optionally of one desk agent. */
    funnelReport: (query: { from: string; to: string; agent?: string }) =>
      call('GET', `/v1/reports/funnel?${new URLSearchParams({ from: query.from, to: query.to, ...(query.agent ? { agent: query.agent } : {}) })}`, FunnelReport),
    /**
     * Signs an agent (or supervisor) in after the bank's own SSO: answers the console link to open in
     * the agent's browser (its desk token rides in the fragment).
     */
    signInAgent: (request: AgentSignInRequest) => call('POST', '/v1/agents/sign-ins', AgentSignInResponse, request),
    /**
     * Revokes an agent at once (left the bank, lost a device): its desk tokens and its links into
     * sessions are refused from now on and its consoles closed. A later sign-in works again.
     */
    revokeAgent: (agentId: string) => call('POST', `/v1/agents/${encodeURIComponent(agentId)}/revoke`, AgentRevocation),
    recordings: () => call('GET', '/v1/recordings', RecordingList),
    /** Every artifact of a session (recordings, captures), stored, uploading or deleted. */
    artifacts: (sessionId: string) => call('GET', `/v1/sessions/${encodeURIComponent(sessionId)}/artifacts`, ArtifactList),
    /**
     * The signed evidence pack: manifest, audit entries and short-lived download URLs (fetch them
     * unsigned). 409 evidence_not_ready while anything is pending, 410 evidence_deleted after deletion.
     */
    evidence: (sessionId: string) => call('GET', `/v1/sessions/${encodeURIComponent(sessionId)}/evidence`, EvidencePack),
    /** Deletes every artifact of an ended session (audited); answers the artifacts, now deleted. */
    deleteEvidence: (sessionId: string) => call('DELETE', `/v1/sessions/${encodeURIComponent(sessionId)}/evidence`, ArtifactList),
    /** The control plane's Ed25519 public key that verifies every manifest (public route, unsigned). */
    signingKey: async () => answer(await doFetch(`${base}/v1/evidence/signing-key`), EvidenceSigningKey),
  };
}
export type BankClient = ReturnType<typeof createBankClient>;

import {
  ArtifactView,
  SessionBrowserPaths,
  ErrorBody,
  MAX_CAPTURE_BYTES,
  sealBytes,
  type BankPublicKey,
  type CaptureKind,
  type ErrorCode,
} from '@vident/protocol';

/** JPEG quality of a capture: ID documents need legible small print. */
export const CAPTURE_JPEG_QUALITY = 0.92;
export const CAPTURE_CONTENT_TYPE = 'image/jpeg';

/** Why a capture did not end up stored: a server error code, or what went wrong on this page. */
export type CaptureFailureCode = ErrorCode | 'network' | 'no_frame' | 'encode_failed' | 'unexpected_response';

export interface CaptureFailure {
  code: CaptureFailureCode;
  /** For the console only; the user sees a translated text chosen by `code`. */
  detail: string;
}

export type CaptureUploadResult = { ok: true; artifact: ArtifactView } | { ok: false; failure: CaptureFailure };

/** A failure with its code, thrown between the steps of one capture. */
export class CaptureError extends Error {
  constructor(
    readonly code: CaptureFailureCode,
    detail: string,
  ) {
    super(detail);
    this.name = 'CaptureError';
  }
}

/**
 * Seals the JPEG for the bank (evidence-crypto's envelope). The plaintext never leaves the page:
 * only this ciphertext is uploaded. The size check mirrors the server's so an oversized still is
 * refused here with the same code instead of after a long upload.
 */
export async function sealCapture(bank: BankPublicKey, jpeg: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const sealed = await sealBytes(bank, CAPTURE_CONTENT_TYPE, jpeg);
  if (sealed.length > MAX_CAPTURE_BYTES) {
    throw new CaptureError('payload_too_large', `sealed capture of ${sealed.length} bytes exceeds ${MAX_CAPTURE_BYTES}`);
  }
  return sealed;
}

/**
 * The upload request. The participant token goes in the Authorization header only: a URL (query
 * string) would end up in access logs, which is why the page keeps it in the link's fragment.
 */
export function captureUploadRequest(input: {
  origin: string;
  sessionId: string;
  kind: CaptureKind;
  token: string;
  sealed: Uint8Array<ArrayBuffer>;
  /** The still's pixel size, recorded with the artifact (the bank checks it on the opened image). */
  size?: { width: number; height: number };
  /** The customer's page: the agent's `still-request` this still answers. */
  requestId?: string;
}): { url: string; init: RequestInit } {
  const url = new URL(SessionBrowserPaths.captures(input.sessionId), input.origin);
  url.searchParams.set('capture', input.kind);
  if (input.size !== undefined) {
    url.searchParams.set('width', String(input.size.width));
    url.searchParams.set('height', String(input.size.height));
  }
  if (input.requestId !== undefined) url.searchParams.set('request', input.requestId);
  return {
    url: url.toString(),
    init: {
      method: 'POST',
      headers: { authorization: `Bearer ${input.token}`, 'content-type': 'application/octet-stream' },
      body: input.sealed,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    },
  };
}

/**
 * Reads the answer to a capture upload: 201 with the stored artifact, else the server's error code.
 * The artifact must be the capture asked for, of this session: anything else is not trusted.
 */
export function interpretCaptureResponse(
  status: number,
  body: unknown,
  expected: { sessionId: string; kind: CaptureKind },
): CaptureUploadResult {
  if (status !== 201) {
    const error = ErrorBody.safeParse(body);
    if (error.success) return { ok: false, failure: { code: error.data.error.code, detail: error.data.error.message } };
    return { ok: false, failure: { code: status === 413 ? 'payload_too_large' : 'unexpected_response', detail: `HTTP ${status}` } };
  }
  // The contract says ArtifactView; `{ artifact }` (UploadComplete's shape) is accepted too.
  const wrapped = typeof body === 'object' && body !== null && 'artifact' in body ? body.artifact : body;
  const parsed = ArtifactView.safeParse(wrapped);
  if (!parsed.success) return { ok: false, failure: { code: 'unexpected_response', detail: 'not an artifact' } };
  const artifact = parsed.data;
  if (artifact.kind !== 'capture' || artifact.capture !== expected.kind || artifact.sessionId !== expected.sessionId) {
    return { ok: false, failure: { code: 'unexpected_response', detail: `artifact ${artifact.artifactId} is not this ${expected.kind} capture` } };
  }
  return { ok: true, artifact };
}

/** Sends a capture request; a network failure or a non-JSON body becomes a CaptureFailure, never a throw. */
export async function sendCapture(
  request: { url: string; init: RequestInit },
  expected: { sessionId: string; kind: CaptureKind },
): Promise<CaptureUploadResult> {
  let res: Response;
  try {
    res = await fetch(request.url, request.init);
  } catch (err) {
    return { ok: false, failure: { code: 'network', detail: err instanceof Error ? err.message : String(err) } };
  }
  return readCaptureResponse(res, expected);
}

/** Reads a capture upload's HTTP answer (body may be anything: a proxy's HTML page, nothing). */
export async function readCaptureResponse(res: Response, expected: { sessionId: string; kind: CaptureKind }): Promise<CaptureUploadResult> {
  const body: unknown = await res.json().catch(() => null);
  return interpretCaptureResponse(res.status, body, expected);
}

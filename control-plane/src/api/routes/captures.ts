import { CaptureKind, EnvelopeError, MAX_CAPTURE_BYTES, parseEnvelopeHeader, SessionId, sha256Hex, StillDimension, StillRequestId, toHex } from '@vident/protocol';
import { z } from 'zod';
import { Hono } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { withEvidence } from '../../evidence/evidence-stub.ts';
import { objectKey } from '../../evidence/artifact-store.ts';
import { bankKeyOf } from '../../evidence/evidence-keys.ts';
import { ApiError, fromFailure, parseInput, readBounded } from '../../base/http-error.ts';
import { agentClaimOfToken, verifyToken } from '../../session/participant-token.ts';
import { sessionStub } from '../../base/env.ts';

/** What a capture may be: the pages encode stills as JPEG (PNG allowed). */
const CAPTURE_TYPES = new Set(['image/jpeg', 'image/png']);
/** AES-GCM tag of the one chunk even an empty capture has. */
const MIN_SEALED_BODY = 16;

/** A declared pixel size in the query string. */
const QueryDimension = z.coerce.number().pipe(StillDimension);

/**
 * `POST /v1/sessions/:id/captures?capture=id_front|id_back|face[&width=&height=]`: a still of the
 * customer, sealed in the taking browser with the bank's key (the control plane never sees the
 * image). Authenticated by a participant token (`Authorization: Bearer`), same origin as the page:
 * - the agent's token: the agent's still of the received video (`source: received_video`);
 * - the customer's token, only with `&request=<id>` naming an outstanding `still-request` of the
 *   agent for that kind, and with `width` and `height`: the still the customer's page took of its
 *   own camera (`source: customer_camera`). Anything else is `409 still_not_requested`, answered
 *   before the body is read, and the request is used up by the upload it admits.
 * Mounted before sessionRoutes: it is not a bank-signed route.
 */
export const captureRoutes = new Hono<AppEnv>().post('/:id/captures', async (c) => {
  const sessionId = parseInput(SessionId, c.req.param('id'));
  const auth = /^Bearer ([\x21-\x7e]{1,2048})$/.exec(c.req.header('authorization') ?? '');
  if (!auth) throw new ApiError('token_invalid', 401, 'Authorization: Bearer <participant token> is required');
  const check = await verifyToken(c.var.config.tokenSecret, auth[1]!, { sessionId, now: Date.now() });
  if (!check.ok) throw new ApiError(check.code, 401, check.message);
  const capture = parseInput(CaptureKind, c.req.query('capture'));
  const width = c.req.query('width') === undefined ? null : parseInput(QueryDimension, c.req.query('width'));
  const height = c.req.query('height') === undefined ? null : parseInput(QueryDimension, c.req.query('height'));
  const fromCustomer = check.payload.role === 'customer';
  let requestId: string | null = null;
  if (fromCustomer) {
    const named = c.req.query('request');
    if (named === undefined) throw new ApiError('still_not_requested', 409, "the customer's page uploads a still only when the agent asked for it (request=<id>)");
    requestId = parseInput(StillRequestId, named);
    const asked = requestId;
    if (width === null || height === null) throw new ApiError('validation_failed', 400, "a still from the customer's camera declares its width and height");
    // Before the body is read: a page the agent asked nothing of cannot make the Worker take 12 MiB.
    const open = await withEvidence(c.env, sessionId, async (evidence) => evidence.stillRequestOpen(asked, capture));
    if (!open.ok) throw fromFailure(open);
  } else {
    // Only the agent the session admits now: not a released or revoked agent's link (agentAdmission).
    const admitted = await sessionStub(c.env, sessionId).admitAgent(agentClaimOfToken(check.payload));
    if (!admitted.ok) throw fromFailure(admitted);
  }
  const bank = await bankKeyOf(c.var.config.evidence);
  if (!bank) throw new ApiError('not_configured', 503, 'captures need EVIDENCE_PUBLIC_KEY (the bank key that seals them)');

  const sealed = await readBounded(c.req.raw, MAX_CAPTURE_BYTES);
  let header;
  let headerLength;
  try {
    const parsed = parseEnvelopeHeader(sealed);
    header = parsed.header;
    headerLength = parsed.headerBytes.length;
  } catch (err) {
    throw new ApiError('validation_failed', 400, `the body is not a sealed capture: ${err instanceof EnvelopeError ? err.message : 'unreadable'}`);
  }
  if (header.bankKeyId !== bank.keyId) throw new ApiError('validation_failed', 400, "the capture is sealed for another key than the bank's configured one");
  if (!CAPTURE_TYPES.has(header.contentType)) throw new ApiError('validation_failed', 400, 'a capture must be image/jpeg or image/png');
  if (sealed.length < headerLength + MIN_SEALED_BODY) throw new ApiError('validation_failed', 400, 'the sealed capture has no content');

  // `cap-` for the agent's stills, `still-` for the customer's: the pack's file names tell them apart.
  const prefix = fromCustomer ? 'still' : 'cap';
  const artifactId = `${prefix}-${sessionId.slice(0, 8)}-${capture.replace('_', '-')}-${toHex(crypto.getRandomValues(new Uint8Array(4)))}`;
  const key = objectKey(sessionId, artifactId);
  const sha256 = await sha256Hex(sealed);
  await c.env.EVIDENCE.put(key, sealed, { sha256, customMetadata: { sha256 } });
  const stored = await withEvidence(c.env, sessionId, async (evidence) =>
    evidence.addCapture({
      artifactId,
      capture,
      contentType: header.contentType,
      size: sealed.length,
      sha256,
      bankKeyId: header.bankKeyId,
      source: fromCustomer ? 'customer_camera' : 'received_video',
      requestId,
      width,
      height,
      from: c.req.header('cf-connecting-ip') ?? null,
    }),
  );
  if (!stored.ok) {
    // The session refused it (ended meanwhile): nothing of it may stay in the bucket.
    await c.env.EVIDENCE.delete(key);
    throw fromFailure(stored);
  }
  return c.json(stored.artifact, 201);
});

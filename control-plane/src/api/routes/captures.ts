import { CaptureKind, EnvelopeError, MAX_CAPTURE_BYTES, parseEnvelopeHeader, SessionId, sha256Hex, toHex } from '@vident/protocol';
import { Hono } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { withEvidence } from '../../evidence/evidence-stub.ts';
import { objectKey } from '../../evidence/artifact-store.ts';
import { bankKeyOf } from '../../evidence/evidence-keys.ts';
import { ApiError, fromFailure, parseInput, readBounded } from '../../base/http-error.ts';
import { agentClaimOfToken, verifyToken } from '../../session/participant-token.ts';
import { sessionStub } from '../../base/env.ts';

/** What a capture may be: the agent's page encodes stills as JPEG (PNG allowed). */
const CAPTURE_TYPES = new Set(['image/jpeg', 'image/png']);
/** AES-GCM tag of the one chunk even an empty capture has. */
const MIN_SEALED_BODY = 16;

/**
 * `POST /v1/sessions/:id/captures?capture=id_front|id_back|face`: the agent's still of the
 * customer, sealed in the agent's browser with the bank's key (the control plane never sees the
 * image). Authenticated by the agent's participant token (`Authorization: Bearer`), same origin as
 * the page. Mounted before sessionRoutes: it is not a bank-signed route.
 */
export const captureRoutes = new Hono<AppEnv>().post('/:id/captures', async (c) => {
  const sessionId = parseInput(SessionId, c.req.param('id'));
  const auth = /^Bearer ([\x21-\x7e]{1,2048})$/.exec(c.req.header('authorization') ?? '');
  if (!auth) throw new ApiError('token_invalid', 401, 'Authorization: Bearer <participant token> is required');
  const check = await verifyToken(c.var.config.tokenSecret, auth[1]!, { sessionId, now: Date.now() });
  if (!check.ok) throw new ApiError(check.code, 401, check.message);
  if (check.payload.role !== 'agent') throw new ApiError('forbidden', 403, 'only the agent takes captures');
  // Only the agent the session admits now: not a released or revoked agent's link (agentAdmission).
  const admitted = await sessionStub(c.env, sessionId).admitAgent(agentClaimOfToken(check.payload));
  if (!admitted.ok) throw fromFailure(admitted);
  const capture = parseInput(CaptureKind, c.req.query('capture'));
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

  const artifactId = `cap-${sessionId.slice(0, 8)}-${capture.replace('_', '-')}-${toHex(crypto.getRandomValues(new Uint8Array(4)))}`;
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

import { ArtifactId, SessionId } from '@vident/protocol';
import { Hono } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { withEvidence } from '../../evidence/evidence-stub.ts';
import { verifyDownload } from '../../evidence/download-url.ts';
import { signerOf } from '../../evidence/evidence-keys.ts';
import { ApiError, fromFailure, parseInput } from '../../base/http-error.ts';

/**
 * Unsigned evidence routes, mounted at /v1/evidence:
 *
 *   GET /signing-key                  the Ed25519 public key that verifies every manifest
 *   GET /:sessionId/:artifactId?expires=&sig=   a sealed artifact, through a link from the pack
 *
 * A download link is the credential (short-lived, one artifact); what it serves is ciphertext
 * only the bank's private key opens.
 */
export const evidencePublicRoutes = new Hono<AppEnv>()
  .get('/signing-key', async (c) => {
    const signer = await signerOf(c.var.config.evidence);
    if (!signer) throw new ApiError('not_configured', 503, 'no evidence signing key is configured');
    return c.json(signer.publicView);
  })
  .get('/:sessionId/:artifactId', async (c) => {
    const sessionId = parseInput(SessionId, c.req.param('sessionId'));
    const artifactId = parseInput(ArtifactId, c.req.param('artifactId'));
    const check = await verifyDownload({
      sessionId,
      artifactId,
      expires: c.req.query('expires'),
      sig: c.req.query('sig'),
      tokenSecret: c.var.config.tokenSecret,
      now: Date.now(),
    });
    if (!check.ok) throw new ApiError(check.code, check.status, check.message);
    const target = await withEvidence(c.env, sessionId, async (evidence) => evidence.downloadTarget(artifactId, c.req.header('cf-connecting-ip') ?? null));
    if (!target.ok) throw fromFailure(target);
    const object = await c.env.EVIDENCE.get(target.objectKey);
    if (!object) throw new ApiError('evidence_deleted', 410, 'the artifact is no longer stored');
    return new Response(object.body, {
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(object.size),
        'content-disposition': `attachment; filename="${target.fileName}"`,
        'cache-control': 'no-store',
      },
    });
  });

import { ArtifactId, NodeId, PART_SHA256_HEADER, partCount, UploadStart, type UploadComplete, type UploadStatus } from '@vident/protocol';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../base/app-env.ts';
import { directoryStub } from '../../base/env.ts';
import { objectKey } from '../../evidence/artifact-store.ts';
import { withEvidence } from '../../evidence/evidence-stub.ts';
import { signUploadUrls, verifyUploadUrl, type UploadGrant } from '../../evidence/upload-url.ts';
import { completeAndDigest, streamPart } from '../../evidence/object-io.ts';
import { ApiError, fromFailure, parseInput, parseJsonBody } from '../../base/http-error.ts';
import { log } from '../../base/log.ts';
import { nodeAuth, requireOwnNode, verifyStreamedNodeRequest } from '../../base/signed-request.ts';

/*
 * The media nodes' evidence uploads, mounted at /v1/nodes BEFORE nodeRoutes: every handler here
 * answers itself, so nodeRoutes' buffering nodeAuth never sees a part's body. JSON routes use
 * nodeAuth per route; a part is verified against its declared SHA-256 and streamed to R2.
 *
 *   POST /:nodeId/uploads                                          UploadStart -> UploadStatus (resume point, urls)
 *   PUT  /:nodeId/uploads/:artifactId/parts/:partNumber?<grant>    raw bytes + x-vident-part-sha256 -> UploadedPart
 *   POST /:nodeId/uploads/:artifactId/complete?<grant>             -> UploadComplete (after re-reading the object)
 *
 * The start's answer gives the part and complete URLs: their grant (upload-url.ts) names the
 * session, the R2 upload and the sizes, MACed for this node and artifact. So a part costs one call
 * to its session (recording it, after the bytes are in R2) and none to the SessionDirectory (only a
 * start indexes the artifact id there); the
 * node's own signature on every request is checked as on every node route.
 */

const PartNumber = z.string().regex(/^[1-9]\d{0,4}$/, 'a part number from 1').transform(Number);
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, `${PART_SHA256_HEADER} must be a lowercase hex SHA-256`);

/** The grant of a part or complete URL, for the node that signed the request (upload_url_invalid / _expired otherwise). */
async function uploadGrant(c: Context<AppEnv>, nodeId: string, artifactId: string): Promise<UploadGrant> {
  const checked = await verifyUploadUrl({ nodeId, artifactId, query: new URL(c.req.url).searchParams, tokenSecret: c.var.config.tokenSecret, now: Date.now() });
  if (!checked.ok) {
    log('upload_url_refused', { nodeId, artifactId, code: checked.code });
    throw fromFailure(checked);
  }
  return checked.grant;
}

export const uploadRoutes = new Hono<AppEnv>()
  .post('/:nodeId/uploads', nodeAuth, async (c) => {
    const nodeId = parseInput(NodeId, c.req.param('nodeId'));
    requireOwnNode(c, nodeId);
    const start = parseJsonBody(UploadStart, c.var.rawBody);
    const result = await withEvidence(c.env, start.sessionId, async (evidence) => evidence.startUpload(nodeId, start));
    if (!result.ok) throw fromFailure(result);
    // Artifact ids are unique across sessions (the directory's recording rows are keyed by them):
    // one directory call per upload start, none per part.
    if (!(await directoryStub(c.env).indexUpload(start.artifactId, start.sessionId, nodeId))) {
      throw new ApiError('conflict', 409, `artifact id ${start.artifactId} is taken by another upload`);
    }
    if (result.uploadId === null) return c.json(result.status satisfies UploadStatus);
    const grant = { nodeId, sessionId: start.sessionId, artifactId: start.artifactId, uploadId: result.uploadId, size: start.size, partSize: result.status.partSize };
    const urls = await signUploadUrls(grant, c.var.config.tokenSecret, Date.now());
    return c.json({ ...result.status, urls } satisfies UploadStatus);
  })
  .put('/:nodeId/uploads/:artifactId/parts/:partNumber', async (c) => {
    // Authenticate first (against the hash the node declares), then look at anything else.
    const declared = c.req.header(PART_SHA256_HEADER) ?? '';
    await verifyStreamedNodeRequest(c, declared);
    const nodeId = parseInput(NodeId, c.req.param('nodeId'));
    requireOwnNode(c, nodeId);
    const artifactId = parseInput(ArtifactId, c.req.param('artifactId'));
    const partNumber = parseInput(PartNumber, c.req.param('partNumber'));
    const sha256 = parseInput(Sha256Hex, declared);
    const grant = await uploadGrant(c, nodeId, artifactId);
    const count = partCount(grant.size, grant.partSize);
    if (partNumber > count) throw new ApiError('validation_failed', 400, `part ${partNumber} is beyond the last part (${count})`);
    const expectedSize = partNumber < count ? grant.partSize : grant.size - (count - 1) * grant.partSize;
    const declaredLength = c.req.header('content-length');
    if (declaredLength !== undefined && Number(declaredLength) !== expectedSize) {
      throw new ApiError('validation_failed', 400, `part ${partNumber} must be exactly ${expectedSize} bytes`);
    }
    if (!c.req.raw.body) throw new ApiError('validation_failed', 400, `part ${partNumber} has no body`);
    // The bytes go to R2 before the session is asked: R2 refuses an upload that was aborted (evidence
    // deleted, superseded), and a part the session does not take below never counts for anything.
    const target = { objectKey: objectKey(grant.sessionId, artifactId), uploadId: grant.uploadId, expectedSize };
    const streamed = await streamPart(c.env.EVIDENCE, target, partNumber, c.req.raw.body);
    return withEvidence(c.env, grant.sessionId, async (evidence) => {
      if (!streamed.ok) {
        const restarted = await evidence.restartUpload(nodeId, artifactId, grant.uploadId);
        if (!restarted.ok) throw fromFailure(restarted);
        log('upload_part_refused_by_storage', { nodeId, artifactId, partNumber });
        throw new ApiError('conflict', 409, 'the storage refused the part: start the upload again (it restarts from part 1)');
      }
      if (streamed.sha256 !== sha256) {
        log('upload_part_checksum_mismatch', { nodeId, artifactId, partNumber });
        throw new ApiError('checksum_mismatch', 422, `part ${partNumber} does not match its ${PART_SHA256_HEADER}: nothing was stored`);
      }
      const held = await evidence.partReceived(nodeId, artifactId, grant.uploadId, { partNumber, size: streamed.size, sha256, etag: streamed.etag });
      if (!held.ok) throw fromFailure(held);
      return c.json(held.part);
    });
  })
  .post('/:nodeId/uploads/:artifactId/complete', nodeAuth, async (c) => {
    const nodeId = parseInput(NodeId, c.req.param('nodeId'));
    requireOwnNode(c, nodeId);
    const artifactId = parseInput(ArtifactId, c.req.param('artifactId'));
    const grant = await uploadGrant(c, nodeId, artifactId);
    return withEvidence(c.env, grant.sessionId, async (evidence) => {
      const plan = await evidence.prepareComplete(nodeId, artifactId);
      if (!plan.ok) throw fromFailure(plan);
      if (plan.done) return c.json({ artifact: plan.done } satisfies UploadComplete);
      const actual = await completeAndDigest(c.env.EVIDENCE, plan.objectKey, plan.uploadId, plan.parts);
      const result = await evidence.finishComplete(nodeId, artifactId, actual);
      if (!result.ok) throw fromFailure(result);
      return c.json({ artifact: result.artifact } satisfies UploadComplete);
    });
  });

import { ArtifactId, NodeId, PART_SHA256_HEADER, UploadStart, type UploadComplete } from '@vident/protocol';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../base/app-env.ts';
import { directoryStub } from '../../base/env.ts';
import { withEvidence } from '../../evidence/evidence-stub.ts';
import { completeAndDigest, streamPart } from '../../evidence/object-io.ts';
import { ApiError, fromFailure, parseInput, parseJsonBody } from '../../base/http-error.ts';
import { log } from '../../base/log.ts';
import { nodeAuth, requireOwnNode, verifyStreamedNodeRequest } from '../../base/signed-request.ts';

/*
 * The media nodes' evidence uploads, mounted at /v1/nodes BEFORE nodeRoutes: every handler here
 * answers itself, so nodeRoutes' buffering nodeAuth never sees a part's body. JSON routes use
 * nodeAuth per route; a part is verified against its declared SHA-256 and streamed to R2.
 *
 *   POST /:nodeId/uploads                                 UploadStart -> UploadStatus (resume point)
 *   PUT  /:nodeId/uploads/:artifactId/parts/:partNumber   raw bytes + x-vident-part-sha256 -> UploadedPart
 *   POST /:nodeId/uploads/:artifactId/complete            -> UploadComplete (after re-reading the object)
 */

const PartNumber = z.string().regex(/^[1-9]\d{0,4}$/, 'a part number from 1').transform(Number);
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, `${PART_SHA256_HEADER} must be a lowercase hex SHA-256`);

/** The session an upload belongs to (404 when this node never started it). */
async function uploadSession(c: Context<AppEnv>, artifactId: string, nodeId: string): Promise<string> {
  const sessionId = await directoryStub(c.env).uploadSession(artifactId, nodeId);
  if (!sessionId) throw new ApiError('not_found', 404, `no upload ${artifactId} from this node: start it first`);
  return sessionId;
}

export const uploadRoutes = new Hono<AppEnv>()
  .post('/:nodeId/uploads', nodeAuth, async (c) => {
    const nodeId = parseInput(NodeId, c.req.param('nodeId'));
    requireOwnNode(c, nodeId);
    const start = parseJsonBody(UploadStart, c.var.rawBody);
    const result = await withEvidence(c.env, start.sessionId, async (evidence) => evidence.startUpload(nodeId, start));
    if (!result.ok) throw fromFailure(result);
    if (!(await directoryStub(c.env).indexUpload(start.artifactId, start.sessionId, nodeId))) {
      throw new ApiError('conflict', 409, `artifact id ${start.artifactId} is taken by another upload`);
    }
    return c.json(result.status);
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
    return withEvidence(c.env, await uploadSession(c, artifactId, nodeId), async (evidence) => {
      const target = await evidence.beginPart(nodeId, artifactId, partNumber);
      if (!target.ok) throw fromFailure(target);
      const declaredLength = c.req.header('content-length');
      if (declaredLength !== undefined && Number(declaredLength) !== target.expectedSize) {
        throw new ApiError('validation_failed', 400, `part ${partNumber} must be exactly ${target.expectedSize} bytes`);
      }
      if (!c.req.raw.body) throw new ApiError('validation_failed', 400, `part ${partNumber} has no body`);
      const streamed = await streamPart(c.env.EVIDENCE, target, partNumber, c.req.raw.body);
      if (!streamed.ok) {
        await evidence.restartUpload(nodeId, artifactId, target.uploadId);
        log('upload_part_refused_by_storage', { nodeId, artifactId, partNumber });
        throw new ApiError('conflict', 409, 'the storage refused the part: start the upload again (it restarts from part 1)');
      }
      if (streamed.sha256 !== sha256) {
        log('upload_part_checksum_mismatch', { nodeId, artifactId, partNumber });
        throw new ApiError('checksum_mismatch', 422, `part ${partNumber} does not match its ${PART_SHA256_HEADER}: nothing was stored`);
      }
      const held = await evidence.partReceived(nodeId, artifactId, target.uploadId, { partNumber, size: streamed.size, sha256, etag: streamed.etag });
      if (!held.ok) throw fromFailure(held);
      return c.json(held.part);
    });
  })
  .post('/:nodeId/uploads/:artifactId/complete', nodeAuth, async (c) => {
    const nodeId = parseInput(NodeId, c.req.param('nodeId'));
    requireOwnNode(c, nodeId);
    const artifactId = parseInput(ArtifactId, c.req.param('artifactId'));
    return withEvidence(c.env, await uploadSession(c, artifactId, nodeId), async (evidence) => {
      const plan = await evidence.prepareComplete(nodeId, artifactId);
      if (!plan.ok) throw fromFailure(plan);
      if (plan.done) return c.json({ artifact: plan.done } satisfies UploadComplete);
      const actual = await completeAndDigest(c.env.EVIDENCE, plan.objectKey, plan.uploadId, plan.parts);
      const result = await evidence.finishComplete(nodeId, artifactId, actual);
      if (!result.ok) throw fromFailure(result);
      return c.json({ artifact: result.artifact } satisfies UploadComplete);
    });
  });

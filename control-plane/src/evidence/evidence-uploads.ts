import { isTerminalState, partCount, type ArtifactView, type CaptureKind, type UploadedPart, type UploadStart, type UploadStatus } from '@vident/protocol';
import type { Failure } from '../base/http-error.ts';
import { log } from '../base/log.ts';
import type { SessionRecord } from '../session/session-record.ts';
import { objectKey, toArtifactViews, type ArtifactRecord, type StoredPart } from './artifact-store.ts';
import { bankKeyOf } from './evidence-keys.ts';
import { failure, noSession } from '../session/session-failure.ts';
import { openStillRequest, withoutStillRequest } from '../session/still-requests.ts';
import { evidenceGone, isoNow, type EvidencePorts } from './evidence-ports.ts';
import type { CaptureInput, CompletePlan, StartedUpload } from './evidence-rpc.ts';

/*
 * The session's side of evidence uploads: a media node's resumable multipart uploads of recording
 * segments, and the agent's captures. The Worker streams the bytes into R2 and hashes them; these
 * methods decide, in the session's Durable Object, what is accepted, what is held and what counts
 * as stored (only an object whose re-read SHA-256 matches the declared one).
 */

type Target = { ok: true; record: SessionRecord; artifact: ArtifactRecord } | Failure;

export class EvidenceUploads {
  constructor(private readonly ports: EvidencePorts) {}

  /**
   * Starts an upload, or answers where an earlier start of the same artifact got to, with the R2
   * upload its parts go to (reopened when a rejection dropped the last one).
   */
  async start(nodeId: string, start: UploadStart): Promise<StartedUpload | Failure> {
    const r = this.ports.record();
    if (!r) return noSession();
    if (!isSessionNode(r, nodeId)) return failure('forbidden', 'the session is not on this node');
    if (r.evidence.deletedAt !== null) return evidenceGone();
    if (!r.record) return failure('conflict', 'the session is not recorded');
    // As for captures: a file sealed for any other key is one the bank could not open.
    const bank = await bankKeyOf(this.ports.config.evidence);
    if (!bank) return failure('not_configured', 'recordings need EVIDENCE_PUBLIC_KEY (the bank key that seals them)');
    if (start.bankKeyId !== bank.keyId) return failure('validation_failed', "the recording is sealed for another key than the bank's configured one");
    const store = this.ports.store;
    const existing = store.get(start.artifactId);
    if (existing) {
      // Another node's upload is never handed to this one (its part URLs would then name it).
      if (existing.kind !== 'recording' || existing.nodeId !== nodeId || existing.size !== start.size || existing.sha256 !== start.sha256) {
        return failure('conflict', `artifact ${start.artifactId} was started by another node or with another size or SHA-256`);
      }
      if (existing.state === 'deleted') return evidenceGone();
      if (existing.state !== 'uploading') return { ok: true, status: this.status(existing), uploadId: null };
      return { ok: true, status: this.status(existing), uploadId: await this.openUpload(existing) };
    }
    const sameSegment = store
      .all()
      .find((a) => a.kind === 'recording' && a.participant === start.participant && a.segment === start.segment && a.state !== 'deleted');
    if (sameSegment?.state === 'stored') {
      return failure('conflict', `the ${start.participant}'s segment ${start.segment} is already stored as ${sameSegment.artifactId}`);
    }
    if (sameSegment) {
      // The node sealed the segment again (e.g. it lost its outbox entry): the newer upload wins.
      await this.abortUpload(sameSegment);
      store.remove(sameSegment.artifactId);
      log('upload_superseded', { sessionId: r.sessionId, artifactId: sameSegment.artifactId, by: start.artifactId });
    }
    const key = objectKey(r.sessionId, start.artifactId);
    const upload = await this.ports.bucket.createMultipartUpload(key, { customMetadata: { sha256: start.sha256 } });
    store.insert({
      artifactId: start.artifactId,
      kind: 'recording',
      participant: start.participant,
      capture: null,
      segment: start.segment,
      contentType: start.contentType,
      size: start.size,
      sha256: start.sha256,
      bankKeyId: start.bankKeyId,
      partSize: start.partSize,
      // Normalized so that ordering by the stored text orders by time.
      startedAt: new Date(start.startedAt).toISOString(),
      durationMs: start.durationMs,
      nodeId,
      state: 'uploading',
      uploadId: upload.uploadId,
      objectKey: key,
      storedAt: null,
      deletedAt: null,
    });
    log('upload_started', { sessionId: r.sessionId, artifactId: start.artifactId, size: start.size, parts: partCount(start.size, start.partSize) });
    return { ok: true, status: { artifactId: start.artifactId, state: 'uploading', partSize: start.partSize, parts: [] }, uploadId: upload.uploadId };
  }

  /**
   * A part arrived whole in R2 upload `uploadId` and matched its declared SHA-256: hold it (a resend
   * replaces it). The Worker streamed it on the strength of the part URL's grant (upload-url.ts);
   * whether it counts is decided here: this node's upload of this session, still that R2 upload.
   */
  async partReceived(nodeId: string, artifactId: string, uploadId: string, part: StoredPart): Promise<{ ok: true; part: UploadedPart } | Failure> {
    const t = this.target(nodeId, artifactId);
    if (!t.ok) return t;
    const a = t.artifact;
    if (a.state === 'stored' || a.partSize === null) return failure('conflict', `artifact ${artifactId} is already stored`);
    if (a.uploadId !== uploadId) return failure('conflict', 'the upload was restarted meanwhile: start it again for its new URLs');
    const count = partCount(a.size, a.partSize);
    if (part.partNumber > count) return failure('validation_failed', `part ${part.partNumber} is beyond the last part (${count})`);
    this.ports.store.putPart(artifactId, part);
    return { ok: true, part: { partNumber: part.partNumber, size: part.size, sha256: part.sha256 } };
  }

  /**
   * R2 refused a part that arrived whole (e.g. the multipart upload expired after days without
   * activity): the upload starts over on a fresh multipart upload, from part 1.
   */
  async restartUpload(nodeId: string, artifactId: string, uploadId: string): Promise<{ ok: true } | Failure> {
    const t = this.target(nodeId, artifactId);
    if (!t.ok) return t;
    if (t.artifact.state === 'uploading' && t.artifact.uploadId === uploadId) {
      this.ports.store.restart(artifactId);
      log('upload_restarted', { sessionId: t.record.sessionId, artifactId });
    }
    return { ok: true };
  }

  /** What the Worker must complete in R2, or the stored artifact (a repeated complete). */
  async prepareComplete(nodeId: string, artifactId: string): Promise<CompletePlan | Failure> {
    const t = this.target(nodeId, artifactId);
    if (!t.ok) return t;
    const a = t.artifact;
    if (a.state === 'stored') return { ok: true, done: this.view(t.record, artifactId) };
    const held = this.ports.store.parts(artifactId);
    const missing: number[] = [];
    for (let n = 1; n <= partCount(a.size, a.partSize ?? a.size); n++) if (!held.some((p) => p.partNumber === n)) missing.push(n);
    if (missing.length || a.uploadId === null) {
      return failure('conflict', `parts missing: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', ...' : ''}`);
    }
    return { ok: true, done: null, objectKey: a.objectKey, uploadId: a.uploadId, parts: held.map((p) => ({ partNumber: p.partNumber, etag: p.etag })) };
  }

  /**
   * The Worker completed the R2 upload and re-read the object (`actual`; null when R2 refused to
   * assemble it). Stored only if it is exactly what the node declared; otherwise the object is
   * deleted, the parts are forgotten and the node starts over from part 1.
   */
  async finishComplete(nodeId: string, artifactId: string, actual: { sha256: string; size: number } | null): Promise<{ ok: true; artifact: ArtifactView } | Failure> {
    const t = this.target(nodeId, artifactId);
    if (!t.ok) {
      // Deleted while the upload completed: the object just made must not outlive the deletion.
      const key = t.code === 'evidence_deleted' ? this.ports.store.get(artifactId)?.objectKey : undefined;
      if (key) await this.ports.bucket.delete(key);
      return t;
    }
    const { record: r, artifact: a } = t;
    if (a.state === 'stored') return { ok: true, artifact: this.view(r, artifactId) };
    const actor = `node:${nodeId}` as const;
    if (!actual || actual.sha256 !== a.sha256 || actual.size !== a.size) {
      if (actual) await this.ports.bucket.delete(a.objectKey);
      this.ports.store.restart(artifactId);
      await this.ports.audit({
        actor,
        action: 'artifact.rejected',
        detail: { artifactId, kind: a.kind, participant: a.participant, segment: a.segment, sha256: a.sha256, size: a.size, actual: actual ?? 'storage refused the parts' },
      });
      log('artifact_rejected', { sessionId: r.sessionId, artifactId, expected: a.sha256, actual: actual?.sha256 ?? null });
      return failure('checksum_mismatch', 'the stored object does not match the declared SHA-256 and size: upload it again from part 1');
    }
    this.ports.store.markStored(artifactId, isoNow(this.ports));
    await this.ports.audit({
      actor,
      action: 'artifact.stored',
      detail: { artifactId, kind: a.kind, participant: a.participant, segment: a.segment, sha256: a.sha256, size: a.size },
    });
    const view = this.view(r, artifactId);
    this.ports.webhook('recording.ready', { recording: view });
    await this.ports.save(r);
    log('artifact_stored', { sessionId: r.sessionId, artifactId, size: a.size });
    return { ok: true, artifact: view };
  }

  /** Whether the customer's page may upload a still for `requestId` now (the route asks before reading the body). */
  stillRequestOpen(requestId: string, capture: CaptureKind): { ok: true } | Failure {
    const r = this.ports.record();
    if (!r) return noSession();
    if (isTerminalState(r.state)) return failure('session_ended', 'the session has ended: no more captures');
    if (openStillRequest(r.stillRequests, requestId, capture, this.ports.now()) === null) {
      return failure('still_not_requested', `the agent has no outstanding ${capture} still request of that id`);
    }
    return { ok: true };
  }

  /**
   * A capture, already in R2 under objectKey(sessionId, artifactId): recorded while the call runs.
   * The customer's still must answer an open request of the agent, which it uses up; the agent is
   * told it is stored (`still-stored`) with what it is: the agent's page cannot open it.
   */
  async addCapture(input: CaptureInput): Promise<{ ok: true; artifact: ArtifactView } | Failure> {
    const r = this.ports.record();
    if (!r) return noSession();
    if (isTerminalState(r.state)) return failure('session_ended', 'the session has ended: no more captures');
    const fromCustomer = input.source === 'customer_camera';
    const request = fromCustomer ? openStillRequest(r.stillRequests, input.requestId ?? '', input.capture, this.ports.now()) : null;
    if (fromCustomer && request === null) return failure('still_not_requested', `the agent has no outstanding ${input.capture} still request of that id`);
    const { captures } = this.ports.config.limits;
    if (this.ports.store.all().filter((a) => a.kind === 'capture').length >= captures) {
      return failure('limit_reached', `at most ${captures} captures in a session`);
    }
    const now = isoNow(this.ports);
    this.ports.store.insert({
      artifactId: input.artifactId,
      kind: 'capture',
      participant: 'customer',
      capture: input.capture,
      segment: null,
      contentType: input.contentType,
      size: input.size,
      sha256: input.sha256,
      bankKeyId: input.bankKeyId,
      partSize: null,
      startedAt: now,
      durationMs: null,
      nodeId: null,
      state: 'stored',
      uploadId: null,
      objectKey: objectKey(r.sessionId, input.artifactId),
      storedAt: now,
      deletedAt: null,
    });
    this.ports.store.describeCapture(input.artifactId, { source: input.source, width: input.width, height: input.height });
    if (request !== null) r.stillRequests = withoutStillRequest(r.stillRequests, request.requestId);
    const size = input.width !== null && input.height !== null ? { width: input.width, height: input.height } : {};
    await this.ports.audit({
      actor: fromCustomer ? 'customer' : 'agent',
      action: 'capture.stored',
      detail: {
        artifactId: input.artifactId,
        capture: input.capture,
        sha256: input.sha256,
        size: input.size,
        ...(fromCustomer ? { source: input.source, requestId: request!.requestId, ...size } : {}),
      },
      from: input.from,
    });
    await this.ports.save(r);
    log('capture_stored', { sessionId: r.sessionId, artifactId: input.artifactId, capture: input.capture, size: input.size, source: input.source });
    if (fromCustomer && input.width !== null && input.height !== null) {
      this.ports.send('agent', {
        type: 'still-stored',
        requestId: request!.requestId,
        kind: input.capture,
        artifactId: input.artifactId,
        width: input.width,
        height: input.height,
      });
    }
    return { ok: true, artifact: this.view(r, input.artifactId) };
  }

  private target(nodeId: string, artifactId: string): Target {
    const r = this.ports.record();
    if (!r) return noSession();
    if (!isSessionNode(r, nodeId)) return failure('forbidden', 'the session is not on this node');
    if (r.evidence.deletedAt !== null) return evidenceGone();
    const artifact = this.ports.store.get(artifactId);
    if (!artifact || artifact.kind !== 'recording') return failure('not_found', `no upload ${artifactId}: start it first`);
    if (artifact.nodeId !== nodeId) return failure('forbidden', `upload ${artifactId} is another node's`);
    if (artifact.state === 'deleted') return evidenceGone();
    return { ok: true, record: r, artifact };
  }

  private status(a: ArtifactRecord): UploadStatus {
    const parts = a.state === 'uploading' ? this.ports.store.parts(a.artifactId).map(({ etag: _etag, ...p }) => p) : [];
    return { artifactId: a.artifactId, state: a.state, partSize: a.partSize ?? a.size, parts };
  }

  private view(r: SessionRecord, artifactId: string): ArtifactView {
    return toArtifactViews(r.sessionId, this.ports.store.all()).find((v) => v.artifactId === artifactId)!;
  }

  /** The R2 upload an unfinished artifact's parts go to, opened anew after a rejection dropped it. */
  private async openUpload(a: ArtifactRecord): Promise<string> {
    if (a.uploadId !== null) return a.uploadId;
    const { uploadId } = await this.ports.bucket.createMultipartUpload(a.objectKey, { customMetadata: { sha256: a.sha256 } });
    this.ports.store.setUpload(a.artifactId, uploadId);
    return uploadId;
  }

  private async abortUpload(a: ArtifactRecord): Promise<void> {
    if (a.uploadId === null) return;
    try {
      await this.ports.bucket.resumeMultipartUpload(a.objectKey, a.uploadId).abort();
    } catch {
      // Already completed or aborted: nothing is held for it any more.
    }
  }
}

/** The session's node, or one it was moved off: that one still uploads the segments it recorded before. */
function isSessionNode(r: { nodeId: string; formerNodes?: string[] }, nodeId: string): boolean {
  return r.nodeId === nodeId || (r.formerNodes ?? []).includes(nodeId);
}

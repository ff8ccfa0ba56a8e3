import { isTerminalState, signManifest, type ArtifactView, type EvidencePack } from '@vident/protocol';
import type { Failure } from '../base/http-error.ts';
import { log } from '../base/log.ts';
import type { Actor } from '../session/audit-input.ts';
import type { SessionRecord } from '../session/session-record.ts';
import { retainUntil, retentionAt } from '../session/session-timers.ts';
import { signDownloadUrl } from './download-url.ts';
import { assessmentPending, sealAssessment } from './evidence-assessment.ts';
import { settleAbortedRecordings } from './abort-recordings.ts';
import { bankKeyOf } from './evidence-keys.ts';
import { buildManifest, evidenceReadiness, exceedsPackBound, MAX_EVIDENCE_PACK_BYTES } from './evidence-pack.ts';
import { signerOf } from './evidence-keys.ts';
import { failure, noSession } from '../session/session-failure.ts';
import { artifactViews, evidenceGone, isoNow, type EvidencePorts } from './evidence-ports.ts';

/*
 * A session's evidence after the call: when it is ready, the signed pack the bank fetches, the
 * short-lived links to each sealed file, and deletion (by the bank or when the retention period
 * ends). Every access and deletion lands in the session's audit trail.
 */

export interface BankCall {
  actor: Actor;
  from: string | null;
}

export class EvidenceLifecycle {
  constructor(private readonly ports: EvidencePorts) {}

  /**
   * Runs after every operation of the session: once it has ended, fixes the retention deadline,
   * seals the review (again, when it changed: evidence-assessment.ts), and announces the pack (audit
   * + evidence.ready, once) the first time it is complete. True when the record changed (the caller
   * re-arms the alarm).
   */
  async settle(): Promise<boolean> {
    const r = this.ports.record();
    if (!r || !isTerminalState(r.state) || !r.outcome || !r.endedAt) return false;
    let changed = await this.sealReview(r);
    if (r.evidence.retainUntil === null) {
      r.evidence.retainUntil = retainUntil(r.endedAt, r.outcome, this.ports.config.evidence);
      changed = true;
    }
    if (r.evidence.readyAt === null && r.evidence.deletedAt === null) {
      const views = artifactViews(this.ports, r);
      if (evidenceReadiness(r, views).status === 'ready') {
        const artifacts = views.filter((a) => a.state === 'stored').length;
        r.evidence.readyAt = isoNow(this.ports);
        changed = true;
        await this.ports.audit({ actor: 'system', action: 'evidence.ready', detail: { artifacts } });
        this.ports.webhook('evidence.ready', { evidence: { artifacts } });
        log('evidence_ready', { sessionId: r.sessionId, artifacts });
      }
    }
    // After evidence.ready went out (the bank was told): an aborted session's recordings (issue 15).
    if (await settleAbortedRecordings(this.ports, r)) changed = true;
    if (changed) await this.ports.save(r);
    return changed;
  }

  /** Seals the review (sealAssessment); a failure is logged and retried after the next operation. */
  private async sealReview(r: SessionRecord): Promise<boolean> {
    try {
      return await sealAssessment(this.ports, r);
    } catch (err) {
      log('assessment_seal_failed', { sessionId: r.sessionId, message: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  async list(call: BankCall): Promise<{ ok: true; artifacts: ArtifactView[] } | Failure> {
    const r = this.ports.record();
    if (!r) return noSession();
    await this.ports.audit({ actor: call.actor, action: 'api.artifacts.list', from: call.from });
    return { ok: true, artifacts: artifactViews(this.ports, r) };
  }

  /**
   * The signed pack, built fresh from the current state: the manifest covers the audit trail as it
   * is before this access, which is then recorded (evidence.accessed). JSON text: audit details do
   * not fit RPC's serializable types.
   */
  async pack(call: BankCall, baseUrl: string): Promise<{ ok: true; json: string } | Failure> {
    const r = this.ports.record();
    if (!r) return noSession();
    const signer = await signerOf(this.ports.config.evidence);
    if (!signer) return failure('not_configured', 'evidence packs need EVIDENCE_SIGNING_KEY on the control plane');
    // The review must be in the pack as sealed now (settle seals it; this retries a failed attempt).
    if (await this.sealReview(r)) await this.ports.save(r);
    if (isTerminalState(r.state) && r.evidence.deletedAt === null && assessmentPending(r) && (await bankKeyOf(this.ports.config.evidence))) {
      await this.ports.audit({ actor: call.actor, action: 'api.evidence.get', detail: { result: 'pending' }, from: call.from });
      return failure('evidence_not_ready', 'the evidence is not complete: the review could not be sealed yet; try again');
    }
    const views = artifactViews(this.ports, r);
    const readiness = evidenceReadiness(r, views);
    if (readiness.status !== 'ready') {
      await this.ports.audit({ actor: call.actor, action: 'api.evidence.get', detail: { result: readiness.status }, from: call.from });
      if (readiness.status === 'deleted') return evidenceGone();
      return failure('evidence_not_ready', `the evidence is not complete: ${readiness.pending.slice(0, 10).join('; ')}`);
    }
    const { entries, head } = await this.ports.auditTrail();
    const now = this.ports.now();
    const manifest = buildManifest({ record: r, artifacts: views, audit: { length: entries.length, head }, signingKeyId: signer.publicView.keyId, now });
    const signed = await signManifest(manifest, signer.privateKey);
    const baseDownload = { baseUrl, sessionId: r.sessionId, tokenSecret: this.ports.config.tokenSecret, now };
    const downloads = await Promise.all(
      manifest.artifacts.map(async (a) => ({ artifactId: a.artifactId, fileName: a.fileName, ...(await signDownloadUrl({ ...baseDownload, artifactId: a.artifactId })) })),
    );
    const pack: EvidencePack = { signed, audit: entries, downloads };
    const json = JSON.stringify(pack);
    if (exceedsPackBound(json)) {
      // Out of reach under the session's caps (see MAX_EVIDENCE_PACK_BYTES); refused rather than sent half.
      await this.ports.audit({ actor: call.actor, action: 'api.evidence.get', detail: { result: 'limit_reached' }, from: call.from });
      return failure('limit_reached', `the evidence pack would exceed ${MAX_EVIDENCE_PACK_BYTES} bytes`);
    }
    await this.ports.audit({
      actor: call.actor,
      action: 'evidence.accessed',
      detail: { artifacts: manifest.artifacts.length, auditLength: entries.length, auditHead: head },
      from: call.from,
    });
    return { ok: true, json };
  }

  /** A signed link was followed: where the sealed object is (audited as evidence.downloaded). */
  async download(artifactId: string, from: string | null): Promise<{ ok: true; objectKey: string; fileName: string; size: number } | Failure> {
    const r = this.ports.record();
    if (!r) return noSession();
    if (r.evidence.deletedAt !== null) return evidenceGone();
    const artifact = this.ports.store.get(artifactId);
    if (!artifact) return failure('not_found', 'no such artifact');
    if (artifact.state === 'deleted') return evidenceGone();
    if (artifact.state !== 'stored') return failure('evidence_not_ready', 'the artifact is still being uploaded');
    // Whoever holds the link (the bank handed it on, or fetched it itself): the link is the credential.
    await this.ports.audit({ actor: 'system', action: 'evidence.downloaded', detail: { artifactId, via: 'signed link' }, from });
    const view = artifactViews(this.ports, r).find((v) => v.artifactId === artifactId)!;
    return { ok: true, objectKey: artifact.objectKey, fileName: view.fileName, size: artifact.size };
  }

  /** The bank deletes the evidence of an ended session. Repeating it changes nothing. */
  async removeByBank(call: BankCall): Promise<{ ok: true; artifacts: ArtifactView[] } | Failure> {
    const r = this.ports.record();
    if (!r) return noSession();
    if (!isTerminalState(r.state)) {
      await this.ports.audit({ actor: call.actor, action: 'api.evidence.delete', detail: { result: 'session_active' }, from: call.from });
      return failure('conflict', 'the session is still active: end it (DELETE /v1/sessions/:id) before deleting its evidence');
    }
    if (r.evidence.deletedAt !== null) {
      await this.ports.audit({ actor: call.actor, action: 'api.evidence.delete', detail: { result: 'already_deleted' }, from: call.from });
    } else {
      await this.remove('bank', call.actor, call.from);
    }
    return { ok: true, artifacts: artifactViews(this.ports, r) };
  }

  /**
   * Retention's end (the session purges its records around it): deletes the evidence if the period
   * is over and the bank has not deleted it already. Idempotent.
   */
  async applyRetention(): Promise<void> {
    const r = this.ports.record();
    if (!r || r.evidence.deletedAt !== null) return;
    const at = retentionAt(r);
    if (at === null || at > this.ports.now()) return;
    await this.remove('retention', 'system', null);
  }

  /** Deletes every object of the session from R2, then marks the artifacts and the evidence deleted. */
  private async remove(reason: 'bank' | 'retention', actor: Actor, from: string | null): Promise<void> {
    const r = this.ports.record()!;
    const live = this.ports.store.all().filter((a) => a.state !== 'deleted');
    for (const a of live) {
      if (a.uploadId === null) continue;
      try {
        await this.ports.bucket.resumeMultipartUpload(a.objectKey, a.uploadId).abort();
      } catch {
        // Completed or aborted already: the object delete below covers it.
      }
    }
    const keys = live.map((a) => a.objectKey);
    for (let i = 0; i < keys.length; i += 1000) await this.ports.bucket.delete(keys.slice(i, i + 1000));
    const now = isoNow(this.ports);
    for (const a of live) this.ports.store.markDeleted(a.artifactId, now);
    r.evidence.deletedAt = now;
    r.evidence.deletedBy = reason;
    await this.ports.audit({ actor, action: 'evidence.deleted', detail: { reason, artifacts: live.length }, from });
    this.ports.webhook('evidence.deleted', { evidence: { artifacts: live.length, reason } });
    await this.ports.save(r);
    log('evidence_deleted', { sessionId: r.sessionId, reason, artifacts: live.length });
  }
}

import { log } from '../base/log.ts';
import type { SessionRecord } from '../session/session-record.ts';
import { isoNow, type EvidencePorts } from './evidence-ports.ts';

/*
 * An aborted identification's recordings (issue 15, DELETE_RECORDINGS_ON_ABORT). Some regimes
 * require them gone when the procedure was aborted; others keep them (and a suspected fraud keeps
 * them everywhere: that is when they are wanted). Settled once, after the bank was told: the
 * session.decided webhook is queued when the session ends and evidence.ready when every recording
 * is in, so the recordings are deleted only once they are all stored and announced. Audited either
 * way (recordings.deleted or recordings.kept); captures and the sealed review stay.
 */

/** Why an aborted session's recordings are kept, or null when they go. */
export function keepReason(r: Pick<SessionRecord, 'outcome'>, deleteOnAbort: boolean): 'option_off' | 'suspected_fraud' | null {
  if (!deleteOnAbort) return 'option_off';
  if (r.outcome?.state === 'decided' && r.outcome.reasonCodes.includes('SUSPECTED_FRAUD')) return 'suspected_fraud';
  return null;
}

/** Whether the aborted session's recordings wait for this step: aborted, announced ready, not settled, nothing deleted yet. */
export function abortRecordingsDue(r: SessionRecord): boolean {
  return r.outcome?.state === 'decided' && r.outcome.aborted === true && r.evidence.readyAt !== null && r.evidence.abortRecordings === undefined && r.evidence.deletedAt === null;
}

/** Deletes or keeps (by the configuration) the aborted session's recordings; true when the record changed. */
export async function settleAbortedRecordings(ports: EvidencePorts, r: SessionRecord): Promise<boolean> {
  if (!abortRecordingsDue(r)) return false;
  const reasonCodes = r.outcome?.state === 'decided' ? r.outcome.reasonCodes : [];
  const kept = keepReason(r, ports.config.procedure.deleteRecordingsOnAbort);
  const at = isoNow(ports);
  if (kept !== null) {
    r.evidence.abortRecordings = { at, deleted: 0 };
    await ports.audit({ actor: 'system', action: 'recordings.kept', detail: { reason: 'aborted', reasonCodes, why: kept } });
    return true;
  }
  const recordings = ports.store.all().filter((a) => a.kind === 'recording' && a.state === 'stored');
  const keys = recordings.map((a) => a.objectKey);
  for (let i = 0; i < keys.length; i += 1000) await ports.bucket.delete(keys.slice(i, i + 1000));
  for (const a of recordings) ports.store.markDeleted(a.artifactId, at);
  r.evidence.abortRecordings = { at, deleted: recordings.length };
  await ports.audit({
    actor: 'system',
    action: 'recordings.deleted',
    detail: { reason: 'aborted', reasonCodes, artifacts: recordings.map((a) => a.artifactId) },
  });
  log('aborted_recordings_deleted', { sessionId: r.sessionId, artifacts: recordings.length });
  return true;
}

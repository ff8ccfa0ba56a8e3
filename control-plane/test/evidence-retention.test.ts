import { ArtifactList, AuditTrail, ErrorBody, MIN_PART_SIZE } from '@vident/protocol';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditActions, objectsOf, pattern, putPart, seal, startUpload, uploadRecording, uploadStart } from './evidence-helpers.ts';
import { createSession, installFakeNode, moveDeadlines, Participant, registerNode, signedFetch, startCall, sessionStub } from './helpers.ts';

/*
 * Retention: when a session ends, its evidence gets a deletion deadline (EVIDENCE_RETENTION_DAYS
 * after the end) behind the session's one alarm. Moving that stored deadline into the past and
 * running the alarm shows what happens when it passes: no sleeping, no fake clocks.
 */

installFakeNode();
const NODE = 'node-retention';
const DAY = 86_400_000;

beforeEach(async () => {
  await registerNode(NODE);
});

afterEach(() => Participant.closeAll());

const alarmOf = (sessionId: string) => runInDurableObject(sessionStub(sessionId), (_, state) => state.storage.getAlarm());

async function artifacts(sessionId: string) {
  return ArtifactList.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}/artifacts`)).json()).artifacts;
}

describe('evidence retention', () => {
  it('deletes every object of the session when its period ends, audits it once, and refuses late uploads', async () => {
    const s = await createSession();
    const { customer, agent } = await startCall(s);
    agent.send({ type: 'decide', decision: 'rejected', reasonCodes: ['POOR_QUALITY'], note: 'blurry' });
    await customer.next('session-ended');
    await uploadRecording(NODE, s.sessionId, 'customer', 1);
    await uploadRecording(NODE, s.sessionId, 'agent', 1);
    // An upload still in progress (a later segment) is deleted with the rest.
    const sealed = await seal(pattern(MIN_PART_SIZE + 5, 4));
    const pending = await uploadStart(s.sessionId, 'agent', 2, sealed);
    expect((await startUpload(NODE, pending)).status).toBe(200);
    expect((await putPart(NODE, pending.artifactId, 1, sealed.slice(0, MIN_PART_SIZE))).status).toBe(200);
    expect(await objectsOf(s.sessionId)).toHaveLength(2);

    // The deadline was fixed at the end: 1826 days (default) after endedAt, and the alarm waits for it.
    const view = (await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json()) as { endedAt: string };
    const retainUntil = await runInDurableObject(sessionStub(s.sessionId), (instance) => instance['core'].conduct!.record.evidence.retainUntil);
    expect(Date.parse(retainUntil!)).toBe(Date.parse(view.endedAt) + 1826 * DAY);
    expect(await alarmOf(s.sessionId)).toBe(Date.parse(retainUntil!));
    // An early alarm deletes nothing.
    expect(await runDurableObjectAlarm(sessionStub(s.sessionId))).toBe(true);
    expect(await objectsOf(s.sessionId)).toHaveLength(2);

    await moveDeadlines(s.sessionId, (r) => (r.evidence.retainUntil = new Date(Date.now() - 1000).toISOString()));
    expect(await runDurableObjectAlarm(sessionStub(s.sessionId))).toBe(true);
    expect(await objectsOf(s.sessionId)).toEqual([]);
    // The artifacts' descriptions go with them (the session's records are purged: data-minimization.test.ts).
    expect(await artifacts(s.sessionId)).toEqual([]);
    const trail = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`)).json());
    expect(trail.entries.filter((e) => e.action === 'evidence.deleted')).toEqual([
      expect.objectContaining({ actor: 'system', detail: { reason: 'retention', artifacts: 3 } }),
    ]);
    // Nothing is left to wake up for, and a second run (an alarm may run twice) changes nothing.
    expect(await alarmOf(s.sessionId)).toBeNull();
    await runInDurableObject(sessionStub(s.sessionId), (instance) => instance.alarm());
    expect((await auditActions(s.sessionId)).filter((a) => a === 'evidence.deleted')).toHaveLength(1);

    const gone = await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`);
    expect([gone.status, ErrorBody.parse(await gone.json()).error.code]).toEqual([410, 'evidence_deleted']);
    // The node's outbox learns to drop what it still holds.
    const late = await putPart(NODE, pending.artifactId, 2, sealed.slice(MIN_PART_SIZE));
    expect([late.status, ErrorBody.parse(await late.json()).error.code]).toEqual([410, 'evidence_deleted']);
    const restart = await startUpload(NODE, pending);
    expect(restart.status).toBe(410);
  });

  it('gives a session that ended without a call its deadline and its (audited) deletion too', async () => {
    // The period per outcome (the shorter one for unsuccessful verifications) is unit-tested in
    // session-timers.test.ts.
    const s = await createSession();
    expect((await signedFetch('DELETE', `/v1/sessions/${s.sessionId}`)).status).toBe(200);
    const retainUntil = await runInDurableObject(sessionStub(s.sessionId), (instance) => instance['core'].conduct!.record.evidence.retainUntil);
    expect(retainUntil).not.toBeNull();
    await moveDeadlines(s.sessionId, (r) => (r.evidence.retainUntil = new Date(Date.now() - 1).toISOString()));
    await runInDurableObject(sessionStub(s.sessionId), (instance) => instance.alarm());
    expect((await auditActions(s.sessionId)).filter((a) => a === 'evidence.deleted')).toHaveLength(1);
    expect(await alarmOf(s.sessionId)).toBeNull();
  });
});

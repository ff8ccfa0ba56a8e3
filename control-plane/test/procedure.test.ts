import {
  ArtifactList,
  DEFAULT_SECURITY_FEATURES,
  ErrorBody,
  EvidenceAssessment,
  EvidencePack,
  SessionOneTimeCode,
  type DocumentConfirmationInput,
} from '@vident/protocol';
import { runInDurableObject, SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditActions, objectsOf, open, uploadRecording } from './evidence-helpers.ts';
import { auditTrail, createSession, eventually, fullChecklist, installFakeNode, Participant, registerNode, sessionStub, signedFetch, startCall } from './helpers.ts';
import { receiveSignedWebhooks } from './signed-webhooks.ts';

/*
 * Issue 15's controls as the session enforces them: the security features drawn for the confirmed
 * document type become checklist items an approval needs; the one-time code (issued when the call
 * starts, fetched by the bank through the signed API, never in a webhook) must be entered right
 * before an approval, three wrong entries fail it; an abort ends the session decided, rejected,
 * aborted, and (DELETE_RECORDINGS_ON_ABORT=true in the "procedure" project) deletes its recordings
 * once the bank was told, except after a suspected fraud.
 */

const NODE = 'node-procedure';
const node = installFakeNode();
const webhooks = receiveSignedWebhooks();

beforeEach(async () => {
  node.commands.length = 0;
  webhooks.bodies.length = 0;
  await registerNode(NODE);
});

afterEach(() => Participant.closeAll());

const card: DocumentConfirmationInput = { type: 'kr-resident-card', fields: { name: '홍길동' } };

/** The ended session's sealed assessment, opened with the test bank key (and its plaintext). */
async function sealedAssessment(sessionId: string): Promise<{ assessment: EvidenceAssessment; text: string }> {
  await eventually(async () => expect((await signedFetch('GET', `/v1/sessions/${sessionId}/evidence`)).status).toBe(200));
  const pack = EvidencePack.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}/evidence`)).json());
  const download = pack.downloads.find((d) => d.fileName === 'assessment.json.venc')!;
  const opened = await open(new Uint8Array(await (await SELF.fetch(download.url)).arrayBuffer()));
  const text = new TextDecoder().decode(opened.plain);
  return { assessment: EvidenceAssessment.parse(JSON.parse(text)), text };
}

const fetchCode = (sessionId: string) => signedFetch('GET', `/v1/sessions/${sessionId}/one-time-code`);
const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('security features chosen per session', () => {
  it('are drawn when the document type is confirmed, shown to both pages, audited, and gate the approval', async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    agent.send({ type: 'document-confirm', document: card });
    await agent.next('document-confirmed');
    const drawn = (await agent.next('security-features')).features;
    expect(drawn.documentType).toBe('kr-resident-card');
    expect(drawn.features).toHaveLength(3);
    expect(new Set(drawn.features.map((f) => f.category)).size).toBe(3);
    const catalogIds = DEFAULT_SECURITY_FEATURES['kr-resident-card']!.map((f) => f.id);
    for (const f of drawn.features) expect(catalogIds).toContain(f.id);
    // The customer is shown the same features (how to present them).
    expect((await customer.next('security-features')).features).toEqual(drawn);
    const ids = drawn.features.map((f) => f.id);
    expect((await auditTrail(s.sessionId)).entries.find((e) => e.action === 'security_features.drawn')?.detail).toMatchObject({ documentType: 'kr-resident-card', features: ids });

    // Confirming again (a corrected field) does not draw again.
    agent.send({ type: 'document-confirm', document: card });
    await agent.next('document-confirmed');
    await new Promise((r) => setTimeout(r, 50));
    expect(agent.count('security-features')).toBe(0);

    // The configured checklist alone no longer approves: the drawn features are missing.
    agent.send({ type: 'decide', decision: 'approved', checklist: fullChecklist() });
    const refused = await agent.next('error');
    expect(refused.code).toBe('validation_failed');
    for (const id of ids) expect(refused.message).toContain(id);

    // A reloaded agent page gets them in its welcome.
    const again = await Participant.join(s.sessionId, s.agentUrl);
    expect((await again.next('welcome')).securityFeatures).toEqual(drawn);
    again.send({ type: 'decide', decision: 'approved', checklist: [...fullChecklist(), ...ids] });
    expect((await again.next('session-ended')).reason).toBe('approved');
    const decided = (await auditTrail(s.sessionId)).entries.find((e) => e.action === 'session.decided')!;
    for (const id of ids) expect((decided.detail as { checklist: Record<string, boolean> }).checklist[id]).toBe(true);
    const stored = await runInDurableObject(sessionStub(s.sessionId), (instance) => instance['core'].conduct!.record.securityFeatures);
    expect(stored?.ticked).toEqual(ids);
    // The sealed assessment says which were drawn and ticked.
    const { assessment } = await sealedAssessment(s.sessionId);
    expect(assessment.securityFeatures).toMatchObject({ documentType: 'kr-resident-card', ticked: ids });
    expect(assessment.securityFeatures?.features.map((f) => f.id)).toEqual(ids);
  });

  it('draws nothing for an unknown document', async () => {
    const s = await createSession({ record: false });
    const { agent } = await startCall(s);
    agent.send({ type: 'document-confirm', document: { ...card, type: 'unknown' } });
    await agent.next('document-confirmed');
    agent.send({ type: 'decide', decision: 'approved', checklist: fullChecklist() });
    expect((await agent.next('session-ended')).reason).toBe('approved');
    expect(await auditActions(s.sessionId)).not.toContain('security_features.drawn');
  });
});

describe('the one-time code', () => {
  it('is issued when the call starts, announced without the code, fetched by the bank, and the right entry unlocks approval', async () => {
    const s = await createSession({ record: false, oneTimeCode: 'required', externalRef: 'case-code-1' });
    expect((await fetchCode(s.sessionId)).status).toBe(404);
    const { customer, agent } = await startCall(s);
    expect((await agent.next('one-time-code')).code).toMatchObject({ status: 'pending', attemptsLeft: 3 });
    expect((await customer.next('one-time-code')).code.status).toBe('pending');

    const res = await fetchCode(s.sessionId);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { code } = SessionOneTimeCode.parse(await res.json());

    const events = await webhooks.deliver(s.sessionId);
    const issued = events.find((e) => e.type === 'session.code_issued')!;
    expect(issued.data).toEqual({ sessionId: s.sessionId, externalRef: 'case-code-1', state: 'in_call' });
    for (const body of webhooks.bodies) expect(body).not.toContain(code);

    customer.send({ type: 'one-time-code', code: wrongOf(code) });
    expect((await agent.next('one-time-code')).code).toMatchObject({ status: 'pending', attemptsLeft: 2 });
    agent.send({ type: 'decide', decision: 'approved', checklist: fullChecklist() });
    expect(await agent.next('error')).toMatchObject({ code: 'one_time_code_required' });
    // Only the customer enters it.
    agent.send({ type: 'one-time-code', code });
    expect(await agent.next('error')).toMatchObject({ code: 'forbidden' });

    customer.send({ type: 'one-time-code', code });
    expect((await agent.next('one-time-code')).code).toMatchObject({ status: 'verified' });
    expect((await customer.next('one-time-code')).code.status).toBe('pending');
    expect((await customer.next('one-time-code')).code.status).toBe('verified');
    // Closed: the bank gets no code any more, and the stored record holds none in the clear.
    expect(ErrorBody.parse(await (await fetchCode(s.sessionId)).json()).error.code).toBe('one_time_code_closed');
    const stored = await runInDurableObject(sessionStub(s.sessionId), (_, state) => state.storage.sql.exec<{ data: string }>('SELECT data FROM session').one().data);
    expect(stored).not.toContain(`"${code}"`);

    // A document of unknown type: no features to tick, and the review (with the code's course) is sealed.
    agent.send({ type: 'document-confirm', document: { ...card, type: 'unknown' } });
    await agent.next('document-confirmed');
    agent.send({ type: 'decide', decision: 'approved', checklist: fullChecklist() });
    expect((await agent.next('session-ended')).reason).toBe('approved');
    const { assessment, text } = await sealedAssessment(s.sessionId);
    expect(assessment.oneTimeCode).toMatchObject({ status: 'verified', attempts: 1 });
    expect(text).not.toContain(`"${code}"`);
    const entries = (await auditTrail(s.sessionId)).entries;
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['code.issued', 'code.rejected', 'code.verified', 'api.one_time_code.get']));
    expect(JSON.stringify(entries)).not.toContain(code);
  });

  it('fails for good after three wrong codes: approval stays refused, the agent may abort with CODE_FAILED', async () => {
    const s = await createSession({ record: false, oneTimeCode: 'required' });
    const { customer, agent } = await startCall(s);
    await agent.next('one-time-code');
    const { code } = SessionOneTimeCode.parse(await (await fetchCode(s.sessionId)).json());
    for (const left of [2, 1]) {
      customer.send({ type: 'one-time-code', code: wrongOf(code) });
      expect((await agent.next('one-time-code')).code).toMatchObject({ status: 'pending', attemptsLeft: left });
    }
    customer.send({ type: 'one-time-code', code: wrongOf(code) });
    expect((await agent.next('one-time-code')).code).toMatchObject({ status: 'failed', failure: 'attempts', attemptsLeft: 0 });
    customer.send({ type: 'one-time-code', code });
    expect(await customer.next('error')).toMatchObject({ code: 'one_time_code_closed' });
    agent.send({ type: 'decide', decision: 'approved', checklist: fullChecklist() });
    expect(await agent.next('error')).toMatchObject({ code: 'one_time_code_required' });
    expect((await fetchCode(s.sessionId)).status).toBe(409);
    expect(await auditActions(s.sessionId)).toContain('code.failed');

    agent.send({ type: 'abort', reason: 'CODE_FAILED' });
    expect((await agent.next('session-ended')).reason).toBe('rejected');
    const view = (await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json()) as { state: string; outcome: unknown };
    expect(view.state).toBe('decided');
    expect(view.outcome).toMatchObject({ state: 'decided', decision: 'rejected', reasonCodes: ['CODE_FAILED'], aborted: true });
  });

  it('is not asked for when the session did not ask (ONE_TIME_CODE off by default)', async () => {
    const s = await createSession({ record: false });
    const { agent } = await startCall(s);
    expect(agent.count('one-time-code')).toBe(0);
    expect(ErrorBody.parse(await (await fetchCode(s.sessionId)).json()).error.code).toBe('not_found');
    agent.send({ type: 'decide', decision: 'approved', checklist: fullChecklist() });
    expect((await agent.next('session-ended')).reason).toBe('approved');
  });
});

describe('aborting', () => {
  async function artifacts(sessionId: string) {
    return ArtifactList.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}/artifacts`)).json()).artifacts;
  }

  it('ends decided and, once the bank was told, deletes the recordings (DELETE_RECORDINGS_ON_ABORT=true)', async () => {
    const s = await createSession();
    const { customer, agent } = await startCall(s);
    customer.send({ type: 'abort', reason: 'POOR_QUALITY' });
    expect(await customer.next('error')).toMatchObject({ code: 'forbidden' });
    agent.send({ type: 'abort', reason: 'POOR_QUALITY', note: 'too dark' });
    expect((await customer.next('session-ended')).reason).toBe('rejected');
    await uploadRecording(NODE, s.sessionId, 'customer', 1);
    await uploadRecording(NODE, s.sessionId, 'agent', 1);
    await eventually(async () => expect(await objectsOf(s.sessionId)).toEqual([]));
    const recordings = (await artifacts(s.sessionId)).filter((a) => a.kind === 'recording');
    expect(recordings.map((a) => a.state)).toEqual(['deleted', 'deleted']);
    const actions = await auditActions(s.sessionId);
    // Told first (evidence.ready, after session.decided), deleted after.
    expect(actions.indexOf('session.aborted')).toBeLessThan(actions.indexOf('session.decided'));
    expect(actions.indexOf('evidence.ready')).toBeLessThan(actions.indexOf('recordings.deleted'));
    const events = (await webhooks.deliver(s.sessionId)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['session.decided', 'evidence.ready']));
    const decided = (await webhooks.deliver(s.sessionId)).find((e) => e.type === 'session.decided')!;
    expect(decided.data.outcome).toMatchObject({ decision: 'rejected', reasonCodes: ['POOR_QUALITY'], aborted: true });
    // The pack is still there, without the recordings.
    expect((await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`)).status).toBe(200);
  });

  it('keeps the recordings of a suspected fraud (audited)', async () => {
    const s = await createSession();
    const { customer, agent } = await startCall(s);
    agent.send({ type: 'abort', reason: 'SUSPECTED_FRAUD' });
    await customer.next('session-ended');
    await uploadRecording(NODE, s.sessionId, 'customer', 1);
    await uploadRecording(NODE, s.sessionId, 'agent', 1);
    await eventually(async () => expect(await auditActions(s.sessionId)).toContain('recordings.kept'));
    expect(await objectsOf(s.sessionId)).toHaveLength(2);
    const kept = (await auditTrail(s.sessionId)).entries.find((e) => e.action === 'recordings.kept')!;
    expect(kept.detail).toMatchObject({ reason: 'aborted', why: 'suspected_fraud' });
  });

  it('is refused before the call and for a reason that is not a procedure reason', async () => {
    const s = await createSession({ record: false });
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await agent.next('welcome');
    agent.send({ type: 'abort', reason: 'POOR_QUALITY' });
    expect(await agent.next('error')).toMatchObject({ code: 'invalid_transition' });
    agent.send({ type: 'abort', reason: 'ID_MISMATCH' });
    expect(await agent.next('error')).toMatchObject({ code: 'validation_failed' });
  });
});

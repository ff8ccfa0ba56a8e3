import {
  BankCheckAccepted,
  ErrorBody,
  EvidenceAssessment,
  EvidencePack,
  EvidenceSigningKey,
  SessionDocument,
  sha256Hex,
  verifyEvidencePack,
  type DocumentConfirmationInput,
  type FaceMatchResult,
} from '@vident/protocol';
import { runInDurableObject, SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { open } from './evidence-helpers.ts';
import { auditTrail, createSession, eventually, fullChecklist, installFakeNode, ORIGIN, Participant, registerNode, sessionStub, signedFetch, startCall } from './helpers.ts';
import { receiveSignedWebhooks } from './signed-webhooks.ts';

/*
 * Issue 14's data path: the agent confirms the ID document over its socket, the session keeps it,
 * the bank reads it through the signed API and posts its own checks back, the agent sees them live,
 * a required check gates the approval; the agent's page records face-match results; the pack's
 * manifest carries the review masked and its sealed assessment carries it in full.
 * Runs in the "document-review" project (vitest.config.ts): REQUIRED_BANK_CHECKS=id-authenticity,
 * webhooks on (answered by the fetch stub below). Resident numbers appear in full only in the
 * signed API and the pack: never in an audit row, a webhook body or a log line.
 */

const FULL_NUMBER = '800101-1234560';
const DIGITS = '8001011234560';
const MASKED = '800101-1******';

const node = installFakeNode();
const webhooks = receiveSignedWebhooks();

let logLines: string[] = [];
beforeEach(async () => {
  node.commands.length = 0;
  webhooks.bodies.length = 0;
  logLines = [];
  // Every line the Worker and its Durable Objects print in this test (one isolate with the test).
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logLines.push(args.map(String).join(' '));
    });
  }
  await registerNode('node-doc');
});

afterEach(async () => {
  await Participant.closeAll();
  vi.restoreAllMocks();
});

const confirmation: DocumentConfirmationInput = {
  type: 'kr-resident-card',
  fields: { name: '홍길동', residentNumber: FULL_NUMBER, dateOfBirth: '1980-01-01', issueDate: '2019-05-02', issuer: '서울특별시 종로구청장' },
  sources: { name: 'ocr', residentNumber: 'agent', dateOfBirth: 'ocr' },
  plausibility: [
    { rule: 'resident-number.birth-date', result: 'pass', field: 'residentNumber' },
    { rule: 'resident-number.check-digit', result: 'pass', field: 'residentNumber' },
    { rule: 'name-matches-bank', result: 'fail', field: 'name' },
  ],
};

const faceMatch: FaceMatchResult = {
  kind: 'capture',
  score: 0.83,
  band: 'match',
  thresholds: { match: 0.5, noMatch: 0.4 },
  model: { name: 'human-faceres', version: '3.3.6' },
  samples: 1,
  measuredAt: '2026-12-03T08:00:00.000Z',
};
const callMatch: FaceMatchResult = { ...faceMatch, kind: 'call', score: 0.44, band: 'unsure', samples: 24, lowest: 0.21 };

/** Every file of a pack by its name: its SHA-256 (for verifyEvidencePack) through its download link. */
async function packFiles(pack: EvidencePack): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const d of pack.downloads) out.set(d.fileName, await sha256Hex(new Uint8Array(await (await SELF.fetch(d.url)).arrayBuffer())));
  return out;
}

const postCheck = (sessionId: string, body: unknown) => signedFetch('POST', `/v1/sessions/${sessionId}/checks`, body);

function expectNoFullNumber(text: string, where: string): void {
  expect(text, where).not.toContain(FULL_NUMBER);
  expect(text, where).not.toContain(DIGITS);
}

describe('the confirmed document', () => {
  it('is stored, audited masked, announced without fields, and read in full through the signed API', async () => {
    const s = await createSession({ record: false, customerName: '홍길동', externalRef: 'case-doc-1' });
    const { customer, agent } = await startCall(s);
    expect((await signedFetch('GET', `/v1/sessions/${s.sessionId}/document`)).status).toBe(404);

    agent.send({ type: 'document-confirm', document: confirmation });
    const ack = await agent.next('document-confirmed');
    expect(ack.documentType).toBe('kr-resident-card');
    expect(customer.count('document-confirmed')).toBe(0);

    // The session's own record holds the full fields.
    const stored = await runInDurableObject(sessionStub(s.sessionId), (instance) => instance['core'].conduct!.record.document);
    expect(stored).toMatchObject({ type: 'kr-resident-card', fields: { residentNumber: FULL_NUMBER }, confirmedAt: ack.confirmedAt });

    const res = await signedFetch('GET', `/v1/sessions/${s.sessionId}/document`);
    expect(res.status).toBe(200);
    const answer = SessionDocument.parse(await res.json());
    expect(answer.document.fields).toEqual(confirmation.fields);
    expect(answer.document.sources).toEqual(confirmation.sources);
    expect(answer.checks).toEqual([]);

    const entries = (await auditTrail(s.sessionId)).entries;
    const confirmed = entries.find((e) => e.action === 'document.confirmed')!;
    expect(confirmed.actor).toBe('agent');
    expect(confirmed.detail).toEqual({
      type: 'kr-resident-card',
      fields: ['dateOfBirth', 'issueDate', 'issuer', 'name', 'residentNumber'],
      agentFields: ['residentNumber'],
      residentNumber: MASKED,
      plausibility: confirmation.plausibility,
    });
    expect(entries.map((e) => e.action)).toContain('api.document.get');

    const events = await webhooks.deliver(s.sessionId);
    const announced = events.find((e) => e.type === 'document.confirmed')!;
    expect(announced.data).toEqual({ sessionId: s.sessionId, externalRef: 'case-doc-1', state: 'in_call' });
    for (const body of webhooks.bodies) {
      expectNoFullNumber(body, 'webhook body');
      expect(body).not.toContain('종로구청장');
    }
    expectNoFullNumber(JSON.stringify(entries), 'audit trail');
    // The capture works (the session logged its step), and no line holds the number.
    expect(logLines.some((l) => l.includes('document_confirmed'))).toBe(true);
    for (const line of logLines) expectNoFullNumber(line, 'log line');
  });

  it("refuses the customer's confirmation, a malformed one, and any after the session ended", async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    customer.send({ type: 'document-confirm', document: confirmation });
    expect(await customer.next('error')).toMatchObject({ code: 'forbidden' });
    agent.send({ type: 'document-confirm', document: { ...confirmation, fields: { name: 'A', residentNumber: '12-34' } } });
    expect(await agent.next('error')).toMatchObject({ code: 'validation_failed' });
    agent.send({ type: 'document-confirm', document: { ...confirmation, sources: { licenceNumber: 'ocr' } } });
    expect(await agent.next('error')).toMatchObject({ code: 'validation_failed' });
    expect(await runInDurableObject(sessionStub(s.sessionId), (instance) => instance['core'].conduct!.record.document)).toBeUndefined();
    expect((await auditTrail(s.sessionId)).entries.filter((e) => e.action === 'document.confirmed')).toEqual([]);

    agent.send({ type: 'decide', decision: 'rejected', reasonCodes: ['ID_MISMATCH'] });
    await agent.next('session-ended');
    // The socket is closed at the end: a frame after it cannot arrive, and the session stays without one.
    expect((await signedFetch('GET', `/v1/sessions/${s.sessionId}/document`)).status).toBe(404);
    for (const line of logLines) expectNoFullNumber(line, 'log line');
  });
});

describe("the bank's checks", () => {
  it('reach the agent live and in its welcome; approval waits for the required check to pass', async () => {
    const s = await createSession({ record: false });
    const { agent } = await startCall(s);
    agent.send({ type: 'document-confirm', document: confirmation });
    await agent.next('document-confirmed');
    // The security features drawn for the card (issue 15) are checklist items of this session.
    const features = (await agent.next('security-features')).features.features.map((f) => f.id);

    // Required (REQUIRED_BANK_CHECKS=id-authenticity) and not posted yet: refused, the call goes on.
    agent.send({ type: 'decide', decision: 'approved', checklist: [...fullChecklist(), ...features] });
    const refused = await agent.next('error');
    expect(refused).toMatchObject({ code: 'bank_check_required' });
    expect(refused.message).toContain('id-authenticity');

    const failed = await postCheck(s.sessionId, { kind: 'id-authenticity', result: 'fail', reference: 'MOIS-0001' });
    expect(failed.status).toBe(201);
    expect((await agent.next('bank-check')).check).toMatchObject({ kind: 'id-authenticity', result: 'fail', reference: 'MOIS-0001' });
    agent.send({ type: 'decide', decision: 'approved', checklist: [...fullChecklist(), ...features] });
    expect(await agent.next('error')).toMatchObject({ code: 'bank_check_required' });

    const passed = BankCheckAccepted.parse(await (await postCheck(s.sessionId, { kind: 'id-authenticity', result: 'pass', reference: 'MOIS-0002' })).json());
    expect(passed.checks.map((c) => c.result)).toEqual(['fail', 'pass']);
    expect((await agent.next('bank-check')).check).toEqual(passed.check);

    // A reload's welcome carries the checks so far and that a document is confirmed.
    agent.close();
    await agent.waitClosed();
    const again = await Participant.join(s.sessionId, s.agentUrl);
    const welcome = await again.next('welcome');
    expect(welcome.documentConfirmed).toBe(true);
    expect(welcome.bankChecks?.map((c) => c.reference)).toEqual(['MOIS-0001', 'MOIS-0002']);

    again.send({ type: 'decide', decision: 'approved', checklist: [...fullChecklist(), ...features] });
    expect((await again.next('session-ended')).reason).toBe('approved');

    const actions = (await auditTrail(s.sessionId)).entries.filter((e) => e.action === 'bank.check');
    expect(actions.map((e) => e.detail)).toEqual([
      { kind: 'id-authenticity', result: 'fail', reference: 'MOIS-0001' },
      { kind: 'id-authenticity', result: 'pass', reference: 'MOIS-0002' },
    ]);
    expect(actions[0]!.actor).toBe('bank:bank-test');

    // The manifest carries the checks and the document masked; the sealed assessment is in a later test.
    await eventually(async () => expect((await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`)).status).toBe(200));
    const pack = EvidencePack.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`)).json());
    expect(pack.signed.manifest.review?.document?.fields.residentNumber).toBe(MASKED);
    expect(pack.signed.manifest.review?.checks).toHaveLength(2);
    const key = EvidenceSigningKey.parse(await (await SELF.fetch(`${ORIGIN}/v1/evidence/signing-key`)).json());
    const files = await packFiles(pack);
    expect(await verifyEvidencePack({ signed: pack.signed, audit: pack.audit, publicKey: key.publicKey }, async (name) => files.get(name) ?? null)).toEqual({ ok: true });
    const tampered = structuredClone(pack.signed);
    tampered.manifest.review!.checks[1]!.result = 'fail';
    expect(await verifyEvidencePack({ signed: tampered, audit: pack.audit, publicKey: key.publicKey }, async (name) => files.get(name) ?? null)).toMatchObject({ ok: false, problem: 'signature' });
    for (const line of logLines) expectNoFullNumber(line, 'log line');
    for (const body of webhooks.bodies) expectNoFullNumber(body, 'webhook body');
  });

  it('refuses a malformed check, an unknown session, and a rejection is never gated', async () => {
    const s = await createSession({ record: false });
    const { agent } = await startCall(s);
    for (const body of [{ kind: 'Bad Kind', result: 'pass', reference: 'r' }, { kind: 'id-authenticity', result: 'maybe', reference: 'r' }, { kind: 'a', result: 'pass' }]) {
      const res = await postCheck(s.sessionId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(ErrorBody.parse(await res.json()).error.code).toBe('validation_failed');
    }
    const unknown = await postCheck(crypto.randomUUID(), { kind: 'a', result: 'pass', reference: 'r' });
    expect(unknown.status).toBe(404);
    expect(ErrorBody.parse(await unknown.json()).error.code).toBe('not_found');
    agent.send({ type: 'decide', decision: 'rejected', reasonCodes: ['DOCUMENT_INVALID'] });
    expect((await agent.next('session-ended')).reason).toBe('rejected');
  });
});

describe('face-match results', () => {
  it("are stored, audited without anything personal, refused from the customer or with other thresholds, and in a reloaded agent's welcome", async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    agent.send({ type: 'face-match', result: faceMatch });
    const recorded = (await agent.next('face-match-recorded')).result;
    expect(recorded).toMatchObject(faceMatch);
    agent.send({ type: 'face-match', result: callMatch });
    await agent.next('face-match-recorded');
    agent.send({ type: 'face-match', result: { ...callMatch, score: 0.47, lowest: 0.3 } });
    const latestCall = (await agent.next('face-match-recorded')).result;
    expect(customer.count('face-match-recorded')).toBe(0);

    customer.send({ type: 'face-match', result: faceMatch });
    expect(await customer.next('error')).toMatchObject({ code: 'forbidden' });
    // Banded with other thresholds than the configured 0.5/0.4 (a page built for another bank).
    agent.send({ type: 'face-match', result: { ...faceMatch, score: 0.55, band: 'unsure', thresholds: { match: 0.6, noMatch: 0.4 } } });
    expect(await agent.next('error')).toMatchObject({ code: 'thresholds_mismatch' });
    // A band that does not follow from its score and thresholds never passes the frame's schema.
    agent.send({ type: 'face-match', result: { ...faceMatch, band: 'no_match' } });
    expect(await agent.next('error')).toMatchObject({ code: 'validation_failed' });

    const stored = await runInDurableObject(sessionStub(s.sessionId), (instance) => instance['core'].conduct!.record.faceMatches);
    expect(stored).toHaveLength(3);
    const audited = (await auditTrail(s.sessionId)).entries.filter((e) => e.action === 'face.matched');
    const model = { name: 'human-faceres', version: '3.3.6' };
    const facts = { thresholds: { match: 0.5, noMatch: 0.4 }, model, measuredAt: faceMatch.measuredAt };
    expect(audited.map((e) => [e.actor, e.detail])).toEqual([
      ['agent', { kind: 'capture', band: 'match', score: 0.83, samples: 1, ...facts }],
      ['agent', { kind: 'call', band: 'unsure', score: 0.44, lowest: 0.21, samples: 24, ...facts }],
      ['agent', { kind: 'call', band: 'unsure', score: 0.47, lowest: 0.3, samples: 24, ...facts }],
    ]);

    // A reload shows the latest of each kind again, with the thresholds to band new ones with.
    agent.close();
    await agent.waitClosed();
    const again = await Participant.join(s.sessionId, s.agentUrl);
    const welcome = await again.next('welcome');
    expect(welcome.faceMatch).toEqual({ thresholds: { match: 0.5, noMatch: 0.4 }, results: [recorded, latestCall] });
    again.send({ type: 'decide', decision: 'rejected', reasonCodes: ['ID_MISMATCH'] });
    await again.next('session-ended');
  });
});

describe('the sealed assessment', () => {
  it('holds the review in full for the bank key only; the manifest, audit, webhooks and logs never hold the full number', async () => {
    const s = await createSession({ record: false, customerName: '홍길동', externalRef: 'case-doc-sealed' });
    const { agent } = await startCall(s);
    agent.send({ type: 'document-confirm', document: confirmation });
    await agent.next('document-confirmed');
    // The security features drawn for the card (issue 15) are checklist items of this session.
    const features = (await agent.next('security-features')).features.features.map((f) => f.id);
    agent.send({ type: 'face-match', result: faceMatch });
    await agent.next('face-match-recorded');
    expect((await postCheck(s.sessionId, { kind: 'id-authenticity', result: 'pass', reference: 'MOIS-0100' })).status).toBe(201);
    await agent.next('bank-check');
    agent.send({ type: 'decide', decision: 'approved', checklist: [...fullChecklist(), ...features] });
    expect((await agent.next('session-ended')).reason).toBe('approved');

    await eventually(async () => expect((await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`)).status).toBe(200));
    const pack = EvidencePack.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`)).json());
    const manifest = pack.signed.manifest;
    expect(manifest.review?.document?.fields).toEqual({ name: '홍길동', residentNumber: MASKED, dateOfBirth: '1980-01-01', issueDate: '2019-05-02', issuer: '서울특별시 종로구청장' });
    expect(manifest.review?.faceMatches).toEqual([expect.objectContaining(faceMatch)]);
    expect(manifest.review?.checks.map((c) => c.reference)).toEqual(['MOIS-0100']);
    const sealed = manifest.artifacts.filter((a) => a.kind === 'assessment');
    expect(sealed).toMatchObject([{ fileName: 'assessment.json.venc', contentType: 'application/json', participant: 'customer' }]);

    // Listed with its hash like every artifact: the pack verifies with it, and fails without it.
    const key = EvidenceSigningKey.parse(await (await SELF.fetch(`${ORIGIN}/v1/evidence/signing-key`)).json());
    const files = await packFiles(pack);
    expect(files.get('assessment.json.venc')).toBe(sealed[0]!.sha256);
    expect(await verifyEvidencePack({ signed: pack.signed, audit: pack.audit, publicKey: key.publicKey }, async (name) => files.get(name) ?? null)).toEqual({ ok: true });

    const download = pack.downloads.find((d) => d.fileName === 'assessment.json.venc')!;
    const bytes = new Uint8Array(await (await SELF.fetch(download.url)).arrayBuffer());
    expectNoFullNumber(new TextDecoder().decode(bytes), 'sealed file');
    const opened = await open(bytes);
    expect(opened.contentType).toBe('application/json');
    const assessment = EvidenceAssessment.parse(JSON.parse(new TextDecoder().decode(opened.plain)));
    expect(assessment.sessionId).toBe(s.sessionId);
    expect(assessment.document?.fields).toEqual(confirmation.fields);
    expect(assessment.document?.sources).toEqual(confirmation.sources);
    expect(assessment.document?.plausibility).toEqual(confirmation.plausibility);
    expect(assessment.checks).toMatchObject([{ kind: 'id-authenticity', result: 'pass', reference: 'MOIS-0100' }]);
    expect(assessment.faceMatches).toEqual([expect.objectContaining({ ...faceMatch, recordedAt: expect.any(String) })]);
    expect(assessment.faceMatchThresholds).toEqual({ match: 0.5, noMatch: 0.4 });

    // A check posted after the call seals the review again: one assessment, the newer one.
    expect((await postCheck(s.sessionId, { kind: 'aml-screening', result: 'pass', reference: 'AML-7' })).status).toBe(201);
    const later = EvidencePack.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`)).json());
    const resealed = later.signed.manifest.artifacts.filter((a) => a.kind === 'assessment');
    expect(resealed).toHaveLength(1);
    expect(resealed[0]!.artifactId).not.toBe(sealed[0]!.artifactId);
    const newer = later.downloads.find((d) => d.fileName === 'assessment.json.venc')!;
    const reopened = EvidenceAssessment.parse(JSON.parse(new TextDecoder().decode((await open(new Uint8Array(await (await SELF.fetch(newer.url)).arrayBuffer()))).plain)));
    expect(reopened.checks.map((c) => c.reference)).toEqual(['MOIS-0100', 'AML-7']);
    const sealings = (await auditTrail(s.sessionId)).entries.filter((e) => e.action === 'assessment.sealed');
    expect(sealings.map((e) => e.detail)).toEqual([
      expect.objectContaining({ artifactId: sealed[0]!.artifactId, sha256: sealed[0]!.sha256 }),
      expect.objectContaining({ artifactId: resealed[0]!.artifactId, replaces: sealed[0]!.artifactId }),
    ]);

    const events = await webhooks.deliver(s.sessionId);
    expect(events.map((e) => e.type)).toContain('evidence.ready');
    expectNoFullNumber(JSON.stringify(later.signed), 'manifest');
    expectNoFullNumber(JSON.stringify(later.audit), 'audit trail');
    expectNoFullNumber(JSON.stringify((await auditTrail(s.sessionId)).entries), 'audit trail');
    for (const body of webhooks.bodies) expectNoFullNumber(body, 'webhook body');
    for (const line of logLines) expectNoFullNumber(line, 'log line');
  });
});

import { MAX_FACE_MATCH_RESULTS, type ClientMessage, type DocumentConfirmation, type FaceMatchResult } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { NOW, session } from '../../test/conduct-harness.ts';
import { approvalGate, bankCheckStep, confirmedAuditDetail, faceMatchAuditDetail, faceMatchStep } from './document-review.ts';
import { DEFAULT_SESSION_LIMITS } from './session-limits.ts';
import { purgePersonalData } from './session-purge.ts';
import { DEFAULT_CHECKLIST } from './verification-checklist.ts';

/*
 * The document review's rules, and the relay applying them through fake ports: what is stored,
 * audited, announced and answered, and the approval's gate on the bank's required checks.
 */

const at = new Date(NOW).toISOString();
const document: DocumentConfirmation = {
  type: 'kr-alien-card',
  fields: { name: 'NGUYEN VAN A', registrationNumber: '900505-5123456', nationality: 'VNM' },
  sources: { registrationNumber: 'agent' },
  plausibility: [{ rule: 'registration-number.gender-digit', result: 'pass', field: 'registrationNumber' }],
};
const faceMatch: FaceMatchResult = {
  kind: 'call',
  score: 0.71,
  band: 'match',
  thresholds: { match: 0.5, noMatch: 0.4 },
  model: { name: 'human-faceres', version: '3.3.6' },
  samples: 12,
  lowest: 0.38,
  measuredAt: '2026-12-01T09:59:58.000Z',
};
const approve: ClientMessage = { type: 'decide', decision: 'approved', reasonCodes: [], note: '', checklist: DEFAULT_CHECKLIST.map((i) => i.id) };

describe('document review rules', () => {
  it('audits field names, the number masked and the plausibility results, never a value', () => {
    const detail = confirmedAuditDetail({ ...document, confirmedAt: at });
    expect(detail).toEqual({
      type: 'kr-alien-card',
      fields: ['name', 'nationality', 'registrationNumber'],
      agentFields: ['registrationNumber'],
      registrationNumber: '900505-5******',
      plausibility: document.plausibility,
    });
    expect(JSON.stringify(detail)).not.toMatch(/5123456|NGUYEN|VNM/);
  });

  it('gates an approval on the latest result of each required kind', () => {
    const check = (kind: string, result: 'pass' | 'fail' | 'inconclusive') => ({ kind, result, reference: 'r', checkedAt: at });
    expect(approvalGate({ state: 'in_call' }, [])).toEqual({ ok: true });
    expect(approvalGate({ state: 'in_call' }, ['a'])).toMatchObject({ ok: false, code: 'bank_check_required' });
    expect(approvalGate({ state: 'in_call', bankChecks: [check('a', 'pass'), check('a', 'inconclusive')] }, ['a'])).toMatchObject({ ok: false });
    expect(approvalGate({ state: 'in_call', bankChecks: [check('a', 'fail'), check('a', 'pass')] }, ['a'])).toEqual({ ok: true });
    const full = Array.from({ length: 50 }, () => check('a', 'pass'));
    expect(bankCheckStep({ state: 'in_call', bankChecks: full }, { kind: 'a', result: 'pass', reference: 'r' }, at)).toMatchObject({ ok: false, code: 'limit_reached' });
  });
});

describe('face-match rules', () => {
  const thresholds = { match: 0.5, noMatch: 0.4 };
  it('keeps a result stamped with the server time, from the agent only, with the configured thresholds, up to the cap', () => {
    expect(faceMatchStep({ state: 'in_call' }, 'agent', faceMatch, thresholds, at)).toEqual({ ok: true, result: { ...faceMatch, recordedAt: at } });
    expect(faceMatchStep({ state: 'in_call' }, 'customer', faceMatch, thresholds, at)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(faceMatchStep({ state: 'decided' }, 'agent', faceMatch, thresholds, at)).toMatchObject({ ok: false, code: 'session_ended' });
    expect(faceMatchStep({ state: 'in_call' }, 'agent', faceMatch, { match: 0.6, noMatch: 0.4 }, at)).toMatchObject({ ok: false, code: 'thresholds_mismatch' });
    expect(faceMatchStep({ state: 'in_call' }, 'agent', faceMatch, { match: 0.5, noMatch: 0.3 }, at)).toMatchObject({ ok: false, code: 'thresholds_mismatch' });
    const full = Array.from({ length: MAX_FACE_MATCH_RESULTS }, () => ({ ...faceMatch, recordedAt: at }));
    expect(faceMatchStep({ state: 'in_call', faceMatches: full }, 'agent', faceMatch, thresholds, at)).toMatchObject({ ok: false, code: 'limit_reached' });
  });

  it('audits scores and model facts only', () => {
    expect(faceMatchAuditDetail(faceMatch)).toEqual({
      kind: 'call',
      band: 'match',
      score: 0.71,
      lowest: 0.38,
      thresholds: { match: 0.5, noMatch: 0.4 },
      model: { name: 'human-faceres', version: '3.3.6' },
      samples: 12,
      measuredAt: '2026-12-01T09:59:58.000Z',
    });
  });
});

describe('document review in the relay', () => {
  it("stores the agent's confirmation, audits it masked, announces it and answers the agent", async () => {
    const s = session({ state: 'in_call' });
    await s.send('agent', { type: 'document-confirm', document });
    expect(s.record.document).toEqual({ ...document, confirmedAt: at });
    // The card's security features are drawn with it (issue 15): both pages are shown them.
    expect(s.audits.map((a) => [a.actor, a.action])).toEqual([['agent', 'document.confirmed'], ['system', 'security_features.drawn']]);
    expect(JSON.stringify(s.audits)).not.toContain('5123456');
    expect(s.webhooks).toEqual(['document.confirmed']);
    const drawn = s.record.securityFeatures!;
    expect(drawn).toMatchObject({ documentType: 'kr-alien-card', drawnAt: at });
    expect(s.to('agent')).toEqual([{ type: 'document-confirmed', documentType: 'kr-alien-card', confirmedAt: at }, { type: 'security-features', features: drawn }]);
    expect(s.to('customer')).toEqual([{ type: 'security-features', features: drawn }]);
  });

  it("refuses the customer's confirmation and one past the participants' audit cap", async () => {
    const s = session({ state: 'in_call' });
    await s.send('customer', { type: 'document-confirm', document });
    expect(s.to('customer')).toMatchObject([{ type: 'error', code: 'forbidden' }]);
    for (let i = 0; i < DEFAULT_SESSION_LIMITS.participantAuditRows; i++) s.audits.push({ actor: 'agent', action: 'chat.message' });
    await s.send('agent', { type: 'document-confirm', document });
    expect(s.to('agent')).toMatchObject([{ type: 'error', code: 'limit_reached' }]);
    expect(s.record.document).toBeUndefined();
    expect(s.webhooks).toEqual([]);
  });

  it("stores the agent's face match, audits it and answers it; refuses the customer's and other thresholds", async () => {
    const s = session({ state: 'in_call' });
    await s.send('agent', { type: 'face-match', result: faceMatch });
    expect(s.record.faceMatches).toEqual([{ ...faceMatch, recordedAt: at }]);
    expect(s.audits).toEqual([{ actor: 'agent', action: 'face.matched', detail: faceMatchAuditDetail(faceMatch), from: null }]);
    expect(s.to('agent')).toEqual([{ type: 'face-match-recorded', result: { ...faceMatch, recordedAt: at } }]);
    expect(s.webhooks).toEqual([]);

    await s.send('customer', { type: 'face-match', result: faceMatch });
    expect(s.to('customer')).toMatchObject([{ type: 'error', code: 'forbidden' }]);
    await s.send('agent', { type: 'face-match', result: { ...faceMatch, thresholds: { match: 0.6, noMatch: 0.4 } } });
    expect(s.to('agent').at(-1)).toMatchObject({ type: 'error', code: 'thresholds_mismatch' });
    // A band that does not follow from the score is refused by the frame's schema.
    await s.send('agent', { type: 'face-match', result: { ...faceMatch, band: 'no_match' } });
    expect(s.to('agent').at(-1)).toMatchObject({ type: 'error', code: 'validation_failed' });
    expect(s.record.faceMatches).toHaveLength(1);
  });

  it('refuses an approval while a required check has not passed; a rejection goes through', async () => {
    const gated = session({ state: 'in_call', requiredBankChecks: ['id-authenticity'] });
    await gated.send('agent', approve);
    expect(gated.to('agent')).toMatchObject([{ type: 'error', code: 'bank_check_required' }]);
    expect(gated.record.state).toBe('in_call');
    gated.record.bankChecks = [{ kind: 'id-authenticity', result: 'pass', reference: 'r', checkedAt: at }];
    await gated.send('agent', approve);
    expect(gated.record.state).toBe('decided');

    const rejecting = session({ state: 'in_call', requiredBankChecks: ['id-authenticity'] });
    await rejecting.send('agent', { type: 'decide', decision: 'rejected', reasonCodes: ['DOCUMENT_INVALID'], note: '', checklist: [] });
    expect(rejecting.record.state).toBe('decided');
  });

  it("is purged at retention's end: the document and face matches gone, the checks' references blanked", () => {
    const s = session({ state: 'decided' });
    s.record.document = { ...document, confirmedAt: at };
    s.record.faceMatches = [{ ...faceMatch, recordedAt: at }];
    s.record.bankChecks = [{ kind: 'id-authenticity', result: 'pass', reference: 'MOIS-7', checkedAt: at }];
    purgePersonalData(s.record, at);
    expect(s.record.document).toBeUndefined();
    expect(s.record.faceMatches).toBeUndefined();
    expect(s.record.bankChecks).toEqual([{ kind: 'id-authenticity', result: 'pass', reference: '(purged)', checkedAt: at }]);
  });
});

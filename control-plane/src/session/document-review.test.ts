import type { ClientMessage, DocumentConfirmation } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { NOW, session } from '../../test/conduct-harness.ts';
import { approvalGate, bankCheckStep, confirmedAuditDetail } from './document-review.ts';
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

describe('document review in the relay', () => {
  it("stores the agent's confirmation, audits it masked, announces it and answers the agent", async () => {
    const s = session({ state: 'in_call' });
    await s.send('agent', { type: 'document-confirm', document });
    expect(s.record.document).toEqual({ ...document, confirmedAt: at });
    expect(s.audits.map((a) => [a.actor, a.action])).toEqual([['agent', 'document.confirmed']]);
    expect(JSON.stringify(s.audits)).not.toContain('5123456');
    expect(s.webhooks).toEqual(['document.confirmed']);
    expect(s.to('agent')).toEqual([{ type: 'document-confirmed', documentType: 'kr-alien-card', confirmedAt: at }]);
    expect(s.to('customer')).toEqual([]);
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

  it("is purged at retention's end: the document gone, the checks' references blanked", () => {
    const s = session({ state: 'decided' });
    s.record.document = { ...document, confirmedAt: at };
    s.record.bankChecks = [{ kind: 'id-authenticity', result: 'pass', reference: 'MOIS-7', checkedAt: at }];
    purgePersonalData(s.record, at);
    expect(s.record.document).toBeUndefined();
    expect(s.record.bankChecks).toEqual([{ kind: 'id-authenticity', result: 'pass', reference: '(purged)', checkedAt: at }]);
  });
});

import { describe, expect, it } from 'vitest';
import { BankCheckRequest, ClientMessage, DocumentConfirmation, maskDocumentFields, missingBankChecks, ServerMessage, WebhookEventType } from './index.ts';

const confirmation = {
  type: 'kr-resident-card',
  fields: { name: '홍길동', residentNumber: '800101-1234560', issueDate: '2019-05-02', issuer: '서울특별시 종로구청장' },
  sources: { name: 'ocr', residentNumber: 'agent' },
  plausibility: [{ rule: 'resident-number.birth-date', result: 'pass', field: 'residentNumber' }],
} as const;

describe('the confirmed document', () => {
  it('accepts a confirmation and refuses unknown fields, bad numbers and free-text rules', () => {
    expect(DocumentConfirmation.parse(confirmation).fields.residentNumber).toBe('800101-1234560');
    expect(ClientMessage.safeParse({ type: 'document-confirm', document: confirmation }).success).toBe(true);
    const accepted = (patch: object) => DocumentConfirmation.safeParse({ ...confirmation, ...patch }).success;
    expect(accepted({ type: 'library-card' })).toBe(false);
    expect(accepted({ fields: { ...confirmation.fields, photo: 'x' } })).toBe(false);
    expect(accepted({ fields: { ...confirmation.fields, residentNumber: '80010112345' } })).toBe(false);
    expect(accepted({ fields: { ...confirmation.fields, issueDate: '2019-13-40' } })).toBe(false);
    expect(accepted({ plausibility: [{ rule: 'Number was 800101-1234560', result: 'fail' }] })).toBe(false);
    expect(accepted({ plausibility: [{ rule: 'n8001011234560', result: 'fail' }] })).toBe(false);
    expect(accepted({ sources: { photo: 'ocr' } })).toBe(false);
    expect(accepted({ plausibility: [{ rule: 'name', result: 'hint', field: 'name', reason: 'document.check.name.otherScript' }] })).toBe(true);
    expect(accepted({ plausibility: [{ rule: 'name', result: 'hint', reason: 'number 8001011234560' }] })).toBe(false);
    expect(accepted({ plausibility: [{ rule: 'expiry', result: 'pass', params: { date: '2030-01-01' } }] })).toBe(false);
    expect(accepted({ fields: { name: 'A', mrz: ['P<KORHONG<<GILDONG'.padEnd(44, '<'), 'M12345678'.padEnd(44, '<')] } })).toBe(true);
    expect(accepted({ fields: { name: 'A', mrz: ['p<kor', 'x'] } })).toBe(false);
  });

  it('masks registration numbers for audit rows and logs', () => {
    const masked = maskDocumentFields({ name: 'A', residentNumber: '8001011234560', registrationNumber: '900505-5123456' });
    expect(masked).toEqual({ name: 'A', residentNumber: '800101-1******', registrationNumber: '900505-5******' });
    expect(maskDocumentFields({ name: 'A' })).toEqual({ name: 'A' });
  });

  it('lists required bank checks whose latest result is not pass', () => {
    const at = '2026-12-03T00:00:00.000Z';
    const checks = [
      { kind: 'id-authenticity', result: 'fail', reference: 'r1', checkedAt: at },
      { kind: 'id-authenticity', result: 'pass', reference: 'r2', checkedAt: at },
      { kind: 'sanctions', result: 'pass', reference: 'r3', checkedAt: at },
      { kind: 'sanctions', result: 'inconclusive', reference: 'r4', checkedAt: at },
    ] as const;
    expect(missingBankChecks([], checks)).toEqual([]);
    expect(missingBankChecks(['id-authenticity', 'sanctions', 'phone'], checks)).toEqual(['sanctions', 'phone']);
  });

  it('has its wire shapes: the check request, the server frames, the webhook', () => {
    expect(BankCheckRequest.safeParse({ kind: 'id-authenticity', result: 'pass', reference: 'KR-123' }).success).toBe(true);
    expect(BankCheckRequest.safeParse({ kind: 'id-authenticity', result: 'maybe', reference: 'KR-123' }).success).toBe(false);
    expect(ServerMessage.safeParse({ type: 'bank-check', check: { kind: 'a', result: 'pass', reference: 'r', checkedAt: '2026-12-03T00:00:00.000Z' } }).success).toBe(true);
    expect(ServerMessage.safeParse({ type: 'document-confirmed', documentType: 'passport', confirmedAt: '2026-12-03T00:00:00.000Z' }).success).toBe(true);
    expect(WebhookEventType.options).toContain('document.confirmed');
  });
});

import { describe, expect, it } from 'vitest';
import { readDocument } from '../document/read-document.ts';
import { KOREAN_PASSPORT, RESIDENT_CARD, ocrLines } from '../document/fixtures/ocr-texts.ts';
import { changeType, confirmationOf, draftFromReading, draftPlausibility, editField, emptyDraft } from './document-draft.ts';

const now = new Date('2026-12-03T00:00:00Z');
const residentDraft = () => draftFromReading(readDocument(ocrLines(RESIDENT_CARD), now));

describe('document draft', () => {
  it('confirms a resident card as read, every field from OCR with its plausibility', () => {
    const draft = residentDraft();
    expect(draft.fields.residentNumber).toMatchObject({ value: '800101-1234560', source: 'ocr' });
    const plausibility = draftPlausibility(draft, '홍길동', now);
    expect(plausibility.find((p) => p.rule === 'name')?.result).toBe('pass');
    const confirmed = confirmationOf(draft, plausibility);
    expect(confirmed.ok).toBe(true);
    if (!confirmed.ok) return;
    expect(confirmed.confirmation.fields).toEqual({
      name: '홍길동',
      residentNumber: '800101-1234560',
      issueDate: '2019-03-15',
      issuer: '서울특별시 강남구청장',
    });
    expect(confirmed.confirmation.sources).toMatchObject({ name: 'ocr', residentNumber: 'ocr' });
    // Only rule, verdict, field and key travel: no parameter with a date or a number.
    expect(JSON.stringify(confirmed.confirmation.plausibility)).not.toContain('800101');
  });

  it('marks a corrected field as the agent’s and re-runs the checks on it', () => {
    const edited = editField(residentDraft(), 'name', '김철수');
    expect(edited.fields.name).toEqual({ value: '김철수', source: 'agent', confidence: null });
    expect(draftPlausibility(edited, '홍길동', now).find((p) => p.rule === 'name')?.result).toBe('fail');
    const confirmed = confirmationOf(edited, []);
    expect(confirmed.ok && confirmed.confirmation.sources.name).toBe('agent');
  });

  it('names the field the protocol refuses instead of sending it', () => {
    const bad = editField(residentDraft(), 'residentNumber', '800101-12345');
    const confirmed = confirmationOf(bad, []);
    expect(confirmed.ok).toBe(false);
    if (confirmed.ok) return;
    expect(confirmed.problems.map((p) => p.field)).toEqual(['residentNumber']);
    expect(confirmationOf(emptyDraft('passport'), []).ok).toBe(false);
  });

  it('drops an emptied field and keeps only the fields of the chosen type', () => {
    const emptied = editField(residentDraft(), 'issuer', '  ');
    expect(emptied.fields.issuer).toBeUndefined();
    const asLicence = changeType(editField(residentDraft(), 'licenceNumber', '11-19-123456-01'), 'kr-resident-card');
    const confirmed = confirmationOf(asLicence, []);
    expect(confirmed.ok && 'licenceNumber' in confirmed.confirmation.fields).toBe(false);
  });

  it('reads the MRZ lines back from the form and checks edited lines as typed', () => {
    const draft = draftFromReading(readDocument(ocrLines(KOREAN_PASSPORT), now));
    expect(draft.mrzCheckDigits.length).toBeGreaterThan(0);
    const confirmed = confirmationOf(draft, []);
    expect(confirmed.ok && confirmed.confirmation.fields.mrz?.length).toBe(2);
    const lines = draft.fields.mrz!.value.split('\n');
    const tampered = editField(draft, 'mrz', `${lines[0]}\n${lines[1]!.slice(0, 13)}9${lines[1]!.slice(14)}`);
    expect(tampered.mrzCheckDigits.filter((d) => !d.valid).map((d) => d.field)).toContain('birthDateCheckDigit');
    expect(draftPlausibility(tampered, undefined, now).some((p) => p.rule.startsWith('mrz') && p.result === 'fail')).toBe(true);
    const retyped = editField(tampered, 'mrz', lines.join('\n'));
    expect(retyped.mrzCheckDigits.every((d) => d.valid)).toBe(true);
  });
});

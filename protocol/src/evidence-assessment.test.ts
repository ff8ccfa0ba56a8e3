import { describe, expect, it } from 'vitest';
import { ClientMessage, EvidenceReview, MaskedDocument, maskedDocument, ServerMessage, type ConfirmedDocument, type FaceMatchResult } from './index.ts';

const at = '2026-12-03T08:00:00.000Z';
const passport: ConfirmedDocument = {
  type: 'passport',
  fields: {
    name: 'HONG GILDONG',
    residentNumber: '800101-1234560',
    mrz: ['P<KORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<<', 'M123456780KOR8001011M3001012<<<<<<<<<<<<<<04'],
    documentNumber: 'M12345678',
  },
  sources: { mrz: 'ocr' },
  plausibility: [],
  confirmedAt: at,
};
const result: FaceMatchResult = {
  kind: 'capture',
  score: 0.62,
  band: 'match',
  thresholds: { match: 0.5, noMatch: 0.4 },
  model: { name: 'human-faceres', version: '3.3.6' },
  samples: 1,
  measuredAt: at,
};

describe('the review in the manifest', () => {
  it('masks the numbers and leaves the MRZ out', () => {
    const masked = maskedDocument(passport);
    expect(masked.fields).toEqual({ name: 'HONG GILDONG', residentNumber: '800101-1******', documentNumber: 'M12345678' });
    expect(MaskedDocument.safeParse(masked).success).toBe(true);
  });

  it('refuses a full number or an MRZ where only the masked document belongs', () => {
    const { mrz: _mrz, ...fields } = passport.fields;
    expect(MaskedDocument.safeParse({ ...passport, fields }).success).toBe(false);
    expect(MaskedDocument.safeParse({ ...maskedDocument(passport), fields: { ...maskedDocument(passport).fields, mrz: passport.fields.mrz } }).success).toBe(false);
    expect(EvidenceReview.safeParse({ document: { ...passport, fields }, checks: [] }).success).toBe(false);
    expect(EvidenceReview.parse({ document: null, checks: [] }).faceMatches).toEqual([]);
  });
});

describe('face-match frames', () => {
  it('carry one result whose band follows from its score and thresholds', () => {
    expect(ClientMessage.safeParse({ type: 'face-match', result }).success).toBe(true);
    expect(ClientMessage.safeParse({ type: 'face-match', result: { ...result, band: 'unsure' } }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'face-match', result: { ...result, embedding: [0.1, 0.2] } }).success).toBe(false);
    expect(ServerMessage.safeParse({ type: 'face-match-recorded', result: { ...result, recordedAt: at } }).success).toBe(true);
    expect(ServerMessage.safeParse({ type: 'face-match-recorded', result }).success).toBe(false);
  });
});

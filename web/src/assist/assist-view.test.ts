import { describe, expect, it } from 'vitest';
import { fieldConfidenceText, formatScore, latestBankChecks } from './assist-view.ts';

describe('assist view', () => {
  it('keeps the latest check of each kind, kinds in the order they first came', () => {
    const checks = latestBankChecks([
      { kind: 'mois-id', result: 'fail', reference: 'a', checkedAt: '2026-12-03T01:00:00.000Z' },
      { kind: 'sanctions', result: 'pass', reference: 'b', checkedAt: '2026-12-03T01:01:00.000Z' },
      { kind: 'mois-id', result: 'pass', reference: 'c', checkedAt: '2026-12-03T01:02:00.000Z' },
    ]);
    expect(checks.map((c) => `${c.kind}:${c.result}:${c.reference}`)).toEqual(['mois-id:pass:c', 'sanctions:pass:b']);
  });

  it('flags a field read with low confidence and names a typed one as the agent’s', () => {
    expect(fieldConfidenceText({ value: 'x', source: 'ocr', confidence: 0.42 })).toEqual({ key: 'assist.confidence.low', params: { percent: '42' }, low: true });
    expect(fieldConfidenceText({ value: 'x', source: 'ocr', confidence: 0.91 })?.low).toBe(false);
    expect(fieldConfidenceText({ value: 'x', source: 'agent', confidence: null })?.key).toBe('assist.confidence.agent');
    expect(fieldConfidenceText(undefined)).toBeNull();
    expect(formatScore(0.8349)).toBe('0.83');
  });
});

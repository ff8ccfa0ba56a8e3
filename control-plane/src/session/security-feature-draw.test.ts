import { DEFAULT_SECURITY_FEATURES, type DrawnSecurityFeatures } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { featureChecklist } from './security-feature-draw.ts';

describe('featureChecklist', () => {
  it("carries a drawn feature's Chinese label, and none for a bank feature configured without it", () => {
    const [withZh] = DEFAULT_SECURITY_FEATURES.passport!;
    const drawn: DrawnSecurityFeatures = {
      documentType: 'passport',
      drawnAt: '2026-12-03T10:00:00.000Z',
      features: [withZh!, { id: 'bank_feature', category: 'print', show: 'zoom', ko: '미세문자', en: 'Microprint' }],
    };
    expect(featureChecklist(drawn)).toEqual([
      { id: withZh!.id, ko: withZh!.ko, en: withZh!.en, zh: withZh!.zh },
      { id: 'bank_feature', ko: '미세문자', en: 'Microprint' },
    ]);
    expect(featureChecklist(undefined)).toEqual([]);
  });
});

import { GuidanceKind } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { guidanceButtonKey, guidanceKey, qualityKey, translate } from './i18n.ts';
import { inCallStrings } from './i18n-in-call.ts';

describe('in-call strings', () => {
  it('exist in Korean and English with the same keys, translated, none empty', () => {
    expect(Object.keys(inCallStrings.en).sort()).toEqual(Object.keys(inCallStrings.ko).sort());
    for (const key of Object.keys(inCallStrings.ko) as Array<keyof typeof inCallStrings.ko>) {
      expect(inCallStrings.ko[key].trim(), key).not.toBe('');
      expect(inCallStrings.en[key].trim(), key).not.toBe('');
      expect(inCallStrings.ko[key], `${key} is not translated`).not.toBe(inCallStrings.en[key]);
    }
  });

  it('are part of the page dictionary', () => {
    expect(translate('ko', 'chat.send')).toBe('보내기');
    expect(translate('en', 'chat.send')).toBe('Send');
  });

  it('name every guidance kind: an instruction for the customer and a button for the agent', () => {
    for (const kind of GuidanceKind.options) {
      for (const locale of ['ko', 'en'] as const) {
        expect(translate(locale, guidanceButtonKey(kind))).not.toContain('guidance.');
        if (kind !== 'clear') expect(translate(locale, guidanceKey(kind))).not.toContain('guidance.');
      }
    }
    expect(translate('ko', guidanceKey('hold_id_closer'))).toContain('신분증');
  });

  it('name every quality level and fill the numbers into the label', () => {
    for (const level of ['unknown', 'good', 'fair', 'poor'] as const) {
      for (const locale of ['ko', 'en'] as const) expect(translate(locale, qualityKey(level))).not.toContain('quality.');
    }
    const label = translate('en', 'quality.detail', { level: 'Good', bitrate: '812', loss: '0.0', rtt: '3' });
    expect(label).toBe('Network quality: Good (sending 812 kbps, loss 0.0%, round trip 3 ms)');
    expect(translate('ko', 'quality.detail', { level: '좋음', bitrate: '812', loss: '0.0', rtt: '3' })).not.toMatch(/\{\w+\}/);
  });

  it('head the agent\'s checklist and say why approval waits, in both locales', () => {
    expect(translate('ko', 'checklist.heading')).toContain('확인 항목');
    expect(translate('en', 'checklist.heading')).toContain('Checklist');
    expect(translate('ko', 'checklist.needAll')).toContain('승인');
    expect(translate('en', 'checklist.needAll')).toBe('Tick every checklist item to approve.');
  });
});

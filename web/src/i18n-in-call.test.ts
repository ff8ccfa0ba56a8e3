import { GuidanceKind, Locale } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { dictionaryKeys, guidanceButtonKey, guidanceKey, qualityKey, translate, type MessageKey } from './i18n.ts';

describe('in-call strings', () => {
  it('are translated in every locale', () => {
    const inCall = dictionaryKeys('ko').filter((key) => /^(chat|guidance|quality|checklist)\./.test(key)) as MessageKey[];
    expect(inCall.length).toBeGreaterThan(20);
    // A pattern with no word of its own ('{kind}: {details}') has nothing to translate.
    const hasWords = (text: string) => /\p{L}/u.test(text.replace(/\{\w+\}/g, ''));
    for (const key of inCall.filter((k) => hasWords(translate('en', k)))) {
      expect(translate('ko', key), `${key} is not translated`).not.toBe(translate('en', key));
      expect(translate('zh', key), `${key} is not translated`).not.toBe(translate('en', key));
    }
  });

  it('are part of the page dictionary', () => {
    expect(translate('ko', 'chat.send')).toBe('보내기');
    expect(translate('en', 'chat.send')).toBe('Send');
    expect(translate('zh', 'chat.send')).toBe('发送');
  });

  it('name every guidance kind: an instruction for the customer and a button for the agent', () => {
    for (const kind of GuidanceKind.options) {
      for (const locale of Locale.options) {
        expect(translate(locale, guidanceButtonKey(kind))).not.toContain('guidance.');
        if (kind !== 'clear') expect(translate(locale, guidanceKey(kind))).not.toContain('guidance.');
      }
    }
    expect(translate('ko', guidanceKey('hold_id_closer'))).toContain('신분증');
  });

  it('name every quality level and fill the numbers into the label', () => {
    for (const level of ['unknown', 'good', 'fair', 'poor'] as const) {
      for (const locale of Locale.options) expect(translate(locale, qualityKey(level))).not.toContain('quality.');
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

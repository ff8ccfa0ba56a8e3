import { Locale } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { htmlLang, initialLocale, intlLocale, localeOfTag, pickLocale } from './locale-choice.ts';

describe('localeOfTag', () => {
  it('reads every Chinese tag as the simplified Chinese page', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-Hans', 'zh-Hans-CN', 'zh-SG', 'zh-TW', 'zh-Hant', 'zh_CN', 'ZH-cn']) expect(localeOfTag(tag), tag).toBe('zh');
  });
  it('knows Korean and English in any region, and nothing else', () => {
    expect(localeOfTag('ko-KR')).toBe('ko');
    expect(localeOfTag('en-US')).toBe('en');
    for (const tag of ['ja', 'fr-FR', '', 'z', 'zhx']) expect(localeOfTag(tag), tag).toBeNull();
  });
});

describe('pickLocale', () => {
  it('defaults to Korean', () => {
    expect(pickLocale([])).toBe('ko');
    expect(pickLocale(['fr-FR', 'de'])).toBe('ko');
  });
  it('takes the first language the page speaks', () => {
    expect(pickLocale(['en-US', 'ko-KR'])).toBe('en');
    expect(pickLocale(['ja', 'KO'])).toBe('ko');
    expect(pickLocale(['zh-CN', 'en'])).toBe('zh');
    expect(pickLocale(['fr', 'zh-Hans', 'ko'])).toBe('zh');
    expect(pickLocale(['en-GB', 'zh-CN'])).toBe('en');
  });
});

describe('initialLocale', () => {
  it("prefers the session's locale from the link over the browser's", () => {
    expect(initialLocale('?lang=ko', ['en-US'])).toBe('ko');
    expect(initialLocale('?lang=en', ['ko-KR'])).toBe('en');
    expect(initialLocale('?lang=zh', ['ko-KR'])).toBe('zh');
    expect(initialLocale('?lang=zh-Hans', ['en-US'])).toBe('zh');
  });
  it("falls back to the browser's languages, then Korean", () => {
    expect(initialLocale('', ['en-GB'])).toBe('en');
    expect(initialLocale('', ['zh-CN', 'zh'])).toBe('zh');
    expect(initialLocale('?lang=fr', ['zh-TW'])).toBe('zh');
    expect(initialLocale('', [])).toBe('ko');
  });
});

describe('htmlLang and intlLocale', () => {
  it('name the script of the Chinese page and a formatting locale for each page locale', () => {
    expect(htmlLang('zh')).toBe('zh-Hans');
    expect(htmlLang('ko')).toBe('ko');
    for (const locale of Locale.options) expect(() => new Intl.DateTimeFormat(intlLocale(locale))).not.toThrow();
    expect(new Date(Date.UTC(2026, 0, 1, 9, 5)).toLocaleTimeString(intlLocale('zh'), { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })).toBe('09:05');
  });
});

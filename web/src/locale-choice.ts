import type { Locale } from '@vident/protocol';

/*
 * Which language a page speaks before the server says (the session's locale in `welcome` decides
 * after that): the bank's link's `?lang=`, else the browser's languages. Pure, so it is tested
 * without a browser.
 */

/**
 * The page locale for one BCP-47 tag, or null when the page does not speak it. Every Chinese tag
 * (zh, zh-CN, zh-Hans, zh-SG, and the traditional zh-TW, zh-Hant, zh-HK) reads the simplified
 * Chinese pages: the only Chinese there is.
 */
export function localeOfTag(tag: string): Locale | null {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'ko') return 'ko';
  if (primary === 'en') return 'en';
  if (primary === 'zh') return 'zh';
  return null;
}

/** The first language of a tag list (navigator.languages) the page speaks; Korean when none. */
export function pickLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const locale = localeOfTag(tag);
    if (locale !== null) return locale;
  }
  return 'ko';
}

/**
 * The page's first locale, before the server's `welcome`: the session's locale carried by the
 * bank's link (`?lang=zh`), else the browser's languages.
 */
export function initialLocale(search: string, languages: readonly string[]): Locale {
  const lang = new URLSearchParams(search).get('lang');
  return pickLocale(lang ? [lang, ...languages] : languages);
}

/** The `lang` attribute of a page in this locale: screen readers and font choice need the script. */
export function htmlLang(locale: Locale): string {
  return locale === 'zh' ? 'zh-Hans' : locale;
}

/** The locale for Intl formatting (times, numbers) on a page in this locale. */
export function intlLocale(locale: Locale): string {
  return { ko: 'ko-KR', en: 'en-GB', zh: 'zh-Hans-CN' }[locale];
}

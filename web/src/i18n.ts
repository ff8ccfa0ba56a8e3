import type { EndReason, ErrorCode, GuidanceKind, Locale, ReasonCode, Role } from '@vident/protocol';
import ko from '../locales/ko.json';
import en from '../locales/en.json';
import zh from '../locales/zh.json';
import type { NetworkQuality } from './network-quality.ts';

/*
 * Every user-visible string, in every locale. The texts live in web/locales/<locale>.json (flat:
 * key → text, `{name}` placeholders), which a translator edits without touching code; the build
 * bundles them. Korean is the default and the reference set.
 */

/** A key of the dictionary: the keys of ko.json, the reference set every other locale must match. */
export type MessageKey = keyof typeof ko;

/** Each locale has every key: a locale file that lacks one fails the type check (and i18n.test.ts). */
const dictionary: Record<Locale, Record<MessageKey, string>> = { ko, en, zh };

/** Looks a string up and fills `{name}` placeholders. */
export function translate(locale: Locale, key: MessageKey, params: Record<string, string> = {}): string {
  const template: string = dictionary[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** The page's locale before `welcome` (locale-choice.ts), here for the pages that import it with translate. */
export { initialLocale, pickLocale } from './locale-choice.ts';

/** Key of the participant-facing text for a server error code (every code has one: the type check says so). */
export function errorCodeKey(code: ErrorCode): MessageKey {
  return `error.code.${code}`;
}

/** The waiting text names the party we wait for. */
export function waitingKey(role: Role): MessageKey {
  return role === 'customer' ? 'call.waiting.customer' : 'call.waiting.agent';
}

/** Key of the human text for an end reason. */
export function endReasonKey(reason: EndReason): MessageKey {
  return `end.reason.${reason}`;
}

/** Key of the label of a decision reason code. */
export function reasonCodeKey(code: ReasonCode): MessageKey {
  return `decision.reason.${code}`;
}

/** Key of a guidance instruction (the customer's overlay; `clear` has none). */
export function guidanceKey(kind: Exclude<GuidanceKind, 'clear'>): MessageKey {
  return `guidance.kind.${kind}`;
}

/** Key of the agent's short button label for a guidance kind. */
export function guidanceButtonKey(kind: GuidanceKind): MessageKey {
  return `guidance.button.${kind}`;
}

/** Key of a network-quality level's word. */
export function qualityKey(level: NetworkQuality): MessageKey {
  return `quality.level.${level}`;
}

/** Every key of a locale, for tests that check every locale is complete. */
export function dictionaryKeys(locale: Locale): string[] {
  return Object.keys(dictionary[locale]);
}

import type { ErrorCode, Locale } from '@vident/protocol';
import { errorCodeKey, translate } from './i18n.ts';

/** A problem the call controller reports: a server error code, the socket, or the camera. */
export type CallProblemCode = ErrorCode | 'socket' | 'media';

/**
 * The banner text for a problem, in the page's language. The server's message is English and
 * written for operators, so it never reaches the banner (the caller logs it to the console).
 */
export function callProblemText(locale: Locale, code: CallProblemCode): string {
  if (code === 'media') return translate(locale, 'error.media');
  if (code === 'socket') return translate(locale, 'error.socket');
  return translate(locale, errorCodeKey(code));
}

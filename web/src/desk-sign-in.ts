import type { Locale } from '@vident/protocol';
import { consoleLocale, readDeskToken, takeDeskToken, type DeskTokenInfo } from './desk-session.ts';
import { translate, type MessageKey } from './i18n.ts';
import { applyStaticText, byTestId } from './ui/dom.ts';

/** A desk page after sign-in: its locale, and the desk token with what it says (null: signed out or expired). */
export interface DeskSignIn {
  locale: Locale;
  desk: { token: string; info: DeskTokenInfo } | null;
}

/**
 * The first steps of both desk pages (/agent, /supervisor): take the desk token from the bank's
 * sign-in link, set the page's language and title, and greet the signed-in agent by name. What a
 * signed-out page shows is each page's own.
 */
export function signInToDesk(titleKey: MessageKey): DeskSignIn {
  const token = takeDeskToken(location.hash, sessionStorage);
  // The token stays in this tab's sessionStorage, not in the address bar or its history.
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  const info = token ? readDeskToken(token) : null;
  const locale = consoleLocale(info, navigator.languages ?? [navigator.language]);
  applyStaticText(locale);
  document.title = translate(locale, titleKey);
  if (!token || !info || info.exp * 1000 <= Date.now()) return { locale, desk: null };
  byTestId('desk-agent-name').textContent = translate(locale, 'desk.signedInAs', { name: info.name });
  return { locale, desk: { token, info } };
}

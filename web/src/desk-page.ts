import { applyStaticText, byTestId } from './ui/dom.ts';
import { consoleLocale, readDeskToken, takeDeskToken } from './desk-session.ts';
import { sameOriginTarget } from './demo-sessions.ts';
import { translate } from './i18n.ts';
import { AgentConsole } from './ui/agent-console.ts';

/* /agent: the agent's console. The bank's sign-in link carries the desk token in its fragment. */

const token = takeDeskToken(location.hash, sessionStorage);
// The token stays in this tab's sessionStorage, not in the address bar or its history.
if (location.hash) history.replaceState(null, '', location.pathname + location.search);
const info = token ? readDeskToken(token) : null;
const locale = consoleLocale(info, navigator.languages ?? [navigator.language]);
applyStaticText(locale);
document.title = translate(locale, 'desk.title');

if (!token || !info || info.exp * 1000 <= Date.now()) {
  const out = byTestId('desk-signed-out');
  out.textContent = translate(locale, 'desk.signedOut');
  out.hidden = false;
} else {
  byTestId('desk-agent-name').textContent = translate(locale, 'desk.signedInAs', { name: info.name });
  byTestId('desk-main').hidden = false;
  new AgentConsole(token, locale, (callUrl) => {
    // Same tab: the call page's end screen offers the way back (the desk token is in sessionStorage).
    const target = sameOriginTarget(callUrl, location.origin);
    if (target) location.assign(target);
  }).start();
}

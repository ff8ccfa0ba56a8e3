import { applyStaticText, byTestId } from './ui/dom.ts';
import { consoleLocale, readDeskToken, takeDeskToken } from './desk-session.ts';
import { translate } from './i18n.ts';
import { SupervisorView } from './ui/supervisor-view.ts';

/* /supervisor: the supervisor's view, from the bank's sign-in link (desk token in the fragment). */

const token = takeDeskToken(location.hash, sessionStorage);
if (location.hash) history.replaceState(null, '', location.pathname + location.search);
const info = token ? readDeskToken(token) : null;
const locale = consoleLocale(info, navigator.languages ?? [navigator.language]);
applyStaticText(locale);
document.title = translate(locale, 'desk.supervisorTitle');

const problem = (text: string, fatal: boolean) => {
  const out = byTestId('desk-signed-out');
  out.textContent = text;
  out.hidden = false;
  if (fatal) byTestId('sup-main').hidden = true;
};

if (!token || !info || info.exp * 1000 <= Date.now()) problem(translate(locale, 'desk.signedOut'), true);
else {
  byTestId('desk-agent-name').textContent = translate(locale, 'desk.signedInAs', { name: info.name });
  new SupervisorView(token, locale, problem).start();
}

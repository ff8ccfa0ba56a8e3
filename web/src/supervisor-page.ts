import { byTestId } from './ui/dom.ts';
import { signInToDesk } from './desk-sign-in.ts';
import { translate } from './i18n.ts';
import { SupervisorView } from './ui/supervisor-view.ts';

/* /supervisor: the supervisor's view, from the bank's sign-in link (desk token in the fragment). */

const { locale, desk } = signInToDesk('desk.supervisorTitle');

const problem = (text: string, fatal: boolean) => {
  const out = byTestId('desk-signed-out');
  out.textContent = text;
  out.hidden = false;
  if (fatal) byTestId('sup-main').hidden = true;
};

if (desk === null) problem(translate(locale, 'desk.signedOut'), true);
else new SupervisorView(desk.token, locale, problem).start();

import { byTestId } from './ui/dom.ts';
import { signInToDesk } from './desk-sign-in.ts';
import { translate } from './i18n.ts';
import { SupervisorView } from './ui/supervisor-view.ts';
import { FunnelView } from './ui/funnel-view.ts';
import { DeskTokenKeeper } from './desk-token-keeper.ts';

/* /supervisor: the supervisor's view, from the bank's sign-in link (desk token in the fragment). */

const { locale, desk } = signInToDesk('desk.supervisorTitle');

const problem = (text: string, fatal: boolean) => {
  const out = byTestId('desk-signed-out');
  out.textContent = text;
  out.hidden = false;
  if (fatal) byTestId('sup-main').hidden = true;
};

if (desk === null) problem(translate(locale, 'desk.signedOut'), true);
else {
  const keeper = new DeskTokenKeeper({
    token: desk.token,
    store: sessionStorage,
    fetch: (input, init) => fetch(input, init),
    onSignedOut: () => view.signedOut(),
  });
  const view = new SupervisorView(() => keeper.current(), locale, problem);
  keeper.start();
  view.start();
  // Loaded once and on each filter change, not polled: the figures only move when a session ends.
  new FunnelView(() => keeper.current(), locale).start();
}

import { byTestId } from './ui/dom.ts';
import { signInToDesk } from './desk-sign-in.ts';
import { sameOriginTarget } from './demo-sessions.ts';
import { translate } from './i18n.ts';
import { AgentConsole } from './ui/agent-console.ts';
import { DeskTokenKeeper } from './desk-token-keeper.ts';

/* /agent: the agent's console. The bank's sign-in link carries the desk token in its fragment. */

const { locale, desk } = signInToDesk('desk.title');

if (desk === null) {
  const out = byTestId('desk-signed-out');
  out.textContent = translate(locale, 'desk.signedOut');
  out.hidden = false;
} else {
  byTestId('desk-main').hidden = false;
  const keeper = new DeskTokenKeeper({
    token: desk.token,
    store: sessionStorage,
    fetch: (input, init) => fetch(input, init),
    onSignedOut: () => agentConsole.signedOut(),
  });
  const agentConsole = new AgentConsole(() => keeper.current(), locale, (callUrl) => {
    // Same tab: the call page's end screen offers the way back (the desk token is in sessionStorage).
    const target = sameOriginTarget(callUrl, location.origin);
    if (target) location.assign(target);
  });
  keeper.start();
  agentConsole.start();
}

import type { Locale } from '@vident/protocol';
import { isLinkExpired, type JoinLink } from '../join-link.ts';
import { translate } from '../i18n.ts';
import { byTestId, showScreen } from './dom.ts';

/**
 * The customer link's first screen: what will happen, about how long, what to have ready, that the
 * call may be recorded. Nothing is asked of the browser here; "Start" opens the pre-call check.
 */
export class LandingScreen {
  private readonly screen = byTestId('landing-screen');

  constructor(link: JoinLink, locale: () => Locale, onStart: () => void) {
    if (isLinkExpired(link, Date.now())) {
      const warning = byTestId('landing-warning');
      warning.textContent = translate(locale(), 'join.expired');
      warning.hidden = false;
    }
    byTestId<HTMLButtonElement>('landing-start').addEventListener('click', onStart);
  }

  show(): void {
    showScreen('screen-landing');
    this.screen.querySelector<HTMLElement>('h2')!.focus();
  }
}

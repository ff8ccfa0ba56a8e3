import { RECORDING_CONSENT_VERSION } from '@vident/protocol';
import { byTestId, showScreen } from './dom.ts';

export interface ConsentActions {
  accept(): void;
  decline(): void;
}

/**
 * The customer's recording consent (texts `consent.*` in web/locales/*.json). The version sent with the answer
 * names exactly this text: change the wording only together with RECORDING_CONSENT_VERSION.
 */
export class ConsentScreen {
  private readonly accept = byTestId<HTMLButtonElement>('consent-accept');
  private readonly decline = byTestId<HTMLButtonElement>('consent-decline');
  private readonly heading = byTestId('consent-screen').querySelector<HTMLElement>('h2')!;

  constructor(actions: ConsentActions) {
    byTestId('consent-text').dataset.version = RECORDING_CONSENT_VERSION;
    this.accept.addEventListener('click', () => actions.accept());
    this.decline.addEventListener('click', () => {
      // Declining ends the session: no second answer.
      this.accept.disabled = true;
      this.decline.disabled = true;
      actions.decline();
    });
  }

  show(): void {
    showScreen('screen-consent');
    // Screen readers start at the heading, not wherever focus was on the previous screen.
    this.heading.focus();
  }
}

import type { Locale } from '@vident/protocol';
import type { CallView } from '../call-view.ts';
import { isLinkExpired, type JoinLink } from '../join-link.ts';
import { translate, type MessageKey } from '../i18n.ts';
import { byTestId, setText, showScreen } from './dom.ts';

/**
 * The participant link's first screen. It stays up after the click while the page connects and,
 * once the call may start (after the consent step for a recorded customer), while the browser asks
 * for camera and microphone; if that is refused, its button asks again.
 */
export class JoinScreen {
  private readonly screen = byTestId('join-screen');
  private readonly button = byTestId<HTMLButtonElement>('join');
  private readonly progress = this.screen.querySelector<HTMLElement>('.join-progress')!;

  constructor(
    link: JoinLink,
    private readonly locale: () => Locale,
    onJoin: () => void,
  ) {
    const t = (key: MessageKey) => translate(this.locale(), key);
    byTestId('join-role').textContent = t(link.role === 'customer' ? 'role.customer' : 'role.agent');
    this.screen.querySelector('.join-heading')!.textContent = t(`join.${link.role}.heading`);
    this.screen.querySelector('.join-body')!.textContent = t(`join.${link.role}.body`);
    if (isLinkExpired(link, Date.now())) {
      const warning = byTestId('join-warning');
      warning.textContent = t('join.expired');
      warning.hidden = false;
    }
    this.button.addEventListener('click', onJoin);
  }

  show(): void {
    showScreen('screen-join');
  }

  /** The click was taken: connecting. */
  busy(): void {
    this.button.disabled = true;
    this.progress.textContent = translate(this.locale(), 'join.connecting');
  }

  render(view: CallView): void {
    const t = (key: MessageKey) => translate(this.locale(), key);
    const retry = view.media === 'failed';
    this.button.disabled = !retry;
    // data-i18n too, so a later locale switch (applyStaticText) keeps the right label.
    this.button.dataset.i18n = retry ? 'join.retryMedia' : 'join.button';
    setText(this.button, t(retry ? 'join.retryMedia' : 'join.button'));
    if (retry) setText(this.progress, '');
    else if (view.media === 'acquiring') setText(this.progress, t('join.starting'));
    else setText(this.progress, t(view.status === 'failed' ? 'status.failed' : 'join.connecting'));
  }
}

import { GuidanceKind, type Locale } from '@vident/protocol';
import type { CallView } from '../call-view.ts';
import { guidanceButtonKey, guidanceKey, translate } from '../i18n.ts';
import { byTestId, replaceChildrenIfChanged, setText } from './dom.ts';

/** The customer's overlay over its self-view: the translated instruction the agent sent. */
export class GuidanceOverlay {
  private readonly root = byTestId('guidance-overlay');

  constructor(private readonly locale: () => Locale) {}

  render(view: CallView): void {
    const shown = view.ended === null ? view.guidance : null;
    this.root.hidden = shown === null;
    this.root.dataset.kind = shown?.kind ?? '';
    setText(this.root, shown === null ? '' : translate(this.locale(), guidanceKey(shown.kind)));
  }
}

/**
 * The agent's guidance buttons, one per kind (`clear` last). Built by script on the agent's page
 * only, like the capture panel, so the customer's page has no such controls.
 */
export class GuidanceControls {
  private readonly root = document.createElement('section');
  private readonly heading = document.createElement('h3');
  private readonly status = document.createElement('p');
  private readonly buttons = new Map<GuidanceKind, HTMLButtonElement>();
  private lastSent: GuidanceKind | null = null;

  constructor(
    private readonly locale: () => Locale,
    send: (kind: GuidanceKind) => boolean,
    before: HTMLElement,
  ) {
    this.root.className = 'guidance-panel';
    this.root.dataset.testid = 'guidance-panel';
    this.heading.id = 'guidance-heading';
    this.root.setAttribute('aria-labelledby', this.heading.id);
    const group = document.createElement('div');
    group.className = 'guidance-buttons';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-labelledby', this.heading.id);
    for (const kind of GuidanceKind.options) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = kind === 'clear' ? 'guidance-btn guidance-clear' : 'guidance-btn';
      button.dataset.testid = `guidance-${kind}`;
      button.dataset.kind = kind;
      button.addEventListener('click', () => {
        if (!send(kind)) return;
        this.lastSent = kind;
        this.renderStatus();
      });
      this.buttons.set(kind, button);
      group.append(button);
    }
    this.status.className = 'guidance-status';
    this.status.dataset.testid = 'guidance-status';
    this.status.setAttribute('aria-live', 'polite');
    this.root.append(this.heading, group, this.status);
    before.before(this.root);
  }

  render(view: CallView): void {
    const t = (key: Parameters<typeof translate>[1], params?: Record<string, string>) => translate(this.locale(), key, params);
    this.root.hidden = view.ended !== null;
    setText(this.heading, t('guidance.heading'));
    // Instructions only make sense while the customer is there to see them.
    const usable = view.peerPresent && view.ended === null;
    for (const [kind, button] of this.buttons) {
      const label = kind === 'clear' ? t('guidance.clear') : t('guidance.send', { text: t(guidanceKey(kind)) });
      // The name starts with the visible word (speech users say what they see) and goes on with the
      // full instruction for screen readers; the tooltip shows that instruction too.
      const full = document.createElement('span');
      full.className = 'visually-hidden';
      full.textContent = ` (${label})`;
      replaceChildrenIfChanged(button, [t(guidanceButtonKey(kind)), full]);
      button.removeAttribute('aria-label');
      button.title = label;
      button.disabled = !usable;
    }
    this.renderStatus();
  }

  private renderStatus(): void {
    const kind = this.lastSent;
    const locale = this.locale();
    if (kind === null) setText(this.status, '');
    else if (kind === 'clear') setText(this.status, translate(locale, 'guidance.cleared'));
    else setText(this.status, translate(locale, 'guidance.sent', { text: translate(locale, guidanceKey(kind)) }));
  }
}

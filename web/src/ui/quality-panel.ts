import type { Locale, QualityGate, RecordedCameraSignal } from '@vident/protocol';
import { translate, type MessageKey } from '../i18n.ts';
import { riskFlagLines } from '../quality/risk-flag-text.ts';
import { replaceChildrenIfChanged, setText } from './dom.ts';

/*
 * The agent's quality gate and camera risk flags (issue 15): `quality-gate` (data-state green|red,
 * with the causes), an abort for poor quality while it is red, and one `risk-flag-<kind>` line per
 * kind of camera signal with what was seen, in the agent's language (risk-flag-text.ts). Flags are
 * signals: nothing here blocks the call.
 */

export interface QualityPanelOptions {
  before: HTMLElement;
  locale(): Locale;
  abort(): void;
}

export class QualityPanel {
  private readonly root = document.createElement('section');
  private readonly heading = document.createElement('h3');
  private readonly gateLine = document.createElement('p');
  private readonly abortButton = document.createElement('button');
  private readonly hint = document.createElement('p');
  private readonly flagList = document.createElement('ul');
  private gate: QualityGate | null = null;
  private flags: RecordedCameraSignal[] = [];
  private ended = false;

  constructor(private readonly opts: QualityPanelOptions) {
    this.root.className = 'assist quality-panel';
    this.root.dataset.testid = 'quality-panel';
    this.heading.id = 'quality-heading';
    this.root.setAttribute('aria-labelledby', this.heading.id);
    this.gateLine.dataset.testid = 'quality-gate';
    this.gateLine.setAttribute('role', 'status');
    this.gateLine.className = 'assist-status quality-gate';
    this.abortButton.type = 'button';
    this.abortButton.dataset.testid = 'quality-abort';
    this.abortButton.addEventListener('click', () => opts.abort());
    this.hint.className = 'assist-hint';
    this.flagList.className = 'risk-flags';
    this.flagList.dataset.testid = 'risk-flags';
    this.root.append(this.heading, this.gateLine, this.abortButton, this.hint, this.flagList);
    opts.before.before(this.root);
    this.render();
  }

  gateChanged(gate: QualityGate): void {
    this.gate = gate;
    this.render();
  }

  /** Flags from the welcome (all so far) or one new `risk-flag`. */
  flagsChanged(flags: RecordedCameraSignal[]): void {
    this.flags = flags;
    this.render();
  }

  end(): void {
    this.ended = true;
    this.render();
  }

  private render(): void {
    const locale = this.opts.locale();
    const t = (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
    setText(this.heading, t('quality.heading'));
    const gate = this.gate;
    this.gateLine.dataset.state = gate?.state ?? 'green';
    setText(
      this.gateLine,
      gate === null ? t('quality.waiting') : gate.state === 'green' ? t('quality.green') : t('quality.red', { causes: gate.causes.map((c) => t(`quality.cause.${c}`)).join(', ') }),
    );
    setText(this.abortButton, t('quality.abort'));
    this.abortButton.hidden = gate?.state !== 'red' || this.ended;
    setText(this.hint, t('quality.flags.hint'));
    const items = riskFlagLines(this.flags, locale).map(({ kind, text }) => {
      const li = document.createElement('li');
      li.dataset.testid = `risk-flag-${kind}`;
      li.className = 'risk-flag';
      li.textContent = text;
      return li;
    });
    if (items.length === 0) {
      const li = document.createElement('li');
      li.textContent = t('quality.flags.none');
      items.push(li);
    }
    replaceChildrenIfChanged(this.flagList, items);
  }
}

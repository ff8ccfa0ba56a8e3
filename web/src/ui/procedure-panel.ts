import { AbortReason, localizedLabel, OneTimeCode, type DrawnSecurityFeatures, type Locale, type OneTimeCodeView } from '@vident/protocol';
import type { CallView } from '../call-view.ts';
import { reasonCodeKey, translate, type MessageKey } from '../i18n.ts';
import { setText } from './dom.ts';

/*
 * The regulated procedure's controls on the call pages (issue 15). Built by script like the capture
 * panel: the customer's page gets the features to show and the one-time code entry, the agent's the
 * code's status line and the abort. What is enforced is the session's business; these only show it
 * and send frames.
 */

/** The customer's status line of the code (also its test id's content). */
function customerCodeText(code: OneTimeCodeView, locale: Locale): string {
  if (code.status === 'pending') return translate(locale, 'procedure.code.pending', { left: String(code.attemptsLeft) });
  if (code.status === 'verified') return translate(locale, 'procedure.code.verified');
  return translate(locale, code.failure === 'expired' ? 'procedure.code.failed.expired' : 'procedure.code.failed');
}

/** The agent's line about the code. */
export function agentCodeText(code: OneTimeCodeView | null, locale: Locale): string {
  if (code === null) return translate(locale, 'procedure.agent.code.none');
  if (code.status === 'pending') return translate(locale, 'procedure.agent.code.pending', { left: String(code.attemptsLeft) });
  return translate(locale, code.status === 'verified' ? 'procedure.agent.code.verified' : 'procedure.agent.code.failed');
}

/** The customer's part: how to show each drawn feature, and the code entry while it is due. */
export class CustomerProcedure {
  private readonly root = document.createElement('section');
  private readonly featureHeading = document.createElement('h3');
  private readonly features = document.createElement('ul');
  private readonly form = document.createElement('form');
  private readonly input = document.createElement('input');
  private readonly inputLabel = document.createElement('label');
  private readonly submit = document.createElement('button');
  private readonly status = document.createElement('p');
  private shownFeatures: { drawn: DrawnSecurityFeatures; locale: Locale } | null = null;

  constructor(
    private readonly locale: () => Locale,
    send: (code: string) => boolean,
    before: HTMLElement,
  ) {
    this.root.className = 'procedure-panel';
    this.root.dataset.testid = 'customer-procedure';
    this.features.dataset.testid = 'feature-guidance';
    this.input.id = 'code-input';
    this.input.dataset.testid = 'code-input';
    this.input.inputMode = 'numeric';
    this.input.autocomplete = 'one-time-code';
    this.input.maxLength = 6;
    this.input.pattern = '\\d{6}';
    this.inputLabel.htmlFor = this.input.id;
    this.submit.type = 'submit';
    this.submit.dataset.testid = 'code-submit';
    this.status.dataset.testid = 'code-status';
    this.status.setAttribute('aria-live', 'polite');
    this.form.append(this.inputLabel, this.input, this.submit);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const code = this.input.value.trim();
      if (!OneTimeCode.safeParse(code).success) {
        setText(this.status, translate(this.locale(), 'procedure.code.invalid'));
        return;
      }
      if (send(code)) this.input.value = '';
    });
    this.root.append(this.featureHeading, this.features, this.form, this.status);
    before.before(this.root);
  }

  render(view: CallView): void {
    const locale = this.locale();
    const { securityFeatures, code } = view.procedure;
    this.root.hidden = view.ended !== null || (securityFeatures === null && code === null);
    this.featureHeading.hidden = this.features.hidden = securityFeatures === null;
    setText(this.featureHeading, translate(locale, 'procedure.features.heading'));
    if (securityFeatures !== null && (this.shownFeatures?.drawn !== securityFeatures || this.shownFeatures.locale !== locale)) {
      this.shownFeatures = { drawn: securityFeatures, locale };
      this.features.replaceChildren(
        ...securityFeatures.features.map((f) => {
          const item = document.createElement('li');
          item.dataset.testid = `feature-guidance-${f.id}`;
          item.dataset.show = f.show;
          item.textContent = `${translate(locale, `procedure.features.show.${f.show}` as MessageKey)}: ${localizedLabel(f, locale)}`;
          return item;
        }),
      );
    }
    this.form.hidden = code?.status !== 'pending';
    setText(this.inputLabel, translate(locale, 'procedure.code.label'));
    setText(this.submit, translate(locale, 'procedure.code.submit'));
    this.status.hidden = code === null;
    this.status.dataset.status = code?.status ?? '';
    if (code !== null) setText(this.status, customerCodeText(code, locale));
  }
}

/** The agent's part: the code's status line and the abort of the identification for a procedure reason. */
export class AgentProcedure {
  private readonly root = document.createElement('section');
  private readonly heading = document.createElement('h3');
  private readonly code = document.createElement('p');
  private readonly reason = document.createElement('select');
  private readonly reasonLabel = document.createElement('label');
  private readonly abort = document.createElement('button');

  constructor(
    private readonly locale: () => Locale,
    send: (reason: AbortReason) => boolean,
    before: HTMLElement,
  ) {
    this.root.className = 'procedure-panel';
    this.root.dataset.testid = 'procedure-panel';
    this.heading.id = 'procedure-heading';
    this.root.setAttribute('aria-labelledby', this.heading.id);
    this.code.dataset.testid = 'code-status';
    this.code.setAttribute('aria-live', 'polite');
    this.reason.id = 'abort-reason';
    this.reason.dataset.testid = 'abort-reason';
    this.reasonLabel.htmlFor = this.reason.id;
    for (const code of AbortReason.options) {
      const option = document.createElement('option');
      option.value = code;
      this.reason.append(option);
    }
    this.abort.type = 'button';
    this.abort.dataset.testid = 'abort-submit';
    this.abort.addEventListener('click', () => {
      const reason = AbortReason.safeParse(this.reason.value);
      if (reason.success) send(reason.data);
    });
    this.root.append(this.heading, this.code, this.reasonLabel, this.reason, this.abort);
    before.before(this.root);
  }

  render(view: CallView): void {
    const locale = this.locale();
    this.root.hidden = view.ended !== null || view.startedAt === null;
    setText(this.heading, translate(locale, 'procedure.heading'));
    setText(this.code, agentCodeText(view.procedure.code, locale));
    this.code.dataset.status = view.procedure.code?.status ?? 'none';
    setText(this.reasonLabel, translate(locale, 'procedure.abort.label'));
    for (const option of this.reason.options) setText(option, translate(locale, reasonCodeKey(option.value as AbortReason)));
    setText(this.abort, translate(locale, 'procedure.abort.submit'));
    this.abort.disabled = view.decisionPending;
  }
}

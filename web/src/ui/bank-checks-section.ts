import type { BankCheck } from '@vident/protocol';
import { latestBankChecks } from '../assist/assist-view.ts';
import type { CallView } from '../call-view.ts';
import { assistSection, listItem, type Translate } from './assist-section.ts';
import { replaceChildrenIfChanged, setText } from './dom.ts';

/** The bank's checks in the assistance panel (issue 14), the latest of each kind, as they arrive. */
export class BankChecksSection {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly list = document.createElement('ul');

  constructor() {
    const { section, heading } = assistSection('assist-bank', 'assist-bank-heading');
    this.element = section;
    this.heading = heading;
    this.list.className = 'assist-bank-checks';
    this.list.setAttribute('aria-live', 'polite');
    section.append(heading, this.list);
  }

  render(t: Translate, view: CallView | null): void {
    setText(this.heading, t('assist.bank.heading'));
    const checks: BankCheck[] = latestBankChecks(view?.review.bankChecks ?? []);
    if (checks.length === 0) {
      replaceChildrenIfChanged(this.list, [listItem(t('assist.bank.none'))]);
      return;
    }
    replaceChildrenIfChanged(
      this.list,
      checks.map((check) => {
        const li = listItem(t('assist.bank.item', { kind: check.kind, result: t(`assist.bank.result.${check.result}`), reference: check.reference }));
        li.dataset.testid = `bank-check-${check.kind}`;
        li.dataset.result = check.result;
        return li;
      }),
    );
  }
}

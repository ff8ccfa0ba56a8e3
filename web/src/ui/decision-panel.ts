import { ReasonCode, type ChecklistItem, type ClientMessage, type Decision, type Locale } from '@vident/protocol';
import { checkDecisionDraft, checklistLabel, type DecisionDraft } from '../decision-draft.ts';
import { byTestId } from './dom.ts';

/** The agent's approve/reject control: the verification checklist, reason checkboxes, a note, one submit. */
export class DecisionPanel {
  private readonly form = byTestId<HTMLFormElement>('decision-panel');
  private readonly approve = byTestId<HTMLButtonElement>('decide-approve');
  private readonly reject = byTestId<HTMLButtonElement>('decide-reject');
  private readonly note = byTestId<HTMLTextAreaElement>('decision-note');
  private readonly submit = byTestId<HTMLButtonElement>('decide-submit');
  private readonly hint = byTestId('decision-hint');
  private readonly checklistHint = byTestId('checklist-hint');
  private readonly checklistBox = byTestId<HTMLFieldSetElement>('checklist');
  private readonly checklistItems = this.checklistBox.querySelector<HTMLElement>('.checklist-items')!;
  private readonly reasons = ReasonCode.options.map((code) => ({ code, box: byTestId<HTMLInputElement>(`reason-${code}`) }));
  private choice: Decision | null = null;
  private pending = false;
  private checklist: readonly ChecklistItem[] = [];
  /** Kept apart from the checkboxes: a reconnect re-sends the list, and the ticks must survive it. */
  private readonly ticked = new Set<string>();
  /** What the checklist's checkboxes were last built from (the list as sent, and the locale). */
  private shown: { checklist: readonly ChecklistItem[]; locale: Locale } | null = null;
  /** Which items are drawn security features (their test id is `security-feature-<id>`). */
  private featureIds: ReadonlySet<string> = new Set();

  constructor() {
    this.approve.addEventListener('click', () => this.choose('approved'));
    this.reject.addEventListener('click', () => this.choose('rejected'));
    for (const { box } of this.reasons) box.addEventListener('change', () => this.refresh());
    this.note.addEventListener('input', () => this.refresh());
  }

  onSubmit(send: (message: Extract<ClientMessage, { type: 'decide' }>) => void): void {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const check = checkDecisionDraft(this.draft());
      if (check.ok && !this.pending) send(check.message);
    });
  }

  /** `features`: the session's drawn security features (issue 15), checklist items of this session only. */
  render(visible: boolean, pending: boolean, checklist: readonly ChecklistItem[], locale: Locale, features: readonly ChecklistItem[] = []): void {
    this.form.hidden = !visible;
    this.pending = pending;
    this.featureIds = new Set(features.map((f) => f.id));
    this.checklist = [...checklist, ...features];
    this.renderChecklist(locale);
    this.refresh();
  }

  private renderChecklist(locale: Locale): void {
    const same = this.shown !== null && this.shown.locale === locale && sameItems(this.shown.checklist, this.checklist);
    if (same) return;
    this.shown = { checklist: this.checklist, locale };
    this.checklistBox.hidden = this.checklist.length === 0;
    const rows = this.checklist.map((item) => {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'checklist';
      box.value = item.id;
      box.dataset.testid = this.featureIds.has(item.id) ? `security-feature-${item.id}` : `checklist-${item.id}`;
      box.checked = this.ticked.has(item.id);
      box.addEventListener('change', () => {
        if (box.checked) this.ticked.add(item.id);
        else this.ticked.delete(item.id);
        this.refresh();
      });
      const text = document.createElement('span');
      text.textContent = checklistLabel(item, locale);
      const label = document.createElement('label');
      label.className = 'checklist-item';
      label.append(box, text);
      return label;
    });
    this.checklistItems.replaceChildren(...rows);
  }

  private choose(decision: Decision): void {
    this.choice = decision;
    this.refresh();
  }

  private draft(): DecisionDraft {
    return {
      decision: this.choice,
      reasonCodes: this.reasons.filter((r) => r.box.checked).map((r) => r.code),
      note: this.note.value,
      checklist: this.checklist,
      ticked: [...this.ticked],
    };
  }

  private refresh(): void {
    this.approve.setAttribute('aria-pressed', String(this.choice === 'approved'));
    this.reject.setAttribute('aria-pressed', String(this.choice === 'rejected'));
    const check = checkDecisionDraft(this.draft());
    this.hint.hidden = check.ok || check.problem !== 'needs_reason';
    this.checklistHint.hidden = check.ok || check.problem !== 'needs_checklist';
    this.submit.disabled = !check.ok || this.pending;
  }
}

function sameItems(a: readonly ChecklistItem[], b: readonly ChecklistItem[]): boolean {
  return a.length === b.length && a.every((item, i) => item.id === b[i]!.id && item.ko === b[i]!.ko && item.en === b[i]!.en && item.zh === b[i]!.zh);
}

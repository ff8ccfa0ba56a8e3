import type { DocumentConfirmation, DocumentFieldName, DocumentType, Locale } from '@vident/protocol';
import { DocumentType as DocumentTypes } from '@vident/protocol';
import type { CallView } from '../call-view.ts';
import {
  changeType,
  confirmationOf,
  draftFromReading,
  draftPlausibility,
  editField,
  emptyDraft,
  FIELDS_BY_TYPE,
  type DocumentDraft,
} from '../assist/document-draft.ts';
import { fieldConfidenceText } from '../assist/assist-view.ts';
import { documentTypeKey, mrzFieldKey, plausibilityReasonKey } from '../document/document-messages.ts';
import type { PlausibilityResult } from '../document/plausibility.ts';
import type { MessageKey } from '../i18n.ts';
import { assistSection, listItem, type Translate } from './assist-section.ts';
import { replaceChildrenIfChanged, setText } from './dom.ts';

/** The document-reading bundle (web/dist/document-ocr.js), loaded on the first ID capture only. */
type DocumentOcr = typeof import('../document-ocr.ts');
/** A string, not a literal: esbuild leaves it to the browser instead of bundling tesseract.js here. */
const DOCUMENT_OCR_URL = '/document-ocr.js';

type ReadingStatus = 'waiting' | 'reading' | 'read' | 'failed';

const READING_KEY: Record<ReadingStatus, MessageKey> = {
  waiting: 'assist.doc.waiting',
  reading: 'assist.doc.reading',
  read: 'assist.doc.read',
  failed: 'assist.doc.failed',
};

export interface DocumentAssistOptions {
  locale(): Locale;
  /** Sends `document-confirm`; false when it could not be sent (the banner says why). */
  confirm(document: DocumentConfirmation): boolean;
  /** The section's state changed: render the panel again. */
  changed(): void;
  now?(): Date;
}

/**
 * The document part of the assistance panel (issue 14): the fields as read from the ID front capture
 * (each with OCR's confidence, every one editable), the plausibility verdicts re-run on each edit and
 * the confirm button that sends them to the session.
 */
export class DocumentAssist {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly status = document.createElement('p');
  private readonly typeLabel = document.createElement('label');
  private readonly typeSelect = document.createElement('select');
  private readonly typeRow = document.createElement('div');
  private readonly form = document.createElement('div');
  private readonly checksHeading = document.createElement('p');
  private readonly checks = document.createElement('ul');
  private readonly confirmButton = document.createElement('button');
  private readonly manualButton = document.createElement('button');
  private readonly retryButton = document.createElement('button');
  private readonly confirmState = document.createElement('p');
  private readonly inputs = new Map<DocumentFieldName, HTMLInputElement | HTMLTextAreaElement>();
  private draft: DocumentDraft | null = null;
  private reading: ReadingStatus = 'waiting';
  private problems: DocumentFieldName[] = [];
  private lastIdImage: Blob | null = null;
  private view: CallView | null = null;
  private ended = false;

  constructor(private readonly opts: DocumentAssistOptions) {
    const { section, heading } = assistSection('assist-doc', 'assist-doc-heading');
    this.element = section;
    this.heading = heading;
    this.status.className = 'assist-status';
    this.status.dataset.testid = 'doc-status';
    this.status.setAttribute('aria-live', 'polite');
    this.typeLabel.htmlFor = 'doc-type';
    this.typeLabel.className = 'assist-label';
    this.typeSelect.id = 'doc-type';
    this.typeSelect.dataset.testid = 'doc-type';
    for (const type of DocumentTypes.options) {
      const option = document.createElement('option');
      option.value = type;
      this.typeSelect.append(option);
    }
    this.typeSelect.addEventListener('change', () => {
      if (this.draft === null) return;
      this.draft = changeType(this.draft, this.typeSelect.value as DocumentType);
      this.buildForm();
      opts.changed();
    });
    this.typeRow.className = 'assist-row';
    this.typeRow.append(this.typeLabel, this.typeSelect);
    this.form.className = 'assist-fields';
    this.checksHeading.className = 'assist-subheading';
    this.checksHeading.id = 'doc-checks-heading';
    this.checks.className = 'assist-checks';
    this.checks.dataset.testid = 'doc-plausibility';
    this.checks.setAttribute('aria-labelledby', this.checksHeading.id);
    this.button(this.confirmButton, 'doc-confirm', 'assist-btn primary', () => this.confirm());
    this.button(this.retryButton, 'doc-retry', 'assist-btn', () => {
      if (this.lastIdImage !== null) void this.read(this.lastIdImage);
    });
    this.button(this.manualButton, 'doc-manual', 'assist-btn', () => {
      this.draft = emptyDraft(this.draft?.type ?? 'kr-resident-card');
      this.reading = 'read';
      this.buildForm();
      opts.changed();
      this.inputs.values().next().value?.focus();
    });
    this.confirmState.className = 'assist-status';
    this.confirmState.dataset.testid = 'doc-confirmed';
    this.confirmState.setAttribute('aria-live', 'polite');
    const actions = document.createElement('div');
    actions.className = 'assist-actions';
    actions.append(this.confirmButton, this.retryButton, this.manualButton);
    section.append(heading, this.status, this.typeRow, this.form, this.checksHeading, this.checks, actions, this.confirmState);
  }

  /** Whether the capture is being read (the panel is busy meanwhile). */
  get busy(): boolean {
    return this.reading === 'reading';
  }

  /** The ID front was captured (its plaintext JPEG, never uploaded as such): read it. */
  idFrontCaptured(image: Blob): void {
    this.lastIdImage = image;
    void this.read(image);
  }

  update(view: CallView): void {
    this.view = view;
    if (view.ended) this.ended = true;
  }

  render(t: Translate): void {
    const draft = this.draft;
    setText(this.heading, t('assist.doc.heading'));
    setText(this.checksHeading, t('assist.checks.heading'));
    setText(this.typeLabel, t('assist.doc.type'));
    setText(this.status, t(READING_KEY[this.reading]));
    this.status.dataset.state = this.reading;
    for (const option of this.typeSelect.options) setText(option, t(documentTypeKey(option.value as DocumentType)));
    this.typeSelect.disabled = draft === null;
    if (draft !== null && this.typeSelect.value !== draft.type) this.typeSelect.value = draft.type;
    this.typeRow.hidden = draft === null;
    for (const [name, input] of this.inputs) {
      const label = this.form.querySelector<HTMLLabelElement>(`label[data-field="${name}"]`)!;
      setText(label, name === 'name' ? `${t('assist.field.name')} (${t('assist.doc.required')})` : t(`assist.field.${name}` as MessageKey));
      const confidence = fieldConfidenceText(draft?.fields[name]);
      const span = this.form.querySelector<HTMLElement>(`#doc-confidence-${name}`)!;
      setText(span, confidence === null ? '' : t(confidence.key, confidence.params));
      span.dataset.low = String(confidence?.low ?? false);
      input.setAttribute('aria-invalid', String(this.problems.includes(name)));
    }
    const plausibility = this.plausibility();
    replaceChildrenIfChanged(this.checks, plausibility.length === 0 ? [listItem(t('assist.checks.none'))] : plausibility.map((p) => verdictItem(p, t)));
    this.checks.hidden = draft === null;
    this.checksHeading.hidden = draft === null;
    setText(this.confirmButton, t('assist.doc.confirm'));
    this.confirmButton.hidden = draft === null;
    this.confirmButton.disabled = this.view?.decisionPending ?? false;
    setText(this.retryButton, t('assist.doc.retry'));
    this.retryButton.hidden = this.lastIdImage === null || this.reading === 'reading';
    setText(this.manualButton, t('assist.doc.manual'));
    this.manualButton.hidden = draft !== null || this.reading === 'reading';
    this.renderConfirmState(t);
  }

  private renderConfirmState(t: Translate): void {
    const review = this.view?.review;
    let confirmed = '';
    if (this.problems.length > 0) {
      confirmed = t('assist.doc.invalid', { fields: this.problems.map((name) => t(`assist.field.${name}` as MessageKey)).join(', ') });
    } else if (review?.documentConfirmedAt) {
      confirmed = t('assist.doc.confirmed', { time: new Date(review.documentConfirmedAt).toLocaleTimeString(this.opts.locale()) });
    } else if (review?.documentConfirmed) confirmed = t('assist.doc.confirmedEarlier');
    setText(this.confirmState, confirmed);
    this.confirmState.dataset.state = this.problems.length > 0 ? 'invalid' : review?.documentConfirmed ? 'confirmed' : 'open';
    this.confirmState.hidden = confirmed === '';
  }

  private button(button: HTMLButtonElement, testId: string, className: string, onClick: () => void): void {
    button.type = 'button';
    button.dataset.testid = testId;
    button.className = className;
    button.addEventListener('click', onClick);
  }

  private async read(image: Blob): Promise<void> {
    this.reading = 'reading';
    this.opts.changed();
    try {
      const ocr = (await import(DOCUMENT_OCR_URL)) as DocumentOcr;
      const lines = await ocr.recognizeLines(image);
      if (this.ended) return;
      this.draft = draftFromReading(ocr.readDocument(lines, this.now()));
      this.reading = 'read';
      this.problems = [];
      this.buildForm();
    } catch (err) {
      console.warn('vident: the document could not be read', err instanceof Error ? err.message : err);
      this.reading = 'failed';
    }
    this.opts.changed();
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** One labelled input a field of the type (rebuilt when the type changes, never while typing). */
  private buildForm(): void {
    this.form.replaceChildren();
    this.inputs.clear();
    if (this.draft === null) return;
    for (const name of FIELDS_BY_TYPE[this.draft.type]) {
      const row = document.createElement('div');
      row.className = 'assist-field';
      const label = document.createElement('label');
      label.htmlFor = `doc-field-${name}`;
      label.className = 'assist-label';
      label.dataset.field = name;
      const input = name === 'mrz' ? document.createElement('textarea') : document.createElement('input');
      if (input instanceof HTMLInputElement) input.type = 'text';
      else input.rows = 3;
      input.id = `doc-field-${name}`;
      input.dataset.testid = `doc-field-${name}`;
      input.autocomplete = 'off';
      input.spellcheck = false;
      input.value = this.draft.fields[name]?.value ?? '';
      const confidence = document.createElement('span');
      confidence.className = 'assist-confidence';
      confidence.id = `doc-confidence-${name}`;
      confidence.dataset.testid = `doc-confidence-${name}`;
      input.setAttribute('aria-describedby', confidence.id);
      input.addEventListener('input', () => {
        if (this.draft === null) return;
        this.draft = editField(this.draft, name, input.value);
        this.problems = this.problems.filter((field) => field !== name);
        this.opts.changed();
      });
      row.append(label, input, confidence);
      this.form.append(row);
      this.inputs.set(name, input);
    }
  }

  private confirm(): void {
    if (this.draft === null || this.ended) return;
    const result = confirmationOf(this.draft, this.plausibility());
    if (!result.ok) {
      this.problems = result.problems.flatMap((problem) => (problem.field ? [problem.field] : []));
      this.opts.changed();
      const first = this.problems[0];
      if (first !== undefined) this.inputs.get(first)?.focus();
      return;
    }
    this.problems = [];
    this.opts.confirm(result.confirmation);
    this.opts.changed();
  }

  private plausibility(): PlausibilityResult[] {
    return this.draft === null ? [] : draftPlausibility(this.draft, this.view?.customerName ?? undefined, this.now());
  }
}

function verdictItem(p: PlausibilityResult, t: Translate): HTMLLIElement {
  const params = { ...(p.params ?? {}) };
  // An MRZ verdict names its check digit in the agent's language.
  if (params.field !== undefined) params.field = t(mrzFieldKey(params.field) ?? ('assist.field.mrz' as MessageKey));
  const li = listItem(`${t(`assist.verdict.${p.result}`)}: ${t(plausibilityReasonKey(p.reason), params)}`);
  li.dataset.rule = p.rule;
  li.dataset.result = p.result;
  return li;
}

import type { BankCheck, DocumentConfirmation, DocumentFieldName, DocumentType, Locale } from '@vident/protocol';
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
import { latestBankChecks, fieldConfidenceText, formatScore } from '../assist/assist-view.ts';
import { documentTypeKey, mrzFieldKey, plausibilityReasonKey } from '../document/document-messages.ts';
import type { PlausibilityResult } from '../document/plausibility.ts';
import { translate, type MessageKey } from '../i18n.ts';

/** The document-reading bundle (web/dist/document-ocr.js), loaded on the first ID capture only. */
type DocumentOcr = typeof import('../document-ocr.ts');
/** A string, not a literal: esbuild leaves it to the browser instead of bundling tesseract.js here. */
const DOCUMENT_OCR_URL = '/document-ocr.js';

/** Where the face comparison stands, as the panel shows it. */
export type FaceStatus = 'waiting' | 'loading' | 'no_id_face' | 'no_live_face' | 'failed' | 'ready';

export interface AssistPanelOptions {
  /** The panel is inserted before this element. */
  before: HTMLElement;
  locale(): Locale;
  /** Sends `document-confirm`; false when it could not be sent (the banner says why). */
  confirm(document: DocumentConfirmation): boolean;
  now?(): Date;
}

type ReadingStatus = 'waiting' | 'reading' | 'read' | 'failed';

/**
 * The agent's assistance panel (issue 14): the document's fields as read from the ID front capture
 * (each with OCR's confidence, every one editable), the plausibility verdicts re-run on each edit,
 * the confirm button that sends them to the session, the face comparison's scores and bands, and the
 * bank's checks as they arrive. Built by script on the agent's page only. Every result is a signal
 * next to the video; the agent decides.
 */
export class AssistPanel {
  private readonly root = document.createElement('section');
  private readonly status = document.createElement('p');
  private readonly typeSelect = document.createElement('select');
  private readonly form = document.createElement('div');
  private readonly checks = document.createElement('ul');
  private readonly confirmButton = document.createElement('button');
  private readonly manualButton = document.createElement('button');
  private readonly retryButton = document.createElement('button');
  private readonly confirmState = document.createElement('p');
  private readonly faceStatus = document.createElement('p');
  private readonly faceList = document.createElement('dl');
  private readonly bankList = document.createElement('ul');
  private readonly inputs = new Map<DocumentFieldName, HTMLInputElement | HTMLTextAreaElement>();
  private draft: DocumentDraft | null = null;
  private reading: ReadingStatus = 'waiting';
  private problems: DocumentFieldName[] = [];
  private lastIdImage: Blob | null = null;
  private view: CallView | null = null;
  private faceState: FaceStatus = 'waiting';
  private ended = false;

  constructor(private readonly opts: AssistPanelOptions) {
    this.root.className = 'assist';
    this.root.dataset.testid = 'assist-panel';
    const heading = this.heading('h3', 'assist-heading');
    this.root.setAttribute('aria-labelledby', heading.id);
    const hint = document.createElement('p');
    hint.className = 'assist-hint';
    hint.dataset.i18nKey = 'assist.hint';
    this.root.append(heading, hint, this.documentSection(), this.faceSection(), this.bankSection());
    opts.before.before(this.root);
    this.render();
  }

  /** The panel's element (the captures go above it). */
  get element(): HTMLElement {
    return this.root;
  }

  /** The ID front was captured (its plaintext JPEG, never uploaded as such): read it. */
  idFrontCaptured(image: Blob): void {
    this.lastIdImage = image;
    void this.read(image);
  }

  /** The face comparison's state changed (ui/face-assist.ts); its results come back through the session. */
  faceChanged(status: FaceStatus): void {
    this.faceState = status;
    this.render();
  }

  update(view: CallView): void {
    this.view = view;
    if (view.ended) this.ended = true;
    this.render();
  }

  private heading(tag: 'h3' | 'h4', id: string): HTMLElement {
    const el = document.createElement(tag);
    el.id = id;
    return el;
  }

  private documentSection(): HTMLElement {
    const section = document.createElement('section');
    section.className = 'assist-doc';
    const heading = this.heading('h4', 'assist-doc-heading');
    section.setAttribute('aria-labelledby', heading.id);
    this.status.className = 'assist-status';
    this.status.dataset.testid = 'doc-status';
    this.status.setAttribute('aria-live', 'polite');
    const typeLabel = document.createElement('label');
    typeLabel.htmlFor = 'doc-type';
    typeLabel.className = 'assist-label';
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
      this.render();
    });
    this.form.className = 'assist-fields';
    this.checks.className = 'assist-checks';
    this.checks.dataset.testid = 'doc-plausibility';
    this.confirmButton.type = 'button';
    this.confirmButton.dataset.testid = 'doc-confirm';
    this.confirmButton.className = 'assist-btn primary';
    this.confirmButton.addEventListener('click', () => this.confirm());
    this.manualButton.type = 'button';
    this.manualButton.className = 'assist-btn';
    this.manualButton.dataset.testid = 'doc-manual';
    this.manualButton.addEventListener('click', () => {
      this.draft = emptyDraft(this.draft?.type ?? 'kr-resident-card');
      this.reading = 'read';
      this.buildForm();
      this.render();
      this.inputs.values().next().value?.focus();
    });
    this.retryButton.type = 'button';
    this.retryButton.className = 'assist-btn';
    this.retryButton.dataset.testid = 'doc-retry';
    this.retryButton.addEventListener('click', () => {
      if (this.lastIdImage !== null) void this.read(this.lastIdImage);
    });
    this.confirmState.className = 'assist-status';
    this.confirmState.dataset.testid = 'doc-confirmed';
    this.confirmState.setAttribute('aria-live', 'polite');
    const typeRow = document.createElement('div');
    typeRow.className = 'assist-row';
    typeRow.append(typeLabel, this.typeSelect);
    const actions = document.createElement('div');
    actions.className = 'assist-actions';
    actions.append(this.confirmButton, this.retryButton, this.manualButton);
    const checksHeading = document.createElement('p');
    checksHeading.className = 'assist-subheading';
    checksHeading.id = 'doc-checks-heading';
    this.checks.setAttribute('aria-labelledby', checksHeading.id);
    section.append(heading, this.status, typeRow, this.form, checksHeading, this.checks, actions, this.confirmState);
    return section;
  }

  private faceSection(): HTMLElement {
    const section = document.createElement('section');
    section.className = 'assist-face';
    const heading = this.heading('h4', 'assist-face-heading');
    section.setAttribute('aria-labelledby', heading.id);
    this.faceStatus.className = 'assist-status';
    this.faceStatus.dataset.testid = 'face-match-status';
    this.faceStatus.setAttribute('aria-live', 'polite');
    this.faceList.className = 'assist-face-results';
    section.append(heading, this.faceStatus, this.faceList);
    return section;
  }

  private bankSection(): HTMLElement {
    const section = document.createElement('section');
    section.className = 'assist-bank';
    const heading = this.heading('h4', 'assist-bank-heading');
    section.setAttribute('aria-labelledby', heading.id);
    this.bankList.className = 'assist-bank-checks';
    this.bankList.setAttribute('aria-live', 'polite');
    section.append(heading, this.bankList);
    return section;
  }

  private async read(image: Blob): Promise<void> {
    this.reading = 'reading';
    this.render();
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
    this.render();
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
        this.render();
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
      this.render();
      const first = this.problems[0];
      if (first !== undefined) this.inputs.get(first)?.focus();
      return;
    }
    this.problems = [];
    this.opts.confirm(result.confirmation);
    this.render();
  }

  private plausibility(): PlausibilityResult[] {
    return this.draft === null ? [] : draftPlausibility(this.draft, this.view?.customerName ?? undefined, this.now());
  }

  private render(): void {
    const locale = this.opts.locale();
    const t = (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
    this.root.hidden = this.ended;
    if (this.ended) return;
    for (const el of this.root.querySelectorAll<HTMLElement>('[data-i18n-key]')) el.textContent = t(el.dataset.i18nKey as MessageKey);
    this.root.querySelector('#assist-heading')!.textContent = t('assist.heading');
    this.root.querySelector('#assist-doc-heading')!.textContent = t('assist.doc.heading');
    this.root.querySelector('#assist-face-heading')!.textContent = t('assist.face.heading');
    this.root.querySelector('#assist-bank-heading')!.textContent = t('assist.bank.heading');
    this.root.querySelector('#doc-checks-heading')!.textContent = t('assist.checks.heading');
    this.root.querySelector('label[for="doc-type"]')!.textContent = t('assist.doc.type');
    this.renderDocument(t);
    this.renderFace(t);
    this.renderBank(t);
  }

  private renderDocument(t: (key: MessageKey, params?: Record<string, string>) => string): void {
    const draft = this.draft;
    const statusKey: MessageKey = {
      waiting: 'assist.doc.waiting',
      reading: 'assist.doc.reading',
      read: 'assist.doc.read',
      failed: 'assist.doc.failed',
    }[this.reading] as MessageKey;
    this.status.textContent = t(statusKey);
    this.status.dataset.state = this.reading;
    this.root.setAttribute('aria-busy', String(this.reading === 'reading'));
    for (const option of this.typeSelect.options) option.textContent = t(documentTypeKey(option.value as DocumentType));
    this.typeSelect.disabled = draft === null;
    if (draft !== null && this.typeSelect.value !== draft.type) this.typeSelect.value = draft.type;
    this.typeSelect.parentElement!.hidden = draft === null;
    for (const [name, input] of this.inputs) {
      const label = this.form.querySelector<HTMLLabelElement>(`label[data-field="${name}"]`)!;
      label.textContent = name === 'name' ? `${t('assist.field.name')} (${t('assist.doc.required')})` : t(`assist.field.${name}` as MessageKey);
      const field = draft?.fields[name];
      const confidence = fieldConfidenceText(field);
      const span = this.form.querySelector<HTMLElement>(`#doc-confidence-${name}`)!;
      span.textContent = confidence === null ? '' : t(confidence.key, confidence.params);
      span.dataset.low = String(confidence?.low ?? false);
      input.setAttribute('aria-invalid', String(this.problems.includes(name)));
    }
    const plausibility = this.plausibility();
    this.checks.replaceChildren(
      ...(plausibility.length === 0 ? [this.item(t('assist.checks.none'))] : plausibility.map((p) => this.verdictItem(p, t))),
    );
    this.checks.hidden = draft === null;
    (this.root.querySelector('#doc-checks-heading') as HTMLElement).hidden = draft === null;
    this.confirmButton.textContent = t('assist.doc.confirm');
    this.confirmButton.hidden = draft === null;
    this.confirmButton.disabled = this.view?.decisionPending ?? false;
    this.retryButton.textContent = t('assist.doc.retry');
    this.retryButton.hidden = this.lastIdImage === null || this.reading === 'reading';
    this.manualButton.textContent = t('assist.doc.manual');
    this.manualButton.hidden = draft !== null || this.reading === 'reading';
    const review = this.view?.review;
    let confirmed = '';
    if (this.problems.length > 0) {
      confirmed = t('assist.doc.invalid', { fields: this.problems.map((name) => t(`assist.field.${name}` as MessageKey)).join(', ') });
    } else if (review?.documentConfirmedAt) {
      confirmed = t('assist.doc.confirmed', { time: new Date(review.documentConfirmedAt).toLocaleTimeString(this.opts.locale()) });
    } else if (review?.documentConfirmed) confirmed = t('assist.doc.confirmedEarlier');
    this.confirmState.textContent = confirmed;
    this.confirmState.dataset.state = this.problems.length > 0 ? 'invalid' : review?.documentConfirmed ? 'confirmed' : 'open';
    this.confirmState.hidden = confirmed === '';
  }

  private verdictItem(p: PlausibilityResult, t: (key: MessageKey, params?: Record<string, string>) => string): HTMLLIElement {
    const params = { ...(p.params ?? {}) };
    // An MRZ verdict names its check digit in the agent's language.
    if (params.field !== undefined) params.field = t(mrzFieldKey(params.field) ?? ('assist.field.mrz' as MessageKey));
    const li = this.item(`${t(`assist.verdict.${p.result}`)}: ${t(plausibilityReasonKey(p.reason), params)}`);
    li.dataset.rule = p.rule;
    li.dataset.result = p.result;
    return li;
  }

  private item(text: string): HTMLLIElement {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }

  private renderFace(t: (key: MessageKey, params?: Record<string, string>) => string): void {
    const statusKey: Record<FaceStatus, MessageKey | null> = {
      waiting: 'assist.face.waiting',
      loading: 'assist.face.loading',
      no_id_face: 'assist.face.noIdFace',
      no_live_face: 'assist.face.noLiveFace',
      failed: 'assist.face.failed',
      ready: null,
    };
    const key = statusKey[this.faceState];
    this.faceStatus.textContent = key === null ? '' : t(key);
    this.faceStatus.dataset.state = this.faceState;
    this.faceStatus.hidden = key === null;
    const rows: HTMLElement[] = [];
    // What the session recorded (also after a reload), not what this page computed.
    const matches = this.view?.review.faceMatches ?? { capture: null, call: null };
    for (const result of [matches.capture, matches.call]) {
      if (result === null) continue;
      const suffix = result.kind === 'capture' ? '' : '-call';
      const dt = document.createElement('dt');
      dt.textContent =
        result.kind === 'capture'
          ? t('assist.face.capture')
          : t('assist.face.call', { samples: String(result.samples), lowest: formatScore(result.lowest ?? result.score) });
      const dd = document.createElement('dd');
      const score = document.createElement('span');
      score.dataset.testid = `face-match-score${suffix}`;
      score.dataset.score = String(result.score);
      score.textContent = formatScore(result.score);
      const band = document.createElement('span');
      band.dataset.testid = `face-match-band${suffix}`;
      band.dataset.band = result.band;
      band.className = `assist-band ${result.band}`;
      band.textContent = t(`assist.face.band.${result.band}`);
      dd.append(score, ' ', band);
      rows.push(dt, dd);
    }
    const thresholds = matches.capture?.thresholds ?? matches.call?.thresholds ?? this.view?.review.faceThresholds;
    if (thresholds !== undefined && rows.length > 0) {
      const note = document.createElement('dd');
      note.className = 'assist-note';
      note.textContent = t('assist.face.thresholds', { match: formatScore(thresholds.match), noMatch: formatScore(thresholds.noMatch) });
      rows.push(note);
    }
    this.faceList.replaceChildren(...rows);
    this.faceList.hidden = rows.length === 0;
  }

  private renderBank(t: (key: MessageKey, params?: Record<string, string>) => string): void {
    const checks: BankCheck[] = latestBankChecks(this.view?.review.bankChecks ?? []);
    if (checks.length === 0) {
      this.bankList.replaceChildren(this.item(t('assist.bank.none')));
      return;
    }
    this.bankList.replaceChildren(
      ...checks.map((check) => {
        const li = this.item(t('assist.bank.item', { kind: check.kind, result: t(`assist.bank.result.${check.result}`), reference: check.reference }));
        li.dataset.testid = `bank-check-${check.kind}`;
        li.dataset.result = check.result;
        return li;
      }),
    );
  }
}

import type { DocumentConfirmation, Locale } from '@vident/protocol';
import type { CallView } from '../call-view.ts';
import { translate, type MessageKey } from '../i18n.ts';
import { BankChecksSection } from './bank-checks-section.ts';
import { DocumentAssist } from './document-assist.ts';
import { FaceMatchSection, type FaceStatus } from './face-match-section.ts';
import { setText } from './dom.ts';

export type { FaceStatus } from './face-match-section.ts';

export interface AssistPanelOptions {
  /** The panel is inserted before this element. */
  before: HTMLElement;
  locale(): Locale;
  /** Sends `document-confirm`; false when it could not be sent (the banner says why). */
  confirm(document: DocumentConfirmation): boolean;
  now?(): Date;
}

/**
 * The agent's assistance panel (issue 14): the document read from the ID front capture, checked and
 * confirmed (document-assist.ts), the face comparison's scores and bands (face-match-section.ts) and
 * the bank's checks as they arrive (bank-checks-section.ts). Built by script on the agent's page
 * only. Every result is a signal next to the video; the agent decides.
 */
export class AssistPanel {
  private readonly root = document.createElement('section');
  private readonly heading = document.createElement('h3');
  private readonly hint = document.createElement('p');
  private readonly documentPart: DocumentAssist;
  private readonly facePart = new FaceMatchSection();
  private readonly bankPart = new BankChecksSection();
  private view: CallView | null = null;
  private faceState: FaceStatus = 'waiting';
  private ended = false;

  constructor(private readonly opts: AssistPanelOptions) {
    this.documentPart = new DocumentAssist({ locale: opts.locale, confirm: opts.confirm, now: opts.now, changed: () => this.render() });
    this.root.className = 'assist';
    this.root.dataset.testid = 'assist-panel';
    this.heading.id = 'assist-heading';
    this.root.setAttribute('aria-labelledby', this.heading.id);
    this.hint.className = 'assist-hint';
    this.root.append(this.heading, this.hint, this.documentPart.element, this.facePart.element, this.bankPart.element);
    opts.before.before(this.root);
    this.render();
  }

  /** The panel's element (the captures go above it). */
  get element(): HTMLElement {
    return this.root;
  }

  /** The ID front was captured (its plaintext JPEG, never uploaded as such): read it. */
  idFrontCaptured(image: Blob): void {
    this.documentPart.idFrontCaptured(image);
  }

  /** The face comparison's state changed (ui/face-assist.ts); its results come back through the session. */
  faceChanged(status: FaceStatus): void {
    this.faceState = status;
    this.render();
  }

  update(view: CallView): void {
    this.view = view;
    if (view.ended) this.ended = true;
    this.documentPart.update(view);
    this.render();
  }

  private render(): void {
    const locale = this.opts.locale();
    const t = (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
    this.root.hidden = this.ended;
    if (this.ended) return;
    setText(this.heading, t('assist.heading'));
    setText(this.hint, t('assist.hint'));
    this.root.setAttribute('aria-busy', String(this.documentPart.busy));
    this.documentPart.render(t);
    this.facePart.render(t, this.faceState, this.view);
    this.bankPart.render(t, this.view);
  }
}

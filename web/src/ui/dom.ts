import type { Locale } from '@vident/protocol';
import { translate, type MessageKey } from '../i18n.ts';
import { htmlLang } from '../locale-choice.ts';

/** The element with this data-testid; the page's markup is static, so absence is a build bug. */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(`[data-testid="${id}"]`);
  if (el === null) throw new Error(`missing element data-testid=${id}`);
  return el;
}

/**
 * Sets an element's text only when it differs. The call's screens render on every change of the
 * call, mostly with the same words: writing the same text (or an input's same placeholder) still
 * makes the browser lay out and paint the page again, while the same attribute, dataset, hidden or
 * disabled value costs nothing.
 */
export function setText(el: Node, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * Makes `nodes` the element's children unless it holds the same ones already (the very nodes, or
 * equal ones: same tags, attributes and text), for lists rebuilt on every render (see setText).
 * Only for nodes without listeners of their own: equal old ones stay in place of the new ones.
 */
export function replaceChildrenIfChanged(parent: Element, nodes: readonly (Node | string)[]): void {
  const next = nodes.map((n) => (typeof n === 'string' ? document.createTextNode(n) : n));
  const current = parent.childNodes;
  if (current.length === next.length && next.every((n, i) => current[i] === n || current[i]!.isEqualNode(n))) return;
  parent.replaceChildren(...next);
}

/** Fills `data-i18n` text and `data-i18n-label` aria-labels for the locale. */
export function applyStaticText(locale: Locale): void {
  document.documentElement.lang = htmlLang(locale);
  document.title = translate(locale, 'app.title');
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = translate(locale, el.dataset.i18n as MessageKey);
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-label]')) {
    el.setAttribute('aria-label', translate(locale, el.dataset.i18nLabel as MessageKey));
  }
}

/** Shows exactly one `.screen` section. */
export function showScreen(id: 'screen-demo' | 'screen-landing' | 'screen-precheck' | 'screen-join' | 'screen-consent' | 'screen-invalid' | 'screen-call' | 'screen-end'): void {
  for (const el of document.querySelectorAll<HTMLElement>('.screen')) el.hidden = el.id !== id;
}

/** The non-blocking error banner. */
export class ErrorBanner {
  private readonly root = byTestId('error-banner');
  private readonly text = this.root.querySelector<HTMLElement>('.banner-text')!;

  constructor() {
    this.root.querySelector('button')?.addEventListener('click', () => this.hide());
  }

  show(message: string): void {
    this.text.textContent = message;
    this.root.hidden = false;
  }

  hide(): void {
    this.root.hidden = true;
  }
}

import type { MessageKey } from '../i18n.ts';

/** The panel's texts in the agent's language (translate bound to its locale). */
export type Translate = (key: MessageKey, params?: Record<string, string>) => string;

/** One part of the agent's assistance panel: a section labelled by its h4 (the text comes at render). */
export function assistSection(className: string, headingId: string): { section: HTMLElement; heading: HTMLElement } {
  const section = document.createElement('section');
  section.className = className;
  const heading = document.createElement('h4');
  heading.id = headingId;
  section.setAttribute('aria-labelledby', heading.id);
  return { section, heading };
}

export function listItem(text: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = text;
  return li;
}

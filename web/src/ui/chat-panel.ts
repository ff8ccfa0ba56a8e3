import type { Locale } from '@vident/protocol';
import type { CallView } from '../call-view.ts';
import { chatDraft, isOwnMessage, type ChatEntry } from '../in-call-tools.ts';
import { translate } from '../i18n.ts';
import { intlLocale } from '../locale-choice.ts';
import { byTestId } from './dom.ts';

/**
 * The in-call chat on both pages. Lines appear only as the server relays them (own ones too), so
 * what is shown is what the audit trail holds. Text goes in via textContent, never as markup.
 */
export class ChatPanel {
  private readonly log = byTestId<HTMLOListElement>('chat-log');
  private readonly empty = byTestId('chat-empty');
  private readonly form = byTestId<HTMLFormElement>('chat-form');
  private readonly input = byTestId<HTMLInputElement>('chat-input');
  private readonly send = byTestId<HTMLButtonElement>('chat-send');
  private shown: { chat: readonly ChatEntry[]; locale: Locale } | null = null;

  constructor(
    private readonly locale: () => Locale,
    submit: (text: string) => boolean,
  ) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (submit(this.input.value)) this.input.value = '';
      this.refreshButton();
      this.input.focus();
    });
    this.input.addEventListener('input', () => this.refreshButton());
    this.refreshButton();
  }

  render(view: CallView): void {
    const locale = this.locale();
    const placeholder = translate(locale, 'chat.placeholder');
    // The same placeholder written again still restyles and lays out the page (see setText).
    if (this.input.placeholder !== placeholder) this.input.placeholder = placeholder;
    this.form.querySelectorAll('input, button').forEach((el) => ((el as HTMLInputElement).disabled = view.ended !== null));
    this.refreshButton();
    if (this.shown?.chat === view.chat && this.shown.locale === locale) return;
    this.shown = { chat: view.chat, locale };
    const atBottom = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 8;
    this.log.replaceChildren(...view.chat.map((entry) => line(entry, view.role === entry.from ? 'you' : entry.from, locale, isOwnMessage(entry, view.role))));
    this.empty.hidden = view.chat.length > 0;
    // Follow new lines unless the reader scrolled up to read older ones.
    if (atBottom) this.log.scrollTop = this.log.scrollHeight;
  }

  private refreshButton(): void {
    this.send.disabled = this.input.disabled || chatDraft(this.input.value) === null;
  }
}

function line(entry: ChatEntry, author: 'you' | 'agent' | 'customer', locale: Locale, own: boolean): HTMLLIElement {
  const li = document.createElement('li');
  li.className = 'chat-message';
  li.dataset.testid = 'chat-message';
  li.dataset.from = entry.from;
  li.dataset.own = String(own);
  const who = document.createElement('span');
  who.className = 'chat-author';
  who.textContent = translate(locale, `chat.from.${author}`);
  const text = document.createElement('span');
  text.className = 'chat-text';
  text.textContent = entry.text;
  const time = document.createElement('time');
  time.className = 'chat-time';
  time.dateTime = entry.at;
  time.textContent = new Date(entry.at).toLocaleTimeString(intlLocale(locale), { hour: '2-digit', minute: '2-digit' });
  li.append(who, text, time);
  return li;
}

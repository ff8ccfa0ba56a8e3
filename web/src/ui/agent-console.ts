import { deskSocketProtocols, DeskServerMessage, type AgentStatus, type AssignmentMode, type DeskClientMessage, type Locale, type QueueEntry } from '@vident/protocol';
import { formatSeconds } from '../desk-session.ts';
import { translate, type MessageKey } from '../i18n.ts';
import { byTestId } from './dom.ts';

const RECONNECT_MS = 2000;

/**
 * The agent's console: the desk socket (reconnecting), the live queue with accept buttons (pick
 * mode), the availability switch, and the hand-over to the call page when a customer is assigned.
 */
export class AgentConsole {
  private socket: WebSocket | null = null;
  private mode: AssignmentMode | null = null;
  private status: AgentStatus | null = null;
  private entries: QueueEntry[] = [];
  private stopped = false;
  private readonly body = byTestId('desk-queue').querySelector('tbody')!;
  private readonly availability = byTestId<HTMLInputElement>('desk-availability');
  private readonly note = byTestId('desk-note');

  constructor(
    /** The freshest desk token (DeskTokenKeeper): reconnects present it. */
    private readonly token: () => string,
    private readonly locale: Locale,
    private readonly openCall: (callUrl: string) => void,
  ) {
    this.availability.addEventListener('change', () => this.send({ type: 'availability', available: this.availability.checked }));
    // Waiting times tick without a server message; only their cells change, so a click is never lost to a re-render.
    setInterval(() => this.tickWaiting(), 1000);
  }

  start(): void {
    this.setConnection('connecting');
    const url = new URL('/v1/desk/socket', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, deskSocketProtocols(this.token()));
    this.socket = ws;
    ws.addEventListener('open', () => this.setConnection('connected'));
    ws.addEventListener('message', (e) => this.handle(e.data));
    ws.addEventListener('close', (e) => {
      if (this.socket !== ws || this.stopped) return;
      this.socket = null;
      if (e.code === 4001) {
        this.stop('desk.replaced');
        return;
      }
      // 4003: the bank revoked the agent (the desk said so in an error frame first).
      if (e.code === 4003) {
        this.stop('desk.signedOut');
        return;
      }
      this.setConnection('closed');
      setTimeout(() => this.start(), RECONNECT_MS);
    });
  }

  /** The desk token could not be kept fresh (sign-in over, revoked): the console stops. */
  signedOut(): void {
    if (this.stopped) return;
    this.socket?.close(1000, 'signed out');
    this.stop('desk.signedOut');
  }

  private stop(key: MessageKey): void {
    this.stopped = true;
    const out = byTestId('desk-signed-out');
    out.textContent = this.t(key);
    out.hidden = false;
    byTestId('desk-main').hidden = true;
  }

  private handle(data: unknown): void {
    let parsed;
    try {
      parsed = DeskServerMessage.safeParse(JSON.parse(String(data)));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const msg = parsed.data;
    switch (msg.type) {
      case 'desk-welcome':
        this.mode = msg.mode;
        this.setStatus(msg.status);
        break;
      case 'desk-queue':
        this.entries = msg.entries;
        byTestId('desk-agents-online').textContent = this.t('desk.agentsOnline', { count: String(msg.agentsOnline) });
        break;
      case 'desk-status':
        this.setStatus(msg.status);
        break;
      case 'assigned':
        this.note.textContent = this.t('desk.assigned');
        this.stopped = true;
        this.socket?.close(1000, 'to the call');
        this.openCall(msg.callUrl);
        return;
      case 'error':
        this.note.textContent = msg.message;
        // A token the desk refuses after all (expired meanwhile, revoked): back to the bank's sign-in.
        if (msg.code === 'token_expired' || msg.code === 'token_invalid' || msg.code === 'token_revoked') this.stop('desk.signedOut');
        break;
    }
    this.renderQueue();
  }

  private send(message: DeskClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private setStatus(status: AgentStatus): void {
    this.status = status;
    const el = byTestId('desk-status');
    el.dataset.status = status;
    el.textContent = this.t(`desk.status.${status}`);
    this.availability.checked = status !== 'away';
    this.availability.disabled = status === 'busy';
    const mode = byTestId('desk-mode');
    mode.dataset.mode = this.mode ?? '';
    if (this.mode) mode.textContent = this.t(this.mode === 'pick' ? 'desk.mode.pick' : 'desk.mode.random');
  }

  private setConnection(state: 'connecting' | 'connected' | 'closed'): void {
    const el = byTestId('desk-connection');
    el.dataset.state = state;
    el.querySelector('.status-text')!.textContent = this.t(`desk.connection.${state}`);
  }

  private renderQueue(): void {
    const pick = this.mode === 'pick' && this.status === 'available';
    // A queue update must not steal the keyboard user's place.
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.testid : undefined;
    this.body.replaceChildren(
      ...this.entries.map((entry) => {
        const tr = document.createElement('tr');
        tr.dataset.testid = `queue-row-${entry.sessionId}`;
        const waited = (Date.now() - Date.parse(entry.waitingSince)) / 1000;
        const cells = [String(entry.position), entry.externalRef, this.t(`desk.locale.${entry.locale}`), formatSeconds(waited)];
        cells.forEach((text, i) => {
          const td = document.createElement('td');
          td.textContent = text;
          if (i === 1) td.className = 'ref';
          if (i === 3) td.dataset.since = entry.waitingSince;
          tr.append(td);
        });
        const action = document.createElement('td');
        if (entry.assigned) action.textContent = this.t('desk.queue.taken');
        else if (this.mode === 'pick') {
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'btn btn-primary';
          button.dataset.testid = `queue-accept-${entry.sessionId}`;
          button.textContent = this.t('desk.queue.accept');
          button.setAttribute('aria-label', this.t('desk.queue.acceptLabel', { reference: entry.externalRef }));
          button.disabled = !pick;
          button.addEventListener('click', () => {
            button.disabled = true;
            this.send({ type: 'accept', sessionId: entry.sessionId });
          });
          action.append(button);
        }
        tr.append(action);
        return tr;
      }),
    );
    byTestId('desk-queue-empty').hidden = this.entries.length > 0;
    if (focused) this.body.querySelector<HTMLElement>(`[data-testid="${focused}"]`)?.focus();
  }

  private tickWaiting(): void {
    for (const td of this.body.querySelectorAll<HTMLElement>('td[data-since]')) {
      td.textContent = formatSeconds((Date.now() - Date.parse(td.dataset.since!)) / 1000);
    }
  }

  private t(key: MessageKey, params: Record<string, string> = {}): string {
    return translate(this.locale, key, params);
  }
}

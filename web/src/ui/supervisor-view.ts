import { DeskOverview, ErrorBody, type Locale } from '@vident/protocol';
import { formatSeconds } from '../desk-session.ts';
import { translate, type MessageKey } from '../i18n.ts';
import { fillTable, type DataRow } from './data-table.ts';
import { byTestId } from './dom.ts';

const POLL_MS = 5000;
const OUTCOMES = ['approved', 'rejected', 'cancelled', 'expired', 'abandoned', 'failed'] as const;

/** The supervisor's view: GET /v1/desk/overview every 5 s, rendered into tables. */
export class SupervisorView {
  private stopped = false;

  constructor(
    /** The freshest desk token (DeskTokenKeeper). */
    private readonly token: () => string,
    private readonly locale: Locale,
    private readonly onProblem: (text: string, fatal: boolean) => void,
  ) {}

  start(): void {
    void this.poll();
  }

  /** The desk token could not be kept fresh (sign-in over, revoked): no more polls. */
  signedOut(): void {
    this.stopped = true;
    this.onProblem(this.t('desk.signedOut'), true);
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    let again = true;
    try {
      const res = await fetch('/v1/desk/overview', { headers: { authorization: `Bearer ${this.token()}` }, cache: 'no-store' });
      const body: unknown = await res.json().catch(() => null);
      if (res.ok) {
        const overview = DeskOverview.safeParse(body);
        if (overview.success) this.render(overview.data);
      } else {
        const code = ErrorBody.safeParse(body).data?.error.code;
        again = !(code === 'forbidden' || code === 'token_invalid' || code === 'token_expired' || code === 'token_revoked');
        this.onProblem(code === 'forbidden' ? this.t('sup.forbidden') : again ? this.t('sup.error', { message: String(res.status) }) : this.t('desk.signedOut'), !again);
      }
    } catch (err) {
      this.onProblem(this.t('sup.error', { message: err instanceof Error ? err.message : String(err) }), false);
    }
    if (again && !this.stopped) setTimeout(() => void this.poll(), POLL_MS);
  }

  private render(o: DeskOverview): void {
    byTestId('sup-main').hidden = false;
    byTestId('desk-signed-out').hidden = true;
    byTestId('sup-updated').textContent = this.t('sup.updated', { time: new Date(o.generatedAt).toLocaleTimeString(this.locale) });
    const stats: Array<[string, string, string]> = OUTCOMES.map((k) => [`sup-outcome-${k}`, this.t(`sup.outcome.${k}`), String(o.today.outcomes[k])]);
    stats.push(['sup-avg-wait', this.t('sup.avgWait'), o.today.averageWaitSeconds === null ? this.t('sup.noData') : formatSeconds(o.today.averageWaitSeconds)]);
    stats.push(['sup-avg-call', this.t('sup.avgCall'), o.today.averageCallSeconds === null ? this.t('sup.noData') : formatSeconds(o.today.averageCallSeconds)]);
    byTestId('sup-today').replaceChildren(
      ...stats.map(([id, label, value]) => {
        const div = document.createElement('div');
        const dt = document.createElement('dt');
        dt.textContent = label;
        const dd = document.createElement('dd');
        dd.dataset.testid = id;
        dd.textContent = value;
        div.append(dt, dd);
        return div;
      }),
    );
    const now = Date.parse(o.generatedAt);
    this.table(
      'sup-live',
      ['desk.queue.reference', 'sup.live.state', 'sup.live.agent', 'sup.live.node', 'sup.live.started'],
      o.liveSessions.map((s) => ({
        id: `sup-live-${s.sessionId}`,
        cells: [s.externalRef, this.t(`sup.state.${s.state as 'created' | 'waiting' | 'in_call'}`), s.agent?.name ?? '—', s.nodeId ?? '—', s.startedAt ? formatSeconds((now - Date.parse(s.startedAt)) / 1000) : '—'],
      })),
      'sup.live.empty',
    );
    this.table(
      'sup-waiting',
      ['desk.queue.position', 'desk.queue.reference', 'desk.queue.locale', 'desk.queue.waiting'],
      o.waiting.map((w) => ({ id: `sup-waiting-${w.sessionId}`, cells: [String(w.position), w.externalRef, this.t(`desk.locale.${w.locale}`), formatSeconds(w.waitingSeconds)] })),
      'desk.queue.empty',
    );
    this.table(
      'sup-agents',
      ['sup.agents.name', 'sup.agents.status', 'sup.agents.locales'],
      o.agents
        .filter((a) => a.role === 'agent')
        .map((a) => ({ id: `sup-agent-${a.agentId}`, status: a.status, cells: [a.name, this.t(`desk.status.${a.status}`), a.locales.map((l) => this.t(`desk.locale.${l}`)).join(', ')] })),
      'sup.agents.empty',
    );
    this.table(
      'sup-nodes',
      ['sup.nodes.node', 'sup.nodes.status', 'sup.nodes.load', 'sup.nodes.cpu'],
      o.nodes.map((n) => ({ id: `sup-node-${n.nodeId}`, status: n.status, cells: [n.nodeId, this.t(`sup.node.${n.status}`), `${n.assignedSessions} / ${n.capacity}`, `${n.load.cpuPercent.toFixed(1)}%`] })),
      'sup.nodes.empty',
    );
  }

  private table(testId: string, headers: MessageKey[], rows: DataRow[], empty: MessageKey): void {
    fillTable(byTestId<HTMLTableElement>(testId), headers.map((key) => this.t(key)), rows, this.t(empty));
  }

  private t(key: MessageKey, params: Record<string, string> = {}): string {
    return translate(this.locale, key, params);
  }
}

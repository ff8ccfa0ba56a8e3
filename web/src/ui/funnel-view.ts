import { BarController, BarElement, CategoryScale, Chart, LinearScale } from 'chart.js';
import { ErrorBody, FUNNEL_MAX_DAYS, FUNNEL_STEPS, FUNNEL_STOP_REASONS, FunnelReport, type Locale } from '@vident/protocol';
import { chartLabel, dayRows, decisionRows, defaultFunnelRange, stepRows, stopRows, timeRows, type FunnelRow } from '../funnel-table.ts';
import { translate, type MessageKey } from '../i18n.ts';
import { fillTable } from './data-table.ts';
import { byTestId } from './dom.ts';

// Only what the two bar charts use: chart.js leaves every other controller, element and plugin out.
Chart.register(BarController, BarElement, CategoryScale, LinearScale);

const STEP_COLOR = '#1f5fbf';
const STOP_COLOR = '#b5475b';

/**
 * The supervisor's verification funnel (GET /v1/desk/funnel): a date range and agent filter, two
 * bar charts (chart.js) and the same figures as tables, which are what screen readers and the
 * keyboard get (the charts are images with a label pointing at them).
 */
export class FunnelView {
  private readonly form = byTestId<HTMLFormElement>('funnel-filter');
  private readonly from = byTestId<HTMLInputElement>('funnel-from');
  private readonly to = byTestId<HTMLInputElement>('funnel-to');
  private readonly agent = byTestId<HTMLSelectElement>('funnel-agent');
  private readonly status = byTestId('funnel-status');
  private readonly agents = new Set<string>();
  private charts: Chart[] = [];
  private request = 0;

  constructor(
    private readonly token: () => string,
    private readonly locale: Locale,
    now = Date.now(),
  ) {
    const range = defaultFunnelRange(now);
    this.from.value = range.from;
    this.to.value = range.to;
    this.from.max = this.to.max = range.to;
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.load();
    });
  }

  start(): void {
    void this.load();
  }

  private async load(): Promise<void> {
    const from = this.from.value;
    const to = this.to.value;
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (!from || !to || !(days >= 0 && days < FUNNEL_MAX_DAYS)) {
      this.say('funnel.invalidRange');
      return;
    }
    const request = ++this.request;
    this.say('funnel.loading');
    const query = new URLSearchParams({ from, to, ...(this.agent.value ? { agent: this.agent.value } : {}) });
    try {
      const res = await fetch(`/v1/desk/funnel?${query}`, { headers: { authorization: `Bearer ${this.token()}` }, cache: 'no-store' });
      const body: unknown = await res.json().catch(() => null);
      if (request !== this.request) return;
      const report = FunnelReport.safeParse(body);
      if (!res.ok || !report.success) {
        const message = ErrorBody.safeParse(body).data?.error.message ?? String(res.status);
        this.say('funnel.error', { message });
        return;
      }
      this.render(report.data);
    } catch (err) {
      if (request === this.request) this.say('funnel.error', { message: err instanceof Error ? err.message : String(err) });
    }
  }

  private render(report: FunnelReport): void {
    const f = report.total;
    this.say('funnel.loaded', { from: report.from, to: report.to, count: String(f.sessions) });
    this.fillAgents(report);
    this.table('funnel-steps', ['funnel.steps.step', 'funnel.steps.sessions', 'funnel.steps.share'], stepRows(f, this.locale));
    this.table('funnel-stops', ['funnel.stops.reason', 'funnel.stops.sessions'], stopRows(f, this.locale));
    this.table('funnel-times', ['funnel.times.measure', 'funnel.times.count', 'funnel.times.p50', 'funnel.times.p90'], timeRows(f, this.locale));
    this.table('funnel-decisions', ['funnel.decisions.measure', 'funnel.decisions.value'], decisionRows(f, this.locale));
    this.table(
      'funnel-days',
      ['funnel.days.day', 'funnel.days.agent', 'funnel.days.sessions', 'funnel.days.inCall', 'funnel.days.approved', 'funnel.days.rejected', 'funnel.days.waitP50', 'funnel.days.callP50'],
      dayRows(report, this.locale),
      'funnel.days.empty',
    );
    for (const chart of this.charts) chart.destroy();
    this.charts = [
      this.bar('funnel-steps-chart', FUNNEL_STEPS.map((s) => this.t(`funnel.step.${s}`)), FUNNEL_STEPS.map((s) => f.reached[s]), STEP_COLOR),
      this.bar('funnel-stops-chart', FUNNEL_STOP_REASONS.map((r) => this.t(`funnel.stop.${r}`)), FUNNEL_STOP_REASONS.map((r) => f.stopped[r]), STOP_COLOR),
    ];
  }

  /** Agents seen in any report so far stay selectable (a filtered report names only its own). */
  private fillAgents(report: FunnelReport): void {
    for (const a of report.agents) if (a.agentId !== null) this.agents.add(a.agentId);
    const chosen = this.agent.value;
    const options = [new Option(this.t('funnel.agent.all'), '', false, chosen === '')];
    for (const id of [...this.agents].sort()) options.push(new Option(id, id, false, id === chosen));
    this.agent.replaceChildren(...options);
  }

  /** A horizontal bar chart; no animation (reduced motion, stable screenshots), no hover-only content. */
  private bar(testId: string, labels: string[], data: number[], color: string): Chart {
    const canvas = byTestId<HTMLCanvasElement>(testId);
    return new Chart(canvas, {
      type: 'bar',
      data: { labels: labels.map((l) => chartLabel(l)), datasets: [{ data, backgroundColor: color, borderRadius: 4 }] },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        events: [],
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  /** The rows' first cells name them: row headers, announced with each figure. */
  private table(testId: string, headers: MessageKey[], rows: FunnelRow[], empty: MessageKey = 'funnel.days.empty'): void {
    fillTable(byTestId<HTMLTableElement>(testId), headers.map((key) => this.t(key)), rows, this.t(empty), true);
  }

  private say(key: MessageKey, params: Record<string, string> = {}): void {
    this.status.textContent = this.t(key, params);
  }

  private t(key: MessageKey, params: Record<string, string> = {}): string {
    return translate(this.locale, key, params);
  }
}

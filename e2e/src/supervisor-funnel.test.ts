/*
 * The supervisor's verification funnel on the real stack: a scripted set of sessions each stopping at
 * another step before the call (never opened, opened in Chromium, camera refused, consent declined,
 * left the queue), then the supervisor page in Chromium shows the funnel table with the expected
 * counts, the same as the signed bank API's JSON, axe-clean, its filter operable from the keyboard.
 * The call's own steps (in call, decided, wait and call times) are counted in workerd
 * (control-plane/test/funnel-report.test.ts). The stack is shared with the other e2e files, which
 * run one at a time: the counts are checked as this file's additions to the figures before it.
 */
import { createBankClient, FUNNEL_STEPS, FUNNEL_STOP_REASONS, RECORDING_CONSENT_VERSION, type FunnelFigures, type ServerMessage } from '@vident/protocol';
import { describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { chromiumPerSuite } from './browser.ts';
import { waitUntil } from './call-page.ts';
import { auditScreen } from './page-audit.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
// The page's default range: the last seven UTC days.
const range = { from: day(Date.now() - 6 * DAY), to: day(Date.now()) };

const tokenOf = (url: string) => new URL(url).hash.replace(/^#token=/, '');

/** The customer's signaling socket from Node, as the page opens it (subprotocol and token). */
async function customerSocket(sessionId: string, customerUrl: string): Promise<{ send: (m: unknown) => void; next: (type: ServerMessage['type']) => Promise<ServerMessage>; close: () => void }> {
  const url = `${stack.baseUrl.replace(/^http/, 'ws')}/v1/sessions/${sessionId}/ws`;
  const ws = new WebSocket(url, ['vident.v1', `vident-token.${tokenOf(customerUrl)}`]);
  const received: ServerMessage[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data)) as ServerMessage));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    send: (m) => ws.send(JSON.stringify(m)),
    next: async (type) => {
      let found: ServerMessage | undefined;
      await waitUntil(`customer gets ${type}`, async () => (found = received.find((m) => m.type === type)) !== undefined, 15_000);
      return found!;
    },
    close: () => ws.close(),
  };
}

async function precheck(sessionId: string, customerUrl: string, event: 'link_opened' | 'permission_refused'): Promise<void> {
  const res = await fetch(`${stack.baseUrl}/v1/sessions/${sessionId}/precheck`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenOf(customerUrl)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event }),
  });
  expect(res.status).toBe(204);
}

async function auditActions(sessionId: string): Promise<string[]> {
  return (await bank.sessionAudit(sessionId)).entries.map((e) => e.action);
}

/** `before` plus what this file's sessions add. */
function plus(before: FunnelFigures, reached: Partial<Record<(typeof FUNNEL_STEPS)[number], number>>, stopped: Partial<Record<(typeof FUNNEL_STOP_REASONS)[number], number>>) {
  return {
    reached: Object.fromEntries(FUNNEL_STEPS.map((s) => [s, before.reached[s] + (reached[s] ?? 0)])),
    stopped: Object.fromEntries(FUNNEL_STOP_REASONS.map((r) => [r, before.stopped[r] + (stopped[r] ?? 0)])),
  };
}

describe('supervisor funnel', () => {
  const chromium = chromiumPerSuite();

  it('shows where the scripted sessions stopped, as the bank API counts them, axe-clean', async () => {
    const run = Date.now();
    const before = (await bank.funnelReport(range)).total;
    const session = () => bank.createSession({ externalRef: `e2e-funnel-${run}`, customerName: 'Funnel Customer', locale: 'en' });

    // 1. Nobody opened the link; the bank cancels it.
    const unopened = await session();
    await bank.deleteSession(unopened.sessionId);

    // 2. Opened in Chromium: the landing page tells the session; the bank cancels it.
    const opened = await session();
    const { page: landing } = await chromium.newParticipant();
    await landing.goto(opened.customerUrl);
    await landing.getByTestId('landing-start').waitFor({ timeout: 15_000 });
    await waitUntil('the landing page noted', async () => (await auditActions(opened.sessionId)).includes('precheck.link_opened'), 15_000);
    await landing.close();
    await bank.deleteSession(opened.sessionId);

    // 3. Camera refused in the pre-call check (as the page reports it; the test browser always grants).
    const refused = await session();
    await precheck(refused.sessionId, refused.customerUrl, 'link_opened');
    await precheck(refused.sessionId, refused.customerUrl, 'permission_refused');
    await bank.deleteSession(refused.sessionId);

    // 4. Joined, declined the recording consent.
    const declined = await session();
    const decliner = await customerSocket(declined.sessionId, declined.customerUrl);
    await decliner.next('welcome');
    decliner.send({ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: false });
    await decliner.next('session-ended');
    decliner.close();

    // 5. Consented, waited in the queue, left it.
    const left = await session();
    const leaver = await customerSocket(left.sessionId, left.customerUrl);
    await leaver.next('welcome');
    leaver.send({ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: true });
    await waitUntil('consent stored', async () => (await bank.getSession(left.sessionId)).consent !== null, 15_000);
    leaver.send({ type: 'hang-up' });
    await leaver.next('session-ended');
    leaver.close();

    const expected = plus(
      before,
      { created: 5, link_opened: 4, precheck_passed: 2, consent_given: 1, queued: 1 },
      { cancelled_by_bank: 2, permission_refused: 1, consent_declined: 1, left_queue: 1 },
    );
    const api = (await bank.funnelReport(range)).total;
    expect({ reached: api.reached, stopped: api.stopped }).toEqual(expected);

    const boss = await bank.signInAgent({ agentId: `e2e.funnel.${run}`, name: 'Funnel Supervisor', role: 'supervisor', locales: ['en'] });
    const { page, consoleErrors } = await chromium.newParticipant();
    await page.goto(boss.consoleUrl);
    await page.getByTestId('funnel-step-created').waitFor({ timeout: 15_000 });
    const cell = async (rowId: string, column: number) => (await page.getByTestId(rowId).locator('th, td').nth(column).textContent())?.trim();
    for (const step of FUNNEL_STEPS) expect(await cell(`funnel-step-${step}`, 1), step).toBe(String(expected.reached[step]));
    for (const reason of FUNNEL_STOP_REASONS) expect(await cell(`funnel-stop-${reason}`, 1), reason).toBe(String(expected.stopped[reason]));
    expect(await cell('funnel-step-link_opened', 0)).toBe('Link opened');
    expect(await cell('funnel-stop-consent_declined', 0)).toBe('Consent declined');
    expect(await page.getByTestId('funnel-status').textContent()).toBe(`${range.from} to ${range.to}: ${expected.reached.created} sessions`);
    // The charts are drawn (chart.js sized each canvas to its box) and labelled for screen readers.
    for (const id of ['funnel-steps-chart', 'funnel-stops-chart']) {
      const canvas = page.getByTestId(id);
      expect(await canvas.getAttribute('role')).toBe('img');
      expect(await canvas.getAttribute('aria-label')).toMatch(/table below/);
      expect(await canvas.evaluate((c: HTMLCanvasElement) => c.width > 0 && c.height > 0)).toBe(true);
    }

    // A one-day range, submitted from the keyboard: Tab from the agent filter to the button, Enter.
    await page.getByTestId('funnel-from').fill(range.to);
    await page.getByTestId('funnel-agent').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('funnel-apply');
    await page.keyboard.press('Enter');
    await waitUntil('one-day funnel', async () => (await page.getByTestId('funnel-status').textContent())?.startsWith(`${range.to} to ${range.to}:`) ?? false, 15_000);
    const today = (await bank.funnelReport({ from: range.to, to: range.to })).total;
    expect(await cell('funnel-step-created', 1)).toBe(String(today.reached.created));

    expect(await auditScreen(page, 'supervisor-funnel')).toEqual([]);
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});

/*
 * The agents' desk on the real stack: the bank signs an agent and a supervisor in, a customer waits
 * and sees its place in the queue, the agent picks the customer from the live console, the call
 * connects (frames decoded both ways), the supervisor sees the live session and the media node, and
 * the agent gets back to the queue after the call. A second customer leaves the queue. The shared
 * stack runs AGENT_ASSIGNMENT=pick; random assignment is covered in workerd (desk-random project).
 */
import { describe, expect, inject, it } from 'vitest';
import { createBankClient } from '@vident/protocol';
import type { Page } from 'playwright-core';
import { chromiumPerSuite } from './browser.ts';
import { customerJoinsWithConsent, framesDecoded, waitUntil } from './call-page.ts';
import { auditScreen } from './page-audit.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

async function connected(page: Page, who: string, explain: () => Promise<string> = async () => ''): Promise<void> {
  try {
    await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
  } catch (err) {
    // Say where it stopped: the status the page shows and the screen it is on.
    const state = await page.getByTestId('connection-status').getAttribute('data-state').catch(() => '?');
    const screen = await page.locator('.screen:not([hidden])').first().getAttribute('id').catch(() => '?');
    throw new Error(`${who} not connected (status ${state}, screen ${screen}; ${await explain().catch(() => '')}): ${String(err)}`);
  }
  await waitUntil(`${who} decodes video frames`, async () => (await framesDecoded(page)) > 10, 30_000);
}

describe('agent desk', () => {
  const chromium = chromiumPerSuite();

  it('queues the customer, lets the signed-in agent pick it, connects the call and shows it to the supervisor', async () => {
    const run = Date.now();
    const agentId = `e2e.agent.${run}`;
    const signIn = await bank.signInAgent({ agentId, name: 'Erin Agent', locales: ['en'] });
    expect(signIn.consoleUrl).toMatch(new RegExp(`^${stack.baseUrl}/agent#token=`));
    const boss = await bank.signInAgent({ agentId: `e2e.boss.${run}`, name: 'Sam Supervisor', role: 'supervisor', locales: ['en'] });

    const { page: agent, consoleErrors: agentErrors } = await chromium.newParticipant();
    await agent.goto(signIn.consoleUrl);
    await agent.getByTestId('desk-connection').and(agent.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
    expect(await agent.getByTestId('desk-agent-name').textContent()).toContain('Erin Agent');
    expect(await agent.getByTestId('desk-mode').getAttribute('data-mode')).toBe('pick');
    expect(await agent.getByTestId('desk-status').getAttribute('data-status')).toBe('available');
    // The token left the address bar (it is kept in the tab's sessionStorage).
    expect(new URL(agent.url()).hash).toBe('');

    const created = await bank.createSession({ externalRef: `e2e-desk-${run}`, customerName: 'Queue Customer', locale: 'en' });
    const { page: customer } = await chromium.newParticipant();
    await customer.goto(created.customerUrl);
    await customerJoinsWithConsent(customer);
    const position = customer.getByTestId('queue-position');
    await position.and(customer.locator('[data-position]:not([data-position=""])')).waitFor({ timeout: 20_000 });
    const seenPosition = Number(await position.getAttribute('data-position'));
    expect(seenPosition).toBeGreaterThanOrEqual(1);
    expect(await position.textContent()).toContain(`number ${seenPosition} in the queue`);
    // No call has finished on this desk yet, or some have: either an estimate or the reason for none, in words.
    expect((await customer.getByTestId('queue-estimate').textContent())?.trim()).toMatch(/Estimated wait|estimate your wait/);
    expect(await customer.getByTestId('queue-leave').isVisible()).toBe(true);
    expect(await auditScreen(customer, 'customer-waiting-room')).toEqual([]);

    const accept = agent.getByTestId(`queue-accept-${created.sessionId}`);
    await accept.waitFor({ timeout: 15_000 });
    expect(await agent.getByTestId(`queue-row-${created.sessionId}`).textContent()).toContain(`e2e-desk-${run}`);
    expect(await auditScreen(agent, 'agent-console')).toEqual([]);

    const { page: supervisor } = await chromium.newParticipant();
    await supervisor.goto(boss.consoleUrl);
    await supervisor.getByTestId(`sup-waiting-${created.sessionId}`).waitFor({ timeout: 15_000 });

    await accept.click();
    await agent.waitForURL((url) => url.pathname === '/join', { timeout: 15_000 });
    // The call page, too, takes the agent's token out of the address bar.
    await waitUntil('token out of the address bar', async () => new URL(agent.url()).hash === '', 10_000);
    await agent.getByTestId('join').click();
    const timeline = async () =>
      (await bank.sessionAudit(created.sessionId)).entries.map((e) => `${e.actor}:${e.action}`).join(', ');
    await connected(customer, 'customer', timeline);
    await connected(agent, 'agent', timeline);
    const view = await bank.getSession(created.sessionId);
    expect(view.agent).toEqual({ id: agentId, name: 'Erin Agent' });
    const trail = await bank.sessionAudit(created.sessionId);
    expect(trail.entries.filter((e) => e.action === 'agent.assigned').map((e) => e.detail)).toEqual([{ agentId, name: 'Erin Agent', via: 'pick' }]);

    // The supervisor's next poll shows the live call with its agent, the busy agent and the node.
    const live = supervisor.getByTestId(`sup-live-${created.sessionId}`);
    await waitUntil('live session with its agent', async () => (await live.textContent())?.includes('Erin Agent') ?? false, 15_000);
    expect(await supervisor.getByTestId(`sup-agent-${agentId}`).getAttribute('data-status')).toBe('busy');
    expect(await supervisor.getByTestId(`sup-node-${stack.nodeId}`).textContent()).toContain(stack.nodeId);
    expect(await auditScreen(supervisor, 'supervisor-view')).toEqual([]);

    // The call ends; the agent's end screen leads back to the console, available again.
    await customer.getByTestId('hang-up').click();
    await agent.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
    await agent.getByTestId('back-to-queue').click();
    await agent.getByTestId('desk-connection').and(agent.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
    await agent.getByTestId('desk-status').and(agent.locator('[data-status="available"]')).waitFor({ timeout: 10_000 });
    await waitUntil('supervisor counts the cancelled call', async () => Number(await supervisor.getByTestId('sup-outcome-cancelled').textContent()) >= 1, 15_000);
    expect(agentErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('lets a waiting customer leave the queue: the session ends cancelled by the customer', async () => {
    const created = await bank.createSession({ externalRef: `e2e-leave-${Date.now()}`, customerName: '대기 고객', locale: 'ko' });
    const { page: customer } = await chromium.newParticipant();
    await customer.goto(created.customerUrl);
    await customerJoinsWithConsent(customer);
    const leave = customer.getByTestId('queue-leave');
    await leave.waitFor({ timeout: 20_000 });
    expect(await customer.getByTestId('queue-position').textContent()).toMatch(/대기 순서/);
    await leave.click();
    await customer.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await customer.getByTestId('end-reason').getAttribute('data-reason')).toBe('cancelled_by_customer');
    expect((await bank.getSession(created.sessionId)).outcome).toEqual({ state: 'cancelled', by: 'customer' });
  });
});

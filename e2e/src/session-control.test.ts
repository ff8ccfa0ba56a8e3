/*
 * Session control around the call, on the real stack: the waiting state until the other party joins,
 * the bank cancelling a session through the signed API, a participant hanging up, a reload within the
 * reconnect grace, and a late link: what both participants see and what the bank API says.
 */
import { describe, expect, inject, it } from 'vitest';
import { createBankClient } from '@vident/protocol';
import { chromiumPerSuite } from './browser.ts';
import { customerJoinsWithConsent, framesDecoded, waitUntil } from './call-page.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

describe('session control', () => {
  const chromium = chromiumPerSuite();

  /** A new session with both parties joined, connected and decoding each other's video. */
  async function startCall(externalRef: string, customerName: string) {
    const created = await bank.createSession({ externalRef: `${externalRef}-${Date.now()}`, customerName, locale: 'en' });
    const { page: customer } = await chromium.newParticipant();
    const { page: agent } = await chromium.newParticipant();
    await customer.goto(created.customerUrl);
    await customerJoinsWithConsent(customer);
    await agent.goto(created.agentUrl);
    await agent.getByTestId('join').click();
    for (const page of [customer, agent]) {
      await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
      await waitUntil('video frames decoded', async () => (await framesDecoded(page)) > 10, 30_000);
    }
    return { created, customer, agent };
  }

  it('shows the customer waiting until the agent joins, then ends for both when the bank deletes the session', async () => {
    const created = await bank.createSession({ externalRef: `e2e-delete-${Date.now()}`, customerName: '김고객', locale: 'ko' });
    const { page: customer } = await chromium.newParticipant();
    const { page: agent } = await chromium.newParticipant();

    await customer.goto(created.customerUrl);
    // The session's locale (ko) decides the page's language, whatever the browser's (en-US here).
    expect(await customer.locator('html').getAttribute('lang')).toBe('ko');
    expect((await customer.getByTestId('landing-start').textContent())?.trim()).toBe('시작하기');
    await customerJoinsWithConsent(customer);
    await customer.getByTestId('waiting').waitFor({ state: 'visible', timeout: 20_000 });
    await waitUntil('session waiting', async () => (await bank.getSession(created.sessionId)).state === 'waiting', 10_000);

    await agent.goto(created.agentUrl);
    await agent.getByTestId('join').click();
    await customer.getByTestId('waiting').waitFor({ state: 'hidden', timeout: 20_000 });
    await waitUntil('session in call', async () => (await bank.getSession(created.sessionId)).state === 'in_call', 30_000);

    const deleted = await bank.deleteSession(created.sessionId);
    expect(deleted.state).toBe('cancelled');
    expect(deleted.endReason).toBe('cancelled_by_bank');
    expect(deleted.outcome).toEqual({ state: 'cancelled', by: 'bank' });
    for (const page of [customer, agent]) {
      await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
      expect(await page.getByTestId('end-reason').getAttribute('data-reason')).toBe('cancelled_by_bank');
    }
    const status = await bank.status();
    expect(status.nodes.find((n) => n.nodeId === 'local-1')?.live).toBe(true);
  });

  it('ends the call for both when the customer hangs up, as cancelled by the customer', async () => {
    const { created, customer, agent } = await startCall('e2e-hangup', 'Leaving Customer');

    await customer.getByTestId('hang-up').click();
    for (const page of [customer, agent]) {
      await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
      expect(await page.getByTestId('end-reason').getAttribute('data-reason')).toBe('cancelled_by_customer');
    }
    const view = await bank.getSession(created.sessionId);
    expect(view.state).toBe('cancelled');
    expect(view.outcome).toEqual({ state: 'cancelled', by: 'customer' });
  });

  it('resumes a customer who reloads mid-call within the grace, then ends rejected by the agent', async () => {
    const { created, customer, agent } = await startCall('e2e-reconnect', 'Reconnecting Customer');

    // A reload drops the WebSocket and both peer connections; the page joins again with its token.
    await customer.reload();
    await customer.getByTestId('join').click();
    await waitUntil('customer reconnected', async () => {
      const audit = await bank.sessionAudit(created.sessionId);
      return audit.entries.some((e) => e.actor === 'customer' && e.action === 'participant.reconnected');
    }, 20_000);
    // Media renegotiated both ways: the customer decodes the agent again, the agent the customer's new feed.
    await waitUntil('customer decodes again', async () => (await framesDecoded(customer)) > 10, 30_000);
    const agentBefore = await framesDecoded(agent);
    await waitUntil('agent decodes the new feed', async () => (await framesDecoded(agent)) > agentBefore + 10, 30_000);
    const during = await bank.getSession(created.sessionId);
    expect(during.state).toBe('in_call');
    expect(during.participants.every((p) => p.connected)).toBe(true);
    expect(await customer.getByTestId('end-screen').isHidden()).toBe(true);

    await agent.getByTestId('decide-reject').click();
    await agent.getByTestId('reason-ID_MISMATCH').check();
    await agent.getByTestId('decide-submit').click();
    for (const page of [customer, agent]) {
      await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
      expect(await page.getByTestId('end-reason').getAttribute('data-reason')).toBe('rejected');
    }
    expect(await bank.getSession(created.sessionId)).toMatchObject({ state: 'decided', decision: 'rejected', reasonCodes: ['ID_MISMATCH'] });
  });

  it('tells a participant who opens the link after the end that the session is over', async () => {
    const created = await bank.createSession({ externalRef: `e2e-ended-${Date.now()}`, customerName: 'Late Customer', locale: 'en' });
    await bank.deleteSession(created.sessionId);
    const { page } = await chromium.newParticipant();
    await page.goto(created.customerUrl);
    // The pre-call check's network probe is refused (session_ended): the page goes on to say why.
    await page.getByTestId('landing-start').click();
    await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.getByTestId('end-reason').getAttribute('data-reason')).toBe('cancelled_by_bank');
    expect(await page.getByTestId('end-duration').textContent()).toContain('00:00');
  });
});

/*
 * The one-time code in the real stack (issue 15): a session created with oneTimeCode "required", the
 * bank told by the session.code_issued webhook (without the code) and fetching the code through the
 * signed API, the customer typing it on the call page in Chromium: a wrong one spends a try, the right
 * one shows the agent "verified", and the approval then goes through. And the security features the
 * session draws for the confirmed document: on the agent's checklist (approval waits for them) and as
 * the customer's guidance.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createBankClient, type WebhookEvent } from '@vident/protocol';
import { launchChromium, type LaunchedBrowser } from './browser.ts';
import { framesDecoded, joinCall, waitUntil } from './call-page.ts';
import type { WebhookDelivery } from '../webhook-receiver.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

describe('the one-time code on the call pages', () => {
  let chromium: LaunchedBrowser;
  let customer: Page;
  let agent: Page;
  let sessionId: string;

  beforeAll(async () => {
    chromium = await launchChromium();
    const created = await bank.createSession({ externalRef: `e2e-code-${Date.now()}`, customerName: 'E2E Code', locale: 'en', oneTimeCode: 'required' });
    sessionId = created.sessionId;
    ({ customer, agent } = await joinCall(chromium, created));
    for (const page of [customer, agent]) await waitUntil('video frames decoded', async () => (await framesDecoded(page)) > 5, 30_000);
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('is entered by the customer: a wrong code spends a try, the right one shows the agent verified and approval goes through', async () => {
    await agent.getByTestId('code-status').and(agent.locator('[data-status="pending"]')).waitFor({ timeout: 15_000 });
    await customer.getByTestId('code-input').waitFor({ state: 'visible', timeout: 15_000 });
    const { code } = await bank.getOneTimeCode(sessionId);

    // The bank was told without the code.
    await waitUntil('session.code_issued delivered', async () => {
      const all = (await (await fetch(stack.webhookDeliveriesUrl)).json()) as WebhookDelivery[];
      return all.some((d) => (JSON.parse(d.body) as WebhookEvent).type === 'session.code_issued' && d.body.includes(sessionId));
    }, 30_000);
    const deliveries = (await (await fetch(stack.webhookDeliveriesUrl)).json()) as WebhookDelivery[];
    for (const d of deliveries.filter((x) => x.body.includes(sessionId))) expect(d.body).not.toContain(code);

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await customer.getByTestId('code-input').fill(wrong);
    await customer.getByTestId('code-submit').click();
    await agent.getByTestId('code-status').and(agent.locator('[data-status="pending"]')).filter({ hasText: '2 tries left' }).waitFor({ timeout: 15_000 });
    expect(await customer.getByTestId('code-status').textContent()).toContain('2 tries left');

    await customer.getByTestId('code-input').fill(code);
    await customer.getByTestId('code-submit').click();
    await agent.getByTestId('code-status').and(agent.locator('[data-status="verified"]')).waitFor({ timeout: 15_000 });
    await customer.getByTestId('code-status').and(customer.locator('[data-status="verified"]')).waitFor({ timeout: 15_000 });
    expect(await customer.getByTestId('code-input').isVisible()).toBe(false);

    for (const box of await agent.locator('[data-testid="checklist"] input[type="checkbox"]').all()) await box.check();
    await agent.getByTestId('decide-approve').click();
    await agent.getByTestId('decide-submit').click();
    await agent.getByTestId('end-reason').and(agent.locator('[data-reason="approved"]')).waitFor({ timeout: 15_000 });
    const trail = await bank.sessionAudit(sessionId);
    expect(trail.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['code.issued', 'code.rejected', 'code.verified', 'api.one_time_code.get', 'session.decided']));
    expect(JSON.stringify(trail.entries)).not.toContain(code);
  });

  it('draws security features for the confirmed card: the agent must tick them, the customer is shown how to present them', async () => {
    const created = await bank.createSession({ externalRef: `e2e-features-${Date.now()}`, customerName: 'E2E Features', locale: 'en' });
    const call = await joinCall(chromium, created);
    await waitUntil('video frames decoded', async () => (await framesDecoded(call.agent)) > 5, 30_000);
    // The agent types the card in by hand (no capture needed) and confirms its type.
    await call.agent.getByTestId('doc-manual').click();
    await call.agent.getByTestId('doc-type').selectOption('kr-resident-card');
    await call.agent.getByTestId('doc-field-name').fill('E2E Features');
    await call.agent.getByTestId('doc-confirm').click();
    const features = call.agent.locator('[data-testid="checklist"] input[data-testid^="security-feature-"]');
    await waitUntil('three security features on the checklist', async () => (await features.count()) === 3, 15_000);
    const ids = await Promise.all((await features.all()).map(async (box) => (await box.getAttribute('data-testid'))!.replace(/^security-feature-/, '')));
    const guidance = call.customer.locator('[data-testid="feature-guidance"] li');
    await waitUntil('the customer is shown the three features', async () => (await guidance.count()) === 3, 15_000);
    for (const id of ids) expect(await call.customer.getByTestId(`feature-guidance-${id}`).getAttribute('data-show')).toMatch(/^(tilt|light|zoom)$/);

    // The configured items alone do not approve.
    await call.agent.getByTestId('decide-approve').click();
    for (const box of await call.agent.locator('[data-testid="checklist"] input[data-testid^="checklist-"]').all()) await box.check();
    expect(await call.agent.getByTestId('decide-submit').isDisabled()).toBe(true);
    for (const box of await features.all()) await box.check();
    expect(await call.agent.getByTestId('decide-submit').isEnabled()).toBe(true);
    await call.agent.getByTestId('decide-submit').click();
    await call.agent.getByTestId('end-reason').and(call.agent.locator('[data-reason="approved"]')).waitFor({ timeout: 15_000 });
    const drawn = (await bank.sessionAudit(created.sessionId)).entries.find((e) => e.action === 'security_features.drawn');
    expect((drawn?.detail as { features: string[] }).features.sort()).toEqual([...ids].sort());
  });
});

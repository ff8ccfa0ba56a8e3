/*
 * The in-call tools on the real stack (workerd, sidecar, Janus, two Chromiums with fake media):
 * chat both ways, the agent's guidance overlay on the customer's page, the network-quality
 * indicator on both pages, and the audit trail the bank reads afterwards.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createBankClient, verifyAuditChain } from '@vident/protocol';
import type { Page } from 'playwright-core';
import { chromiumPerSuite } from './browser.ts';
import { customerJoinsWithConsent, framesDecoded, sendChat, waitUntil } from './call-page.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

/** The chat lines a page shows, as [data-from, text]. */
function chatLines(page: Page): Promise<Array<[string, string]>> {
  return page
    .getByTestId('chat-message')
    .evaluateAll((items) => items.map((li) => [(li as HTMLElement).dataset.from ?? '', li.querySelector('.chat-text')?.textContent ?? ''] as [string, string]));
}

/** Screenshots for people to look at: E2E_ARTIFACTS, else a folder in the system temp dir. */
const artifacts = process.env.E2E_ARTIFACTS ?? join(tmpdir(), 'vident-e2e-artifacts');

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `in-call-tools-${name}.png`), fullPage: true });
}

describe('in-call tools', () => {
  const chromium = chromiumPerSuite();

  it('chat both ways, guidance on the customer page, quality on both, all in the audit trail', async () => {
    const created = await bank.createSession({ externalRef: `e2e-tools-${Date.now()}`, customerName: 'Chat Customer', locale: 'en' });
    const { page: customer, consoleErrors: customerErrors } = await chromium.newParticipant();
    const { page: agent } = await chromium.newParticipant();
    // The customer on a phone-sized screen, the agent on a desktop.
    await customer.setViewportSize({ width: 390, height: 844 });
    await customer.goto(created.customerUrl);
    await customerJoinsWithConsent(customer);
    await agent.goto(created.agentUrl);
    await agent.getByTestId('join').click();
    for (const page of [customer, agent]) {
      await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
      await waitUntil('video frames decoded', async () => (await framesDecoded(page)) > 10, 30_000);
    }

    // Chat, both ways, shown on both pages in the server's order.
    await expect(customer.getByTestId('chat-panel').isVisible()).resolves.toBe(true);
    await sendChat(agent, 'Please hold your ID card up to the camera.');
    await sendChat(customer, '  Like this? <b>ok</b>  ');
    const expected: Array<[string, string]> = [
      ['agent', 'Please hold your ID card up to the camera.'],
      ['customer', 'Like this? <b>ok</b>'],
    ];
    for (const page of [customer, agent]) {
      await waitUntil('both chat lines', async () => (await chatLines(page)).length === 2, 10_000);
      expect(await chatLines(page)).toEqual(expected);
      // Text stays text: the customer's markup was not rendered.
      expect(await page.getByTestId('chat-log').locator('b').count()).toBe(0);
    }
    expect(await customer.getByTestId('chat-input').inputValue()).toBe('');
    // A blank message cannot be sent.
    await customer.getByTestId('chat-input').fill('   ');
    expect(await customer.getByTestId('chat-send').isDisabled()).toBe(true);

    // Guidance: agent-only controls; the customer sees the translated instruction, then it clears.
    expect(await customer.getByTestId('guidance-tilt_card').count()).toBe(0);
    const overlay = customer.getByTestId('guidance-overlay');
    expect(await overlay.isHidden()).toBe(true);
    await agent.getByTestId('guidance-tilt_card').click();
    await overlay.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await overlay.getAttribute('data-kind')).toBe('tilt_card');
    expect(await overlay.textContent()).toBe('Slowly tilt your ID card');
    await shot(customer, 'customer-phone-guidance');
    await agent.getByTestId('guidance-clear').click();
    await overlay.waitFor({ state: 'hidden', timeout: 10_000 });
    expect(await overlay.getAttribute('data-kind')).toBe('');
    // Without a clear, an instruction goes away by itself after 10 s.
    await agent.getByTestId('guidance-more_light').click();
    await overlay.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await overlay.getAttribute('data-kind')).toBe('more_light');
    const shownAt = Date.now();
    await overlay.waitFor({ state: 'hidden', timeout: 15_000 });
    expect(Date.now() - shownAt).toBeGreaterThan(8_000);

    // Network quality: a measured level on both pages, with the numbers in its label.
    for (const page of [customer, agent]) {
      const indicator = page.getByTestId('network-quality');
      await waitUntil('a measured network level', async () => ['good', 'fair', 'poor'].includes((await indicator.getAttribute('data-level')) ?? ''), 15_000);
      const label = (await indicator.getAttribute('aria-label')) ?? '';
      expect(label).toMatch(/^Network quality: (Good|Fair|Poor) \(sending \d+ kbps, loss \d+\.\d%, round trip \d+ ms\)$/);
      expect(await indicator.getAttribute('title')).toBe(label);
    }
    await shot(agent, 'agent-desktop');
    await shot(customer, 'customer-phone');
    // The agent still sees the customer's connection state.
    expect(await agent.getByTestId('connection-status').getAttribute('data-state')).toBe('connected');

    // The bank's audit trail holds the chat and the guidance, verifiably chained.
    const trail = await bank.sessionAudit(created.sessionId);
    expect(await verifyAuditChain(trail.entries, trail.head)).toEqual({ ok: true, head: trail.head });
    expect(trail.entries.filter((e) => e.action === 'chat.message').map((e) => [e.actor, e.detail])).toEqual([
      ['agent', { from: 'agent', text: expected[0]![1] }],
      ['customer', { from: 'customer', text: expected[1]![1] }],
    ]);
    expect(trail.entries.filter((e) => e.action === 'guidance.sent').map((e) => [e.actor, e.detail.kind])).toEqual([
      ['agent', 'tilt_card'],
      ['agent', 'clear'],
      ['agent', 'more_light'],
    ]);

    const ended = await bank.deleteSession(created.sessionId);
    expect(ended.state).toBe('cancelled');
    for (const page of [customer, agent]) await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
    expect(customerErrors.filter((e) => !e.includes('WebSocket'))).toEqual([]);
  });
});

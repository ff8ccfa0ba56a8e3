/*
 * The customer's journey before the call, on the real stack (Janus in its namespace with ALL UDP
 * dropped): the landing page, the pre-call check (camera, microphone, device pickers, level meter,
 * the TCP media-path probe through the real sidecar and Janus EchoTest), consent, and the call; and
 * the permission-denied recovery in a Chromium that refuses camera prompts until permission is granted.
 * Every screen is checked with axe-core and photographed at phone and desktop size, in ko and en.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';
import { createBankClient, type Locale } from '@vident/protocol';
import { CHROMIUM_FLAGS, chromiumPerSuite } from './browser.ts';
import { framesDecoded, selectedPairs, waitUntil } from './call-page.ts';
import { auditScreen } from './page-audit.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

/** Counts the page's getUserMedia calls (observes only: the browser's own implementation answers). */
const COUNT_GET_USER_MEDIA = () => {
  const w = window as unknown as { gumCalls: number };
  w.gumCalls = 0;
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => {
    w.gumCalls++;
    return original(constraints);
  };
};

async function checkState(page: Page, check: 'camera' | 'microphone' | 'network', state: 'pass' | 'fail', timeout = 20_000): Promise<void> {
  await page.locator(`[data-testid="precheck-${check}"][data-state="${state}"]`).waitFor({ timeout });
}

async function precheckAudit(sessionId: string) {
  return (await bank.sessionAudit(sessionId)).entries.filter((e) => e.action.startsWith('precheck.'));
}

describe('customer journey: landing, pre-call check, consent, call', () => {
  const chromium = chromiumPerSuite();

  it('walks landing -> all checks pass (network over TCP through Janus) -> consent -> call, asking for the camera once', async () => {
    const created = await bank.createSession({ externalRef: `e2e-journey-${Date.now()}`, customerName: '김고객', locale: 'ko' });
    const c = await chromium.newParticipant();
    const customer = c.page;
    await customer.addInitScript(COUNT_GET_USER_MEDIA);
    await customer.goto(created.customerUrl);

    await customer.getByTestId('landing-screen').waitFor({ state: 'visible' });
    expect(await customer.locator('html').getAttribute('lang')).toBe('ko');
    expect(await customer.getByTestId('landing-duration').textContent()).toContain('5분');
    // Nothing is asked of the browser on the landing page.
    expect(await customer.evaluate(() => (window as unknown as { gumCalls: number }).gumCalls)).toBe(0);
    expect(await auditScreen(customer, 'landing-ko')).toEqual([]);

    await customer.getByTestId('landing-start').click();
    await customer.getByTestId('precheck-screen').waitFor({ state: 'visible' });
    await checkState(customer, 'camera', 'pass');
    await checkState(customer, 'microphone', 'pass');
    await checkState(customer, 'network', 'pass');
    expect(await customer.getByTestId('precheck-camera').textContent()).toContain('카메라가 작동합니다');
    expect(await customer.getByTestId('precheck-network-help').isHidden()).toBe(true);
    expect(await customer.getByTestId('precheck-retry').isHidden()).toBe(true);
    // The self-preview plays the camera; the meter moves with Chromium's fake microphone (a beep).
    await waitUntil('preview playing', () => customer.getByTestId('precheck-preview').evaluate((v: HTMLVideoElement) => v.videoWidth > 0 && !v.paused), 10_000);
    await waitUntil('mic level above 0', async () => Number(await customer.getByTestId('mic-level').getAttribute('aria-valuenow')) > 0, 10_000);
    expect(await customer.getByTestId('device-camera').locator('option').count()).toBeGreaterThanOrEqual(1);
    expect(await customer.getByTestId('device-microphone').locator('option').count()).toBeGreaterThanOrEqual(1);
    expect(await customer.getByTestId('precheck-continue').isEnabled()).toBe(true);
    expect(await auditScreen(customer, 'precheck-ko')).toEqual([]);

    // The probe went through the real sidecar and Janus and was reported; the session was not joined.
    await waitUntil('probe result audited', async () => (await precheckAudit(created.sessionId)).some((e) => e.action === 'precheck.network'), 10_000);
    const marks = await precheckAudit(created.sessionId);
    // The landing page's funnel signal (issue 18), once; then the probe and its result.
    expect(marks.filter((e) => e.action === 'precheck.link_opened').map((e) => e.actor)).toEqual(['customer']);
    const audit = marks.filter((e) => e.action !== 'precheck.link_opened');
    expect(audit.map((e) => [e.actor, e.action])).toEqual([['customer', 'precheck.probe'], ['customer', 'precheck.network']]);
    expect(audit[1]!.detail).toMatchObject({ result: 'pass', probeId: audit[0]!.detail.probeId });
    const before = await bank.getSession(created.sessionId);
    expect(before.state).toBe('created');
    expect(before.participants.every((p) => !p.connected)).toBe(true);

    await customer.getByTestId('precheck-continue').click();
    await customer.getByTestId('consent-screen').waitFor({ state: 'visible', timeout: 20_000 });
    await customer.getByTestId('consent-accept').click();
    await customer.getByTestId('call-screen').waitFor({ state: 'visible', timeout: 20_000 });

    const a = await chromium.newParticipant();
    await a.page.goto(created.agentUrl);
    await a.page.getByTestId('join').click();
    await waitUntil('customer decodes the agent', async () => (await framesDecoded(customer)) > 10, 30_000);
    await waitUntil('agent decodes the customer', async () => (await framesDecoded(a.page)) > 10, 30_000);
    for (const pair of await selectedPairs(customer)) expect(pair.local.protocol).toBe('tcp');
    // The stream opened by the pre-call check is the one the call publishes: one camera prompt in all.
    expect(await customer.evaluate(() => (window as unknown as { gumCalls: number }).gumCalls)).toBe(1);

    await customer.getByTestId('hang-up').click();
    await customer.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
    expect(c.consoleErrors).toEqual([]);
  });
});

describe.each(['ko', 'en'] as const)('pre-call check with the camera refused (%s)', (locale: Locale) => {
  let browser: Browser;

  beforeAll(async () => {
    // No --use-fake-ui-for-media-stream: permission prompts are refused until the test grants them.
    const args = CHROMIUM_FLAGS.filter((f) => f !== '--use-fake-ui-for-media-stream').concat('--deny-permission-prompts');
    browser = await playwright.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows recovery help, then passes after permission is granted and "Try again"', async () => {
    const created = await bank.createSession({ externalRef: `e2e-denied-${locale}-${Date.now()}`, customerName: 'Denied Customer', locale });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(created.customerUrl);
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await auditScreen(page, `landing-${locale}`)).toEqual([]);

    await page.getByTestId('landing-start').click();
    await checkState(page, 'camera', 'fail');
    await checkState(page, 'microphone', 'fail');
    const help = page.getByTestId('precheck-help');
    await help.waitFor({ state: 'visible' });
    expect(await help.getAttribute('data-problem')).toBe('denied');
    const helpText = (await help.textContent()) ?? '';
    for (const browserName of ['Chrome', 'Safari', locale === 'ko' ? '삼성 인터넷' : 'Samsung Internet']) expect(helpText).toContain(browserName);
    expect(await page.getByTestId('precheck-continue').isDisabled()).toBe(true);
    expect(await page.getByTestId('precheck-retry').isVisible()).toBe(true);
    // The network check does not need the camera: it passes over TCP all the same.
    await checkState(page, 'network', 'pass');
    expect(await auditScreen(page, `precheck-denied-${locale}`)).toEqual([]);

    await context.grantPermissions(['camera', 'microphone'], { origin: new URL(created.customerUrl).origin });
    await page.getByTestId('precheck-retry').click();
    await checkState(page, 'camera', 'pass');
    await checkState(page, 'microphone', 'pass');
    expect(await help.isHidden()).toBe(true);
    expect(await page.getByTestId('precheck-retry').isHidden()).toBe(true);
    expect(await auditScreen(page, `precheck-${locale}`)).toEqual([]);

    // On to consent; declining ends the session and shows the end screen.
    await page.getByTestId('precheck-continue').click();
    await page.getByTestId('consent-screen').waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByTestId('consent-decline').click();
    await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.getByTestId('end-reason').getAttribute('data-reason')).toBe('cancelled_by_customer');
    expect(await auditScreen(page, `end-${locale}`)).toEqual([]);
    await context.close();
  });
});

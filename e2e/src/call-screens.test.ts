/*
 * Every call-related screen on the real stack, in Korean, English and simplified Chinese: checked by
 * axe-core and photographed at phone and desktop size (auditScreen), plus what those screens must
 * do: the agent's zoom (display only: a capture still takes the full received frame), the end
 * screens with duration and outcome, the way back to the agent console, chat replayed after a
 * reload, and no untranslated key or English text on a Korean page, no Korean or English text on a
 * Chinese one (the Chinese session also covers the landing page, the pre-call check and the desk
 * consoles of an agent and a supervisor who serve Chinese).
 */
import { describe, expect, inject, it } from 'vitest';
import { createBankClient } from '@vident/protocol';
import type { Page } from 'playwright-core';
import { chromiumPerSuite } from './browser.ts';
import { customerPassesPrecheck, framesDecoded, sendChat, waitUntil } from './call-page.ts';
import { auditScreen } from './page-audit.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

/** Dictionary keys look like `call.mic.on`: none may show as text. */
const RAW_KEY =
  /\b(app|join|link|demo|role|call|status|end|decision|error|consent|capture|chat|guidance|quality|checklist|zoom|landing|precheck|queue|desk|sup|funnel|assist|document|procedure|challenge)\.[a-zA-Z_]+/;

/** The text a person sees on the page now (hidden screens excluded). */
function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

/** A Korean page shows Korean: no word of three or more Latin letters in its visible text. */
async function expectKoreanOnly(page: Page, allowed: RegExp[] = []): Promise<void> {
  let text = await visibleText(page);
  for (const a of allowed) text = text.replace(a, '');
  expect(text).not.toMatch(RAW_KEY);
  expect(text.match(/[A-Za-z]{3,}/g) ?? []).toEqual([]);
}

/**
 * A Chinese page shows Chinese: the `lang` that picks simplified-Chinese glyphs, no Hangul, no
 * untranslated key, and no word of three or more Latin letters but the allowed ones (units, codes).
 * `only` checks just the elements it selects; `skip` leaves out elements that show what the page
 * did not write (other suites' queue rows).
 */
async function expectChineseOnly(page: Page, opts: { allowed?: RegExp[]; only?: string; skip?: string } = {}): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-Hans');
  let text = await page.evaluate(({ only, skip }) => {
    let shown = only === undefined ? document.body.innerText : Array.from(document.querySelectorAll<HTMLElement>(only), (el) => el.innerText).join('\n');
    if (skip !== undefined) for (const el of Array.from(document.querySelectorAll<HTMLElement>(skip))) shown = shown.replace(el.innerText, '');
    return shown;
  }, { only: opts.only, skip: opts.skip });
  for (const a of [...(opts.allowed ?? []), /\b(kbps|ms|MRZ|UTC|Janus|CPU|Wi-Fi|Chrome|Safari|iPhone|YYYY-MM-DD)\b/g]) text = text.replace(a, '');
  expect(text).not.toMatch(RAW_KEY);
  expect(text).not.toMatch(/[가-힣]/);
  expect(text.match(/[A-Za-z]{3,}/g) ?? []).toEqual([]);
  expect(text).toMatch(/\p{Script=Han}/u);
}

async function connected(page: Page): Promise<void> {
  await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
  await waitUntil('video frames decoded', async () => (await framesDecoded(page)) > 10, 30_000);
}

describe('call screens', () => {
  const chromium = chromiumPerSuite();

  for (const locale of ['ko', 'en', 'zh'] as const) {
    it(`passes axe on the invalid-link and role-chooser screens (${locale})`, async () => {
      const { page } = await chromium.newParticipant();
      await page.goto(`${stack.baseUrl}/?lang=${locale}#token=not-a-token`);
      await page.getByTestId('invalid-link').waitFor({ state: 'visible' });
      expect(await auditScreen(page, `call-invalid-link-${locale}`)).toEqual([]);
      if (locale === 'ko') await expectKoreanOnly(page);
      if (locale === 'zh') await expectChineseOnly(page);
      await page.goto(`${stack.baseUrl}/?lang=${locale}`);
      await page.getByTestId('demo-screen').waitFor({ state: 'visible' });
      await page.waitForTimeout(500);
      expect(await auditScreen(page, `call-demo-chooser-${locale}`)).toEqual([]);
      expect(await visibleText(page)).not.toMatch(RAW_KEY);
      await page.context().close();
    });
  }

  it('Korean session: consent, call with guidance and chat, zoom, captures, reject, end screens; chat comes back after a reload', async () => {
    const created = await bank.createSession({ externalRef: `e2e-screens-ko-${Date.now()}`, customerName: '김민지', locale: 'ko' });
    const { page: customer, consoleErrors: customerErrors } = await chromium.newParticipant();
    const { page: agent, consoleErrors: agentErrors } = await chromium.newParticipant();
    await customer.setViewportSize({ width: 390, height: 844 });
    await agent.goto(created.agentUrl);
    await agent.getByTestId('join').waitFor({ state: 'visible' });
    expect(await auditScreen(agent, 'call-join-agent-ko')).toEqual([]);
    // The date format hint (YYYY-MM-DD) and the camera risk flag quoting the device label (fake_device_0) are not words to translate.
    await expectKoreanOnly(agent, [/YYYY-MM-DD/g, /fake_device_\d+/g]);

    await customer.goto(created.customerUrl);
    await customerPassesPrecheck(customer);
    await customer.getByTestId('consent-screen').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await auditScreen(customer, 'call-consent-ko')).toEqual([]);
    await expectKoreanOnly(customer);
    await customer.getByTestId('consent-accept').click();
    await agent.getByTestId('join').click();
    await connected(customer);
    await connected(agent);

    // The customer's call with the agent's guidance overlay and a chat exchange.
    await sendChat(agent, '신분증 앞면을 카메라에 보여 주세요');
    await sendChat(customer, '네, 보여 드릴게요');
    await agent.getByTestId('guidance-hold_id_closer').click();
    await customer.getByTestId('guidance-overlay').waitFor({ state: 'visible' });
    await waitUntil('chat on both pages', async () => (await customer.getByTestId('chat-message').count()) === 2 && (await agent.getByTestId('chat-message').count()) === 2, 10_000);
    expect(await auditScreen(customer, 'call-customer-ko')).toEqual([]);
    await expectKoreanOnly(customer);
    // The customer gets no zoom: the controls exist on the agent's page only.
    expect(await customer.getByTestId('zoom-in').count()).toBe(0);

    // The token left the address bar and the history entry (the tab keeps it in sessionStorage).
    expect(new URL(customer.url()).hash).toBe('');
    expect(new URL(customer.url()).pathname).toBe('/join');
    // A reload: the call resumes and the chat so far is back, in order.
    // The tab passed the pre-call check already: the reload leads to the join button, then the call.
    await customer.reload();
    await customer.getByTestId('join').click();
    await connected(customer);
    await waitUntil('chat replayed', async () => (await customer.getByTestId('chat-message').count()) === 2, 15_000);
    expect(await customer.getByTestId('chat-message').locator('.chat-text').allTextContents()).toEqual(['신분증 앞면을 카메라에 보여 주세요', '네, 보여 드릴게요']);
    await connected(agent);

    // The agent zooms in with the buttons and the keyboard, pans, and captures while zoomed.
    const video = agent.getByTestId('remote-video');
    await agent.getByTestId('zoom-in').click();
    await agent.getByTestId('zoom-in').click();
    expect(await video.getAttribute('data-zoom')).toBe('2');
    await video.focus();
    await agent.keyboard.press('+');
    expect(await video.getAttribute('data-zoom')).toBe('3');
    await agent.keyboard.press('-');
    expect(await video.getAttribute('data-zoom')).toBe('2');
    await agent.keyboard.press('ArrowLeft');
    expect(await video.evaluate((v) => (v as HTMLElement).style.transform)).toBe('translate(40px, 0px) scale(2)');
    // Dragging pans too.
    const box = (await video.boundingBox())!;
    await agent.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await agent.mouse.down();
    await agent.mouse.move(box.x + box.width / 2 - 30, box.y + box.height / 2 + 20, { steps: 3 });
    await agent.mouse.up();
    expect(await video.evaluate((v) => (v as HTMLElement).style.transform)).toBe('translate(10px, 20px) scale(2)');
    // Zoomed display, full received frame: the capture's size is the decoded frame's around its click
    // (HD adapts during the call), not the zoomed display's.
    const decodedSize = () => video.evaluate((v) => `${(v as HTMLVideoElement).videoWidth}x${(v as HTMLVideoElement).videoHeight}`);
    for (const kind of ['id_front', 'id_back', 'face']) {
      const before = await decodedSize();
      await agent.getByTestId(`capture-${kind}`).click();
      const thumb = agent.getByTestId(`capture-thumb-${kind}`);
      await thumb.and(agent.locator('[data-artifact-id]')).waitFor({ timeout: 20_000 });
      const after = await decodedSize();
      const size = `${await thumb.getAttribute('data-width')}x${await thumb.getAttribute('data-height')}`;
      expect(size).not.toBe('0x0');
      expect([before, after]).toContain(size);
    }
    expect(await video.getAttribute('data-zoom')).toBe('2');
    await agent.getByTestId('decision-panel').waitFor({ state: 'visible' });
    expect(await auditScreen(agent, 'call-agent-zoomed-ko')).toEqual([]);
    await expectKoreanOnly(agent, [/\d+×\d+/g, /YYYY-MM-DD/g, /fake_device_\d+/g]);
    await video.focus();
    await agent.keyboard.press('0');
    expect(await video.getAttribute('data-zoom')).toBe('1');
    expect(await video.evaluate((v) => (v as HTMLElement).style.transform)).toBe('');

    // Reject with reason codes; the customer's screen follows. The agent came from the console.
    await agent.evaluate(() => sessionStorage.setItem('vident.deskToken', 'desk-token-e2e'));
    await agent.getByTestId('decide-reject').click();
    await agent.getByTestId('reason-DOCUMENT_INVALID').check();
    await agent.getByTestId('reason-POOR_QUALITY').check();
    await agent.getByTestId('decide-submit').click();
    for (const page of [customer, agent]) {
      await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 30_000 });
      expect(await page.getByTestId('end-reason').getAttribute('data-reason')).toBe('rejected');
      expect(await page.getByTestId('end-screen').getAttribute('data-outcome')).toBe('rejected');
      expect(await page.getByTestId('end-duration').textContent()).toMatch(/^\d{2}:\d{2}$/);
      expect(await page.getByTestId('end-duration').textContent()).not.toBe('00:00');
    }
    expect(await customer.getByTestId('end-reason').textContent()).toBe('본인 확인이 승인되지 않았습니다.');
    expect(await customer.getByTestId('back-to-queue').isHidden()).toBe(true);
    expect(await agent.getByTestId('back-to-queue').getAttribute('href')).toBe('/agent#token=desk-token-e2e');
    expect(await agent.getByTestId('back-to-queue').isVisible()).toBe(true);
    expect(await auditScreen(customer, 'call-end-rejected-customer-ko')).toEqual([]);
    expect(await auditScreen(agent, 'call-end-rejected-agent-ko')).toEqual([]);
    for (const page of [customer, agent]) await expectKoreanOnly(page);
    expect(await bank.getSession(created.sessionId)).toMatchObject({ state: 'decided', decision: 'rejected', reasonCodes: ['DOCUMENT_INVALID', 'POOR_QUALITY'] });
    expect([...customerErrors, ...agentErrors].filter((e) => !/favicon/i.test(e))).toEqual([]);
  });

  it('English session: call screens, then approve with the full checklist; end screens for both', async () => {
    const created = await bank.createSession({ externalRef: `e2e-screens-en-${Date.now()}`, customerName: 'Alex Kim', locale: 'en' });
    const { page: customer } = await chromium.newParticipant();
    const { page: agent } = await chromium.newParticipant();
    await customer.setViewportSize({ width: 390, height: 844 });
    await agent.goto(created.agentUrl);
    await agent.getByTestId('join').waitFor({ state: 'visible' });
    expect(await auditScreen(agent, 'call-join-agent-en')).toEqual([]);
    await customer.goto(created.customerUrl);
    await customerPassesPrecheck(customer);
    await customer.getByTestId('consent-screen').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await auditScreen(customer, 'call-consent-en')).toEqual([]);
    await customer.getByTestId('consent-accept').click();
    await agent.getByTestId('join').click();
    await connected(customer);
    await connected(agent);
    await sendChat(customer, 'Hello, my ID is ready');
    await agent.getByTestId('guidance-tilt_card').click();
    await customer.getByTestId('guidance-overlay').waitFor({ state: 'visible' });
    expect(await auditScreen(customer, 'call-customer-en')).toEqual([]);
    await agent.getByTestId('zoom-in').click();
    await agent.getByTestId('decision-panel').waitFor({ state: 'visible' });
    expect(await auditScreen(agent, 'call-agent-zoomed-en')).toEqual([]);
    for (const page of [customer, agent]) expect(await visibleText(page)).not.toMatch(RAW_KEY);

    await agent.getByTestId('decide-approve').click();
    for (const box of await agent.locator('[data-testid="checklist"] input[data-testid^="checklist-"]').all()) await box.check();
    await agent.getByTestId('decide-submit').click();
    for (const page of [customer, agent]) {
      await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 30_000 });
      expect(await page.getByTestId('end-screen').getAttribute('data-outcome')).toBe('approved');
      expect(await page.getByTestId('end-duration').textContent()).toMatch(/^\d{2}:\d{2}$/);
      // This agent did not come from the console: no way back to it.
      expect(await page.getByTestId('back-to-queue').isHidden()).toBe(true);
    }
    expect(await customer.getByTestId('end-reason').textContent()).toBe('Your identity has been verified.');
    expect(await auditScreen(customer, 'call-end-approved-customer-en')).toEqual([]);
    expect(await auditScreen(agent, 'call-end-approved-agent-en')).toEqual([]);
  });

  it('Chinese session: landing, pre-call check, consent, call with guidance and chat, approve, end screens; Chinese desk consoles', async () => {
    const run = Date.now();
    const created = await bank.createSession({ externalRef: `e2e-screens-zh-${run}`, customerName: '王小明', locale: 'zh' });
    expect(created.customerUrl).toContain('lang=zh');
    const { page: customer, consoleErrors: customerErrors } = await chromium.newParticipant();
    const { page: agent, consoleErrors: agentErrors } = await chromium.newParticipant();
    await customer.setViewportSize({ width: 390, height: 844 });

    // Before the server's welcome the page speaks the link's language.
    await customer.goto(created.customerUrl);
    await customer.getByTestId('landing-screen').waitFor({ state: 'visible' });
    expect(await auditScreen(customer, 'call-landing-zh')).toEqual([]);
    await expectChineseOnly(customer);
    await customer.getByTestId('landing-start').click();
    await customer.getByTestId('precheck-continue').and(customer.locator(':enabled')).waitFor({ timeout: 20_000 });
    expect(await auditScreen(customer, 'call-precheck-zh')).toEqual([]);
    // The device pickers show the devices' own names (Chromium's fake ones here).
    await expectChineseOnly(customer, { allowed: [/fake_device_\d+/g, /Fake Audio Input( \d+)?/g] });
    await customer.getByTestId('precheck-continue').click();
    await customer.getByTestId('consent-screen').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await auditScreen(customer, 'call-consent-zh')).toEqual([]);
    await expectChineseOnly(customer);

    await agent.goto(created.agentUrl);
    await agent.getByTestId('join').waitFor({ state: 'visible' });
    expect(await auditScreen(agent, 'call-join-agent-zh')).toEqual([]);
    await expectChineseOnly(agent);
    await customer.getByTestId('consent-accept').click();
    await agent.getByTestId('join').click();
    await connected(customer);
    await connected(agent);

    await sendChat(agent, '请向摄像头出示证件正面');
    await sendChat(customer, '好的');
    await agent.getByTestId('guidance-hold_id_closer').click();
    await customer.getByTestId('guidance-overlay').waitFor({ state: 'visible' });
    expect(await customer.getByTestId('guidance-overlay').textContent()).toContain('请将身份证件靠近摄像头');
    await waitUntil('chat on both pages', async () => (await customer.getByTestId('chat-message').count()) === 2 && (await agent.getByTestId('chat-message').count()) === 2, 10_000);
    expect(await auditScreen(customer, 'call-customer-zh')).toEqual([]);
    await expectChineseOnly(customer);
    await agent.getByTestId('zoom-in').click();
    await agent.getByTestId('decision-panel').waitFor({ state: 'visible' });
    // The default checklist has its Chinese labels.
    expect(await agent.getByTestId('checklist').textContent()).toContain('面部与证件照片一致');
    expect(await auditScreen(agent, 'call-agent-zoomed-zh')).toEqual([]);
    // The camera risk flags are worded in Chinese too (web/src/quality/risk-flag-text.ts): Chromium's
    // fake camera is flagged, and its label, quoted, is the one Latin text of the flag lines.
    const deviceLabel = /“fake_device_\d+”/g;
    await agent.getByTestId('risk-flag-virtual_camera').waitFor({ state: 'attached', timeout: 10_000 });
    expect(await agent.getByTestId('risk-flag-virtual_camera').textContent()).toMatch(/^虚拟或软件摄像头: 设备名称“fake_device_\d+”/);
    await expectChineseOnly(agent, { only: '.risk-flag', allowed: [deviceLabel] });
    await expectChineseOnly(agent, { allowed: [deviceLabel] });

    await agent.getByTestId('decide-approve').click();
    for (const box of await agent.locator('[data-testid="checklist"] input[data-testid^="checklist-"]').all()) await box.check();
    await agent.getByTestId('decide-submit').click();
    for (const page of [customer, agent]) {
      await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 30_000 });
      expect(await page.getByTestId('end-screen').getAttribute('data-outcome')).toBe('approved');
    }
    expect(await customer.getByTestId('end-reason').textContent()).toBe('您的身份验证已完成。');
    expect(await auditScreen(customer, 'call-end-approved-customer-zh')).toEqual([]);
    expect(await auditScreen(agent, 'call-end-approved-agent-zh')).toEqual([]);
    await expectChineseOnly(customer);
    await expectChineseOnly(agent, { allowed: [deviceLabel] });
    expect([...customerErrors, ...agentErrors].filter((e) => !/favicon/i.test(e))).toEqual([]);

    // An agent and a supervisor who serve only Chinese see their consoles in Chinese.
    const signIn = await bank.signInAgent({ agentId: `e2e.zh.agent.${run}`, name: '李客服', locales: ['zh'] });
    const boss = await bank.signInAgent({ agentId: `e2e.zh.boss.${run}`, name: '张主管', role: 'supervisor', locales: ['zh'] });
    const { page: desk } = await chromium.newParticipant();
    await desk.goto(signIn.consoleUrl);
    await desk.getByTestId('desk-connection').and(desk.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
    expect(await auditScreen(desk, 'agent-console-zh')).toEqual([]);
    await expectChineseOnly(desk, { skip: '[data-testid^="queue-row-"]' });
    const { page: supervisor } = await chromium.newParticipant();
    await supervisor.goto(boss.consoleUrl);
    await supervisor.getByTestId('funnel-step-created').waitFor({ timeout: 15_000 });
    await waitUntil('supervisor lists the Chinese agent', async () => (await supervisor.getByTestId(`sup-agent-e2e.zh.agent.${run}`).count()) === 1, 15_000);
    expect(await supervisor.getByTestId(`sup-agent-e2e.zh.agent.${run}`).textContent()).toContain('中文');
    expect(await auditScreen(supervisor, 'supervisor-view-zh')).toEqual([]);
    // Its rows hold the bank's and the operator's own names and ids (other suites' too): the page's own words are checked.
    await expectChineseOnly(supervisor, { only: 'h1, h2, h3, caption, thead th, label, button, legend, [data-testid="funnel-status"]' });
  });

  it('shows a server error in the page language, never the server English message', async () => {
    const created = await bank.createSession({ externalRef: `e2e-screens-err-${Date.now()}`, customerName: '박서준', locale: 'ko', record: false });
    const { page: customer } = await chromium.newParticipant();
    const { page: agent } = await chromium.newParticipant();
    await customer.goto(created.customerUrl);
    await customerPassesPrecheck(customer);
    await agent.goto(created.agentUrl);
    await agent.getByTestId('join').click();
    await connected(customer);
    // A burst of chat runs into the per-socket limit: the server answers rate_limited.
    await customer.evaluate(async () => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="chat-input"]')!;
      const form = document.querySelector<HTMLFormElement>('[data-testid="chat-form"]')!;
      for (let i = 0; i < 12; i++) {
        input.value = `메시지 ${i}`;
        form.requestSubmit();
      }
    });
    const banner = customer.getByTestId('error-banner');
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await banner.locator('.banner-text').textContent()).toBe('메시지를 너무 빨리 보냈습니다. 잠시 후 다시 보내 주세요.');
    await expectKoreanOnly(customer);
    expect(await auditScreen(customer, 'call-error-banner-ko')).toEqual([]);
    await agent.getByTestId('hang-up').click();
    await customer.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await customer.getByTestId('end-screen').getAttribute('data-outcome')).toBe('other');
  });
});

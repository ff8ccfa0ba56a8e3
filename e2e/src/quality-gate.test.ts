/*
 * The quality gate and the camera-injection signals (issue 15), on the running stack.
 * - A customer camera playing a 160x120 near-black video, from a file named like a virtual camera
 *   (Chromium's file-backed fake camera is labelled with the file's path): the agent's page turns
 *   its gate red naming the resolution and the darkness, the session refuses an approval while it
 *   is red, the agent sees the virtual-camera flag, and aborts for POOR_QUALITY. The audit (signed
 *   API) and the evidence pack's review hold the gate change, the flag and the per-minute summary.
 * - Chromium's default fake camera (`fake_device_0`): a software camera, flagged; its picture
 *   (1280x720 at 20 fps, mid-grey with edges) keeps the gate green.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createBankClient } from '@vident/protocol';
import { E2E_QUALITY_THRESHOLDS } from './e2e-quality.ts';
import { launchChromium, type LaunchedBrowser } from './browser.ts';
import { customerJoinsWithConsent, framesDecoded, waitUntil } from './call-page.ts';
import { evidenceWhenReady } from './stack-probes.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The gate turns red after the hold time; pages measure every 2 s and start once media flows. */
const RED_WITHIN_MS = E2E_QUALITY_THRESHOLDS.holdMs + 20_000;

async function startCall(chromium: LaunchedBrowser, label: string): Promise<{ sessionId: string; customer: Page; agent: Page }> {
  const created = await bank.createSession({ externalRef: `e2e-quality-${label}-${Date.now()}`, customerName: 'Quality Customer', locale: 'en' });
  const customer = (await chromium.newParticipant()).page;
  const agent = (await chromium.newParticipant()).page;
  await customer.goto(created.customerUrl);
  await agent.goto(created.agentUrl);
  await customerJoinsWithConsent(customer);
  await agent.getByTestId('join').click();
  for (const page of [customer, agent]) {
    await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
    await waitUntil('video frames decoded', async () => (await framesDecoded(page)) > 10, 30_000);
  }
  return { sessionId: created.sessionId, customer, agent };
}

async function ticksEveryChecklistItem(agent: Page): Promise<void> {
  await agent.getByTestId('decision-panel').waitFor({ state: 'visible', timeout: 10_000 });
  await agent.getByTestId('decide-approve').click();
  for (const box of await agent.locator('[data-testid="checklist"] input[data-testid^="checklist-"]').all()) await box.check();
}

describe('the quality gate and camera signals', () => {
  describe('a dark 160x120 camera named like a virtual camera', () => {
    let chromium: LaunchedBrowser;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'vident-e2e-quality-'));
      const file = join(dir, 'OBS Virtual Camera.y4m');
      execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x0a0a0a:s=160x120:r=15', '-t', '4', '-pix_fmt', 'yuv420p', file]);
      chromium = await launchChromium({ fakeVideoFile: file });
    });

    afterAll(async () => {
      await chromium?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('turns the gate red with its causes, refuses approval, flags the camera, and the abort, audit and evidence hold it', async () => {
      const { sessionId, customer, agent } = await startCall(chromium, 'dark');
      try {
        const gate = agent.getByTestId('quality-gate');
        await agent.locator('[data-testid="quality-gate"][data-state="red"]').waitFor({ timeout: RED_WITHIN_MS });
        const text = await gate.innerText();
        expect(text).toContain('resolution too low');
        expect(text).toContain('too dark');

        const flag = agent.getByTestId('risk-flag-virtual_camera');
        await flag.waitFor({ timeout: 10_000 });
        expect(await flag.innerText()).toContain('OBS Virtual Camera.y4m');
        // The customer's page never shows the agent's panel.
        expect(await customer.getByTestId('quality-panel').count()).toBe(0);

        // Approval refused while red: the session answers quality_gate_red, the call goes on.
        await ticksEveryChecklistItem(agent);
        await agent.getByTestId('decide-submit').click();
        const banner = agent.getByTestId('error-banner');
        await banner.waitFor({ state: 'visible', timeout: 10_000 });
        expect(await banner.innerText()).toContain('quality gate');
        expect((await bank.getSession(sessionId)).state).toBe('in_call');

        // Long enough for each page's 10-second sample to reach the session, then abort for poor quality.
        await sleep(11_000);
        await agent.getByTestId('quality-abort').click();
        for (const page of [customer, agent]) await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
        const view = await bank.getSession(sessionId);
        expect(view).toMatchObject({ state: 'decided', decision: 'rejected', reasonCodes: ['POOR_QUALITY'] });

        const { entries } = await bank.sessionAudit(sessionId);
        const gates = entries.filter((e) => e.action === 'quality.gate');
        expect(gates[0]).toMatchObject({ actor: 'agent', detail: { state: 'red' } });
        expect(gates[0]!.detail.causes).toEqual(expect.arrayContaining(['resolution', 'brightness']));
        const signals = entries.filter((e) => e.action === 'camera.signal');
        expect(signals.map((e) => e.detail.kind)).toContain('virtual_camera');
        expect(signals.every((e) => e.actor === 'customer')).toBe(true);
        expect(entries.find((e) => e.action === 'session.aborted')?.detail).toMatchObject({ reason: 'POOR_QUALITY' });
        // Samples are not audited: the trail gets the gate's changes only.
        expect(entries.filter((e) => e.action.startsWith('quality.')).every((e) => e.action === 'quality.gate')).toBe(true);

        const pack = await evidenceWhenReady(bank, sessionId, 120_000);
        const quality = pack.signed.manifest.review?.quality;
        expect(quality?.thresholds).toEqual(E2E_QUALITY_THRESHOLDS);
        expect(quality?.gateChanges[0]).toMatchObject({ state: 'red' });
        expect(quality?.riskFlags.map((f) => f.kind)).toContain('virtual_camera');
        const received = quality?.minutes.find((m) => m.side === 'received');
        const sent = quality?.minutes.find((m) => m.side === 'sent');
        expect(received?.width).toMatchObject({ max: 160 });
        expect(received?.brightness?.max).toBeLessThan(E2E_QUALITY_THRESHOLDS.minBrightness);
        expect(sent?.height).toMatchObject({ max: 120 });
        expect(pack.signed.manifest.artifacts.some((a) => a.kind === 'assessment')).toBe(true);
      } finally {
        await bank.deleteSession(sessionId).catch(() => undefined);
        await Promise.all([customer.context().close(), agent.context().close()]);
      }
    });
  });

  describe("Chromium's default fake camera", () => {
    let chromium: LaunchedBrowser;
    beforeAll(async () => {
      chromium = await launchChromium();
    });
    afterAll(async () => {
      await chromium?.close();
    });

    it('is flagged as a software camera and keeps the gate green', async () => {
      const { sessionId, customer, agent } = await startCall(chromium, 'fake-device');
      try {
        const flag = agent.getByTestId('risk-flag-virtual_camera');
        await flag.waitFor({ timeout: 15_000 });
        expect(await flag.innerText()).toContain('fake_device_0');
        // Past the hold time with measurements running: still green.
        await sleep(E2E_QUALITY_THRESHOLDS.holdMs + 4_000);
        const gate = agent.getByTestId('quality-gate');
        expect(await gate.getAttribute('data-state')).toBe('green');
        expect(await gate.innerText()).toContain('meets the gate');
        const { entries } = await bank.sessionAudit(sessionId);
        expect(entries.filter((e) => e.action === 'quality.gate')).toEqual([]);
        expect(entries.find((e) => e.action === 'camera.signal')?.detail).toMatchObject({ kind: 'virtual_camera' });
      } finally {
        await bank.deleteSession(sessionId).catch(() => undefined);
        await Promise.all([customer.context().close(), agent.context().close()]);
      }
    });
  });
});

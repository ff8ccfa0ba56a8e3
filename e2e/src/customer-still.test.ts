/*
 * Full-resolution stills from the customer's device and the customer's document screen (issue 17),
 * on the running stack. The customer's fake camera is asked for 1920x1080 (Chromium's fake device
 * honours the constraints); when the agent presses capture, the customer's page takes a still of
 * its own camera track, seals it for the bank and uploads it with the customer's token: it arrives
 * at 1920x1080, sealed, and opens with the bank's private key. The agent's own still of the
 * received video is in the evidence too, at the received resolution. During the ID step the
 * customer's page shows the document layout (its own camera large, unmirrored, the card frame;
 * axe-clean at phone and desktop size), and the face layout after.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createBankClient, importBankPrivateKey, openBytes, type ArtifactView } from '@vident/protocol';
import { launchChromium, type LaunchedBrowser } from './browser.ts';
import { customerJoinsWithConsent, framesDecoded, waitUntil } from './call-page.ts';
import { probe } from './media-files.ts';
import { auditScreen } from './page-audit.ts';
import { evidenceWhenReady } from './stack-probes.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

/** The camera's full resolution in this test: what the customer's page asks the fake device for. */
const CAMERA = { width: 1920, height: 1080 };

/**
 * Asks every getUserMedia of the page for a 1920x1080 camera, as a phone with a 1080p camera would
 * deliver (the page itself asks 1280x720 for the call's video; the still is the camera's own size).
 */
function cameraAt(size: { width: number; height: number }): string {
  return `(() => {
    const devices = navigator.mediaDevices;
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints) => {
      if (!constraints || !constraints.video) return original(constraints);
      const video = typeof constraints.video === 'object' ? constraints.video : {};
      return original({ ...constraints, video: { ...video, width: { ideal: ${size.width} }, height: { ideal: ${size.height} } } });
    };
  })();`;
}

/** The customer page's layouts in the order it showed them (a MutationObserver on data-layout). */
async function watchLayouts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const screen = document.querySelector<HTMLElement>('[data-testid="call-screen"]')!;
    const seen: string[] = [screen.dataset.layout ?? ''];
    (window as unknown as { layouts: string[] }).layouts = seen;
    new MutationObserver(() => {
      const now = screen.dataset.layout ?? '';
      if (seen[seen.length - 1] !== now) seen.push(now);
    }).observe(screen, { attributes: true, attributeFilter: ['data-layout'] });
  });
}

function layoutsSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { layouts: string[] }).layouts);
}

async function layoutIs(page: Page, layout: 'face' | 'document', timeoutMs: number): Promise<void> {
  await page.locator(`[data-testid="call-screen"][data-layout="${layout}"]`).waitFor({ timeout: timeoutMs });
}

/** Opens a downloaded sealed artifact with the bank's key and probes the image inside. */
async function openedImage(url: string): Promise<{ contentType: string; width: number | null; height: number | null }> {
  const sealed = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const opened = await openBytes(await importBankPrivateKey(readFileSync(stack.bankPrivateKeyFile, 'utf8')), sealed);
  const file = join(mkdtempSync(join(tmpdir(), 'vident-e2e-still-')), 'still.jpg');
  writeFileSync(file, opened.plain);
  const stream = (await probe(file)).streams[0]!;
  expect(stream).toMatchObject({ type: 'video', codec: 'mjpeg' });
  return { contentType: opened.header.contentType, width: stream.width, height: stream.height };
}

describe("stills from the customer's device and the document screen", () => {
  let chromium: LaunchedBrowser;

  beforeAll(async () => {
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('takes the ID still on the customer camera at 1920x1080, sealed for the bank, beside the agent capture', async () => {
    const created = await bank.createSession({ externalRef: `e2e-still-${Date.now()}`, customerName: 'Still Customer', locale: 'en' });
    const c = await chromium.newParticipant();
    const a = await chromium.newParticipant();
    await c.context.addInitScript(cameraAt(CAMERA));
    const customer = c.page;
    const agent = a.page;
    await customer.setViewportSize({ width: 390, height: 844 });
    await customer.goto(created.customerUrl);
    await customerJoinsWithConsent(customer);
    await agent.goto(created.agentUrl);
    await agent.getByTestId('join').click();
    for (const page of [customer, agent]) {
      await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
      await waitUntil('video frames decoded', async () => (await framesDecoded(page)) > 10, 30_000);
    }
    const settings = await customer.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="local-video"]')!;
      const track = (video.srcObject as MediaStream).getVideoTracks()[0]!;
      return track.getSettings();
    });
    expect({ width: settings.width, height: settings.height }).toEqual(CAMERA);
    await layoutIs(customer, 'face', 5_000);
    await watchLayouts(customer);

    // An ID guidance turns the customer's screen into the document view: own camera large and
    // unmirrored with the card frame. Checked with axe at phone and desktop size, in en.
    await agent.getByTestId('guidance-hold_id_closer').click();
    await layoutIs(customer, 'document', 10_000);
    expect(await customer.getByTestId('card-frame').isVisible()).toBe(true);
    expect(await customer.getByTestId('local-video').evaluate((v) => getComputedStyle(v).transform)).toBe('none');
    const tiles = await customer.evaluate(() => {
      const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
      return { local: box('.local-tile').width, remote: box('.remote-tile').width };
    });
    expect(tiles.local).toBeGreaterThan(tiles.remote * 2);
    expect(await auditScreen(customer, 'customer-document-step')).toEqual([]);

    // The agent captures the ID front: its own still of the received video, and the customer's.
    await agent.getByTestId('capture-id_front').click();
    const thumb = agent.getByTestId('capture-thumb-id_front');
    await thumb.and(agent.locator('[data-artifact-id]')).waitFor({ timeout: 20_000 });
    const own = { width: Number(await thumb.getAttribute('data-width')), height: Number(await thumb.getAttribute('data-height')) };
    expect(own.width).toBeGreaterThan(0);
    const still = agent.getByTestId('customer-still-id_front');
    await still.and(agent.locator('[data-state="stored"]')).waitFor({ timeout: 30_000 });
    expect({ width: Number(await still.getAttribute('data-width')), height: Number(await still.getAttribute('data-height')) }).toEqual(CAMERA);
    const stillId = (await still.getAttribute('data-artifact-id'))!;
    const ownId = (await thumb.getAttribute('data-artifact-id'))!;

    // Back to the face layout shortly after the still, without any other message.
    await layoutIs(customer, 'face', 10_000);
    expect(await customer.getByTestId('card-frame').isHidden()).toBe(true);
    expect(await layoutsSeen(customer)).toEqual(['face', 'document', 'face']);
    expect(await customer.getByTestId('local-video').evaluate((v) => getComputedStyle(v).transform)).not.toBe('none');

    // The face capture stays on the face layout; its still arrives too.
    await agent.getByTestId('capture-face').click();
    await agent.getByTestId('customer-still-face').and(agent.locator('[data-state="stored"]')).waitFor({ timeout: 30_000 });
    // The agent's own face still is stored too before the session ends (it uploads on its own, and a
    // session deleted first refuses it: CI saw the audit without it).
    await agent.getByTestId('capture-thumb-face').and(agent.locator('[data-artifact-id]')).waitFor({ timeout: 20_000 });
    expect(await layoutsSeen(customer)).toEqual(['face', 'document', 'face']);

    // The evidence: both stills of the ID front with their resolutions; the bank's key opens both.
    await bank.deleteSession(created.sessionId);
    const pack = await evidenceWhenReady(bank, created.sessionId, 120_000);
    const byId = (id: string) => pack.signed.manifest.artifacts.find((x) => x.artifactId === id) as ArtifactView;
    expect(byId(stillId)).toMatchObject({ kind: 'capture', capture: 'id_front', participant: 'customer', source: 'customer_camera', ...CAMERA });
    expect(byId(ownId)).toMatchObject({ kind: 'capture', capture: 'id_front', participant: 'customer', source: 'received_video', ...own });
    const url = (id: string) => pack.downloads.find((d) => d.artifactId === id)!.url;
    expect(await openedImage(url(stillId))).toEqual({ contentType: 'image/jpeg', ...CAMERA });
    expect(await openedImage(url(ownId))).toEqual({ contentType: 'image/jpeg', ...own });

    const audit = await bank.sessionAudit(created.sessionId);
    const stored = audit.entries.filter((e) => e.action === 'capture.stored').map((e) => [e.actor, e.detail.capture]);
    expect(stored).toEqual(expect.arrayContaining([['customer', 'id_front'], ['agent', 'id_front'], ['customer', 'face'], ['agent', 'face']]));
    expect(audit.entries.filter((e) => e.action === 'still.requested')).toHaveLength(2);
    expect(c.consoleErrors).toEqual([]);
  });
});

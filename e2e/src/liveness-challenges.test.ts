/*
 * Liveness challenges in Chromium on the running stack (issue 15). The customer's fake camera plays a
 * y4m made here from the face fixture: a head turn (the photo drawn in vertical strips under a
 * horizontal perspective, which Human's face mesh reads as a yaw change: about 27 degrees towards
 * the customer's left at full warp, measured with Human 3.3.6), or the same photo held still. The
 * agent issues `turn_left` from the catalog (the agent's own choice, a product feature: no test
 * hook), its page measures it on the received video and reports done for the turning head and
 * failed for the still one; the agent's "start" draws 2-3 distinct actions at random, which the
 * customer's page shows. Every result is in the audit trail (signed API) and in the sealed
 * assessment the bank opens with its private key, and in the manifest's review.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBankClient, EvidenceAssessment, importBankPrivateKey, openBytes, type RecordedChallenge } from '@vident/protocol';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPerSuite, type LaunchedBrowser } from './browser.ts';
import { customerJoinsWithConsent, framesDecoded, waitUntil } from './call-page.ts';
import { readFaceFixtures } from './face-scenes.ts';
import { evidenceWhenReady } from './stack-probes.ts';

const run = promisify(execFile);
const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

const FPS = 10;

/** A fixture face as a data URL the drawing page can load. */
const faceDataUrl = (bytes: readonly number[]) => `data:image/jpeg;base64,${Buffer.from(bytes).toString('base64')}`;

/** A Chromium whose fake camera plays `video` (one file per browser: the customer's). */
function cameraBrowser(video: string): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_FLAGS, `--use-file-for-fake-video-capture=${video}`] });
}

/**
 * The warp of each frame: 0 is the photo as it is, -2.5 the head turned to the customer's left
 * (towards the image's right: the image's left half widened and taller, the right half narrowed).
 * 8 s a loop: 4 s at rest, 0.5 s turning, 2 s turned, 0.5 s back, 1 s at rest. The rule takes the
 * rest pose as the median yaw of the frames measured (challenge-rules.ts: a head is mostly at rest),
 * so the loop is mostly rest too: with 3.5 s of 6 turning or turned, as it was, the median of a window
 * could fall on the turn and leave too little of it to count.
 */
function turnWarps(): number[] {
  const warps: number[] = [];
  for (let i = 0; i < 80; i++) {
    const k = i < 40 ? 0 : i < 45 ? ((i - 40) / 5) * -2.5 : i < 65 ? -2.5 : i < 70 ? ((70 - i) / 5) * -2.5 : 0;
    warps.push(k);
  }
  return warps;
}

/** Runs in a page: the face drawn in 130 vertical strips under a horizontal perspective of strength k, as a PNG data URL. */
async function drawTurnedFace(args: { face: string; k: number }): Promise<string> {
  const image = new Image();
  image.src = args.face;
  await image.decode();
  const W = 640;
  const H = 480;
  const c = document.createElement('canvas');
  c.width = W;
  c.height = H;
  const g = c.getContext('2d')!;
  g.fillStyle = '#4a5060';
  g.fillRect(0, 0, W, H);
  const size = 260;
  const x0 = 190;
  const y0 = 110;
  const strips = 130;
  const k = args.k;
  const map = (u: number) => (k === 0 ? u : (Math.exp(k * u) - 1) / (Math.exp(k) - 1));
  for (let i = 0; i < strips; i++) {
    const u0 = i / strips;
    const u1 = (i + 1) / strips;
    const s = 1 + 0.3 * k * ((u0 + u1) / 2 - 0.5);
    const m0 = map(u0);
    const m1 = map(u1);
    g.drawImage(image, u0 * image.naturalWidth, 0, (u1 - u0) * image.naturalWidth, image.naturalHeight, x0 + m0 * size, y0 + size / 2 - (size * s) / 2, (m1 - m0) * size + 0.5, size * s);
  }
  return c.toDataURL('image/png');
}

/** A y4m of the warps at FPS (Chromium's fake camera loops it). */
async function buildWarpVideo(page: Page, face: string, warps: readonly number[], dir: string, name: string): Promise<string> {
  const pngs = new Map<number, string>();
  for (const k of new Set(warps)) {
    const file = join(dir, `${name}-${pngs.size}.png`);
    writeFileSync(file, Buffer.from((await page.evaluate(drawTurnedFace, { face, k })).replace(/^data:image\/png;base64,/, ''), 'base64'));
    pngs.set(k, file);
  }
  const list = join(dir, `${name}.txt`);
  writeFileSync(list, warps.map((k) => `file '${pngs.get(k)}'\nduration ${1 / FPS}\n`).join(''));
  const out = join(dir, `${name}.y4m`);
  await run('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-vf', `fps=${FPS},format=yuv420p`, out]);
  return out;
}

/** The customer's and the agent's pages in one call, the customer's camera playing `video`. */
async function startCall(agentBrowser: LaunchedBrowser, video: string) {
  const created = await bank.createSession({ externalRef: `e2e-challenge-${Date.now()}`, customerName: 'KIM MINJUN', locale: 'en' });
  const customerBrowser = await cameraBrowser(video);
  const customer = await (await customerBrowser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const consoleErrors: string[] = [];
  customer.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  const { page: agent } = await agentBrowser.newParticipant();
  await customer.goto(created.customerUrl);
  try {
    await customerJoinsWithConsent(customer);
  } catch (error) {
    const shown = await customer.locator('section.screen:not([hidden])').evaluateAll((els) => els.map((el) => `${el.id}: ${el.textContent?.slice(0, 300)}`));
    throw new Error(`${String(error)}\nshown: ${shown.join('\n')}\nerrors: ${consoleErrors.join('\n')}`);
  }
  await agent.goto(created.agentUrl);
  await agent.getByTestId('join').click();
  await agent.getByTestId('connection-status').and(agent.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
  await waitUntil('the customer video decoded', async () => (await framesDecoded(agent)) > 5, 30_000);
  return { created, customerBrowser, customer, agent };
}

/** The agent issues `action` from the catalog; answers the new challenge's id once its row shows. */
async function issue(agent: Page, action: string): Promise<string> {
  const before = await challengeIds(agent);
  await agent.getByTestId('challenge-action').selectOption(action);
  await agent.getByTestId('challenge-issue').click();
  let id = '';
  await waitUntil(`challenge ${action} issued`, async () => {
    id = (await challengeIds(agent)).find((x) => !before.includes(x)) ?? '';
    return id !== '';
  }, 15_000);
  return id;
}

async function challengeIds(agent: Page): Promise<string[]> {
  return agent.locator('[data-testid^="challenge-status-"]').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.testid!.slice('challenge-status-'.length)));
}

/** The challenge's final status on the agent's panel (recorded by the session: done or failed). */
async function finalStatus(agent: Page, id: string, timeoutMs: number): Promise<{ status: string; text: string }> {
  const status = agent.getByTestId(`challenge-status-${id}`);
  await agent.locator(`[data-testid="challenge-status-${id}"][data-status="done"], [data-testid="challenge-status-${id}"][data-status="failed"]`).waitFor({ timeout: timeoutMs });
  return { status: (await status.getAttribute('data-status')) ?? '', text: (await agent.getByTestId(`challenge-${id}`).textContent()) ?? '' };
}

/** Ends the call with a rejection (the evidence is then sealed). */
async function reject(agent: Page): Promise<void> {
  await agent.getByTestId('decide-reject').click();
  await agent.getByTestId('reason-POOR_QUALITY').check();
  await agent.getByTestId('decide-submit').click();
  await agent.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 20_000 });
}

/** The sealed assessment of the session's evidence, opened with the bank's private key. */
async function sealedChallenges(sessionId: string): Promise<{ sealed: RecordedChallenge[]; review: RecordedChallenge[] }> {
  let sealed: RecordedChallenge[] = [];
  let review: RecordedChallenge[] = [];
  const key = await importBankPrivateKey(readFileSync(stack.bankPrivateKeyFile, 'utf8'));
  await waitUntil('the assessment sealed with the challenges', async () => {
    const pack = await evidenceWhenReady(bank, sessionId, 120_000);
    const artifact = pack.signed.manifest.artifacts.find((a) => a.kind === 'assessment');
    const download = artifact && pack.downloads.find((d) => d.artifactId === artifact.artifactId);
    if (!download) return false;
    const opened = await openBytes(key, new Uint8Array(await (await fetch(download.url)).arrayBuffer()));
    sealed = EvidenceAssessment.parse(JSON.parse(new TextDecoder().decode(opened.plain))).challenges ?? [];
    review = pack.signed.manifest.review?.challenges ?? [];
    return sealed.length > 0;
  }, 120_000);
  return { sealed, review };
}

describe('liveness challenges', () => {
  const agentBrowser = chromiumPerSuite();
  let dir: string;
  let videos: { turning: string; still: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vident-e2e-challenges-'));
    const face = faceDataUrl(readFaceFixtures().personALive);
    // A blank page draws them (the stack's own pages' CSP keeps data: images out).
    const { page, context } = await agentBrowser.newParticipant();
    videos = {
      turning: await buildWarpVideo(page, face, turnWarps(), dir, 'turning'),
      still: await buildWarpVideo(page, face, Array.from({ length: 20 }, () => 0), dir, 'still'),
    };
    await context.close();
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a head turn on camera is measured done; a random draw shows on both pages; audited and sealed into the evidence', async () => {
    const { created, customerBrowser, customer, agent } = await startCall(agentBrowser, videos.turning);
    try {
      const id = await issue(agent, 'turn_left');
      // The customer's page shows the action while it is open.
      const prompt = customer.getByTestId('challenge-prompt');
      await prompt.and(customer.locator(`[data-id="${id}"]`)).waitFor({ state: 'visible', timeout: 15_000 });
      expect(await prompt.getAttribute('data-action')).toBe('turn_left');
      const turned = await finalStatus(agent, id, 90_000);
      expect(turned.status, turned.text).toBe('done');
      await prompt.waitFor({ state: 'hidden', timeout: 15_000 });

      // The session's own draw: 2 or 3 distinct actions, shown to the customer one at a time.
      const before = await challengeIds(agent);
      await agent.getByTestId('challenge-draw').click();
      await waitUntil('a draw of 2-3 challenges', async () => (await challengeIds(agent)).length - before.length >= 2, 15_000);
      const drawn = await agent.locator('[data-testid^="challenge-"][data-action]').evaluateAll((els) => els.slice(1).map((el) => (el as HTMLElement).dataset.action));
      expect(drawn.length).toBeGreaterThanOrEqual(2);
      expect(drawn.length).toBeLessThanOrEqual(3);
      expect(new Set(drawn).size).toBe(drawn.length);
      await customer.getByTestId('challenge-prompt').and(customer.locator(`[data-action="${drawn[0]}"]`)).waitFor({ state: 'visible', timeout: 15_000 });

      const audit = await bank.sessionAudit(created.sessionId);
      const issued = audit.entries.filter((e) => e.action === 'challenge.issued');
      expect(issued.map((e) => e.detail.origin)).toEqual(['chosen', ...drawn.map(() => 'drawn')]);
      const results = audit.entries.filter((e) => e.action === 'challenge.result');
      expect(results).toHaveLength(1);
      expect(results[0]!.detail).toMatchObject({ id, action: 'turn_left', outcome: 'done' });
      expect(Number((results[0]!.detail.figures as Record<string, number>).yawPeak)).toBeGreaterThanOrEqual(20);

      await reject(agent);
      const { sealed, review } = await sealedChallenges(created.sessionId);
      expect(sealed.map((c) => c.action)).toEqual(['turn_left', ...drawn]);
      expect(sealed[0]).toMatchObject({ id, origin: 'chosen', result: { outcome: 'done' } });
      expect(review).toEqual(sealed);
    } finally {
      await customerBrowser.close();
    }
  });

  it('a still face fails the same challenge at its deadline', async () => {
    const { created, customerBrowser, agent } = await startCall(agentBrowser, videos.still);
    try {
      const id = await issue(agent, 'turn_left');
      const still = await finalStatus(agent, id, 90_000);
      expect(still.status, still.text).toBe('failed');
      const audit = await bank.sessionAudit(created.sessionId);
      const result = audit.entries.find((e) => e.action === 'challenge.result');
      expect(result?.detail).toMatchObject({ id, action: 'turn_left', outcome: 'failed' });
      const figures = result!.detail.figures as Record<string, number>;
      expect(figures.faceFrames).toBeGreaterThan(0);
      expect(Math.abs(figures.yawPeak!)).toBeLessThan(20);
      await reject(agent);
      const { sealed } = await sealedChallenges(created.sessionId);
      expect(sealed).toMatchObject([{ id, action: 'turn_left', result: { outcome: 'failed' } }]);
    } finally {
      await customerBrowser.close();
    }
  });
});

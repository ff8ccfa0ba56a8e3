/*
 * HD video and a bad TCP path (issue 17), on the running stack: on a clean path the agent receives
 * the customer's camera at 1280x720 (Chromium's fake camera gives what the page asks for) once it
 * guides the ID (the customer's sender then keeps resolution; the face goes at the step of its
 * ladder, send-ladder.ts, lower on a busy machine: that figure is recorded, not asserted); on the
 * `lossy` profile (2 % of packets dropped each way on Janus's veth, infra/net-profile.ts) the call
 * keeps decoding on the same legs and sockets, no page reconnect, and its frame rate comes back once
 * the profile is removed. Figures go to e2e/test-results/network-profiles.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createBankClient } from '@vident/protocol';
import { applyNetProfile, JANUS_API_PORTS, janusHostVeth, NET_PROFILES } from '../../infra/net-profile.ts';
import { launchChromium, type LaunchedBrowser } from './browser.ts';
import { callStats, customerJoinsWithConsent, framesDecoded, waitUntil } from './call-page.ts';
import { receivedVideo, videoWindow, type ReceivedVideo } from './received-video.ts';
import { recordStatuses, statusesSeen } from './status-log.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Call {
  sessionId: string;
  customer: Page;
  agent: Page;
  /** Session WebSockets each page opened (a second one is a reconnect: a new `welcome`). */
  sockets: { customer: string[]; agent: string[] };
}

describe('HD video, and a call on a lossy TCP path', () => {
  let chromium: LaunchedBrowser;
  const figures: Record<string, unknown> = {};
  let cleanFps = 0;

  beforeAll(async () => {
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'network-profiles.json'), JSON.stringify(figures, null, 2));
  });

  async function startCall(label: string): Promise<Call> {
    const created = await bank.createSession({ externalRef: `e2e-${label}-${Date.now()}`, customerName: 'HD Customer', locale: 'en' });
    const c = await chromium.newParticipant();
    const a = await chromium.newParticipant();
    const sockets = { customer: [] as string[], agent: [] as string[] };
    c.page.on('websocket', (ws) => ws.url().includes('/v1/sessions/') && sockets.customer.push(ws.url()));
    a.page.on('websocket', (ws) => ws.url().includes('/v1/sessions/') && sockets.agent.push(ws.url()));
    await c.page.goto(created.customerUrl);
    await a.page.goto(created.agentUrl);
    await customerJoinsWithConsent(c.page);
    await a.page.getByTestId('join').click();
    for (const page of [c.page, a.page]) {
      await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
      await waitUntil('video frames decoded', async () => (await framesDecoded(page)) > 10, 30_000);
    }
    return { sessionId: created.sessionId, customer: c.page, agent: a.page, sockets };
  }

  async function endCall(call: Call): Promise<void> {
    await bank.deleteSession(call.sessionId).catch(() => undefined);
    await Promise.all([call.customer.context().close(), call.agent.context().close()]);
  }

  const agentVideo = async (call: Call): Promise<ReceivedVideo> => {
    const v = await receivedVideo(call.agent);
    if (!v) throw new Error('the agent receives no video');
    return v;
  };

  it('delivers the customer\'s camera to the agent at 1280x720 on a clean path once the agent guides the ID', async () => {
    const call = await startCall('hd');
    try {
      const sent = async () => (await callStats(call.customer)).publisher?.outboundVideo ?? null;
      // The face first (send-ladder.ts): its step follows the bandwidth estimate and the CPU,
      // so the figure is kept, not asserted. The bandwidth estimator starts low (300 kbit/s) and ramps.
      await sleep(10_000);
      const face = await agentVideo(call);
      figures.faceMode = { received: `${face.width}x${face.height}`, fps: face.fps, sender: await sent() };

      // The agent asks for the ID: the customer's sender keeps resolution (maintain-resolution).
      await call.agent.getByTestId('guidance-hold_id_closer').click();
      const started = Date.now();
      let last: ReceivedVideo = face;
      try {
        await waitUntil('1280x720 received', async () => {
          last = await agentVideo(call);
          return last.width === 1280 && last.height === 720;
        }, 20_000);
      } catch (error) {
        throw new Error(`${String(error)}: last ${last.width}x${last.height} at ${last.fps} fps; sender ${JSON.stringify(await sent())}`);
      }
      const first = await agentVideo(call);
      await sleep(5_000);
      const window = videoWindow(first, await agentVideo(call), 5);
      cleanFps = window.fps;
      figures.documentMode = { secondsTo720p: (Date.now() - started) / 1000, ...window, rtt: first.rtt, sender: await sent() };
      expect(window.sameLeg).toBe(true);
      expect(window.fps).toBeGreaterThan(5);
    } finally {
      await endCall(call);
    }
  });

  it('keeps decoding on the lossy profile without a page reconnect, and recovers its frame rate once it is removed', async () => {
    const janus = { namespace: stack.janusNamespace, ...janusHostVeth(stack.janusNamespace), sparePorts: JANUS_API_PORTS };
    // Before the call: the media connections must start under it (a TCP socket keeps the GSO size it started with).
    const lossy = await applyNetProfile(janus, NET_PROFILES.lossy);
    let call: Call | undefined;
    try {
      call = await startCall('lossy');
      await recordStatuses(call.customer);
      await recordStatuses(call.agent);
      const socketsAtStart = { customer: call.sockets.customer.length, agent: call.sockets.agent.length };
      const windows = [];
      let previous = await agentVideo(call);
      for (let i = 0; i < 5; i++) {
        await sleep(5_000);
        const now = await agentVideo(call);
        windows.push(videoWindow(previous, now, 5));
        previous = now;
      }
      const dropped = await lossy.dropped();
      await lossy.remove();
      figures.lossy = { dropped, windows };
      // Packets really were lost, and still every 5 s of the call decoded frames on the same leg.
      expect(dropped).toBeGreaterThan(0);
      for (const w of windows) {
        expect(w.sameLeg).toBe(true);
        expect(w.fps).toBeGreaterThan(1);
      }

      // Profile removed: the frame rate comes back to 80 % of the clean call's (or 15 fps, if that test did not run).
      const target = cleanFps > 0 ? 0.8 * cleanFps : 15;
      const removedAt = Date.now();
      let recovered = null;
      let before = await agentVideo(call);
      while (Date.now() - removedAt < 20_000) {
        await sleep(3_000);
        const now = await agentVideo(call);
        const w = videoWindow(before, now, 3);
        expect(w.sameLeg).toBe(true);
        before = now;
        if (w.fps >= target) {
          recovered = { afterSeconds: (Date.now() - removedAt) / 1000, ...w };
          break;
        }
      }
      figures.lossyRecovered = { target, recovered };
      expect(recovered, `frame rate back to ${target.toFixed(1)} fps within 20 s`).not.toBeNull();

      // No page reconnected: one session socket each, never "reconnecting".
      expect(call.sockets.customer.length).toBe(socketsAtStart.customer);
      expect(call.sockets.agent.length).toBe(socketsAtStart.agent);
      expect(socketsAtStart).toEqual({ customer: 1, agent: 1 });
      for (const page of [call.customer, call.agent]) expect(await statusesSeen(page)).toEqual(['connected']);
    } finally {
      await lossy.remove();
      if (call) await endCall(call);
    }
  });
});

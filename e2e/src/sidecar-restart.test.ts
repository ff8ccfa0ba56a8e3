/*
 * The media node's sidecar dies mid-call (SIGKILL: no goodbye) and its supervisor starts it again.
 * Media never passes through the sidecar, and Janus keeps the sidecar's session for its reclaim
 * window: the new sidecar claims it and takes every leg over from its state file. The call must
 * carry on untouched (same PeerConnections, frames decoded throughout, no renegotiation), the
 * taken-over legs must obey commands (a camera toggle), and the session must end cleanly: one
 * recording per participant covering the whole call across the restart, no room left behind.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createBankClient } from '@vident/protocol';
import { launchChromium } from './browser.ts';
import { framesDecoded, joinCall, selectedPairs, waitUntil } from './call-page.ts';
import { evidenceWhenReady, sidecarGauge } from './stack-probes.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

const sidecarPid = () => Number(readFileSync(stack.sidecarPidFile, 'utf8'));

const gauge = (name: string) => sidecarGauge(stack.metricsUrl, name);

/** The TCP connection each leg of a page uses: a renegotiated leg would connect from a new port. */
async function pairIds(page: Page): Promise<string[]> {
  return (await selectedPairs(page)).map(({ local, remote }) => `${local.address}:${local.port}->${remote.address}:${remote.port}`);
}

describe('the sidecar restarts mid-call', () => {
  it('keeps the call going, takes its legs over, and ends the session cleanly', async () => {
    const chromium = await launchChromium();
    try {
      const created = await bank.createSession({ externalRef: `e2e-sidecar-restart-${Date.now()}`, customerName: 'Restart Customer', locale: 'en' });
      const sessionId = created.sessionId;
      const { customer, agent } = await joinCall(chromium, created);
      for (const page of [customer, agent]) await waitUntil('frames decoded', async () => (await framesDecoded(page)) > 10, 60_000);
      await waitUntil('sidecar holds both legs of both', async () => (await gauge('vident_publishers')) === 2 && (await gauge('vident_subscribers')) === 2, 30_000);
      const pairsBefore = await Promise.all([customer, agent].map(pairIds));

      const killed = sidecarPid();
      process.kill(-killed, 'SIGKILL');
      const framesAtKill = await Promise.all([customer, agent].map(framesDecoded));
      // While no sidecar runs, media still flows: Janus keeps the session for the reclaim window.
      await new Promise((r) => setTimeout(r, 1500));
      const framesWhileDown = await Promise.all([customer, agent].map(framesDecoded));
      await waitUntil('sidecar restarted', async () => sidecarPid() !== killed, 30_000);
      // The new sidecar took the legs over: it counts them without anyone publishing again.
      await waitUntil('legs taken over', async () => (await gauge('vident_publishers')) === 2 && (await gauge('vident_subscribers')) === 2, 30_000);
      expect(await gauge('vident_sessions')).toBe(1);
      for (const [i, page] of [customer, agent].entries()) {
        expect(framesWhileDown[i]!, 'frames decoded while the sidecar was down').toBeGreaterThan(framesAtKill[i]! + 5);
        const now = await framesDecoded(page);
        await waitUntil('frames keep coming', async () => (await framesDecoded(page)) > now + 10, 15_000);
        expect(await page.getByTestId('connection-status').getAttribute('data-state')).toBe('connected');
      }
      // Same PeerConnections and pairs: nothing was renegotiated, nobody was moved.
      expect(await Promise.all([customer, agent].map(pairIds))).toEqual(pairsBefore);
      const actions = (await bank.sessionAudit(sessionId)).entries.map((e) => e.action);
      expect(actions).not.toContain('media.reset');
      expect(actions).not.toContain('media.failover');

      // A command on a taken-over leg: the customer's camera off and on again reaches the agent.
      await customer.getByTestId('cam-toggle').click();
      await agent.getByTestId('remote-cam-state').and(agent.locator('[data-state="off"]')).waitFor({ timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 1500));
      const stalledAt = await framesDecoded(agent);
      await new Promise((r) => setTimeout(r, 2000));
      expect(await framesDecoded(agent), 'the node stopped relaying the muted camera').toBeLessThanOrEqual(stalledAt + 2);
      await customer.getByTestId('cam-toggle').click();
      await waitUntil('video resumes', async () => (await framesDecoded(agent)) > stalledAt + 10, 15_000);

      // The session ends cleanly: both pages told, the room destroyed, each recording whole.
      await agent.getByTestId('hang-up').click();
      for (const page of [customer, agent]) await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 30_000 });
      await waitUntil('room destroyed', async () => (await gauge('vident_sessions')) === 0, 30_000);
      const pack = await evidenceWhenReady(bank, sessionId, 180_000);
      const view = await bank.getSession(sessionId);
      const callSeconds = (Date.parse(view.endedAt!) - Date.parse(view.startedAt!)) / 1000;
      const recordings = pack.signed.manifest.artifacts.filter((a) => a.kind === 'recording');
      // One segment each: the recorder never stopped across the restart.
      expect(recordings.map((a) => `${a.participant}-${a.segment}`).sort()).toEqual(['agent-1', 'customer-1']);
      for (const a of recordings) expect(a.durationMs! / 1000, `${a.participant}'s recording covers the call`).toBeGreaterThan(callSeconds - 2);
    } finally {
      await chromium.close();
    }
  });
});

/*
 * A media node dies mid-call. Its own stack (two media nodes, each Janus in its own namespace with
 * all UDP dropped, one control plane), so the shared single-node stack of the other files stays as
 * it is. The session's Janus is SIGKILLed during a recorded call; both browsers must get media
 * again through the other node without anyone reloading, and the evidence must hold the recording
 * segments of both nodes. Figures (detection, media back) are printed and saved, not asserted
 * against a speed goal: speed belongs in benchmarks.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { VidentApiError, type EvidencePack } from '@vident/protocol';
import { startStack, type Stack } from '../../infra/stack.ts';
import { launchChromium, type LaunchedBrowser } from './browser.ts';
import { callStats, customerJoinsWithConsent, waitUntil } from './call-page.ts';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

/** Video frames this page decoded from a subscriber leg connected to `address`. */
async function framesFrom(page: Page, address: string): Promise<number> {
  const leg = (await callStats(page)).subscriber;
  if (leg?.selectedPair?.remote.address !== address) return 0;
  return leg.inboundVideo?.framesDecoded ?? 0;
}

describe('failover: a node dies mid-call', () => {
  let stack: Stack;
  let chromium: LaunchedBrowser;
  let customer: Page;
  let agent: Page;
  let sessionId: string;

  beforeAll(async () => {
    stack = await startStack({ stateDir: mkdtempSync(join(tmpdir(), 'vident-e2e-failover-')), mediaNodes: 2, dropUdp: true });
    chromium = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
  });

  it('moves both browsers to the other node and records on both', async () => {
    const created = await stack.bank.createSession({ externalRef: `e2e-failover-${Date.now()}`, customerName: 'Failover Customer', locale: 'en' });
    sessionId = created.sessionId;
    customer = (await chromium.newParticipant()).page;
    agent = (await chromium.newParticipant()).page;
    await customer.goto(created.customerUrl);
    await agent.goto(created.agentUrl);
    await customerJoinsWithConsent(customer);
    await agent.getByTestId('join').click();

    const from = (await stack.bank.getSession(sessionId)).nodeId!;
    const dying = stack.nodes.find((n) => n.nodeId === from)!;
    const survivor = stack.nodes.find((n) => n.nodeId !== from)!;
    for (const page of [customer, agent]) {
      await waitUntil('frames through the first node', async () => (await framesFrom(page, dying.janus.janusAddress)) > 10, 60_000);
    }

    const killedAt = Date.now();
    process.kill(Number(readFileSync(dying.janusPidFile, 'utf8')), 'SIGKILL');
    await waitUntil('session moved', async () => (await stack.bank.getSession(sessionId)).nodeId === survivor.nodeId, 60_000);
    const audit = await stack.bank.sessionAudit(sessionId);
    const move = audit.entries.find((e) => e.action === 'media.failover');
    expect(move?.detail).toMatchObject({ from, to: survivor.nodeId });
    const detectedAt = Date.parse(move!.at);
    const back: number[] = [];
    for (const page of [customer, agent]) {
      await waitUntil('frames through the other node', async () => (await framesFrom(page, survivor.janus.janusAddress)) > 5, 60_000);
      back.push(Date.now());
    }
    const figures = {
      cause: (move!.detail as { cause: string }).cause,
      detectionMs: detectedAt - killedAt,
      mediaBackAfterDetectionMs: Math.max(...back) - detectedAt,
      mediaBackAfterKillMs: Math.max(...back) - killedAt,
    };
    console.log(`[failover] ${JSON.stringify(figures)}`);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'failover.json'), JSON.stringify(figures, null, 2));
    // Both pages stayed on their sockets: nobody reloaded, the session is still in its call.
    expect((await stack.bank.getSession(sessionId)).state).toBe('in_call');
    for (const page of [customer, agent]) {
      expect(await page.getByTestId('connection-status').getAttribute('data-state')).toBe('connected');
    }

    // End the call; the evidence holds each participant's segments from both nodes.
    await agent.getByTestId('hang-up').click();
    let pack: EvidencePack | undefined;
    await waitUntil('evidence pack ready', async () => {
      try {
        pack = await stack.bank.evidence(sessionId);
        return true;
      } catch (error) {
        if (error instanceof VidentApiError && error.code === 'evidence_not_ready') return false;
        throw error;
      }
    }, 180_000);
    const artifacts = (await stack.bank.artifacts(sessionId)).artifacts.filter((a) => a.kind === 'recording');
    for (const participant of ['customer', 'agent'] as const) {
      const nodes = new Set(artifacts.filter((a) => a.participant === participant).map((a) => a.nodeId));
      expect([...nodes].sort(), participant).toEqual([from, survivor.nodeId].sort());
    }
    expect(pack!.signed.manifest.artifacts.filter((a) => a.kind === 'recording').length).toBeGreaterThanOrEqual(4);
  });
});

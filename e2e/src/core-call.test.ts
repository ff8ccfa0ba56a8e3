/*
 * The core call, end to end on the real stack: a session created through the signed bank API, the
 * customer and the agent in headless Chromium with fake camera and microphone, Janus in its own
 * namespace with ALL UDP dropped. Asserts what a person would see and what a regulator would ask for.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createBankClient, verifyAuditChain, type SessionView } from '@vident/protocol';
import { launchChromium, type LaunchedBrowser } from './browser.ts';
import { countDecodedVideoFrames, probe } from './media-files.ts';
import { framesDecoded, selectedPairs, waitUntil } from './call-page.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

describe('a recorded TCP-only 1:1 verification call', () => {
  let chromium: LaunchedBrowser;
  let customer: Page;
  let agent: Page;
  let sessionId: string;
  const errors: string[][] = [];
  const tokens: string[] = [];

  beforeAll(async () => {
    chromium = await launchChromium();
    const created = await bank.createSession({ externalRef: `e2e-${Date.now()}`, customerName: 'E2E Customer', locale: 'en' });
    sessionId = created.sessionId;
    tokens.push(...[created.customerUrl, created.agentUrl].map((url) => new URL(url).hash.replace('#token=', '')));
    const c = await chromium.newParticipant();
    const a = await chromium.newParticipant();
    customer = c.page;
    agent = a.page;
    errors.push(c.consoleErrors, a.consoleErrors);
    await customer.goto(created.customerUrl);
    await agent.goto(created.agentUrl);
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('runs Janus behind a firewall that drops all UDP, both ways', () => {
    const ruleset = execFileSync('ip', ['netns', 'exec', stack.janusNamespace, 'nft', 'list', 'ruleset'], { encoding: 'utf8' });
    const udpDrops = ruleset.match(/meta l4proto udp counter packets \d+ bytes \d+ drop/g) ?? [];
    expect(udpDrops).toHaveLength(2); // input and output chains
  });

  it('connects both parties over TCP only and decodes video on both sides', async () => {
    await customer.getByTestId('join').click();
    await agent.getByTestId('join').click();

    for (const page of [customer, agent]) {
      await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
      await waitUntil('video frames decoded', async () => (await framesDecoded(page)) > 10, 30_000);
    }
    // Decoding keeps going: frames grow on both sides.
    const before = await Promise.all([framesDecoded(customer), framesDecoded(agent)]);
    await waitUntil('frames keep growing', async () => {
      const now = await Promise.all([framesDecoded(customer), framesDecoded(agent)]);
      return now[0]! > before[0]! + 10 && now[1]! > before[1]! + 10;
    }, 15_000);

    for (const page of [customer, agent]) {
      const pairs = await selectedPairs(page);
      expect(pairs).toHaveLength(2); // publisher and subscriber peer connections
      for (const pair of pairs) {
        expect(pair.local.protocol).toBe('tcp');
        expect(pair.remote.protocol).toBe('tcp');
        expect(pair.remote.address).toBe(stack.janusAddress);
      }
    }

    const view = await bank.getSession(sessionId);
    expect(view.state).toBe('in_call');
    expect(view.startedAt).not.toBeNull();
    expect(view.participants.every((p) => p.connected)).toBe(true);
  });

  it('shows the call timer running on both sides', async () => {
    for (const page of [customer, agent]) {
      await waitUntil('timer past 00:01', async () => {
        const text = (await page.getByTestId('call-timer').textContent()) ?? '';
        return /^\d{2}:\d{2}$/.test(text.trim()) && text.trim() !== '00:00';
      }, 10_000);
    }
  });

  it('carries the microphone and camera toggles to the other side', async () => {
    await customer.getByTestId('mic-toggle').click();
    await agent.getByTestId('remote-mic-state').and(agent.locator('[data-state="off"]')).waitFor({ timeout: 10_000 });
    await customer.getByTestId('mic-toggle').click();
    await agent.getByTestId('remote-mic-state').and(agent.locator('[data-state="on"]')).waitFor({ timeout: 10_000 });

    await customer.getByTestId('cam-toggle').click();
    await agent.getByTestId('remote-cam-state').and(agent.locator('[data-state="off"]')).waitFor({ timeout: 10_000 });
    // The node stops relaying the customer's video: the agent's decoder stops advancing.
    await new Promise((r) => setTimeout(r, 1500));
    const stalledAt = await framesDecoded(agent);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await framesDecoded(agent)).toBeLessThanOrEqual(stalledAt + 2);

    await customer.getByTestId('cam-toggle').click();
    await agent.getByTestId('remote-cam-state').and(agent.locator('[data-state="on"]')).waitFor({ timeout: 10_000 });
    await waitUntil('video resumes', async () => (await framesDecoded(agent)) > stalledAt + 10, 15_000);
  });

  it('ends the session for both when the agent approves, and records one playable file per participant', async () => {
    // Only the agent gets the decision panel.
    expect(await customer.getByTestId('decision-panel').isHidden()).toBe(true);
    await agent.getByTestId('decision-panel').waitFor({ state: 'visible', timeout: 10_000 });
    // A rejection cannot be submitted without a reason code.
    await agent.getByTestId('decide-reject').click();
    expect(await agent.getByTestId('decide-submit').isDisabled()).toBe(true);
    await agent.getByTestId('reason-POOR_QUALITY').check();
    expect(await agent.getByTestId('decide-submit').isEnabled()).toBe(true);
    await agent.getByTestId('reason-POOR_QUALITY').uncheck();
    await agent.getByTestId('decide-approve').click();
    await agent.getByTestId('decision-note').fill('ID and face match (e2e)');
    await new Promise((r) => setTimeout(r, 3000)); // a call of a few seconds more, so durations are meaningful
    await agent.getByTestId('decide-submit').click();
    for (const page of [customer, agent]) {
      await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
      expect(await page.getByTestId('end-reason').getAttribute('data-reason')).toBe('approved');
    }
    // The customer's page never learns the agent's note.
    expect(await customer.content()).not.toContain('ID and face match');

    let view: SessionView | undefined;
    await waitUntil('two recordings reported', async () => {
      view = await bank.getSession(sessionId);
      return view.recordings.length === 2;
    }, 90_000);
    expect(view!.state).toBe('decided');
    expect(view!.endReason).toBe('approved');
    expect(view!).toMatchObject({ decision: 'approved', reasonCodes: [], note: 'ID and face match (e2e)', decidedBy: 'agent' });
    const callSeconds = (Date.parse(view!.endedAt!) - Date.parse(view!.startedAt!)) / 1000;
    expect(callSeconds).toBeGreaterThan(5);

    for (const recording of view!.recordings) {
      expect(existsSync(recording.file)).toBe(true);
      const probed = await probe(recording.file);
      expect(probed.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
      expect(Math.abs(probed.durationSec - callSeconds)).toBeLessThan(2);
      expect(Math.abs(recording.durationMs / 1000 - probed.durationSec)).toBeLessThan(0.5);
      expect(await countDecodedVideoFrames(recording.file)).toBeGreaterThan(callSeconds * 5);
    }
    expect(new Set(view!.recordings.map((r) => r.participant))).toEqual(new Set(['customer', 'agent']));

    const listed = await bank.recordings();
    expect(listed.recordings.filter((r) => r.sessionId === sessionId)).toHaveLength(2);

    const audit = await bank.sessionAudit(sessionId);
    expect(await verifyAuditChain(audit.entries, audit.head)).toEqual({ ok: true, head: audit.head });
    const actions = audit.entries.map((e) => e.action);
    for (const action of ['session.created', 'participant.joined', 'session.decided', 'state.changed', 'recording.ready']) {
      expect(actions).toContain(action);
    }
  });

  it('wrote no secret and no participant token to any log', () => {
    const logs = readdirSync(stack.logDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(`${entry.parentPath}/${entry.name}`, 'utf8'));
    expect(logs.length).toBeGreaterThan(2);
    expect(tokens).toHaveLength(2);
    expect(tokens.every((token) => token.length > 40)).toBe(true);
    for (const text of logs) {
      for (const secret of stack.secretValues) expect(text.includes(secret)).toBe(false);
      for (const token of tokens) expect(text.includes(token)).toBe(false);
    }
  });

  it('logged no page errors', () => {
    expect(errors.flat().filter((e) => !/favicon/i.test(e))).toEqual([]);
  });
});

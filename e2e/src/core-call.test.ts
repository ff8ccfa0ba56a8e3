/*
 * The core call, end to end on the real stack: a session created through the signed bank API, the
 * customer and the agent in headless Chromium with fake camera and microphone, Janus in its own
 * namespace with ALL UDP dropped. Asserts what a person would see and what a regulator would ask for.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createBankClient, verifyAuditChain } from '@vident/protocol';
import { launchChromium, type LaunchedBrowser } from './browser.ts';
import { countDecodedVideoFrames, probe } from './media-files.ts';
import { customerJoinsWithConsent, framesDecoded, selectedPairs, waitUntil } from './call-page.ts';
import { evidenceWhenReady } from './stack-probes.ts';
import { vident } from './vident-cli.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

describe('a recorded TCP-only 1:1 verification call', () => {
  let chromium: LaunchedBrowser;
  let customer: Page;
  let agent: Page;
  let sessionId: string;
  const errors: string[][] = [];
  const tokens: string[] = [];
  /** The pages' own `vident:` console lines (transport switches, rejoins): the message of a failed path check. */
  const pageLog: string[] = [];

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
    for (const [role, page] of [['customer', customer], ['agent', agent]] as const) {
      page.on('console', (m) => m.text().startsWith('vident:') && pageLog.push(`${role}: ${m.text()}`));
    }
    await customer.goto(created.customerUrl);
    await agent.goto(created.agentUrl);
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('runs Janus behind a firewall that drops all UDP, both ways', () => {
    const ruleset = execFileSync('ip', ['netns', 'exec', stack.janusNamespace, 'nft', 'list', 'ruleset'], { encoding: 'utf8' });
    const udpDrops = ruleset.match(/meta l4proto udp counter name "udp_dropped" drop/g) ?? [];
    expect(udpDrops).toHaveLength(2); // input and output chains
  });

  it('connects both parties over TCP only and decodes video on both sides', async () => {
    await customerJoinsWithConsent(customer);
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
        expect(pair.local.protocol, pageLog.join('\n')).toBe('tcp');
        expect(pair.remote.protocol, pageLog.join('\n')).toBe('tcp');
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

  const captured = new Map<string, { width: number; height: number }>();

  it('lets the agent capture ID front, ID back and face at the received resolution', async () => {
    expect(await customer.getByTestId('capture-id_front').count()).toBe(0);
    // The received size changes during the call (HD adapts to the path; an ID capture puts the
    // customer's sender on keeping resolution): a capture has the size received around its click.
    const receivedSize = () => agent.getByTestId('remote-video').evaluate((v: HTMLVideoElement) => `${v.videoWidth}x${v.videoHeight}`);
    for (const kind of ['id_front', 'id_back', 'face']) {
      const before = await receivedSize();
      await agent.getByTestId(`capture-${kind}`).click();
      const thumb = agent.getByTestId(`capture-thumb-${kind}`);
      await thumb.and(agent.locator('[data-artifact-id]')).waitFor({ timeout: 20_000 });
      const after = await receivedSize();
      const width = Number(await thumb.getAttribute('data-width'));
      const height = Number(await thumb.getAttribute('data-height'));
      expect(width).toBeGreaterThan(0);
      expect([before, after]).toContain(`${width}x${height}`);
      captured.set(kind, { width, height });
    }
  });

  it('ends the session for both when the agent approves, and delivers a signed, encrypted evidence pack the bank can verify and open', async () => {
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
    // An approval waits for the whole verification checklist (wrangler.toml's four items, in English
    // as the session's locale says); the customer's page has none of it.
    const checklist = agent.locator('[data-testid="checklist"] input[data-testid^="checklist-"]');
    expect(await checklist.count()).toBe(4);
    expect(await agent.getByTestId('checklist').innerText()).toContain('The hologram is visible when the card is tilted');
    expect(await customer.locator('[data-testid="checklist"] input').count()).toBe(0);
    expect(await customer.content()).not.toContain('hologram');
    expect(await agent.getByTestId('decide-submit').isDisabled()).toBe(true);
    expect(await agent.getByTestId('checklist-hint').isVisible()).toBe(true);
    const ids = [];
    for (const box of await checklist.all()) {
      expect(await agent.getByTestId('decide-submit').isDisabled()).toBe(true);
      await box.check();
      ids.push((await box.getAttribute('data-testid'))!.replace(/^checklist-/, ''));
    }
    expect(ids).toEqual(['face_matches_photo', 'hologram_visible', 'serial_number_matches', 'document_not_expired']);
    expect(await agent.getByTestId('decide-submit').isEnabled()).toBe(true);
    expect(await agent.getByTestId('checklist-hint').isHidden()).toBe(true);
    await new Promise((r) => setTimeout(r, 3000)); // a call of a few seconds more, so durations are meaningful
    await agent.getByTestId('decide-submit').click();
    for (const page of [customer, agent]) {
      await page.getByTestId('end-screen').waitFor({ state: 'visible', timeout: 15_000 });
      expect(await page.getByTestId('end-reason').getAttribute('data-reason')).toBe('approved');
    }
    // The customer's page never learns the agent's note.
    expect(await customer.content()).not.toContain('ID and face match');

    const pack = await evidenceWhenReady(bank, sessionId, 120_000);
    const view = await bank.getSession(sessionId);
    expect(view.state).toBe('decided');
    expect(view.endReason).toBe('approved');
    expect(view).toMatchObject({ decision: 'approved', reasonCodes: [], note: 'ID and face match (e2e)', decidedBy: 'agent' });
    const callSeconds = (Date.parse(view.endedAt!) - Date.parse(view.startedAt!)) / 1000;
    expect(callSeconds).toBeGreaterThan(5);
    const manifest = pack.signed.manifest;
    expect(manifest.outcome).toMatchObject({ state: 'decided', decision: 'approved' });
    expect(manifest.consent?.version).toBeTruthy();
    expect(manifest.artifacts.filter((a) => a.kind === 'recording').map((a) => `${a.participant}-${a.segment}`).sort()).toEqual(['agent-1', 'customer-1']);
    // The agent's three stills of the received video; each capture also asked the customer's device
    // for its own still (issue 17: customer-still.test.ts), which may or may not have arrived.
    expect(manifest.artifacts.filter((a) => a.kind === 'capture' && a.source === 'received_video').map((a) => a.capture).sort()).toEqual(['face', 'id_back', 'id_front']);

    // The bank's back office: download, verify offline, open with its private key.
    const packDir = mkdtempSync(join(tmpdir(), 'vident-e2e-pack-'));
    const cli = { baseUrl: stack.baseUrl, stateDir: stack.stateDir };
    const downloaded = await vident(['evidence', 'download', sessionId, '--out', packDir, '--state-dir', stack.stateDir], cli);
    expect(downloaded.stderr).toBe('');
    expect(downloaded.code).toBe(0);
    const verified = await vident(['evidence', 'verify', packDir], cli);
    expect(verified.stdout).toMatch(/^valid/);
    const opened = await vident(['evidence', 'decrypt', packDir, '--key', stack.bankPrivateKeyFile, '--out', join(packDir, 'plain')], cli);
    expect(opened.code).toBe(0);

    for (const participant of ['customer', 'agent']) {
      const file = join(packDir, 'plain', `recording-${participant}-01.webm`);
      const probed = await probe(file);
      expect(probed.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
      const artifact = manifest.artifacts.find((a) => a.kind === 'recording' && a.participant === participant)!;
      // A participant's file runs from its first packet to the end: it covers the whole call (both
      // parties in) within 2 s, plus whatever time this participant waited for the other one.
      const recordedSeconds = (Date.parse(view.endedAt!) - Date.parse(artifact.startedAt)) / 1000;
      expect(probed.durationSec).toBeGreaterThan(callSeconds - 2);
      expect(Math.abs(probed.durationSec - recordedSeconds)).toBeLessThan(2);
      expect(Math.abs(artifact.durationMs! / 1000 - probed.durationSec)).toBeLessThan(0.5);
      expect(await countDecodedVideoFrames(file)).toBeGreaterThan(callSeconds * 5);
    }
    // The two files play in sync: each offset is its first packet's distance from the earliest one,
    // and both start before the call did (each party published before both were in).
    const recordings = manifest.artifacts.filter((a) => a.kind === 'recording');
    const earliest = Math.min(...recordings.map((a) => Date.parse(a.startedAt)));
    for (const a of recordings) {
      expect(a.offsetMs).toBe(Date.parse(a.startedAt) - earliest);
      expect(Date.parse(a.startedAt)).toBeLessThanOrEqual(Date.parse(view.startedAt!) + 2000);
    }
    expect(Math.min(...recordings.map((a) => a.offsetMs!))).toBe(0);
    for (const [kind, size] of captured) {
      // `cap-…` artifacts are the agent's; the customer's device stills are `still-…`.
      const file = readdirSync(join(packDir, 'plain')).find((f) => f.startsWith(`capture-${kind}-cap-`));
      const probed = await probe(join(packDir, 'plain', file!));
      expect(probed.streams[0]).toMatchObject({ type: 'video', codec: 'mjpeg' });
      expect(probed.streams[0]!.width).toBe(size.width);
      expect(probed.streams[0]!.height).toBe(size.height);
    }

    // Tampering is caught: an edited manifest, a flipped byte in a recording.
    const tampered = mkdtempSync(join(tmpdir(), 'vident-e2e-tampered-'));
    cpSync(packDir, tampered, { recursive: true });
    const manifestFile = join(tampered, 'manifest.json');
    writeFileSync(manifestFile, readFileSync(manifestFile, 'utf8').replace('"approved"', '"rejected"'));
    const forged = await vident(['evidence', 'verify', tampered], cli);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/signature/);
    cpSync(join(packDir, 'manifest.json'), manifestFile);
    const recordingFile = join(tampered, manifest.artifacts.find((a) => a.kind === 'recording')!.fileName);
    const bytes = readFileSync(recordingFile);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(recordingFile, bytes);
    expect((await vident(['evidence', 'verify', tampered], cli)).code).toBe(1);

    // Nothing readable is left on the media node: no raw streams, no plaintext, an empty outbox.
    const leftovers = readdirSync(stack.recordingsDir, { recursive: true }).map(String).filter((f) => f.includes(sessionId) || f.endsWith('.venc'));
    expect(leftovers.filter((f) => /\.(mjr|webm|opus|venc)$/.test(f))).toEqual([]);

    const listed = await bank.recordings();
    expect(listed.recordings.filter((r) => r.sessionId === sessionId)).toHaveLength(2);

    const audit = await bank.sessionAudit(sessionId);
    expect(await verifyAuditChain(audit.entries, audit.head)).toEqual({ ok: true, head: audit.head });
    const actions = audit.entries.map((e) => e.action);
    for (const action of ['session.created', 'consent.given', 'participant.joined', 'capture.stored', 'session.decided', 'state.changed', 'artifact.stored', 'evidence.accessed']) {
      expect(actions).toContain(action);
    }
    // The checklist the agent ticked is part of the (signed) trail.
    expect(audit.entries.find((e) => e.action === 'session.decided')?.detail.checklist).toEqual({
      face_matches_photo: true,
      hologram_visible: true,
      serial_number_matches: true,
      document_not_expired: true,
    });
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

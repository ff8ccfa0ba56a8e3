/*
 * Against a REAL Janus (started by infra/janus-host.ts in its own network namespace, UDP dropped)
 * and a real headless Chromium with fake media: create a recorded room, publish, subscribe,
 * check that only TCP candidates cross, that media flows over TCP, that configure (and the
 * publish's initial audio/video state) really stops and resumes what the subscriber receives,
 * and that each publish (recording segment) ends up sealed in the outbox with the bank's key:
 * opened with the bank's private key it is the very webm post-processing made, playable, of
 * about the publish duration, its audio/video matching what was relayed. Segments end on our
 * commands and on Janus's own hangup alike. Needs root.
 *
 * One file past 300 lines on purpose: every test here drives the command layer against the same
 * Janus host and Chromium page, whose start takes most of the file's time; a second file would start
 * them twice and make the suite slower.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateBankKeyPair,
  importBankPrivateKey,
  importBankPublicKey,
  MIN_PART_SIZE,
  signRequest,
  type BankPublicKey,
  NodeEvent,
} from '@vident/protocol';
import { cleanupStaleJanusHosts, startJanusHost, type JanusHost } from '../../../infra/janus-host.ts';
import { buildApp, buildMetricsApp } from '../../src/app.ts';
import { JanusCpuSampler } from '../../src/metrics/janus-cpu.ts';
import { NodeMetrics } from '../../src/metrics/node-metrics.ts';
import { JanusGateway } from '../../src/janus/janus-gateway.ts';
import { outboxDir, readOutboxEntries, type OutboxEntry } from '../../src/evidence/outbox-entry.ts';
import { postProcessSegment, rawRecordingDir } from '../../src/recording/post-process.ts';
import { enqueueConvertedSegment, sealSegment, type SealSegmentOptions } from '../../src/recording/seal-segment.ts';
import { MediaCommands } from '../../src/sessions/media-commands.ts';
import { parseExposition } from '../support/metrics-exposition.ts';
import { candidateLines, codecs, inboundProgress, openSealed, packetTimes, pagePublisherOffer, waitFor } from '../support/janus-probes.ts';
import { testKeys } from '../support/test-keys.ts';

const nodeKeys = await testKeys();
const secrets = { apiSecret: randomBytes(24).toString('hex'), adminSecret: randomBytes(24).toString('hex'), adminKey: randomBytes(24).toString('hex') };

let host: JanusHost;
let gateway: JanusGateway;
let recordingsDir: string;
let commands: MediaCommands;
let app: ReturnType<typeof buildApp>;
let metricsApp: ReturnType<typeof buildMetricsApp>;
let metrics: NodeMetrics;
let browser: Browser;
let page: Page;
let pageServer: http.Server;
const events: NodeEvent[] = [];
let bank: BankPublicKey;
let privateKey: CryptoKey;
let sealOptions: SealSegmentOptions;
/** SHA-256 of each segment's plaintext webm (by recording base), taken before sealing deletes it. */
const plaintextSha = new Map<string, string>();
let notePlaintext = true;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** GET /metrics through the app, as name{labels} -> value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await metricsApp.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return parseExposition(res.body);
}

async function command(body: Record<string, unknown>) {
  const payload = JSON.stringify(body);
  const headers = await signRequest({ keyId: 'control-plane', secret: nodeKeys.controlPlane.privateKey, method: 'POST', pathWithQuery: '/v1/commands', body: payload });
  const res = await app.inject({ method: 'POST', url: '/v1/commands', headers: { ...headers, 'content-type': 'application/json' }, payload });
  return { status: res.statusCode, body: res.json() as Record<string, any> };
}

/** The outbox entries of one session. */
async function sessionEntries(sessionId: string): Promise<OutboxEntry[]> {
  const { entries, invalid } = await readOutboxEntries(outboxDir(recordingsDir));
  expect(invalid).toEqual([]);
  return entries.map((e) => e.entry).filter((e) => e.upload.sessionId === sessionId);
}

/** Opens a sealed recording with the bank's key; the plaintext file's path. */
async function openRecording(file: string): Promise<string> {
  const opened = await openSealed(privateKey, file, recordingsDir);
  expect(opened.contentType).toBe('video/webm');
  return opened.file;
}

beforeAll(async () => {
  await cleanupStaleJanusHosts();
  recordingsDir = await mkdtemp(path.join(os.tmpdir(), 'vident-media-test-'));
  const keys = await generateBankKeyPair(2048);
  bank = await importBankPublicKey(keys.publicKeyPem);
  privateKey = await importBankPrivateKey(keys.privateKeyPem);
  // No upload loop runs here: the sealed entries stay in the outbox for the assertions.
  // Sealed entries are counted as main.ts counts them: on the entry becoming durable.
  sealOptions = { recordingsDir, partSize: MIN_PART_SIZE, bankKey: () => bank, onEntry: () => metrics.recordingSealed() };
  host = await startJanusHost({ name: 'media-node-test', recordingsDir, ...secrets, logDir: recordingsDir });
  gateway = await JanusGateway.connect({ url: host.wsUrl, apiSecret: secrets.apiSecret, adminKey: secrets.adminKey });
  const pidFile = path.join(recordingsDir, 'janus.pid');
  await writeFile(pidFile, String(host.pid));
  const cpu = new JanusCpuSampler(pidFile);
  commands = new MediaCommands({
    gateway: () => gateway,
    recordingsDir,
    reportEvent: (event) => events.push(event),
    // The real pipeline: sealSegment, or its two halves with the plaintext's hash noted in between.
    processRecording: async (segment) => {
      if (!notePlaintext) return sealSegment(segment, sealOptions);
      const converted = await postProcessSegment({ rawDir: rawRecordingDir(recordingsDir, segment.sessionId), base: segment.base });
      if (!converted) return null;
      plaintextSha.set(segment.base, sha256(await readFile(converted.webm)));
      return enqueueConvertedSegment(segment, converted, sealOptions);
    },
    log: { info: () => undefined, warn: () => undefined },
  });
  metrics = new NodeMetrics({ counts: () => commands.registry.counts(), janusUp: () => gateway.up, janusCpuPercent: () => cpu.sample(), uploadsPending: () => 0 });
  app = buildApp({ commands, keys: nodeKeys.app, janusUp: () => gateway.up, metrics });
  metricsApp = buildMetricsApp({ metrics });

  // getUserMedia needs a secure context: serve an empty page on loopback.
  pageServer = http.createServer((_req, res) => res.end('<!doctype html><title>vident test</title>'));
  await new Promise<void>((r) => pageServer.listen(0, '127.0.0.1', r));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // playwright-core's launch() already uses a fresh temporary profile (--user-data-dir).
    ],
  });
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`);
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await app?.close();
  await metricsApp?.close();
  await gateway?.close({ keepSession: false });
  await host?.stop();
  await new Promise((r) => pageServer?.close(r));
  if (recordingsDir) await rm(recordingsDir, { recursive: true, force: true });
});

describe('media node against a real Janus', () => {
  it('starts Janus inside its namespace with only the ws API reachable', () => {
    expect(host.wsUrl).toBe(`ws://${host.janusAddress}:8188`);
    expect(gateway.up).toBe(true);
  });

  it('creates a recorded room idempotently and destroys it; unknown rooms are 404', async () => {
    const sessionId = randomUUID();
    expect(await command({ type: 'create-room', sessionId, record: true })).toEqual({ status: 200, body: { sessionId } });
    expect(await command({ type: 'create-room', sessionId, record: true })).toEqual({ status: 200, body: { sessionId } });
    expect(existsSync(rawRecordingDir(recordingsDir, sessionId))).toBe(true);
    expect(await command({ type: 'destroy-room', sessionId })).toEqual({ status: 200, body: { sessionId } });
    const again = await command({ type: 'destroy-room', sessionId });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('not_found');
  });

  it('subscribing to a feed nobody publishes is a 409, not a 500', async () => {
    const sessionId = randomUUID();
    await command({ type: 'create-room', sessionId, record: false });
    const res = await command({ type: 'subscribe', sessionId, participant: 'agent', feed: 'customer' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    await command({ type: 'destroy-room', sessionId });
  });

  it('kicks a stale publisher of the feed that the node does not know (a handle lost in a crash) and publishes, its segment recorded once', async () => {
    const sessionId = randomUUID();
    expect((await command({ type: 'create-room', sessionId, record: true })).status).toBe(200);
    // The orphan: published straight through the gateway, never in the node's registry.
    const orphan = await gateway.attach();
    const orphanEvents: string[] = [];
    orphan.onEvent((e) => orphanEvents.push(e.type === 'unpublished' ? `unpublished:${e.reason}` : e.type));
    await orphan.publish({ room: sessionId, feedId: 'customer', display: 'Orphan', audio: true, video: true, offerSdp: await pagePublisherOffer(page, 'orphanPub') });
    const res = await command({ type: 'publish', sessionId, participant: 'customer', segment: 1, display: 'Customer', sdp: await pagePublisherOffer(page, 'freshPub'), audio: true, video: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(candidateLines(res.body.sdp).length).toBeGreaterThan(0);
    await waitFor('the orphan kicked', () => orphanEvents.some((e) => e.startsWith('unpublished')));
    // The new publisher really connects: the answer's candidates reach Janus over TCP.
    await page.evaluate(async (sdp) => {
      await (window as any).freshPub.setRemoteDescription({ type: 'answer', sdp });
    }, res.body.sdp);
    await waitFor('the new publisher up', () =>
      events.find((e) => e.type === 'media' && e.sessionId === sessionId && e.leg === 'publisher' && e.event === 'webrtcup'),
    );
    await new Promise((r) => setTimeout(r, 1_500));
    await orphan.close();
    expect((await command({ type: 'destroy-room', sessionId })).status).toBe(200);
    await page.evaluate(() => {
      for (const name of ['orphanPub', 'freshPub']) (window as any)[name]?.close();
    });
    // The segment is the new handle's recording: the refused attempt reports nothing (an empty
    // report would make the control plane stop expecting segment 1).
    await waitFor('the segment sealed', () => events.find((e) => e.type === 'recording-ready' && e.sessionId === sessionId), 30_000);
    await Promise.allSettled([...commands.pendingRecordings]);
    const reports = events.filter((e) => e.sessionId === sessionId && e.type.startsWith('recording-')).map((e) => e.type);
    expect(reports).toEqual(['recording-ready']);
  });

  it('publishes and subscribes over TCP only and records a playable webm', async () => {
    const sessionId = randomUUID();
    // Earlier tests may have left rooms: the metrics are compared with what was there before.
    const before = await scrape();
    const was = (name: string) => before.get(name) ?? 0;
    expect((await command({ type: 'create-room', sessionId, record: true })).status).toBe(200);

    // Publisher: a full (non-trickle) offer from Chromium with fake camera + microphone.
    const offer = await pagePublisherOffer(page, 'pub');
    expect(candidateLines(offer).some((l) => / udp /i.test(l))).toBe(true);

    // The customer joins with the camera off: Janus must not relay (or record) the video
    // it nevertheless receives until a configure turns it on.
    const published = await command({ type: 'publish', sessionId, participant: 'customer', segment: 1, display: 'Customer', sdp: offer, audio: true, video: false });
    expect(published.status).toBe(200);
    const answerCandidates = candidateLines(published.body.sdp);
    expect(answerCandidates.length).toBeGreaterThan(0);
    for (const line of answerCandidates) expect(line).toMatch(/^a=candidate:\S+ \d+ tcp /i);
    expect(answerCandidates.some((l) => / tcptype passive/.test(l))).toBe(true);
    expect(answerCandidates.join('\n')).toContain(host.janusAddress);

    await page.evaluate(async (sdp) => {
      await (window as any).pub.setRemoteDescription({ type: 'answer', sdp });
    }, published.body.sdp);
    expect((await command({ type: 'trickle', sessionId, participant: 'customer', leg: 'publisher', candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.9 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } })).status).toBe(200);
    expect((await command({ type: 'trickle', sessionId, participant: 'customer', leg: 'publisher', candidate: null })).status).toBe(200);
    const publishStartedAt = Date.now();

    await waitFor('publisher webrtcup', () =>
      events.find((e) => e.type === 'media' && e.sessionId === sessionId && e.leg === 'publisher' && e.event === 'webrtcup'),
    );

    // Subscriber: the agent receives the customer's feed.
    const subscribed = await command({ type: 'subscribe', sessionId, participant: 'agent', feed: 'customer' });
    expect(subscribed.status).toBe(200);
    const offerCandidates = candidateLines(subscribed.body.sdp);
    expect(offerCandidates.length).toBeGreaterThan(0);
    for (const line of offerCandidates) expect(line).toMatch(/ tcp /i);

    const answer = await page.evaluate(async (sdp) => {
      const w = window as any;
      const pc = new RTCPeerConnection();
      w.sub = pc;
      w.subFrames = 0;
      pc.ontrack = (ev) => {
        if (ev.track.kind === 'video') w.subTrack = ev.track;
      };
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      });
      return pc.localDescription!.sdp;
    }, subscribed.body.sdp);
    expect((await command({ type: 'subscribe-answer', sessionId, participant: 'agent', sdp: answer })).status).toBe(200);
    expect((await command({ type: 'trickle', sessionId, participant: 'agent', leg: 'subscriber', candidate: null })).status).toBe(200);

    await waitFor('subscriber webrtcup', () =>
      events.find((e) => e.type === 'media' && e.sessionId === sessionId && e.leg === 'subscriber' && e.event === 'webrtcup'),
    );

    // Both PeerConnections connected, over TCP candidate pairs.
    const stats = await page.evaluate(async () => {
      const w = window as any;
      const deadline = Date.now() + 10_000;
      const inspect = async (pc: RTCPeerConnection) => {
        const report: any = await pc.getStats();
        let pair: any;
        report.forEach((s: any) => {
          if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
        });
        const local = pair ? report.get(pair.localCandidateId) : undefined;
        const remote = pair ? report.get(pair.remoteCandidateId) : undefined;
        return { state: pc.connectionState, local: local?.protocol, remote: remote?.protocol };
      };
      let sub = await inspect(w.sub);
      while (Date.now() < deadline && sub.state !== 'connected') {
        await new Promise((r) => setTimeout(r, 100));
        sub = await inspect(w.sub);
      }
      return { pub: await inspect(w.pub), sub };
    });
    expect(stats.pub).toMatchObject({ state: 'connected', local: 'tcp', remote: 'tcp' });
    expect(stats.sub).toMatchObject({ state: 'connected', local: 'tcp', remote: 'tcp' });

    // The sidecar's metrics follow: one room, a publisher and a subscriber, Janus up and busy.
    // Janus's CPU is a rate between two scrapes: over a short window a busy but lightly loaded Janus
    // can show no /proc tick at all on a loaded machine, so windows of 1 s are tried a few times.
    await scrape();
    let live = new Map<string, number>();
    for (let i = 0; i < 5 && !((live.get('vident_janus_cpu_percent') ?? 0) > 0); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      live = await scrape();
    }
    expect(live.get('vident_sessions')).toBe(was('vident_sessions') + 1);
    expect(live.get('vident_publishers')).toBe(was('vident_publishers') + 1);
    expect(live.get('vident_subscribers')).toBe(was('vident_subscribers') + 1);
    expect(live.get('vident_bitrate_kbps')).toBe(was('vident_bitrate_kbps') + 2 * 540);
    expect(live.get('vident_janus_up')).toBe(1);
    expect(live.get('vident_janus_cpu_percent')).toBeGreaterThan(0);
    expect(live.get('vident_command_duration_seconds_count{command="publish",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(live.get('vident_command_duration_seconds_count{command="subscribe",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    const sealedBefore = live.get('vident_recordings_sealed_total')!;

    // The agent hears the customer but sees nothing. Here and below a couple of frames /
    // packets of slack: some may still be in flight or in the jitter buffer.
    const cameraOffAtJoin = await inboundProgress(page, 1_500);
    expect(cameraOffAtJoin.framesDecoded).toBeLessThanOrEqual(2);
    expect(cameraOffAtJoin.audioPackets).toBeGreaterThanOrEqual(30);

    // configure really stops / resumes the relay, each media kind on its own.
    const setMedia = async (audio: boolean, video: boolean) => {
      expect((await command({ type: 'configure', sessionId, participant: 'customer', audio, video })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 400));
      return inboundProgress(page, 1_500);
    };
    const videoOnAudioOff = await setMedia(false, true);
    expect(videoOnAudioOff.framesDecoded).toBeGreaterThanOrEqual(10);
    expect(videoOnAudioOff.audioPackets).toBeLessThanOrEqual(2);
    const videoOffAudioOn = await setMedia(true, false);
    expect(videoOffAudioOn.framesDecoded).toBeLessThanOrEqual(2);
    expect(videoOffAudioOn.audioPackets).toBeGreaterThanOrEqual(30);
    const bothOn = await setMedia(true, true);
    expect(bothOn.framesDecoded).toBeGreaterThanOrEqual(10);
    expect(bothOn.audioPackets).toBeGreaterThanOrEqual(30);

    // Let the recording run for a few seconds, then end the session.
    await new Promise((r) => setTimeout(r, Math.max(0, 4_000 - (Date.now() - publishStartedAt))));
    const publishedMs = Date.now() - publishStartedAt;
    expect((await command({ type: 'destroy-room', sessionId })).status).toBe(200);
    await page.evaluate(() => {
      const w = window as any;
      w.pub.close();
      w.sub.close();
    });

    const ready = await waitFor(
      'recording-ready',
      () => events.find((e) => (e.type === 'recording-ready' || e.type === 'recording-failed') && e.sessionId === sessionId),
      60_000,
    );
    expect(ready).toMatchObject({ type: 'recording-ready', participant: 'customer' });
    // What the control plane will accept: events are parsed strictly there.
    expect(NodeEvent.safeParse(ready).success).toBe(true);
    if (ready.type !== 'recording-ready') return;

    // Sealed into the outbox: an entry naming the file, with the values an upload declares.
    const [entry, ...others] = await sessionEntries(sessionId);
    expect(others).toEqual([]);
    const after = await scrape();
    expect(after.get('vident_recordings_sealed_total')).toBe(sealedBefore + 1);
    expect(after.get('vident_sessions')).toBe(was('vident_sessions'));
    expect(after.get('vident_publishers')).toBe(was('vident_publishers'));
    expect(entry!.file).toBe(ready.file);
    expect(path.dirname(ready.file)).toBe(outboxDir(recordingsDir));
    expect(entry!.upload).toMatchObject({ sessionId, participant: 'customer', segment: 1, contentType: 'video/webm', bankKeyId: bank.keyId, durationMs: ready.durationMs });
    const sealed = await readFile(ready.file);
    expect([sealed.length, sha256(sealed)]).toEqual([entry!.upload.size, entry!.upload.sha256]);
    expect(ready.bytes).toBe(sealed.length);
    // startedAt is the wall clock of the first packet: after the publish, before media had to flow.
    const startedAt = Date.parse(entry!.upload.startedAt);
    expect(startedAt).toBeGreaterThanOrEqual(publishStartedAt - 1_000);
    expect(startedAt).toBeLessThan(publishStartedAt + 3_000);
    // The recording starts at webrtcup (shortly after publish), so allow ~1.5 s of slack.
    expect(Math.abs(ready.durationMs - publishedMs)).toBeLessThan(1_500);

    // The bank's private key opens it to the very webm post-processing made.
    const webm = await openRecording(ready.file);
    expect(sha256(await readFile(webm))).toBe(plaintextSha.get(entry!.recordingBase!));
    expect((await stat(webm)).size).toBeGreaterThan(10_000);
    expect(await codecs(webm)).toEqual(['opus', 'vp8']);

    // The recording holds what the agent saw: no video while the camera was off at join
    // (video starts ~2 s in, still in sync with the audio), a hole while video was turned off,
    // and audio and video ending together.
    const video = await packetTimes(webm, 'v:0');
    const audio = await packetTimes(webm, 'a:0');
    expect(video[0]).toBeGreaterThan(1.2);
    expect(audio[0]).toBeLessThan(0.2);
    const videoHoles = video.slice(1).map((t, i) => t - video[i]!);
    expect(Math.max(...videoHoles)).toBeGreaterThan(1.5);
    expect(Math.abs(video.at(-1)! - audio.at(-1)!)).toBeLessThan(0.5);
    // Nothing unsealed is left: no .mjr, no plaintext webm.
    expect(await readdir(rawRecordingDir(recordingsDir, sessionId))).toEqual([]);
  });

  it('seals each publish as its own segment, also when Janus itself ends the publisher', async () => {
    notePlaintext = false;
    try {
      const sessionId = randomUUID();
      const rawDir = rawRecordingDir(recordingsDir, sessionId);
      expect((await command({ type: 'create-room', sessionId, record: true })).status).toBe(200);
      const webrtcups = () => events.filter((e) => e.type === 'media' && e.sessionId === sessionId && e.leg === 'publisher' && e.event === 'webrtcup').length;
      const ready = () => events.filter((e) => e.type === 'recording-ready' && e.sessionId === sessionId);
      const publishSegment = async (name: string, segment: number) => {
        const before = webrtcups();
        const offer = await pagePublisherOffer(page, name);
        const res = await command({ type: 'publish', sessionId, participant: 'agent', segment, display: 'Agent', sdp: offer, audio: true, video: true });
        expect(res.status).toBe(200);
        await page.evaluate(async ([n, sdp]) => (window as any)[n!].setRemoteDescription({ type: 'answer', sdp }), [name, res.body.sdp as string]);
        expect((await command({ type: 'trickle', sessionId, participant: 'agent', leg: 'publisher', candidate: null })).status).toBe(200);
        await waitFor(`webrtcup of segment ${segment}`, () => webrtcups() > before);
      };

      await publishSegment('seg1', 1);
      await new Promise((r) => setTimeout(r, 2_500));
      // Janus names the files after the segment (the sidecar's recording base).
      expect(await readdir(rawDir)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^agent-seg1-\d{13}-audio-\d+\.mjr$/), expect.stringMatching(/^agent-seg1-\d{13}-video-\d+\.mjr$/)]),
      );
      // The browser goes away without any command: Janus hangs the publisher up, and that alone seals segment 1.
      await page.evaluate(() => (window as any).seg1.close());
      await waitFor('segment 1 sealed after the Janus hangup', () => ready().length === 1, 30_000);

      await publishSegment('seg2', 2);
      await new Promise((r) => setTimeout(r, 2_500));
      expect((await command({ type: 'leave', sessionId, participant: 'agent' })).status).toBe(200);
      await page.evaluate(() => (window as any).seg2.close());
      await waitFor('segment 2 sealed after leave', () => ready().length === 2, 30_000);
      expect((await command({ type: 'destroy-room', sessionId })).status).toBe(200);
      await Promise.allSettled([...commands.pendingRecordings]);

      // Exactly one artifact per segment, however many end signals each got.
      expect(ready()).toHaveLength(2);
      expect(events.filter((e) => e.type === 'recording-failed' && e.sessionId === sessionId)).toEqual([]);
      const entries = (await sessionEntries(sessionId)).sort((a, b) => a.upload.segment - b.upload.segment);
      expect(entries.map((e) => [e.upload.participant, e.upload.segment])).toEqual([['agent', 1], ['agent', 2]]);
      expect(entries[0]!.upload.artifactId).not.toBe(entries[1]!.upload.artifactId);
      expect(Date.parse(entries[1]!.upload.startedAt)).toBeGreaterThan(Date.parse(entries[0]!.upload.startedAt) + 2_000);
      for (const entry of entries) {
        const webm = await openRecording(entry.file);
        expect(await codecs(webm)).toEqual(['opus', 'vp8']);
        expect(entry.upload.durationMs).toBeGreaterThan(1_500);
        expect(entry.upload.durationMs).toBeLessThan(6_000);
      }
      expect(await readdir(rawDir)).toEqual([]);
    } finally {
      notePlaintext = true;
    }
  });
});

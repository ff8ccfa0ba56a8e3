/*
 * Against a REAL Janus (started by infra/janus-host.ts in its own network namespace, UDP dropped)
 * and a real headless Chromium with fake media: create a recorded room, publish, subscribe,
 * check that only TCP candidates cross, that media flows over TCP, that configure (and the
 * publish's initial audio/video state) really stops and resumes what the subscriber receives,
 * and that destroy-room leaves a playable <role>.webm of about the publish duration whose
 * audio/video match what was relayed. Needs root.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, type NodeEvent } from '@vident/protocol';
import { cleanupStaleJanusHosts, startJanusHost, type JanusHost } from '../../infra/janus-host.ts';
import { buildApp } from '../src/app.ts';
import { JanusGateway } from '../src/janus/janus-gateway.ts';
import { postProcessRecording, rawRecordingDir } from '../src/recording/post-process.ts';
import { MediaCommands } from '../src/rooms/media-commands.ts';

const NODE_SECRET = randomBytes(24).toString('hex');
const secrets = { apiSecret: randomBytes(24).toString('hex'), adminSecret: randomBytes(24).toString('hex'), adminKey: randomBytes(24).toString('hex') };

let host: JanusHost;
let gateway: JanusGateway;
let recordingsDir: string;
let commands: MediaCommands;
let app: ReturnType<typeof buildApp>;
let browser: Browser;
let page: Page;
let pageServer: http.Server;
const events: NodeEvent[] = [];

async function command(body: Record<string, unknown>) {
  const payload = JSON.stringify(body);
  const headers = await signRequest({ keyId: 'control-plane', secret: NODE_SECRET, method: 'POST', pathWithQuery: '/v1/commands', body: payload });
  const res = await app.inject({ method: 'POST', url: '/v1/commands', headers: { ...headers, 'content-type': 'application/json' }, payload });
  return { status: res.statusCode, body: res.json() as Record<string, any> };
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function candidateLines(sdp: string): string[] {
  return sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'));
}

/** Presentation times (s) of one stream's packets in a media file. */
async function packetTimes(file: string, stream: string): Promise<number[]> {
  const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]);
  return stdout.trim().split('\n').map(Number).filter(Number.isFinite);
}

/**
 * How far the agent's subscriber PeerConnection (`window.sub`) advances during `windowMs`:
 * decoded video frames and received audio packets.
 */
async function inboundProgress(page: Page, windowMs: number): Promise<{ framesDecoded: number; audioPackets: number }> {
  return page.evaluate(async (ms) => {
    const read = async () => {
      const report: any = await (window as any).sub.getStats();
      const totals = { framesDecoded: 0, audioPackets: 0 };
      report.forEach((s: any) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') totals.framesDecoded += s.framesDecoded ?? 0;
        if (s.kind === 'audio') totals.audioPackets += s.packetsReceived ?? 0;
      });
      return totals;
    };
    const start = await read();
    await new Promise((r) => setTimeout(r, ms));
    const end = await read();
    return { framesDecoded: end.framesDecoded - start.framesDecoded, audioPackets: end.audioPackets - start.audioPackets };
  }, windowMs);
}

beforeAll(async () => {
  await cleanupStaleJanusHosts();
  recordingsDir = await mkdtemp(path.join(os.tmpdir(), 'vident-media-test-'));
  host = await startJanusHost({ name: 'media-node-test', recordingsDir, ...secrets, logDir: recordingsDir });
  gateway = await JanusGateway.connect({ url: host.wsUrl, apiSecret: secrets.apiSecret, adminKey: secrets.adminKey });
  commands = new MediaCommands({
    gateway: () => gateway,
    recordingsDir,
    reportEvent: (event) => events.push(event),
    processRecording: (sessionId, role) => postProcessRecording({ recordingsDir, sessionId, role }),
    log: { info: () => undefined, warn: () => undefined },
  });
  app = buildApp({ commands, nodeSecret: NODE_SECRET, janusUp: () => gateway.up });

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
  await gateway?.close();
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

  it('publishes and subscribes over TCP only and records a playable webm', async () => {
    const sessionId = randomUUID();
    expect((await command({ type: 'create-room', sessionId, record: true })).status).toBe(200);

    // Publisher: a full (non-trickle) offer from Chromium with fake camera + microphone.
    const offer = await page.evaluate(async () => {
      const w = window as any;
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
      const pc = new RTCPeerConnection();
      w.pub = pc;
      for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      });
      return pc.localDescription!.sdp;
    });
    expect(candidateLines(offer).some((l) => / udp /i.test(l))).toBe(true);

    // The customer joins with the camera off: Janus must not relay (or record) the video
    // it nevertheless receives until a configure turns it on.
    const published = await command({ type: 'publish', sessionId, participant: 'customer', display: 'Customer', sdp: offer, audio: true, video: false });
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
    if (ready.type !== 'recording-ready') return;
    expect(ready.file).toBe(path.join(recordingsDir, sessionId, 'customer.webm'));
    expect((await stat(ready.file)).size).toBe(ready.bytes);
    expect(ready.bytes).toBeGreaterThan(10_000);
    // The recording starts at webrtcup (shortly after publish), so allow ~1.5 s of slack.
    expect(Math.abs(ready.durationMs - publishedMs)).toBeLessThan(1_500);

    const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', ready.file]);
    expect(stdout.trim().split('\n').sort()).toEqual(['opus', 'vp8']);

    // The recording holds what the agent saw: no video while the camera was off at join
    // (video starts ~2 s in, still in sync with the audio), a hole while video was turned off,
    // and audio and video ending together.
    const video = await packetTimes(ready.file, 'v:0');
    const audio = await packetTimes(ready.file, 'a:0');
    expect(video[0]).toBeGreaterThan(1.2);
    expect(audio[0]).toBeLessThan(0.2);
    const videoHoles = video.slice(1).map((t, i) => t - video[i]!);
    expect(Math.max(...videoHoles)).toBeGreaterThan(1.5);
    expect(Math.abs(video.at(-1)! - audio.at(-1)!)).toBeLessThan(0.5);
    expect(await readdir(rawRecordingDir(recordingsDir, sessionId))).toEqual(
      expect.arrayContaining([expect.stringMatching(/-user-customer-\d+-video-\d+\.mjr$/)]),
    );
  });
});

/*
 * The customer's pre-call TCP probe against a REAL Janus (own namespace, UDP dropped) and a real
 * headless Chromium: a data-channel-only offer goes through the signed `probe` command, the
 * answer carries only TCP candidates, a nonce sent over the data channel comes back over a TCP
 * pair, and the EchoTest handle is gone afterwards (browser hung up, or the lifetime cap), as the
 * Janus Admin API's own handle list shows. A `relay` probe goes through a real coturn in Janus's
 * namespace (TURN over TCP on 443, infra/turn-server.ts), as the call's TURN fallback does.
 * Needs root.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signRequest } from '@vident/protocol';
import { cleanupStaleJanusHosts, startJanusHost, type JanusHost } from '../../../infra/janus-host.ts';
import { startTurnServer, TURN_PORT, type TurnServer } from '../../../infra/turn-server.ts';
import { buildApp } from '../../src/app.ts';
import { JanusGateway } from '../../src/janus/janus-gateway.ts';
import { MediaPathProbes } from '../../src/probe/media-path-probes.ts';
import { MediaCommands } from '../../src/sessions/media-commands.ts';
import { candidateLines, waitFor } from '../support/janus-probes.ts';
import { testKeys } from '../support/test-keys.ts';

const keys = await testKeys();
const secrets = { apiSecret: randomBytes(24).toString('hex'), adminSecret: randomBytes(24).toString('hex'), adminKey: randomBytes(24).toString('hex') };
const TURN_SECRET = randomBytes(24).toString('hex');

let host: JanusHost;
let turn: TurnServer;
let gateway: JanusGateway;
let dir: string;
let commands: MediaCommands;
let app: ReturnType<typeof buildApp>;
let browser: Browser;
let page: Page;
let pageServer: http.Server;

async function command(body: Record<string, unknown>) {
  const payload = JSON.stringify(body);
  const headers = await signRequest({ keyId: 'control-plane', secret: keys.controlPlane.privateKey, method: 'POST', pathWithQuery: '/v1/commands', body: payload });
  const res = await app.inject({ method: 'POST', url: '/v1/commands', headers: { ...headers, 'content-type': 'application/json' }, payload });
  return { status: res.statusCode, body: res.json() as Record<string, any> };
}

/** Every handle Janus holds, by plugin, as its Admin API lists them. */
async function janusHandles(): Promise<string[]> {
  const ws = new WebSocket(host.adminWsUrl, 'janus-admin-protocol');
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const ask = (body: Record<string, unknown>) =>
    new Promise<any>((resolve) => {
      const transaction = randomUUID();
      const onMessage = (data: WebSocket.RawData) => {
        const msg = JSON.parse(String(data));
        if (msg.transaction !== transaction) return;
        ws.off('message', onMessage);
        resolve(msg);
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ ...body, transaction, admin_secret: secrets.adminSecret }));
    });
  try {
    const plugins: string[] = [];
    for (const session of (await ask({ janus: 'list_sessions' })).sessions as number[]) {
      for (const handle of (await ask({ janus: 'list_handles', session_id: session })).handles as number[]) {
        const info = await ask({ janus: 'handle_info', session_id: session, handle_id: handle });
        plugins.push(String(info.info?.plugin));
      }
    }
    return plugins;
  } finally {
    ws.close();
  }
}
const echoHandles = async () => (await janusHandles()).filter((p) => p === 'janus.plugin.echotest').length;

/** UDP packets the namespace's firewall dropped at the veth (its `udp_dropped` counter). */
function udpDropped(): number {
  const listing = execFileSync('ip', ['netns', 'exec', host.namespace, 'nft', 'list', 'counter', 'inet', host.nftTable, 'udp_dropped'], { encoding: 'utf8' });
  return Number(/packets (\d+)/.exec(listing)?.[1] ?? NaN);
}

/** The browser's TURN server, with a credential by the TURN REST API scheme (as the control plane mints it). */
function turnIceServer(): RTCIceServer {
  const username = `${Math.floor(Date.now() / 1000) + 600}:probe-test-customer`;
  return { urls: [turn.url], username, credential: createHmac('sha1', TURN_SECRET).update(username).digest('base64') };
}

/** A data-channel-only PeerConnection in the page (`window.probe`); returns its full offer. */
function pageProbeOffer(config: RTCConfiguration = {}): Promise<string> {
  return page.evaluate(async (config) => {
    const pc = new RTCPeerConnection(config);
    const channel = pc.createDataChannel('probe');
    (window as any).probe = { pc, channel };
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    });
    return pc.localDescription!.sdp;
  }, config);
}

/** Sets Janus's answer, sends a nonce once the channel opens; the echo and the selected pair's transport. */
function pageEcho(answer: string): Promise<{ echoed: boolean; protocol: string | null; candidateType: string | null; relayProtocol: string | null }> {
  return page.evaluate(async (sdp) => {
    const { pc, channel } = (window as any).probe as { pc: RTCPeerConnection; channel: RTCDataChannel };
    await pc.setRemoteDescription({ type: 'answer', sdp });
    const nonce = crypto.randomUUID();
    const echoed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      channel.onmessage = (e) => {
        // Janus's EchoTest bounces text back behind its own greeting ("... You wrote: <text>").
        if (typeof e.data === 'string' && e.data.endsWith(nonce)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      if (channel.readyState === 'open') channel.send(nonce);
      else channel.onopen = () => channel.send(nonce);
    });
    let local: any = null;
    const report: any = await pc.getStats();
    report.forEach((s: any) => {
      if (s.type !== 'candidate-pair' || !s.nominated || s.state !== 'succeeded') return;
      local = report.get(s.localCandidateId) ?? null;
    });
    return { echoed, protocol: local?.protocol ?? null, candidateType: local?.candidateType ?? null, relayProtocol: local?.relayProtocol ?? null };
  }, answer);
}

beforeAll(async () => {
  await cleanupStaleJanusHosts();
  dir = await mkdtemp(path.join(os.tmpdir(), 'vident-probe-test-'));
  host = await startJanusHost({ name: 'media-node-probe-test', recordingsDir: dir, ...secrets, logDir: dir, turnPort: TURN_PORT });
  turn = await startTurnServer({ namespace: host.namespace, address: host.janusAddress, secret: TURN_SECRET, logDir: dir });
  gateway = await JanusGateway.connect({ url: host.wsUrl, apiSecret: secrets.apiSecret, adminKey: secrets.adminKey });
  commands = new MediaCommands({
    gateway: () => gateway,
    recordingsDir: dir,
    reportEvent: () => undefined,
    processRecording: async () => null,
    log: { info: () => undefined, warn: () => undefined },
  });
  app = buildApp({ commands, keys: keys.app, janusUp: () => gateway.up });
  pageServer = http.createServer((_req, res) => res.end('<!doctype html><title>vident probe test</title>'));
  await new Promise<void>((r) => pageServer.listen(0, '127.0.0.1', r));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--allow-loopback-in-peer-connection', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`);
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await commands?.probes.closeAll();
  await app?.close();
  await gateway?.close({ keepSession: false });
  await turn?.stop();
  await host?.stop();
  await new Promise((r) => pageServer?.close(r));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('pre-call TCP probe against a real Janus', () => {
  it('answers a data-channel offer with only TCP candidates, echoes a nonce over TCP, and detaches when the browser hangs up', async () => {
    const offer = await pageProbeOffer();
    expect(candidateLines(offer).some((l) => / udp /i.test(l))).toBe(true);
    const sessionId = randomUUID();
    const res = await command({ type: 'probe', sessionId, probeId: randomUUID(), sdp: offer });
    expect(res.status).toBe(200);
    const answer: string = res.body.sdp;
    const candidates = candidateLines(answer);
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.every((l) => / tcp /i.test(l))).toBe(true);
    expect(commands.probes.liveCount).toBe(1);
    expect(await echoHandles()).toBe(1);
    // The probe touches no room and no session bookkeeping.
    expect(commands.registry.counts().sessions).toBe(0);

    // Chromium reports its ICE-TCP active candidate as host or prflx; never a relay on this path.
    expect(await pageEcho(answer)).toMatchObject({ echoed: true, protocol: 'tcp', candidateType: expect.not.stringMatching(/^relay$/), relayProtocol: null });

    await page.evaluate(() => (window as any).probe.pc.close());
    await waitFor('probe handle detached', () => commands.probes.liveCount === 0, 20_000);
    expect(await echoHandles()).toBe(0);
  });

  it('through TURN (transport relay): only the browser’s relay candidates in, Janus’s host candidates out, the nonce echoed over a relay reached by TCP', async () => {
    const offer = await pageProbeOffer({ iceServers: [turnIceServer()], iceTransportPolicy: 'relay' });
    const offered = candidateLines(offer);
    // The browser reached coturn over TCP 443 and got its relayed address; nothing else is gathered.
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.every((l) => / typ relay /.test(l))).toBe(true);
    const udpBefore = udpDropped();
    const res = await command({ type: 'probe', sessionId: randomUUID(), probeId: randomUUID(), sdp: offer, transport: 'relay' });
    expect(res.status).toBe(200);
    // The TURN server relays to Janus over UDP inside the namespace: the relay answer keeps Janus's UDP host candidates.
    const answered = candidateLines(res.body.sdp);
    expect(answered.some((l) => / udp /i.test(l) && / typ host/.test(l))).toBe(true);
    expect(answered.every((l) => / typ host/.test(l))).toBe(true);

    expect(await pageEcho(res.body.sdp)).toEqual({ echoed: true, protocol: 'udp', candidateType: 'relay', relayProtocol: 'tcp' });
    // No UDP crossed the veth: the browser's side stayed TCP (coturn -> Janus is the namespace's loopback).
    expect(udpDropped()).toBe(udpBefore);

    await page.evaluate(() => (window as any).probe.pc.close());
    await waitFor('relay probe handle detached', () => commands.probes.liveCount === 0, 20_000);
    expect(await echoHandles()).toBe(0);
  });

  it('detaches a probe the browser never completes once its lifetime is over', async () => {
    const probes = new MediaPathProbes({ gateway: () => gateway, log: { info: () => undefined }, maxLifetimeMs: 1_500 });
    await probes.answer({ type: 'probe', sessionId: randomUUID(), probeId: randomUUID(), sdp: await pageProbeOffer() });
    expect(probes.liveCount).toBe(1);
    expect(await echoHandles()).toBe(1);
    await waitFor('lifetime cap', () => probes.liveCount === 0, 10_000);
    expect(await echoHandles()).toBe(0);
    await page.evaluate(() => (window as any).probe.pc.close());
  });

  it('refuses offers with media or garbage with a stable code, attaching nothing', async () => {
    const withVideo = await page.evaluate(async () => {
      const pc = new RTCPeerConnection();
      pc.addTransceiver('video');
      pc.createDataChannel('probe');
      const offer = await pc.createOffer();
      pc.close();
      return offer.sdp!;
    });
    for (const sdp of [withVideo, 'v=0\r\nnot an offer']) {
      const res = await command({ type: 'probe', sessionId: randomUUID(), probeId: randomUUID(), sdp });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect(commands.probes.liveCount).toBe(0);
    expect(await echoHandles()).toBe(0);
  });
});

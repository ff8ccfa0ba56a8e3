/*
 * GET /metrics on the real Fastify app after real activity: signed commands through the command
 * route (no Janus here, so they fail the way they fail in production while Janus is down), a real
 * upload outbox against the upload-contract server, and a real process's CPU read from /proc.
 * Sessions, publishers and bitrate following real Janus publishes are asserted in test/sessions/media-commands.test.ts.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBankKeyPair, importBankPublicKey, MIN_PART_SIZE, sealBytes, signRequest } from '@vident/protocol';
import { buildApp, buildMetricsApp } from '../../src/app.ts';
import { ControlPlaneClient } from '../../src/control-plane/control-plane-client.ts';
import { enqueueSealedFile, recordingArtifactId } from '../../src/evidence/outbox-entry.ts';
import { UploadOutbox } from '../../src/evidence/upload-outbox.ts';
import { countingUploadApi } from '../../src/metrics/counting-upload-api.ts';
import { JanusCpuSampler } from '../../src/metrics/janus-cpu.ts';
import { NodeMetrics } from '../../src/metrics/node-metrics.ts';
import { commandsWithoutJanus } from '../support/commands-without-janus.ts';
import { parseExposition } from '../support/metrics-exposition.ts';
import { UploadContractServer } from '../evidence/upload-contract-server.ts';
import { testKeys } from '../support/test-keys.ts';

const keys = await testKeys();
const NODE_ID = 'node-metrics-1';

let root: string;
let server: UploadContractServer;
let outbox: UploadOutbox;
let janusUp = false;
const commands = commandsWithoutJanus();
let metrics: NodeMetrics;
let app: ReturnType<typeof buildApp>;
let metricsApp: ReturnType<typeof buildMetricsApp>;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vident-metrics-'));
  server = await new UploadContractServer(NODE_ID, keys.node.publicKey).listen();
  // This test process stands in for Janus: its pid file, its /proc/<pid>/stat.
  const pidFile = path.join(root, 'janus.pid');
  await writeFile(pidFile, `${process.pid}\n`);
  const cpu = new JanusCpuSampler(pidFile);
  metrics = new NodeMetrics({
    counts: () => commands.registry.counts(),
    janusUp: () => janusUp,
    janusCpuPercent: () => cpu.sample(),
    uploadsPending: () => outbox.pending,
  });
  const api = new ControlPlaneClient({ baseUrl: server.url, nodeId: NODE_ID, signingKey: keys.node.privateKey });
  const log = { info: () => undefined, warn: () => undefined };
  outbox = new UploadOutbox({ dir: path.join(root, 'outbox'), api: countingUploadApi(api, metrics), log, scanIntervalMs: 50, backoffBaseMs: 20 });
  app = buildApp({ commands, keys: keys.app, janusUp: () => janusUp, metrics });
  metricsApp = buildMetricsApp({ metrics });
});

afterAll(async () => {
  await outbox?.stop();
  await app?.close();
  await metricsApp?.close();
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function scrape(): Promise<Map<string, number>> {
  const res = await metricsApp.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return parseExposition(res.body);
}

async function command(body: Record<string, unknown>): Promise<number> {
  const payload = JSON.stringify(body);
  const headers = await signRequest({ keyId: 'control-plane', secret: keys.controlPlane.privateKey, method: 'POST', pathWithQuery: '/v1/commands', body: payload });
  return (await app.inject({ method: 'POST', url: '/v1/commands', headers: { ...headers, 'content-type': 'application/json' }, payload })).statusCode;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('GET /metrics', () => {
  it('is served on the metrics listener only, never on the command listener', async () => {
    const onCommands = await app.inject({ method: 'GET', url: '/metrics' });
    expect(onCommands.statusCode).toBe(404);
    expect(onCommands.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /metrics' } });
    expect(onCommands.body).not.toContain('vident_');
    const onMetrics = await metricsApp.inject({ method: 'GET', url: '/metrics' });
    expect(onMetrics.statusCode).toBe(200);
    expect(onMetrics.body).toContain('# HELP vident_sessions ');
    // And nothing else: no health, no commands on the metrics listener.
    for (const [method, url] of [['GET', '/health'], ['POST', '/v1/commands']] as const) {
      expect((await metricsApp.inject({ method, url })).statusCode).toBe(404);
    }
  });

  it('exposes every vident series, unauthenticated, with its help text', async () => {
    const res = await metricsApp.inject({ method: 'GET', url: '/metrics' });
    for (const name of [
      'vident_sessions', 'vident_publishers', 'vident_subscribers', 'vident_bitrate_kbps', 'vident_janus_up',
      'vident_janus_cpu_percent', 'vident_uploads_pending', 'vident_command_duration_seconds',
      'vident_recordings_sealed_total', 'vident_recordings_unconverted_total', 'vident_upload_bytes_total',
    ]) {
      expect(res.body).toContain(`# HELP ${name} `);
    }
    expect(res.body).toMatch(/# HELP vident_bitrate_kbps ESTIMATED/);
    const values = await scrape();
    expect(values.get('vident_sessions')).toBe(0);
    expect(values.get('vident_janus_up')).toBe(0);
    janusUp = true;
    expect((await scrape()).get('vident_janus_up')).toBe(1);
    janusUp = false;
  });

  it('times each command by type and outcome', async () => {
    const sessionId = randomUUID();
    // Without Janus the command layer answers 503 media_node_error (move the session); a refused signature is not a command.
    expect(await command({ type: 'create-room', sessionId, record: false })).toBe(503);
    expect(await command({ type: 'create-room', sessionId, record: false })).toBe(503);
    expect(await command({ type: 'leave', sessionId, participant: 'agent' })).toBe(404);
    const bad = await app.inject({ method: 'POST', url: '/v1/commands', payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(401);
    const values = await scrape();
    expect(values.get('vident_command_duration_seconds_count{command="create-room",outcome="media_node_error"}')).toBe(2);
    expect(values.get('vident_command_duration_seconds_count{command="leave",outcome="not_found"}')).toBe(1);
    expect(values.get('vident_command_duration_seconds_bucket{le="+Inf",command="create-room",outcome="media_node_error"}')).toBe(2);
    expect([...values.keys()].filter((k) => k.includes('outcome="unauthorized"'))).toEqual([]);
  });

  it('counts uploaded bytes once the control plane stored them, and pending returns to 0', async () => {
    const keys = await generateBankKeyPair(2048);
    const sealed = Buffer.from(await sealBytes(await importBankPublicKey(keys.publicKeyPem), 'video/webm', randomBytes(MIN_PART_SIZE + 1000)));
    const source = path.join(root, 'sealed.venc');
    await writeFile(source, sealed);
    const sessionId = randomUUID();
    const entry = await enqueueSealedFile({
      outboxDir: path.join(root, 'outbox'),
      sealedFile: source,
      artifactId: recordingArtifactId(sessionId, 'customer', 1),
      sessionId,
      participant: 'customer',
      segment: 1,
      partSize: MIN_PART_SIZE,
      startedAt: '2026-11-24T10:00:00.000Z',
      durationMs: 1000,
    });
    expect((await scrape()).get('vident_upload_bytes_total')).toBe(0);
    outbox.start();
    await until('stored', async () => server.uploads.get(entry.upload.artifactId)?.state === 'stored');
    const object = server.uploads.get(entry.upload.artifactId)!.object!;
    expect(createHash('sha256').update(object).digest('hex')).toBe(entry.upload.sha256);
    await until('pending 0', async () => (await scrape()).get('vident_uploads_pending') === 0);
    const values = await scrape();
    expect(values.get('vident_upload_bytes_total')).toBe(sealed.length);
  });

  it("reports the pid file's process CPU from /proc", async () => {
    await scrape();
    // Burn about 300 ms of CPU time in this process between two scrapes. On a loaded machine that
    // takes longer than 300 ms of wall time, so the share expected is what this process really got.
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    let x = 0;
    while (process.cpuUsage(cpuStart).user < 300_000 && performance.now() - wallStart < 10_000) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    const used = process.cpuUsage(cpuStart);
    const expected = ((used.user + used.system) / 1000 / (performance.now() - wallStart)) * 100;
    const cpu = (await scrape()).get('vident_janus_cpu_percent')!;
    expect(cpu).toBeGreaterThan(expected * 0.5);
    expect(cpu).toBeLessThan(400);
  });
});

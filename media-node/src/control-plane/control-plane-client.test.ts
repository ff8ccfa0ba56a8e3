import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PART_SHA256_HEADER, verifyRequest } from '@vident/protocol';
import { ControlPlaneClient, ControlPlaneError, type UploadTarget } from './control-plane-client.ts';
import { ByteRateLimiter } from '../evidence/byte-rate-limiter.ts';
import { testKeys } from '../../test/support/test-keys.ts';

const keys = await testKeys();
type Seen = { method: string; url: string; body: Buffer; verified: boolean; headers: http.IncomingHttpHeaders };
const seen: Seen[] = [];
let answer: (req: Seen) => [number, unknown] = () => [200, {}];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const verified = await verifyRequest({
        method: req.method ?? '',
        pathWithQuery: req.url ?? '',
        body: new Uint8Array(body),
        header: (n) => [req.headers[n]].flat()[0],
        secretFor: (k) => (k === 'node-a' ? keys.node.publicKey : undefined),
      });
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', body, verified: verified.ok, headers: req.headers };
      seen.push(s);
      const [status, json] = answer(s);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const ARTIFACT = 'rec-abcdef12-agent-1-00000000';
const GRANT = 'session=6f1c1f5e-8a55-4c7c-9a3e-2f0d8a3c1b2a&upload=abc%2Bdef&size=10&part-size=5242880&expires=1900000000&sig=' + 'ab'.repeat(32);
const TARGET: UploadTarget = {
  artifactId: ARTIFACT,
  urls: {
    part: `/v1/nodes/node-a/uploads/${ARTIFACT}/parts/{partNumber}?${GRANT}`,
    complete: `/v1/nodes/node-a/uploads/${ARTIFACT}/complete?${GRANT}`,
    expiresAt: '2030-03-17T17:46:40.000Z',
  },
};

const client = (limiter?: ByteRateLimiter) => new ControlPlaneClient({ baseUrl: url, nodeId: 'node-a', signingKey: keys.node.privateKey, uploadLimiter: limiter });

describe('ControlPlaneClient', () => {
  it('signs JSON calls and reads the bank key from the registration answer', async () => {
    answer = () => [200, { heartbeatIntervalMs: 2000, evidencePublicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }];
    expect(await client().register({ nodeId: 'node-a', url: 'http://127.0.0.1:7400', capacity: 2, version: '1' })).toEqual({
      heartbeatIntervalMs: 2000,
      evidencePublicKey: expect.stringContaining('BEGIN PUBLIC KEY'),
    });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/v1/nodes/register', verified: true });
  });

  it('reads a registration answer without a bank key as null (nothing can be sealed)', async () => {
    answer = () => [200, { heartbeatIntervalMs: 2000, evidencePublicKey: null }];
    expect(await client().register({ nodeId: 'node-a', url: 'http://127.0.0.1:7400', capacity: 2, version: '1' })).toEqual({ heartbeatIntervalMs: 2000, evidencePublicKey: null });
  });

  it('refuses a registration answer that breaks the protocol schema (the node retries)', async () => {
    answer = () => [200, { heartbeatIntervalMs: 'soon' }];
    await expect(client().register({ nodeId: 'node-a', url: 'http://127.0.0.1:7400', capacity: 2, version: '1' })).rejects.toMatchObject({ name: 'ControlPlaneError', status: 0 });
  });

  it('signs raw part bytes and sends their SHA-256 header, to the part URL the start answered (its query signed too)', async () => {
    const bytes = randomBytes(300_000);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    answer = (s) => [200, { partNumber: 2, size: s.body.length, sha256: s.headers[PART_SHA256_HEADER] }];
    expect(await client().putPart(TARGET, 2, bytes, sha256)).toEqual({ partNumber: 2, size: bytes.length, sha256 });
    const s = seen.at(-1)!;
    expect(s).toMatchObject({ method: 'PUT', url: `/v1/nodes/node-a/uploads/${ARTIFACT}/parts/2?${GRANT}`, verified: true });
    expect(s.body.equals(bytes)).toBe(true);
    expect(s.headers['content-type']).toBe('application/octet-stream');
    expect(s.headers['content-length']).toBe(String(bytes.length));
    answer = () => [200, { artifact: {} }];
    await client().completeUpload(TARGET).catch(() => undefined);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: `/v1/nodes/node-a/uploads/${ARTIFACT}/complete?${GRANT}`, verified: true });
  });

  it('falls back to the bare part and complete paths when the start gave no URLs (a control plane before issue 16)', async () => {
    answer = (s) => [200, { partNumber: 1, size: s.body.length, sha256: s.headers[PART_SHA256_HEADER] }];
    await client().putPart({ artifactId: ARTIFACT, urls: undefined }, 1, randomBytes(10), 'a'.repeat(64));
    expect(seen.at(-1)).toMatchObject({ url: `/v1/nodes/node-a/uploads/${ARTIFACT}/parts/1`, verified: true });
    answer = () => [200, { artifact: {} }];
    await client().completeUpload({ artifactId: ARTIFACT, urls: undefined }).catch(() => undefined);
    expect(seen.at(-1)).toMatchObject({ url: `/v1/nodes/node-a/uploads/${ARTIFACT}/complete`, verified: true });
  });

  it('paces part bodies to the configured rate', async () => {
    const bytes = randomBytes(200_000);
    answer = (s) => [200, { partNumber: 1, size: s.body.length, sha256: s.headers[PART_SHA256_HEADER] }];
    const started = Date.now();
    await client(new ByteRateLimiter(400_000)).putPart(TARGET, 1, bytes, 'a'.repeat(64));
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(seen.at(-1)!.body.equals(bytes)).toBe(true);
  });

  it('turns error answers into ControlPlaneError with the status and code', async () => {
    answer = () => [422, { error: { code: 'checksum_mismatch', message: 'no' } }];
    const err = await client().completeUpload(TARGET).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlPlaneError);
    expect(err).toMatchObject({ status: 422, code: 'checksum_mismatch' });
  });

  it('treats a 2xx that breaks the contract, and an unreachable control plane, as no answer (status 0)', async () => {
    answer = () => [200, { state: 'maybe' }];
    await expect(client().completeUpload(TARGET)).rejects.toMatchObject({ status: 0 });
    const offline = new ControlPlaneClient({ baseUrl: 'http://127.0.0.1:9', nodeId: 'node-a', signingKey: keys.node.privateKey });
    await expect(offline.heartbeat({ sessions: 0, publishers: 0, subscribers: 0, janusUp: false, uploadsPending: 0 })).rejects.toMatchObject({ status: 0 });
  });

  it("answers the heartbeat's fleet status and rooms to release; live and none from an older control plane", async () => {
    const beat = { sessions: 0, publishers: 0, subscribers: 0, janusUp: true, uploadsPending: 0 };
    const orphan = '6f1c1f5e-8a55-4c7c-9a3e-2f0d8a3c1b2a';
    answer = () => [200, { ok: true, status: 'drained', release: [orphan] }];
    expect(await client().heartbeat(beat)).toEqual({ status: 'drained', release: [orphan] });
    answer = () => [200, { ok: true }];
    expect(await client().heartbeat(beat)).toEqual({ status: 'live', release: [] });
    // A release list that is not session ids is refused as a whole, never acted on.
    answer = () => [200, { ok: true, status: 'live', release: ['../etc'] }];
    await expect(client().heartbeat(beat)).rejects.toMatchObject({ name: 'ControlPlaneError', status: 0 });
  });

  it('rejects with the abort reason when stopped mid-body', async () => {
    const controller = new AbortController();
    const sending = client(new ByteRateLimiter(100_000)).putPart(TARGET, 1, randomBytes(500_000), 'a'.repeat(64), controller.signal);
    setTimeout(() => controller.abort(new Error('stopping')), 100);
    await expect(sending).rejects.toThrow('stopping');
  });
});

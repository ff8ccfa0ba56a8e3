import { beforeAll, describe, expect, it } from 'vitest';
import {
  ArtifactView,
  generateBankKeyPair,
  importBankPrivateKey,
  importBankPublicKey,
  MAX_CAPTURE_BYTES,
  openBytes,
  toHex,
  type BankPublicKey,
} from '@vident/protocol';
import {
  CaptureError,
  captureUploadRequest,
  interpretCaptureResponse,
  readCaptureResponse,
  sealCapture,
  sendCapture,
} from './capture-upload.ts';

const origin = 'https://vident.example';
const sessionId = '3f1c2a4e-8b7d-4c2e-9a1f-0123456789ab';
const token = 'eyJ2IjoxfQ.c2lnbmF0dXJl';
/** Stand-in JPEG (SOI marker, then filler): the envelope seals bytes, whatever they are. */
const jpeg = Uint8Array.from({ length: 50_000 }, (_, i) => (i < 3 ? [0xff, 0xd8, 0xff][i]! : (i * 31) % 251));

let bank: BankPublicKey;
let privateKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateBankKeyPair(2048);
  bank = await importBankPublicKey(pair.publicKeyPem);
  privateKey = await importBankPrivateKey(pair.privateKeyPem);
});

async function sha256(bytes: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** What the control plane answers for a stored capture of these sealed bytes. */
async function storedView(sealed: Uint8Array, capture: 'id_front' | 'id_back' | 'face'): Promise<ArtifactView> {
  return ArtifactView.parse({
    artifactId: 'cap-0123abcd',
    sessionId,
    kind: 'capture',
    participant: 'customer',
    capture,
    segment: null,
    fileName: `capture-${capture}-cap-0123abcd.venc`,
    contentType: 'image/jpeg',
    size: sealed.length,
    sha256: await sha256(sealed),
    bankKeyId: bank.keyId,
    startedAt: '2026-01-01T00:10:00.000Z',
    offsetMs: null,
    durationMs: null,
    nodeId: null,
    state: 'stored',
    storedAt: '2026-01-01T00:10:01.000Z',
    deletedAt: null,
  });
}

describe('the capture upload request', () => {
  it('carries only ciphertext that the bank key opens back into the exact JPEG', async () => {
    const sealed = await sealCapture(bank, jpeg);
    const { url, init } = captureUploadRequest({ origin, sessionId, kind: 'id_front', token, sealed });
    // What fetch would put on the wire, read back through the platform's own Request.
    const request = new Request(url, init);
    const body = new Uint8Array(await request.arrayBuffer());

    expect(request.method).toBe('POST');
    expect(request.url).toBe(`${origin}/v1/sessions/${sessionId}/captures?capture=id_front`);
    expect(request.headers.get('content-type')).toBe('application/octet-stream');
    expect(contains(body, jpeg.subarray(0, 64))).toBe(false);

    const opened = await openBytes(privateKey, body);
    expect(opened.header.contentType).toBe('image/jpeg');
    expect(opened.header.bankKeyId).toBe(bank.keyId);
    expect(await sha256(opened.plain)).toBe(await sha256(jpeg));
  });

  it('puts the token in the Authorization header, never in the URL', async () => {
    const sealed = await sealCapture(bank, jpeg);
    const { url, init } = captureUploadRequest({ origin, sessionId, kind: 'face', token, sealed });
    const request = new Request(url, init);
    expect(request.url).not.toContain(token);
    expect(request.headers.get('authorization')).toBe(`Bearer ${token}`);
    expect(request.credentials).toBe('omit');
    expect(request.referrerPolicy).toBe('no-referrer');
  });

  it('seals every capture under a fresh key: two seals of one JPEG differ', async () => {
    const [a, b] = await Promise.all([sealCapture(bank, jpeg), sealCapture(bank, jpeg)]);
    expect(await sha256(a)).not.toBe(await sha256(b));
  });

  it('refuses a still over the server limit before uploading', async () => {
    await expect(sealCapture(bank, new Uint8Array(MAX_CAPTURE_BYTES))).rejects.toSatisfy(
      (e) => e instanceof CaptureError && e.code === 'payload_too_large',
    );
  });
});

describe('reading the answer', () => {
  const expected = { sessionId, kind: 'id_front' as const };

  it('returns the stored artifact on 201, bare or wrapped as { artifact }', async () => {
    const view = await storedView(new Uint8Array([1, 2, 3]), 'id_front');
    expect(await readCaptureResponse(Response.json(view, { status: 201 }), expected)).toEqual({ ok: true, artifact: view });
    expect(await readCaptureResponse(Response.json({ artifact: view }, { status: 201 }), expected)).toEqual({ ok: true, artifact: view });
  });

  it("passes the server's error code through", async () => {
    const res = Response.json({ error: { code: 'checksum_mismatch', message: 'bad' } }, { status: 422 });
    expect(await readCaptureResponse(res, expected)).toEqual({ ok: false, failure: { code: 'checksum_mismatch', detail: 'bad' } });
    for (const code of ['not_configured', 'token_invalid', 'session_ended', 'payload_too_large'] as const) {
      expect(interpretCaptureResponse(400, { error: { code, message: 'm' } }, expected)).toEqual({ ok: false, failure: { code, detail: 'm' } });
    }
  });

  it('treats a proxy page as unexpected, or as too large for a bare 413', async () => {
    const html = (status: number) => new Response('<html>nope</html>', { status, headers: { 'content-type': 'text/html' } });
    expect(await readCaptureResponse(html(502), expected)).toMatchObject({ ok: false, failure: { code: 'unexpected_response' } });
    expect(await readCaptureResponse(html(413), expected)).toMatchObject({ ok: false, failure: { code: 'payload_too_large' } });
    expect(await readCaptureResponse(new Response(null, { status: 201 }), expected)).toMatchObject({ ok: false, failure: { code: 'unexpected_response' } });
  });

  it('does not trust an artifact of another kind, capture or session, nor a 200', async () => {
    const view = await storedView(new Uint8Array([1]), 'id_front');
    for (const wrong of [{ capture: 'face' }, { kind: 'recording' }, { sessionId: '00000000-0000-4000-8000-000000000000' }]) {
      expect(interpretCaptureResponse(201, { ...view, ...wrong }, expected)).toMatchObject({ ok: false, failure: { code: 'unexpected_response' } });
    }
    expect(interpretCaptureResponse(200, view, expected)).toMatchObject({ ok: false, failure: { code: 'unexpected_response' } });
    expect(interpretCaptureResponse(201, { artifact: 'x' }, expected)).toMatchObject({ ok: false, failure: { code: 'unexpected_response' } });
  });

  it('reports an unreachable server as a network failure instead of throwing', async () => {
    const sealed = await sealCapture(bank, jpeg);
    // Port 0 is never listening: the connection is refused on this machine, nothing leaves it.
    const request = captureUploadRequest({ origin: 'http://127.0.0.1:0', sessionId, kind: 'id_back', token, sealed });
    expect(await sendCapture(request, { sessionId, kind: 'id_back' })).toMatchObject({ ok: false, failure: { code: 'network' } });
  });
});

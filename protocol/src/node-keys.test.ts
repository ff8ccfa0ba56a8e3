import { describe, expect, it } from 'vitest';
import { ed25519PublicKeyOf, generateEd25519KeyPair, importEd25519PrivateKey, importEd25519PublicKey } from './node-keys.ts';
import { signAnswer, signRequest, verifyAnswer, verifyRequest, SIGNATURE_HEADERS } from './signing.ts';

const now = 1_800_000_000_000;

async function pair() {
  const text = await generateEd25519KeyPair();
  return { text, privateKey: await importEd25519PrivateKey(text.privateKey), publicKey: await importEd25519PublicKey(text.publicKey) };
}

describe('Ed25519 request signing (nodes and the control plane)', () => {
  it('verifies with the public key, and refuses another key, a tampered body or the HMAC of the same text', async () => {
    const node = await pair();
    const other = await pair();
    const headers = await signRequest({ keyId: 'node-a', secret: node.privateKey, method: 'POST', pathWithQuery: '/v1/nodes/register', body: '{}', now });
    expect(headers[SIGNATURE_HEADERS.signature]).toMatch(/^[0-9a-f]{128}$/);
    const verify = (key: CryptoKey | string, body = '{}') =>
      verifyRequest({ method: 'POST', pathWithQuery: '/v1/nodes/register', body, header: (n) => headers[n], secretFor: () => key, now });
    expect(await verify(node.publicKey)).toEqual({ ok: true, keyId: 'node-a' });
    expect(await verify(other.publicKey)).toMatchObject({ ok: false, code: 'signature_invalid' });
    expect(await verify(node.publicKey, '{"capacity":9999}')).toMatchObject({ ok: false, code: 'signature_invalid' });
    expect(await verify('a-shared-secret-0123456789')).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('verifies a streamed body against its declared hash', async () => {
    const node = await pair();
    const headers = await signRequest({ keyId: 'node-a', secret: node.privateKey, method: 'PUT', pathWithQuery: '/p', bodySha256: 'ab'.repeat(32), now });
    const verify = (sha256: string) => verifyRequest({ method: 'PUT', pathWithQuery: '/p', body: { sha256 }, header: (n) => headers[n], secretFor: () => node.publicKey, now });
    expect((await verify('ab'.repeat(32))).ok).toBe(true);
    expect((await verify('cd'.repeat(32))).ok).toBe(false);
  });

  it('binds an answer to the request, the status and the body', async () => {
    const node = await pair();
    const request = 'ab'.repeat(64);
    const signature = await signAnswer(node.privateKey, request, 200, '{"sdp":"v=0"}');
    expect(await verifyAnswer(node.publicKey, request, 200, '{"sdp":"v=0"}', signature)).toBe(true);
    expect(await verifyAnswer(node.publicKey, request.toUpperCase(), 200, '{"sdp":"v=0"}', signature)).toBe(true);
    expect(await verifyAnswer(node.publicKey, 'cd'.repeat(64), 200, '{"sdp":"v=0"}', signature)).toBe(false);
    expect(await verifyAnswer(node.publicKey, request, 201, '{"sdp":"v=0"}', signature)).toBe(false);
    expect(await verifyAnswer(node.publicKey, request, 200, '{"sdp":"v=1"}', signature)).toBe(false);
    expect(await verifyAnswer(node.publicKey, request, 200, '{"sdp":"v=0"}', null)).toBe(false);
    expect(await verifyAnswer(node.publicKey, request, 200, '{"sdp":"v=0"}', 'zz')).toBe(false);
  });

  it('derives the public key text from the private key, and refuses what is not a key', async () => {
    const node = await pair();
    expect(await ed25519PublicKeyOf(node.privateKey)).toBe(node.text.publicKey);
    await expect(importEd25519PublicKey('not-a-key')).rejects.toThrow();
    await expect(importEd25519PrivateKey('bm90IGEga2V5')).rejects.toThrow();
  });
});

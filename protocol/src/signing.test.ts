import { describe, expect, it } from 'vitest';
import { canonicalRequest, sha256Hex, signRequest, verifyRequest, SIGNATURE_HEADERS } from './signing.ts';

const secret = 'test-secret-0123456789';
const now = 1_800_000_000_000;

async function signed(body: string, overrides: Partial<Parameters<typeof signRequest>[0]> = {}) {
  return signRequest({ keyId: 'bank-1', secret, method: 'POST', pathWithQuery: '/v1/sessions', body, now, ...overrides });
}

function verify(headers: Record<string, string>, body: string, extra: { now?: number; method?: string; path?: string } = {}) {
  return verifyRequest({
    method: extra.method ?? 'POST',
    pathWithQuery: extra.path ?? '/v1/sessions',
    body,
    header: (name) => headers[name.toLowerCase()],
    secretFor: (keyId) => (keyId === 'bank-1' ? secret : undefined),
    now: extra.now ?? now,
  });
}

describe('request signing', () => {
  it('hashes the body with SHA-256 (known vector)', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('builds the canonical string from method, path, timestamp and body hash', async () => {
    expect(await canonicalRequest('post', '/v1/sessions?x=1', '42', 'abc')).toBe(
      'POST\n/v1/sessions?x=1\n42\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('accepts its own signature', async () => {
    const body = '{"externalRef":"A-1"}';
    expect(await verify(await signed(body), body)).toEqual({ ok: true, keyId: 'bank-1' });
  });

  it('refuses a tampered body, path or method', async () => {
    const headers = await signed('{"a":1}');
    expect(await verify(headers, '{"a":2}')).toMatchObject({ ok: false, code: 'signature_invalid' });
    expect(await verify(headers, '{"a":1}', { path: '/v1/sessions/x' })).toMatchObject({ ok: false, code: 'signature_invalid' });
    expect(await verify(headers, '{"a":1}', { method: 'DELETE' })).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('refuses a signature made with another secret', async () => {
    const headers = await signed('x', { secret: 'another-secret' });
    expect(await verify(headers, 'x')).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('refuses an unknown key id and missing headers', async () => {
    const headers = await signed('x', { keyId: 'nobody' });
    expect(await verify(headers, 'x')).toMatchObject({ ok: false, code: 'unknown_key' });
    const { [SIGNATURE_HEADERS.signature]: _dropped, ...partial } = await signed('x');
    expect(await verify(partial, 'x')).toMatchObject({ ok: false, code: 'unauthorized' });
  });

  it('refuses timestamps outside +-5 minutes and accepts the edges', async () => {
    const headers = await signed('x');
    expect(await verify(headers, 'x', { now: now + 301_000 })).toMatchObject({ code: 'timestamp_out_of_window' });
    expect(await verify(headers, 'x', { now: now - 301_000 })).toMatchObject({ code: 'timestamp_out_of_window' });
    expect(await verify(headers, 'x', { now: now + 299_000 })).toMatchObject({ ok: true });
    expect(await verify(headers, 'x', { now: now - 299_000 })).toMatchObject({ ok: true });
  });

  it('signs a fresh nonce into every request so identical requests differ', async () => {
    const one = await signed('x');
    const two = await signed('x');
    expect(one[SIGNATURE_HEADERS.nonce]).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(one[SIGNATURE_HEADERS.signature]).not.toBe(two[SIGNATURE_HEADERS.signature]);
    expect(await verify(one, 'x')).toMatchObject({ ok: true });
    expect(await canonicalRequest('GET', '/p', '42', 'abc', 'n'.repeat(16))).toBe(
      `GET\n/p\n42\n${'n'.repeat(16)}\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad`,
    );
  });

  it('refuses a stripped, swapped or malformed nonce; accepts none when signed without', async () => {
    const headers = await signed('x');
    const { [SIGNATURE_HEADERS.nonce]: _nonce, ...stripped } = headers;
    expect(await verify(stripped, 'x')).toMatchObject({ ok: false, code: 'signature_invalid' });
    expect(await verify({ ...headers, [SIGNATURE_HEADERS.nonce]: 'A'.repeat(32) }, 'x')).toMatchObject({ code: 'signature_invalid' });
    expect(await verify({ ...headers, [SIGNATURE_HEADERS.nonce]: 'bad\nnonce-0123456789' }, 'x')).toMatchObject({ code: 'signature_invalid' });
    const bare = await signed('x', { nonce: false });
    expect(bare[SIGNATURE_HEADERS.nonce]).toBeUndefined();
    expect(await verify(bare, 'x')).toMatchObject({ ok: true });
  });

  it('never throws on garbage headers', async () => {
    const garbage = ['', 'zz', 'ÿ'.repeat(64), '0'.repeat(63), '1e3', '-5', '9'.repeat(40)];
    for (const value of garbage) {
      const headers = { 'x-vident-key-id': 'bank-1', 'x-vident-timestamp': value, 'x-vident-signature': value };
      const result = await verify(headers, 'x');
      expect(result.ok).toBe(false);
    }
  });
});

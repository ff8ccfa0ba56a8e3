import { describe, expect, it } from 'vitest';
import { DOWNLOAD_URL_TTL_SECONDS, signDownloadUrl, verifyDownload } from './download-url.ts';

const SECRET = 'token-secret-0123456789abcdef';
const SID = '6f1c2a3e-8a4b-4c5d-9e6f-7a8b9c0d1e2f';
const ART = 'rec-6f1c2a3e-customer-1-0a1b2c3d';
const NOW = Date.parse('2026-11-23T10:00:00.000Z');

async function link() {
  const { url, expiresAt } = await signDownloadUrl({ baseUrl: 'https://vident.example', sessionId: SID, artifactId: ART, tokenSecret: SECRET, now: NOW });
  const u = new URL(url);
  return { u, expiresAt, expires: u.searchParams.get('expires')!, sig: u.searchParams.get('sig')! };
}

const check = (over: Partial<Parameters<typeof verifyDownload>[0]>, base: { expires: string; sig: string }) =>
  verifyDownload({ sessionId: SID, artifactId: ART, expires: base.expires, sig: base.sig, tokenSecret: SECRET, now: NOW, ...over });

describe('download links', () => {
  it('name one artifact and live DOWNLOAD_URL_TTL_SECONDS', async () => {
    const l = await link();
    expect(l.u.pathname).toBe(`/v1/evidence/${SID}/${ART}`);
    expect(Number(l.expires)).toBe(NOW / 1000 + DOWNLOAD_URL_TTL_SECONDS);
    expect(l.expiresAt).toBe(new Date(NOW + DOWNLOAD_URL_TTL_SECONDS * 1000).toISOString());
    expect(await check({}, l)).toEqual({ ok: true });
    expect(await check({ now: NOW + DOWNLOAD_URL_TTL_SECONDS * 1000 - 1 }, l)).toEqual({ ok: true });
  });

  it('refuse other artifacts, sessions, secrets, expiries and signatures; say expired only to genuine links', async () => {
    const l = await link();
    const bad = { ok: false, code: 'signature_invalid', status: 401 };
    expect(await check({ artifactId: 'rec-6f1c2a3e-agent-1-0a1b2c3d' }, l)).toMatchObject(bad);
    expect(await check({ sessionId: '00000000-0000-4000-8000-000000000000' }, l)).toMatchObject(bad);
    expect(await check({ tokenSecret: 'another-secret-0123456789abcdef' }, l)).toMatchObject(bad);
    expect(await check({ expires: String(Number(l.expires) + 1) }, l)).toMatchObject(bad);
    expect(await check({ sig: l.sig.replace(/^./, l.sig[0] === 'a' ? 'b' : 'a') }, l)).toMatchObject(bad);
    expect(await check({ now: NOW + DOWNLOAD_URL_TTL_SECONDS * 1000 }, l)).toMatchObject({ ok: false, code: 'forbidden', status: 403 });
    for (const junk of [{ expires: undefined }, { sig: undefined }, { expires: '-1' }, { expires: '1e9' }, { sig: l.sig.toUpperCase() }, { sig: 'zz' }]) {
      expect(await check(junk, l)).toMatchObject({ ok: false, code: 'unauthorized', status: 401 });
    }
  });
});

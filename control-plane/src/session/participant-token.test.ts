import { describe, expect, it } from 'vitest';
import { mintToken, verifyToken } from './participant-token.ts';

const SECRET = 'unit-test-token-secret-0123456789';
const SID = '6f1d7a52-6c0e-4c59-9b7e-0d0a1f5d2c11';
const OTHER_SID = '0b6c9e1c-2f0a-4b8e-8e0e-2f4b7d1a9c33';
const NOW = 1_750_000_000_000;
const EXP = Math.floor(NOW / 1000) + 30 * 60; // Unix seconds

describe('participant tokens', () => {
  it('verifies a fresh token and returns its payload', async () => {
    const token = await mintToken(SECRET, { sid: SID, role: 'customer', exp: EXP });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const check = await verifyToken(SECRET, token, { sessionId: SID, role: 'customer', now: NOW });
    expect(check).toEqual({ ok: true, payload: { v: 1, sid: SID, role: 'customer', exp: EXP } });
  });

  it('refuses a tampered payload (role swapped, signature kept)', async () => {
    const token = await mintToken(SECRET, { sid: SID, role: 'customer', exp: EXP });
    const [, mac] = token.split('.');
    const forged = btoa(JSON.stringify({ v: 1, sid: SID, role: 'agent', exp: EXP })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const check = await verifyToken(SECRET, `${forged}.${mac}`, { sessionId: SID, now: NOW });
    expect(check).toMatchObject({ ok: false, code: 'token_invalid' });
  });

  it('refuses a tampered signature and one made with another secret', async () => {
    const token = await mintToken(SECRET, { sid: SID, role: 'agent', exp: EXP });
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'AB' : 'AA');
    expect(await verifyToken(SECRET, flipped, { sessionId: SID, now: NOW })).toMatchObject({ ok: false, code: 'token_invalid' });
    const foreign = await mintToken('another-secret-0123456789abcdef', { sid: SID, role: 'agent', exp: EXP });
    expect(await verifyToken(SECRET, foreign, { sessionId: SID, now: NOW })).toMatchObject({ ok: false, code: 'token_invalid' });
  });

  it('refuses an expired token with token_expired', async () => {
    const token = await mintToken(SECRET, { sid: SID, role: 'customer', exp: EXP });
    expect(await verifyToken(SECRET, token, { sessionId: SID, now: EXP * 1000 })).toMatchObject({ ok: false, code: 'token_expired' });
    expect(await verifyToken(SECRET, token, { sessionId: SID, now: EXP * 1000 - 1 })).toMatchObject({ ok: true });
  });

  it('refuses a token of another session or another role', async () => {
    const token = await mintToken(SECRET, { sid: SID, role: 'customer', exp: EXP });
    expect(await verifyToken(SECRET, token, { sessionId: OTHER_SID, now: NOW })).toMatchObject({ ok: false, code: 'token_invalid' });
    expect(await verifyToken(SECRET, token, { sessionId: SID, role: 'agent', now: NOW })).toMatchObject({ ok: false, code: 'token_invalid' });
  });

  it.each(['', '.', 'abc', 'a.b.c', '!!!.???', 'x'.repeat(5000), `${btoa('{}')}.${'A'.repeat(43)}`])(
    'refuses garbage %#',
    async (garbage) => {
      expect(await verifyToken(SECRET, garbage, { sessionId: SID, now: NOW })).toMatchObject({ ok: false, code: 'token_invalid' });
    },
  );
});

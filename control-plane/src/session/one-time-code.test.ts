import { MAX_CODE_ATTEMPTS } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { codeGate, codeOutcome, codeView, enterCode, expireCode, issueCode, openCode } from './one-time-code.ts';

/* The one-time code's rules (issue 15): attempts, expiry, what is stored, the approval gate. */

const SECRET = 'test-token-secret-0123456789abcdef';
const SESSION = 'd2a7c1e4-5b3f-4e8a-9c61-0f3b7a2e9d15';
const NOW = Date.parse('2026-12-03T09:00:00Z');
const TTL = 600_000;
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('the one-time code', () => {
  it('is stored as a hash and a sealed copy, never in the clear; the bank can open the copy while it is open', async () => {
    const { code, stored } = await issueCode(SECRET, SESSION, NOW, TTL);
    expect(code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(stored).toMatchObject({ status: 'pending', attempts: 0, issuedAt: '2026-12-03T09:00:00.000Z', expiresAt: '2026-12-03T09:10:00.000Z' });
    expect(await openCode(SECRET, SESSION, stored)).toBe(code);
    // Another secret or another session does not open it.
    expect(await openCode('another-secret-0123456789abcdef', SESSION, stored)).toBeNull();
    expect(await openCode(SECRET, 'another-session', stored)).toBeNull();
  });

  it('passes the right code and then closes: the sealed copy is dropped, a second entry is refused', async () => {
    const { code, stored } = await issueCode(SECRET, SESSION, NOW, TTL);
    expect(await enterCode(SECRET, SESSION, stored, wrong(code), NOW + 1000)).toEqual({ ok: true, result: 'wrong' });
    expect(codeView(stored)).toMatchObject({ status: 'pending', attemptsLeft: MAX_CODE_ATTEMPTS - 1 });
    expect(await enterCode(SECRET, SESSION, stored, code, NOW + 2000)).toEqual({ ok: true, result: 'verified' });
    expect(stored).toMatchObject({ status: 'verified', sealed: null, attempts: 1, closedAt: '2026-12-03T09:00:02.000Z' });
    expect(await openCode(SECRET, SESSION, stored)).toBeNull();
    expect(await enterCode(SECRET, SESSION, stored, code, NOW + 3000)).toMatchObject({ ok: false, code: 'one_time_code_closed' });
    expect(codeGate({ oneTimeCodeRequired: true, oneTimeCode: stored })).toEqual({ ok: true });
  });

  it('fails for good after three wrong codes: even the right one is refused then, and approval with it', async () => {
    const { code, stored } = await issueCode(SECRET, SESSION, NOW, TTL);
    const results = [];
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) results.push(await enterCode(SECRET, SESSION, stored, wrong(code), NOW + i));
    expect(results.map((r) => (r.ok ? r.result : r.code))).toEqual(['wrong', 'wrong', 'failed']);
    expect(codeView(stored)).toEqual({ status: 'failed', attemptsLeft: 0, expiresAt: stored.expiresAt, failure: 'attempts' });
    expect(await enterCode(SECRET, SESSION, stored, code, NOW + 10)).toMatchObject({ ok: false, code: 'one_time_code_closed', expired: false });
    expect(stored.sealed).toBeNull();
    expect(codeGate({ oneTimeCodeRequired: true, oneTimeCode: stored })).toMatchObject({ ok: false, code: 'one_time_code_required' });
    expect(codeOutcome(stored)).toEqual({ status: 'failed', attempts: 3, issuedAt: stored.issuedAt, expiresAt: stored.expiresAt, closedAt: stored.closedAt, failure: 'attempts' });
  });

  it('expires: the right code after its time fails it (expired), and approval is refused', async () => {
    const { code, stored } = await issueCode(SECRET, SESSION, NOW, TTL);
    expect(expireCode(stored, NOW + TTL - 1)).toBe(false);
    expect(await enterCode(SECRET, SESSION, stored, code, NOW + TTL)).toMatchObject({ ok: false, code: 'one_time_code_closed', expired: true });
    expect(stored).toMatchObject({ status: 'failed', failure: 'expired', sealed: null });
    expect(expireCode(stored, NOW + TTL + 1)).toBe(false);
    expect(codeGate({ oneTimeCodeRequired: true, oneTimeCode: stored }).ok).toBe(false);
  });

  it('gates approval only in sessions that ask for it', () => {
    expect(codeGate({})).toEqual({ ok: true });
    expect(codeGate({ oneTimeCodeRequired: true })).toMatchObject({ ok: false, code: 'one_time_code_required' });
  });
});

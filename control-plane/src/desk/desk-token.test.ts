import { describe, expect, it } from 'vitest';
import { deskTokenExpiry, mintDeskToken, verifyDeskToken } from './desk-token.ts';
import { mintToken, verifyToken } from '../session/participant-token.ts';
import { base64url } from '../base/signed-token.ts';

const SECRET = 'desk-token-test-secret-0123456789';
const NOW = Date.UTC(2026, 4, 1, 9, 0, 0);
const SID = '3f1c2a4e-8b7d-4c1e-9f0a-123456789abc';
const agent = { aid: 'kim.minji@bank.example', name: '김민지', role: 'agent' as const, loc: ['ko' as const], exp: NOW / 1000 + 900, until: NOW / 1000 + 3600, gen: 0 };

describe('desk tokens', () => {
  it('live at most DESK_TOKEN_MINUTES, never past the end of their sign-in', async () => {
    expect(deskTokenExpiry(NOW, NOW / 1000 + 3600)).toBe(NOW / 1000 + 15 * 60);
    expect(deskTokenExpiry(NOW, NOW / 1000 + 60)).toBe(NOW / 1000 + 60);
    const token = await mintDeskToken(SECRET, { ...agent, exp: NOW / 1000 + 7200 });
    expect(await verifyDeskToken(SECRET, token, NOW)).toMatchObject({ ok: true, payload: { exp: agent.until } });
  });

  it('round-trip with the agent, role, locales and expiry', async () => {
    const token = await mintDeskToken(SECRET, agent);
    const check = await verifyDeskToken(SECRET, token, NOW);
    expect(check).toEqual({ ok: true, payload: { v: 1, typ: 'desk', ...agent } });
  });

  it('expire at exp, and are refused under another secret or when altered', async () => {
    const token = await mintDeskToken(SECRET, agent);
    expect(await verifyDeskToken(SECRET, token, agent.exp * 1000)).toMatchObject({ ok: false, code: 'token_expired' });
    expect(await verifyDeskToken('another-secret-0123456789abcdef', token, NOW)).toMatchObject({ ok: false, code: 'token_invalid' });
    const [payload, mac] = token.split('.');
    // A supervisor's payload with the agent's MAC: the role cannot be raised.
    const raised = base64url(new TextEncoder().encode(JSON.stringify({ v: 1, typ: 'desk', ...agent, role: 'supervisor' })));
    for (const bad of [`${raised}.${mac}`, `${payload}.${mac}x`, `${payload}`, `${payload}.${mac}.x`, '', 'x'.repeat(3000), '.', '%%%.%%%']) {
      expect((await verifyDeskToken(SECRET, bad, NOW)).ok, bad.slice(0, 40)).toBe(false);
    }
  });

  it('are domain-separated from participant tokens under the same secret, both ways', async () => {
    const participant = await mintToken(SECRET, { sid: SID, role: 'agent', exp: NOW / 1000 + 3600 });
    expect(await verifyDeskToken(SECRET, participant, NOW)).toMatchObject({ ok: false, code: 'token_invalid' });
    const desk = await mintDeskToken(SECRET, agent);
    expect(await verifyToken(SECRET, desk, { sessionId: SID, now: NOW })).toMatchObject({ ok: false, code: 'token_invalid' });
    // Even a participant-shaped payload signed as a desk token is not a participant token.
    const forged = await mintDeskToken(SECRET, { ...agent });
    expect((await verifyToken(SECRET, forged, { sessionId: SID, role: 'agent', now: NOW })).ok).toBe(false);
  });
});

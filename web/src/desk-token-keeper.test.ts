import { describe, expect, it } from 'vitest';
import { DESK_TOKEN_KEY, type TokenStore } from './desk-session.ts';
import { DeskTokenKeeper, REFRESH_LEAD_MS, refreshDelayMs, RETRY_MS } from './desk-token-keeper.ts';

const NOW = Date.UTC(2026, 11, 3, 9, 0, 0);
const b64url = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const deskToken = (exp: number, until = exp + 3600, tag = 'mac') =>
  `${b64url(JSON.stringify({ v: 1, typ: 'desk', aid: 'kim', name: 'Kim', role: 'agent', loc: ['ko'], exp, until, gen: 0 }))}.${tag}`;

function memoryStore(): TokenStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

/** A keeper with a hand-driven clock and timers, and a desk that answers as told. */
function harness(token: string, answer: (auth: string) => Response | Error) {
  const timers: Array<{ at: number; run: () => void }> = [];
  const requests: string[] = [];
  let now = NOW;
  let signedOut = 0;
  const store = memoryStore();
  const keeper = new DeskTokenKeeper({
    token,
    store,
    now: () => now,
    setTimer: (run, ms) => void timers.push({ at: now + ms, run }),
    fetch: async (input, init) => {
      const auth = new Headers(init.headers).get('authorization') ?? '';
      requests.push(`${init.method} ${input} ${auth}`);
      const a = answer(auth);
      if (a instanceof Error) throw a;
      return a;
    },
    onSignedOut: () => void signedOut++,
  });
  return {
    keeper,
    store,
    requests,
    signedOut: () => signedOut,
    /** Runs the earliest timer (moving the clock to it) and lets its refresh finish. */
    async tick(): Promise<number> {
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (!next) throw new Error('no timer');
      now = next.at;
      next.run();
      await new Promise((r) => setTimeout(r, 0));
      return next.at - NOW;
    },
    pending: () => timers.length,
  };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('desk token refresh', () => {
  it('is due REFRESH_LEAD_MS before expiry, never sooner than in a second', () => {
    expect(refreshDelayMs(NOW / 1000 + 900, NOW)).toBe(900_000 - REFRESH_LEAD_MS);
    expect(refreshDelayMs(NOW / 1000 + 10, NOW)).toBe(1000);
  });

  it('trades the token for a fresh one before it expires, keeps it for the tab, and goes on with the fresh one', async () => {
    const first = deskToken(NOW / 1000 + 900);
    const second = deskToken(NOW / 1000 + 1680, NOW / 1000 + 3600, 'mac2');
    const h = harness(first, (auth) =>
      auth === `Bearer ${first}`
        ? json(200, { token: second, expiresAt: new Date((NOW / 1000 + 1680) * 1000).toISOString(), signInExpiresAt: new Date(NOW + 3_600_000).toISOString() })
        : json(200, { token: 'x.y', expiresAt: new Date(NOW).toISOString(), signInExpiresAt: new Date(NOW).toISOString() }),
    );
    h.keeper.start();
    expect(await h.tick()).toBe(900_000 - REFRESH_LEAD_MS);
    expect(h.requests).toEqual([`POST /v1/desk/token Bearer ${first}`]);
    expect(h.keeper.current()).toBe(second);
    expect(h.store.data.get(DESK_TOKEN_KEY)).toBe(second);
    // The next refresh is due before the fresh token's expiry.
    expect(await h.tick()).toBe(1_680_000 - REFRESH_LEAD_MS);
    expect(h.requests[1]).toBe(`POST /v1/desk/token Bearer ${second}`);
  });

  it('signs the console out when the desk refuses the token (revoked, expired) and forgets it', async () => {
    const h = harness(deskToken(NOW / 1000 + 900), () => json(401, { error: { code: 'token_revoked', message: 'revoked' } }));
    h.store.setItem(DESK_TOKEN_KEY, 'old');
    h.keeper.start();
    await h.tick();
    expect(h.signedOut()).toBe(1);
    expect(h.store.data.has(DESK_TOKEN_KEY)).toBe(false);
    expect(h.pending()).toBe(0);
  });

  it('retries after a network failure while the token lasts, then signs out', async () => {
    const h = harness(deskToken(NOW / 1000 + 900), () => new Error('offline'));
    h.keeper.start();
    await h.tick();
    expect(h.signedOut()).toBe(0);
    expect(await h.tick()).toBe(900_000 - REFRESH_LEAD_MS + RETRY_MS);
    while (h.signedOut() === 0) await h.tick();
    expect(h.requests.length).toBe(Math.ceil(REFRESH_LEAD_MS / RETRY_MS) + 1);
  });

  it('does not refresh past the end of the sign-in: the console is signed out when the last token expires', async () => {
    const h = harness(deskToken(NOW / 1000 + 120, NOW / 1000 + 120), () => json(500, {}));
    h.keeper.start();
    expect(await h.tick()).toBe(120_000);
    expect(h.requests).toEqual([]);
    expect(h.signedOut()).toBe(1);
  });
});

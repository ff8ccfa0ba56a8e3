import { describe, expect, it } from 'vitest';
import { decodeBase64Url, isLinkExpired, JOIN_TOKEN_KEY, parseJoinLink, sessionSocketProtocols, sessionSocketUrl, takeJoinLink, type JoinTokenStore } from './join-link.ts';

const SID = '3f1c2a4e-8b7d-4c2e-9a1f-0123456789ab';

function b64urlBytes(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function b64url(text: string): string {
  return b64urlBytes(new TextEncoder().encode(text));
}

function token(payload: unknown, sig = 'c2lnbmF0dXJl'): string {
  return `${b64url(JSON.stringify(payload))}.${sig}`;
}

describe('parseJoinLink', () => {
  it('decodes sid, role and exp from a customer link and keeps the whole token', () => {
    const t = token({ v: 1, sid: SID, role: 'customer', exp: 1_900_000_000 });
    const result = parseJoinLink(`#token=${t}`);
    expect(result).toEqual({ kind: 'ok', link: { token: t, sessionId: SID, role: 'customer', exp: 1_900_000_000 } });
  });

  it('reads the token among other fragment parameters', () => {
    const t = token({ v: 1, sid: SID, role: 'agent', exp: 1_900_000_000 });
    const result = parseJoinLink(`#lang=en&token=${t}`);
    expect(result.kind === 'ok' && result.link.role).toBe('agent');
  });

  it('reports no token for an empty or unrelated fragment', () => {
    expect(parseJoinLink('')).toEqual({ kind: 'none' });
    expect(parseJoinLink('#')).toEqual({ kind: 'none' });
    expect(parseJoinLink('#foo=bar')).toEqual({ kind: 'none' });
    expect(parseJoinLink('#token=')).toEqual({ kind: 'none' });
  });

  it('rejects tokens without exactly one dot or with foreign characters', () => {
    expect(parseJoinLink('#token=abc')).toEqual({ kind: 'invalid', reason: 'malformed' });
    expect(parseJoinLink('#token=a.b.c')).toEqual({ kind: 'invalid', reason: 'malformed' });
    expect(parseJoinLink('#token=a%20b.c')).toEqual({ kind: 'invalid', reason: 'malformed' });
    expect(parseJoinLink(`#token=${'a'.repeat(5000)}.b`)).toEqual({ kind: 'invalid', reason: 'malformed' });
  });

  it('rejects payloads that are not the v1 token shape', () => {
    expect(parseJoinLink(`#token=${b64url('not json')}.sig`)).toEqual({ kind: 'invalid', reason: 'payload' });
    const bad = [
      { v: 2, sid: SID, role: 'customer', exp: 1 },
      { v: 1, sid: 'not-a-uuid', role: 'customer', exp: 1 },
      { v: 1, sid: SID, role: 'admin', exp: 1 },
      { v: 1, sid: SID, role: 'agent' },
      [1, 2, 3],
    ];
    for (const payload of bad) {
      expect(parseJoinLink(`#token=${token(payload)}`)).toEqual({ kind: 'invalid', reason: 'payload' });
    }
  });

  it('rejects a payload that is not UTF-8', () => {
    const raw = b64urlBytes(new Uint8Array([0xff, 0xfe, 0x7b]));
    expect(parseJoinLink(`#token=${raw}.sig`)).toEqual({ kind: 'invalid', reason: 'malformed' });
  });
});

describe('decodeBase64Url', () => {
  it('decodes unpadded base64url including multi-byte UTF-8', () => {
    expect(decodeBase64Url(b64url('{"name":"홍길동"}'))).toBe('{"name":"홍길동"}');
    expect(decodeBase64Url('YQ')).toBe('a');
  });
  it('rejects impossible lengths and characters', () => {
    expect(decodeBase64Url('a')).toBeNull();
    expect(decodeBase64Url('ab+c')).toBeNull();
  });
});

describe('isLinkExpired', () => {
  it('compares exp seconds against a millisecond clock', () => {
    const link = { token: 't', sessionId: SID, role: 'customer' as const, exp: 1000 };
    expect(isLinkExpired(link, 999_999)).toBe(false);
    expect(isLinkExpired(link, 1_000_000)).toBe(true);
  });
});

describe('session socket', () => {
  it('uses wss on https and ws on http, on the page origin', () => {
    expect(sessionSocketUrl('https://bank.example', SID)).toBe(`wss://bank.example/v1/sessions/${SID}/ws`);
    expect(sessionSocketUrl('http://127.0.0.1:8787', SID)).toBe(`ws://127.0.0.1:8787/v1/sessions/${SID}/ws`);
  });
  it('carries the token in a subprotocol, never in the URL', () => {
    const t = token({ v: 1, sid: SID, role: 'customer', exp: 1 });
    expect(sessionSocketProtocols(t)).toEqual(['vident.v1', `vident-token.${t}`]);
    expect(sessionSocketUrl('http://h', SID)).not.toContain('token');
  });
});

describe('takeJoinLink (the token leaves the address bar, the tab keeps it)', () => {
  const memory = (): JoinTokenStore & { data: Map<string, string> } => {
    const data = new Map<string, string>();
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
  };
  const customer = token({ v: 1, sid: SID, role: 'customer', exp: 1_900_000_000 });

  it('keeps the token of a fragment in this tab and says the fragment is to be removed', () => {
    const store = memory();
    const { result, fromHash } = takeJoinLink(`#token=${customer}`, '/join', store);
    expect(fromHash).toBe(true);
    expect(result).toMatchObject({ kind: 'ok', link: { token: customer, role: 'customer' } });
    expect(store.data.get(JOIN_TOKEN_KEY)).toBe(customer);
  });

  it('joins again after a reload, when the address bar no longer has the token', () => {
    const store = memory();
    takeJoinLink(`#token=${customer}`, '/join', store);
    const { result, fromHash } = takeJoinLink('', '/join', store);
    expect(fromHash).toBe(false);
    expect(result).toMatchObject({ kind: 'ok', link: { token: customer, sessionId: SID } });
  });

  it('prefers a new link to the kept one, and keeps the new one', () => {
    const store = memory();
    takeJoinLink(`#token=${customer}`, '/join', store);
    const agent = token({ v: 1, sid: SID, role: 'agent', exp: 1_900_000_000 });
    expect(takeJoinLink(`#token=${agent}`, '/join', store).result).toMatchObject({ kind: 'ok', link: { role: 'agent' } });
    expect(store.data.get(JOIN_TOKEN_KEY)).toBe(agent);
  });

  it('uses the kept token only on /join; a broken fragment is shown as such and nothing is kept', () => {
    const store = memory();
    takeJoinLink(`#token=${customer}`, '/join', store);
    expect(takeJoinLink('', '/', store)).toEqual({ result: { kind: 'none' }, fromHash: false });
    expect(takeJoinLink('#token=not-a-token', '/join', store)).toEqual({ result: { kind: 'invalid', reason: 'malformed' }, fromHash: false });
    expect(store.data.get(JOIN_TOKEN_KEY)).toBe(customer);
    expect(takeJoinLink('', '/join', memory())).toEqual({ result: { kind: 'none' }, fromHash: false });
  });

  it('works without storage (the browser refuses it): the link still opens, a reload needs it again', () => {
    const refusing: JoinTokenStore = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(takeJoinLink(`#token=${customer}`, '/join', refusing)).toMatchObject({ result: { kind: 'ok' }, fromHash: true });
    expect(takeJoinLink('', '/join', refusing).result).toEqual({ kind: 'none' });
    expect(takeJoinLink('', '/join', null).result).toEqual({ kind: 'none' });
  });
});

import { ErrorBody, SessionView, signRequest, SIGNATURE_HEADERS } from '@vident/protocol';
import { runInDurableObject, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mintToken } from '../src/session/participant-token.ts';
import { call, signedCall, wellFormed } from './fuzz-helpers.ts';
import { BANK_KEY, clearIndexes, createSession, nodeSigning, openSocket, ORIGIN, registerNode, signedFetch, tokenOf } from './helpers.ts';

/*
 * Property-based hostile input at the bank and node APIs, through the real Worker inside workerd:
 * whatever arrives, the answer is never a 5xx, every 4xx is `{ error: { code, message } }` with a
 * known code, and rejected input leaves stored state as it was.
 */

const TOKEN_SECRET = 'test-token-secret-0123456789abcdef';
const RUNS = 250;

async function sessionCount(): Promise<number> {
  return runInDurableObject(env.DIRECTORY.get(env.DIRECTORY.idFromName('global')), (_, state) =>
    Number(state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM sessions').one().n),
  );
}

async function view(sessionId: string): Promise<SessionView> {
  return SessionView.parse(await (await signedCall('GET', `/v1/sessions/${sessionId}`)).json());
}

/** Valid-looking create bodies with random damage: wrong types, extra keys, huge or odd strings. */
const createBody = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.string({ maxLength: 50, unit: 'binary' }),
  fc
    .record(
      {
        externalRef: fc.oneof(fc.string({ maxLength: 150 }), fc.integer(), fc.constant(null)),
        customerName: fc.oneof(fc.string({ maxLength: 120, unit: 'grapheme' }), fc.boolean()),
        locale: fc.oneof(fc.constantFrom('ko', 'en'), fc.string({ maxLength: 5 })),
        record: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })),
        metadata: fc.oneof(fc.dictionary(fc.string({ maxLength: 70 }), fc.string({ maxLength: 600 }), { maxKeys: 40 }), fc.anything()),
        __proto__: fc.anything(),
        constructor: fc.anything(),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
);

let sessionId = '';

// Thousands of requests through workerd: seconds, not the default 5 s.
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  await clearIndexes();
  sessionId = (await (async () => {
    await registerNode('node-hostile', undefined, 1000);
    return createSession({ externalRef: 'hostile-target' });
  })()).sessionId;
});

// Leave no fuzz-registered node behind for the next test file.
afterAll(async () => {
  await clearIndexes();
});

// A fresh heartbeat per test: the node must stay live (and keep its capacity) whatever the fuzzing did.
beforeEach(async () => {
  await registerNode('node-hostile', undefined, 1000);
});

describe('hostile input at the bank API', () => {
  it('random and mutated bodies on signed POST /v1/sessions: only valid ones create a session', async () => {
    const before = await sessionCount();
    let created = 0;
    await fc.assert(
      fc.asyncProperty(createBody, async (body) => {
        const status = await wellFormed(await signedCall('POST', '/v1/sessions', body));
        expect([201, 400, 413]).toContain(status);
        if (status === 201) created++;
      }),
      { numRuns: RUNS * 2 },
    );
    expect(await sessionCount()).toBe(before + created);
  });

  it('random PATCH bodies: a refused one changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.json({ maxDepth: 2 }), fc.record({ customerName: fc.anything(), metadata: fc.anything() }, { requiredKeys: [] }).map((o) => JSON.stringify(o))),
        async (body) => {
          const before = await view(sessionId);
          const status = await wellFormed(await signedCall('PATCH', `/v1/sessions/${sessionId}`, body));
          if (status !== 200) expect(await view(sessionId)).toEqual(before);
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });

  it('random and mutated signature headers and content types are refused without effect', async () => {
    const body = JSON.stringify({ externalRef: 'forged', customerName: 'Mallory' });
    const real = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body });
    const mutate = (value: string): fc.Arbitrary<string> =>
      fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.nat({ max: Math.max(0, value.length - 1) }).chain((i) => fc.constantFrom(...'0123456789abcdef').map((ch: string) => value.slice(0, i) + ch + value.slice(i + 1))),
        fc.constant(value),
      );
    const headers: fc.Arbitrary<Record<string, string>> = fc
      .record<Record<string, string>>(
        {
          [SIGNATURE_HEADERS.keyId]: fc.oneof(mutate(BANK_KEY.keyId), fc.constantFrom('bank-next', 'bank-old', '__proto__', 'constructor')),
          [SIGNATURE_HEADERS.timestamp]: fc.oneof(mutate(real[SIGNATURE_HEADERS.timestamp]!), fc.integer().map(String)),
          [SIGNATURE_HEADERS.signature]: mutate(real[SIGNATURE_HEADERS.signature]!),
          [SIGNATURE_HEADERS.nonce]: mutate(real[SIGNATURE_HEADERS.nonce]!),
          'content-type': fc.oneof(fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x'), fc.string({ maxLength: 40 })),
        },
        { requiredKeys: [] },
      )
      // At least one signed part differs from the real request, so every case is a forgery.
      .filter((h: Record<string, string>) => [SIGNATURE_HEADERS.keyId, SIGNATURE_HEADERS.timestamp, SIGNATURE_HEADERS.signature, SIGNATURE_HEADERS.nonce].some((n) => h[n] !== real[n]))
      .map((h) => Object.fromEntries(Object.entries(h as Record<string, string>).filter(([, v]) => /^[\t\x20-\x7e]*$/.test(v))));
    const before = await sessionCount();
    await fc.assert(
      fc.asyncProperty(headers, async (h) => {
        const status = await wellFormed(await call(`${ORIGIN}/v1/sessions`, { method: 'POST', headers: h, body }));
        expect(status).toBe(401);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(await sessionCount()).toBe(before);
  });

  it('random query strings on GET /v1/sessions, /v1/recordings and /v1/reports/funnel answer 200 or 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/v1/sessions', '/v1/recordings', '/v1/reports/funnel'), fc.webQueryParameters(), async (path, query) => {
        const url = new URL(`${ORIGIN}${path}?${query}`);
        const status = await wellFormed(await signedCall('GET', url.pathname + url.search));
        expect([200, 400]).toContain(status);
      }),
      { numRuns: RUNS },
    );
  });

  it('random paths under /v1, signed or not, answer a well-formed 4xx or 200', async () => {
    const before = await sessionCount();
    await fc.assert(
      fc.asyncProperty(
        fc.webPath(),
        fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'),
        fc.boolean(),
        async (path, method, sign) => {
          const url = new URL(`${ORIGIN}/v1${path.startsWith('/') ? path : `/${path}`}`);
          const pathWithQuery = url.pathname + url.search;
          const res = sign
            ? await signedCall(method, pathWithQuery, method === 'GET' || method === 'DELETE' ? undefined : '{}')
            : await call(url, { method });
          await wellFormed(res);
        },
      ),
      { numRuns: RUNS },
    );
    expect(await sessionCount()).toBe(before);
  });
});

describe('hostile input at the node API', () => {
  it('random bodies to register, heartbeat and events never 5xx and never touch the session', async () => {
    const before = await view(sessionId);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/nodes/register', '/v1/nodes/node-hostile/heartbeat', '/v1/nodes/node-hostile/events'),
        fc.oneof(
          fc.json({ maxDepth: 3 }),
          fc
            .record(
              {
                type: fc.oneof(fc.constantFrom('recording-ready', 'participant-left', 'room-destroyed', 'janus-down'), fc.string()),
                sessionId: fc.oneof(fc.constant(sessionId), fc.uuid(), fc.string()),
                nodeId: fc.oneof(fc.constant('node-hostile'), fc.string()),
                capacity: fc.anything(),
                // Only loopback or invalid URLs: a registration that happens to be valid must never
                // send later commands off this machine.
                url: fc.oneof(fc.constantFrom('http://127.0.0.1:9/', 'ftp://127.0.0.1:9/', 'http://[::1]:9/'), fc.string()),
              },
              { requiredKeys: [] },
            )
            .map((o) => JSON.stringify(o)),
        ),
        async (path, body) => {
          const status = await wellFormed(await signedCall('POST', path, body, await nodeSigning('node-hostile')));
          expect(status).not.toBe(500);
        },
      ),
      { numRuns: RUNS },
    );
    const after = await view(sessionId);
    expect({ ...after, participants: undefined, recordings: undefined }).toMatchObject({ ...before, participants: undefined, recordings: undefined });
  });
});

describe('forged, expired, replayed, wrong-key, wrong-session and wrong-role credentials', () => {
  async function codeOf(res: Response): Promise<string> {
    const text = await res.text();
    expect(res.status, text).toBeLessThan(500);
    return ErrorBody.parse(JSON.parse(text)).error.code;
  }

  it('refuses each bad bank or node signature with its code', async () => {
    const body = { externalRef: 'x', customerName: 'y' };
    expect(await codeOf(await signedFetch('POST', '/v1/sessions', body, { secret: 'forged-secret-0123456789abcdef' }))).toBe('signature_invalid');
    expect(await codeOf(await signedFetch('POST', '/v1/sessions', body, { now: Date.now() - 301_000 }))).toBe('timestamp_out_of_window');
    expect(await codeOf(await signedFetch('POST', '/v1/sessions', body, { now: Date.now() + 301_000 }))).toBe('timestamp_out_of_window');
    // Wrong key: a node's key on the bank API, a bank key on the node API (no node is enrolled under its id).
    expect(await codeOf(await signedFetch('GET', '/v1/sessions', undefined, await nodeSigning('node-hostile')))).toBe('unknown_key');
    expect(await codeOf(await signedFetch('POST', '/v1/nodes/node-hostile/heartbeat', {}, BANK_KEY))).toBe('unknown_key');
    // Wrong role: a node speaking for another node.
    expect(await codeOf(await signedFetch('POST', '/v1/nodes/other-node/heartbeat', {}, await nodeSigning('node-hostile')))).toBe('forbidden');
    // Replayed: the same signed request twice.
    const text = JSON.stringify(body);
    const headers = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body: text });
    const send = () => SELF.fetch(`${ORIGIN}/v1/sessions`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: text });
    expect((await send()).status).toBe(201);
    expect(await codeOf(await send())).toBe('request_replayed');
  });

  it('refuses forged, expired, wrong-session and wrong-role participant tokens before upgrading', async () => {
    const other = await createSession({ externalRef: 'other' });
    const own = tokenOf(other.customerUrl);
    const exp = Math.floor(Date.now() / 1000) + 600;
    const [payloadPart, mac] = own.split('.') as [string, string];
    const asAgent = btoa(JSON.stringify({ v: 1, sid: other.sessionId, role: 'agent', exp })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const cases: Array<[string, string]> = [
      ['forged mac', `${payloadPart}.${mac.slice(0, -2)}AA`],
      ['role swapped in payload', `${asAgent}.${mac}`],
      ['wrong secret', await mintToken('some-other-secret-0123456789abcdef', { sid: other.sessionId, role: 'customer', exp })],
      ['expired', await mintToken(TOKEN_SECRET, { sid: other.sessionId, role: 'customer', exp: Math.floor(Date.now() / 1000) - 1 })],
      ['wrong session', tokenOf((await createSession({ externalRef: 'third' })).agentUrl)],
    ];
    for (const [name, token] of cases) {
      const res = await openSocket(other.sessionId, token);
      expect(res.status, name).toBe(401);
      expect(['token_invalid', 'token_expired'], name).toContain(await codeOf(res));
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }).filter((t) => /^[\x21-\x7e]*$/.test(t) && !t.includes(',')), async (token) => {
        const res = await call(`${ORIGIN}/v1/sessions/${other.sessionId}/ws`, {
          headers: { upgrade: 'websocket', 'sec-websocket-protocol': `vident.v1, vident-token.${token}` },
        });
        expect(res.status).toBe(401);
        expect(['token_invalid', 'token_expired']).toContain(await codeOf(res));
      }),
      { numRuns: RUNS },
    );
  });
});

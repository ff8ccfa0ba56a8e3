import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../base/config.ts';
import type { Env } from '../base/env.ts';
import { turnCredential, turnIceServer } from './turn-credentials.ts';

const secrets = {
  BANK_API_KEYS: JSON.stringify({ bank: 'bank-secret-0123456789abcdef' }),
  TOKEN_SECRET: 'token-secret-0123456789abcdef',
  CONTROL_PLANE_SIGNING_KEY: 'MC4CAQAwBQYDK2VwBCIEIKosGzOxtF1Fxr3YEbrFQtAD5xI5QZr7iK9ElL90f9Bg',
};
const env = (vars: Record<string, string | undefined>) => vars as unknown as Env;
const TURN_SECRET = 'north-sea-turn-secret-0123';

describe('TURN REST API credentials', () => {
  it('matches the known answer (openssl dgst -sha1 -hmac <secret> -binary | base64)', async () => {
    expect(await turnCredential(TURN_SECRET, '1700000000:abcd1234-customer')).toBe('uRCTYdc9M96LLIA5hm/6QdY/hEI=');
  });

  it('gives a participant a username expiring ttl seconds from now, and its credential', async () => {
    const turn = { urls: ['turn:turn.example:443?transport=tcp'], secret: TURN_SECRET, ttlSeconds: 3600 };
    const server = await turnIceServer(turn, 'abcd1234-5678-4abc-8def-0123456789ab', 'customer', 1_700_000_000_500 - 3_600_000);
    expect(server).toEqual({
      urls: ['turn:turn.example:443?transport=tcp'],
      username: '1700000000:abcd1234-customer',
      credential: 'uRCTYdc9M96LLIA5hm/6QdY/hEI=',
    });
  });
});

describe('TURN config', () => {
  it('is off by default', () => {
    expect(loadConfig(env({ ...secrets })).turn).toBeNull();
    expect(loadConfig(env({ ...secrets, TURN_URLS: ' ' })).turn).toBeNull();
  });

  it('parses URLs, secret and ttl', () => {
    const turn = loadConfig(
      env({ ...secrets, TURN_URLS: 'turn:t.example:443?transport=tcp, turns:t.example:443?transport=tcp', TURN_SHARED_SECRET: TURN_SECRET }),
    ).turn;
    expect(turn).toEqual({
      urls: ['turn:t.example:443?transport=tcp', 'turns:t.example:443?transport=tcp'],
      secret: TURN_SECRET,
      ttlSeconds: 3600,
    });
  });

  it('refuses UDP TURN, a missing secret and a credential shorter than a session, naming the variable only', () => {
    const urls = 'turn:t.example:443?transport=tcp';
    expect(() => loadConfig(env({ ...secrets, TURN_URLS: 'turn:t.example:3478', TURN_SHARED_SECRET: TURN_SECRET }))).toThrow(/TURN_URLS/);
    expect(() => loadConfig(env({ ...secrets, TURN_URLS: 'turn:t.example:3478?transport=udp', TURN_SHARED_SECRET: TURN_SECRET }))).toThrow(
      /TURN_URLS/,
    );
    expect(() => loadConfig(env({ ...secrets, TURN_URLS: urls }))).toThrow(/TURN_SHARED_SECRET is required/);
    expect(() => loadConfig(env({ ...secrets, TURN_URLS: urls, TURN_SHARED_SECRET: 'short' }))).toThrow(ConfigError);
    expect(() =>
      loadConfig(env({ ...secrets, TURN_URLS: urls, TURN_SHARED_SECRET: TURN_SECRET, TURN_CREDENTIAL_TTL_SECONDS: '600' })),
    ).toThrow(/TURN_CREDENTIAL_TTL_SECONDS must be at least SESSION_MAX_MINUTES/);
    // A bad URL beside a good secret: refused, naming the variable, never echoing the secret.
    const badUrl = () => loadConfig(env({ ...secrets, TURN_URLS: 'turn:bad', TURN_SHARED_SECRET: TURN_SECRET }));
    expect(badUrl).toThrow(/^config: TURN_URLS /);
    expect(badUrl).toThrow(expect.objectContaining({ name: 'ConfigError', message: expect.not.stringContaining(TURN_SECRET) }));
  });
});

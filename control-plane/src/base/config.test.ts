import { DEFAULT_QUALITY_THRESHOLDS } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import type { Env } from './env.ts';

const secrets = {
  BANK_API_KEYS: JSON.stringify({ bank: 'bank-secret-0123456789abcdef' }),
  TOKEN_SECRET: 'token-secret-0123456789abcdef',
  CONTROL_PLANE_SIGNING_KEY: 'MC4CAQAwBQYDK2VwBCIEIKosGzOxtF1Fxr3YEbrFQtAD5xI5QZr7iK9ElL90f9Bg',
};

const env = (vars: Record<string, string | undefined>) => vars as unknown as Env;

describe('loadConfig', () => {
  it('applies local defaults', () => {
    const config = loadConfig(env({ ...secrets }));
    expect(config).toMatchObject({ publicBaseUrl: null, sessionMaxMinutes: 30, nodeHeartbeatTtlSeconds: 15, demoMode: false });
    expect(config.bankApiKeys).toEqual({ bank: 'bank-secret-0123456789abcdef' });
  });

  it('defaults the lifecycle timers and keeps a link within the session', () => {
    expect(loadConfig(env({ ...secrets }))).toMatchObject({ linkValidityMinutes: 15, reconnectGraceSeconds: 60 });
    const short = loadConfig(env({ ...secrets, SESSION_MAX_MINUTES: '10', LINK_VALIDITY_MINUTES: '20', RECONNECT_GRACE_SECONDS: '5' }));
    expect(short).toMatchObject({ sessionMaxMinutes: 10, linkValidityMinutes: 10, reconnectGraceSeconds: 5 });
    expect(() => loadConfig(env({ ...secrets, RECONNECT_GRACE_SECONDS: '0' }))).toThrow(/RECONNECT_GRACE_SECONDS/);
    expect(() => loadConfig(env({ ...secrets, LINK_VALIDITY_MINUTES: 'soon' }))).toThrow(/LINK_VALIDITY_MINUTES/);
  });

  it('parses the wrangler.toml values', () => {
    const config = loadConfig(
      env({ ...secrets, PUBLIC_BASE_URL: 'https://vident.example/', SESSION_MAX_MINUTES: '5', DEMO_MODE: 'false' }),
    );
    expect(config).toMatchObject({ publicBaseUrl: 'https://vident.example', sessionMaxMinutes: 5, demoMode: false });
    expect(loadConfig(env({ ...secrets, PUBLIC_BASE_URL: 'http://127.0.0.1:8787', DEMO_MODE: 'true' })).demoMode).toBe(true);
  });

  it('refuses the demo (session links for anyone) on an https site', () => {
    expect(() => loadConfig(env({ ...secrets, PUBLIC_BASE_URL: 'https://vident.example/', DEMO_MODE: 'true' }))).toThrow(/^config: DEMO_MODE /);
  });

  it('allows http command URLs to media nodes on a local stack only', () => {
    expect(loadConfig(env({ ...secrets, PUBLIC_BASE_URL: 'http://127.0.0.1:8787', ALLOW_HTTP_NODE_URLS: 'true' })).allowHttpNodeUrls).toBe(true);
    expect(loadConfig(env({ ...secrets })).allowHttpNodeUrls).toBe(false);
    expect(() => loadConfig(env({ ...secrets, PUBLIC_BASE_URL: 'https://vident.example/', ALLOW_HTTP_NODE_URLS: 'true' }))).toThrow(/^config: ALLOW_HTTP_NODE_URLS /);
  });

  it('holds several bank keys at once and a revocation list', () => {
    const keys = { old: 'old-secret-0123456789abcdef', new: 'new-secret-0123456789abcdef' };
    const config = loadConfig(env({ ...secrets, BANK_API_KEYS: JSON.stringify(keys), BANK_API_REVOKED_KEYS: ' old , ,x ' }));
    expect(config.bankApiKeys).toEqual(keys);
    expect([...config.bankApiRevokedKeys]).toEqual(['old', 'x']);
    expect(loadConfig(env({ ...secrets })).bankApiRevokedKeys.size).toBe(0);
  });

  it.each([
    [{ BANK_API_REVOKED_KEYS: 'k'.repeat(129) }, 'BANK_API_REVOKED_KEYS'],
    [{ TOKEN_SECRET: undefined }, 'TOKEN_SECRET'],
    [{ CONTROL_PLANE_SIGNING_KEY: 'short' }, 'CONTROL_PLANE_SIGNING_KEY'],
    [{ ALLOW_HTTP_NODE_URLS: 'yes' }, 'ALLOW_HTTP_NODE_URLS'],
    [{ BANK_API_KEYS: 'not json' }, 'BANK_API_KEYS'],
    [{ BANK_API_KEYS: '{"k":"short"}' }, 'BANK_API_KEYS'],
    [{ SESSION_MAX_MINUTES: 'ten' }, 'SESSION_MAX_MINUTES'],
    [{ DEMO_MODE: 'yes' }, 'DEMO_MODE'],
    [{ PUBLIC_BASE_URL: 'not a url' }, 'PUBLIC_BASE_URL'],
  ])('names the bad variable %#', (override, variable) => {
    const secretValues = Object.values(secrets);
    try {
      loadConfig(env({ ...secrets, ...override }));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain(variable);
      for (const value of secretValues) expect((err as Error).message).not.toContain(value);
    }
  });
});

describe('webhook config', () => {
  const whsec = `whsec_${btoa('a-webhook-key-of-32-bytes-long!!')}`;
  it('is off by default and on with a URL and a whsec_ secret', () => {
    expect(loadConfig(env({ ...secrets })).webhook).toBeNull();
    expect(loadConfig(env({ ...secrets, WEBHOOK_URL: '' })).webhook).toBeNull();
    expect(loadConfig(env({ ...secrets, WEBHOOK_URL: 'https://bank.example/hooks', WEBHOOK_SECRET: whsec })).webhook).toEqual({
      url: 'https://bank.example/hooks',
      secret: whsec,
    });
  });

  it('fails naming the variable, never echoing the secret', () => {
    expect(() => loadConfig(env({ ...secrets, WEBHOOK_URL: 'https://bank.example/hooks' }))).toThrow(/WEBHOOK_SECRET is required when WEBHOOK_URL is set/);
    expect(() => loadConfig(env({ ...secrets, WEBHOOK_URL: 'ftp://bank.example' , WEBHOOK_SECRET: whsec }))).toThrow(/WEBHOOK_URL/);
    expect(() => loadConfig(env({ ...secrets, WEBHOOK_URL: 'https://bank.example/hooks', WEBHOOK_SECRET: 'plain-secret-0123456789' }))).toThrow(
      /^config: WEBHOOK_SECRET must be whsec_/,
    );
    try {
      loadConfig(env({ ...secrets, WEBHOOK_URL: 'https://bank.example/hooks', WEBHOOK_SECRET: 'plain-secret-0123456789' }));
    } catch (err) {
      expect(String(err)).not.toContain('plain-secret-0123456789');
    }
  });
});

describe('evidence config', () => {
  // Shape only (loadConfig is synchronous); evidence-keys.ts imports the keys on first use.
  const spki = btoa(String.fromCharCode(...new Uint8Array(300).map((_, i) => i % 251)));
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
  const DAY = 86_400_000;

  it('defaults to no keys and five years of retention', () => {
    expect(loadConfig(env({ ...secrets })).evidence).toEqual({ publicKeyPem: null, signingKeyPkcs8: null, retentionMs: 1826 * DAY, unsuccessfulRetentionMs: null });
  });

  it('takes the bank key as PEM or bare base64 (served as one PEM) and decimal days', () => {
    const fromPem = loadConfig(env({ ...secrets, EVIDENCE_PUBLIC_KEY: pem, EVIDENCE_RETENTION_DAYS: '0.5', EVIDENCE_RETENTION_UNSUCCESSFUL_DAYS: '30' })).evidence;
    expect(fromPem).toMatchObject({ publicKeyPem: pem, retentionMs: DAY / 2, unsuccessfulRetentionMs: 30 * DAY });
    expect(loadConfig(env({ ...secrets, EVIDENCE_PUBLIC_KEY: spki })).evidence.publicKeyPem).toBe(pem);
    // A test stack counts in seconds: 0.00002 days is 1.728 s.
    expect(loadConfig(env({ ...secrets, EVIDENCE_RETENTION_DAYS: '0.00002' })).evidence.retentionMs).toBe(1728);
  });

  it.each([
    [{ EVIDENCE_PUBLIC_KEY: 'not a key!' }, 'EVIDENCE_PUBLIC_KEY'],
    [{ EVIDENCE_SIGNING_KEY: 'not base64 at all' }, 'EVIDENCE_SIGNING_KEY'],
    [{ EVIDENCE_RETENTION_DAYS: '0' }, 'EVIDENCE_RETENTION_DAYS'],
    [{ EVIDENCE_RETENTION_DAYS: 'forever' }, 'EVIDENCE_RETENTION_DAYS'],
    [{ EVIDENCE_RETENTION_UNSUCCESSFUL_DAYS: '-3' }, 'EVIDENCE_RETENTION_UNSUCCESSFUL_DAYS'],
  ])('names the bad evidence variable %#', (override, variable) => {
    expect(() => loadConfig(env({ ...secrets, ...override }))).toThrow(new RegExp(`^config: ${variable} `));
  });

  it('never echoes the signing key', () => {
    const key = 'c2lnbmluZy1rZXktdGhhdC1pcy1ub3QtYS1rZXk/';
    // It must throw (a ConfigError), and its message must not hold the key.
    expect(() => loadConfig(env({ ...secrets, EVIDENCE_SIGNING_KEY: `${key}!` }))).toThrow(
      expect.objectContaining({ name: 'ConfigError', message: expect.not.stringContaining(key) }),
    );
  });

  it('keeps admin keys apart from bank keys', () => {
    expect(loadConfig(env({ ...secrets })).adminApiKeys).toEqual({});
    const admin = { ops: 'ops-secret-0123456789abcdef' };
    expect(loadConfig(env({ ...secrets, ADMIN_API_KEYS: JSON.stringify(admin) })).adminApiKeys).toEqual(admin);
    // Reusing a bank key id or secret would let one key do both jobs.
    expect(() => loadConfig(env({ ...secrets, ADMIN_API_KEYS: JSON.stringify({ bank: 'other-secret-0123456789abcdef' }) }))).toThrow(/^config: ADMIN_API_KEYS /);
    expect(() => loadConfig(env({ ...secrets, ADMIN_API_KEYS: JSON.stringify({ ops: 'bank-secret-0123456789abcdef' }) }))).toThrow(/^config: ADMIN_API_KEYS /);
    expect(() => loadConfig(env({ ...secrets, ADMIN_API_KEYS: '{"ops":"short"}' }))).toThrow(/^config: ADMIN_API_KEYS /);
    expect(() => loadConfig(env({ ...secrets, ADMIN_API_KEYS: 'nope' }))).toThrow(/^config: ADMIN_API_KEYS /);
  });
});

describe('verification checklist config', () => {
  it('defaults to the four standard items and takes a bank\'s own list', () => {
    expect(loadConfig(env({ ...secrets })).checklist.map((i) => i.id)).toEqual(['face_matches_photo', 'hologram_visible', 'serial_number_matches', 'document_not_expired']);
    const own = [{ id: 'liveness', ko: '실제 사람입니다', en: 'A live person' }];
    expect(loadConfig(env({ ...secrets, VERIFICATION_CHECKLIST: JSON.stringify(own) })).checklist).toEqual(own);
  });

  it.each(['[]', 'nope', '[{"id":"x"}]', JSON.stringify(Array.from({ length: 21 }, (_, i) => ({ id: `i${i}`, ko: '가', en: 'A' })))])(
    'names VERIFICATION_CHECKLIST when it is %s',
    (value) => {
      expect(() => loadConfig(env({ ...secrets, VERIFICATION_CHECKLIST: value }))).toThrow(/^config: VERIFICATION_CHECKLIST must be a JSON array/);
    },
  );
});

describe('face-match thresholds', () => {
  it("default to the model's published ones and take both variables", () => {
    expect(loadConfig(env({ ...secrets })).faceMatchThresholds).toEqual({ match: 0.5, noMatch: 0.4 });
    expect(loadConfig(env({ ...secrets, FACE_MATCH_THRESHOLD: '0.62', FACE_MATCH_NO_MATCH_THRESHOLD: ' 0.45 ' })).faceMatchThresholds).toEqual({ match: 0.62, noMatch: 0.45 });
    expect(loadConfig(env({ ...secrets, FACE_MATCH_THRESHOLD: '1', FACE_MATCH_NO_MATCH_THRESHOLD: '0' })).faceMatchThresholds).toEqual({ match: 1, noMatch: 0 });
  });

  it.each([
    [{ FACE_MATCH_THRESHOLD: '1.5' }, 'FACE_MATCH_THRESHOLD'],
    [{ FACE_MATCH_THRESHOLD: '50%' }, 'FACE_MATCH_THRESHOLD'],
    [{ FACE_MATCH_NO_MATCH_THRESHOLD: '-0.1' }, 'FACE_MATCH_NO_MATCH_THRESHOLD'],
    [{ FACE_MATCH_THRESHOLD: '0.3' }, 'FACE_MATCH_NO_MATCH_THRESHOLD'],
  ])('refuse a bad value naming its variable %#', (override, variable) => {
    expect(() => loadConfig(env({ ...secrets, ...override }))).toThrow(new RegExp(`^config: ${variable} `));
  });
});

describe('the procedure (issue 15)', () => {
  const feature = (id: string, category: string) => ({ id, category, show: 'tilt', ko: '특징', en: 'Feature' });

  it('defaults to no one-time code, three features of the built-in catalog, recordings kept on abort', () => {
    const { procedure } = loadConfig(env({ ...secrets }));
    expect(procedure).toMatchObject({ oneTimeCode: 'off', oneTimeCodeTtlMs: 600_000, featuresPerSession: 3, deleteRecordingsOnAbort: false });
    expect(Object.keys(procedure.securityFeatures).sort()).toEqual(['kr-alien-card', 'kr-driver-licence', 'kr-resident-card', 'passport']);
  });

  it("takes a bank's own catalog, the code and the deletion option", () => {
    const catalog = { passport: [feature('a', 'hologram'), feature('b', 'ink')] };
    const { procedure } = loadConfig(
      env({ ...secrets, ONE_TIME_CODE: 'required', ONE_TIME_CODE_TTL_MINUTES: '5', SECURITY_FEATURES: JSON.stringify(catalog), SECURITY_FEATURES_PER_SESSION: '2', DELETE_RECORDINGS_ON_ABORT: 'true' }),
    );
    expect(procedure).toMatchObject({ oneTimeCode: 'required', oneTimeCodeTtlMs: 300_000, featuresPerSession: 2, deleteRecordingsOnAbort: true });
    expect(procedure.securityFeatures.passport?.map((f) => f.id)).toEqual(['a', 'b']);
  });

  it('refuses a bad catalog, too few categories for the draw, a clash with the checklist, and bad values', () => {
    const bad: Record<string, string>[] = [
      { SECURITY_FEATURES: '{not json' },
      { SECURITY_FEATURES: JSON.stringify({ passport: [{ ...feature('a', 'hologram'), show: 'shake' }] }) },
      { SECURITY_FEATURES: JSON.stringify({ 'kr-mystery-card': [feature('a', 'hologram')] }) },
      // Three wanted, two categories: the draw could not take three of different categories.
      { SECURITY_FEATURES: JSON.stringify({ passport: [feature('a', 'hologram'), feature('b', 'hologram'), feature('c', 'ink')] }) },
      { SECURITY_FEATURES: JSON.stringify({ passport: [feature('hologram_visible', 'hologram'), feature('b', 'ink'), feature('c', 'print')] }) },
    ];
    for (const vars of bad) expect(() => loadConfig(env({ ...secrets, ...vars })), JSON.stringify(vars)).toThrow(/^config: SECURITY_FEATURES /);
    expect(() => loadConfig(env({ ...secrets, SECURITY_FEATURES_PER_SESSION: '6' }))).toThrow(/^config: SECURITY_FEATURES_PER_SESSION /);
    expect(() => loadConfig(env({ ...secrets, ONE_TIME_CODE: 'yes' }))).toThrow(/^config: ONE_TIME_CODE /);
    expect(() => loadConfig(env({ ...secrets, DELETE_RECORDINGS_ON_ABORT: 'always' }))).toThrow(/^config: DELETE_RECORDINGS_ON_ABORT /);
  });
});

describe('the quality gate configuration (issue 15)', () => {
  it('defaults to protocol\'s thresholds, unset or empty', () => {
    expect(loadConfig(env({ ...secrets })).qualityThresholds).toEqual(DEFAULT_QUALITY_THRESHOLDS);
    expect(loadConfig(env({ ...secrets, QUALITY_MIN_FPS: ' ', QUALITY_HOLD_SECONDS: '' })).qualityThresholds).toEqual(DEFAULT_QUALITY_THRESHOLDS);
  });

  it('takes each variable, 0 turning a check off, the hold in seconds', () => {
    const t = loadConfig(
      env({
        ...secrets,
        QUALITY_MIN_WIDTH: '1280',
        QUALITY_MIN_HEIGHT: '720',
        QUALITY_MIN_FPS: '12.5',
        QUALITY_MAX_FREEZE_SHARE: '0.05',
        QUALITY_MIN_BRIGHTNESS: '0',
        QUALITY_MIN_SHARPNESS: '35',
        QUALITY_HOLD_SECONDS: '4.5',
      }),
    ).qualityThresholds;
    expect(t).toEqual({ minWidth: 1280, minHeight: 720, minFps: 12.5, maxFreezeShare: 0.05, minBrightness: 0, minSharpness: 35, holdMs: 4500 });
  });

  it.each([
    [{ QUALITY_MIN_WIDTH: '640.5' }, 'QUALITY_MIN_WIDTH'],
    [{ QUALITY_MIN_HEIGHT: '-1' }, 'QUALITY_MIN_HEIGHT'],
    [{ QUALITY_MIN_FPS: 'ten' }, 'QUALITY_MIN_FPS'],
    [{ QUALITY_MAX_FREEZE_SHARE: '1.5' }, 'QUALITY_MAX_FREEZE_SHARE'],
    [{ QUALITY_MIN_BRIGHTNESS: '300' }, 'QUALITY_MIN_BRIGHTNESS'],
    [{ QUALITY_HOLD_SECONDS: '0' }, 'QUALITY_HOLD_SECONDS'],
  ])('refuses a bad value naming its variable %#', (override, variable) => {
    expect(() => loadConfig(env({ ...secrets, ...override }))).toThrow(new RegExp(`^config: ${variable} `));
  });
});

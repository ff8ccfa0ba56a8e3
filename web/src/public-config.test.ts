import { describe, expect, it } from 'vitest';
import { FALLBACK_CONFIG, interpretConfig } from './public-config.ts';

const answer = { version: '0.1.0', locales: ['ko', 'en'], maxSessionMinutes: 30, iceTransportPolicy: 'relay', evidencePublicKey: null };

describe('interpretConfig', () => {
  it('takes the ICE policy and the bank key', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n';
    expect(interpretConfig(200, { ...answer, evidencePublicKey: pem })).toEqual({
      config: { iceTransportPolicy: 'relay', evidencePublicKey: pem },
      problem: null,
    });
    expect(interpretConfig(200, answer).config.evidencePublicKey).toBeNull();
  });
  it('falls back (no key: captures off, calls on) for an error or an answer it does not understand', () => {
    expect(interpretConfig(500, answer)).toEqual({ config: FALLBACK_CONFIG, problem: 'HTTP 500' });
    expect(interpretConfig(200, null).config).toEqual(FALLBACK_CONFIG);
    expect(interpretConfig(200, { ...answer, evidencePublicKey: 42 }).config).toEqual(FALLBACK_CONFIG);
  });
});
